// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlsroot key: identities in the kernel keyrings. See tlsroot-key(8).
 * Secrets come from files or stdin ("-"), never from argv.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "keys/keys.h"

#define PSK_FILE_MAX 256
#define KEYFILE_MAX (1024 * 1024)

enum kind_filter { KIND_ANY = 0, KIND_X509 = 1, KIND_PSK = 2 };

struct key_args {
	const char *name;
	const char *cert;
	const char *key;
	const char *hostnqn;
	const char *subnqn;
	const char *psk_file;
	int identity_version;
	int compat;
	int kind;
	int json;
};

struct subcommand {
	const char *name;
	const char *usage;
	const char *options;     /* getopt_long names this one accepts */
	int positional;          /* 1: takes NAME (or FILE) */
	int (*run)(const struct key_args *a);
};

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void format_time(time_t t, char *out, size_t cap)
{
	struct tm tm;

	if (!t || !gmtime_r(&t, &tm) ||
	    !strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, cap, "-");
}

/* Strip the line end an editor or `echo` leaves after a key. */
static void trim_end(struct tr_secret *s)
{
	while (s->len && (s->data[s->len - 1] == '\n' ||
			  s->data[s->len - 1] == '\r' ||
			  s->data[s->len - 1] == ' ' ||
			  s->data[s->len - 1] == '\t'))
		s->data[--s->len] = '\0';
}

/* The configured PSK from an interchange-format file, in locked memory. */
static int read_configured_psk(const char *path, struct tr_secret *psk,
			       int *hash, struct tr_error *err)
{
	struct tr_secret text;
	int ret;

	if (tr_read_secret(path, PSK_FILE_MAX, &text, err) < 0)
		return -1;
	trim_end(&text);
	ret = tr_secret_alloc(psk, TR_PSK_MAX, err);
	if (ret == 0) {
		ret = tr_psk_parse_interchange((const char *)text.data,
					       text.len, psk->data, &psk->len,
					       hash, err);
		if (ret < 0) {
			char why[TR_ERROR_MAX];

			memcpy(why, err->msg, sizeof(why));
			tr_error_set(err, err->code, "%s: %s",
				     strcmp(path, "-") ? path : "standard input",
				     why);
			tr_secret_free(psk);
		}
	}
	tr_secret_free(&text);
	return ret;
}

/* ---- add ---- */

static void warn_validity(const struct tr_x509_identity *id)
{
	char msg[256];

	if (tr_x509_check_time(id->not_before, id->not_after, time(NULL), msg,
			       sizeof(msg)))
		fprintf(stderr, "tlsroot: %s\n", msg);
}

static int run_add(const struct key_args *a)
{
	struct tr_x509_identity id;
	struct tr_keyring_target t;
	struct tr_error err;
	int32_t cs, ks;

	if (!a->cert || !a->key)
		return cli_usage_error("key add: --cert and --key are required");
	if (tr_keys_name_check(a->name, &err) < 0 ||
	    tr_x509_load_pem_files(a->cert, a->key, &id, &err) < 0)
		return cli_fail(&err);
	warn_validity(&id);
	if (tr_keyring_open_nfs(&t, 1, &err) < 0 ||
	    tr_keys_put_x509(&t, a->name, id.cert_der, id.cert_len,
			     id.key_der.data, id.key_der.len, &cs, &ks,
			     &err) < 0) {
		tr_x509_identity_free(&id);
		return cli_fail(&err);
	}
	if (a->json) {
		printf("{\"name\":");
		json_string(a->name);
		printf(",\"kind\":\"x509\",\"keyring\":");
		json_string(t.name);
		printf(",\"cert_serial\":%d,\"privkey_serial\":%d}\n", cs, ks);
	} else {
		printf("added x509 identity %s (%s, %s) to %s: cert_serial=%d,privkey_serial=%d\n",
		       a->name, id.subject, id.key_algo, t.name, cs, ks);
	}
	tr_x509_identity_free(&id);
	return TR_EXIT_OK;
}

/* ---- add-psk and identity ---- */

static int check_nqns(const struct key_args *a, struct tr_error *err)
{
	if (!a->hostnqn || !a->subnqn || !a->psk_file) {
		tr_error_set(err, TR_EXIT_USAGE,
			     "--hostnqn, --subnqn and --psk-file are required");
		return -1;
	}
	return 0;
}

