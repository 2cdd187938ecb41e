// SPDX-License-Identifier: GPL-2.0-or-later
/* tlsroot seal: an identity sealed to this TPM, see tlsroot-seal(8). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_tpm.h"
#include "cli/pcr_policy.h"
#include "tpm/signed_policy.h"

#define PSK_FILE_MAX 256
#define DEFAULT_LOCK_PCR 15

struct seal_args {
	const char *name, *out;
	const char *cert, *key;
	const char *psk_file, *hostnqn, *subnqn;
	int identity_version;
	int compat;             /* --compat: libnvme <= 1.15 derivation */
	int secure_boot_only;   /* --secure-boot-only: PCR 7 alone is meant */
	int revocation;         /* enum tr_revocation: --revocable, --revoke-older */
	uint32_t pcrs;          /* --pcrs */
	const char *policy_key_file; /* --policy-key: signed policies */
	uint32_t policy_pcrs;   /* --policy-pcrs: what they must cover */
	struct tr_policy_key policy_key;
	uint32_t mask;          /* every PCR bound, the lock PCR included */
	uint32_t given;         /* PCRs with a --pcr value */
	uint8_t lock_pcr;
	uint8_t values[TR_PCR_COUNT][TR_DIGEST_LEN];
	struct tpm_opts tpm;
};

static void seal_usage(FILE *f)
{
	fprintf(f,
		"Usage: tlsroot seal NAME (--cert F --key F | --psk-file F --hostnqn H\n"
		"                   --subnqn S [--identity-version 0|1] [--compat])\n"
		"                   (--pcrs LIST | --pcr N=sha256:HEX ... | --secure-boot-only |\n"
		"                    --policy-key PUB.pem --policy-pcrs LIST\n"
		"                    [--pcrs LIST | --pcr N=sha256:HEX ...])\n"
		"                   [--lock-pcr 8..15|none] [--revocable | --revoke-older]\n"
		"                   [--pin-file F] [--tcti T] [--tpm-timeout S] -o BUNDLE\n"
		"Seal an identity to this machine's TPM; see tlsroot-seal(8).\n");
}

static int seal_pcr_option(int opt, struct seal_args *a)
{
	if (opt == OPT_PCRS || opt == OPT_PCR)
		return pcr_value_option(opt, optarg, &a->pcrs, &a->given,
					a->values);
	if (opt == OPT_POLICY_PCRS)
		return pcr_value_option(OPT_PCRS, optarg, &a->policy_pcrs,
					NULL, NULL);
	return parse_lock_pcr(optarg, &a->lock_pcr);
}

