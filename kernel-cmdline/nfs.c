// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"
#include "kernel-cmdline/values.h"

#define OPTION_KEY_MAX 63

/* One element of a comma-separated option list: text points into the
 * list, key and value are NUL-terminated copies. */
struct nfs_option {
	const char *text;       /* key[=value] */
	size_t len;
	char key[OPTION_KEY_MAX + 1];
	char value[TR_NFS_OPTIONS_MAX + 1];
	int has_value;
};

static int is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int is_value_char(char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != ',';
}

static int option_error(struct tr_error *err, const char *list,
			const char *reason)
{
	return tr_cl_bad_value(err, "NFS options", list, "%s", reason);
}

/* Name the one bad element, not the whole (possibly long) list. */
static int element_error(struct tr_error *err, const char *start, size_t len,
			 const char *reason)
{
	char element[TR_NFS_OPTIONS_MAX + 1];

	if (len >= sizeof(element))
		len = sizeof(element) - 1;
	memcpy(element, start, len);
	element[len] = '\0';
	return tr_cl_bad_value(err, "NFS option", element, "%s", reason);
}

/* Split the element at *pos; advance *pos past it and its comma. */
static int next_option(const char *list, size_t *pos, struct nfs_option *opt,
		       struct tr_error *err)
{
	const char *start = list + *pos;
	size_t len = strcspn(start, ","), key_len;
	size_t i;

	if (len == 0)
		return option_error(err, list,
				    "empty option (two commas, or a comma at either end)");
	key_len = strcspn(start, ",=");
	if (key_len == 0 || key_len > OPTION_KEY_MAX)
		return element_error(err, start, len,
				     "an option needs a name of 1-63 letters, digits, '_' or '-' before '='");
	for (i = 0; i < len; i++) {
		if (i < key_len ? !is_key_char(start[i]) :
		    i > key_len && !is_value_char(start[i]))
			return element_error(err, start, len,
					     "option names are letters, digits, '_' and '-'; values are printable ASCII without spaces, quotes or commas");
	}
	opt->text = start;
	opt->len = len;
	memcpy(opt->key, start, key_len);
	opt->key[key_len] = '\0';
	opt->has_value = key_len < len;
	opt->value[0] = '\0';
	if (opt->has_value) {
		memcpy(opt->value, start + key_len + 1, len - key_len - 1);
		opt->value[len - key_len - 1] = '\0';
	}
	*pos += len + (start[len] == ',');
	return 0;
}

static int parse_xprtsec(const struct nfs_option *opt,
			 struct tr_nfs_options_info *info, struct tr_error *err)
{
	static const char *const names[] = { "none", "tls", "mtls" };
	static const enum tr_xprtsec values[] = {
		TR_XPRTSEC_NONE, TR_XPRTSEC_TLS, TR_XPRTSEC_MTLS };
	size_t i;

	if (info->xprtsec != TR_XPRTSEC_UNSET)
		return tr_cl_bad_value(err, "NFS option xprtsec", opt->value,
				       "xprtsec is given twice; give it once");
	for (i = 0; i < 3; i++) {
		if (opt->has_value && !strcmp(opt->value, names[i])) {
			info->xprtsec = values[i];
			return 0;
		}
	}
	return tr_cl_bad_value(err, "NFS option xprtsec", opt->value,
			       "not none, tls or mtls");
}

static int parse_tls_identity(const struct nfs_option *opt,
			      struct tr_nfs_options_info *info,
			      struct tr_error *err)
{
	if (info->tls_identity[0])
		return tr_cl_bad_value(err, "NFS option tls_identity",
				       opt->value,
				       "tls_identity is given twice; give it once");
	if (!opt->has_value || !tr_cl_is_identity_name(opt->value))
		return tr_cl_bad_value(err, "NFS option tls_identity",
				       opt->value,
				       "not an identity name (1-%d letters, digits, '.', '_', '-', '@', '+')",
				       TR_IDENTITY_NAME_MAX);
	return tr_cl_copy(info->tls_identity, sizeof(info->tls_identity),
			  opt->value);
}

int tr_nfs_options_parse(const char *options, struct tr_nfs_options_info *info,
			 struct tr_error *err)
{
	struct nfs_option opt;
	size_t pos = 0;

