// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlsroot cmdline: the kernel command line as dracut hooks need it, and
 * the NFS option rewrite that the netroot hook runs. See
 * tlsroot-cmdline(8) and tlsroot.cmdline(7).
 */
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kernel-cmdline/kernel-cmdline.h"

#define MAX_FILES 32
#define CMDLINE_D_GLOB "/etc/cmdline.d/*.conf"

struct cmdline_args {
	const char *files[MAX_FILES];
	size_t n_files;
	int json;
	const char *rewrite;            /* --rewrite-nfs-options */
	long cert_serial;               /* 0: not given */
	long privkey_serial;
	int strip_identity;
};

static void usage(FILE *out)
{
	fputs("Usage: tlsroot cmdline [--file FILE]... [--json]\n"
	      "       tlsroot cmdline --rewrite-nfs-options OPTIONS\n"
	      "               (--cert-serial N --privkey-serial N | --strip-identity)\n\n"
	      "Print the rd.tlsroot.* configuration and the root spec as shell\n"
	      "assignments (TLSROOT_NAME='value') or JSON. Without --file, read\n"
	      CMDLINE_D_GLOB " and then /proc/cmdline, as dracut does; '-'\n"
	      "reads standard input. --rewrite-nfs-options prints OPTIONS with\n"
	      "tls_identity=NAME replaced by the key serials, or removed.\n"
	      "See tlsroot-cmdline(8) and tlsroot.cmdline(7).\n", out);
}

static int parse_serial(const char *opt, const char *text, long *out)
{
	char *end;
	long v;

	v = strtol(text, &end, 10);
	if (!*text || *end || v <= 0 || v > INT32_MAX)
		return cli_usage_error("%s %s: not a key serial (1-%ld)", opt,
				       text, (long)INT32_MAX);
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct cmdline_args *a)
{
	enum { OPT_REWRITE = 256, OPT_CERT, OPT_PRIVKEY, OPT_STRIP };
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "rewrite-nfs-options", required_argument, NULL, OPT_REWRITE },
		{ "cert-serial", required_argument, NULL, OPT_CERT },
		{ "privkey-serial", required_argument, NULL, OPT_PRIVKEY },
		{ "strip-identity", no_argument, NULL, OPT_STRIP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (a->n_files == MAX_FILES)
				return cli_usage_error("cmdline: more than %d --file options",
						       MAX_FILES);
			a->files[a->n_files++] = optarg;
			break;
		case 'j':
			a->json = 1;
			break;
		case OPT_REWRITE:
			a->rewrite = optarg;
			break;
		case OPT_CERT:
			if (parse_serial("--cert-serial", optarg, &a->cert_serial))
				return TR_EXIT_USAGE;
			break;
		case OPT_PRIVKEY:
			if (parse_serial("--privkey-serial", optarg,
					 &a->privkey_serial))
				return TR_EXIT_USAGE;
			break;
		case OPT_STRIP:
			a->strip_identity = 1;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return cli_usage_error("cmdline: unknown option or missing argument '%s'; see 'tlsroot cmdline --help'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("cmdline: unexpected argument '%s'",
				       argv[optind]);
	return 0;
}

static int check_mode(const struct cmdline_args *a)
{
	int serials = a->cert_serial || a->privkey_serial;

	if (!a->rewrite) {
		if (serials || a->strip_identity)
			return cli_usage_error("cmdline: --cert-serial, --privkey-serial and --strip-identity go with --rewrite-nfs-options");
		return 0;
	}
	if (a->n_files || a->json)
		return cli_usage_error("cmdline: --rewrite-nfs-options takes no --file or --json");
	if (serials && a->strip_identity)
		return cli_usage_error("cmdline: give either the serials or --strip-identity, not both");
	if (!a->strip_identity && !(a->cert_serial && a->privkey_serial))
		return cli_usage_error("cmdline: --rewrite-nfs-options needs --cert-serial and --privkey-serial, or --strip-identity");
	return 0;
}

static int rewrite_options(const struct cmdline_args *a)
{
	struct tr_nfs_key_serials serials = {
		(int32_t)a->cert_serial, (int32_t)a->privkey_serial };
	char out[TR_NFS_REWRITE_MAX + 1];
	struct tr_error err;

	if (tr_nfs_options_rewrite(a->rewrite,
				   a->strip_identity ? NULL : &serials, out,
				   sizeof(out), &err) < 0)
		return cli_fail(&err);
	printf("%s\n", out);
	return TR_EXIT_OK;
}

/* Append one source to buf, separated from the last one by a newline. */
static int append_file(const char *path, char *buf, size_t *len,
		       struct tr_error *err)
{
	size_t room = TR_CMDLINE_MAX_BYTES - *len, n;
	uint8_t *data;

	if (room < 2) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "kernel command line sources exceed %d bytes",
			     TR_CMDLINE_MAX_BYTES);
		return -1;
	}
	if (tr_read_file(path, room - 1, &data, &n, err) < 0)
		return -1;
	memcpy(buf + *len, data, n);
	*len += n;
	buf[(*len)++] = '\n';
	free(data);
	return 0;
}

static int read_sources(const struct cmdline_args *a, char *buf, size_t *len,
			struct tr_error *err)
{
	glob_t g = { 0 };
	size_t i;
	int rc = 0;

	*len = 0;
	if (a->n_files) {
		for (i = 0; i < a->n_files && rc == 0; i++)
			rc = append_file(a->files[i], buf, len, err);
		return rc;
	}
	/* dracut reads /etc/cmdline.d first, so /proc/cmdline wins. */
	if (glob(CMDLINE_D_GLOB, 0, NULL, &g) == 0)
		for (i = 0; i < g.gl_pathc && rc == 0; i++)
			rc = append_file(g.gl_pathv[i], buf, len, err);
	globfree(&g);
	return rc ? rc : append_file("/proc/cmdline", buf, len, err);
}

static int print_config(const struct cmdline_args *a)
{
	struct tr_cmdline cfg;
	struct tr_error err;
	char *buf;
	size_t len;
	int rc;

	buf = malloc(TR_CMDLINE_MAX_BYTES + 1);
	if (!buf) {
		tr_error_set(&err, TR_EXIT_FAILURE, "out of memory");
		return cli_fail(&err);
	}
	if (read_sources(a, buf, &len, &err) < 0 ||
	    tr_cmdline_parse(buf, len, &cfg, &err) < 0) {
		free(buf);
		return cli_fail(&err);
	}
	free(buf);
	rc = a->json ? tr_cmdline_write_json(&cfg, stdout)
		     : tr_cmdline_write_shell(&cfg, stdout);
	if (rc < 0 || fflush(stdout) != 0) {
		tr_error_set(&err, TR_EXIT_FAILURE,
			     "cannot write the configuration to standard output");
		return cli_fail(&err);
	}
	return TR_EXIT_OK;
}

int cmd_cmdline(int argc, char **argv)
{
	struct cmdline_args a = { 0 };
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc < 0)
		return TR_EXIT_OK;      /* --help */
	if (rc || (rc = check_mode(&a)))
		return rc;
	return a.rewrite ? rewrite_options(&a) : print_config(&a);
}
