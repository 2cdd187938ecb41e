// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x509 identities: PEM certificate and private key in, DER out (the leaf
 * certificate, and the key as unencrypted PKCS#8, which the kernel and
 * tlshd read back with gnutls_privkey_import_x509_raw).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "keys/keys.h"

#define KEY_ID_MAX 64

static int gnutls_fail(struct tr_error *err, int code, const char *what,
		       int gret, const char *hint)
{
	const char *why = gnutls_strerror(gret);

	tr_error_set(err, code, "%s (%.*s)%s%s", what,
		     (int)strcspn(why, "."), why, hint ? "; " : "",
		     hint ? hint : "");
	return -1;
}

static int import_cert(gnutls_x509_crt_t crt, const uint8_t *pem, size_t len,
		       struct tr_error *err)
{
	gnutls_datum_t d = { (unsigned char *)pem, (unsigned int)len };
	int ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM);

	if (ret < 0)
		return gnutls_fail(err, TR_EXIT_BADINPUT,
				   "cannot read the certificate", ret,
				   "expected a complete PEM 'BEGIN CERTIFICATE' block");
	return 0;
}

static int import_key(gnutls_x509_privkey_t key, const uint8_t *pem,
		      size_t len, struct tr_error *err)
{
	gnutls_datum_t d = { (unsigned char *)pem, (unsigned int)len };
	int ret = gnutls_x509_privkey_import2(key, &d, GNUTLS_X509_FMT_PEM,
					      NULL, 0);

	if (ret == GNUTLS_E_DECRYPTION_FAILED)
		return gnutls_fail(err, TR_EXIT_BADINPUT,
				   "cannot read the private key", ret,
				   "encrypted keys are not supported, decrypt it first (e.g. certtool --to-p8 --null-password)");
	if (ret < 0)
		return gnutls_fail(err, TR_EXIT_BADINPUT,
				   "cannot read the private key", ret,
				   "expected a complete unencrypted PEM key (PKCS#8, PKCS#1 or SEC1)");
	return 0;
}

/* RSA, ECDSA on P-256/P-384 and Ed25519: what tlshd and the kernel use. */
static int check_algorithm(gnutls_x509_privkey_t key,
			   struct tr_x509_identity *out, struct tr_error *err)
{
	int algo = gnutls_x509_privkey_get_pk_algorithm2(key, NULL);
	gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;

	switch (algo) {
	case GNUTLS_PK_RSA:
		snprintf(out->key_algo, sizeof(out->key_algo), "RSA");
		return 0;
	case GNUTLS_PK_EDDSA_ED25519:
		snprintf(out->key_algo, sizeof(out->key_algo), "Ed25519");
		return 0;
	case GNUTLS_PK_ECDSA:
		if (gnutls_x509_privkey_export_ecc_raw(key, &curve, NULL, NULL,
						       NULL) < 0)
			curve = GNUTLS_ECC_CURVE_INVALID;
		if (curve == GNUTLS_ECC_CURVE_SECP256R1 ||
		    curve == GNUTLS_ECC_CURVE_SECP384R1) {
			snprintf(out->key_algo, sizeof(out->key_algo),
				 "ECDSA %s", gnutls_ecc_curve_get_name(curve));
			return 0;
		}
		break;
	default:
		break;
	}
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "unsupported private key type %s; use RSA, ECDSA P-256/P-384 or Ed25519",
		     algo == GNUTLS_PK_ECDSA && curve != GNUTLS_ECC_CURVE_INVALID
			     ? gnutls_ecc_curve_get_name(curve)
			     : gnutls_pk_algorithm_get_name(algo) ?
			     gnutls_pk_algorithm_get_name(algo) : "unknown");
	return -1;
}

/* The key belongs to the certificate when their public key ids agree. */
static int check_match(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key,
		       struct tr_error *err)
{
	unsigned char cid[KEY_ID_MAX], kid[KEY_ID_MAX];
	size_t clen = sizeof(cid), klen = sizeof(kid);

	if (gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, cid,
				       &clen) < 0 ||
	    gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, kid,
					   &klen) < 0) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "cannot compute the public key ids of the certificate and key");
		return -1;
	}
	if (clen != klen || memcmp(cid, kid, clen)) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "the private key does not belong to the certificate; check that --cert and --key are a pair");
		return -1;
	}
	return 0;
}

