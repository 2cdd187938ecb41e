// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Signed PCR policies: the PolicyAuthorize object policy, aHash, the
 * policy key's TPM Name, the .tpol format and version-4 bundles.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "tpm/signed_policy.h"
#include "tpm/tpm.h"

/* A throwaway test key pair (ECC P-256), and an RSA-2048 public key. */
static const char ecc_priv[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MHcCAQEEIPe0zbREm12FTEn6u2rJ6kLocEZQIg7hb4gCDGlwAUlRoAoGCCqGSM49\n"
	"AwEHoUQDQgAEGWxUdNnUkK6YGDKM1i3+g+2XmQ100p8SYLMB4m63FdcebsUlZtyo\n"
	"cU3yVWFdlH796JY3wm/JMhk18pMYebJk3w==\n"
	"-----END EC PRIVATE KEY-----\n";
static const char ecc_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEGWxUdNnUkK6YGDKM1i3+g+2XmQ10\n"
	"0p8SYLMB4m63FdcebsUlZtyocU3yVWFdlH796JY3wm/JMhk18pMYebJk3w==\n"
	"-----END PUBLIC KEY-----\n";
static const char rsa_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsm97ziqOstYFfbTlTIm4\n"
	"TMm4SDL4Gzfc2pCdHYwt/SMSTAxxiD2zqgrcpS2PLRM+wc/0bTR2p2Y4SjZoVCZs\n"
	"126LwjFv60asQGIRo6iLCCgiBLhPa3RnolDAfcr262T8B+GrJcbzlifSUCwPzC6u\n"
	"EhcLhcQvjoAMARRJlIdkKjipcAWDTYPCBSMqVBhRdAYCVEoTMTcEx6UN1Hmji8bQ\n"
	"iXmI41QGKtFrsuDYqAa0VSf2ClNSMTcm9rYm2cIrzCEfwGuthQUyhLJ51JP2yC1q\n"
	"oOPnS2kaoUWH70vtre35HBfGBDbUIbCKuVN+GeMIGK/pgIPO3D2qJX2vq0nDkr1f\n"
	"vwIDAQAB\n"
	"-----END PUBLIC KEY-----\n";
static const char ed25519_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MCowBQYDK2VwAyEAANiJwTQrEEShBYSZ0x4ZLt3fYWkY7+l2duWGu/Znmds=\n"
	"-----END PUBLIC KEY-----\n";
static const char p384_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEUQO8sdql4UL/WKrIiw+2MbwfwQ2SEA6D\n"
	"cre3yqO5ha38zR9jHWhvKlSUAAmujtWaFoog+SvkfBgJZzwgkXCcA0UX7wWfRqCh\n"
	"b6mzIcVzssR55UABBH89QchFMf22egKq\n"
	"-----END PUBLIC KEY-----\n";

/*
 * Names computed independently: Python (cryptography for the key's
 * numbers, struct for TPMT_PUBLIC: type, nameAlg 0x000b, attributes
 * decrypt|sign|userWithAuth, empty authPolicy, symmetric/scheme/kdf NULL,
 * the point or modulus), then 000b || SHA-256; tpm2_loadexternal -n and
 * swtpm (Esys_TR_GetName after LoadExternal) show the same.
 */
static const char ecc_name[] =
	"000b6e6f51fcbd5a30334f266f0a2f51984f4d606d8c7dd83d91cbf1570434450351";
static const char rsa_name[] =
	"000b2ebc265d368df2ea0b74aa51f26b993f425b3009723916707e98327684304a6a";

static void hexs(const uint8_t *d, size_t n, char *out)
{
	tr_hex(d, n, out);
}

/*
 * From Python hashlib, TPM 2.0 Part 3: PolicyAuthorize resets to
 * H(H(0^32 || 0x0000016A || keyName) || ""), then PolicyPCR(15 = 0^32),
 * PolicyNV (generation 5, offset 0, TPM_EO_UNSIGNED_LE), PolicyAuthValue.
 */
static void test_authorized_vectors(void **state)
{
	uint8_t values[TR_PCR_COUNT][TR_DIGEST_LEN] = { { 0 } }, out[32];
	uint8_t name[34] = { 0x00, 0x0b };
	struct tr_policy_counter c = { name, sizeof(name), 5 };
	struct tr_error err;
	char h[65];

	memset(name + 2, 0x42, 32);
	assert_int_equal(tr_policy_authorized_digest(name, sizeof(name), 0,
						     values, NULL, 0, out, &err), 0);
	hexs(out, 32, h);
	assert_string_equal(h, "e907a4d35bf75f6cae1c245934dda8567420418a505b173751224705c3dbad70");
	assert_int_equal(tr_policy_authorized_digest(name, sizeof(name),
						     1u << 15, values, NULL, 0,
						     out, &err), 0);
	hexs(out, 32, h);
	assert_string_equal(h, "d50caafb878a74efe3397ed590681ef979325394205afdc1c7f9b0aebf72fab1");
	assert_int_equal(tr_policy_authorized_digest(name, sizeof(name),
						     1u << 15, values, NULL, 1,
						     out, &err), 0);
	hexs(out, 32, h);
	assert_string_equal(h, "3deeb81e2d6a4e944439606f8d7a52faf71c00953d7068b20073a2d0e1890734");
	assert_int_equal(tr_policy_authorized_digest(name, sizeof(name),
						     1u << 15, values, &c, 0,
						     out, &err), 0);
	hexs(out, 32, h);
	assert_string_equal(h, "0f4846eaa46e8d038c318e70a49bca6756dde5f4679674b8fb5c2b10befff0b4");
	assert_int_equal(tr_policy_authorized_digest(name, sizeof(name),
						     1u << 15, values, &c, 1,
						     out, &err), 0);
	hexs(out, 32, h);
	assert_string_equal(h, "860ed545c184eed23acc0a70ec3dd1f0e4266712927f8de9e63b4753aa1628b3");
	assert_int_equal(tr_policy_authorized_digest(name, 0, 0, values, NULL,
						     0, out, &err), -1);
	assert_int_equal(tr_policy_authorized_digest(name, sizeof(name),
						     1u << 24, values, NULL, 0,
						     out, &err), -1);
}

/* aHash = SHA-256(approvedPolicy || empty policyRef), hashlib. */
static void test_ahash(void **state)
{
	uint8_t approved[32], out[32];
	struct tr_error err;
	char h[65];

	memset(approved, 0xab, sizeof(approved));
	assert_int_equal(tr_policy_ahash(approved, out, &err), 0);
	hexs(out, 32, h);
	assert_string_equal(h, "9a2db2e23f1504cd056606553ac049c5e718e8f9ce9233876df1a7a1821af885");
}

static void key_name_is(const char *pem, const char *want)
{
	struct tr_policy_key *k = malloc(sizeof(*k));
	struct tr_error err;
	char h[2 * TR_TPM_NAME_MAX + 1];

	assert_int_equal(tr_policy_key_from_pem((const uint8_t *)pem,
						strlen(pem), k, &err), 0);
	hexs(k->name, k->name_len, h);
	assert_string_equal(h, want);
	/* the bundle parser's check recomputes the same Name */
	memset(k->name, 0, sizeof(k->name));
	assert_int_equal(tr_policy_key_check(k), 0);
	hexs(k->name, k->name_len, h);
	assert_string_equal(h, want);
	free(k);
}

static void test_key_names(void **state)
{
	struct tr_policy_key *k = malloc(sizeof(*k));
	struct tr_error err;

	key_name_is(ecc_pub, ecc_name);
	key_name_is(rsa_pub, rsa_name);
	assert_int_equal(tr_policy_key_from_pem((const uint8_t *)ed25519_pub,
						strlen(ed25519_pub), k, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	assert_int_equal(tr_policy_key_from_pem((const uint8_t *)p384_pub,
						strlen(p384_pub), k, &err), -1);
	assert_non_null(strstr(err.msg, "P-256"));
	assert_int_equal(tr_policy_key_from_pem((const uint8_t *)"junk", 4, k,
						&err), -1);
	/* a private key is not a public key file */
	assert_int_equal(tr_policy_key_from_pem((const uint8_t *)ecc_priv,
						strlen(ecc_priv), k, &err), -1);
	free(k);
}

static struct tr_signed_policy *signed_policy(void)
{
	static uint8_t values[TR_PCR_COUNT][TR_DIGEST_LEN];
	struct tr_signed_policy *p = malloc(sizeof(*p));
	struct tr_secret key = { 0 };
	struct tr_error err;

	memset(values[4], 0x44, TR_DIGEST_LEN);
	memset(values[7], 0x77, TR_DIGEST_LEN);
	assert_int_equal(tr_secret_alloc(&key, sizeof(ecc_priv), &err), 0);
	memcpy(key.data, ecc_priv, sizeof(ecc_priv) - 1);
	key.len = sizeof(ecc_priv) - 1;
	assert_int_equal(tr_signed_policy_sign(&key, 1u << 4 | 1u << 7,
					       (const uint8_t (*)[TR_DIGEST_LEN])values,
					       p, &err), 0);
	tr_secret_free(&key);
	return p;
}

static void test_tpol_round_trip(void **state)
{
	struct tr_signed_policy *p = signed_policy(), *q = malloc(sizeof(*q));
	uint8_t want[32], values[TR_PCR_COUNT][TR_DIGEST_LEN] = { { 0 } };
	struct tr_error err;
	uint8_t *buf;
	size_t len;
	char h[2 * TR_TPM_NAME_MAX + 1];

	memset(values[4], 0x44, TR_DIGEST_LEN);
	memset(values[7], 0x77, TR_DIGEST_LEN);
	assert_int_equal(tr_policy_digest(1u << 4 | 1u << 7, values, NULL, 0,
					  want, &err), 0);
	assert_memory_equal(p->approved, want, 32);
	hexs(p->key_name, p->key_name_len, h);
	assert_string_equal(h, ecc_name);
	assert_int_equal(tr_signed_policy_build(p, &buf, &len, &err), 0);
	assert_int_equal(tr_signed_policy_parse(buf, len, q, &err), 0);
	assert_int_equal(q->pcr_mask, 1u << 4 | 1u << 7);
	assert_memory_equal(q->pcr_values[7], values[7], 32);
	assert_memory_equal(q->approved, p->approved, 32);
	assert_int_equal(q->sig_len, p->sig_len);
	assert_memory_equal(q->sig, p->sig, p->sig_len);
	/* ECDSA, SHA-256, r and s 32 bytes each */
	assert_int_equal(q->sig_len, 2 + 2 + 34 + 34);
	assert_int_equal(q->sig[0] << 8 | q->sig[1], TPM2_ALG_ECDSA);
	free(buf);
	free(p);
	free(q);
}

/* Every truncation, a trailing byte and each bad field: refused. */
static void test_tpol_refused(void **state)
{
	struct tr_signed_policy *p = signed_policy(), *q = malloc(sizeof(*q));
	struct tr_error err;
	uint8_t *buf, *copy;
	size_t len, i;
	enum { OFF_VERSION = 8, OFF_MASK = 12, OFF_VALUES = 16,
	       OFF_APPROVED = OFF_VALUES + 64 + 2,
	       OFF_NAME_LEN = OFF_APPROVED + 32 };

	assert_int_equal(tr_signed_policy_build(p, &buf, &len, &err), 0);
	copy = malloc(len + 1);
	for (i = 0; i < len; i++) {
		assert_int_equal(tr_signed_policy_parse(buf, i, q, &err), -1);
		assert_int_equal(err.code, TR_EXIT_BADINPUT);
	}
	memcpy(copy, buf, len);
	copy[len] = 0;
	assert_int_equal(tr_signed_policy_parse(copy, len + 1, q, &err), -1);
	assert_non_null(strstr(err.msg, "bytes after the signature"));
	copy[OFF_VERSION] = 2;
	assert_int_equal(tr_signed_policy_parse(copy, len, q, &err), -1);
	assert_int_equal(err.code, TR_EXIT_VERSION);
	memcpy(copy, buf, len);
	copy[0] ^= 1;
	assert_int_equal(tr_signed_policy_parse(copy, len, q, &err), -1);
	memcpy(copy, buf, len);
	copy[OFF_MASK + 3] = 0x01;                 /* PCR 24 */
	assert_int_equal(tr_signed_policy_parse(copy, len, q, &err), -1);
	memcpy(copy, buf, len);
	copy[OFF_VALUES] ^= 1;                     /* values != approved */
	assert_int_equal(tr_signed_policy_parse(copy, len, q, &err), -1);
	assert_non_null(strstr(err.msg, "not the PolicyPCR digest"));
	memcpy(copy, buf, len);
	copy[OFF_NAME_LEN] = 33;                   /* Name length */
	assert_int_equal(tr_signed_policy_parse(copy, len, q, &err), -1);
	memcpy(copy, buf, len);
	copy[len - 72] = 0xff;                     /* signature length */
	assert_int_equal(tr_signed_policy_parse(copy, len, q, &err), -1);
	memcpy(copy, buf, len);
	copy[len - 70] = 0x00;                     /* sigAlg 0x0018 -> 0x0000 */
	copy[len - 69] = 0x00;
	assert_int_equal(tr_signed_policy_parse(copy, len, q, &err), -1);
	memcpy(copy, buf, len);
	assert_int_equal(tr_signed_policy_parse(copy, len, q, &err), 0);
	free(copy);
	free(buf);
	free(p);
	free(q);
}

static void fill_v4(struct tr_bundle_header *h, int pin)
{
	TPM2B_PUBLIC pub = { 0 };
	TPM2B_PRIVATE priv = { .size = 40 };
	struct tr_error err;
	size_t off = 0;

	memset(h, 0, sizeof(*h));
	h->kind = TR_BUNDLE_X509;
	strcpy(h->name, "web");
	h->pcr_mask = 1u << 15;
	h->lock_pcr = 15;
	h->policy_pcrs = 1u << 4 | 1u << 7;
	assert_int_equal(tr_policy_key_from_pem((const uint8_t *)ecc_pub,
						strlen(ecc_pub), &h->policy_key,
						&err), 0);
	if (pin) {
		h->flags = TR_BUNDLE_FLAG_PIN;
		h->pin_iterations = TR_PIN_KDF_ITERATIONS;
	}
	h->srk_len = 10;
	pub.publicArea.type = TPM2_ALG_KEYEDHASH;
	pub.publicArea.nameAlg = TPM2_ALG_SHA256;
	pub.publicArea.parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_NULL;
	assert_int_equal(Tss2_MU_TPM2B_PUBLIC_Marshal(&pub, h->pub,
						      sizeof(h->pub), &off), 0);
	h->pub_len = off;
	off = 0;
	assert_int_equal(Tss2_MU_TPM2B_PRIVATE_Marshal(&priv, h->priv,
						       sizeof(h->priv), &off), 0);
	h->priv_len = off;
}

/* Version 4: the KDF fields only with a PIN; the key survives parsing. */
static void test_bundle_v4(void **state)
{
	static const uint8_t key[TR_SEALED_KEY_LEN];
	struct tr_bundle_header *h = malloc(sizeof(*h)), *g = malloc(sizeof(*g));
	struct tr_error err;
	uint8_t *buf[2];
	size_t len[2], i;
	int pin;

	for (pin = 0; pin <= 1; pin++) {
		fill_v4(h, pin);
		assert_int_equal(tr_bundle_version_of(h), TR_BUNDLE_VERSION_SIGNED);
		assert_int_equal(tr_bundle_build(h, key, (const uint8_t *)"x", 1,
						 &buf[pin], &len[pin], &err), 0);
		assert_int_equal(tr_bundle_parse(buf[pin], len[pin], g, &err), 0);
		assert_int_equal(g->version, TR_BUNDLE_VERSION_SIGNED);
		assert_int_equal(g->policy_pcrs, h->policy_pcrs);
		assert_int_equal(g->policy_key.name_len, 34);
		assert_memory_equal(g->policy_key.name, h->policy_key.name, 34);
		assert_int_equal(g->pin_iterations, pin ? TR_PIN_KDF_ITERATIONS : 0);
	}
	assert_int_equal(len[1] - len[0], TR_PIN_SALT_LEN + 4);
	for (i = 0; i < len[0] - TR_BUNDLE_TAG_LEN - 1; i++)
		assert_int_equal(tr_bundle_parse(buf[0], i, g, &err), -1);
	/* a v4 bundle binding a PCR besides the lock directly: refused */
	fill_v4(h, 0);
	h->pcr_mask |= 1u << 7;
	free(buf[0]);
	assert_int_equal(tr_bundle_build(h, key, (const uint8_t *)"x", 1,
					 &buf[0], &len[0], &err), 0);
	assert_int_equal(tr_bundle_parse(buf[0], len[0], g, &err), -1);
	assert_int_equal(err.code, TR_EXIT_CORRUPT);
	/* no lock PCR: an empty direct mask is allowed in version 4 only */
	fill_v4(h, 0);
	h->pcr_mask = 0;
	h->lock_pcr = TR_LOCK_PCR_NONE;
	free(buf[0]);
	assert_int_equal(tr_bundle_build(h, key, (const uint8_t *)"x", 1,
					 &buf[0], &len[0], &err), 0);
	assert_int_equal(tr_bundle_parse(buf[0], len[0], g, &err), 0);
	free(buf[0]);
	free(buf[1]);
	free(h);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_authorized_vectors),
		cmocka_unit_test(test_ahash),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_tpol_round_trip),
		cmocka_unit_test(test_tpol_refused),
		cmocka_unit_test(test_bundle_v4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
