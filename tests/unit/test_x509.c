// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keys/x509.c. Certificates and keys are generated here with gnutls, so
 * no key material lives in the tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "keys/keys.h"

struct pem_pair {
	gnutls_datum_t cert;
	gnutls_datum_t key;
};

static void pem_pair_free(struct pem_pair *p)
{
	gnutls_free(p->cert.data);
	gnutls_free(p->key.data);
	memset(p, 0, sizeof(*p));
}

/* A self-signed certificate for a fresh key; key_fmt picks the encoding. */
static void make_pair(gnutls_pk_algorithm_t algo, unsigned int bits,
		      time_t not_before, time_t not_after, int pkcs8,
		      struct pem_pair *out)
{
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	unsigned char serial[4] = { 1, 2, 3, 4 };

	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(key, algo, bits, 0), 0);
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_set_version(crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(crt, serial,
						    sizeof(serial)), 0);
	assert_int_equal(gnutls_x509_crt_set_dn(crt, "CN=tlsroot-test", NULL),
			 0);
	assert_int_equal(gnutls_x509_crt_set_issuer_dn(crt, "CN=tlsroot-test",
						       NULL), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(crt, not_before),
			 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(crt, not_after),
			 0);
	assert_int_equal(gnutls_x509_crt_set_key(crt, key), 0);
	assert_int_equal(gnutls_x509_crt_sign2(crt, crt, key,
					       algo == GNUTLS_PK_EDDSA_ED25519
						       ? GNUTLS_DIG_UNKNOWN
						       : GNUTLS_DIG_SHA256, 0),
			 0);
	assert_int_equal(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM,
						 &out->cert), 0);
	if (pkcs8)
		assert_int_equal(gnutls_x509_privkey_export2_pkcs8(
					 key, GNUTLS_X509_FMT_PEM, NULL,
					 GNUTLS_PKCS_PLAIN, &out->key), 0);
	else
		assert_int_equal(gnutls_x509_privkey_export2(
					 key, GNUTLS_X509_FMT_PEM, &out->key),
				 0);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
}

