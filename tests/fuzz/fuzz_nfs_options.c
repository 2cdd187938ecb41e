// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness for the NFS root spec and option-list parser and the
 * tls_identity rewrite the netroot hook relies on. The first byte picks
 * what the rest is: an option list, a root= value or an nfsroot= value.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "invariant failed: %s\n", #cond); abort(); } } while (0)

/* Rewrite both ways; the results re-parse without tls_identity. */
static void check_rewrites(const char *options)
{
	static const struct tr_nfs_key_serials serials = { 2147483647, 7 };
	struct tr_nfs_options_info in, out;
	char buf[TR_NFS_REWRITE_MAX + 1];
	struct tr_error err;
	int had_identity, rc;

	if (tr_nfs_options_parse(options, &in, &err) < 0) {
		CHECK(tr_nfs_options_rewrite(options, NULL, buf, sizeof(buf),
					     &err) < 0);
		CHECK(!strchr(err.msg, '\n'));
		return;
	}
	had_identity = in.tls_identity[0] != '\0';

	rc = tr_nfs_options_rewrite(options, NULL, buf, sizeof(buf), &err);
	CHECK(rc == 0 || (had_identity && in.has_key_serials));
	if (rc == 0) {
		CHECK(tr_nfs_options_parse(buf, &out, &err) == 0);
		CHECK(!out.tls_identity[0]);
		CHECK(out.count == in.count - (size_t)had_identity);
		CHECK(out.xprtsec == in.xprtsec);
		CHECK(strlen(buf) <= strlen(options));
		if (!had_identity)
			CHECK(!strcmp(buf, options));
	}

	rc = tr_nfs_options_rewrite(options, &serials, buf, sizeof(buf), &err);
	CHECK(rc == 0 || (had_identity && in.has_key_serials));
	if (rc == 0) {
		CHECK(tr_nfs_options_parse(buf, &out, &err) == 0);
		CHECK(!out.tls_identity[0]);
		CHECK(out.count == in.count + (size_t)had_identity);
		CHECK(out.xprtsec == in.xprtsec);
		CHECK(!had_identity ||
		      strstr(buf, "cert_serial=2147483647,privkey_serial=7"));
	}
}

static void check_spec(const char *param, const char *value)
{
	struct tr_nfs_root root;
	struct tr_error err;

	if (tr_nfs_root_parse(param, value, &root, &err) < 0) {
		CHECK(err.code == TR_EXIT_BADINPUT && !strchr(err.msg, '\n'));
		return;
	}
	CHECK(!root.path[0] || root.path[0] == '/');
	CHECK(!strchr(root.server, ':') == !root.server_is_ipv6 ||
	      !root.server[0]);
	check_rewrites(root.options);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';   /* an embedded NUL just ends the string */
	switch (data[0] % 3) {
	case 0:
		check_rewrites(text);
		break;
	case 1:
		check_spec("root", text);
		break;
	default:
		check_spec("nfsroot", text);
		break;
	}
	free(text);
	return 0;
}
