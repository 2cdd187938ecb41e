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

#define REDACTED "<redacted>"

static int is_key_serial(const struct nfs_option *opt)
{
	return !strcmp(opt->key, "cert_serial") ||
	       !strcmp(opt->key, "privkey_serial");
}

/* The placeholder /proc/mounts shows for a key serial (kernel 7.x). */
static int is_redacted_serial(const struct nfs_option *opt)
{
	return is_key_serial(opt) && opt->has_value &&
	       !strcmp(opt->value, REDACTED);
}

int tr_nfs_options_parse(const char *options, struct tr_nfs_options_info *info,
			 struct tr_error *err)
{
	struct nfs_option opt;
	size_t pos = 0, serials = 0;
	int redacted = 0;

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
		serials += is_key_serial(&opt);
		if (is_redacted_serial(&opt))
			redacted |= opt.key[0] == 'c' ? 1 : 2;
	}
	/* A trailing comma leaves pos at the end with nothing after it. */
	if (pos > 0 && options[pos - 1] == ',')
		return option_error(err, options,
				    "empty option (two commas, or a comma at either end)");
	info->has_key_serials = serials > 0;
	info->key_serials_redacted = serials == 2 && redacted == 3;
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

/* One option of the rewritten list: dropped, replaced or kept. */
static int put_rewritten(struct writer *w, const struct nfs_option *opt,
			 const struct tr_nfs_key_serials *serials, int redacted)
{
	char text[32];
	int n;

	if (!strcmp(opt->key, "tls_identity"))
		return serials ? put_serials(w, serials) : 0;
	if (!redacted || !is_redacted_serial(opt))
		return put_option(w, opt->text, opt->len);
	if (!serials)
		return 0;
	n = snprintf(text, sizeof(text), "%s=%d", opt->key,
		     (int)(opt->key[0] == 'c' ? serials->cert : serials->privkey));
	return put_option(w, text, (size_t)n);
}

static int rewrite_list(const char *options,
			const struct tr_nfs_key_serials *serials,
			int resolve_redacted, char *out, size_t cap,
			struct tr_error *err)
{
	struct writer w = { out, cap, 0 };
	struct tr_nfs_options_info info;
	struct nfs_option opt;
	size_t pos = 0;
	int rc = 0, redacted;

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
	redacted = resolve_redacted && info.key_serials_redacted;
	while (options[pos] && rc == 0) {
		next_option(options, &pos, &opt, err);  /* checked above */
		rc = put_rewritten(&w, &opt, serials, redacted);
	}
	if (rc < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "rewritten NFS options do not fit in %zu bytes", cap);
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int tr_nfs_options_rewrite(const char *options,
			   const struct tr_nfs_key_serials *serials,
			   char *out, size_t cap, struct tr_error *err)
{
	return rewrite_list(options, serials, 0, out, cap, err);
}

int tr_nfs_options_resolve(const char *options,
			   const struct tr_nfs_key_serials *serials,
			   char *out, size_t cap, struct tr_error *err)
{
	return rewrite_list(options, serials, 1, out, cap, err);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * parse-nfsroot.sh's legacy case, rewritten to nfs:VALUE: a digit then
 * ":/" somewhere; a digit, two dots and a last byte that is not ':'; or
 * any path that does not start with /dev/.
 */
static int is_legacy_spec(const char *v)
{
	size_t len = strlen(v), i, dots = 0;

	if (v[0] == '/')
		return strncmp(v, "/dev/", 5) != 0;
	if (!is_digit(v[0]))
		return 0;
	if (strstr(v, ":/"))
		return 1;
	for (i = 1; i + 1 < len; i++)
		dots += v[i] == '.';
	return dots >= 2 && v[len - 1] != ':';
}

/* "nfs" or "nfs4" before the first ':' (or the whole value). */
static size_t fstype_len(const char *v)
{
	size_t n = strcspn(v, ":");

	if ((n == 3 && !strncmp(v, "nfs", 3)) ||
	    (n == 4 && !strncmp(v, "nfs4", 4)))
		return n;
	return 0;
}

int tr_nfs_root_spec_is_nfs(const char *root_value)
{
	return !strcmp(root_value, "/dev/nfs") || is_legacy_spec(root_value) ||
	       fstype_len(root_value) > 0;
}

/* How one spelling of an NFS root is split, for parsing and messages. */
struct spec_form {
	const char *param;      /* "root", "netroot" or "nfsroot" */
	const char *value;      /* the whole value, for messages */
	const char *rest;       /* after "nfs[4]:", what dracut splits */
	int anaconda;           /* nfs:OPTIONS:SERVER:/PATH */
	char syntax[64];
};

static int spec_error(const struct spec_form *f, struct tr_error *err,
		      const char *what)
{
	return tr_cl_bad_value(err, f->param, f->value, "%s; expected %s",
			       what, f->syntax);
}

/* "[IPV6]" (the whole of s, len bytes): the address without brackets. */
static int parse_bracketed(const struct spec_form *f, const char *s,
			   size_t len, struct tr_nfs_root *out,
			   struct tr_error *err)
{
	char server[TR_NFS_SERVER_MAX + 3];

	if (len >= sizeof(server))
		return spec_error(f, err, "the server name is too long");
	memcpy(server, s, len);
	server[len] = '\0';
	if (!strchr(server, ']'))
		return spec_error(f, err, "no ']' after the IPv6 server");
	if (server[len - 1] != ']')
		return spec_error(f, err, "no ':' after the bracketed server");
	if (tr_cl_parse_ip(server, out->server, sizeof(out->server),
			   &out->server_is_ipv6) < 0 || !out->server_is_ipv6)
		return spec_error(f, err,
				  "the server in brackets is not an IPv6 address");
	return 0;
}

/* Two ':' in a row, or only hex digits and ':': an IPv6 address. */
static int looks_ipv6(const char *s, size_t len)
{
	size_t i, colons = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ':')
			colons++;
		else if (!strchr("0123456789abcdefABCDEF.", s[i]))
			return memmem(s, len, "::", 2) != NULL;
	}
	return colons >= 2;
}

