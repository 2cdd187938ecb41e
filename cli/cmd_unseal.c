// SPDX-License-Identifier: GPL-2.0-or-later
/* tlsroot unseal: bundles into the kernel keyrings, then lock (tlsroot-seal(8)). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_tpm.h"
#include "cli/pin_prompt.h"

#define MAX_BUNDLES 64
#define DEFAULT_PIN_TRIES 3
#define MAX_PIN_TRIES 10

struct unseal_args {
	struct tpm_opts tpm;
	const char *dir;
	int verify;
	int ask_pin;                /* --ask-pin: tries per PIN bundle, or 0 */
	int lock_pcr;               /* --lock-pcr: -1 any, TR_LOCK_PCR_NONE */
	char *paths[MAX_BUNDLES];
	int n_paths;
	char *owned[MAX_BUNDLES];   /* paths found in --dir */
	struct policy_files pol;    /* --policy, --policy-dir */
};

static int collect_dir(struct unseal_args *a)
{
	static const char *const suffixes[] = { ".bundle", NULL };
	int found, rc;

	rc = scan_dir(a->dir, suffixes, "bundle", a->owned, MAX_BUNDLES,
		      &a->n_paths, &found);
	if (rc)
		return rc;
	memcpy(a->paths, a->owned, sizeof(a->owned[0]) * a->n_paths);
	if (found > MAX_BUNDLES)
		return cli_usage_error("more than %d bundles in %s", MAX_BUNDLES, a->dir);
	return 0;
}

static int parse_pin_tries(const char *s, int *tries)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > MAX_PIN_TRIES)
		return cli_usage_error("bad --pin-tries '%s': 1..%d", s,
				       MAX_PIN_TRIES);
	*tries = (int)v;
	return 0;
}

static int unseal_parse(int argc, char **argv, struct unseal_args *a)
{
	static const struct option opts[] = {
		{ "dir", 1, NULL, OPT_DIR }, { "verify", 0, NULL, OPT_VERIFY },
		{ "lock-pcr", 1, NULL, OPT_LOCK_PCR },
		{ "pin-file", 1, NULL, OPT_PIN_FILE },
		{ "ask-pin", 0, NULL, OPT_ASK_PIN },
		{ "pin-tries", 1, NULL, OPT_PIN_TRIES },
		{ "tcti", 1, NULL, OPT_TCTI },
		{ "tpm-timeout", 1, NULL, OPT_TIMEOUT },
		{ "policy", 1, NULL, OPT_POLICY },
		{ "policy-dir", 1, NULL, OPT_POLICY_DIR },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		rc = tpm_option(opt, &a->tpm);
		if (rc == 0)
			rc = policy_files_option(&a->pol, opt, optarg);
		if (rc == 1)
			continue;
		if (rc)
			return rc;
		if (opt == OPT_DIR) {
			a->dir = optarg;
		} else if (opt == OPT_VERIFY) {
			a->verify = 1;
		} else if (opt == OPT_ASK_PIN) {
			if (!a->ask_pin)
				a->ask_pin = DEFAULT_PIN_TRIES;
		} else if (opt == OPT_PIN_TRIES) {
			if (parse_pin_tries(optarg, &a->ask_pin))
				return TR_EXIT_USAGE;
		} else if (opt == OPT_LOCK_PCR) {
			uint8_t pcr;

			if (parse_lock_pcr(optarg, &pcr))
				return TR_EXIT_USAGE;
			a->lock_pcr = pcr;
		} else if (opt == 'h') {
			printf("Usage: tlsroot unseal [BUNDLE...|--dir D] [--verify]\n"
			       "                      [--pin-file F | --ask-pin [--pin-tries N]]\n"
			       "                      [--lock-pcr 8..15|none] [--tcti T] [--tpm-timeout S]\n"
			       "                      [--policy FILE.tpol|FILE.json ... | --policy-dir D]\n"
			       "Unseal bundles into the kernel keyrings, then lock; see tlsroot-seal(8).\n");
			return -1;
		} else {
			return TR_EXIT_USAGE;
		}
	}
	if (a->ask_pin && a->tpm.pin_file)
		return cli_usage_error("give --pin-file or --ask-pin, not both");
	if (a->dir && optind < argc)
		return cli_usage_error("give bundles or --dir, not both");
	if (argc - optind > MAX_BUNDLES)
		return cli_usage_error("at most %d bundles at once", MAX_BUNDLES);
	for (; optind < argc; optind++)
		a->paths[a->n_paths++] = argv[optind];
	if (a->dir && (rc = collect_dir(a)) != 0)
		return rc;
	if (a->n_paths == 0) {
		fprintf(stderr, "tlsroot: no bundles to unseal%s%s\n",
			a->dir ? " in " : "; name them or use --dir",
			a->dir ? a->dir : "");
		return TR_EXIT_NOTFOUND;
	}
	return 0;
}

