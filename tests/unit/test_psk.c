// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keys/psk.c: interchange format and derivations. Vectors: the interchange
 * strings and v1 identities are libnvme's test/psk.c; the TLS PSKs were
 * computed with an independent HKDF (Python hmac, and `openssl kdf HKDF`
 * for the SHA-256 v1 one) from the formulas in REFERENCE.md §5.
 * Compat (libnvme <= 1.15) vectors: computed with Python hmac/hashlib from
 * the legacy HkdfLabel (u16 little-endian length, no length bytes), and
 * each identity and TLS PSK read back from nvme-cli 2.13 / libnvme 1.13
 * (`nvme check-tls-key -I 0|1 --insert --keytype user`, then keyctl pipe).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "keys/keys.h"

static const uint8_t cfg32[32] = {
	0x55, 0x12, 0xDB, 0xB6, 0x73, 0x7D, 0x01, 0x06, 0xF6, 0x59, 0x75,
	0xB7, 0x73, 0xDF, 0xB0, 0x11, 0xFF, 0xC3, 0x44, 0xBC, 0xF4, 0x42,
	0xE2, 0xDD, 0x6D, 0x8B, 0xC4, 0x87, 0x0B, 0x5D, 0x5B, 0x03,
};

static uint8_t cfg48[48];

static const char ix00[] =
	"NVMeTLSkey-1:00:VRLbtnN9AQb2WXW3c9+wEf/DRLz0QuLdbYvEhwtdWwNf9LrZ:";
static const char ix01[] =
	"NVMeTLSkey-1:01:VRLbtnN9AQb2WXW3c9+wEf/DRLz0QuLdbYvEhwtdWwNf9LrZ:";
static const char ix02[] =
	"NVMeTLSkey-1:02:VRLbtnN9AQb2WXW3c9+wEf/DRLz0QuLdbYvEhwtdWwP/w0S89ELi3W2LxIcLXVsDn8kXZQ==:";

static const char host[] = "nqn.psk-test-host";
static const char sub[] = "nqn.psk-test-subsys";

static int setup(void **state)
{
	memcpy(cfg48, cfg32, 32);
	memcpy(cfg48 + 32, cfg32 + 16, 16);
	return 0;
}

