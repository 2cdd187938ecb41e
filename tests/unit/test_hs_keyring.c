// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Credentials from keyrings (handshake/keyring.c) on this host's kernel:
 * a private test keyring linked into the process keyring holds user keys
 * named the way keys/ stores identities.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include <keyutils.h>

#include "test_hs_pki.h"

static key_serial_t ring;

static int setup(void **state)
{
	keyctl_get_keyring_ID(KEY_SPEC_PROCESS_KEYRING, 1);
	ring = add_key("keyring", "hs-test", NULL, 0, KEY_SPEC_PROCESS_KEYRING);
	assert_true(ring > 0);
	return 0;
}

static int teardown(void **state)
{
	keyctl_clear(ring);
	keyctl_unlink(ring, KEY_SPEC_PROCESS_KEYRING);
	return 0;
}

static key_serial_t put(const char *desc, const char *payload)
{
	key_serial_t k = add_key("user", desc, payload, strlen(payload), ring);

	assert_true(k > 0);
	return k;
}

static void test_find_identity_by_name(void **state)
{
	key_serial_t cert = put("nfs:x509:node1:cert", "CERT-DER");
	key_serial_t key = put("nfs:x509:node1:privkey", "KEY-DER");
	struct tr_error err;
	int32_t c, k;
	uint8_t buf[64];
	size_t len;

	assert_int_equal(hs_find_identity("node1", &c, &k, &err), 0);
	assert_int_equal(c, cert);
	assert_int_equal(k, key);
	assert_int_equal(hs_key_read(c, buf, sizeof(buf), &len, &err), 0);
	assert_int_equal(len, 8);
	assert_memory_equal(buf, "CERT-DER", 8);
	assert_int_equal(hs_key_read(k, buf, 3, &len, &err), -1);
	assert_non_null(strstr(err.msg, "more than 3"));
}

static void test_missing_identity(void **state)
{
	struct tr_error err;
	int32_t c, k;

	put("nfs:x509:half:cert", "C");
	assert_int_equal(hs_find_identity("half", &c, &k, &err), -1);
	assert_int_equal(err.code, TR_EXIT_NOTFOUND);
	assert_non_null(strstr(err.msg, "nfs:x509:half:privkey"));
	assert_non_null(strstr(err.msg, "tlsroot unseal"));
	assert_int_equal(hs_find_identity("nobody", &c, &k, &err), -1);
}

static void test_identity_from_description(void **state)
{
	key_serial_t k = put("NVMe0R01 nqn.host nqn.subsys", "x");
	struct tr_error err;
	char id[256];

	assert_int_equal(hs_key_identity(k, id, sizeof(id), &err), 0);
	assert_string_equal(id, "NVMe0R01 nqn.host nqn.subsys");
	assert_int_equal(hs_key_identity(k, id, 5, &err), -1);
	assert_int_equal(hs_key_identity(0x7ffffff0, id, sizeof(id), &err), -1);
	assert_int_equal(hs_key_read(0x7ffffff0, (uint8_t *)id, 4, &(size_t){ 0 },
				     &err), -1);
}

static void test_prepare_and_peer_cert(void **state)
{
	struct hs_keyrings kr;
	struct pki_cert ca;
	struct tr_error err;
	int32_t serial;

	hs_keyrings_prepare(&kr);
	assert_true(kr.process > 0);
	pki_make(&ca, &(struct pki_spec){ .cn = "peer", .ca = 1 }, NULL);
	serial = hs_add_peer_cert(&ca.der, "192.0.2.7", &err);
	/* The host kernel may lack an ECDSA-capable x509 parser: then the
	 * agent logs the reason and answers DONE without REMOTE_AUTH. */
	if (serial == 0)
		assert_non_null(strstr(err.msg, "server certificate"));
	if (serial > 0)
		keyctl_unlink(serial, KEY_SPEC_PROCESS_KEYRING);
	pki_free(&ca);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_identity_by_name),
		cmocka_unit_test(test_missing_identity),
		cmocka_unit_test(test_identity_from_description),
		cmocka_unit_test(test_prepare_and_peer_cert),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