static int export_cert(gnutls_x509_crt_t crt, struct tr_x509_identity *out,
		       struct tr_error *err)
{
	gnutls_datum_t der = { NULL, 0 };
	gnutls_datum_t dn = { NULL, 0 };
	int ret = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der);

	if (ret < 0)
		return gnutls_fail(err, TR_EXIT_FAILURE,
				   "cannot export the certificate", ret, NULL);
	out->cert_der = malloc(der.size);
	if (!out->cert_der) {
		gnutls_free(der.data);
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	memcpy(out->cert_der, der.data, der.size);
	out->cert_len = der.size;
	gnutls_free(der.data);
	out->not_before = gnutls_x509_crt_get_activation_time(crt);
	out->not_after = gnutls_x509_crt_get_expiration_time(crt);
	if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
		snprintf(out->subject, sizeof(out->subject), "%.*s",
			 (int)dn.size, dn.data);
		gnutls_free(dn.data);
	}
	return 0;
}

static int export_key(gnutls_x509_privkey_t key, struct tr_x509_identity *out,
		      struct tr_error *err)
{
	gnutls_datum_t der = { NULL, 0 };
	int ret = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_DER,
						    NULL, GNUTLS_PKCS_PLAIN,
						    &der);

	if (ret < 0)
		return gnutls_fail(err, TR_EXIT_FAILURE,
				   "cannot export the private key", ret, NULL);
	ret = tr_secret_alloc(&out->key_der, der.size, err);
	if (ret == 0) {
		memcpy(out->key_der.data, der.data, der.size);
		out->key_der.len = der.size;
	}
	tr_wipe(der.data, der.size);
	gnutls_free(der.data);
	return ret;
}

int tr_x509_load_pem(const uint8_t *cert_pem, size_t cert_len,
		     const uint8_t *key_pem, size_t key_len,
		     struct tr_x509_identity *out, struct tr_error *err)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_x509_privkey_t key = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_privkey_init(&key) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "gnutls: out of memory");
		goto out;
	}
	if (import_cert(crt, cert_pem, cert_len, err) < 0 ||
	    import_key(key, key_pem, key_len, err) < 0 ||
	    check_algorithm(key, out, err) < 0 ||
	    check_match(crt, key, err) < 0 ||
	    export_cert(crt, out, err) < 0 || export_key(key, out, err) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		tr_x509_identity_free(out);
	if (key)
		gnutls_x509_privkey_deinit(key);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	return ret;
}

/* A PEM file larger than this is not a certificate chain and key. */
#define X509_PEM_FILE_MAX (64 * 1024)

int tr_x509_load_pem_files(const char *cert_path, const char *key_path,
			   struct tr_x509_identity *out, struct tr_error *err)
{
	struct tr_secret key_pem = { 0 };
	uint8_t *cert_pem = NULL;
	size_t cert_len;
	int ret = -1;

	if (tr_read_file(cert_path, X509_PEM_FILE_MAX, &cert_pem, &cert_len,
			 err) < 0)
		return -1;
	if (tr_read_secret(key_path, X509_PEM_FILE_MAX, &key_pem, err) == 0) {
		ret = tr_x509_load_pem(cert_pem, cert_len, key_pem.data,
				       key_pem.len, out, err);
		tr_secret_free(&key_pem);
	}
	free(cert_pem);
	return ret;
}

void tr_x509_identity_free(struct tr_x509_identity *id)
{
	free(id->cert_der);
	tr_secret_free(&id->key_der);
	memset(id, 0, sizeof(*id));
}

int tr_x509_der_validity(const uint8_t *der, size_t len, time_t *not_before,
			 time_t *not_after, struct tr_error *err)
{
	gnutls_datum_t d = { (unsigned char *)der, (unsigned int)len };
	gnutls_x509_crt_t crt;
	int ret;

	if (gnutls_x509_crt_init(&crt) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "gnutls: out of memory");
		return -1;
	}
	ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER);
	if (ret < 0) {
		gnutls_fail(err, TR_EXIT_BADINPUT,
			    "cannot parse a DER certificate", ret, NULL);
	} else {
		*not_before = gnutls_x509_crt_get_activation_time(crt);
		*not_after = gnutls_x509_crt_get_expiration_time(crt);
	}
	gnutls_x509_crt_deinit(crt);
	return ret < 0 ? -1 : 0;
}

int tr_x509_check_time(time_t not_before, time_t not_after, time_t now,
		       char *msg, size_t cap)
{
	char when[32];
	struct tm tm;
	time_t t;
	const char *what;

	if (now >= not_before && now <= not_after)
		return 0;
	what = now > not_after ? "expired on" : "is not valid before";
	t = now > not_after ? not_after : not_before;
	if (!gmtime_r(&t, &tm) ||
	    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(when, sizeof(when), "%lld", (long long)t);
	snprintf(msg, cap,
		 "warning: the certificate %s %s; the server will likely refuse it",
		 what, when);
	return 1;
}