static int seal_parse(int argc, char **argv, struct seal_args *a)
{
	static const struct option opts[] = {
		{ "cert", 1, NULL, OPT_CERT }, { "key", 1, NULL, OPT_KEY },
		{ "psk-file", 1, NULL, OPT_PSK_FILE },
		{ "hostnqn", 1, NULL, OPT_HOSTNQN },
		{ "subnqn", 1, NULL, OPT_SUBNQN },
		{ "identity-version", 1, NULL, OPT_IDVER },
		{ "compat", 0, NULL, OPT_COMPAT },
		{ "pcrs", 1, NULL, OPT_PCRS }, { "pcr", 1, NULL, OPT_PCR },
		{ "policy-key", 1, NULL, OPT_POLICY_KEY },
		{ "policy-pcrs", 1, NULL, OPT_POLICY_PCRS },
		{ "lock-pcr", 1, NULL, OPT_LOCK_PCR },
		{ "secure-boot-only", 0, NULL, OPT_SECURE_BOOT_ONLY },
		{ "revocable", 0, NULL, OPT_REVOCABLE },
		{ "revoke-older", 0, NULL, OPT_REVOKE_OLDER },
		{ "pin-file", 1, NULL, OPT_PIN_FILE },
		{ "tcti", 1, NULL, OPT_TCTI },
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
		switch (opt) {
		case OPT_CERT: a->cert = optarg; break;
		case OPT_KEY: a->key = optarg; break;
		case OPT_PSK_FILE: a->psk_file = optarg; break;
		case OPT_HOSTNQN: a->hostnqn = optarg; break;
		case OPT_SUBNQN: a->subnqn = optarg; break;
		case 'o': a->out = optarg; break;
		case OPT_POLICY_KEY: a->policy_key_file = optarg; break;
		case OPT_COMPAT: a->compat = 1; break;
		case OPT_SECURE_BOOT_ONLY: a->secure_boot_only = 1; break;
		/* --revoke-older implies --revocable, whatever the order. */
		case OPT_REVOCABLE:
			if (!a->revocation)
				a->revocation = TR_REVOCATION_BIND;
			break;
		case OPT_REVOKE_OLDER: a->revocation = TR_REVOCATION_ADVANCE; break;
		case OPT_IDVER:
			if (strcmp(optarg, "0") && strcmp(optarg, "1"))
				return cli_usage_error("--identity-version must be 0 or 1");
			a->identity_version = optarg[0] - '0';
			break;
		case OPT_PCR:
		case OPT_PCRS:
		case OPT_POLICY_PCRS:
		case OPT_LOCK_PCR:
			rc = seal_pcr_option(opt, a);
			if (rc)
				return rc;
			break;
		case 'h': seal_usage(stdout); return -1;
		default: seal_usage(stderr); return TR_EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("seal needs exactly one NAME; see 'tlsroot seal --help'");
	a->name = argv[optind];
	return 0;
}

static int seal_check(const struct seal_args *a)
{
	int x509 = a->cert || a->key, psk = a->psk_file || a->hostnqn || a->subnqn;

	if (!tr_identity_name_valid(a->name))
		return cli_usage_error("bad identity name '%s': use 1..%d of A-Z a-z 0-9 . _ -, not starting with '.'",
				       a->name, TR_IDENTITY_NAME_MAX);
	if (a->compat && !psk)
		return cli_usage_error("--compat applies only to a PSK identity (--psk-file, --hostnqn, --subnqn)");
	if (x509 == psk)
		return cli_usage_error("seal needs either --cert and --key, or --psk-file, --hostnqn and --subnqn");
	if (x509 && !(a->cert && a->key))
		return cli_usage_error("an x509 identity needs both --cert and --key");
	if (psk && !(a->psk_file && a->hostnqn && a->subnqn))
		return cli_usage_error("a PSK identity needs --psk-file, --hostnqn and --subnqn");
	if (!a->out)
		return cli_usage_error("seal needs -o BUNDLE");
	return 0;
}

/*
 * With --policy-key the PCRs of --policy-pcrs are bound through signed
 * policies; the object binds the lock PCR and any --pcrs/--pcr directly
 * (as systemd-cryptenroll's --tpm2-pcrs beside --tpm2-public-key: PCR 12
 * at its value for a UKI's own command line). PCR 7 alone is refused
 * there as for --pcrs.
 */
static int seal_signed_check(const struct seal_args *a)
{
	uint32_t both = (a->pcrs | a->given) & a->policy_pcrs;

	if (both)
		return cli_usage_error("PCR %d is in --policy-pcrs and in --pcrs/--pcr: bind each PCR one way, through the signed policies or directly",
				       __builtin_ctz(both));
	if (!a->policy_pcrs)
		return cli_usage_error("--policy-key needs --policy-pcrs LIST: the PCRs its signed policies cover (for example 4,7 or 11)");
	if (a->lock_pcr != TR_LOCK_PCR_NONE &&
	    a->policy_pcrs >> a->lock_pcr & 1)
		return cli_usage_error("--policy-pcrs must not include the lock PCR %u: the bundle binds it directly, at its reset value",
				       a->lock_pcr);
	if (a->secure_boot_only && a->policy_pcrs != 1u << 7)
		return cli_usage_error("--secure-boot-only binds PCR 7 alone; drop it, or drop the other PCRs of --policy-pcrs");
	if (!a->secure_boot_only &&
	    pcr_policy_is_secure_boot_only(a->policy_pcrs | a->pcrs | a->given,
					   TR_LOCK_PCR_NONE))
		return cli_usage_error("PCR 7 alone binds only the Secure Boot state: any kernel, initramfs or command line that Secure Boot admits (rd.break included) would unseal; add PCRs (4, 11, 12 ...) to --policy-pcrs or say --secure-boot-only");
	return 0;
}

static int seal_signed_policy(struct seal_args *a)
{
	struct tr_error err;
	uint8_t *pem = NULL;
	size_t len;
	int ret = seal_signed_check(a);

	if (ret)
		return ret;
	if (tr_read_file(a->policy_key_file, TR_POLICY_KEY_FILE_MAX, &pem, &len,
			 &err) < 0 ||
	    tr_policy_key_from_pem(pem, len, &a->policy_key, &err) < 0) {
		snprintf(err.msg + strlen(err.msg), sizeof(err.msg) - strlen(err.msg),
			 " (--policy-key %s)", a->policy_key_file);
		ret = cli_fail(&err);
	}
	free(pem);
	a->mask = a->pcrs | a->given;
	if (a->lock_pcr != TR_LOCK_PCR_NONE)
		a->mask |= 1u << a->lock_pcr;
	return ret;
}

/*
 * PCR 7 alone admits every kernel, initramfs and command line that Secure
 * Boot admits (a changed initramfs, rd.break): only on request.
 */
static int seal_policy(struct seal_args *a)
{
	if (a->policy_key_file)
		return seal_signed_policy(a);
	if (a->policy_pcrs)
		return cli_usage_error("--policy-pcrs needs --policy-key PUB.pem");
	a->mask = a->pcrs | a->given;
	if (a->secure_boot_only) {
		if (a->mask & ~(1u << 7))
			return cli_usage_error("--secure-boot-only binds PCR 7 alone; drop it, or drop the other PCRs of --pcrs/--pcr");
		a->mask = 1u << 7;
	} else if (!a->mask) {
		return cli_usage_error("seal needs a PCR policy: --pcrs LIST (for example 4,7,8 with GRUB, 4,7,12 with systemd-stub), --pcr N=sha256:HEX, or --secure-boot-only; see tlsroot-seal(8)");
	} else if (pcr_policy_is_secure_boot_only(a->mask, a->lock_pcr)) {
		return cli_usage_error("PCR 7 alone binds only the Secure Boot state: any kernel, initramfs or command line that Secure Boot admits (rd.break included) would unseal; add PCRs (4, 8, 12 ...) or say --secure-boot-only");
	}
	if (a->lock_pcr != TR_LOCK_PCR_NONE)
		a->mask |= 1u << a->lock_pcr;
	return 0;
}

static int load_x509(const struct seal_args *a, struct tr_secret *payload)
{
	struct tr_x509_identity id = { 0 };
	struct tr_error err;
	int ret = 0;

	if (tr_x509_load_pem_files(a->cert, a->key, &id, &err) < 0 ||
	    tr_payload_x509(id.cert_der, id.cert_len, id.key_der.data,
			    id.key_der.len, payload, &err) < 0)
		ret = cli_fail(&err);
	tr_x509_identity_free(&id);
	return ret;
}

/* The configured PSK in the NVMe interchange format, one line. */
static int load_psk(const struct seal_args *a, struct tr_secret *payload)
{
	struct tr_secret text = { 0 }, psk = { 0 };
	struct tr_error err;
	size_t len;
	int hash, ret = 0;

	if (tr_read_secret(a->psk_file, PSK_FILE_MAX, &text, &err) < 0 ||
	    tr_secret_alloc(&psk, TR_PSK_MAX, &err) < 0)
		goto fail;
	len = text.len;
	while (len && (text.data[len - 1] == '\n' || text.data[len - 1] == '\r'))
		len--;
	if (tr_psk_parse_interchange((const char *)text.data, len, psk.data,
				     &psk.len, &hash, &err) < 0 ||
	    tr_payload_psk(psk.data, psk.len, hash, a->hostnqn, a->subnqn,
			   a->identity_version, a->compat, payload, &err) < 0)
		goto fail;
	goto out;
fail:
	ret = cli_fail(&err);
out:
	tr_secret_free(&psk);
	tr_secret_free(&text);
	return ret;
}

/* Fill values for every PCR in mask: given ones, zero lock, read the rest. */
static int seal_pcr_values(struct seal_args *a, struct tr_tpm *t,
			   uint32_t mask)
{
	uint32_t lock = a->lock_pcr == TR_LOCK_PCR_NONE ? 0 : 1u << a->lock_pcr;
	uint8_t zero[TR_DIGEST_LEN] = { 0 };
	struct tr_error err;

	if (lock & a->given && memcmp(a->values[a->lock_pcr], zero, sizeof(zero)))
		return cli_usage_error("lock PCR %u must be sealed at its reset value (all zeros)",
				       a->lock_pcr);
	if (lock)
		memset(a->values[a->lock_pcr], 0, TR_DIGEST_LEN);
	mask &= ~(a->given | lock);
	if (mask && tr_tpm_pcr_read(t, mask, a->values, &err) < 0)
		return cli_fail(&err);
	return 0;
}

static int seal_run(struct seal_args *a, const struct tr_secret *payload,
		    const struct tr_secret *pin)
{
	struct tr_seal_counter counter = { 0 };
	struct tr_seal_request req = { .name = a->name, .pin = pin,
				       .payload = payload,
				       .lock_pcr = a->lock_pcr,
				       .revocation = a->revocation,
				       .counter = &counter };
	struct tr_tpm *t = NULL;
	struct tr_error err;
	struct output o;
	uint8_t *bundle = NULL;
	size_t len;
	int ret;

	req.kind = a->cert ? TR_BUNDLE_X509 : TR_BUNDLE_PSK;
	req.pcr_mask = a->mask;
	if (a->policy_key_file) {
		req.policy_key = &a->policy_key;
		req.policy_pcrs = a->policy_pcrs;
	}
	req.pcr_values = (const uint8_t (*)[TR_DIGEST_LEN])a->values;
	ret = output_open(&o, a->out);
	if (!ret)
		ret = open_tpm(&a->tpm, &t);
	if (!ret)
		ret = seal_pcr_values(a, t, req.pcr_mask);
	if (!ret && tr_tpm_seal(t, &req, &bundle, &len, &err) < 0)
		ret = cli_fail(&err);
	tr_tpm_close(t);
	if (!ret)
		ret = output_commit(&o, bundle, len);
	output_discard(&o);
	free(bundle);
	if (!ret && a->revocation)
		printf("revocable: counter 0x%08x at generation %llu%s\n",
		       counter.nv_index, (unsigned long long)counter.generation,
		       a->revocation == TR_REVOCATION_ADVANCE ?
			       " (older bundles revoked)" :
		       counter.defined ? " (counter defined)" : "");
	if (ret && a->revocation == TR_REVOCATION_ADVANCE && counter.nv_index)
		fprintf(stderr, "tlsroot: the counter 0x%08x was advanced to generation %llu: older bundles of %s are revoked; seal again\n",
			counter.nv_index,
			(unsigned long long)counter.generation, a->name);
	return ret;
}

int cmd_seal(int argc, char **argv)
{
	struct seal_args a = { .lock_pcr = DEFAULT_LOCK_PCR,
			       .tpm.timeout_ms = CLI_TPM_TIMEOUT_S * 1000 };
	struct tr_secret payload = { 0 }, pin_buf = { 0 };
	const struct tr_secret *pin;
	int ret;

	optind = 1;
	ret = seal_parse(argc, argv, &a);
	if (ret)
		return ret < 0 ? TR_EXIT_OK : ret;
	ret = seal_check(&a);
	if (!ret)
		ret = seal_policy(&a);
	if (!ret)
		ret = read_pin(&a.tpm, &pin_buf, &pin, 1);
	if (!ret)
		ret = a.cert ? load_x509(&a, &payload) : load_psk(&a, &payload);
	if (!ret)
		ret = seal_run(&a, &payload, pin);
	tr_secret_free(&payload);
	tr_secret_free(&pin_buf);
	if (!ret) {
		pcr_policy_print(stderr, a.mask, a.lock_pcr, a.policy_pcrs,
				 a.policy_key_file ? &a.policy_key : NULL);
		printf("sealed %s (%s) to %s\n", a.name,
		       a.cert ? "x509" : "psk", a.out);
	}
	return ret;
}
