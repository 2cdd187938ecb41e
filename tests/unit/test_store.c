// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keys/store.c against the private keyring of keyring_fixture.h: the
 * code path the real keyrings take, with `user` keys for PSKs.
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
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>

#include "keys/keys.h"
#include "tests/unit/keyring_fixture.h"

static void assert_payload(int32_t serial, const void *want, size_t len)
{
	void *buf = NULL;
	long n = keyctl_read_alloc(serial, &buf);

	assert_int_equal(n, (long)len);
	assert_memory_equal(buf, want, len);
	free(buf);
}

static unsigned int key_perm(int32_t serial)
{
	char *raw = NULL, *p;
	unsigned int perm;

	assert_true(keyctl_describe_alloc(serial, &raw) > 0);
	p = strchr(raw, ';');
	p = strchr(p + 1, ';');
	p = strchr(p + 1, ';');
	assert_int_equal(sscanf(p + 1, "%x", &perm), 1);
	free(raw);
	return perm;
}

static void test_name_check(void **state)
{
	struct tr_error err;
	char longname[TR_NAME_MAX + 2];

	assert_int_equal(tr_keys_name_check("client-1.a_b", &err), 0);
	assert_int_equal(tr_keys_name_check("a b", &err), -1);
	assert_non_null(strstr(err.msg, "a space"));
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	assert_int_equal(tr_keys_name_check("a:b", &err), -1);
	assert_non_null(strstr(err.msg, "a colon"));
	assert_int_equal(tr_keys_name_check("a/b", &err), -1);
	assert_int_equal(tr_keys_name_check("", &err), -1);
	assert_int_equal(err.code, TR_EXIT_USAGE);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(tr_keys_name_check(longname, &err), -1);
	longname[TR_NAME_MAX] = '\0';
	assert_int_equal(tr_keys_name_check(longname, &err), 0);
}

static void test_x509_put_find_replace_remove(void **state)
{
	struct tr_error err;
	int32_t c, k, c2, k2, fc, fk;

	assert_int_equal(tr_keys_put_x509(&target, "one", (const uint8_t *)"C1",
					  2, (const uint8_t *)"K1", 2, &c, &k,
					  &err), 0);
	assert_payload(c, "C1", 2);
	assert_payload(k, "K1", 2);
	/* possessor-only: KEY_POS_ALL | KEY_USR_VIEW, no KEY_USR_READ */
	assert_int_equal(key_perm(c), 0x3f010000);
	assert_int_equal(key_perm(k), 0x3f010000);
	assert_int_equal(tr_keys_find_x509(&target, "one", &fc, &fk, &err), 0);
	assert_int_equal(fc, c);
	assert_int_equal(fk, k);
	/* replacing keeps the serials and swaps the payloads */
	assert_int_equal(tr_keys_put_x509(&target, "one",
					  (const uint8_t *)"C22", 3,
					  (const uint8_t *)"K22", 3, &c2, &k2,
					  &err), 0);
	assert_int_equal(c2, c);
	assert_int_equal(k2, k);
	assert_payload(c, "C22", 3);
	assert_payload(k, "K22", 3);
	assert_int_equal(tr_keys_remove_x509(&target, "one", &err), 0);
	assert_int_equal(tr_keys_find_x509(&target, "one", &fc, &fk, &err), -1);
	assert_int_equal(err.code, TR_EXIT_NOTFOUND);
	assert_int_equal(tr_keys_remove_x509(&target, "one", &err), -1);
	assert_int_equal(err.code, TR_EXIT_NOTFOUND);
}

