// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpm/tpm.h"

static void hex(const uint8_t *d, char *out)
{
	int i;

	for (i = 0; i < TR_DIGEST_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/*
 * Expected digests computed independently (Python hashlib) from TPM 2.0
 * Part 3: H(H(0 || CC_PolicyPCR || TPML_PCR_SELECTION || H(values))), and
 * confirmed against swtpm by the host tests (PolicyGetDigest).
 */
static void test_policy_pcr_vectors(void **state)
{
	uint8_t values[TR_PCR_COUNT][TR_DIGEST_LEN] = { { 0 } }, out[32];
	struct tr_error err;
	char h[65];

	assert_int_equal(tr_policy_digest(1u << 7 | 1u << 15, values, NULL, 0,
					  out, &err), 0);
	hex(out, h);
	assert_string_equal(h, "f62d13a8dfa1a3dca5b7f16214692abd321889814e17d52ab9e830623eb8f15d");
	assert_int_equal(tr_policy_digest(1u << 7 | 1u << 15, values, NULL, 1,
					  out, &err), 0);
	hex(out, h);
	assert_string_equal(h, "560f61bb9eb85c560875c9c3979465b1b869055039de7df1875b5082f619b5dd");
	memset(values[7], 0xab, TR_DIGEST_LEN);
	memset(values[8], 0xff, TR_DIGEST_LEN); /* not in the mask: ignored */
	assert_int_equal(tr_policy_digest(1u << 7, values, NULL, 0, out, &err),
			 0);
	hex(out, h);
	assert_string_equal(h, "5cd221f3d651f93dcd190045ab3df12ba6bcd85299942e3da4fdd8fda7dfdb00");
}

/*
 * PolicyNV (Part 3, 23.9): H(policy || CC_PolicyNV || H(operandB ||
 * offset || operation) || nvIndex Name), operandB the generation as 8
 * bytes big-endian, offset 0, TPM_EO_UNSIGNED_LE; computed with Python
 * hashlib. The swtpm tests confirm it (PolicyGetDigest before Unseal).
 */
static void test_policy_nv_vectors(void **state)
{
	uint8_t values[TR_PCR_COUNT][TR_DIGEST_LEN] = { { 0 } }, out[32];
	uint8_t name[34] = { 0x00, 0x0b };
	struct tr_policy_counter c = { name, sizeof(name), 5 };
	struct tr_error err;
	char h[65];

	memset(name + 2, 0x42, 32);
	assert_int_equal(tr_policy_digest(1u << 7 | 1u << 15, values, &c, 0,
					  out, &err), 0);
	hex(out, h);
	assert_string_equal(h, "b129b8ec544cae29b9df75b856e8088a7d47d5560e2a02acab1a1df8fe334896");
	assert_int_equal(tr_policy_digest(1u << 7 | 1u << 15, values, &c, 1,
					  out, &err), 0);
	hex(out, h);
	assert_string_equal(h, "c53edb23687f36f58108146db099940f5ba52999905a8feca02016b49b452ecb");
	c.name_len = 0;
	assert_int_equal(tr_policy_digest(1u << 7, values, &c, 0, out, &err),
			 -1);
}

/* zlib's CRC-32 of the name, low 16 bits, in the owner range. */
static void test_counter_index(void **state)
{
	assert_int_equal(tr_counter_index("web"), 0x01bf3851);
	assert_true(tr_counter_index("nvme0") >= TR_COUNTER_BASE);
	assert_true(tr_counter_index("nvme0") <= TR_COUNTER_BASE + 0xffff);
}

static void test_policy_needs_pcrs(void **state)
{
	uint8_t values[TR_PCR_COUNT][TR_DIGEST_LEN] = { { 0 } }, out[32];
	struct tr_error err;

	assert_int_equal(tr_policy_digest(0, values, NULL, 0, out, &err), -1);
	assert_int_equal(tr_policy_digest(1u << 24, values, NULL, 0, out, &err),
			 -1);
}

/* A header as the parser leaves it: version, and for 3 salt 00..0f. */
static void pin_header(struct tr_bundle_header *h, uint16_t version,
		       uint32_t iterations)
{
	unsigned i;

	memset(h, 0, sizeof(*h));
	strcpy(h->name, "web");
	h->version = version;
	h->flags = TR_BUNDLE_FLAG_PIN;
	for (i = 0; i < TR_PIN_SALT_LEN; i++)
		h->pin_salt[i] = (uint8_t)i;
	h->pin_iterations = iterations;
}

static void pin_auth(const struct tr_bundle_header *h, const char *pin,
		     int expect, const char *hex_want)
{
	struct tr_secret s = { (uint8_t *)pin, strlen(pin), strlen(pin) };
	struct tr_error err;
	uint8_t out[32];
	char hx[65];

	assert_int_equal(tr_policy_pin_auth_for(h, &s, out, &err), expect);
	if (expect < 0) {
		assert_int_equal(err.code, TR_EXIT_PIN);
		return;
	}
	hex(out, hx);
	assert_string_equal(hx, hex_want);
}

/*
 * Versions 1 and 2 (sealed before the KDF, still unsealed): SHA-256 of
 * the PIN, so their authValue is what it was when they were sealed.
 */
static void test_pin_auth_legacy(void **state)
{
	static const char sha_1234[] =
		"03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4";
	struct tr_bundle_header *h = malloc(sizeof(*h));
	uint16_t v;

	for (v = TR_BUNDLE_VERSION_PLAIN; v <= TR_BUNDLE_VERSION_COUNTER; v++) {
		/* the salt and iterations of a v3 header would not matter */
		pin_header(h, v, TR_PIN_KDF_ITERATIONS);
		pin_auth(h, "1234", 0, sha_1234);
		pin_auth(h, "1234\n", 0, sha_1234);   /* one newline dropped */
		pin_auth(h, "1234\r\n", 0, sha_1234); /* a DOS one too */
		pin_auth(h, "\r\n", -1, NULL);
		pin_auth(h, "", -1, NULL);
		pin_auth(h, "\n", -1, NULL);
	}
	free(h);
}

/*
 * Version 3: PBKDF2-HMAC-SHA256(PIN, salt, iterations, 32), expected
 * values from Python: hashlib.pbkdf2_hmac("sha256", b"1234",
 * bytes(range(16)), N) and with 16 zero bytes as the salt.
 */
static void test_pin_auth_pbkdf2(void **state)
{
	static const char kdf_1000[] =
		"2240ea2a22754a3c4610356ef8e4d7acf25af2ac3d2d11866de97a8b7812c52c";
	static const char kdf_default[] =
		"9f39d9c71c22c4c459bc2cbacc6d74e2184185d671d91f0a34a6834413a0849d";
	static const char kdf_zero_salt[] =
		"585f57603dc756173a0ec7cb8998fabd1030e9d4ac6527327b685c1d4ff22a5c";
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_secret s = { (uint8_t *)"1234", 4, 4 };
	struct tr_error err;
	uint8_t out[32];

	pin_header(h, TR_BUNDLE_VERSION_PIN_KDF, 1000);
	pin_auth(h, "1234", 0, kdf_1000);
	pin_auth(h, "1234\n", 0, kdf_1000);
	pin_auth(h, "1234\r\n", 0, kdf_1000);
	pin_auth(h, "\r\n", -1, NULL);
	pin_auth(h, "", -1, NULL);
	memset(h->pin_salt, 0, sizeof(h->pin_salt));
	pin_auth(h, "1234", 0, kdf_zero_salt);
	/* the count every new bundle gets */
	assert_int_equal(TR_PIN_KDF_ITERATIONS, 600000);
	pin_header(h, TR_BUNDLE_VERSION_PIN_KDF, TR_PIN_KDF_ITERATIONS);
	pin_auth(h, "1234", 0, kdf_default);
	/* a count the parser would refuse is refused here too */
	h->pin_iterations = TR_PIN_KDF_ITERATIONS_MIN - 1;
	memset(out, 0x55, sizeof(out));
	assert_int_equal(tr_policy_pin_auth_for(h, &s, out, &err), -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	assert_non_null(strstr(err.msg, "iteration count 999"));
	h->pin_iterations = TR_PIN_KDF_ITERATIONS_MAX + 1;
	assert_int_equal(tr_policy_pin_auth_for(h, &s, out, &err), -1);
	free(h);
}

static void test_pcr_list(void **state)
{
	struct tr_error err;
	uint32_t mask;

	assert_int_equal(tr_pcr_list_parse("7,15", &mask, &err), 0);
	assert_int_equal(mask, 1u << 7 | 1u << 15);
	assert_int_equal(tr_pcr_list_parse("0", &mask, &err), 0);
	assert_int_equal(mask, 1);
	assert_int_equal(tr_pcr_list_parse("23", &mask, &err), 0);
	assert_int_equal(tr_pcr_list_parse("24", &mask, &err), -1);
	assert_int_equal(err.code, TR_EXIT_USAGE);
	assert_int_equal(tr_pcr_list_parse("7,", &mask, &err), -1);
	assert_int_equal(tr_pcr_list_parse(",7", &mask, &err), -1);
	assert_int_equal(tr_pcr_list_parse("-1", &mask, &err), -1);
	assert_int_equal(tr_pcr_list_parse("7 ", &mask, &err), -1);
	assert_int_equal(tr_pcr_list_parse("", &mask, &err), -1);
}

static void test_pcr_value(void **state)
{
	static const char ok[] = "7=sha256:00112233445566778899aabbccddeeff"
				 "00112233445566778899AABBCCDDEEFF";
	uint8_t v[TR_DIGEST_LEN];
	struct tr_error err;
	unsigned pcr;

	assert_int_equal(tr_pcr_value_parse(ok, &pcr, v, &err), 0);
	assert_int_equal(pcr, 7);
	assert_int_equal(v[1], 0x11);
	assert_int_equal(v[31], 0xff);
	assert_int_equal(tr_pcr_value_parse("7=sha1:00", &pcr, v, &err), -1);
	assert_int_equal(err.code, TR_EXIT_USAGE);
	assert_int_equal(tr_pcr_value_parse("7=sha256:0011", &pcr, v, &err), -1);
	assert_int_equal(tr_pcr_value_parse("30=sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
					    &pcr, v, &err), -1);
	assert_int_equal(tr_pcr_value_parse("7=sha256:zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
					    &pcr, v, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_pcr_vectors),
		cmocka_unit_test(test_policy_nv_vectors),
		cmocka_unit_test(test_counter_index),
		cmocka_unit_test(test_policy_needs_pcrs),
		cmocka_unit_test(test_pin_auth_legacy),
		cmocka_unit_test(test_pin_auth_pbkdf2),
		cmocka_unit_test(test_pcr_list),
		cmocka_unit_test(test_pcr_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
