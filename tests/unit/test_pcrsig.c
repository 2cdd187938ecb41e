// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * systemd's JSON PCR signatures (tpm/pcrsig.h): the output of systemd's own
 * systemd-measure, every way the parser refuses input, and systemd's key
 * fingerprint (pkfp) of a policy key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <tss2/tss2_mu.h>

#include "tpm/pcrsig.h"
#include "tpm/signed_policy.h"

/*
 * Made on Debian bookworm by systemd 252's systemd-measure (throwaway
 * keys, the private halves discarded; the TPM it asks for the PolicyPCR
 * digest was swtpm), for a UKI whose .linux is "tlsroot unit test
 * kernel\n":
 *   systemd-measure sign --linux=linux --phase=enter-initrd
 *       --phase=enter-initrd:leave-initrd --bank=sha1 --bank=sha256
 *       --private-key=rsa.key --public-key=rsa.pub   (RSA-2048)
 *   systemd-measure sign --linux=linux --phase=enter-initrd --bank=sha256
 *       --private-key=ec.key --public-key=ec.pub     (ECC P-256)
 * systemd-measure calculate gives PCR 11 for the two phases as
 * enter_initrd and leave_initrd below.
 */
static const char rsa_json[] =
	"{\"sha1\":[{\"pcrs\":[11],\"pkfp\":\"668ef48b9335b2bedca1db843edd5d069f"
	"53f31f6be7c2f1c6331e4910dfab4b\",\"pol\":\"5c55b834b37b071b7159df187"
	"a36dfff65821a5b683a7cab4d0d0eba54f14563\",\"sig\":\"DpQKHjOQcD+FbcLv"
	"vLUBKFO2yRpvjiFseOQDUr00Z4z6FykPiH6WelXKUlsoXyx1gOaStKRKFVyH5Jbn"
	"YzsEuEHEVrUqu+w/LE1SlRoRPt0oX3RmEctowqhkCJtuFkX6SluiKZDFEd87rvCB"
	"penHq8YuWKbt1KC2UgQlo980jCKSE56ryXe4BoC2tOILtgAsnh4FG73WLO9pMNkQ"
	"C9JKZ5q6zMQf1WyyO0tZ1QRPYV7dTw8ciP9c8jTVW6oTHZ/HIfdKTOhq7Kk88qGu"
	"eiVPalN9Ju2+1ZfadGoZxeiEMNzSnOQClaTB7SIjBOujGR0FrnWbxYIYF24jmsKA"
	"mPPAiA==\"},{\"pcrs\":[11],\"pkfp\":\"668ef48b9335b2bedca1db843edd5d06"
	"9f53f31f6be7c2f1c6331e4910dfab4b\",\"pol\":\"de43bbfd4d82034799d27bf"
	"2d91a6d8c5f776433c1c513d9bbdc3fed6b879719\",\"sig\":\"gGOLlYZIGGQeTo"
	"pPSy3AwwHsS4nWsiKgB5yPPP8ZiF1p/uDLTNjKAe1p+Tdh0gSFW7lvfVQT09nwtR"
	"YsVDw8YZztsOhkwd4RHZpwWYJIpsMlyzQBsWXOCP57QTZqL62uwDB6EAq0Ll9BMI"
	"FVo9PY+wNlhOB3l4Gf5eY7VzUpFbEfoBCM2YDtPEfF2w2c0CXuoQueA0l0FsUb55"
	"B65DbAU1cjbDE231qxN7Ka1Mbu9zhi9r4v8TqG34sxNjMX5ZrFm/t9M3Cm92la+Q"
	"EvT1aFtla9Akc0L5BrQoaD6jTE7HEvKBs30Z2ReliUWYMrTwpmjC4sUkxB8rXvXC"
	"0v+6IvaA==\"}],\"sha256\":[{\"pcrs\":[11],\"pkfp\":\"668ef48b9335b2bedca"
	"1db843edd5d069f53f31f6be7c2f1c6331e4910dfab4b\",\"pol\":\"90c19557c2"
	"dd0e5665bb5f07ddac5e116bf83b3dfa6c301c3d9aafca8e752a37\",\"sig\":\"l"
	"bWwR29B0pYhRfqkk8ErXiRMBD+7wzfkURec1wBs7vsLkPhFuBEit2iz/pQIiKDy+"
	"BckTVz1xIsvrCcOVT/MLC7GQTnQEci2eJ9Gjyq+eqfoGIaLKiqNkddaWxKGq3J8U"
	"zWFx5jgwrPxpGP6iTywn42OF9+k0OSN/X57BDeFOFfnWro79JHOdglNcBTQjJXje"
	"XIqnURfpBuU/Hr3YVdChrC4h3IBzuORHwhCVHBxrz8Aq7cYnLEtKtiyPTtEcOoGV"
	"tvmP7vE24pXIOGEH+S8QT5DjTQSHtkXViyUv9H4s2uU1ONAioF3/FQqBHeCpYv/K"
	"K0X+Vn31XOhEtuPNL4p4w==\"},{\"pcrs\":[11],\"pkfp\":\"668ef48b9335b2bed"
	"ca1db843edd5d069f53f31f6be7c2f1c6331e4910dfab4b\",\"pol\":\"21e216d4"
	"32b93e4c4369a6d206c6ac6c49eafd4f35caee8070149747dd8235a3\",\"sig\":"
	"\"V4BJL2BDEz3LRFHFD/KHdYnVnlXYqal8RhsZuNeTxaH6WpGKHl9bWWaWfx8tfDm"
	"rTntWwrsfO9fdDOay8AV8M8n6yLITrzmaZfvhivtLnmDXjIh6u4/+UZ5K9Ut70Et"
	"6c/b7HgRan2f6HpGo/nuc5oqslNrzx4MOWv6X4rPP9bShs2uIFs4HzTpj3JMpceV"
	"KbqEIIUMmDyzxgZ2MuQP6L6QJMk+lHyhK7Q0VK87O+xDkoj5SXmbvYS0i1ndswfL"
	"0ePncUlq0XJicD+PTAuLxLEo1XaxkaAT7O7TL8JERUJGqj9ZIFsUb1ZqHg+oG+8P"
	"aCehbl2R4he0uIg5awHR5Sg==\"}]}";