static void test_x509_bad_input_places_nothing(void **state)
{
	struct tr_error err;
	int32_t c, k;
	static uint8_t big[40000];

	assert_int_equal(tr_keys_put_x509(&target, "bad name", big, 2, big, 2,
					  &c, &k, &err), -1);
	assert_int_equal(tr_keys_put_x509(&target, "x", big, sizeof(big), big,
					  2, &c, &k, &err), -1);
	assert_non_null(strstr(err.msg, "certificate is 40000 bytes"));
	assert_int_equal(tr_keys_put_x509(&target, "x", big, 2, big, 0, &c, &k,
					  &err), -1);
	assert_int_equal(add_key_calls, 0);
	assert_int_equal(tr_keys_find_x509(&target, "x", &c, &k, &err), -1);
}

static void test_x509_key_failure_rolls_back(void **state)
{
	struct tr_error err;
	int32_t c, k, c2, k2;

	/* a new identity: the certificate goes away again */
	add_key_fail_at = 2;
	assert_int_equal(tr_keys_put_x509(&target, "new", (const uint8_t *)"C",
					  1, (const uint8_t *)"K", 1, &c, &k,
					  &err), -1);
	assert_int_equal(err.code, TR_EXIT_KEYRING);
	assert_non_null(strstr(err.msg, "nfs:x509:new:privkey"));
	assert_int_equal(tr_keys_find_x509(&target, "new", &c, &k, &err), -1);
	assert_null(strstr(err.msg, "half"));
	/* a replacement: the old certificate comes back */
	add_key_fail_at = 0;
	assert_int_equal(tr_keys_put_x509(&target, "old", (const uint8_t *)"C1",
					  2, (const uint8_t *)"K1", 2, &c, &k,
					  &err), 0);
	add_key_fail_at = add_key_calls + 2;
	assert_int_equal(tr_keys_put_x509(&target, "old", (const uint8_t *)"C2",
					  2, (const uint8_t *)"K2", 2, &c2, &k2,
					  &err), -1);
	assert_payload(c, "C1", 2);
	assert_payload(k, "K1", 2);
}