	memset(info, 0, sizeof(*info));
	if (strlen(options) > TR_NFS_OPTIONS_MAX)
		return option_error(err, options, "longer than 1023 bytes");
	while (options[pos]) {
		if (next_option(options, &pos, &opt, err) < 0)
			return -1;
		info->count++;
		if (!strcmp(opt.key, "xprtsec") &&
		    parse_xprtsec(&opt, info, err) < 0)
			return -1;
		if (!strcmp(opt.key, "tls_identity") &&
		    parse_tls_identity(&opt, info, err) < 0)
			return -1;
		if (!strcmp(opt.key, "cert_serial") ||
		    !strcmp(opt.key, "privkey_serial"))
			info->has_key_serials = 1;
	}
	/* A trailing comma leaves pos at the end with nothing after it. */
	if (pos > 0 && options[pos - 1] == ',')
		return option_error(err, options,
				    "empty option (two commas, or a comma at either end)");
	return 0;
}

struct writer {
	char *buf;
	size_t cap;
	size_t len;
};

static int put(struct writer *w, const char *text, size_t len)
{
	if (w->len + len + 1 > w->cap)
		return -1;
	memcpy(w->buf + w->len, text, len);
	w->len += len;
	w->buf[w->len] = '\0';
	return 0;
}

static int put_option(struct writer *w, const char *text, size_t len)
{
	if (w->len && put(w, ",", 1) < 0)
		return -1;
	return put(w, text, len);
}

static int put_serials(struct writer *w, const struct tr_nfs_key_serials *s)
{
	char text[64];
	int n = snprintf(text, sizeof(text), "cert_serial=%d,privkey_serial=%d",
			 (int)s->cert, (int)s->privkey);

	return put_option(w, text, (size_t)n);
}

int tr_nfs_options_rewrite(const char *options,
			   const struct tr_nfs_key_serials *serials,
			   char *out, size_t cap, struct tr_error *err)
{
	struct writer w = { out, cap, 0 };
	struct tr_nfs_options_info info;
	struct nfs_option opt;
	size_t pos = 0;
	int rc = 0;

	if (!cap) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "no room for the rewritten NFS options");
		return -1;
	}
	out[0] = '\0';
	if (tr_nfs_options_parse(options, &info, err) < 0)
		return -1;
	if (serials && (serials->cert <= 0 || serials->privkey <= 0)) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "key serials must be positive (got cert %d, privkey %d); pass the serials tlsroot printed for the identity",
			     (int)serials->cert, (int)serials->privkey);
		return -1;
	}
	if (info.tls_identity[0] && info.has_key_serials)
		return option_error(err, options,
				    "tls_identity cannot be combined with cert_serial or privkey_serial");
	while (options[pos] && rc == 0) {
		next_option(options, &pos, &opt, err);  /* checked above */
		if (strcmp(opt.key, "tls_identity"))
			rc = put_option(&w, opt.text, opt.len);
		else if (serials)
			rc = put_serials(&w, serials);
	}
	if (rc < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "rewritten NFS options do not fit in %zu bytes", cap);
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int tr_nfs_root_spec_is_nfs(const char *root_value)
{
	return !strcmp(root_value, "/dev/nfs") || !strcmp(root_value, "nfs") ||
	       !strcmp(root_value, "nfs4") ||
	       !strncmp(root_value, "nfs:", 4) || !strncmp(root_value, "nfs4:", 5);
}

/* How one spelling of an NFS root is split, for parsing and messages. */
struct spec_form {
	const char *param;      /* "root" or "nfsroot" */
	const char *value;      /* the whole value, for messages */
	char options_sep;       /* ':' after root=...PATH, ',' for nfsroot= */
	char syntax[64];
};

static int spec_error(const struct spec_form *f, struct tr_error *err,
		      const char *what)
{
	return tr_cl_bad_value(err, f->param, f->value, "%s; expected %s",
			       what, f->syntax);
}

/* [SERVER:] at *rest; advances *rest to the path. */
static int parse_server(const struct spec_form *f, const char **rest,
			struct tr_nfs_root *out, struct tr_error *err)
{
	char server[TR_NFS_SERVER_MAX + 3];
	const char *p = *rest;
	size_t len;