static void print_psk(const struct key_args *a, const char *keyring,
		      int32_t serial, const char *identity)
{
	if (a->json) {
		printf("{");
		if (a->name) {
			printf("\"name\":");
			json_string(a->name);
			printf(",");
		}
		printf("\"kind\":\"psk\",\"identity\":");
		json_string(identity);
		if (keyring) {
			printf(",\"keyring\":");
			json_string(keyring);
			printf(",\"serial\":%d", serial);
		}
		printf("}\n");
	} else if (keyring) {
		printf("added PSK %s to %s: tls_key=0x%08x identity \"%s\"\n",
		       a->name, keyring, (unsigned int)serial, identity);
	} else {
		printf("%s\n", identity);
	}
}

static int run_add_psk(const struct key_args *a)
{
	struct tr_psk_params p = { a->hostnqn, a->subnqn, a->identity_version,
				   a->compat };
	char identity[TR_PSK_IDENTITY_MAX];
	struct tr_psk_derived check;
	struct tr_keyring_target t;
	struct tr_secret psk;
	struct tr_error err;
	int hash, rc = TR_EXIT_OK;
	int32_t serial;

	if (tr_keys_name_check(a->name, &err) < 0 || check_nqns(a, &err) < 0 ||
	    read_configured_psk(a->psk_file, &psk, &hash, &err) < 0)
		return cli_fail(&err);
	/* Refuse bad input before touching (or loading) anything. */
	if (tr_psk_derive(&p, psk.data, psk.len, hash, &check, &err) < 0 ||
	    tr_keyring_open_nvme(&t, 1, &err) < 0 ||
	    tr_keys_derive_put_psk(&t, a->name, &p, psk.data, psk.len, hash,
				   &serial, identity, sizeof(identity),
				   &err) < 0)
		rc = cli_fail(&err);
	else
		print_psk(a, t.name, serial, identity);
	tr_wipe(&check, sizeof(check));
	tr_secret_free(&psk);
	return rc;
}

static int run_identity(const struct key_args *a)
{
	struct tr_psk_params p = { a->hostnqn, a->subnqn, a->identity_version,
				   a->compat };
	struct tr_secret psk, out;
	struct tr_psk_derived *d;
	struct tr_error err;
	int hash, rc = TR_EXIT_OK;

	if (check_nqns(a, &err) < 0 ||
	    read_configured_psk(a->psk_file, &psk, &hash, &err) < 0)
		return cli_fail(&err);
	if (tr_secret_alloc(&out, sizeof(*d), &err) < 0) {
		tr_secret_free(&psk);
		return cli_fail(&err);
	}
	d = (struct tr_psk_derived *)out.data;
	if (tr_psk_derive(&p, psk.data, psk.len, hash, d, &err) < 0)
		rc = cli_fail(&err);
	else
		print_psk(a, NULL, 0, d->identity);
	tr_secret_free(&out);
	tr_secret_free(&psk);
	return rc;
}

/* ---- import-nvme ---- */

static int run_import(const struct key_args *a)
{
	struct tr_secret text, scratch;
	struct tr_keyring_target t;
	struct tr_error err;
	int rc = TR_EXIT_OK;
	size_t count;

	if (tr_read_secret(a->name, KEYFILE_MAX, &text, &err) < 0)
		return cli_fail(&err);
	if (tr_secret_alloc(&scratch, sizeof(struct tr_nvme_keyfile_entry),
			    &err) < 0) {
		tr_secret_free(&text);
		return cli_fail(&err);
	}
	/* Bad lines are refused before any keyring is touched or loaded. */
	if (tr_nvme_keyfile_parse((const char *)text.data, text.len,
				  (struct tr_nvme_keyfile_entry *)scratch.data,
				  NULL, NULL, &err) < 0 ||
	    tr_keyring_open_nvme(&t, 1, &err) < 0 ||
	    tr_keys_import_nvme(&t, (const char *)text.data, text.len,
				(struct tr_nvme_keyfile_entry *)scratch.data,
				&count, &err) < 0)
		rc = cli_fail(&err);
	else if (a->json)
		printf("{\"keyring\":\"%s\",\"imported\":%zu}\n", t.name,
		       count);
	else
		printf("imported %zu PSK%s into %s\n", count,
		       count == 1 ? "" : "s", t.name);
	tr_secret_free(&scratch);
	tr_secret_free(&text);
	return rc;
}

/* ---- list ---- */