static const char ecdsa_json[] =
	"{\"sha256\":[{\"pcrs\":[11],\"pkfp\":\"57fdca0cb38b36d2ec6fedc1de1802ec"
	"8e8c24083cff51bd59a80ddf5564f0ef\",\"pol\":\"90c19557c2dd0e5665bb5f0"
	"7ddac5e116bf83b3dfa6c301c3d9aafca8e752a37\",\"sig\":\"MEYCIQC3AkkVK4"
	"NRRmcwBYUhiCRXTwN3bEBrl2EZrasRqxhsCgIhAIR9zYgFGhJrA7HORw4eesZFsa"
	"o1C4ub01yYj6fXKeKA\"}]}";
static const char rsa_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuGA/xcDjsssjjvL+1Ls2\n"
	"3Giym1h9R0JbWn80758sVOt8KpmC1zmFnVKourb/sq2igCb9Udp0KX24QRS5HGSB\n"
	"cF3jO+z48DbXStWb2SOGSwZ9IexfeEIXGJf0twmpxAMRML2QuxfGHHuKhK8/3b/i\n"
	"zdl2E7ODOWE+0ILBLVp1AEkVqKzeY0ZzbUKfKdiM5bHTK53Yw+ZVtwrGA6miWSuf\n"
	"dEeOq/vpA0P4aUXQD1TSGvJB1vbc7JCIR4/xOVQJczjsh+2Ud2i7ZMDyvOxnv9IZ\n"
	"4LpCaVwCN/8cvR0Otnvbh3tG2dG2558NUwQnnf0EgSfrH1og49sBG5l5NzEHKh7P\n"
	"7QIDAQAB\n"
	"-----END PUBLIC KEY-----\n";
