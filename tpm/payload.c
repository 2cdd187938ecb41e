// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The identity inside a bundle's AEAD, tlsroot-bundle(5) "PAYLOAD".
 * Everything built here is secret and lives in locked memory.
 */
#include <string.h>

#include "tpm/tpm.h"
#include "tpm/wire.h"

#define X509_PART_MAX 32767    /* a kernel user key holds at most this */
#define TR_BUNDLE_NQN_MAX 223  /* NVMe: NQNs are at most 223 bytes */
/*
 * The PSK options byte after the subsystem NQN. It is written only when
 * an option is set, so RFC 8446 payloads stay as older tlsroot wrote them.
 */
#define PSK_OPT_COMPAT 0x01    /* derive with the libnvme <= 1.15 labels */
#define PSK_OPTS_KNOWN PSK_OPT_COMPAT

int tr_payload_x509(const uint8_t *cert, size_t cert_len,
		    const uint8_t *key, size_t key_len,
		    struct tr_secret *payload, struct tr_error *err)
{
	struct tr_wire w;

	memset(payload, 0, sizeof(*payload));
	if (!cert_len || !key_len || cert_len > X509_PART_MAX ||
	    key_len > X509_PART_MAX) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "certificate and key must be 1..%d bytes DER each",
			     X509_PART_MAX);
		return -1;
	}
	if (tr_secret_alloc(payload, 8 + cert_len + key_len, err) < 0)
		return -1;
	w = (struct tr_wire){ .buf = payload->data, .len = payload->cap };
	tr_wire_put_u32(&w, (uint32_t)cert_len);
	tr_wire_put(&w, cert, cert_len);
	tr_wire_put_u32(&w, (uint32_t)key_len);
	tr_wire_put(&w, key, key_len);
	payload->len = w.off;
	return 0;
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
		   int identity_version, int compat, struct tr_secret *payload,
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
	if ((identity_version != 0 && identity_version != 1) ||
	    (compat != 0 && compat != 1)) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "PSK identity version and compat must each be 0 or 1");
		return -1;
	}
	if (tr_secret_alloc(payload, 5 + psk_len + hlen + slen + 2 + !!compat,
			    err) < 0)
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
	if (compat)
		tr_wire_put_u8(&w, PSK_OPT_COMPAT);
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

/* Absent means none; present must be non-zero with only known bits. */
static int decode_psk_options(struct tr_wire *r, struct tr_identity *id)
{
	uint8_t opts;

	if (r->off == r->len)
		return 0;
	if (tr_wire_u8(r, &opts) < 0 || !opts || (opts & ~PSK_OPTS_KNOWN))
		return -1;
	id->compat = !!(opts & PSK_OPT_COMPAT);
	return 0;
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
	       read_string(r, &id->subnqn) < 0 ? -1 : decode_psk_options(r, id);
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
