// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nvme-cli key files (`nvme gen-tls-key --keyfile`, /etc/nvme/tls-keys):
 * one "<identity> <interchange key>" per line, where the key is the TLS
 * PSK already derived for that identity. The identity itself contains
 * spaces, so the key is what follows the last one.
 */
#include <string.h>

#include "keys/keys.h"
#include "keys/keys_private.h"

/* identity + ' ' + interchange string, with room to spare for blanks */
#define LINE_MAX_LEN (TR_PSK_IDENTITY_MAX + TR_PSK_INTERCHANGE_MAX + 64)

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int line_fail(struct tr_error *err, unsigned int line,
		     const char *what)
{
	tr_error_set(err, TR_EXIT_BADINPUT, "key file line %u: %s", line,
		     what);
	return -1;
}

/* Fill e from one line (start..end, no newline); blank lines give 1. */
static int parse_line(const char *start, const char *end, unsigned int line,
		      struct tr_nvme_keyfile_entry *e, struct tr_error *err)
{
	const char *key, *id_end;
	size_t id_len;
	int version, id_hash;

	while (start < end && is_blank(*start))
		start++;
	while (end > start && is_blank(end[-1]))
		end--;
	if (start == end || *start == '#')
		return 1;
	if (memchr(start, '\0', (size_t)(end - start)))
		return line_fail(err, line, "contains a NUL byte");
	if (end - start > LINE_MAX_LEN)
		return line_fail(err, line, "is too long");
	key = end;
	while (key > start && !is_blank(key[-1]))
		key--;
	id_end = key;
	while (id_end > start && is_blank(id_end[-1]))
		id_end--;
	if (id_end == start)
		return line_fail(err, line,
				 "expected '<identity> <interchange key>'");
	id_len = (size_t)(id_end - start);
	if (id_len >= sizeof(e->identity))
		return line_fail(err, line, "identity is too long");
	memset(e, 0, sizeof(*e));
	e->line = line;
	memcpy(e->identity, start, id_len);
	e->identity[id_len] = '\0';
	if (tr_psk_identity_parse(e->identity, &version, &id_hash, err) < 0 ||
	    tr_psk_parse_interchange(key, (size_t)(end - key), e->psk,
				     &e->psk_len, &e->hash, err) < 0) {
		char why[TR_ERROR_MAX];

		memcpy(why, err->msg, sizeof(why));
		return line_fail(err, line, why);
	}
	if (e->psk_len != (size_t)tr_psk_hash_len(id_hash))
		return line_fail(err, line,
				 "the key's length does not match the hash named in the identity");
	return 0;
}

static int parse_all(const char *text, size_t len,
		     struct tr_nvme_keyfile_entry *scratch,
		     tr_nvme_keyfile_cb cb, void *ctx, struct tr_error *err)
{
	const char *p = text, *end = text + len, *nl;
	unsigned int line = 0;
	int ret;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		line++;
		ret = parse_line(p, nl, line, scratch, err);
		if (ret < 0)
			return -1;
		if (ret == 0 && cb && cb(scratch, ctx, err) < 0)
			return -1;
		tr_wipe(scratch, sizeof(*scratch));
		p = nl + 1;
	}
	return 0;
}

int tr_nvme_keyfile_parse(const char *text, size_t len,
			  struct tr_nvme_keyfile_entry *scratch,
			  tr_nvme_keyfile_cb cb, void *ctx,
			  struct tr_error *err)
{
	int ret = parse_all(text, len, scratch, cb, ctx, err);

	tr_wipe(scratch, sizeof(*scratch));
	return ret;
}