static const char ec_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEXG5YzlrLD5bay6Qt3JVgswGzz1FX\n"
	"P3nHBD07qwU8q+GG+n/1Y1xspOteVejRx9qOqTg/RSK9fDlysi+riAF0rg==\n"
	"-----END PUBLIC KEY-----\n";
static const char enter_initrd[] =
	"421d5170e72b74fb301c6bd0ce7ac58a0fea60ec97a00c2b6b7dae91998c6c33";
static const char leave_initrd[] =
	"92ee470541468212b874a90c10655c49f7b5c50538d197486279624f5b705b94";

/* An ECDSA signature and a digest that parse, for the refusal cases. */
#define SIG "MEYCIQC3AkkVK4NRRmcwBYUhiCRXTwN3bEBrl2EZrasRqxhsCgIhAIR9zYgFGhJrA7HORw4eesZFsao1C4ub01yYj6fXKeKA"
#define HEX "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ENTRY(pcrs, pkfp, pol, sig) \
	"{\"sha256\":[{" pcrs pkfp pol sig "}]}"
#define PCRS "\"pcrs\":[11],"
#define PKFP "\"pkfp\":\"" HEX "\","
#define POL "\"pol\":\"" HEX "\","
#define SIGF "\"sig\":\"" SIG "\""

static void unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i;
	unsigned v;

	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static int parse(const char *json, struct tr_signed_policy *p, size_t max,
		 size_t *n, struct tr_error *err)
{
	return tr_pcrsig_parse((const uint8_t *)json, strlen(json), p, max, n,
			       err);
}

static void pkfp_of(const char *pem, uint8_t out[TR_DIGEST_LEN])
{
	struct tr_policy_key *k = malloc(sizeof(*k));
	struct tr_error err;

	assert_non_null(k);
	assert_int_equal(tr_policy_key_from_pem((const uint8_t *)pem,
						strlen(pem), k, &err), 0);
	assert_int_equal(tr_policy_key_pkfp(k, out), 0);
	free(k);
}

/* pol is TPM2_PolicyPCR of PCR 11 holding value (hex). */
static void approves(const struct tr_signed_policy *p, const char *value)
{
	uint8_t values[TR_PCR_COUNT][TR_DIGEST_LEN] = { { 0 } }, want[32];
	struct tr_error err;

	unhex(value, values[11], TR_DIGEST_LEN);
	assert_int_equal(tr_policy_digest(1u << 11, values, NULL, 0, want,
					  &err), 0);
	assert_memory_equal(p->approved, want, TR_DIGEST_LEN);
}

/*
 * The signature verifies, as the TPM will check it, over SHA-256(pol):
 * gnutls on the TPMT_SIGNATURE's RSA bytes, or its r and s DER-encoded.
 */
