// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The owner's policy key: a PEM public key as a TPM external key (the
 * template tpm2_loadexternal and systemd use: sign and decrypt, scheme
 * NULL, nameAlg SHA-256, so the Name is the one they show), and signing
 * an approved PolicyPCR digest with the PEM private key.
 */
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <tss2/tss2_mu.h>

#include "tpm/signed_policy.h"
#include "tpm/tpm_private.h"

#define ECC_P256_BYTES 32
#define RSA_BITS_MIN 2048
#define RSA_BITS_MAX 4096
#define RSA_DEFAULT_EXPONENT 65537u
#define KEY_ATTRS \
	(TPMA_OBJECT_DECRYPT | TPMA_OBJECT_SIGN_ENCRYPT | TPMA_OBJECT_USERWITHAUTH)

static int key_error(struct tr_error *err, const char *what, int rc)
{
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "%s%s%s%s; use an ECC P-256 or RSA 2048..4096 key in PEM",
		     what, rc ? " (" : "", rc ? gnutls_strerror(rc) : "",
		     rc ? ")" : "");
	return -1;
}

static void template_of(TPMT_PUBLIC *p, TPMI_ALG_PUBLIC type)
{
	memset(p, 0, sizeof(*p));
	p->type = type;
	p->nameAlg = TPM2_ALG_SHA256;
	p->objectAttributes = KEY_ATTRS;
	/* the symmetric, scheme and kdf fields are TPM2_ALG_NULL (0x0010) */
	p->parameters.asymDetail.symmetric.algorithm = TPM2_ALG_NULL;
	p->parameters.asymDetail.scheme.scheme = TPM2_ALG_NULL;
	if (type == TPM2_ALG_ECC)
		p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
}

/* A big-endian integer right-aligned in n bytes; 0 if it does not fit. */
static int put_be(uint8_t *dst, size_t n, const gnutls_datum_t *v)
{
	size_t len = v->size, skip = 0;

	while (skip < len && v->data[skip] == 0)
		skip++;
	if (len - skip > n)
		return 0;
	memset(dst, 0, n);
	memcpy(dst + n - (len - skip), v->data + skip, len - skip);
	return 1;
}

static int ecc_public(gnutls_pubkey_t k, TPMT_PUBLIC *p, struct tr_error *err)
{
	gnutls_datum_t x = { 0 }, y = { 0 };
	gnutls_ecc_curve_t curve;
	int rc, ok;

	rc = gnutls_pubkey_export_ecc_raw2(k, &curve, &x, &y,
					   GNUTLS_EXPORT_FLAG_NO_LZ);
	if (rc < 0)
		return key_error(err, "cannot read the ECC key", rc);
	template_of(p, TPM2_ALG_ECC);
	p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	p->unique.ecc.x.size = ECC_P256_BYTES;
	p->unique.ecc.y.size = ECC_P256_BYTES;
	ok = curve == GNUTLS_ECC_CURVE_SECP256R1 &&
	     put_be(p->unique.ecc.x.buffer, ECC_P256_BYTES, &x) &&
	     put_be(p->unique.ecc.y.buffer, ECC_P256_BYTES, &y);
	gnutls_free(x.data);
	gnutls_free(y.data);
	return ok ? 0 : key_error(err, "the ECC key is not on curve P-256", 0);
}

static int rsa_public(gnutls_pubkey_t k, unsigned bits, TPMT_PUBLIC *p,
		      struct tr_error *err)
{
	gnutls_datum_t m = { 0 }, e = { 0 };
	uint8_t exp[4];
	uint32_t ev;
	int rc, ok;

	if (bits < RSA_BITS_MIN || bits > RSA_BITS_MAX || bits % 8)
		return key_error(err, "the RSA key size is not 2048..4096 bits", 0);
	rc = gnutls_pubkey_export_rsa_raw2(k, &m, &e, GNUTLS_EXPORT_FLAG_NO_LZ);
	if (rc < 0)
		return key_error(err, "cannot read the RSA key", rc);
	template_of(p, TPM2_ALG_RSA);
	p->parameters.rsaDetail.keyBits = (uint16_t)bits;
	p->unique.rsa.size = (uint16_t)(bits / 8);
	ok = put_be(p->unique.rsa.buffer, bits / 8, &m) &&
	     put_be(exp, sizeof(exp), &e);
	ev = (uint32_t)exp[0] << 24 | exp[1] << 16 | exp[2] << 8 | exp[3];
	/* The TPM writes the default exponent as 0. */
	p->parameters.rsaDetail.exponent = ev == RSA_DEFAULT_EXPONENT ? 0 : ev;
	gnutls_free(m.data);
	gnutls_free(e.data);
	return ok ? 0 : key_error(err, "the RSA key does not parse", 0);
}