struct list_state {
	int json;
	int count;
};

static int print_entry(const struct tr_key_entry *e, void *ctx)
{
	struct list_state *s = ctx;
	const char *kind = e->kind == TR_KEY_X509 ? "x509" : "psk";
	char expires[32];

	format_time(e->not_after, expires, sizeof(expires));
	if (!s->json) {
		if (!s->count)
			printf("%-5s %-20s %-8s %-10s %-10s %-20s %s\n", "KIND",
			       "NAME", "KEYRING", "SERIAL", "KEYSERIAL",
			       "EXPIRES", "IDENTITY");
		printf("%-5s %-20s %-8s %-10d %-10d %-20s %s\n", kind,
		       e->name[0] ? e->name : "-", e->keyring, e->serial,
		       e->key_serial, expires,
		       e->identity[0] ? e->identity : "-");
	} else {
		printf("%s{\"kind\":\"%s\",\"name\":", s->count ? "," : "",
		       kind);
		json_string(e->name);
		printf(",\"keyring\":");
		json_string(e->keyring);
		printf(",\"serial\":%d", e->serial);
		if (e->kind == TR_KEY_X509) {
			printf(",\"privkey_serial\":%d,\"not_after\":",
			       e->key_serial);
			json_string(expires);
		} else {
			printf(",\"identity\":");
			json_string(e->identity);
		}
		printf("}");
	}
	s->count++;
	return 0;
}

static int run_list(const struct key_args *a)
{
	struct list_state s = { a->json, 0 };
	struct tr_keyring_target t;
	struct tr_error err;

	if (a->json)
		printf("[");
	/* Read-only: load nothing, create nothing; absent keyrings are empty. */
	if (tr_keyring_open_nfs(&t, 0, &err) == 0 &&
	    tr_keys_list(&t, print_entry, &s, &err) < 0)
		return cli_fail(&err);
	if (tr_keyring_open_nvme(&t, 0, &err) == 0 &&
	    tr_keys_list(&t, print_entry, &s, &err) < 0)
		return cli_fail(&err);
	if (a->json)
		printf("]\n");
	return TR_EXIT_OK;
}

/* ---- remove and resolve ---- */

static int is_identity(const char *s)
{
	return !strncmp(s, "NVMe", 4) && strchr(s, ' ');
}

/* Open the keyring for a kind; 0 and no error text when it is absent. */
static int open_kind(int kind, struct tr_keyring_target *t)
{
	struct tr_error err;

	return kind == KIND_X509 ? tr_keyring_open_nfs(t, 0, &err)
				 : tr_keyring_open_nvme(t, 0, &err);
}

struct found {
	int32_t cert, key, psk;
	char identity[TR_PSK_IDENTITY_MAX];
	struct tr_error x509_err;       /* why the x509 lookup failed */
};

static int check_name_arg(const struct key_args *a, struct tr_error *err)
{
	return is_identity(a->name) ? 0 : tr_keys_name_check(a->name, err);
}

static int lookup(const struct key_args *a, struct found *f,
		  struct tr_error *err)
{
	struct tr_keyring_target t;
	struct tr_error miss;

	memset(f, 0, sizeof(*f));
	if (check_name_arg(a, err) < 0)
		return -1;
	/* A half x509 identity keeps its one serial, to be reported. */
	if (a->kind != KIND_PSK && !is_identity(a->name) &&
	    open_kind(KIND_X509, &t) == 0)
		tr_keys_find_x509(&t, a->name, &f->cert, &f->key,
				  &f->x509_err);
	if (a->kind != KIND_X509 && open_kind(KIND_PSK, &t) == 0 &&
	    tr_keys_find_psk(&t, a->name, &f->psk, f->identity,
			     sizeof(f->identity), &miss) < 0)
		f->psk = 0;
	if (!f->cert && !f->key && !f->psk) {
		tr_error_set(err, TR_EXIT_NOTFOUND,
			     "no identity %s in the kernel keyrings; see `tlsroot key list`",
			     a->name);
		return -1;
	}
	if ((f->cert || f->key) && f->psk) {
		tr_error_set(err, TR_EXIT_USAGE,
			     "%s names both an x509 identity and a PSK; add --kind x509 or --kind psk",
			     a->name);
		return -1;
	}
	if (!f->psk && !(f->cert && f->key)) {
		*err = f->x509_err;
		return -1;
	}
	return 0;
}

