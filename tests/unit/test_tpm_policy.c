// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
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

static void pin_auth(const char *pin, int expect, const char *hex_want)
{
	struct tr_secret s = { (uint8_t *)pin, strlen(pin), strlen(pin) };
	struct tr_error err;
	uint8_t out[32];
	char h[65];

	assert_int_equal(tr_policy_pin_auth(&s, out, &err), expect);
	if (expect < 0) {
		assert_int_equal(err.code, TR_EXIT_PIN);
		return;
	}
	hex(out, h);
	assert_string_equal(h, hex_want);
}

static void test_pin_auth(void **state)
{
	static const char sha_1234[] =
		"03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4";

	pin_auth("1234", 0, sha_1234);
	pin_auth("1234\n", 0, sha_1234);   /* one newline is dropped */
	pin_auth("1234\r\n", 0, sha_1234); /* and a DOS line ending */
	pin_auth("\r\n", -1, NULL);
	pin_auth("", -1, NULL);
	pin_auth("\n", -1, NULL);
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
		cmocka_unit_test(test_pin_auth),
		cmocka_unit_test(test_pcr_list),
		cmocka_unit_test(test_pcr_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