	if (p[0] == '/')
		return 0;       /* no server: DHCP's next-server supplies it */
	if (!p[0])
		return spec_error(f, err, "no export path");
	if (p[0] == '[') {
		len = strcspn(p, "]");
		if (p[len] != ']')
			return spec_error(f, err, "no ']' after the IPv6 server");
		len++;
		if (p[len] != ':')
			return spec_error(f, err,
					  "no ':' after the bracketed server");
	} else {
		len = strcspn(p, (char[]){ ':', f->options_sep, '\0' });
		if (len == 0)
			return spec_error(f, err, "empty server");
		if (p[len] != ':')
			return spec_error(f, err, "no export path");
		if (p[len + 1] == ':')
			return spec_error(f, err,
					  "an IPv6 server goes in brackets, e.g. [fd00::1]");
	}
	if (len >= sizeof(server))
		return spec_error(f, err, "the server name is too long");
	memcpy(server, p, len);
	server[len] = '\0';
	if (server[0] == '[') {
		if (tr_cl_parse_ip(server, out->server, sizeof(out->server),
				   &out->server_is_ipv6) < 0 ||
		    !out->server_is_ipv6)
			return spec_error(f, err,
					  "the server in brackets is not an IPv6 address");
	} else if (tr_cl_is_hostname(server)) {
		tr_cl_copy(out->server, sizeof(out->server), server);
	} else {
		return spec_error(f, err,
				  "the server is not a host name or IPv4 address (IPv6 goes in brackets)");
	}
	*rest = p + len + 1;
	return 0;
}

static int parse_path_and_options(const struct spec_form *f, const char *rest,
				  struct tr_nfs_root *out, struct tr_error *err)
{
	struct tr_nfs_options_info info;
	size_t len = strcspn(rest, (char[]){ f->options_sep, '\0' });
	const char *options = rest[len] ? rest + len + 1 : "";

	if (len == 0)
		return spec_error(f, err, "no export path");
	if (rest[0] != '/')
		return spec_error(f, err, "the export path must start with '/'");
	if (len > TR_NFS_PATH_MAX)
		return spec_error(f, err, "the export path is too long");
	memcpy(out->path, rest, len);
	out->path[len] = '\0';
	if (!tr_cl_is_word(out->path, TR_NFS_PATH_MAX))
		return spec_error(f, err,
				  "the export path must be printable ASCII without spaces or quotes");
	if (tr_nfs_options_parse(options, &info, err) < 0)
		return -1;
	tr_cl_copy(out->options, sizeof(out->options), options);
	out->xprtsec = info.xprtsec;
	tr_cl_copy(out->tls_identity, sizeof(out->tls_identity),
		   info.tls_identity);
	return 0;
}

int tr_nfs_root_parse(const char *param, const char *value,
		      struct tr_nfs_root *out, struct tr_error *err)
{
	struct spec_form f = { param, value, ':', "" };
	const char *rest = value;

	memset(out, 0, sizeof(*out));
	if (!strcmp(param, "nfsroot")) {
		strcpy(out->fstype, "nfs");
		f.options_sep = ',';
		strcpy(f.syntax, "nfsroot=[SERVER:]/PATH[,OPTIONS]");
	} else {
		size_t n = strcspn(value, ":");

		if (n >= sizeof(out->fstype))
			n = sizeof(out->fstype) - 1;
		memcpy(out->fstype, value, n);
		out->fstype[n] = '\0';
		if (strcmp(out->fstype, "nfs") && strcmp(out->fstype, "nfs4"))
			return tr_cl_bad_value(err, param, value,
					       "not an NFS root; expected nfs:... or nfs4:...");
		snprintf(f.syntax, sizeof(f.syntax), "root=%s:[SERVER:]/PATH[:OPTIONS]",
			 out->fstype);
		if (!value[n])
			return 0;       /* root=nfs4: everything from DHCP */
		rest = value + n + 1;
	}
	if (strlen(value) > TR_NFS_SERVER_MAX + TR_NFS_PATH_MAX +
			    TR_NFS_OPTIONS_MAX)
		return spec_error(&f, err, "too long");
	if (parse_server(&f, &rest, out, err) < 0)
		return -1;
	return parse_path_and_options(&f, rest, out, err);
}