static void verifies(const struct tr_signed_policy *p, const char *pem)
{
	gnutls_datum_t d = { (unsigned char *)pem, (unsigned)strlen(pem) };
	gnutls_datum_t r, s, sig = { 0 }, hash;
	uint8_t ahash[TR_DIGEST_LEN];
	gnutls_pubkey_t k;
	TPMT_SIGNATURE t;
	struct tr_error err;
	size_t off = 0;
	int ecdsa;

	memset(&t, 0, sizeof(t));
	assert_int_equal(Tss2_MU_TPMT_SIGNATURE_Unmarshal(p->sig, p->sig_len,
							  &off, &t), 0);
	assert_int_equal(off, p->sig_len);
	ecdsa = t.sigAlg == TPM2_ALG_ECDSA;
	if (ecdsa) {
		assert_int_equal(t.signature.ecdsa.hash, TPM2_ALG_SHA256);
		assert_int_equal(t.signature.ecdsa.signatureR.size, 32);
		assert_int_equal(t.signature.ecdsa.signatureS.size, 32);
		r.data = t.signature.ecdsa.signatureR.buffer;
		r.size = 32;
		s.data = t.signature.ecdsa.signatureS.buffer;
		s.size = 32;
		assert_int_equal(gnutls_encode_rs_value(&sig, &r, &s), 0);
	} else {
		assert_int_equal(t.sigAlg, TPM2_ALG_RSASSA);
		assert_int_equal(t.signature.rsassa.hash, TPM2_ALG_SHA256);
		sig.size = t.signature.rsassa.sig.size;
		sig.data = gnutls_malloc(sig.size);
		memcpy(sig.data, t.signature.rsassa.sig.buffer, sig.size);
	}
	assert_int_equal(tr_policy_ahash(p->approved, ahash, &err), 0);
	hash.data = ahash;
	hash.size = sizeof(ahash);
	assert_int_equal(gnutls_pubkey_init(&k), 0);
	assert_int_equal(gnutls_pubkey_import(k, &d, GNUTLS_X509_FMT_PEM), 0);
	assert_true(gnutls_pubkey_verify_hash2(k, ecdsa ? GNUTLS_SIGN_ECDSA_SHA256 :
						      GNUTLS_SIGN_RSA_SHA256,
					       0, &hash, &sig) >= 0);
	/* and not over another digest */
	ahash[0] ^= 1;
	assert_true(gnutls_pubkey_verify_hash2(k, ecdsa ? GNUTLS_SIGN_ECDSA_SHA256 :
						      GNUTLS_SIGN_RSA_SHA256,
					       0, &hash, &sig) < 0);
	gnutls_pubkey_deinit(k);
	gnutls_free(sig.data);
}

static void test_detect(void **state)
{
	assert_true(tr_pcrsig_detect((const uint8_t *)"{}", 2));
	assert_true(tr_pcrsig_detect((const uint8_t *)" \t\r\n{", 5));
	assert_false(tr_pcrsig_detect((const uint8_t *)"", 0));
	assert_false(tr_pcrsig_detect((const uint8_t *)"  ", 2));
	assert_false(tr_pcrsig_detect((const uint8_t *)"TLSRPOL", 8));
	assert_false(tr_pcrsig_detect((const uint8_t *)" x{", 3));
}

static void test_systemd_rsa(void **state)
{
	struct tr_signed_policy *p = calloc(4, sizeof(*p));
	uint8_t pkfp[TR_DIGEST_LEN];
	struct tr_error err;
	size_t n = 99, i;

	pkfp_of(rsa_pub, pkfp);
	assert_int_equal(parse(rsa_json, p, 4, &n, &err), 0);
	/* the sha1 bank is ignored */
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_int_equal(p[i].format, TR_POLICY_PCRSIG);
		assert_int_equal(p[i].entry, i + 1);
		assert_int_equal(p[i].pcr_mask, 1u << 11);
		assert_int_equal(p[i].key_name_len, 0);
		assert_null(p[i].origin);
		assert_memory_equal(p[i].pkfp, pkfp, TR_DIGEST_LEN);
		assert_string_equal(tr_policy_sig_name(&p[i]), "rsassa-sha256");
		verifies(&p[i], rsa_pub);
	}
	approves(&p[0], enter_initrd);
	approves(&p[1], leave_initrd);
	/* fewer places than entries */
	assert_int_equal(parse(rsa_json, p, 1, &n, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "more than 1 sha256 entries"));
	free(p);
}