/* nameAlg || SHA-256(marshalled TPMT_PUBLIC) */
static int name_of(const TPMT_PUBLIC *p, struct tr_policy_key *key)
{
	uint8_t buf[sizeof(TPMT_PUBLIC)];
	size_t off = 0;

	if (Tss2_MU_TPMT_PUBLIC_Marshal(p, buf, sizeof(buf), &off))
		return -1;
	key->name[0] = (uint8_t)(TPM2_ALG_SHA256 >> 8);
	key->name[1] = (uint8_t)TPM2_ALG_SHA256;
	key->name_len = 2 + TR_DIGEST_LEN;
	return gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, off, key->name + 2) < 0 ?
		       -1 : 0;
}

static int key_of_pubkey(gnutls_pubkey_t k, struct tr_policy_key *key,
			 struct tr_error *err)
{
	TPM2B_PUBLIC pub;
	unsigned bits = 0;
	size_t off = 0;
	int alg, rc;

	memset(&pub, 0, sizeof(pub));
	alg = gnutls_pubkey_get_pk_algorithm(k, &bits);
	if (alg == GNUTLS_PK_ECDSA)
		rc = ecc_public(k, &pub.publicArea, err);
	else if (alg == GNUTLS_PK_RSA)
		rc = rsa_public(k, bits, &pub.publicArea, err);
	else
		rc = key_error(err, "the key is neither ECC nor RSA", 0);
	if (rc < 0)
		return -1;
	if (Tss2_MU_TPM2B_PUBLIC_Marshal(&pub, key->pub, sizeof(key->pub),
					 &off) ||
	    (key->pub_len = off, name_of(&pub.publicArea, key) < 0))
		return key_error(err, "cannot marshal the key", 0);
	return 0;
}

int tr_policy_key_from_pem(const uint8_t *pem, size_t len,
			   struct tr_policy_key *key, struct tr_error *err)
{
	gnutls_datum_t d = { (unsigned char *)pem, (unsigned)len };
	gnutls_pubkey_t k;
	int rc;

