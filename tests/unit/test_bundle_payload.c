// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "tpm/tpm.h"

static const char hostnqn[] = "nqn.2014-08.org.nvmexpress:uuid:host1";
static const char subnqn[] = "nqn.2026-11.test:sub1";

static void test_x509_round_trip(void **state)
{
	static const uint8_t cert[] = { 0x30, 0x82, 1, 2, 3 };
	static const uint8_t key[] = { 0x30, 0x81, 9, 8 };
	struct tr_secret payload;
	struct tr_identity id;
	struct tr_error err;

	assert_int_equal(tr_payload_x509(cert, sizeof(cert), key, sizeof(key),
					 &payload, &err), 0);
	assert_int_equal(payload.len, 8 + sizeof(cert) + sizeof(key));
	assert_int_equal(tr_payload_decode(&payload, TR_BUNDLE_X509, &id, &err),
			 0);
	assert_int_equal(id.kind, TR_BUNDLE_X509);
	assert_int_equal(id.cert_len, sizeof(cert));
	assert_memory_equal(id.cert, cert, sizeof(cert));
	assert_int_equal(id.key_len, sizeof(key));
	assert_memory_equal(id.key, key, sizeof(key));
	/* decoding as the other kind is refused */
	assert_int_equal(tr_payload_decode(&payload, TR_BUNDLE_PSK, &id, &err),
			 -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	tr_secret_free(&payload);
}

static void test_x509_empty_refused(void **state)
{
	struct tr_secret payload;
	struct tr_error err;

	assert_int_equal(tr_payload_x509((const uint8_t *)"x", 1, NULL, 0,
					 &payload, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
}

static void test_psk_round_trip(void **state)
{
	uint8_t psk[48];
	struct tr_secret payload;
	struct tr_identity id;
	struct tr_error err;

	memset(psk, 0xc3, sizeof(psk));
	assert_int_equal(tr_payload_psk(psk, 48, 2, hostnqn, subnqn, 1, 0,
					&payload, &err), 0);
	assert_int_equal(tr_payload_decode(&payload, TR_BUNDLE_PSK, &id, &err),
			 0);
	assert_int_equal(id.psk_len, 48);
	assert_memory_equal(id.psk, psk, 48);
	assert_int_equal(id.hmac, 2);
	assert_int_equal(id.identity_version, 1);
	assert_string_equal(id.hostnqn, hostnqn);
	assert_string_equal(id.subnqn, subnqn);
	tr_secret_free(&payload);
}

static void decode_refused(const uint8_t *bytes, size_t len)
{
	struct tr_secret view = { .data = (uint8_t *)bytes, .len = len };
	struct tr_identity id;
	struct tr_error err;

	assert_int_equal(tr_payload_decode(&view, TR_BUNDLE_PSK, &id, &err),
			 -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
}

/* compat adds one options byte; without it the payload is unchanged. */
static void test_psk_compat_round_trip(void **state)
{
	uint8_t psk[32], bytes[128];
	struct tr_secret plain, payload;
	struct tr_identity id;
	struct tr_error err;

	memset(psk, 0x5a, sizeof(psk));
	assert_int_equal(tr_payload_psk(psk, 32, 1, hostnqn, subnqn, 1, 0,
					&plain, &err), 0);
	assert_int_equal(tr_payload_decode(&plain, TR_BUNDLE_PSK, &id, &err),
			 0);
	assert_int_equal(id.compat, 0);
	assert_int_equal(tr_payload_psk(psk, 32, 1, hostnqn, subnqn, 1, 1,
					&payload, &err), 0);
	assert_int_equal(payload.len, plain.len + 1);
	assert_memory_equal(payload.data, plain.data, plain.len);
	assert_int_equal(payload.data[plain.len], 0x01);
	assert_int_equal(tr_payload_decode(&payload, TR_BUNDLE_PSK, &id, &err),
			 0);
	assert_int_equal(id.compat, 1);
	assert_int_equal(id.identity_version, 1);
	assert_int_equal(id.hmac, 1);
	assert_memory_equal(id.psk, psk, 32);
	assert_string_equal(id.subnqn, subnqn);
	/* unknown options, a zero options byte, a second one: corrupt */
	assert_true(payload.len + 1 <= sizeof(bytes));
	memcpy(bytes, payload.data, payload.len);
	bytes[plain.len] = 0x02;
	decode_refused(bytes, payload.len);
	bytes[plain.len] = 0x00;
	decode_refused(bytes, payload.len);
	bytes[plain.len] = 0x01;
	bytes[payload.len] = 0x01;
	decode_refused(bytes, payload.len + 1);
	tr_secret_free(&plain);
	tr_secret_free(&payload);
	assert_int_equal(tr_payload_psk(psk, 32, 1, hostnqn, subnqn, 1, 2,
					&payload, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	assert_null(payload.data);
}

static void test_psk_bad_input(void **state)
{
	uint8_t psk[48] = { 0 };
	struct tr_secret payload;
	struct tr_error err;

	/* hmac 01 means 32 bytes */
	assert_int_equal(tr_payload_psk(psk, 48, 1, hostnqn, subnqn, 0, 0,
					&payload, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	assert_int_equal(tr_payload_psk(psk, 32, 1, "has space", subnqn, 0, 0,
					&payload, &err), -1);
	assert_int_equal(tr_payload_psk(psk, 32, 1, hostnqn, "", 0, 0, &payload,
					&err), -1);
	assert_int_equal(tr_payload_psk(psk, 32, 1, hostnqn, subnqn, 2, 0,
					&payload, &err), -1);
	assert_null(payload.data);
}

/* Every truncation and every extra byte of a valid payload is refused. */
static void test_malformed_payloads(void **state)
{
	uint8_t psk[32] = { 0 };
	struct tr_secret payload, view;
	struct tr_identity id;
	struct tr_error err;
	size_t cut;

	assert_int_equal(tr_payload_psk(psk, 32, 1, hostnqn, subnqn, 0, 0,
					&payload, &err), 0);
	for (cut = 0; cut < payload.len; cut++) {
		view = payload;
		view.len = cut;
		assert_int_equal(tr_payload_decode(&view, TR_BUNDLE_PSK, &id,
						   &err), -1);
		assert_int_equal(err.code, TR_EXIT_CORRUPT);
		assert_null(id.psk);
	}
	/* an inner NUL in the host NQN */
	payload.data[3 + 32 + 1 + 2] = '\0';
	assert_int_equal(tr_payload_decode(&payload, TR_BUNDLE_PSK, &id, &err),
			 -1);
	tr_secret_free(&payload);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x509_round_trip),
		cmocka_unit_test(test_x509_empty_refused),
		cmocka_unit_test(test_psk_round_trip),
		cmocka_unit_test(test_psk_compat_round_trip),
		cmocka_unit_test(test_psk_bad_input),
		cmocka_unit_test(test_malformed_payloads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
