// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlsroot policy: sign a PCR policy for signed-policy bundles, show one
 * (tlsroot-policy(8)); and the signed policies unseal reads (.tpol files,
 * systemd's JSON).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_tpm.h"

struct sign_args {
	const char *key, *out;
	uint32_t pcrs;          /* --pcrs: read from the TPM */
	uint32_t given;         /* --pcr values */
	uint8_t values[TR_PCR_COUNT][TR_DIGEST_LEN];
	struct tpm_opts tpm;
};

static void sign_usage(FILE *f)
{
	fprintf(f,
		"Usage: tlsroot policy sign --key PRIV.pem (--pcr N=sha256:HEX ... |\n"
		"                           --pcrs LIST [--tcti T]) -o FILE.tpol\n"
		"       tlsroot policy inspect FILE.tpol|FILE.json [--json]\n"
		"Sign a PCR policy for bundles sealed with --policy-key; see tlsroot-policy(8).\n");
}

static int sign_parse(int argc, char **argv, struct sign_args *a)
{
	static const struct option opts[] = {
		{ "key", 1, NULL, OPT_KEY }, { "pcrs", 1, NULL, OPT_PCRS },
		{ "pcr", 1, NULL, OPT_PCR }, { "tcti", 1, NULL, OPT_TCTI },
		{ "tpm-timeout", 1, NULL, OPT_TIMEOUT },
		{ "output", 1, NULL, 'o' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		rc = tpm_option(opt, &a->tpm);
		if (rc == 1)
			continue;
		if (rc)
			return rc;
		if (opt == OPT_KEY) {
			a->key = optarg;
		} else if (opt == 'o') {
			a->out = optarg;
		} else if (opt == OPT_PCRS || opt == OPT_PCR) {
			rc = pcr_value_option(opt, optarg, &a->pcrs,
					      &a->given, a->values);
			if (rc)
				return rc;
		} else if (opt == 'h') {
			sign_usage(stdout);
			return -1;
		} else {
			sign_usage(stderr);
			return TR_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage_error("policy sign takes no operands; see 'tlsroot policy sign --help'");
	if (!a->key)
		return cli_usage_error("policy sign needs --key PRIV.pem, the private half of the seal's --policy-key");
	if (!(a->pcrs | a->given))
		return cli_usage_error("policy sign needs PCR values: --pcr N=sha256:HEX ... (predicted), or --pcrs LIST to read them from this TPM");
	if (!a->out || !has_suffix(a->out, TR_POLICY_SUFFIX))
		return cli_usage_error("policy sign needs -o FILE.tpol (unseal --policy-dir reads *.tpol)");
	return 0;
}

/* The PCRs of --pcrs without a --pcr value, from this machine's TPM. */
static int sign_read_pcrs(struct sign_args *a)
{
	uint32_t need = a->pcrs & ~a->given;
	struct tr_tpm *t = NULL;
	struct tr_error err;
	int ret;

	if (!need)
		return 0;
	ret = open_tpm(&a->tpm, &t);
	if (!ret && tr_tpm_pcr_read(t, need, a->values, &err) < 0)
		ret = cli_fail(&err);
	tr_tpm_close(t);
	return ret;
}

static int key_fail(const char *path, struct tr_error *err)
{
	char msg[TR_ERROR_MAX];

	snprintf(msg, sizeof(msg), "%s", err->msg);
	tr_error_set(err, err->code, "--key %s: %s", path, msg);
	return cli_fail(err);
}

static int sign_write(struct sign_args *a, struct output *o)
{
	struct tr_signed_policy *p = malloc(sizeof(*p));
	char fpr[2 * TR_TPM_NAME_MAX + 1];
	struct tr_secret key = { 0 };
	struct tr_error err;
	uint8_t *buf = NULL;
	size_t len;
	int ret = 0;

	if (!p)
		return TR_EXIT_FAILURE;
	if (tr_read_secret(a->key, TR_POLICY_KEY_FILE_MAX, &key, &err) < 0)
		ret = cli_fail(&err);
	else if (tr_signed_policy_sign(&key, a->pcrs | a->given,
				       (const uint8_t (*)[TR_DIGEST_LEN])a->values,
				       p, &err) < 0)
		ret = key_fail(a->key, &err);
	else if (tr_signed_policy_build(p, &buf, &len, &err) < 0)
		ret = cli_fail(&err);
	tr_secret_free(&key);
	if (!ret)
		ret = output_commit(o, buf, len);
	if (!ret) {
		tr_hex(p->key_name, p->key_name_len, fpr);
		printf("signed policy for PCRs");
		for (len = 0; len < TR_PCR_COUNT; len++)
			if (p->pcr_mask >> len & 1)
				printf(" %zu", len);
		printf(" by key %s written to %s\n", fpr, a->out);
	}
	free(buf);
	free(p);
	return ret;
}

static int policy_sign(int argc, char **argv)
{
	struct sign_args a = { .tpm.timeout_ms = CLI_TPM_TIMEOUT_S * 1000 };
	struct output o = { .fd = -1 };
	int ret;

	optind = 1;
	ret = sign_parse(argc, argv, &a);
	if (ret)
		return ret < 0 ? TR_EXIT_OK : ret;
	ret = output_open(&o, a.out);
	if (!ret)
		ret = sign_read_pcrs(&a);
	if (!ret)
		ret = sign_write(&a, &o);
	output_discard(&o);
	return ret;
}

int cmd_policy(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "sign"))
		return policy_sign(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "inspect"))
		return cmd_policy_inspect(argc - 1, argv + 1);
	if (argc >= 2 && cli_asks_help(argv[1])) {
		sign_usage(stdout);
		return TR_EXIT_OK;
	}
	sign_usage(stderr);
	return TR_EXIT_USAGE;
}

/* The signed policies of unseal: .tpol files and systemd's JSON. */

int policy_files_option(struct policy_files *pf, int opt, const char *arg)
{
	if (opt == OPT_POLICY_DIR) {
		pf->dir = arg;
		return 1;
	}
	if (opt != OPT_POLICY)
		return 0;
	if (pf->n_paths >= CLI_POLICY_MAX)
		return cli_usage_error("at most %d --policy files", CLI_POLICY_MAX);
	pf->paths[pf->n_paths++] = arg;
	return 1;
}

static int collect_policies(struct policy_files *pf)
{
	static const char *const suffixes[] = { TR_POLICY_SUFFIX,
						TR_PCRSIG_SUFFIX, NULL };
	int i, found, rc;

	rc = scan_dir(pf->dir, suffixes, "signed policy", pf->owned,
		      CLI_POLICY_MAX - pf->n_paths, &pf->n_owned, &found);
	if (rc)
		return rc;
	for (i = 0; i < pf->n_owned; i++)
		pf->paths[pf->n_paths++] = pf->owned[i];
	if (found > pf->n_owned)
		fprintf(stderr, "tlsroot: note: reading at most %d signed policies\n",
			CLI_POLICY_MAX);
	return 0;
}

/*
 * One file's policies appended to the set: 0, an exit code for a bad one
 * named on the command line, -1 for one skipped (with a note).
 */
static int load_one(struct policy_files *pf, const char *path, int named)
{
	struct tr_signed_policy *p, *grown;
	struct tr_error err;
	size_t n;

	if (read_policies(path, &p, &n, &err) < 0) {
		if (named)
			return cli_fail(&err);
		fprintf(stderr, "tlsroot: note: skipped %s\n", err.msg);
		return -1;
	}
	if (pf->set.n + n > CLI_POLICY_ENTRIES_MAX) {
		free(p);
		if (named)
			return cli_usage_error("%s: more than %d signed policies in all",
					       path, CLI_POLICY_ENTRIES_MAX);
		fprintf(stderr, "tlsroot: note: skipped %s: more than %d signed policies in all\n",
			path, CLI_POLICY_ENTRIES_MAX);
		return -1;
	}
	grown = realloc(pf->p, (pf->set.n + n) * sizeof(*grown));
	if (!grown) {
		free(p);
		return TR_EXIT_FAILURE;
	}
	memcpy(grown + pf->set.n, p, n * sizeof(*p));
	free(p);
	pf->p = grown;
	pf->set.n += n;
	return 0;
}

int policy_files_load(struct policy_files *pf)
{
	int i, named = pf->n_paths, ret;

	if (pf->dir && (ret = collect_policies(pf)) != 0)
		return ret;
	for (i = 0; i < pf->n_paths; i++) {
		ret = load_one(pf, pf->paths[i], i < named);
		if (ret > 0)
			return ret;
	}
	pf->set.p = pf->p;
	return 0;
}

void policy_files_free(struct policy_files *pf)
{
	int i;

	for (i = 0; i < pf->n_owned; i++)
		free(pf->owned[i]);
	free(pf->p);
}