static void test_systemd_ecdsa(void **state)
{
	struct tr_signed_policy *p = calloc(1, sizeof(*p));
	uint8_t pkfp[TR_DIGEST_LEN];
	struct tr_error err;
	size_t n;

	pkfp_of(ec_pub, pkfp);
	assert_int_equal(parse(ecdsa_json, p, 1, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(p->pkfp, pkfp, TR_DIGEST_LEN);
	assert_string_equal(tr_policy_sig_name(p), "ecdsa-sha256");
	approves(p, enter_initrd);
	/* r was 33 DER bytes (a leading zero): 32 in the TPM's form */
	verifies(p, ec_pub);
	free(p);
}

/* Blanks around the object, unknown fields and other banks of any form. */
static void test_accepted(void **state)
{
	static const char *const ok[] = {
		" \n" ENTRY(PCRS, PKFP, POL, SIGF) "\n\n",
		"{\"sha1\":5,\"sha256\":[{" PCRS PKFP POL SIGF ",\"x\":[{}]}],\"sha512\":null}",
		ENTRY("\"pcrs\":[11,11,0,23],", PKFP,
		      "\"pol\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",",
		      SIGF),
	};
	struct tr_signed_policy p;
	struct tr_error err;
	size_t i, n;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (parse(ok[i], &p, 1, &n, &err) != 0)
			fail_msg("refused %s: %s", ok[i], err.msg);
		assert_int_equal(n, 1);
	}
	assert_int_equal(p.pcr_mask, 1u << 0 | 1u << 11 | 1u << 23);
	assert_int_equal(p.approved[31], 0xaa);
}

static void test_refused(void **state)
{
	static const struct {
		const char *json, *why;
	} bad[] = {
		{ "", "JSON ends early" },
		{ "{\"sha256\":[", "JSON ends early" },
		{ "[1]", "not a JSON object" },
		{ "{\"sha256\":[] \"x\":1}", "not JSON: object value separator" },
		{ "{\"sha256\":[],}", "not JSON" },
		{ "{\"a\":[[[[[[[[[[[[1]]]]]]]]]]]]}", "not JSON: nesting too deep" },
		{ ENTRY(PCRS, PKFP, POL, SIGF) "x", "not JSON: unexpected character at byte 278" },
		{ ENTRY(PCRS, PKFP, POL, SIGF) " {}", "not JSON: unexpected character" },
		{ "{\"sha1\":[]}", "has no \"sha256\" entries" },
		{ "{\"sha256\":{}}", "\"sha256\" is not an array" },
		{ "{\"sha256\":[]}", "\"sha256\" has no entries" },
		{ "{\"sha256\":[1]}", "sha256 entry 1 is not an object" },
		{ ENTRY("", PKFP, POL, SIGF), "sha256 entry 1: no \"pcrs\" array" },
		{ ENTRY("\"pcrs\":11,", PKFP, POL, SIGF), "no \"pcrs\" array" },
		{ ENTRY("\"pcrs\":[],", PKFP, POL, SIGF), "\"pcrs\" is empty" },
		{ ENTRY("\"pcrs\":[24],", PKFP, POL, SIGF), "PCR 24 is not 0..23" },
		{ ENTRY("\"pcrs\":[-1],", PKFP, POL, SIGF), "PCR -1 is not 0..23" },
		{ ENTRY("\"pcrs\":[4294967307],", PKFP, POL, SIGF), "is not 0..23" },
		{ ENTRY("\"pcrs\":[\"11\"],", PKFP, POL, SIGF), "\"pcrs\" holds a non-integer" },
		{ ENTRY("\"pcrs\":[11.0],", PKFP, POL, SIGF), "\"pcrs\" holds a non-integer" },
		{ ENTRY(PCRS, "", POL, SIGF), "no \"pkfp\" string" },
		{ ENTRY(PCRS, "\"pkfp\":7,", POL, SIGF), "no \"pkfp\" string" },
		{ ENTRY(PCRS, "\"pkfp\":\"aa\",", POL, SIGF), "\"pkfp\" is not 64 hex digits" },
		{ ENTRY(PCRS, "\"pkfp\":\"" HEX "aa\",", POL, SIGF), "\"pkfp\" is not 64 hex digits" },
		{ ENTRY(PCRS, "\"pkfp\":\"g" HEX "\",", POL, SIGF), "not 64 hex digits" },
		{ ENTRY(PCRS, PKFP, "", SIGF), "no \"pol\" string" },
		{ ENTRY(PCRS, PKFP, "\"pol\":\"\\u0000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",", SIGF),
		  "\"pol\" is not 64 hex digits" },
		{ ENTRY(PCRS, PKFP, POL, "\"sig\":\"\""), "\"sig\" is empty or too long" },
		{ ENTRY(PCRS, PKFP, "\"pol\":NaN,", SIGF), "no \"pol\" string" },
		{ ENTRY(PCRS, PKFP, POL, ""), "not JSON: unexpected character" },
		{ ENTRY(PCRS, PKFP, "\"pol\":\"" HEX "\"", ""), "no \"sig\" string" },
		{ ENTRY(PCRS, PKFP, POL, "\"sig\":\"!!!!\""), "\"sig\" is not base64" },
		{ ENTRY(PCRS, PKFP, POL, "\"sig\":\"AAAA\""), "neither an RSA (2048..4096 bits) nor an ECDSA P-256 signature" },
		{ ENTRY(PCRS, PKFP, POL, "\"sig\":\"MAMCAQE=\""), "neither an RSA" },
		/* r of 33 bytes, not a P-256 number */
		{ ENTRY(PCRS, PKFP, POL, "\"sig\":\"MCYCIQEREREREREREREREREREREREREREREREREREREREREREQIBAQ==\""),
		  "neither an RSA" },
	};
	struct tr_signed_policy *p = calloc(2, sizeof(*p));
	struct tr_error err;
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 7;
		tr_error_clear(&err);
		if (parse(bad[i].json, p, 2, &n, &err) != -1)
			fail_msg("accepted %s", bad[i].json);
		assert_int_equal(err.code, TR_EXIT_BADINPUT);
		assert_int_equal(n, 0);
		if (!strstr(err.msg, bad[i].why))
			fail_msg("%s: '%s' lacks '%s'", bad[i].json, err.msg,
				 bad[i].why);
	}
	/* a NUL byte inside the object */
	assert_int_equal(tr_pcrsig_parse((const uint8_t *)"{\"sha256\"\0:[]}", 14,
					 p, 2, &n, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	free(p);
}

/* More entries than TR_PCRSIG_ENTRIES_MAX. */
static void test_too_many(void **state)
{
	const char entry[] = "{" PCRS PKFP POL SIGF "}";
	size_t cap = (TR_PCRSIG_ENTRIES_MAX + 1) * sizeof(entry) + 32, used, i, n;
	struct tr_signed_policy *p = calloc(TR_PCRSIG_ENTRIES_MAX, sizeof(*p));
	char *json = malloc(cap);
	struct tr_error err;

	used = (size_t)snprintf(json, cap, "{\"sha256\":[");
	for (i = 0; i <= TR_PCRSIG_ENTRIES_MAX; i++)
		used += (size_t)snprintf(json + used, cap - used, "%s%s",
					 i ? "," : "", entry);
	snprintf(json + used, cap - used, "]}");
	assert_int_equal(parse(json, p, TR_PCRSIG_ENTRIES_MAX, &n, &err), -1);
	assert_non_null(strstr(err.msg, "more than 64 sha256 entries"));
	/* one fewer fits */
	json[used - (sizeof(entry) - 1) - 1] = '\0';
	strcat(json, "]}");
	assert_int_equal(parse(json, p, TR_PCRSIG_ENTRIES_MAX, &n, &err), 0);
	assert_int_equal(n, TR_PCRSIG_ENTRIES_MAX);
	assert_int_equal(p[n - 1].entry, TR_PCRSIG_ENTRIES_MAX);
	free(json);
	free(p);
}

static void test_pkfp_refused(void **state)
{
	struct tr_policy_key *k = calloc(1, sizeof(*k));
	uint8_t out[TR_DIGEST_LEN];

	k->pub_len = 3;
	assert_int_equal(tr_policy_key_pkfp(k, out), -1);
	k->pub_len = sizeof(k->pub) + 1;
	assert_int_equal(tr_policy_key_pkfp(k, out), -1);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_systemd_rsa),
		cmocka_unit_test(test_systemd_ecdsa),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_pkfp_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
