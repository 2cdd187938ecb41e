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

/*
 * Offsets in a bundle of fill_header: magic, version, kind, flags, name
 * "web-1", PCR bank, mask, lock PCR, 2 PCR values, then the counter.
 */
enum {
	OFF_FLAGS = 11,
	OFF_COUNTER = 8 + 2 + 3 + 5 + 2 + 4 + 1 + 64,
	OFF_GENERATION = OFF_COUNTER + 4,
	OFF_SALT = OFF_GENERATION + 8,
	OFF_ITERATIONS = OFF_SALT + TR_PIN_SALT_LEN,
};

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void fill_header(struct tr_bundle_header *h)
{
	TPM2B_PUBLIC pub = { 0 };
	TPM2B_PRIVATE priv = { .size = 40 };
	size_t off = 0;

	memset(h, 0, sizeof(*h));
	h->kind = TR_BUNDLE_X509;
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

/*
 * A version-1 bundle, version 2 with a revocation counter, or with
 * iterations (a PIN) version 3, salt 0xc0..0xcf.
 */
static uint8_t *build_pin(size_t *len, uint32_t nv_index, uint64_t generation,
			  uint32_t iterations)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_error err;
	uint8_t *buf;
	unsigned i;

	fill_header(h);
	h->nv_index = nv_index;
	h->generation = generation;
	if (iterations) {
		h->flags = TR_BUNDLE_FLAG_PIN;
		h->pin_iterations = iterations;
		for (i = 0; i < TR_PIN_SALT_LEN; i++)
			h->pin_salt[i] = (uint8_t)(0xc0 + i);
	}
	assert_int_equal(tr_bundle_build(h, test_key,
					 (const uint8_t *)test_payload,
					 sizeof(test_payload), &buf, len, &err),
			 0);
	free(h);
	return buf;
}

static uint8_t *build_counter(size_t *len, uint32_t nv_index,
			      uint64_t generation)
{
	return build_pin(len, nv_index, generation, 0);
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

/* Refused as corrupt, saying what. */
static void expect_corrupt(const uint8_t *buf, size_t len, const char *what)
{
	struct tr_error err;

	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	assert_non_null(strstr(err.msg, what));
}

/* Every cut of a bundle is corrupt, and one byte more too; frees buf. */
static void expect_strict_length(uint8_t *buf, size_t len)
{
	struct tr_error err;
	size_t cut;

	for (cut = 0; cut < len; cut++) {
		assert_int_equal(parse(buf, cut, &err), -1);
		assert_int_equal(err.code, TR_EXIT_CORRUPT);
	}
	buf = realloc(buf, len + 1);
	buf[len] = 0;
	assert_int_equal(parse(buf, len + 1, &err), -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	free(buf);
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
	assert_int_equal(h->flags, 0);
	assert_null(tr_bundle_pin_kdf_name(h));
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
	size_t len;
	uint8_t *buf = build(&len);

	expect_strict_length(buf, len);
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

	buf[8] = 5;
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.code, TR_EXIT_VERSION);
	assert_non_null(strstr(err.msg, "version 5, this tlsroot reads versions 1 to 4"));
	buf[8] = 0;
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.code, TR_EXIT_VERSION);
	buf[8] = 5;
	/* the version decides even when the rest is cut off */
	assert_int_equal(parse(buf, 10, &err), -1);
	assert_int_equal(err.code, TR_EXIT_VERSION);
	free(buf);
}

/* Version 2: the counter's index and generation, in the AAD. */
static void test_counter_round_trip(void **state)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_secret payload;
	struct tr_error err;
	size_t len, len1;
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
	free(h);
	free(buf1);
	/* the generation is associated data: a changed one fails to open */
	buf[OFF_GENERATION] ^= 0x01;
	expect_open_fails(buf, len, test_key);
	expect_strict_length(buf, len);
}

