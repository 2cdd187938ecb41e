// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"
#include "kernel-cmdline/values.h"

void tr_cl_show(const char *value, char *buf, size_t cap)
{
	size_t in = 0, out = 0;

	while (value[in] && out + 4 < cap) {
		unsigned char c = (unsigned char)value[in++];

		buf[out++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (value[in]) {
		memcpy(buf + out, "...", 3);
		out += 3;
	}
	buf[out] = '\0';
}

int tr_cl_bad_value(struct tr_error *err, const char *key, const char *value,
		    const char *reason_fmt, ...)
{
	char shown[TR_CL_SHOW_MAX], shown_key[TR_CL_SHOW_MAX];
	char reason[TR_ERROR_MAX];
	va_list ap;

	tr_cl_show(key, shown_key, sizeof(shown_key));
	tr_cl_show(value ? value : "", shown, sizeof(shown));
	va_start(ap, reason_fmt);
	vsnprintf(reason, sizeof(reason), reason_fmt, ap);
	va_end(ap);
	if (value)
		tr_error_set(err, TR_EXIT_BADINPUT, "%s=%s: %s", shown_key,
			     shown, reason);
	else
		tr_error_set(err, TR_EXIT_BADINPUT, "%s: %s", shown_key,
			     reason);
	return -1;
}

int tr_cl_parse_int(const char *s, long min, long max, long *out)
{
	const char *digits = s[0] == '-' ? s + 1 : s;
	char *end;
	long v;

	if (digits[0] < '0' || digits[0] > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int is_word_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '"';
}

int tr_cl_is_word(const char *s, size_t max_len)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= max_len || !is_word_char((unsigned char)s[i]))
			return 0;
	return i > 0;
}

int tr_cl_is_abs_path(const char *s, size_t max_len)
{
	return s[0] == '/' && tr_cl_is_word(s, max_len);
}

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

int tr_cl_is_identity_name(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= TR_IDENTITY_NAME_MAX ||
		    !(is_alnum((unsigned char)s[i]) || strchr("._-@+", s[i])))
			return 0;
	return i > 0;
}

/*
 * An NQN goes into fabrics option strings (comma-separated key=value)
 * and into PSK identities (space-separated), so neither may appear.
 */
int tr_cl_is_nqn(const char *s)
{
	return strncmp(s, "nqn.", 4) == 0 && s[4] &&
	       tr_cl_is_word(s, TR_NQN_MAX) && !strpbrk(s, ",=");
}

int tr_cl_is_uuid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return 0;
	for (i = 0; shape[i]; i++) {
		if (shape[i] == '-' ? s[i] != '-' :
		    !strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	}
	return 1;
}

int tr_cl_is_hostname(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= TR_NFS_SERVER_MAX ||
		    !(is_alnum((unsigned char)s[i]) || s[i] == '-' ||
		      s[i] == '.' || s[i] == '_'))
			return 0;
	return i > 0 && s[0] != '-' && s[0] != '.';
}

int tr_cl_parse_ip(const char *s, char *out, size_t cap, int *is_ipv6)
{
	char buf[TR_IPADDR_MAX + 1];
	unsigned char addr[16];
	size_t len = strlen(s);

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		if (len - 2 >= sizeof(buf))
			return -1;
		memcpy(buf, s + 1, len - 2);
		buf[len - 2] = '\0';
		if (inet_pton(AF_INET6, buf, addr) != 1)
			return -1;
		*is_ipv6 = 1;
		return tr_cl_copy(out, cap, buf);
	}
	if (inet_pton(AF_INET, s, addr) == 1) {
		*is_ipv6 = 0;
		return tr_cl_copy(out, cap, s);
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*is_ipv6 = 1;
		return tr_cl_copy(out, cap, s);
	}
	return -1;
}

int tr_cl_copy(char *dst, size_t cap, const char *src)
{
	size_t len = strlen(src);

	if (len >= cap)
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}
