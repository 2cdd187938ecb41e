// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlsroot cmdline: the kernel command line as dracut hooks need it, and
 * the NFS option rewrite that the netroot hook runs. See
 * tlsroot-cmdline(8) and tlsroot.cmdline(7).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kernel-cmdline/kernel-cmdline.h"

#define MAX_FILES 32
#define CMDLINE_D "/etc/cmdline.d"
#define HOSTNQN_FILE "/etc/nvme/hostnqn"
#define HOSTID_FILE "/etc/nvme/hostid"
#define HOST_FILE_MAX 4096

struct cmdline_args {
	const char *files[MAX_FILES];
	size_t n_files;
	const char *root;               /* --root: where /etc is read */
	int hostonly;                   /* --hostonly-options */
	int json;
	const char *rewrite;            /* --rewrite-nfs-options */
	long cert_serial;               /* 0: not given */
	long privkey_serial;
	int strip_identity;
};

static void usage(FILE *out)
{
	fputs("Usage: tlsroot cmdline [--root DIR] [--file FILE]... [--json | --hostonly-options]\n"
	      "       tlsroot cmdline --rewrite-nfs-options OPTIONS\n"
	      "               (--cert-serial N --privkey-serial N | --strip-identity)\n\n"
	      "Print the rd.tlsroot.* configuration, the root and the rd.tlsroot=\n"
	      "policy as shell assignments (TLSROOT_NAME='value') or JSON. Without\n"
	      "--file, read DIR" CMDLINE_D "/*.conf and then /proc/cmdline, as\n"
	      "dracut does; '-' reads standard input. DIR (default /) also holds\n"
	      HOSTNQN_FILE ", " HOSTID_FILE " and the sealed bundles.\n"
	      "--hostonly-options prints the rd.tlsroot.* options a host-only\n"
	      "initramfs needs to reach the same root with TLS, on one line.\n"
	      "--rewrite-nfs-options prints OPTIONS with tls_identity=NAME (or\n"
	      "<redacted> key serials) replaced by the key serials, or removed.\n"
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
	enum { OPT_REWRITE = 256, OPT_CERT, OPT_PRIVKEY, OPT_STRIP,
	       OPT_ROOT, OPT_HOSTONLY };
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "hostonly-options", no_argument, NULL, OPT_HOSTONLY },
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
		case OPT_ROOT:
			if (optarg[0] != '/')
				return cli_usage_error("cmdline: --root %s: not an absolute path",
						       optarg);
			a->root = optarg;
			break;
		case OPT_HOSTONLY:
			a->hostonly = 1;
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

	if (a->hostonly && a->json)
		return cli_usage_error("cmdline: --hostonly-options prints one line, not JSON; drop --json");
	if (!a->rewrite) {
		if (serials || a->strip_identity)
			return cli_usage_error("cmdline: --cert-serial, --privkey-serial and --strip-identity go with --rewrite-nfs-options");
		return 0;
	}
	if (a->n_files || a->json || a->root || a->hostonly)
		return cli_usage_error("cmdline: --rewrite-nfs-options takes no --file, --root, --json or --hostonly-options");
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

	if (tr_nfs_options_resolve(a->rewrite,
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

/* DIR joined with an absolute path; DIR "/" adds nothing. */
static int under_root(const struct cmdline_args *a, const char *path,
		      char *out, size_t cap, struct tr_error *err)
{
	const char *root = a->root ? a->root : "/";
	size_t n = strlen(root);

	while (n && root[n - 1] == '/')
		n--;
	if ((size_t)snprintf(out, cap, "%.*s%s", (int)n, root, path) >= cap) {
		tr_error_set(err, TR_EXIT_USAGE,
			     "--root %s: the path %s under it is too long",
			     root, path);
		return -1;
	}
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Regular files in dir whose names end in suffix, sorted like a glob. */
struct dir_list {
	char *names[256];
	size_t n;
};

static void list_free(struct dir_list *l)
{
	while (l->n)
		free(l->names[--l->n]);
}

static int is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void list_dir(const char *dir, const char *suffix, struct dir_list *l)
{
	size_t sl = strlen(suffix), nl;
	char path[PATH_MAX], *copy;
	struct dirent *e;
	DIR *d = opendir(dir);

	l->n = 0;
	if (!d)
		return;
	while ((e = readdir(d)) && l->n < sizeof(l->names) / sizeof(l->names[0])) {
		nl = strlen(e->d_name);
		if (e->d_name[0] == '.' || nl <= sl ||
		    strcmp(e->d_name + nl - sl, suffix))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		copy = is_regular(path) ? strdup(path) : NULL;
		if (copy)
			l->names[l->n++] = copy;
	}
	closedir(d);
	qsort(l->names, l->n, sizeof(l->names[0]), compare_names);
}

static int read_sources(const struct cmdline_args *a, char *buf, size_t *len,
			struct tr_error *err)
{
	char dir[PATH_MAX];
	struct dir_list l;
	size_t i;
	int rc = 0;

	*len = 0;
	if (a->n_files) {
		for (i = 0; i < a->n_files && rc == 0; i++)
			rc = append_file(a->files[i], buf, len, err);
		return rc;
	}
	if (under_root(a, CMDLINE_D, dir, sizeof(dir), err) < 0)
		return -1;
	/* dracut reads /etc/cmdline.d first, so /proc/cmdline wins. */
	list_dir(dir, ".conf", &l);
	for (i = 0; i < l.n && rc == 0; i++)
		rc = append_file(l.names[i], buf, len, err);
	list_free(&l);
	return rc ? rc : append_file("/proc/cmdline", buf, len, err);
}

/* A host file's text, or why it could not be read; absent: neither. */
static int read_host_file(const struct cmdline_args *a, const char *path,
			  struct tr_cmdline_file *f, char *full, size_t cap,
			  struct tr_error *err)
{
	struct tr_error read_err;
	uint8_t *data;
	size_t n;

	memset(f, 0, sizeof(*f));
	if (under_root(a, path, full, cap, err) < 0)
		return -1;
	f->path = full;
	if (access(full, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (tr_read_file(full, HOST_FILE_MAX, &data, &n, &read_err) < 0) {
		f->problem = strdup(read_err.msg);
		return f->problem ? 0 : -1;
	}
	f->text = (const char *)data;
	if (strlen(f->text) == n)
		return 0;
	free(data);
	f->text = NULL;
	f->problem = strdup("it contains a NUL byte");
	return f->problem ? 0 : -1;
}

static void free_host_file(struct tr_cmdline_file *f)
{
	free((void *)f->text);
	free((void *)f->problem);
}

/* Any regular file at a bundle location (a file, or *.bundle in a dir). */
static int bundles_present(const struct cmdline_args *a,
			   const struct tr_cmdline *cfg)
{
	char path[PATH_MAX];
	struct dir_list l;
	struct tr_error err;
	size_t i;
	int found = 0;

	for (i = 0; i < cfg->n_bundles && !found; i++) {
		if (under_root(a, cfg->bundles[i], path, sizeof(path), &err) < 0)
			continue;
		if (is_regular(path)) {
			found = 1;
			continue;
		}
		list_dir(path, ".bundle", &l);
		found = l.n > 0;
		list_free(&l);
	}
	return found;
}

struct sources {
	char *text;
	struct tr_cmdline_input in;
	char hostnqn_path[PATH_MAX];
	char hostid_path[PATH_MAX];
};

static void free_sources(struct sources *s)
{
	free(s->text);
	free_host_file(&s->in.hostnqn);
	free_host_file(&s->in.hostid);
}

static int read_all_sources(const struct cmdline_args *a, struct sources *s,
			    struct tr_error *err)
{
	memset(s, 0, sizeof(*s));
	s->text = malloc(TR_CMDLINE_MAX_BYTES + 1);
	if (!s->text) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	s->in.text = s->text;
	if (read_sources(a, s->text, &s->in.len, err) < 0 ||
	    read_host_file(a, HOSTNQN_FILE, &s->in.hostnqn, s->hostnqn_path,
			   sizeof(s->hostnqn_path), err) < 0 ||
	    read_host_file(a, HOSTID_FILE, &s->in.hostid, s->hostid_path,
			   sizeof(s->hostid_path), err) < 0)
		return -1;
	return 0;
}

/*
 * The bundle locations come from the command line itself, so the first
 * pass finds them and a second applies the policy they imply. A command
 * line refused without bundles is refused with them too: required only
 * adds refusals.
 */
static int parse_config(const struct cmdline_args *a, struct tr_cmdline *cfg,
			struct tr_error *err)
{
	struct sources s;
	int rc = -1;

	if (read_all_sources(a, &s, err) < 0 ||
	    tr_cmdline_parse_input(&s.in, cfg, err) < 0)
		goto out;
	if (!a->hostonly && bundles_present(a, cfg)) {
		s.in.bundles_present = 1;
		if (tr_cmdline_parse_input(&s.in, cfg, err) < 0)
			goto out;
	}
	rc = 0;
out:
	free_sources(&s);
	return rc;
}

static int write_output(const struct cmdline_args *a,
			const struct tr_cmdline *cfg, struct tr_error *err)
{
	char *line;
	int rc;

	if (!a->hostonly)
		return a->json ? tr_cmdline_write_json(cfg, stdout)
			       : tr_cmdline_write_shell(cfg, stdout);
	line = malloc(TR_HOSTONLY_OPTIONS_MAX);
	if (!line) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -2;
	}
	rc = tr_cmdline_hostonly_options(cfg, line, TR_HOSTONLY_OPTIONS_MAX,
					 err);
	if (rc == 0)
		printf("%s\n", line);
	free(line);
	return rc < 0 ? -2 : 0;
}

static int print_config(const struct cmdline_args *a)
{
	struct tr_cmdline cfg;
	struct tr_error err;
	int rc;

	if (parse_config(a, &cfg, &err) < 0)
		return cli_fail(&err);
	rc = write_output(a, &cfg, &err);
	if (rc == -2)
		return cli_fail(&err);
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