static void test_not_possessed_cannot_read(void **state)
{
	struct tr_error err;
	int32_t c, k;
	pid_t pid;
	int status;

	assert_int_equal(tr_keys_put_x509(&target, "p", (const uint8_t *)"C",
					  1, (const uint8_t *)"K", 1, &c, &k,
					  &err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char buf[8];

		/* another session: same uid, but no longer a possessor */
		if (keyctl_join_session_keyring(NULL) < 0)
			_exit(2);
		if (keyctl_read(k, buf, sizeof(buf)) >= 0)
			_exit(1);
		_exit(errno == EACCES ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static const char id1[] = "NVMe0R01 nqn.h nqn.s";
static const char id2[] = "NVMe0R01 nqn.h nqn.s2";
static const uint8_t psk_a[32] = { 1 };
static const uint8_t psk_b[32] = { 2 };

static void test_psk_named_lifecycle(void **state)
{
	char identity[TR_PSK_IDENTITY_MAX];
	struct tr_error err;
	int32_t s1, s2, f;

	assert_int_equal(tr_keys_put_psk(&target, "boot", id1, psk_a, 32, &s1,
					 &err), 0);
	assert_payload(s1, psk_a, 32);
	assert_int_equal(key_perm(s1), 0x3f010000);
	assert_int_equal(tr_keys_find_psk(&target, "boot", &f, identity,
					  sizeof(identity), &err), 0);
	assert_int_equal(f, s1);
	assert_string_equal(identity, id1);
	assert_int_equal(tr_keys_find_psk(&target, id1, &f, NULL, 0, &err), 0);
	assert_int_equal(f, s1);
	/* the name moves to a new identity; the old PSK goes */
	assert_int_equal(tr_keys_put_psk(&target, "boot", id2, psk_b, 32, &s2,
					 &err), 0);
	assert_int_equal(tr_keys_find_psk(&target, id1, &f, NULL, 0, &err), -1);
	assert_int_equal(err.code, TR_EXIT_NOTFOUND);
	assert_int_equal(tr_keys_find_psk(&target, "boot", &f, identity,
					  sizeof(identity), &err), 0);
	assert_string_equal(identity, id2);
	/* removing by identity also drops the name */
	assert_int_equal(tr_keys_remove_psk(&target, id2, &err), 0);
	assert_int_equal(tr_keys_find_psk(&target, "boot", &f, NULL, 0, &err),
			 -1);
	assert_int_equal(tr_keys_remove_psk(&target, "boot", &err), -1);
	assert_int_equal(err.code, TR_EXIT_NOTFOUND);
}

static void test_psk_replace_same_identity(void **state)
{
	struct tr_error err;
	int32_t s1, s2, f;

	assert_int_equal(tr_keys_put_psk(&target, NULL, id1, psk_a, 32, &s1,
					 &err), 0);
	assert_int_equal(tr_keys_put_psk(&target, NULL, id1, psk_b, 32, &s2,
					 &err), 0);
	assert_int_equal(tr_keys_find_psk(&target, id1, &f, NULL, 0, &err), 0);
	assert_int_equal(f, s2);
	assert_payload(f, psk_b, 32);
	assert_int_equal(tr_keys_remove_psk(&target, id1, &err), 0);
}

static void test_psk_bad_input(void **state)
{
	struct tr_error err;
	int32_t s;

	assert_int_equal(tr_keys_put_psk(&target, NULL, "NVMe0R02 nqn.h nqn.s",
					 psk_a, 32, &s, &err), -1);
	assert_non_null(strstr(err.msg, "must be 48 bytes"));
	assert_int_equal(tr_keys_put_psk(&target, NULL, "garbage", psk_a, 32,
					 &s, &err), -1);
	assert_int_equal(tr_keys_put_psk(&target, "a:b", id1, psk_a, 32, &s,
					 &err), -1);
	assert_non_null(strstr(err.msg, "colon"));
	assert_int_equal(add_key_calls, 0);
	/* the name key fails: the new PSK is taken back */
	add_key_fail_at = 2;
	assert_int_equal(tr_keys_put_psk(&target, "n", id1, psk_a, 32, &s,
					 &err), -1);
	assert_int_equal(tr_keys_find_psk(&target, id1, &s, NULL, 0, &err), -1);
	assert_int_equal(tr_keys_find_psk(&target, "n", &s, NULL, 0, &err), -1);
}

static void test_derive_put_psk_vector(void **state)
{
	static const uint8_t cfg[32] = {
		0x55, 0x12, 0xDB, 0xB6, 0x73, 0x7D, 0x01, 0x06, 0xF6, 0x59,
		0x75, 0xB7, 0x73, 0xDF, 0xB0, 0x11, 0xFF, 0xC3, 0x44, 0xBC,
		0xF4, 0x42, 0xE2, 0xDD, 0x6D, 0x8B, 0xC4, 0x87, 0x0B, 0x5D,
		0x5B, 0x03,
	};
	static const uint8_t want[32] = {
		0x8f, 0xc3, 0xc0, 0xba, 0xdf, 0xd4, 0xc0, 0xc6, 0x6f, 0xa3,
		0xca, 0x33, 0xaa, 0xdd, 0x03, 0x14, 0xf8, 0x55, 0x36, 0xcc,
		0x9b, 0xc4, 0x73, 0x38, 0xb6, 0x0f, 0x3e, 0x6e, 0x56, 0x37,
		0x86, 0xca,
	};
	struct tr_psk_params p = { "nqn.psk-test-host", "nqn.psk-test-subsys",
				   1, 0 };
	char identity[TR_PSK_IDENTITY_MAX];
	struct tr_error err;
	int32_t s;

	assert_int_equal(tr_keys_derive_put_psk(&target, "v", &p, cfg, 32, 1,
						&s, identity, sizeof(identity),
						&err), 0);
	assert_string_equal(identity,
			    "NVMe1R01 nqn.psk-test-host nqn.psk-test-subsys iSbjiStwJ/1TrTvDlt2fjFmzvsytOJelidNnA+X5lEU=");
	assert_payload(s, want, 32);
	assert_int_equal(tr_keys_derive_put_psk(&target, "v", &p, cfg, 32, 1,
						&s, identity, 10, &err), -1);
}

static void test_remove_leftovers(void **state)
{
	struct tr_error err;
	int32_t c, k, s;

	/* half an x509 identity, and a name whose PSK is gone */
	assert_true(add_key("user", "nfs:x509:half:privkey", "K", 1,
			    target.serial) > 0);
	assert_int_equal(tr_keys_find_x509(&target, "half", &c, &k, &err), -1);
	assert_non_null(strstr(err.msg, "only half"));
	assert_int_equal(k > 0 && c == 0, 1);
	assert_int_equal(tr_keys_remove_x509(&target, "half", &err), 0);
	assert_int_equal(tr_keys_remove_x509(&target, "half", &err), -1);
	assert_int_equal(tr_keys_put_psk(&target, "gone", id1, psk_a, 32, &s,
					 &err), 0);
	assert_int_equal(keyctl_invalidate(s), 0);
	assert_int_equal(tr_keys_find_psk(&target, "gone", &s, NULL, 0, &err),
			 -1);
	assert_int_equal(err.code, TR_EXIT_NOTFOUND);
	assert_int_equal(tr_keys_remove_psk(&target, "gone", &err), 0);
	assert_int_equal(tr_keys_remove_psk(&target, "gone", &err), -1);
	assert_int_equal(err.code, TR_EXIT_NOTFOUND);
}

struct seen {
	int n;
	struct tr_key_entry e[8];
};

static int collect(const struct tr_key_entry *e, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8)
		s->e[s->n++] = *e;
	return 0;
}

static const struct tr_key_entry *by_kind_name(const struct seen *s, int kind,
					       const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if ((int)s->e[i].kind == kind && !strcmp(s->e[i].name, name))
			return &s->e[i];
	return NULL;
}

static void test_list(void **state)
{
	struct tr_error err;
	struct seen s = { 0 };
	const struct tr_key_entry *e;
	int32_t c, k, p1, p2, half;

	assert_int_equal(tr_keys_put_x509(&target, "web", (const uint8_t *)"C",
					  1, (const uint8_t *)"K", 1, &c, &k,
					  &err), 0);
	assert_int_equal(tr_keys_put_psk(&target, "root", id1, psk_a, 32, &p1,
					 &err), 0);
	assert_int_equal(tr_keys_put_psk(&target, NULL, id2, psk_b, 32, &p2,
					 &err), 0);
	half = add_key("user", "nfs:x509:half:privkey", "K", 1, target.serial);
	assert_true(half > 0);
	add_key("user", "unrelated", "x", 1, target.serial);
	assert_int_equal(tr_keys_list(&target, collect, &s, &err), 0);
	assert_int_equal(s.n, 4);
	e = by_kind_name(&s, TR_KEY_X509, "web");
	assert_non_null(e);
	assert_int_equal(e->serial, c);
	assert_int_equal(e->key_serial, k);
	assert_string_equal(e->keyring, "tlsroot-test");
	e = by_kind_name(&s, TR_KEY_PSK, "root");
	assert_non_null(e);
	assert_int_equal(e->serial, p1);
	assert_string_equal(e->identity, id1);
	e = by_kind_name(&s, TR_KEY_PSK, "");
	assert_non_null(e);
	assert_int_equal(e->serial, p2);
	e = by_kind_name(&s, TR_KEY_X509, "half");
	assert_non_null(e);
	assert_int_equal(e->serial, 0);
	assert_int_equal(e->key_serial, half);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_check),
		cmocka_unit_test_setup_teardown(test_x509_put_find_replace_remove,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_x509_bad_input_places_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_x509_key_failure_rolls_back,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_possessed_cannot_read,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_psk_named_lifecycle,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_psk_replace_same_identity,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_psk_bad_input, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_derive_put_psk_vector,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_leftovers, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
