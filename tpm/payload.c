// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The identity inside a bundle's AEAD, tlsroot-bundle(5) "PAYLOAD".
 * Everything built here is secret and lives in locked memory.
 */
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tpm/tpm.h"
#include "tpm/wire.h"

#define X509_PART_MAX 32767    /* a kernel user key holds at most this */
#define TR_BUNDLE_NQN_MAX 223  /* NVMe: NQNs are at most 223 bytes */

static int x509_error(struct tr_error *err, const char *what, int rc)
{
	tr_error_set(err, TR_EXIT_BADINPUT, "%s: %s", what,
		     gnutls_strerror(rc));
	return -1;
}

static int import_cert(gnutls_x509_crt_t crt, const uint8_t *buf, size_t len,
		       struct tr_error *err)
{
	gnutls_datum_t d = { (unsigned char *)buf, (unsigned)len };
	int rc;

	rc = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM);
	if (rc < 0)
		rc = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER);
	if (rc < 0)
		return x509_error(err,
				  "certificate is neither PEM nor DER X.509", rc);
	return 0;
}

static int import_key(gnutls_x509_privkey_t key, const uint8_t *buf,
		      size_t len, struct tr_error *err)
{
	gnutls_datum_t d = { (unsigned char *)buf, (unsigned)len };
	int rc;

	rc = gnutls_x509_privkey_import2(key, &d, GNUTLS_X509_FMT_PEM, NULL,
					 GNUTLS_PKCS_PLAIN);
	if (rc < 0)
		rc = gnutls_x509_privkey_import2(key, &d, GNUTLS_X509_FMT_DER,
						 NULL, GNUTLS_PKCS_PLAIN);
	if (rc < 0)
		return x509_error(err,
				  "private key is not an unencrypted PEM or DER key",
				  rc);
	return 0;
}

static int key_matches_cert(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key,
			    struct tr_error *err)
{
	unsigned char a[64], b[64];
	size_t alen = sizeof(a), blen = sizeof(b);

	if (gnutls_x509_crt_get_key_id(crt, 0, a, &alen) < 0 ||
	    gnutls_x509_privkey_get_key_id(key, 0, b, &blen) < 0 ||
	    alen != blen || memcmp(a, b, alen) != 0) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "the private key does not belong to the certificate; pass the matching --key");
		return -1;
	}
	return 0;
}

static int pack_x509(const gnutls_datum_t *cert, const gnutls_datum_t *key,
		     struct tr_secret *payload, struct tr_error *err)
{
	struct tr_wire w;

	if (cert->size > X509_PART_MAX || key->size > X509_PART_MAX) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "certificate or key larger than %d bytes DER",
			     X509_PART_MAX);
		return -1;
	}
	if (tr_secret_alloc(payload, 8 + cert->size + key->size, err) < 0)
		return -1;
	w = (struct tr_wire){ .buf = payload->data, .len = payload->cap };
	tr_wire_put_u32(&w, cert->size);
	tr_wire_put(&w, cert->data, cert->size);
	tr_wire_put_u32(&w, key->size);
	tr_wire_put(&w, key->data, key->size);
	payload->len = w.off;
	return 0;
}

int tr_payload_x509(const uint8_t *cert, size_t cert_len,
		    const uint8_t *key, size_t key_len,
		    struct tr_secret *payload, struct tr_error *err)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_x509_privkey_t pk = NULL;
	gnutls_datum_t cert_der = { 0 }, key_der = { 0 };
	int rc, ret = -1;

	memset(payload, 0, sizeof(*payload));
	if (gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_privkey_init(&pk) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		goto out;
	}
	if (import_cert(crt, cert, cert_len, err) < 0 ||
	    import_key(pk, key, key_len, err) < 0 ||
	    key_matches_cert(crt, pk, err) < 0)
		goto out;
	rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &cert_der);
	if (rc < 0) {
		x509_error(err, "cannot encode the certificate", rc);
		goto out;
	}
	rc = gnutls_x509_privkey_export2_pkcs8(pk, GNUTLS_X509_FMT_DER, NULL,
					       GNUTLS_PKCS_PLAIN, &key_der);
	if (rc < 0) {
		x509_error(err, "cannot encode the private key", rc);
		goto out;
	}
	ret = pack_x509(&cert_der, &key_der, payload, err);
out:
	if (key_der.data) {
		tr_wipe(key_der.data, key_der.size);
		gnutls_free(key_der.data);
	}
	gnutls_free(cert_der.data);
	if (pk)
		gnutls_x509_privkey_deinit(pk);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	return ret;
}

