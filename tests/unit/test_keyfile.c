// SPDX-License-Identifier: GPL-2.0-or-later
/* keys/keyfile.c: nvme-cli key files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "keys/keys.h"

#define ID1 "NVMe1R01 nqn.psk-test-host nqn.psk-test-subsys iSbjiStwJ/1TrTvDlt2fjFmzvsytOJelidNnA+X5lEU="
#define ID0 "NVMe0R02 nqn.h nqn.s"
#define K32 "NVMeTLSkey-1:01:VRLbtnN9AQb2WXW3c9+wEf/DRLz0QuLdbYvEhwtdWwNf9LrZ:"
#define K48 "NVMeTLSkey-1:02:VRLbtnN9AQb2WXW3c9+wEf/DRLz0QuLdbYvEhwtdWwP/w0S89ELi3W2LxIcLXVsDn8kXZQ==:"

struct seen {
	int n;
	unsigned int lines[4];
	char ids[4][TR_PSK_IDENTITY_MAX];
	size_t lens[4];
	int fail_at;
};

static int collect(const struct tr_nvme_keyfile_entry *e, void *ctx,
		   struct tr_error *err)
{
	struct seen *s = ctx;

	if (s->n + 1 == s->fail_at) {
		tr_error_set(err, TR_EXIT_KEYRING, "callback says no");
		return -1;
	}
	if (s->n < 4) {
		s->lines[s->n] = e->line;
		strcpy(s->ids[s->n], e->identity);
		s->lens[s->n] = e->psk_len;
	}
	s->n++;
	return 0;
}

static int parse(const char *text, struct seen *s, struct tr_error *err)
{
	struct tr_nvme_keyfile_entry scratch;

	return tr_nvme_keyfile_parse(text, strlen(text), &scratch, collect, s,
				     err);
}

static void test_good_file(void **state)
{
	static const char text[] =
		"# keys written by nvme gen-tls-key\n"
		"\n"
		ID1 " " K32 "\n"
		"   # indented comment\n"
		ID0 "\t" K48 "\r\n"
		"  \t \n"
		ID1 "   " K32;
	struct tr_error err;
	struct seen s = { 0 };

	assert_int_equal(parse(text, &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.lines[0], 3);
	assert_string_equal(s.ids[0], ID1);
	assert_int_equal(s.lens[0], 32);
	assert_int_equal(s.lines[1], 5);
	assert_string_equal(s.ids[1], ID0);
	assert_int_equal(s.lens[1], 48);
	assert_int_equal(s.lines[2], 7);
}

static void test_empty_and_validate_only(void **state)
{
	struct tr_nvme_keyfile_entry scratch;
	struct tr_error err;
	struct seen s = { 0 };

	assert_int_equal(parse("", &s, &err), 0);
	assert_int_equal(parse("#only\n\n", &s, &err), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(tr_nvme_keyfile_parse(ID1 " " K32, strlen(ID1 " " K32),
					       &scratch, NULL, NULL, &err), 0);
}

static void bad(const char *text, const char *msg_part)
{
	struct tr_error err;
	struct seen s = { 0 };

	assert_int_equal(parse(text, &s, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	if (!strstr(err.msg, msg_part))
		fail_msg("'%s' lacks '%s'", err.msg, msg_part);
}

static void test_bad_lines(void **state)
{
	bad(K32 "\n", "line 1: expected '<identity> <interchange key>'");
	bad("\n" ID1 "\n", "line 2");
	bad(ID1 " NVMeTLSkey-1:05:x:\n", "line 1: PSK interchange string has unknown hash id");
	bad("NVMe9R01 a b " K32, "not an NVMe TLS PSK identity");
	/* a SHA-384 identity with a 32-byte key */
	bad(ID0 " " K32, "does not match the hash named in the identity");
	/* wrong CRC */
	bad(ID1 " NVMeTLSkey-1:01:VRLbtnN9AQb2WXW3c9+wEf/DRLz0QuLdbYvEhwtdWwNf9LrA:",
	    "CRC-32");
}

static void test_nul_and_long_lines(void **state)
{
	struct tr_nvme_keyfile_entry scratch;
	struct tr_error err;
	char text[2048];
	size_t len;

	len = (size_t)snprintf(text, sizeof(text), "%s %s", ID1, K32);
	text[5] = '\0';
	assert_int_equal(tr_nvme_keyfile_parse(text, len, &scratch, NULL, NULL,
					       &err), -1);
	assert_non_null(strstr(err.msg, "NUL"));
	memset(text, 'a', sizeof(text));
	assert_int_equal(tr_nvme_keyfile_parse(text, sizeof(text), &scratch,
					       NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "too long"));
}

static void test_callback_error_stops(void **state)
{
	struct tr_error err;
	struct seen s = { .fail_at = 2 };

	assert_int_equal(parse(ID1 " " K32 "\n" ID0 " " K48 "\n" ID1 " " K32,
			       &s, &err), -1);
	assert_int_equal(err.code, TR_EXIT_KEYRING);
	assert_int_equal(s.n, 1);
}

static void test_scratch_is_wiped(void **state)
{
	struct tr_nvme_keyfile_entry scratch;
	static const uint8_t zero[sizeof(scratch)];
	struct tr_error err;

	memset(&scratch, 0xaa, sizeof(scratch));
	assert_int_equal(tr_nvme_keyfile_parse(ID1 " " K32, strlen(ID1 " " K32),
					       &scratch, NULL, NULL, &err), 0);
	assert_memory_equal(&scratch, zero, sizeof(scratch));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_empty_and_validate_only),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_nul_and_long_lines),
		cmocka_unit_test(test_callback_error_stops),
		cmocka_unit_test(test_scratch_is_wiped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