/*
 * SERVER (len bytes at s, before ":/"): a host name, an IPv4 address or
 * [IPV6]. For nfs: a ':' inside is Anaconda's OPTIONS:SERVER, which
 * nfs-lib.sh's anaconda_nfs_to_var reads at mount time.
 */
static int parse_server(struct spec_form *f, const char *s, size_t len,
			struct tr_nfs_root *out, size_t *options_len,
			struct tr_error *err)
{
	size_t colon = strcspn(s, ":");

	*options_len = 0;
	if (len == 0)
		return 0;       /* no server: DHCP's next-server supplies it */
	if (s[0] == '[')
		return parse_bracketed(f, s, len, out, err);
	if (colon < len) {
		if (s[colon + 1] != '[' && looks_ipv6(s, len))
			return spec_error(f, err,
					  "an IPv6 server goes in brackets, e.g. [fd00::1]");
		if (strcmp(out->fstype, "nfs") || colon == 0)
			return spec_error(f, err,
					  "the server is not a host name or IPv4 address (IPv6 goes in brackets)");
		f->anaconda = 1;
		*options_len = colon;
		s += colon + 1;
		len -= colon + 1;
		if (len && s[0] == '[')
			return parse_bracketed(f, s, len, out, err);
	}
	if (len > TR_NFS_SERVER_MAX)
		return spec_error(f, err, "the server name is too long");
	memcpy(out->server, s, len);
	out->server[len] = '\0';
	if (!tr_cl_is_hostname(out->server))
		return spec_error(f, err,
				  "the server is not a host name or IPv4 address (IPv6 goes in brackets)");
	return 0;
}

static int set_options(const struct spec_form *f, const char *options,
		       size_t len, struct tr_nfs_root *out,
		       struct tr_error *err)
{
	struct tr_nfs_options_info info;

	if (len > TR_NFS_OPTIONS_MAX)
		return spec_error(f, err, "the options are longer than 1023 bytes");
	memcpy(out->options, options, len);
	out->options[len] = '\0';
	if (tr_nfs_options_parse(out->options, &info, err) < 0)
		return -1;
	out->xprtsec = info.xprtsec;
	out->key_serials_redacted = info.key_serials_redacted;
	tr_cl_copy(out->tls_identity, sizeof(out->tls_identity),
		   info.tls_identity);
	return 0;
}

/*
 * nfsroot_to_var: PATH runs to the next ':', OPTIONS are the rest (':'
 * kept). A ',' in PATH is the kernel's PATH,OPTIONS: dracut then takes
 * the options after the ',' and drops whatever followed a ':'.
 */
static int parse_path(const struct spec_form *f, const char *path_start,
		      struct tr_nfs_root *out, const char **options,
		      size_t *options_len, struct tr_error *err)
{
	size_t len = strcspn(path_start, ":");
	const char *comma = memchr(path_start, ',', len);

	*options = path_start[len] ? path_start + len + 1 : "";
	*options_len = strlen(*options);
	if (comma && *options_len)
		return spec_error(f, err,
				  "dracut reads the options after ',' and drops everything after the next ':' (an option value with ':' cannot be given in the ',' form); use root=nfs4:SERVER:/PATH:OPTIONS");
	if (comma) {
		*options = comma + 1;
		*options_len = len - (size_t)(comma + 1 - path_start);
		len = (size_t)(comma - path_start);
	}
	if (len == 0 || !strchr(f->rest, '/'))
		return spec_error(f, err, "no export path");
	if (path_start[0] != '/')
		return spec_error(f, err, "the export path must start with '/'");
	if (len > TR_NFS_PATH_MAX)
		return spec_error(f, err, "the export path is too long");
	memcpy(out->path, path_start, len);
	out->path[len] = '\0';
	if (!tr_cl_is_word(out->path, TR_NFS_PATH_MAX))
		return spec_error(f, err,
				  "the export path must be printable ASCII without spaces or quotes");
	return 0;
}