static int nqn_valid(const char *nqn)
{
	size_t i, n = strlen(nqn);

	if (n == 0 || n > TR_BUNDLE_NQN_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)nqn[i] <= ' ' || (unsigned char)nqn[i] > '~')
			return 0;
	return 1;
}

int tr_payload_psk(const uint8_t *psk, size_t psk_len, int hmac,
		   const char *hostnqn, const char *subnqn,
		   int identity_version, struct tr_secret *payload,
		   struct tr_error *err)
{
	size_t hlen = strlen(hostnqn), slen = strlen(subnqn);
	struct tr_wire w;

	memset(payload, 0, sizeof(*payload));
	if (!((hmac == 0 && (psk_len == 32 || psk_len == 48)) ||
	      (hmac == 1 && psk_len == 32) || (hmac == 2 && psk_len == 48))) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "PSK of %zu bytes does not match hmac %d (01: 32 bytes, 02: 48 bytes)",
			     psk_len, hmac);
		return -1;
	}
	if (!nqn_valid(hostnqn) || !nqn_valid(subnqn)) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "host and subsystem NQNs must be 1..%d printable characters without spaces",
			     TR_BUNDLE_NQN_MAX);
		return -1;
	}
	if (identity_version != 0 && identity_version != 1) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "PSK identity version must be 0 or 1");
		return -1;
	}
	if (tr_secret_alloc(payload, 5 + psk_len + hlen + slen + 2, err) < 0)
		return -1;
	w = (struct tr_wire){ .buf = payload->data, .len = payload->cap };
	tr_wire_put_u8(&w, (uint8_t)hmac);
	tr_wire_put_u8(&w, (uint8_t)identity_version);
	tr_wire_put_u8(&w, (uint8_t)psk_len);
	tr_wire_put(&w, psk, psk_len);
	tr_wire_put_u8(&w, (uint8_t)hlen);
	tr_wire_put(&w, hostnqn, hlen + 1);
	tr_wire_put_u8(&w, (uint8_t)slen);
	tr_wire_put(&w, subnqn, slen + 1);
	payload->len = w.off;
	return 0;
}

/* A length-prefixed string followed by its NUL, without inner NULs. */
static int read_string(struct tr_wire *r, const char **out)
{
	const uint8_t *at;
	uint8_t n;

	if (tr_wire_u8(r, &n) < 0 || n == 0 || tr_wire_skip(r, &at, n + 1u) < 0)
		return -1;
	if (at[n] != '\0' || memchr(at, '\0', n))
		return -1;
	*out = (const char *)at;
	return nqn_valid(*out) ? 0 : -1;
}

static int decode_psk(struct tr_wire *r, struct tr_identity *id)
{
	uint8_t hmac, version, psk_len;

	if (tr_wire_u8(r, &hmac) < 0 || tr_wire_u8(r, &version) < 0 ||
	    tr_wire_u8(r, &psk_len) < 0 || hmac > 2 || version > 1 ||
	    (psk_len != 32 && psk_len != 48) ||
	    tr_wire_skip(r, &id->psk, psk_len) < 0)
		return -1;
	id->hmac = hmac;
	id->identity_version = version;
	id->psk_len = psk_len;
	return read_string(r, &id->hostnqn) < 0 ||
	       read_string(r, &id->subnqn) < 0 ? -1 : 0;
}

static int decode_x509(struct tr_wire *r, struct tr_identity *id)
{
	uint32_t n;

	if (tr_wire_u32(r, &n) < 0 || n == 0 || n > X509_PART_MAX ||
	    tr_wire_skip(r, &id->cert, n) < 0)
		return -1;
	id->cert_len = n;
	if (tr_wire_u32(r, &n) < 0 || n == 0 || n > X509_PART_MAX ||
	    tr_wire_skip(r, &id->key, n) < 0)
		return -1;
	id->key_len = n;
	return 0;
}

int tr_payload_decode(const struct tr_secret *payload, int kind,
		      struct tr_identity *id, struct tr_error *err)
{
	struct tr_wire r = { .buf = payload->data, .len = payload->len };
	int rc = -1;

	memset(id, 0, sizeof(*id));
	id->kind = kind;
	if (kind == TR_BUNDLE_X509)
		rc = decode_x509(&r, id);
	else if (kind == TR_BUNDLE_PSK)
		rc = decode_psk(&r, id);
	if (rc < 0 || r.off != r.len) {
		tr_error_set(err, TR_EXIT_CORRUPT,
			     "bundle payload is malformed although it authenticated; it was built by a broken tlsroot: reseal");
		memset(id, 0, sizeof(*id));
		return -1;
	}
	return 0;
}
