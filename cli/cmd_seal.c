// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlsroot seal | inspect | unseal: identities sealed to the TPM, see
 * tlsroot-seal(8) and tlsroot-bundle(5).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "keys/keys.h"
#include "tpm/tpm.h"

#define CERT_FILE_MAX (64 * 1024)
#define PIN_FILE_MAX 1024
#define PSK_FILE_MAX 256
#define DEFAULT_TIMEOUT_S 10
#define DEFAULT_LOCK_PCR 15
#define MAX_BUNDLES 64

/* Options shared by the commands that talk to the TPM. */
struct tpm_opts {
	const char *tcti;
	unsigned timeout_ms;
	const char *pin_file;
};

enum { OPT_TCTI = 256, OPT_TIMEOUT, OPT_PIN_FILE, OPT_CERT, OPT_KEY,
       OPT_PSK_FILE, OPT_HOSTNQN, OPT_SUBNQN, OPT_IDVER, OPT_COMPAT, OPT_PCRS,
       OPT_PCR, OPT_LOCK_PCR, OPT_JSON, OPT_DIR, OPT_VERIFY };

/* tpm2-tss logs to stderr by default; our one-line errors say it better. */
static void quiet_tss(void)
{
	setenv("TSS2_LOG", "all+none", 0);
}

static int parse_timeout(const char *s, unsigned *ms)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > 3600)
		return cli_usage_error("bad --tpm-timeout '%s': seconds, 0..3600",
				       s);
	*ms = (unsigned)v * 1000u;
	return 0;
}

/* Returns 1 if opt was a TPM option, 0 if not, TR_EXIT_USAGE if bad. */
static int tpm_option(int opt, struct tpm_opts *o)
{
	switch (opt) {
	case OPT_TCTI:
		o->tcti = optarg;
		return 1;
	case OPT_TIMEOUT:
		return parse_timeout(optarg, &o->timeout_ms) ? TR_EXIT_USAGE
							     : 1;
	case OPT_PIN_FILE:
		o->pin_file = optarg;
		return 1;
	}
	return 0;
}

static int open_tpm(const struct tpm_opts *o, struct tr_tpm **t)
{
	struct tr_error err;

	quiet_tss();
	if (tr_tpm_open(t, o->tcti, o->timeout_ms, &err) < 0)
		return cli_fail(&err);
	return 0;
}

static int read_pin(const struct tpm_opts *o, struct tr_secret *pin,
		    const struct tr_secret **out)
{
	struct tr_error err;

	*out = NULL;
	if (!o->pin_file)
		return 0;
	if (tr_read_secret(o->pin_file, PIN_FILE_MAX, pin, &err) < 0)
		return cli_fail(&err);
	*out = pin;
	return 0;
}

/* ---- seal ---- */

struct seal_args {
	const char *name, *out;
	const char *cert, *key;
	const char *psk_file, *hostnqn, *subnqn;
	int identity_version;
	int compat;             /* --compat: libnvme <= 1.15 derivation */
	int have_pcrs;
	uint32_t pcrs;          /* --pcrs */
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
		"                   [--pcrs 7,... | --pcr N=sha256:HEX ...] [--lock-pcr 15|none]\n"
		"                   [--pin-file F] [--tcti T] [--tpm-timeout S] -o BUNDLE\n"
		"Seal an identity to this machine's TPM; see tlsroot-seal(8).\n");
}

static int parse_lock_pcr(const char *s, uint8_t *pcr)
{
	uint32_t mask;
	struct tr_error err;

	if (!strcmp(s, "none")) {
		*pcr = TR_LOCK_PCR_NONE;
		return 0;
	}
	if (tr_pcr_list_parse(s, &mask, &err) < 0 || (mask & (mask - 1)))
		return cli_usage_error("bad --lock-pcr '%s': one PCR 0..23 or 'none'",
				       s);
	*pcr = (uint8_t)__builtin_ctz(mask);
	return 0;
}

