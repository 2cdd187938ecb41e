// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "tpm/tpm.h"

static const uint8_t test_key[TR_SEALED_KEY_LEN] = { 1, 2, 3, 4, 5 };
static const char test_payload[] = "certificate and key would be here";

static void fill_header(struct tr_bundle_header *h)
{
	TPM2B_PUBLIC pub = { 0 };
	TPM2B_PRIVATE priv = { .size = 40 };
	size_t off = 0;

	memset(h, 0, sizeof(*h));
	h->kind = TR_BUNDLE_X509;
	h->flags = TR_BUNDLE_FLAG_PIN;
	strcpy(h->name, "web-1");
	h->pcr_mask = 1u << 7 | 1u << 15;
	h->lock_pcr = 15;
	memset(h->pcr_values[7], 0xab, TR_DIGEST_LEN);
	memset(h->policy, 0x5a, TR_DIGEST_LEN);
	memset(h->srk, 0x33, 100);
	h->srk_len = 100;
	pub.publicArea.type = TPM2_ALG_KEYEDHASH;
	pub.publicArea.nameAlg = TPM2_ALG_SHA256;
	pub.publicArea.parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_NULL;
	assert_int_equal(Tss2_MU_TPM2B_PUBLIC_Marshal(&pub, h->pub,
						      sizeof(h->pub), &off), 0);
	h->pub_len = off;
	off = 0;
	memset(priv.buffer, 0x77, priv.size);
	assert_int_equal(Tss2_MU_TPM2B_PRIVATE_Marshal(&priv, h->priv,
						       sizeof(h->priv), &off), 0);
	h->priv_len = off;
	memset(h->nonce, 0x11, sizeof(h->nonce));
}

/* A version-1 bundle, or version 2 with a revocation counter. */
static uint8_t *build_counter(size_t *len, uint32_t nv_index,
			      uint64_t generation)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_error err;
	uint8_t *buf;

	fill_header(h);
	h->nv_index = nv_index;
	h->generation = generation;
	assert_int_equal(tr_bundle_build(h, test_key,
					 (const uint8_t *)test_payload,
					 sizeof(test_payload), &buf, len, &err),
			 0);
	free(h);
	return buf;
}

static uint8_t *build(size_t *len)
{
	return build_counter(len, 0, 0);
}

static int parse(const uint8_t *buf, size_t len, struct tr_error *err)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	int rc = tr_bundle_parse(buf, len, h, err);

	free(h);
	return rc;
}

static void test_round_trip(void **state)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_secret payload;
	struct tr_error err;
	size_t len;
	uint8_t *buf = build(&len);

	assert_int_equal(tr_bundle_parse(buf, len, h, &err), 0);
	assert_int_equal(h->version, 1);
	assert_int_equal(h->nv_index, 0);
	assert_int_equal(h->kind, TR_BUNDLE_X509);
	assert_int_equal(h->flags, TR_BUNDLE_FLAG_PIN);
	assert_string_equal(h->name, "web-1");
	assert_int_equal(h->pcr_mask, 1u << 7 | 1u << 15);
	assert_int_equal(h->lock_pcr, 15);
	assert_int_equal(h->pcr_values[7][31], 0xab);
	assert_int_equal(h->srk_len, 100);
	assert_int_equal(h->sealed_len, sizeof(test_payload) + TR_BUNDLE_TAG_LEN);
	assert_int_equal(tr_bundle_open(h, test_key, &payload, &err), 0);
	assert_int_equal(payload.len, sizeof(test_payload));
	assert_memory_equal(payload.data, test_payload, sizeof(test_payload));
	tr_secret_free(&payload);
	free(h);
	free(buf);
}

/* The plaintext must not appear in the file. */
static void test_payload_is_encrypted(void **state)
{
	size_t len;
	uint8_t *buf = build(&len);

	assert_null(memmem(buf, len, "certificate", 11));
	free(buf);
}

static void expect_open_fails(uint8_t *buf, size_t len, const uint8_t *key)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_secret payload;
	struct tr_error err;

	assert_int_equal(tr_bundle_parse(buf, len, h, &err), 0);
	assert_int_equal(tr_bundle_open(h, key, &payload, &err), -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	assert_null(payload.data);
	free(h);
}

static void test_flipped_ciphertext_refused(void **state)
{
	size_t len;
	uint8_t *buf = build(&len);

	buf[len - TR_BUNDLE_TAG_LEN - 3] ^= 0x01;
	expect_open_fails(buf, len, test_key);
	free(buf);
}

static void test_flipped_header_refused(void **state)
{
	size_t len;
	uint8_t *buf = build(&len);

	/* a PCR value byte: parses fine, but it is AAD */
	buf[8 + 2 + 3 + 5 + 2 + 4 + 1 + 4] ^= 0x80;
	expect_open_fails(buf, len, test_key);
	free(buf);
}

static void test_wrong_key_refused(void **state)
{
	uint8_t other[TR_SEALED_KEY_LEN] = { 9 };
	size_t len;
	uint8_t *buf = build(&len);

	expect_open_fails(buf, len, other);
	free(buf);
}

static void test_every_truncation_is_corrupt(void **state)
{
	struct tr_error err;
	size_t len, cut;
	uint8_t *buf = build(&len);

	for (cut = 0; cut < len; cut++) {
		assert_int_equal(parse(buf, cut, &err), -1);
		assert_int_equal(err.code, TR_EXIT_CORRUPT);
	}
	free(buf);
}