static void load_ok(gnutls_pk_algorithm_t algo, unsigned int bits, int pkcs8,
		    const char *want_algo)
{
	time_t now = time(NULL);
	struct tr_x509_identity id;
	struct pem_pair p;
	struct tr_error err;
	gnutls_x509_privkey_t back;
	gnutls_datum_t d;

	make_pair(algo, bits, now - 60, now + 86400, pkcs8, &p);
	if (tr_x509_load_pem(p.cert.data, p.cert.size, p.key.data, p.key.size,
			     &id, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(id.key_algo, want_algo);
	assert_string_equal(id.subject, "CN=tlsroot-test");
	assert_true(id.cert_len > 100);
	assert_true(id.key_der.len > 30);
	assert_true(id.not_after > now);
	/* the key comes out as PKCS#8 DER that gnutls reads back */
	assert_int_equal(gnutls_x509_privkey_init(&back), 0);
	d.data = id.key_der.data;
	d.size = (unsigned int)id.key_der.len;
	assert_int_equal(gnutls_x509_privkey_import_pkcs8(
				 back, &d, GNUTLS_X509_FMT_DER, NULL,
				 GNUTLS_PKCS_PLAIN), 0);
	gnutls_x509_privkey_deinit(back);
	tr_x509_identity_free(&id);
	assert_null(id.cert_der);
	pem_pair_free(&p);
}

static void test_load_rsa(void **state)
{
	load_ok(GNUTLS_PK_RSA, 2048, 1, "RSA");
	load_ok(GNUTLS_PK_RSA, 2048, 0, "RSA");   /* PKCS#1 */
}

static void test_load_ecdsa(void **state)
{
	load_ok(GNUTLS_PK_ECDSA,
		GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 1,
		"ECDSA SECP256R1");
	load_ok(GNUTLS_PK_ECDSA,
		GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP384R1), 0,
		"ECDSA SECP384R1");  /* SEC1 */
}

static void test_load_ed25519(void **state)
{
	load_ok(GNUTLS_PK_EDDSA_ED25519, 256, 1, "Ed25519");
}

static void load_bad(const gnutls_datum_t *cert, const gnutls_datum_t *key,
		     const char *msg_part)
{
	struct tr_x509_identity id;
	struct tr_error err;

	assert_int_equal(tr_x509_load_pem(cert->data, cert->size, key->data,
					  key->size, &id, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	if (!strstr(err.msg, msg_part))
		fail_msg("'%s' lacks '%s'", err.msg, msg_part);
	assert_null(id.cert_der);
	assert_null(id.key_der.data);
}

static void test_mismatch(void **state)
{
	time_t now = time(NULL);
	struct pem_pair a, b;

	make_pair(GNUTLS_PK_ECDSA, 256, now, now + 3600, 1, &a);
	make_pair(GNUTLS_PK_ECDSA, 256, now, now + 3600, 1, &b);
	load_bad(&a.cert, &b.key, "does not belong to the certificate");
	pem_pair_free(&a);
	pem_pair_free(&b);
}

static void test_truncated_and_garbage(void **state)
{
	time_t now = time(NULL);
	struct pem_pair a;
	gnutls_datum_t cut, junk = { (unsigned char *)"hello\n", 6 };

	make_pair(GNUTLS_PK_ECDSA, 256, now, now + 3600, 1, &a);
	cut = a.cert;
	cut.size /= 2;
	load_bad(&cut, &a.key, "cannot read the certificate");
	cut = a.key;
	cut.size -= 30;
	load_bad(&a.cert, &cut, "cannot read the private key");
	load_bad(&junk, &a.key, "cannot read the certificate");
	load_bad(&a.cert, &junk, "cannot read the private key");
	/* a certificate where the key should be, and the other way round */
	load_bad(&a.cert, &a.cert, "cannot read the private key");
	load_bad(&a.key, &a.key, "cannot read the certificate");
	pem_pair_free(&a);
}

static void test_unsupported_curve(void **state)
{
	time_t now = time(NULL);
	struct pem_pair a;

	make_pair(GNUTLS_PK_ECDSA,
		  GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP521R1), now,
		  now + 3600, 1, &a);
	load_bad(&a.cert, &a.key, "unsupported private key type");
	pem_pair_free(&a);
}

static void test_encrypted_key(void **state)
{
	time_t now = time(NULL);
	gnutls_x509_privkey_t key;
	gnutls_datum_t enc;
	struct pem_pair a;

	make_pair(GNUTLS_PK_ECDSA, 256, now, now + 3600, 1, &a);
	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_import2(key, &a.key,
						     GNUTLS_X509_FMT_PEM, NULL,
						     0), 0);
	assert_int_equal(gnutls_x509_privkey_export2_pkcs8(
				 key, GNUTLS_X509_FMT_PEM, "pw",
				 GNUTLS_PKCS_PBES2_AES_256, &enc), 0);
	load_bad(&a.cert, &enc, "cannot read the private key");
	gnutls_free(enc.data);
	gnutls_x509_privkey_deinit(key);
	pem_pair_free(&a);
}

static void test_der_validity(void **state)
{
	time_t now = time(NULL), nb, na;
	struct tr_x509_identity id;
	struct tr_error err;
	struct pem_pair a;

	make_pair(GNUTLS_PK_ECDSA, 256, now - 100, now + 1000, 1, &a);
	assert_int_equal(tr_x509_load_pem(a.cert.data, a.cert.size,
					  a.key.data, a.key.size, &id, &err),
			 0);
	assert_int_equal(tr_x509_der_validity(id.cert_der, id.cert_len, &nb,
					      &na, &err), 0);
	assert_int_equal(nb, now - 100);
	assert_int_equal(na, now + 1000);
	assert_int_equal(tr_x509_der_validity(id.cert_der, id.cert_len / 2,
					      &nb, &na, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	tr_x509_identity_free(&id);
	pem_pair_free(&a);
}

static void test_check_time(void **state)
{
	char msg[160];

	assert_int_equal(tr_x509_check_time(100, 200, 150, msg, sizeof(msg)),
			 0);
	assert_int_equal(tr_x509_check_time(100, 200, 100, msg, sizeof(msg)),
			 0);
	assert_int_equal(tr_x509_check_time(100, 200, 201, msg, sizeof(msg)),
			 1);
	assert_non_null(strstr(msg, "expired on 1970-01-01 00:03:20 UTC"));
	assert_int_equal(tr_x509_check_time(100, 200, 99, msg, sizeof(msg)),
			 1);
	assert_non_null(strstr(msg, "not valid before 1970-01-01 00:01:40"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_rsa),
		cmocka_unit_test(test_load_ecdsa),
		cmocka_unit_test(test_load_ed25519),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_truncated_and_garbage),
		cmocka_unit_test(test_unsupported_curve),
		cmocka_unit_test(test_encrypted_key),
		cmocka_unit_test(test_der_validity),
		cmocka_unit_test(test_check_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