/* A counter outside tlsroot's range, or a version-2 file without one. */
static void test_counter_fields_checked(void **state)
{
	size_t len, len1;
	uint8_t *buf = build_counter(&len, TR_COUNTER_BASE + 0x10000, 1);
	uint8_t *buf1 = build(&len1);

	expect_corrupt(buf, len, "NV range");
	buf1[8] = 2;
	expect_corrupt(buf1, len1, "");
	free(buf);
	free(buf1);
}

/*
 * Version 3, a PIN without a counter: the counter fields are 0, then the
 * salt and the iteration count, all in the AAD.
 */
static void test_pin_round_trip(void **state)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_secret payload;
	struct tr_error err;
	size_t len, len1;
	uint8_t *buf1 = build(&len1);
	uint8_t *buf = build_pin(&len, 0, 0, 600000);
	uint8_t salt[TR_PIN_SALT_LEN];
	unsigned i;

	for (i = 0; i < TR_PIN_SALT_LEN; i++)
		salt[i] = (uint8_t)(0xc0 + i);
	assert_int_equal(len, len1 + 12 + TR_PIN_SALT_LEN + 4);
	assert_int_equal(tr_bundle_parse(buf, len, h, &err), 0);
	assert_int_equal(h->version, 3);
	assert_int_equal(h->flags, TR_BUNDLE_FLAG_PIN);
	assert_int_equal(h->nv_index, 0);
	assert_true(h->generation == 0);
	assert_memory_equal(h->pin_salt, salt, TR_PIN_SALT_LEN);
	assert_int_equal(h->pin_iterations, 600000);
	assert_string_equal(tr_bundle_pin_kdf_name(h), "pbkdf2-sha256");
	assert_int_equal(tr_bundle_version_of(h), 3);
	assert_int_equal(buf[OFF_SALT], 0xc0);
	assert_int_equal(tr_bundle_open(h, test_key, &payload, &err), 0);
	assert_memory_equal(payload.data, test_payload, sizeof(test_payload));
	tr_secret_free(&payload);
	/* salt and iterations are associated data */
	buf[OFF_SALT + 5] ^= 0x01;
	expect_open_fails(buf, len, test_key);
	buf[OFF_SALT + 5] ^= 0x01;
	buf[OFF_ITERATIONS] ^= 0x01;
	expect_open_fails(buf, len, test_key);
	buf[OFF_ITERATIONS] ^= 0x01;
	free(h);
	free(buf1);
	expect_strict_length(buf, len);
}

/* Version 3 with a counter: the version-2 fields, then the PIN's KDF. */
static void test_pin_counter_round_trip(void **state)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_secret payload;
	struct tr_error err;
	size_t len, len2;
	uint8_t *buf2 = build_counter(&len2, TR_COUNTER_BASE + 7, 42);
	uint8_t *buf = build_pin(&len, TR_COUNTER_BASE + 7, 42, 1000);

	assert_int_equal(len, len2 + TR_PIN_SALT_LEN + 4);
	/* but for version and flags, the same bytes up to the salt */
	assert_memory_equal(buf + 12, buf2 + 12, OFF_SALT - 12);
	assert_int_equal(tr_bundle_parse(buf, len, h, &err), 0);
	assert_int_equal(h->version, 3);
	assert_int_equal(h->nv_index, TR_COUNTER_BASE + 7);
	assert_true(h->generation == 42);
	assert_int_equal(h->pin_iterations, 1000);
	assert_int_equal(h->pin_salt[15], 0xcf);
	assert_int_equal(tr_bundle_open(h, test_key, &payload, &err), 0);
	tr_secret_free(&payload);
	free(h);
	free(buf2);
	expect_strict_length(buf, len);
}