static int run_resolve(const struct key_args *a)
{
	struct tr_error err;
	struct found f;

	if (lookup(a, &f, &err) < 0)
		return cli_fail(&err);
	if (f.cert && a->json)
		printf("{\"kind\":\"x509\",\"cert_serial\":%d,\"privkey_serial\":%d}\n",
		       f.cert, f.key);
	else if (f.cert)
		printf("cert_serial=%d,privkey_serial=%d\n", f.cert, f.key);
	else if (a->json) {
		printf("{\"kind\":\"psk\",\"tls_key\":%d,\"identity\":", f.psk);
		json_string(f.identity);
		printf("}\n");
	} else {
		printf("tls_key=0x%08x\n", (unsigned int)f.psk);
	}
	return TR_EXIT_OK;
}

/* 1 removed, 0 nothing there, -1 failed (err set). */
static int remove_kind(const struct key_args *a, int kind,
		       struct tr_error *err)
{
	struct tr_keyring_target t;
	struct tr_error e;
	int ret;

	if (open_kind(kind, &t) < 0)
		return 0;
	ret = kind == KIND_X509 ? tr_keys_remove_x509(&t, a->name, &e)
				: tr_keys_remove_psk(&t, a->name, &e);
	if (ret == 0)
		return 1;
	if (e.code == TR_EXIT_NOTFOUND)
		return 0;
	*err = e;
	return -1;
}

/* Every identity of that name goes, unless --kind narrows it. */
static int run_remove(const struct key_args *a)
{
	struct tr_error err;
	int x = 0, p = 0;

	if (check_name_arg(a, &err) < 0)
		return cli_fail(&err);
	if (a->kind != KIND_PSK && !is_identity(a->name))
		x = remove_kind(a, KIND_X509, &err);
	if (x >= 0 && a->kind != KIND_X509)
		p = remove_kind(a, KIND_PSK, &err);
	if (x < 0 || p < 0)
		return cli_fail(&err);
	if (!x && !p) {
		tr_error_set(&err, TR_EXIT_NOTFOUND,
			     "no identity %s in the kernel keyrings; see `tlsroot key list`",
			     a->name);
		return cli_fail(&err);
	}
	return TR_EXIT_OK;
}

/* ---- dispatch ---- */

static const struct subcommand subcommands[] = {
	{ "add", "add NAME --cert FILE --key FILE [--json]\n"
		 "Add or replace an x509 identity (PEM certificate and key) as DER\n"
		 "user keys nfs:x509:NAME:cert and nfs:x509:NAME:privkey on .nfs.",
	  "cert key json", 1, run_add },
	{ "add-psk", "add-psk NAME --hostnqn NQN --subnqn NQN --psk-file FILE\n"
		     "        [--identity-version 0|1] [--compat] [--json]\n"
		     "Derive the TLS PSK from a configured PSK (NVMeTLSkey-1:... in FILE,\n"
		     "'-' for stdin) and add it as a psk key on .nvme, named NAME.\n"
		     "--compat: derive as nvme-cli <= 2.15 does (see tlsroot-key(8)).",
	  "hostnqn subnqn psk-file identity-version compat json", 1,
	  run_add_psk },
	{ "import-nvme", "import-nvme FILE [--json]\n"
			 "Import an nvme-cli key file ('<identity> <key>' lines) into .nvme.",
	  "json", 1, run_import },
	{ "list", "list [--json]\n"
		  "List identities: kind, name, keyring, serials, expiry; never secrets.",
	  "json", 0, run_list },
	{ "remove", "remove NAME|IDENTITY [--kind x509|psk]\n"
		    "Remove the identities of that name (or identity) from the keyrings.",
	  "kind", 1, run_remove },
	{ "resolve", "resolve NAME|IDENTITY [--kind x509|psk] [--json]\n"
		     "Print the mount options (cert_serial=N,privkey_serial=N) or the\n"
		     "connect option (tls_key=0xSERIAL) for an identity.",
	  "kind json", 1, run_resolve },
	{ "identity", "identity --hostnqn NQN --subnqn NQN --psk-file FILE\n"
		      "         [--identity-version 0|1] [--compat] [--json]\n"
		      "Print the PSK identity for a configured PSK; inserts nothing.",
	  "hostnqn subnqn psk-file identity-version compat json", 0,
	  run_identity },
};