static int seal_pcr_option(int opt, struct seal_args *a)
{
	uint8_t value[TR_DIGEST_LEN];
	struct tr_error err;
	unsigned pcr;
	uint32_t mask;

	if (opt == OPT_PCRS) {
		if (tr_pcr_list_parse(optarg, &mask, &err) < 0)
			return cli_fail(&err);
		a->pcrs |= mask;
		a->have_pcrs = 1;
		return 0;
	}
	if (opt == OPT_PCR) {
		if (tr_pcr_value_parse(optarg, &pcr, value, &err) < 0)
			return cli_fail(&err);
		memcpy(a->values[pcr], value, TR_DIGEST_LEN);
		a->given |= 1u << pcr;
		return 0;
	}
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
		{ "lock-pcr", 1, NULL, OPT_LOCK_PCR },
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
		case OPT_COMPAT: a->compat = 1; break;
		case OPT_IDVER:
			if (strcmp(optarg, "0") && strcmp(optarg, "1"))
				return cli_usage_error("--identity-version must be 0 or 1");
			a->identity_version = optarg[0] - '0';
			break;
		case OPT_PCR:
		case OPT_PCRS:
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

static int load_x509(const struct seal_args *a, struct tr_secret *payload)
{
	struct tr_x509_identity id = { 0 };
	struct tr_secret key = { 0 };
	struct tr_error err;
	uint8_t *cert = NULL;
	size_t cert_len;
	int ret = 0;

	if (tr_read_file(a->cert, CERT_FILE_MAX, &cert, &cert_len, &err) < 0 ||
	    tr_read_secret(a->key, CERT_FILE_MAX, &key, &err) < 0 ||
	    tr_x509_load_pem(cert, cert_len, key.data, key.len, &id, &err) < 0 ||
	    tr_payload_x509(id.cert_der, id.cert_len, id.key_der.data,
			    id.key_der.len, payload, &err) < 0)
		ret = cli_fail(&err);
	tr_x509_identity_free(&id);
	tr_secret_free(&key);
	free(cert);
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

/* Write next to the target, then rename: a reader never sees half a file. */
static int write_bundle(const char *path, const uint8_t *buf, size_t len)
{
	char tmp[4096];
	size_t off = 0;
	ssize_t n;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return cli_usage_error("output path too long");
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail_fd;
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail_unlink;
	}
	if (rename(tmp, path) < 0)
		goto fail_unlink;
	return 0;
fail_fd:
	close(fd);
fail_unlink:
	unlink(tmp);
fail:
	fprintf(stderr, "tlsroot: cannot write %s: %s\n", path, strerror(errno));
	return TR_EXIT_FAILURE;
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
	struct tr_seal_request req = { .name = a->name, .pin = pin,
				       .payload = payload,
				       .lock_pcr = a->lock_pcr };
	struct tr_tpm *t = NULL;
	struct tr_error err;
	uint8_t *bundle = NULL;
	size_t len;
	int ret;

	req.kind = a->cert ? TR_BUNDLE_X509 : TR_BUNDLE_PSK;
	req.pcr_mask = (a->have_pcrs || a->given ? a->pcrs : 1u << 7) | a->given;
	if (a->lock_pcr != TR_LOCK_PCR_NONE)
		req.pcr_mask |= 1u << a->lock_pcr;
	req.pcr_values = (const uint8_t (*)[TR_DIGEST_LEN])a->values;
	ret = open_tpm(&a->tpm, &t);
	if (ret)
		return ret;
	ret = seal_pcr_values(a, t, req.pcr_mask);
	if (!ret && tr_tpm_seal(t, &req, &bundle, &len, &err) < 0)
		ret = cli_fail(&err);
	tr_tpm_close(t);
	if (!ret)
		ret = write_bundle(a->out, bundle, len);
	free(bundle);
	return ret;
}

int cmd_seal(int argc, char **argv)
{
	struct seal_args a = { .lock_pcr = DEFAULT_LOCK_PCR,
			       .tpm.timeout_ms = DEFAULT_TIMEOUT_S * 1000 };
	struct tr_secret payload = { 0 }, pin_buf = { 0 };
	const struct tr_secret *pin;
	int ret;

	optind = 1;
	ret = seal_parse(argc, argv, &a);
	if (ret)
		return ret < 0 ? TR_EXIT_OK : ret;
	ret = seal_check(&a);
	if (!ret)
		ret = read_pin(&a.tpm, &pin_buf, &pin);
	if (!ret)
		ret = a.cert ? load_x509(&a, &payload) : load_psk(&a, &payload);
	if (!ret)
		ret = seal_run(&a, &payload, pin);
	tr_secret_free(&payload);
	tr_secret_free(&pin_buf);
	if (!ret)
		printf("sealed %s (%s) to %s\n", a.name,
		       a.cert ? "x509" : "psk", a.out);
	return ret;
}

/* ---- inspect ---- */

static void print_hex(const uint8_t *p, size_t n)
{
	while (n--)
		printf("%02x", *p++);
}

static void print_pcr_list(uint32_t mask)
{
	const char *sep = "";
	unsigned i;

	for (i = 0; i < TR_PCR_COUNT; i++)
		if (mask >> i & 1) {
			printf("%s%u", sep, i);
			sep = ",";
		}
}

static void inspect_text(const char *path, const struct tr_bundle_header *h)
{
	unsigned i;

	printf("bundle:   %s\nversion:  %u\nname:     %s\nkind:     %s\n"
	       "pin:      %s\npcrs:     sha256:", path, h->version, h->name,
	       tr_bundle_kind_name(h->kind),
	       h->flags & TR_BUNDLE_FLAG_PIN ? "yes" : "no");
	print_pcr_list(h->pcr_mask);
	if (h->lock_pcr == TR_LOCK_PCR_NONE)
		printf("\nlock pcr: none\n");
	else
		printf("\nlock pcr: %u\n", h->lock_pcr);
	for (i = 0; i < TR_PCR_COUNT; i++) {
		if (!(h->pcr_mask >> i & 1))
			continue;
		printf("pcr %-2u:   sha256:", i);
		print_hex(h->pcr_values[i], TR_DIGEST_LEN);
		printf("\n");
	}
	printf("policy:   ");
	print_hex(h->policy, TR_DIGEST_LEN);
	printf("\nsrk:      0x%08x (%zu bytes pinned)\npayload:  %zu bytes, AES-256-GCM\n",
	       TR_SRK_HANDLE, h->srk_len, h->sealed_len - TR_BUNDLE_TAG_LEN);
}

static void inspect_json(const struct tr_bundle_header *h)
{
	const char *sep = "";
	unsigned i;

	/* Names are [A-Za-z0-9._-]: nothing to escape. */
	printf("{\"version\":%u,\"name\":\"%s\",\"kind\":\"%s\",\"pin\":%s,"
	       "\"pcr_bank\":\"sha256\",\"pcrs\":[", h->version, h->name,
	       tr_bundle_kind_name(h->kind),
	       h->flags & TR_BUNDLE_FLAG_PIN ? "true" : "false");
	print_pcr_list(h->pcr_mask);
	if (h->lock_pcr == TR_LOCK_PCR_NONE)
		printf("],\"lock_pcr\":null,\"pcr_values\":{");
	else
		printf("],\"lock_pcr\":%u,\"pcr_values\":{", h->lock_pcr);
	sep = "";
	for (i = 0; i < TR_PCR_COUNT; i++) {
		if (!(h->pcr_mask >> i & 1))
			continue;
		printf("%s\"%u\":\"", sep, i);
		print_hex(h->pcr_values[i], TR_DIGEST_LEN);
		printf("\"");
		sep = ",";
	}
	printf("},\"policy\":\"");
	print_hex(h->policy, TR_DIGEST_LEN);
	printf("\",\"srk_handle\":\"0x%08x\",\"payload_bytes\":%zu}\n",
	       TR_SRK_HANDLE, h->sealed_len - TR_BUNDLE_TAG_LEN);
}

static int read_bundle(const char *path, uint8_t **buf, size_t *len,
		       struct tr_bundle_header *h, struct tr_error *err)
{
	char prefix[TR_ERROR_MAX];

	if (tr_read_file(path, TR_BUNDLE_MAX, buf, len, err) < 0)
		return -1;
	if (tr_bundle_parse(*buf, *len, h, err) == 0)
		return 0;
	snprintf(prefix, sizeof(prefix), "%s", err->msg);
	tr_error_set(err, err->code, "%s: %s", path, prefix);
	free(*buf);
	*buf = NULL;
	return -1;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", 0, NULL, OPT_JSON }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	struct tr_bundle_header *h;
	struct tr_error err;
	uint8_t *buf;
	size_t len;
	int opt, json = 0, ret = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == OPT_JSON) {
			json = 1;
		} else if (opt == 'h') {
			printf("Usage: tlsroot inspect BUNDLE [--json]\n"
			       "Show a bundle's header (never its secrets); see tlsroot-bundle(5).\n");
			return TR_EXIT_OK;
		} else {
			return TR_EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("inspect needs exactly one BUNDLE");
	h = malloc(sizeof(*h));
	if (!h)
		return TR_EXIT_FAILURE;
	if (read_bundle(argv[optind], &buf, &len, h, &err) < 0) {
		ret = cli_fail(&err);
	} else {
		if (json)
			inspect_json(h);
		else
			inspect_text(argv[optind], h);
		free(buf);
	}
	free(h);
	return ret;
}

/* ---- unseal ---- */

struct unseal_args {
	struct tpm_opts tpm;
	const char *dir;
	int verify;
	char *paths[MAX_BUNDLES];
	int n_paths;
	char *owned[MAX_BUNDLES];   /* paths found in --dir */
};

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

static int bundle_file(const struct dirent *d)
{
	return d->d_name[0] != '.' && has_suffix(d->d_name, ".bundle");
}

static int collect_dir(struct unseal_args *a)
{
	struct dirent **list;
	int i, n;

	n = scandir(a->dir, &list, bundle_file, alphasort);
	if (n < 0) {
		fprintf(stderr, "tlsroot: cannot read bundle directory %s: %s\n",
			a->dir, strerror(errno));
		return errno == ENOENT ? TR_EXIT_NOTFOUND : TR_EXIT_FAILURE;
	}
	for (i = 0; i < n; i++) {
		if (a->n_paths < MAX_BUNDLES &&
		    asprintf(&a->owned[a->n_paths], "%s/%s", a->dir,
			     list[i]->d_name) > 0) {
			a->paths[a->n_paths] = a->owned[a->n_paths];
			a->n_paths++;
		}
		free(list[i]);
	}
	free(list);
	if (n > MAX_BUNDLES)
		return cli_usage_error("more than %d bundles in %s", MAX_BUNDLES, a->dir);
	return 0;
}

static int unseal_parse(int argc, char **argv, struct unseal_args *a)
{
	static const struct option opts[] = {
		{ "dir", 1, NULL, OPT_DIR }, { "verify", 0, NULL, OPT_VERIFY },
		{ "pin-file", 1, NULL, OPT_PIN_FILE },
		{ "tcti", 1, NULL, OPT_TCTI },
		{ "tpm-timeout", 1, NULL, OPT_TIMEOUT },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		rc = tpm_option(opt, &a->tpm);
		if (rc == 1)
			continue;
		if (rc)
			return rc;
		if (opt == OPT_DIR) {
			a->dir = optarg;
		} else if (opt == OPT_VERIFY) {
			a->verify = 1;
		} else if (opt == 'h') {
			printf("Usage: tlsroot unseal [BUNDLE...|--dir D] [--verify] [--pin-file F]\n"
			       "                      [--tcti T] [--tpm-timeout S]\n"
			       "Unseal bundles into the kernel keyrings, then lock; see tlsroot-seal(8).\n");
			return -1;
		} else {
			return TR_EXIT_USAGE;
		}
	}
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

static int unseal_one(struct tr_tpm *t, const struct tr_bundle_header *h,
		      const struct tr_secret *pin, int verify,
		      struct tr_error *err)
{
	struct tr_secret payload = { 0 };
	struct tr_identity id;
	int ret = -1;

	if (tr_tpm_unseal(t, h, pin, &payload, err) < 0 ||
	    tr_payload_decode(&payload, h->kind, &id, err) < 0)
		goto out;
	if (h->kind == TR_BUNDLE_X509)
		ret = place_x509(&id, h->name, verify, err);
	else
		ret = place_psk(&id, h->name, verify, err);
out:
	tr_secret_free(&payload);
	return ret;
}

/* Returns the lock PCRs the bundle asks for, after trying to unseal it. */
static uint32_t unseal_path(struct tr_tpm *t, const char *path,
			    const struct tr_secret *pin, int verify,
			    int *first_fail)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_error err;
	uint8_t *buf = NULL;
	size_t len;
	uint32_t lock = 0;

	tr_error_clear(&err);
	if (!h) {
		tr_error_set(&err, TR_EXIT_FAILURE, "out of memory");
	} else if (read_bundle(path, &buf, &len, h, &err) == 0) {
		if (h->lock_pcr != TR_LOCK_PCR_NONE)
			lock = 1u << h->lock_pcr;
		if (unseal_one(t, h, pin, verify, &err) == 0)
			err.code = 0;
	}
	if (err.code) {
		int code = cli_fail(&err);

		if (!*first_fail)
			*first_fail = code;
	}
	free(buf);
	free(h);
	return lock;
}

/* Extend each lock PCR once so that nothing can unseal until reboot. */
static int lock_pcrs(struct tr_tpm *t, uint32_t lock)
{
	struct tr_error err;
	unsigned i;
	int ret = 0;

	for (i = 0; i < TR_PCR_COUNT; i++) {
		if (!(lock >> i & 1))
			continue;
		if (tr_tpm_pcr_lock(t, i, &err) < 0)
			ret = cli_fail(&err);
		else
			printf("locked pcr=%u\n", i);
	}
	return ret;
}

int cmd_unseal(int argc, char **argv)
{
	struct unseal_args a = { .tpm.timeout_ms = DEFAULT_TIMEOUT_S * 1000 };
	struct tr_secret pin_buf = { 0 };
	const struct tr_secret *pin = NULL;
	struct tr_tpm *t = NULL;
	uint32_t lock = 0;
	int i, ret, first_fail = 0;

	optind = 1;
	ret = unseal_parse(argc, argv, &a);
	if (!ret)
		ret = read_pin(&a.tpm, &pin_buf, &pin);
	if (!ret)
		ret = open_tpm(&a.tpm, &t);
	if (ret)
		goto out;
	for (i = 0; i < a.n_paths; i++)
		lock |= unseal_path(t, a.paths[i], pin, a.verify, &first_fail);
	/* Lock even after failures: the next process must find it locked. */
	if (!a.verify)
		ret = lock_pcrs(t, lock);
	if (first_fail)
		ret = first_fail;
out:
	tr_tpm_close(t);
	tr_secret_free(&pin_buf);
	for (i = 0; i < a.n_paths; i++)
		free(a.owned[i]);
	return ret < 0 ? TR_EXIT_OK : ret;
}