/* The iteration count's bounds, and the fields version 3 must agree with. */
static void test_pin_kdf_fields_checked(void **state)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_error err;
	size_t len, len2;
	uint8_t *buf = build_pin(&len, 0, 0, 10000000);
	uint8_t *buf2 = build_counter(&len2, TR_COUNTER_BASE, 1);

	assert_int_equal(parse(buf, len, &err), 0);
	put_u32(buf + OFF_ITERATIONS, 10000001);
	expect_corrupt(buf, len, "iteration count outside 1000..10000000");
	put_u32(buf + OFF_ITERATIONS, 999);
	expect_corrupt(buf, len, "iteration count");
	put_u32(buf + OFF_ITERATIONS, 0);
	expect_corrupt(buf, len, "iteration count");
	put_u32(buf + OFF_ITERATIONS, 1000);
	assert_int_equal(parse(buf, len, &err), 0);
	/* version 3 is a PIN's */
	buf[OFF_FLAGS] = 0;
	expect_corrupt(buf, len, "without the PIN flag");
	buf[OFF_FLAGS] = TR_BUNDLE_FLAG_PIN;
	/* no counter: the generation is 0 too */
	buf[OFF_GENERATION + 7] = 1;
	expect_corrupt(buf, len, "generation without a counter");
	buf[OFF_GENERATION + 7] = 0;
	/* a counter: in tlsroot's range, as in version 2 */
	put_u32(buf + OFF_COUNTER, TR_COUNTER_BASE - 1);
	expect_corrupt(buf, len, "NV range");
	put_u32(buf + OFF_COUNTER, TR_COUNTER_BASE);
	assert_int_equal(parse(buf, len, &err), 0);
	/* version 2 never has "no counter" */
	put_u32(buf2 + OFF_COUNTER, 0);
	expect_corrupt(buf2, len2, "NV range");
	/* the writer refuses what the parser would */
	fill_header(h);
	h->flags = TR_BUNDLE_FLAG_PIN;
	h->pin_iterations = 999;
	free(buf);
	assert_int_equal(tr_bundle_build(h, test_key,
					 (const uint8_t *)test_payload,
					 sizeof(test_payload), &buf, &len, &err),
			 -1);
	assert_null(buf);
	assert_true(tr_pin_iterations_valid(1000));
	assert_true(tr_pin_iterations_valid(10000000));
	assert_false(tr_pin_iterations_valid(999));
	assert_false(tr_pin_iterations_valid(10000001));
	free(h);
	free(buf2);
}

/*
 * PIN bundles sealed before version 3 (1 and 2 with the PIN flag) still
 * parse, and say their PIN is plain SHA-256 (test_tpm_policy checks that
 * derivation); the layouts without a PIN are unchanged.
 */
static void test_old_pin_bundles_parse(void **state)
{
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_error err;
	size_t len1, len2;
	uint8_t *buf1 = build(&len1);
	uint8_t *buf2 = build_counter(&len2, TR_COUNTER_BASE, 3);

	buf1[OFF_FLAGS] = TR_BUNDLE_FLAG_PIN;
	assert_int_equal(tr_bundle_parse(buf1, len1, h, &err), 0);
	assert_int_equal(h->version, 1);
	assert_string_equal(tr_bundle_pin_kdf_name(h), "sha256");
	assert_int_equal(h->pin_iterations, 0);
	buf2[OFF_FLAGS] = TR_BUNDLE_FLAG_PIN;
	assert_int_equal(tr_bundle_parse(buf2, len2, h, &err), 0);
	assert_int_equal(h->version, 2);
	assert_string_equal(tr_bundle_pin_kdf_name(h), "sha256");
	/* but what is written now with that header is version 3 */
	assert_int_equal(tr_bundle_version_of(h), 3);
	h->flags = 0;
	assert_int_equal(tr_bundle_version_of(h), 2);
	h->nv_index = 0;
	assert_int_equal(tr_bundle_version_of(h), 1);
	free(h);
	free(buf1);
	free(buf2);
}

static void test_bad_magic(void **state)
{
	size_t len;
	uint8_t *buf = build(&len);

	buf[0] = 'X';
	expect_corrupt(buf, len, "magic");
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
		cmocka_unit_test(test_pin_round_trip),
		cmocka_unit_test(test_pin_counter_round_trip),
		cmocka_unit_test(test_pin_kdf_fields_checked),
		cmocka_unit_test(test_old_pin_bundles_parse),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_fields_are_corrupt),
		cmocka_unit_test(test_identity_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