#define N_SUB (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *out)
{
	size_t i;

	fputs("Usage: tlsroot key SUBCOMMAND [ARGS]...\n\n"
	      "Identities in the kernel keyrings. Subcommands:\n", out);
	for (i = 0; i < N_SUB; i++)
		fprintf(out, "  %.*s\n", (int)strcspn(subcommands[i].usage, "\n"),
			subcommands[i].usage);
	fputs("\nRun 'tlsroot key SUBCOMMAND --help' for details; see tlsroot-key(8).\n",
	      out);
}

static int option_allowed(const struct subcommand *sc, const char *opt)
{
	const char *p = sc->options;
	size_t n = strlen(opt);

	while ((p = strstr(p, opt))) {
		if ((p == sc->options || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static int set_option(const struct subcommand *sc, const char *opt,
		      const char *val, struct key_args *a)
{
	if (!option_allowed(sc, opt))
		return cli_usage_error("key %s: --%s does not apply; see 'tlsroot key %s --help'",
				       sc->name, opt, sc->name);
	if (!strcmp(opt, "cert"))
		a->cert = val;
	else if (!strcmp(opt, "key"))
		a->key = val;
	else if (!strcmp(opt, "hostnqn"))
		a->hostnqn = val;
	else if (!strcmp(opt, "subnqn"))
		a->subnqn = val;
	else if (!strcmp(opt, "psk-file"))
		a->psk_file = val;
	else if (!strcmp(opt, "json"))
		a->json = 1;
	else if (!strcmp(opt, "compat"))
		a->compat = 1;
	else if (!strcmp(opt, "identity-version")) {
		if (strcmp(val, "0") && strcmp(val, "1"))
			return cli_usage_error("key %s: --identity-version takes 0 or 1, not '%s'",
					       sc->name, val);
		a->identity_version = val[0] - '0';
	} else if (!strcmp(opt, "kind")) {
		if (strcmp(val, "x509") && strcmp(val, "psk"))
			return cli_usage_error("key %s: --kind takes x509 or psk, not '%s'",
					       sc->name, val);
		a->kind = strcmp(val, "x509") ? KIND_PSK : KIND_X509;
	}
	return 0;
}

static int parse_sub(const struct subcommand *sc, int argc, char **argv,
		     struct key_args *a)
{
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, 0 },
		{ "key", required_argument, NULL, 0 },
		{ "hostnqn", required_argument, NULL, 0 },
		{ "subnqn", required_argument, NULL, 0 },
		{ "psk-file", required_argument, NULL, 0 },
		{ "identity-version", required_argument, NULL, 0 },
		{ "kind", required_argument, NULL, 0 },
		{ "json", no_argument, NULL, 0 },
		{ "compat", no_argument, NULL, 0 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, idx;

	memset(a, 0, sizeof(*a));
	a->identity_version = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		if (c == 'h') {
			printf("Usage: tlsroot key %s\n", sc->usage);
			return -1;
		}
		if (c != 0)
			return cli_usage_error("key %s: unknown option or missing argument '%s'; see 'tlsroot key %s --help'",
					       sc->name, argv[optind - 1],
					       sc->name);
		if (set_option(sc, longopts[idx].name, optarg, a))
			return TR_EXIT_USAGE;
	}
	if (sc->positional && optind < argc)
		a->name = argv[optind++];
	if (sc->positional && !a->name)
		return cli_usage_error("key %s: missing %s; see 'tlsroot key %s --help'",
				       sc->name,
				       strcmp(sc->name, "import-nvme") ? "NAME" : "FILE",
				       sc->name);
	if (optind < argc)
		return cli_usage_error("key %s: unexpected argument '%s'",
				       sc->name, argv[optind]);
	return 0;
}

int cmd_key(int argc, char **argv)
{
	struct key_args a;
	size_t i;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return TR_EXIT_USAGE;
	}
	if (cli_asks_help(argv[1])) {
		usage(stdout);
		return TR_EXIT_OK;
	}
	for (i = 0; i < N_SUB; i++) {
		if (strcmp(argv[1], subcommands[i].name))
			continue;
		rc = parse_sub(&subcommands[i], argc - 1, argv + 1, &a);
		if (rc)
			return rc < 0 ? TR_EXIT_OK : rc;
		return subcommands[i].run(&a);
	}
	return cli_usage_error("key: unknown subcommand '%s'; run 'tlsroot key --help'",
			       argv[1]);
}