static int place_x509(const struct tr_identity *id, const char *name,
		      int verify, struct tr_error *err)
{
	int32_t cert_serial, key_serial;

	if (verify) {
		printf("name=%s kind=x509 verified cert_bytes=%zu\n", name,
		       id->cert_len);
		return 0;
	}
	if (tr_keys_add_x509_der(name, id->cert, id->cert_len, id->key,
				 id->key_len, &cert_serial, &key_serial,
				 err) < 0)
		return -1;
	printf("name=%s kind=x509 cert_serial=%d privkey_serial=%d\n", name,
	       cert_serial, key_serial);
	return 0;
}

static int place_psk(const struct tr_identity *id, const char *name,
		     int verify, struct tr_error *err)
{
	struct tr_psk_params p = { .hostnqn = id->hostnqn,
				   .subnqn = id->subnqn,
				   .identity_version = id->identity_version,
				   .compat = id->compat };
	struct tr_secret derived = { 0 };
	struct tr_psk_derived *d;
	char identity[TR_PSK_IDENTITY_MAX];
	int32_t serial;
	int ret = -1;

	if (!verify) {
		if (tr_keys_add_psk(&p, id->psk, id->psk_len, id->hmac, &serial,
				    identity, sizeof(identity), err) < 0)
			return -1;
		printf("name=%s kind=psk serial=%d identity=\"%s\"%s\n", name,
		       serial, identity, id->compat ? " compat=1" : "");
		return 0;
	}
	/* Verify: derive as placement would, show the identity only. */
	if (tr_secret_alloc(&derived, sizeof(*d), err) < 0)
		return -1;
	d = (struct tr_psk_derived *)(void *)derived.data;
	if (tr_psk_derive(&p, id->psk, id->psk_len, id->hmac, d, err) == 0) {
		printf("name=%s kind=psk verified identity=\"%s\"%s\n", name,
		       d->identity, id->compat ? " compat=1" : "");
		ret = 0;
	}
	tr_secret_free(&derived);
	return ret;
}

/*
 * One bundle through the TPM. Its payload stays in locked memory until
 * every bundle has been tried and the lock PCRs are extended: no key
 * reaches a keyring while the TPM could still unseal.
 */
struct unsealed {
	char name[TR_IDENTITY_NAME_MAX + 1];
	int kind;
	struct tr_secret payload;
	char policy[PATH_MAX + 32];  /* the signed policy used, or "" */
};

struct unseal_run {
	uint32_t lock;             /* lock PCRs the bundles ask for */
	int n_done;
	struct unsealed done[MAX_BUNDLES];
	int first_fail;            /* exit code of the first other failure */
	int n_skipped;             /* foreign or revoked: maybe only a note */
	struct skipped {
		int code;          /* TR_EXIT_WRONGTPM or TR_EXIT_REVOKED */
		char name[TR_IDENTITY_NAME_MAX + 1];
		char msg[TR_ERROR_MAX];
	} skipped[MAX_BUNDLES];
};

