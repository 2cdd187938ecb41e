// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keys/import.c against the private keyring of keyring_fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <keyutils.h>

#include "keys/keys.h"
#include "tests/unit/keyring_fixture.h"

#define ID1 "NVMe1R01 nqn.psk-test-host nqn.psk-test-subsys iSbjiStwJ/1TrTvDlt2fjFmzvsytOJelidNnA+X5lEU="
#define ID0 "NVMe0R02 nqn.h nqn.s"
#define ID2 "NVMe0R01 nqn.h nqn.s2"
#define K32 "NVMeTLSkey-1:01:VRLbtnN9AQb2WXW3c9+wEf/DRLz0QuLdbYvEhwtdWwNf9LrZ:"
#define K48 "NVMeTLSkey-1:02:VRLbtnN9AQb2WXW3c9+wEf/DRLz0QuLdbYvEhwtdWwP/w0S89ELi3W2LxIcLXVsDn8kXZQ==:"


static int import(const char *text, size_t *count, struct tr_error *err)
{
	struct tr_nvme_keyfile_entry scratch;

	return tr_keys_import_nvme(&target, text, strlen(text), &scratch,
				   count, err);
}

static int present(const char *identity)
{
	struct tr_error err;
	int32_t serial;

	return tr_keys_find_psk(&target, identity, &serial, NULL, 0, &err) == 0;
}

static void test_import_all(void **state)
{
	struct tr_error err;
	size_t count;
	int32_t serial;
	uint8_t buf[64];

	assert_int_equal(import("# two keys\n" ID1 " " K32 "\n" ID0 " " K48 "\n",
				&count, &err), 0);
	assert_int_equal(count, 2);
	assert_true(present(ID1));
	assert_true(present(ID0));
	/* the key file holds TLS PSKs: they go in as they are */
	assert_int_equal(tr_keys_find_psk(&target, ID0, &serial, NULL, 0, &err),
			 0);
	assert_int_equal(keyctl_read(serial, (char *)buf, sizeof(buf)), 48);
	assert_int_equal(buf[0], 0x55);
	assert_int_equal(buf[47], 0x03);
}

static void test_bad_line_places_nothing(void **state)
{
	struct tr_error err;
	size_t count = 9;

	assert_int_equal(import(ID1 " " K32 "\n" ID2 " " K48 "\n", &count,
				&err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(count, 0);
	assert_int_equal(add_key_calls, 0);
	assert_false(present(ID1));
}

static void test_failure_takes_back_created_keys(void **state)
{
	struct tr_error err;
	size_t count;

	/* ID1 exists before; ID0 is new; placing ID2 fails */
	assert_int_equal(import(ID1 " " K32 "\n", &count, &err), 0);
	add_key_fail_at = add_key_calls + 3;
	assert_int_equal(import(ID1 " " K32 "\n" ID0 " " K48 "\n" ID2 " " K32
				"\n", &count, &err), -1);
	assert_int_equal(err.code, TR_EXIT_KEYRING);
	assert_true(present(ID1));
	assert_false(present(ID0));
	assert_false(present(ID2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_all, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_line_places_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_takes_back_created_keys,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