	memset(key, 0, sizeof(*key));
	if (gnutls_pubkey_init(&k) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	rc = gnutls_pubkey_import(k, &d, GNUTLS_X509_FMT_PEM);
	if (rc < 0)
		rc = key_error(err, "not a PEM public key (BEGIN PUBLIC KEY)", rc);
	else
		rc = key_of_pubkey(k, key, err);
	gnutls_pubkey_deinit(k);
	return rc;
}

static int params_valid(const TPMT_PUBLIC *p)
{
	const TPMS_ECC_PARMS *e = &p->parameters.eccDetail;
	const TPMS_RSA_PARMS *r = &p->parameters.rsaDetail;

	if (p->nameAlg != TPM2_ALG_SHA256 || p->objectAttributes != KEY_ATTRS ||
	    p->authPolicy.size != 0)
		return 0;
	if (p->type == TPM2_ALG_ECC)
		return e->symmetric.algorithm == TPM2_ALG_NULL &&
		       e->scheme.scheme == TPM2_ALG_NULL &&
		       e->curveID == TPM2_ECC_NIST_P256 &&
		       e->kdf.scheme == TPM2_ALG_NULL &&
		       p->unique.ecc.x.size == ECC_P256_BYTES &&
		       p->unique.ecc.y.size == ECC_P256_BYTES;
	if (p->type == TPM2_ALG_RSA)
		return r->symmetric.algorithm == TPM2_ALG_NULL &&
		       r->scheme.scheme == TPM2_ALG_NULL &&
		       r->keyBits >= RSA_BITS_MIN &&
		       r->keyBits <= RSA_BITS_MAX &&
		       p->unique.rsa.size == r->keyBits / 8;
	return 0;
}

int tr_policy_key_check(struct tr_policy_key *key)
{
	TPM2B_PUBLIC pub;
	size_t off = 0;

	memset(&pub, 0, sizeof(pub));
	if (key->pub_len > sizeof(key->pub) ||
	    Tss2_MU_TPM2B_PUBLIC_Unmarshal(key->pub, key->pub_len, &off, &pub) ||
	    off != key->pub_len || !params_valid(&pub.publicArea))
		return -1;
	return name_of(&pub.publicArea, key);
}

/* A DER length of n into out (at most 3 bytes for n < 65536). */
static size_t der_len(uint8_t *out, size_t n)
{
	if (n < 0x80) {
		out[0] = (uint8_t)n;
		return 1;
	}
	if (n < 0x100) {
		out[0] = 0x81;
		out[1] = (uint8_t)n;
		return 2;
	}
	out[0] = 0x82;
	out[1] = (uint8_t)(n >> 8);
	out[2] = (uint8_t)n;
	return 3;
}

/* A DER INTEGER of a big-endian unsigned number. */
static size_t der_uint(uint8_t *out, const uint8_t *v, size_t n)
{
	size_t used;

	while (n > 1 && v[0] == 0) {
		v++;
		n--;
	}
	out[0] = 0x02;
	used = 1 + der_len(out + 1, n + (v[0] >> 7));
	if (v[0] >> 7)
		out[used++] = 0;
	memcpy(out + used, v, n);
	return used + n;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
static size_t rsa_public_der(const TPMT_PUBLIC *p, uint8_t *out)
{
	uint8_t body[RSA_BITS_MAX / 8 + 16], exp[4];
	uint32_t e = p->parameters.rsaDetail.exponent;
	size_t n, head;

	if (!e)
		e = RSA_DEFAULT_EXPONENT;
	exp[0] = (uint8_t)(e >> 24);
	exp[1] = (uint8_t)(e >> 16);
	exp[2] = (uint8_t)(e >> 8);
	exp[3] = (uint8_t)e;
	n = der_uint(body, p->unique.rsa.buffer, p->unique.rsa.size);
	n += der_uint(body + n, exp, sizeof(exp));
	out[0] = 0x30;
	head = 1 + der_len(out + 1, n);
	memcpy(out + head, body, n);
	return head + n;
}

int tr_policy_key_pkfp(const struct tr_policy_key *key,
		       uint8_t out[TR_DIGEST_LEN])
{
	uint8_t der[RSA_BITS_MAX / 8 + 32];
	TPM2B_PUBLIC pub;
	TPMT_PUBLIC *p = &pub.publicArea;
	size_t off = 0, n;

	memset(&pub, 0, sizeof(pub));
	if (key->pub_len > sizeof(key->pub) ||
	    Tss2_MU_TPM2B_PUBLIC_Unmarshal(key->pub, key->pub_len, &off, &pub) ||
	    !params_valid(p))
		return -1;
	if (p->type == TPM2_ALG_RSA) {
		n = rsa_public_der(p, der);
	} else {
		der[0] = 0x04;
		memcpy(der + 1, p->unique.ecc.x.buffer, ECC_P256_BYTES);
		memcpy(der + 1 + ECC_P256_BYTES, p->unique.ecc.y.buffer,
		       ECC_P256_BYTES);
		n = 1 + 2 * ECC_P256_BYTES;
	}
	return gnutls_hash_fast(GNUTLS_DIG_SHA256, der, n, out) < 0 ? -1 : 0;
}

/* The signature of aHash in TPMT_SIGNATURE form (r and s 32 bytes each). */
static int ecdsa_signature(const gnutls_datum_t *der, TPMT_SIGNATURE *s)
{
	gnutls_datum_t r = { 0 }, sv = { 0 };
	TPMS_SIGNATURE_ECC *e = &s->signature.ecdsa;
	int ok;

	if (gnutls_decode_rs_value(der, &r, &sv) < 0)
		return -1;
	s->sigAlg = TPM2_ALG_ECDSA;
	e->hash = TPM2_ALG_SHA256;
	e->signatureR.size = ECC_P256_BYTES;
	e->signatureS.size = ECC_P256_BYTES;
	ok = put_be(e->signatureR.buffer, ECC_P256_BYTES, &r) &&
	     put_be(e->signatureS.buffer, ECC_P256_BYTES, &sv);
	gnutls_free(r.data);
	gnutls_free(sv.data);
	return ok ? 0 : -1;
}

static int rsa_signature(const gnutls_datum_t *raw, TPMT_SIGNATURE *s)
{
	if (raw->size > sizeof(s->signature.rsassa.sig.buffer))
		return -1;
	s->sigAlg = TPM2_ALG_RSASSA;
	s->signature.rsassa.hash = TPM2_ALG_SHA256;
	s->signature.rsassa.sig.size = (uint16_t)raw->size;
	memcpy(s->signature.rsassa.sig.buffer, raw->data, raw->size);
	return 0;
}

int tr_policy_sig_marshal(const uint8_t *sig, size_t len, int ecdsa,
			  uint8_t *out, size_t cap, size_t *out_len)
{
	gnutls_datum_t d = { (unsigned char *)sig, (unsigned)len };
	TPMT_SIGNATURE s;
	size_t off = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	if (len > UINT16_MAX)
		return -1;
	rc = ecdsa ? ecdsa_signature(&d, &s) : rsa_signature(&d, &s);
	if (rc < 0 || Tss2_MU_TPMT_SIGNATURE_Marshal(&s, out, cap, &off))
		return -1;
	*out_len = off;
	return 0;
}

static int sign_ahash(gnutls_privkey_t k, int alg,
		      const uint8_t ahash[TR_DIGEST_LEN],
		      struct tr_signed_policy *p, struct tr_error *err)
{
	gnutls_datum_t h = { (unsigned char *)ahash, TR_DIGEST_LEN }, sig = { 0 };
	int rc;

	rc = gnutls_privkey_sign_hash2(k, alg == GNUTLS_PK_ECDSA ?
					  GNUTLS_SIGN_ECDSA_SHA256 :
					  GNUTLS_SIGN_RSA_SHA256,
				       0, &h, &sig);
	if (rc < 0)
		return key_error(err, "signing failed", rc);
	rc = tr_policy_sig_marshal(sig.data, sig.size, alg == GNUTLS_PK_ECDSA,
				   p->sig, sizeof(p->sig), &p->sig_len);
	gnutls_free(sig.data);
	if (rc < 0)
		return key_error(err, "the signature does not fit a TPM signature", 0);
	return 0;
}

/* The key pair's public half, its Name into p, then the signature. */
static int sign_with(gnutls_privkey_t k, struct tr_signed_policy *p,
		     struct tr_error *err)
{
	struct tr_policy_key key;
	uint8_t ahash[TR_DIGEST_LEN];
	gnutls_pubkey_t pub;
	int rc;

	if (gnutls_pubkey_init(&pub) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	rc = gnutls_pubkey_import_privkey(pub, k, 0, 0);
	if (rc < 0)
		rc = key_error(err, "cannot derive the public key", rc);
	else
		rc = key_of_pubkey(pub, &key, err);
	gnutls_pubkey_deinit(pub);
	if (rc < 0 || tr_policy_ahash(p->approved, ahash, err) < 0)
		return -1;
	memcpy(p->key_name, key.name, key.name_len);
	p->key_name_len = key.name_len;
	return sign_ahash(k, gnutls_privkey_get_pk_algorithm(k, NULL), ahash,
			  p, err);
}

int tr_signed_policy_sign(const struct tr_secret *key_pem, uint32_t mask,
			  const uint8_t values[][TR_DIGEST_LEN],
			  struct tr_signed_policy *p, struct tr_error *err)
{
	gnutls_datum_t d = { key_pem->data, (unsigned)key_pem->len };
	gnutls_privkey_t k;
	unsigned i;
	int rc;

	memset(p, 0, sizeof(*p));
	p->pcr_mask = mask;
	for (i = 0; i < TR_PCR_COUNT; i++)
		if (mask >> i & 1)
			memcpy(p->pcr_values[i], values[i], TR_DIGEST_LEN);
	if (tr_policy_digest(mask, values, NULL, 0, p->approved, err) < 0)
		return -1;
	if (gnutls_privkey_init(&k) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	rc = gnutls_privkey_import_x509_raw(k, &d, GNUTLS_X509_FMT_PEM, NULL,
					    GNUTLS_PKCS_PLAIN);
	if (rc < 0)
		rc = key_error(err, "not an unencrypted PEM private key", rc);
	else
		rc = sign_with(k, p, err);
	gnutls_privkey_deinit(k);
	return rc;
}