/* A lock PCR must be one nothing resets before a reboot. */
static int lock_pcr_usable(const struct tr_bundle_header *h, int expect,
			   struct tr_error *err)
{
	if (h->lock_pcr != TR_LOCK_PCR_NONE &&
	    (h->lock_pcr < TR_LOCK_PCR_MIN || h->lock_pcr > TR_LOCK_PCR_MAX)) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "bundle %s: lock PCR %u can be reset without a reboot, so it locks nothing; reseal with --lock-pcr 15",
			     h->name, h->lock_pcr);
		return -1;
	}
	if (expect >= 0 && h->lock_pcr != expect) {
		char want[12], got[12];

		snprintf(want, sizeof(want), "%d", expect);
		snprintf(got, sizeof(got), "%u", h->lock_pcr);
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "bundle %s: sealed with lock PCR %s, but --lock-pcr (rd.tlsroot.lock_pcr) says %s; reseal it or fix the option",
			     h->name,
			     h->lock_pcr == TR_LOCK_PCR_NONE ? "none" : got,
			     expect == TR_LOCK_PCR_NONE ? "none" : want);
		return -1;
	}
	return 0;
}

static void note_failure(struct unseal_run *r, const struct tr_error *err,
			 const char *name)
{
	struct skipped *k = &r->skipped[r->n_skipped];

	if ((err->code == TR_EXIT_WRONGTPM || err->code == TR_EXIT_REVOKED) &&
	    r->n_skipped < MAX_BUNDLES) {
		k->code = err->code;
		snprintf(k->name, sizeof(k->name), "%s", name);
		snprintf(k->msg, sizeof(k->msg), "%s", err->msg);
		r->n_skipped++;
		return;
	}
	if (!r->first_fail)
		r->first_fail = cli_fail(err);
	else
		cli_fail(err);
}

/*
 * A PIN bundle with --ask-pin: ask up to tries times. Each wrong PIN is
 * one count of the TPM's dictionary-attack lockout, as with --pin-file.
 */
static int unseal_asking(struct tr_tpm *t, const struct tr_bundle_header *h,
			 int tries, const struct tr_policy_set *set,
			 struct tr_secret *payload, struct tr_error *err)
{
	struct tr_secret pin = { 0 };
	char prompt[128];
	int i, ret;

	for (i = 1; i <= tries; i++) {
		snprintf(prompt, sizeof(prompt), "tlsroot: PIN for %s (try %d of %d):",
			 h->name, i, tries);
		if (pin_prompt(prompt, &pin, err) < 0)
			return -1;
		tr_error_clear(err);
		ret = tr_tpm_unseal(t, h, &pin, set, payload, err);
		tr_secret_free(&pin);
		if (ret == 0 || err->code != TR_EXIT_PIN)
			return ret;
		pin_prompt_note("tlsroot: wrong PIN for %s", h->name);
	}
	tr_error_set(err, TR_EXIT_PIN,
		     "bundle %s: wrong PIN %d times; the TPM counted each against its dictionary-attack lockout; boot again to retry",
		     h->name, tries);
	return -1;
}

static void unseal_path(struct tr_tpm *t, const char *path,
			const struct tr_secret *pin, const struct unseal_args *a,
			struct unseal_run *r)
{
	int ask_pin = a->ask_pin, expect_lock = a->lock_pcr;
	const struct tr_signed_policy *used = NULL;
	struct tr_policy_set set = a->pol.set;
	int ret;

	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct unsealed *u = &r->done[r->n_done];
	struct tr_error err;
	uint8_t *buf = NULL;
	size_t len;

	tr_error_clear(&err);
	if (!h) {
		tr_error_set(&err, TR_EXIT_FAILURE, "out of memory");
	} else if (read_bundle(path, &buf, &len, h, &err) == 0 &&
		   lock_pcr_usable(h, expect_lock, &err) == 0) {
		if (h->lock_pcr != TR_LOCK_PCR_NONE)
			r->lock |= 1u << h->lock_pcr;
		set.used = &used;
		if (ask_pin && !pin && h->flags & TR_BUNDLE_FLAG_PIN)
			ret = unseal_asking(t, h, ask_pin, &set, &u->payload,
					    &err);
		else
			ret = tr_tpm_unseal(t, h, pin, &set, &u->payload, &err);
		if (ret == 0) {
			snprintf(u->name, sizeof(u->name), "%s", h->name);
			u->kind = h->kind;
			u->policy[0] = '\0';
			if (used)
				tr_signed_policy_name(used, u->policy,
						      sizeof(u->policy));
			r->n_done++;
		}
	}
	if (err.code)
		note_failure(r, &err, h ? h->name : "");
	free(buf);
	free(h);
}