static void hex_to_bytes(const char *hex, uint8_t *out, size_t len)
{
	size_t i;
	unsigned int v;

	for (i = 0; i < len; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void parse_ok(const char *s, const uint8_t *want, size_t want_len,
		     int want_hash)
{
	struct tr_error err;
	uint8_t psk[TR_PSK_MAX];
	size_t len;
	int hash;

	assert_int_equal(tr_psk_parse_interchange(s, strlen(s), psk, &len,
						  &hash, &err), 0);
	assert_int_equal(len, want_len);
	assert_int_equal(hash, want_hash);
	assert_memory_equal(psk, want, want_len);
}

static void test_parse_vectors(void **state)
{
	parse_ok(ix00, cfg32, 32, 0);
	parse_ok(ix01, cfg32, 32, 1);
	parse_ok(ix02, cfg48, 48, 2);
}

static void format_ok(const uint8_t *psk, size_t len, int hash,
		      const char *want)
{
	struct tr_error err;
	char out[TR_PSK_INTERCHANGE_MAX];

	assert_int_equal(tr_psk_format_interchange(psk, len, hash, out,
						   sizeof(out), &err), 0);
	assert_string_equal(out, want);
}

static void test_format_vectors(void **state)
{
	format_ok(cfg32, 32, 0, ix00);
	format_ok(cfg32, 32, 1, ix01);
	format_ok(cfg48, 48, 2, ix02);
}

static void test_format_rejects_wrong_length(void **state)
{
	struct tr_error err;
	char out[TR_PSK_INTERCHANGE_MAX];

	assert_int_equal(tr_psk_format_interchange(cfg48, 48, 1, out,
						   sizeof(out), &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	assert_int_equal(tr_psk_format_interchange(cfg32, 31, 0, out,
						   sizeof(out), &err), -1);
	assert_int_equal(tr_psk_format_interchange(cfg32, 32, 3, out,
						   sizeof(out), &err), -1);
	assert_non_null(strstr(err.msg, "unknown PSK hash id"));
	assert_int_equal(tr_psk_format_interchange(cfg32, 32, 1, out, 64,
						   &err), -1);
}

static void parse_bad(const char *s, size_t len, const char *msg_part)
{
	struct tr_error err;
	uint8_t psk[TR_PSK_MAX];
	size_t plen = 77;
	int hash;

	assert_int_equal(tr_psk_parse_interchange(s, len, psk, &plen, &hash,
						  &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	assert_int_equal(plen, 77);
	if (!strstr(err.msg, msg_part))
		fail_msg("'%s' lacks '%s'", err.msg, msg_part);
}

static void mutate(const char *orig, size_t pos, char c, char *out)
{
	strcpy(out, orig);
	out[pos] = c;
}

static void test_parse_malformed(void **state)
{
	char b[128];

	parse_bad("", 0, "must start with");
	parse_bad("NVMeTLSkey", 10, "must start with");
	parse_bad("nvmeTLSkey-1:01:", 16, "must start with");
	mutate(ix01, 11, '2', b);
	parse_bad(b, strlen(b), "unsupported version");
	mutate(ix01, 12, ';', b);
	parse_bad(b, strlen(b), "unsupported version");
	mutate(ix01, 14, '3', b);
	parse_bad(b, strlen(b), "unknown hash id '03'");
	mutate(ix01, 13, '1', b);
	parse_bad(b, strlen(b), "unknown hash id '11'");
	/* bad CRC: flip one base64 symbol of the key */
	mutate(ix01, 20, ix01[20] == 'A' ? 'B' : 'A', b);
	parse_bad(b, strlen(b), "CRC-32");
	/* truncated: shorter, no final ':' */
	parse_bad(ix01, strlen(ix01) - 1, "characters long");
	parse_bad(ix01, 40, "characters long");
	/* non-base64 byte, and a missing final ':' of the right length */
	mutate(ix01, 30, '*', b);
	parse_bad(b, strlen(b), "malformed base64");
	mutate(ix01, 64, '=', b);
	parse_bad(b, strlen(b), "malformed base64");
	/* hash id says SHA-384 but the key has 32 bytes */
	mutate(ix01, 14, '2', b);
	parse_bad(b, strlen(b), "must be 48 bytes, not 32");
	/* and SHA-256 with a 48-byte key */
	mutate(ix02, 14, '1', b);
	parse_bad(b, strlen(b), "must be 32 bytes");
	/* trailing newline is not part of the string */
	snprintf(b, sizeof(b), "%s\n", ix01);
	parse_bad(b, strlen(b), "characters long");
	/* non-canonical padding bits */
	strcpy(b, ix02);
	b[strlen(b) - 4] = 'a';
	parse_bad(b, strlen(b), "malformed base64");
	/* embedded NUL inside the reported length */
	memcpy(b, ix01, sizeof(ix01));
	b[30] = '\0';
	parse_bad(b, sizeof(ix01) - 1, "malformed base64");
}

static void test_nqn_check(void **state)
{
	struct tr_error err;
	char nqn[TR_NQN_MAX + 2];

	assert_int_equal(tr_nqn_check("x", host, &err), 0);
	memset(nqn, 'a', TR_NQN_MAX);
	nqn[TR_NQN_MAX] = '\0';
	assert_int_equal(tr_nqn_check("x", nqn, &err), 0);
	nqn[TR_NQN_MAX] = 'a';
	nqn[TR_NQN_MAX + 1] = '\0';
	assert_int_equal(tr_nqn_check("the host NQN", nqn, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "224 bytes"));
	assert_int_equal(tr_nqn_check("x", "nqn.a b", &err), -1);
	assert_int_equal(tr_nqn_check("x", "nqn.a\tb", &err), -1);
	assert_int_equal(tr_nqn_check("x", "nqn.\x80", &err), -1);
	assert_int_equal(tr_nqn_check("x", "", &err), -1);
	assert_int_equal(err.code, TR_EXIT_USAGE);
	assert_int_equal(tr_nqn_check("x", NULL, &err), -1);
}

static void retained_ok(int hash, int compat, const uint8_t *cfg,
			size_t len, const char *want_hex)
{
	struct tr_error err;
	uint8_t out[48], want[48];

	if (want_hex)
		hex_to_bytes(want_hex, want, len);
	else
		memcpy(want, cfg, len);
	assert_int_equal(tr_psk_derive_retained(hash, host, compat, cfg, len,
						out, &err), 0);
	assert_memory_equal(out, want, len);
}

static void test_retained(void **state)
{
	struct tr_error err;
	uint8_t out[48];

	retained_ok(1, 0, cfg32, 32,
		    "073311dec37e219ff3acd43f130130c5bdd443c066e1cc3424e49030234ff7d5");
	retained_ok(2, 0, cfg48, 48,
		    "73973a1b51a9acdde29a0610ac6a3ef852cf45936cca6830a661d18f"
		    "68502f1a4c7a8ecb37524e0b1f7087cb4d680ad9");
	retained_ok(0, 0, cfg48, 48, NULL);
	assert_int_equal(tr_psk_derive_retained(2, host, 0, cfg32, 32, out,
						&err), -1);
	assert_int_equal(tr_psk_derive_retained(1, "a b", 0, cfg32, 32, out,
						&err), -1);
}

static void derive_mode_ok(const struct tr_psk_params *p, int hash,
			   const uint8_t *cfg, size_t len, const char *want_id,
			   const char *want_hex)
{
	struct tr_psk_derived d;
	struct tr_error err;
	uint8_t want[48];

	if (tr_psk_derive(p, cfg, len, hash, &d, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(d.identity, want_id);
	assert_int_equal(d.len, len);
	hex_to_bytes(want_hex, want, len);
	assert_memory_equal(d.tls_psk, want, len);
}

static void derive_ok(int version, int hash, const uint8_t *cfg, size_t len,
		      const char *want_id, const char *want_hex)
{
	struct tr_psk_params p = { host, sub, version, 0 };

	derive_mode_ok(&p, hash, cfg, len, want_id, want_hex);
}

static void compat_ok(int version, int hash, const uint8_t *cfg, size_t len,
		      const char *want_id, const char *want_hex)
{
	struct tr_psk_params p = { host, sub, version, 1 };

	derive_mode_ok(&p, hash, cfg, len, want_id, want_hex);
}

static void test_derive_v1(void **state)
{
	derive_ok(1, 1, cfg32, 32,
		  "NVMe1R01 nqn.psk-test-host nqn.psk-test-subsys iSbjiStwJ/1TrTvDlt2fjFmzvsytOJelidNnA+X5lEU=",
		  "8fc3c0badfd4c0c66fa3ca33aadd0314f85536cc9bc47338b60f3e6e563786ca");
	derive_ok(1, 2, cfg48, 48,
		  "NVMe1R02 nqn.psk-test-host nqn.psk-test-subsys QhW2+Rp6RzHlNtCslyRxMnwJ11tKKhz8JCAQpQ+XUD8f9td1VeH5h53yz2wKJG1a",
		  "a2b2f943f479fc682555cec89857c80ed004ce92f32a973d5764155bb7e36b17"
		  "a85368a0666d250afac9282dda2e62ca");
}

static void test_derive_v0(void **state)
{
	derive_ok(0, 1, cfg32, 32,
		  "NVMe0R01 nqn.psk-test-host nqn.psk-test-subsys",
		  "05c6503551ad136e6ee32e6eeb3f6d500b69701d84ec71e328f65c7f51566f68");
	derive_ok(0, 2, cfg48, 48,
		  "NVMe0R02 nqn.psk-test-host nqn.psk-test-subsys",
		  "f42ba63824cdfe421914c582921f85b5b5b7e2d4df084caeedc9be20b212e8bb"
		  "0fe8a23e9d59a1c8fc6449da4970a78d");
	/* hash id "none": the configured PSK is the retained one */
	derive_ok(0, 0, cfg48, 48,
		  "NVMe0R02 nqn.psk-test-host nqn.psk-test-subsys",
		  "b5dd464067a9378ba2226d71f005d7ac90ed8696e4b2142084384365597201d3"
		  "3ba26f8aeeb529574d4267bd294a828e");
}

static void test_compat_retained(void **state)
{
	retained_ok(1, 1, cfg32, 32,
		    "ad4cdadfcbaf4e353fcbd09aac891c4d75c5300fe5ee7bb04ae87726a312eddc");
	retained_ok(2, 1, cfg48, 48,
		    "12d2452bc4783f50286bf940ad1caa05a304065e379024d9278ca7c9"
		    "d8a42400c47029f198bfcdf5f14c07cb04eb7306");
	/* hash id "none" has nothing to encode: still a copy */
	retained_ok(0, 1, cfg32, 32, NULL);
}

static void test_compat_v1(void **state)
{
	compat_ok(1, 1, cfg32, 32,
		  "NVMe1R01 nqn.psk-test-host nqn.psk-test-subsys 66GuqV08TsAGII39teWUfwQwizjv06Jy8jOcX3NAAzM=",
		  "b9f5ab2a41ba6e72a23a12066302a2f775fa6c0942c8e0b18ca8ac07edf305e2");
	compat_ok(1, 2, cfg48, 48,
		  "NVMe1R02 nqn.psk-test-host nqn.psk-test-subsys RsKmYJ3nAn1ApjjMloJFbAkLPivONDAX/xW327YBUsn2eGShXSjCZvBaOxscLqmz",
		  "fcefe2e2a2e682b1447dcabf1ec268f78f08c63cd075753abcc8bda2c5c34d48"
		  "d3014aa8d76ad80107e4f5c9f27e2149");
	/* hash id "none": only the TLS PSK's label differs */
	compat_ok(1, 0, cfg32, 32,
		  "NVMe1R01 nqn.psk-test-host nqn.psk-test-subsys quJVUJjp/BImWR0UQay/MjSfEgyAr6TyBOWybS/B404=",
		  "d50f6d3dd79345b6e8217744524df5ac0dc66964ff70cc5fd18e1b9d57ce7fcf");
}

static void test_compat_v0(void **state)
{
	compat_ok(0, 1, cfg32, 32,
		  "NVMe0R01 nqn.psk-test-host nqn.psk-test-subsys",
		  "09fb1983ac6d6d0353e7cae4f23daddd651c367fa347c59d9cf6936f5a83eafb");
	compat_ok(0, 2, cfg48, 48,
		  "NVMe0R02 nqn.psk-test-host nqn.psk-test-subsys",
		  "2ee4754186a625b28a3936ef4a40d839c3ad958b2e017562ee07e2501f172ce9"
		  "99dc9c29033ea7ee33f814f192c13f47");
}

/* A fresh key and real-looking NQNs, as nvme-cli 2.13 derived them. */
static void test_compat_nvme_cli(void **state)
{
	static const char ix32[] =
		"NVMeTLSkey-1:01:2k6XQKPm60YJEgELPzbSN9TIke5l9el3QCpMBsbyJI7WWpxF:";
	static const char ix48[] =
		"NVMeTLSkey-1:02:1DbhY859kZLlhiokv+2dYVaDwaYiKBOf5ez6YPgvW/KodBKwdSledO3IYttH834XLR1n/g==:";
	struct tr_psk_params p = {
		"nqn.2014-08.org.nvmexpress:uuid:6f1c2a3e-0d4b-4c1e-9a57-3b2d8e4f7a10",
		"nqn.2026-11.org.tlsroot:nvme-root", 1, 1 };
	struct tr_error err;
	uint8_t cfg[TR_PSK_MAX];
	size_t len;
	int hash;

	assert_int_equal(tr_psk_parse_interchange(ix32, strlen(ix32), cfg,
						  &len, &hash, &err), 0);
	derive_mode_ok(&p, hash, cfg, len,
		       "NVMe1R01 nqn.2014-08.org.nvmexpress:uuid:6f1c2a3e-0d4b-4c1e-9a57-3b2d8e4f7a10 nqn.2026-11.org.tlsroot:nvme-root j45v1R8yQJUzu8L4EEEM591sl1XeNvzeR2lI6pGfuLI=",
		       "860f134e86cc9b109a9f4045def08728193b0f1b73f914e075abf151610d4c60");
	assert_int_equal(tr_psk_parse_interchange(ix48, strlen(ix48), cfg,
						  &len, &hash, &err), 0);
	derive_mode_ok(&p, hash, cfg, len,
		       "NVMe1R02 nqn.2014-08.org.nvmexpress:uuid:6f1c2a3e-0d4b-4c1e-9a57-3b2d8e4f7a10 nqn.2026-11.org.tlsroot:nvme-root SOP8AK8n+M+wP6esSGFXY4Z8naefYI7zRXpKeufCosS4lJnWFBbT+WDatQG3HXG0",
		       "f1aa863013101cf0f7aa4c4c6a7ca3f61dd3e657e0b20747e8bf8383e73f30"
		       "41f338c4f97c9c3163abfd873c1d101f7a");
	/* the same key without compat: another identity, as nvme-cli 2.16 */
	p.compat = 0;
	derive_mode_ok(&p, hash, cfg, len,
		       "NVMe1R02 nqn.2014-08.org.nvmexpress:uuid:6f1c2a3e-0d4b-4c1e-9a57-3b2d8e4f7a10 nqn.2026-11.org.tlsroot:nvme-root hRmyRJiA7WFpOIt+tc1U7KC5ZTQt7ttENmifs1XN+hRuGVC95+InF/XsMj6PcCeV",
		       "e125bf51c1d338aa8cb6545542a084ae9deab9854b327051cb7a498fcaf94210"
		       "9364c104c383c765fbf632b562a10da4");
	p.compat = 2;
	assert_int_equal(tr_psk_derive(&p, cfg, len, hash,
				       &(struct tr_psk_derived){ 0 }, &err),
			 -1);
	assert_int_equal(err.code, TR_EXIT_USAGE);
	tr_wipe(cfg, sizeof(cfg));
}

static void test_derive_rejects(void **state)
{
	struct tr_psk_params p = { host, sub, 2, 0 };
	struct tr_psk_derived d;
	struct tr_error err;
	char nqn[TR_NQN_MAX + 1];

	assert_int_equal(tr_psk_derive(&p, cfg32, 32, 1, &d, &err), -1);
	assert_non_null(strstr(err.msg, "version 2"));
	p.identity_version = 1;
	assert_int_equal(tr_psk_derive(&p, cfg32, 32, 2, &d, &err), -1);
	assert_int_equal(tr_psk_derive(&p, cfg32, 32, 7, &d, &err), -1);
	p.subnqn = "with space";
	assert_int_equal(tr_psk_derive(&p, cfg32, 32, 1, &d, &err), -1);
	assert_non_null(strstr(err.msg, "subsystem NQN"));
	/* two maximal NQNs: fine for v1, too long for the v0 context */
	memset(nqn, 'n', TR_NQN_MAX);
	nqn[TR_NQN_MAX] = '\0';
	p.hostnqn = nqn;
	p.subnqn = nqn;
	assert_int_equal(tr_psk_derive(&p, cfg32, 32, 1, &d, &err), 0);
	assert_int_equal(strlen(d.identity), 9 + 223 + 1 + 223 + 1 + 44);
	p.identity_version = 0;
	assert_int_equal(tr_psk_derive(&p, cfg32, 32, 1, &d, &err), -1);
	assert_non_null(strstr(err.msg, "identity version 1"));
}

static void id_ok(const char *id, int want_version, int want_hash)
{
	struct tr_error err;
	int version = -1, hash = -1;

	if (tr_psk_identity_parse(id, &version, &hash, &err) < 0)
		fail_msg("%s: %s", id, err.msg);
	assert_int_equal(version, want_version);
	assert_int_equal(hash, want_hash);
}

static void id_bad(const char *id)
{
	struct tr_error err;
	int version, hash;

	if (tr_psk_identity_parse(id, &version, &hash, &err) == 0)
		fail_msg("accepted '%s'", id);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
}

static void test_identity_parse(void **state)
{
	id_ok("NVMe0R01 nqn.h nqn.s", 0, 1);
	id_ok("NVMe0G02 nqn.h nqn.s", 0, 2);
	id_ok("NVMe1R01 nqn.psk-test-host nqn.psk-test-subsys iSbjiStwJ/1TrTvDlt2fjFmzvsytOJelidNnA+X5lEU=",
	      1, 1);
	id_ok("NVMe1R02 nqn.psk-test-host nqn.psk-test-subsys QhW2+Rp6RzHlNtCslyRxMnwJ11tKKhz8JCAQpQ+XUD8f9td1VeH5h53yz2wKJG1a",
	      1, 2);
	id_bad("");
	id_bad("NVMe0R01");
	id_bad("NVMe0R01 nqn.h");
	id_bad("NVMe0R01 nqn.h nqn.s ");
	id_bad("NVMe0R01 nqn.h  nqn.s");
	id_bad("NVMe0R01 nqn.h nqn.s extra");
	id_bad("NVMe2R01 nqn.h nqn.s");
	id_bad("NVMe0X01 nqn.h nqn.s");
	id_bad("NVMe0R00 nqn.h nqn.s");
	id_bad("NVMe0R03 nqn.h nqn.s");
	id_bad("NVMe0R1 nqn.h nqn.s");
	id_bad("nvme0R01 nqn.h nqn.s");
	id_bad("NVMe1R01 nqn.h nqn.s");
	/* digest length must follow the hash */
	id_bad("NVMe1R02 nqn.psk-test-host nqn.psk-test-subsys iSbjiStwJ/1TrTvDlt2fjFmzvsytOJelidNnA+X5lEU=");
	id_bad("NVMe1R01 nqn.psk-test-host nqn.psk-test-subsys iSbjiStwJ/1TrTvDlt2fjFmzvsytOJelidNnA+X5lEU= x");
	id_bad("NVMe1R01 nqn.psk-test-host nqn.psk-test-subsys iSbjiStwJ/1TrTvDlt2fjFmzvsytOJelidNnA*X5lEU=");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_vectors),
		cmocka_unit_test(test_format_vectors),
		cmocka_unit_test(test_format_rejects_wrong_length),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_nqn_check),
		cmocka_unit_test(test_retained),
		cmocka_unit_test(test_derive_v1),
		cmocka_unit_test(test_derive_v0),
		cmocka_unit_test(test_compat_retained),
		cmocka_unit_test(test_compat_v1),
		cmocka_unit_test(test_compat_v0),
		cmocka_unit_test(test_compat_nvme_cli),
		cmocka_unit_test(test_derive_rejects),
		cmocka_unit_test(test_identity_parse),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
