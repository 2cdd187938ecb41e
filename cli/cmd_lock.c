// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlsroot lock: make the unsealed identities unusable for the rest of the
 * boot, for the initramfs's emergency path (tlsroot-seal(8)): invalidate
 * every key tlsroot placed and extend the lock PCR, so that a shell finds
 * no key and cannot unseal the bundles again.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli_tpm.h"

#define DEFAULT_LOCK_PCR 15

static int purge(int (*open_ring)(struct tr_keyring_target *, int,
				  struct tr_error *),
		 unsigned *count)
{
	struct tr_keyring_target t;
	struct tr_error err;
	int rc;

	*count = 0;
	rc = open_ring(&t, 0, &err);
	/* Never created in this boot: nothing to invalidate. */
	if (rc == TR_KEYRING_ABSENT)
		return 0;
	if (rc < 0)
		return cli_fail(&err);
	if (tr_keys_invalidate_all(&t, count, &err) < 0)
		return cli_fail(&err);
	return 0;
}

/* *pcr: --lock-pcr's value, or left alone when the option is absent. */
static int lock_parse(int argc, char **argv, struct tpm_opts *o,
		      int *pcr)
{
	static const struct option opts[] = {
		{ "lock-pcr", 1, NULL, OPT_LOCK_PCR },
		{ "tcti", 1, NULL, OPT_TCTI },
		{ "tpm-timeout", 1, NULL, OPT_TIMEOUT },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		rc = tpm_option(opt, o);
		if (rc == 1)
			continue;
		if (rc)
			return rc;
		if (opt == OPT_LOCK_PCR) {
			uint8_t v;

			if (parse_lock_pcr(optarg, &v))
				return TR_EXIT_USAGE;
			*pcr = v;
		} else if (opt == 'h') {
			printf("Usage: tlsroot lock [BUNDLE...] [--lock-pcr 8..15|none] [--tcti T] [--tpm-timeout S]\n"
			       "Invalidate every key tlsroot placed and extend the lock PCRs of the\n"
			       "BUNDLEs and --lock-pcr (15 when they name none); see tlsroot-seal(8).\n");
			return -1;
		} else {
			return TR_EXIT_USAGE;
		}
	}
	return 0;
}

/*
 * The lock PCRs the bundles ask for. An unreadable bundle is reported and
 * skipped: the others' PCRs are still locked. Returns the first failure.
 */
static int bundle_locks(int n, char **paths, uint32_t *mask)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_error err;
	uint8_t *buf;
	size_t len;
	int i, rc, ret = 0;

	if (!h)
		return TR_EXIT_FAILURE;
	for (i = 0; i < n; i++) {
		if (read_bundle(paths[i], &buf, &len, h, &err) < 0) {
			rc = cli_fail(&err);
			ret = ret ? ret : rc;
			continue;
		}
		if (h->lock_pcr != TR_LOCK_PCR_NONE)
			*mask |= 1u << h->lock_pcr;
		free(buf);
	}
	free(h);
	return ret;
}

int cmd_lock(int argc, char **argv)
{
	struct tpm_opts o = { .timeout_ms = CLI_TPM_TIMEOUT_S * 1000 };
	int pcr = -1;   /* no --lock-pcr */
	uint32_t mask = 0;
	unsigned nfs, nvme;
	struct tr_tpm *t = NULL;
	int ret, rc_keys, rc_lock = 0;

	optind = 1;
	ret = lock_parse(argc, argv, &o, &pcr);
	if (ret)
		return ret < 0 ? TR_EXIT_OK : ret;
	rc_lock = bundle_locks(argc - optind, argv + optind, &mask);
	if (pcr >= 0 && pcr != TR_LOCK_PCR_NONE)
		mask |= 1u << pcr;
	/* Nothing named (or no bundle readable): the default lock PCR. */
	else if (pcr < 0 && !mask)
		mask |= 1u << DEFAULT_LOCK_PCR;
	/* Both steps, whatever the other did: each closes a way in. */
	rc_keys = purge(tr_keyring_open_nfs, &nfs);
	ret = purge(tr_keyring_open_nvme, &nvme);
	if (!rc_keys)
		rc_keys = ret;
	printf("invalidated keys=%u\n", nfs + nvme);
	if (mask) {
		ret = open_tpm(&o, &t);
		if (!ret)
			ret = lock_pcrs(t, mask);
		tr_tpm_close(t);
		if (!rc_lock)
			rc_lock = ret;
	}
	return rc_keys ? rc_keys : rc_lock;
}