static void test_trailing_bytes_are_corrupt(void **state)
{
	struct tr_error err;
	size_t len;
	uint8_t *buf = build(&len);

	buf = realloc(buf, len + 1);
	buf[len] = 0;
	assert_int_equal(parse(buf, len + 1, &err), -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	assert_non_null(strstr(err.msg, "length mismatch"));
	free(buf);
}

static void test_unknown_version(void **state)
{
	struct tr_error err;
	size_t len;
	uint8_t *buf = build(&len);

	buf[8] = 3;
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.code, TR_EXIT_VERSION);
	assert_non_null(strstr(err.msg, "version 3"));
	buf[8] = 0;
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.code, TR_EXIT_VERSION);
	buf[8] = 3;
	/* the version decides even when the rest is cut off */
	assert_int_equal(parse(buf, 10, &err), -1);
	assert_int_equal(err.code, TR_EXIT_VERSION);
	free(buf);
}

/* Version 2: the counter's index and generation, in the AAD. */
static void test_counter_round_trip(void **state)
{
	/* magic, version, kind, flags, name "web-1", PCR bank, mask, lock,
	 * 2 PCR values, NV index */
	static const size_t generation = 8 + 2 + 3 + 5 + 2 + 4 + 1 + 64 + 4;
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_secret payload;
	struct tr_error err;
	size_t len, len1, cut;
	uint8_t *buf1 = build(&len1);
	uint8_t *buf = build_counter(&len, TR_COUNTER_BASE + 0x1234,
				     0x0102030405060708ull);

	assert_int_equal(len, len1 + 12);
	assert_int_equal(tr_bundle_parse(buf, len, h, &err), 0);
	assert_int_equal(h->version, 2);
	assert_int_equal(h->nv_index, TR_COUNTER_BASE + 0x1234);
	assert_true(h->generation == 0x0102030405060708ull);
	assert_int_equal(tr_bundle_open(h, test_key, &payload, &err), 0);
	tr_secret_free(&payload);
	for (cut = 0; cut < len; cut++) {
		assert_int_equal(parse(buf, cut, &err), -1);
		assert_int_equal(err.code, TR_EXIT_CORRUPT);
	}
	free(h);
	/* the generation is associated data: a changed one fails to open */
	buf[generation] ^= 0x01;
	expect_open_fails(buf, len, test_key);
	free(buf);
	free(buf1);
}

/* A counter outside tlsroot's range, or a version-2 file without one. */
static void test_counter_fields_checked(void **state)
{
	struct tr_error err;
	size_t len, len1;
	uint8_t *buf = build_counter(&len, TR_COUNTER_BASE + 0x10000, 1);
	uint8_t *buf1 = build(&len1);

	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	assert_non_null(strstr(err.msg, "NV range"));
	buf1[8] = 2;
	assert_int_equal(parse(buf1, len1, &err), -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	free(buf);
	free(buf1);
}

static void test_bad_magic(void **state)
{
	struct tr_error err;
	size_t len;
	uint8_t *buf = build(&len);

	buf[0] = 'X';
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	assert_non_null(strstr(err.msg, "magic"));
	free(buf);
}

static void test_bad_fields_are_corrupt(void **state)
{
	/* offsets: magic 8, version 2, kind 1, flags 1, name_len 1 */
	static const size_t kind = 10, flags = 11, name_len = 12, name = 13;
	struct tr_error err;
	size_t len;
	uint8_t *buf = build(&len);

	buf[kind] = 9;
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	buf[kind] = TR_BUNDLE_X509;
	buf[flags] = 0x80;
	assert_int_equal(parse(buf, len, &err), -1);
	buf[flags] = 0;
	buf[name] = '/';
	assert_int_equal(parse(buf, len, &err), -1);
	assert_non_null(strstr(err.msg, "name"));
	buf[name] = 'w';
	buf[name_len] = 200;
	assert_int_equal(parse(buf, len, &err), -1);
	buf[name_len] = 5;
	assert_int_equal(parse(buf, len, &err), 0);
	free(buf);
}

static void test_identity_names(void **state)
{
	assert_true(tr_identity_name_valid("web-1.example_x"));
	assert_false(tr_identity_name_valid(""));
	assert_false(tr_identity_name_valid(".hidden"));
	assert_false(tr_identity_name_valid("a:b"));
	assert_false(tr_identity_name_valid("a b"));
	assert_false(tr_identity_name_valid(
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_string_equal(tr_bundle_kind_name(TR_BUNDLE_PSK), "psk");
	assert_string_equal(tr_bundle_kind_name(7), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_payload_is_encrypted),
		cmocka_unit_test(test_flipped_ciphertext_refused),
		cmocka_unit_test(test_flipped_header_refused),
		cmocka_unit_test(test_wrong_key_refused),
		cmocka_unit_test(test_every_truncation_is_corrupt),
		cmocka_unit_test(test_trailing_bytes_are_corrupt),
		cmocka_unit_test(test_unknown_version),
		cmocka_unit_test(test_counter_round_trip),
		cmocka_unit_test(test_counter_fields_checked),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_fields_are_corrupt),
		cmocka_unit_test(test_identity_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