static int place(const struct unsealed *u, int verify)
{
	struct tr_identity id;
	struct tr_error err;
	int ret;

	if (tr_payload_decode(&u->payload, u->kind, &id, &err) < 0)
		return cli_fail(&err);
	if (u->kind == TR_BUNDLE_X509)
		ret = place_x509(&id, u->name, verify, &err);
	else
		ret = place_psk(&id, u->name, verify, &err);
	if (ret < 0)
		return cli_fail(&err);
	/* Which approval let this boot unseal: for the boot's log. */
	if (u->policy[0])
		fprintf(stderr, "tlsroot: note: %s: unsealed through the signed policy %s\n",
			u->name, u->policy);
	return 0;
}

static int name_unsealed(const struct unseal_run *r, const char *name)
{
	int i;

	for (i = 0; i < r->n_done; i++)
		if (!strcmp(r->done[i].name, name))
			return 1;
	return 0;
}

/*
 * Bundles sealed on another TPM are expected in an image shared by
 * several machines: once one bundle unsealed they are a note, not an
 * error. A revoked bundle left beside the one that replaced it (same
 * name, unsealed) is a note too. Otherwise the first of them is the error.
 */
static int report_skipped(const struct unseal_run *r)
{
	const struct skipped *k;
	int i, ret = 0;

	for (i = 0; i < r->n_skipped; i++) {
		k = &r->skipped[i];
		if (k->code == TR_EXIT_WRONGTPM ? r->n_done > 0 :
		    name_unsealed(r, k->name)) {
			fprintf(stderr, "tlsroot: note: skipped: %s\n", k->msg);
		} else if (!ret) {
			fprintf(stderr, "tlsroot: %s\n", k->msg);
			ret = k->code;
		}
	}
	return ret;
}

static int unseal_all(struct tr_tpm *t, const struct unseal_args *a,
		      const struct tr_secret *pin, struct unseal_run *r)
{
	int i, ret, skipped;

	for (i = 0; i < a->n_paths; i++)
		unseal_path(t, a->paths[i], pin, a, r);
	/* Lock even after failures: the next process must find it locked. */
	ret = a->verify ? 0 : lock_pcrs(t, r->lock);
	if (ret) {
		fprintf(stderr, "tlsroot: the lock PCRs could not be extended; no key placed\n");
		return ret;
	}
	for (i = 0; i < r->n_done; i++) {
		ret = place(&r->done[i], a->verify);
		if (ret && !r->first_fail)
			r->first_fail = ret;
	}
	skipped = report_skipped(r);
	if (r->first_fail)
		return r->first_fail;
	return skipped;
}

int cmd_unseal(int argc, char **argv)
{
	struct unseal_args a = { .tpm.timeout_ms = CLI_TPM_TIMEOUT_S * 1000,
				 .lock_pcr = -1 };
	struct tr_secret pin_buf = { 0 };
	const struct tr_secret *pin = NULL;
	struct unseal_run *r = NULL;
	struct tr_tpm *t = NULL;
	int i, ret;

	optind = 1;
	ret = unseal_parse(argc, argv, &a);
	if (!ret)
		ret = policy_files_load(&a.pol);
	if (!ret)
		ret = read_pin(&a.tpm, &pin_buf, &pin, 0);
	if (!ret)
		ret = open_tpm(&a.tpm, &t);
	if (!ret) {
		r = calloc(1, sizeof(*r));
		ret = r ? unseal_all(t, &a, pin, r) : TR_EXIT_FAILURE;
	}
	tr_tpm_close(t);
	if (r) {
		for (i = 0; i < r->n_done; i++)
			tr_secret_free(&r->done[i].payload);
		free(r);
	}
	tr_secret_free(&pin_buf);
	for (i = 0; i < a.n_paths; i++)
		free(a.owned[i]);
	policy_files_free(&a.pol);
	return ret < 0 ? TR_EXIT_OK : ret;
}