/* Where [SERVER:] ends: dracut splits at the first ":/". */
static int split_server(const struct spec_form *f, const char **server_end,
			const char **path_start, struct tr_error *err)
{
	const char *rest = f->rest, *first = strstr(rest, ":/");

	if (!first) {
		*server_end = rest;
		*path_start = rest;
		if (rest[0] == '[')
			return spec_error(f, err, strchr(rest, ']') ?
					  "no ':' after the bracketed server" :
					  "no ']' after the IPv6 server");
		return 0;
	}
	if (strstr(first + 1, ":/"))
		return spec_error(f, err,
				  "':/' appears twice: dracut takes the server from the first and the path from the last");
	*server_end = first;
	*path_start = first + 1;
	return 0;
}

/* "nfs:" + a legacy or nfsroot= value, or the value's own nfs[4]: prefix. */
static int set_form(struct spec_form *f, struct tr_nfs_root *out,
		    struct tr_error *err)
{
	const char *v = f->value;
	size_t n = fstype_len(v);

	if (!strcmp(f->param, "nfsroot") || (!n && is_legacy_spec(v))) {
		strcpy(out->fstype, "nfs");
		f->rest = v;
		strcpy(f->syntax, !strcmp(f->param, "nfsroot") ?
		       "nfsroot=[SERVER:]/PATH[,OPTIONS]" :
		       "[SERVER-IP:]/PATH[:OPTIONS] or nfs[4]:SERVER:/PATH[:OPTIONS]");
		return 0;
	}
	if (!n)
		return tr_cl_bad_value(err, f->param, v,
				       "not an NFS root; expected nfs:... or nfs4:...");
	memcpy(out->fstype, v, n);
	out->fstype[n] = '\0';
	snprintf(f->syntax, sizeof(f->syntax), "%s=%s:[SERVER:]/PATH[:OPTIONS]",
		 f->param, out->fstype);
	f->rest = v[n] ? v + n + 1 : v + n;
	if (!strncmp(v, "nfs://", 6))
		return tr_cl_bad_value(err, f->param, v,
				       "dracut does not read the RFC 2224 form: its parse-nfsroot.sh would take the server from DHCP and the path //SERVER/...; write %s=nfs:SERVER:/PATH[:OPTIONS]",
				       f->param);
	return 0;
}

int tr_nfs_root_parse(const char *param, const char *value,
		      struct tr_nfs_root *out, struct tr_error *err)
{
	struct spec_form f = { param, value, NULL, 0, "" };
	const char *server_end, *path_start, *options;
	size_t options_len, anaconda_len;

	memset(out, 0, sizeof(*out));
	if (!strcmp(value, "/dev/nfs")) {
		strcpy(out->fstype, "nfs");
		return 0;       /* server, path and options from DHCP */
	}
	if (set_form(&f, out, err) < 0)
		return -1;
	server_end = path_start = f.rest;
	if (!f.rest[0] && strcmp(param, "nfsroot"))
		return 0;       /* root=nfs4: everything from DHCP */
	if (strlen(value) > TR_NFS_SERVER_MAX + TR_NFS_PATH_MAX +
			    TR_NFS_OPTIONS_MAX)
		return spec_error(&f, err, "too long");
	if (split_server(&f, &server_end, &path_start, err) < 0 ||
	    parse_server(&f, f.rest, (size_t)(server_end - f.rest), out,
			 &anaconda_len, err) < 0 ||
	    parse_path(&f, path_start, out, &options, &options_len, err) < 0)
		return -1;
	if (!f.anaconda)
		return set_options(&f, options, options_len, out, err);
	if (options_len)
		return spec_error(&f, err,
				  "Anaconda's nfs:OPTIONS:SERVER:/PATH takes no ':OPTIONS' after the path (dracut would read them into the path)");
	if (set_options(&f, f.rest, anaconda_len, out, err) < 0)
		return -1;
	if (out->tls_identity[0] || out->key_serials_redacted)
		return spec_error(&f, err,
				  "tlsroot rewrites tls_identity only in options after the path; write root=nfs:SERVER:/PATH:OPTIONS");
	return 0;
}
