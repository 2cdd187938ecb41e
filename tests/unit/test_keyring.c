// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keys/keyring.c on the host: the host kernel has neither .nfs nor .nvme
 * nor modprobe'able modules for them, so the lookup is exercised with
 * keyrings this test creates in a private session keyring, and the
 * stand-in keyring is created under a private parent instead of @u.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keyutils.h>

#include "keys/keys.h"
#include "keys/keys_private.h"

static char ring_name[64];
static key_serial_t ring;

static int setup(void **state)
{
	if (keyctl_join_session_keyring(NULL) < 0)
		return -1;
	snprintf(ring_name, sizeof(ring_name), "tlsroot-test-%d", getpid());
	ring = add_key("keyring", ring_name, NULL, 0, KEY_SPEC_SESSION_KEYRING);
	return ring < 0 ? -1 : 0;
}

static int links(key_serial_t keyring, key_serial_t id)
{
	key_serial_t *ids = NULL;
	long n = keyctl_read_alloc(keyring, (void **)&ids);
	long i;
	int found = 0;

	for (i = 0; n > 0 && i < n / (long)sizeof(*ids); i++)
		found |= ids[i] == id;
	free(ids);
	return found;
}

static int process_keyring_links(key_serial_t id)
{
	return links(KEY_SPEC_PROCESS_KEYRING, id);
}

static void test_find_links_into_process_keyring(void **state)
{
	struct tr_error err;
	int32_t serial = 0;

	assert_int_equal(tr_keyring_find(ring_name, NULL, &serial, &err), 0);
	assert_int_equal(serial, ring);
	assert_true(process_keyring_links(ring));
}

static void test_find_missing(void **state)
{
	struct tr_error err;
	int32_t serial = 0;

	assert_int_equal(tr_keyring_find("tlsroot-test-absent", NULL, &serial,
					 &err), TR_KEYRING_ABSENT);
	assert_int_equal(err.code, TR_EXIT_KEYRING);
	assert_non_null(strstr(err.msg, "tlsroot-test-absent keyring does not exist"));
	assert_int_equal(serial, 0);
}

static void test_find_missing_module(void **state)
{
	struct tr_error err;
	int32_t serial = 0;

	/* no such module (and on this host no modprobe): one clear line */
	assert_int_equal(tr_keyring_find("tlsroot-test-absent",
					 "tlsroot-test-no-such-module",
					 &serial, &err), -1);
	assert_int_equal(err.code, TR_EXIT_KEYRING);
	assert_non_null(strstr(err.msg, "`modprobe tlsroot-test-no-such-module`"));
}

static void test_nfs_nvme_without_loading(void **state)
{
	struct tr_keyring_target t;
	struct tr_error err;
	int32_t id;

	/* Real keyrings, read-only: whatever this kernel has must be named. */
	if (tr_keyring_open_nvme(&t, 0, &err) == 0)
		assert_string_equal(t.name, ".nvme");
	else
		assert_non_null(strstr(err.msg, ".nvme keyring does not exist"));
	if (tr_keyring_find(".nfs", NULL, &id, &err) < 0 &&
	    tr_keyring_open_nfs(&t, 0, &err) < 0) {
		assert_int_equal(err.code, TR_EXIT_KEYRING);
		assert_non_null(strstr(err.msg, "\"tlsroot\" keyring"));
	}
}

static void test_fallback_create_and_reuse(void **state)
{
	struct tr_keyring_target t1, t2;
	struct tr_error err;
	char *desc = NULL;

	assert_int_equal(tr_keyring_open_fallback(ring, 0, &t1, &err),
			 TR_KEYRING_ABSENT);
	assert_non_null(strstr(err.msg, "missing"));
	assert_int_equal(tr_keyring_open_fallback(ring, 1, &t1, &err), 0);
	assert_string_equal(t1.name, TR_KEYRING_FALLBACK);
	assert_string_equal(t1.psk_type, "psk");
	assert_true(keyctl_describe_alloc(t1.serial, &desc) > 0);
	assert_string_equal(strrchr(desc, ';') + 1, TR_KEYRING_FALLBACK);
	assert_non_null(strstr(desc, ";3f010000;"));
	free(desc);
	assert_true(process_keyring_links(t1.serial));
	assert_int_equal(tr_keyring_open_fallback(ring, 1, &t2, &err), 0);
	assert_int_equal(t2.serial, t1.serial);
}

/* Like root's @u: reachable by serial, but not possessed. */
static key_serial_t unpossessed_parent(void)
{
	key_serial_t holder, parent;

	holder = add_key("keyring", "holder", NULL, 0, ring);
	parent = add_key("keyring", "parent", NULL, 0, holder);
	assert_true(holder > 0 && parent > 0);
	assert_int_equal(keyctl_setperm(parent, KEY_POS_ALL | KEY_USR_ALL), 0);
	assert_int_equal(keyctl_setperm(holder, KEY_POS_VIEW | KEY_POS_READ |
					KEY_POS_WRITE | KEY_POS_LINK |
					KEY_POS_SETATTR), 0);
	return parent;
}

static void test_fallback_under_unpossessed_parent(void **state)
{
	key_serial_t parent = unpossessed_parent();
	struct tr_keyring_target t;
	struct tr_error err;
	char *desc = NULL;

	if (tr_keyring_open_fallback(parent, 1, &t, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(keyctl_describe_alloc(t.serial, &desc) > 0);
	assert_non_null(strstr(desc, ";3f010000;"));
	free(desc);
	assert_true(process_keyring_links(t.serial));
	assert_true(links(parent, t.serial));
}

static void test_dot_names_are_kernel_only(void **state)
{
	/* why the stand-in is not called ".tlsroot" */
	assert_true(add_key("keyring", ".tlsroot", NULL, 0, ring) < 0);
	assert_int_equal(errno, EPERM);
}

static void test_target_init(void **state)
{
	struct tr_keyring_target t;

	tr_keyring_target_init(&t, 42, "a-very-long-keyring-name-that-is-cut-here",
			       "user");
	assert_int_equal(t.serial, 42);
	assert_int_equal(strlen(t.name), sizeof(t.name) - 1);
	assert_string_equal(t.psk_type, "user");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_links_into_process_keyring),
		cmocka_unit_test(test_find_missing),
		cmocka_unit_test(test_find_missing_module),
		cmocka_unit_test(test_nfs_nvme_without_loading),
		cmocka_unit_test(test_fallback_create_and_reuse),
		cmocka_unit_test(test_fallback_under_unpossessed_parent),
		cmocka_unit_test(test_dot_names_are_kernel_only),
		cmocka_unit_test(test_target_init),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
