// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NVMe/TCP TLS PSKs: the interchange format (NVMe/TCP 1.1 §3.6.1.5) and
 * the retained PSK, PSK identity and TLS PSK derivations (TP 8018), with
 * the same results as libnvme and the kernel's nvmet.
 */
#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <zlib.h>

#include "keys/keys.h"
#include "keys/keys_private.h"

static const char interchange_prefix[] = "NVMeTLSkey-";
#define PREFIX_LEN (sizeof(interchange_prefix) - 1)
/* "NVMeTLSkey-1:HH:" */
#define HEADER_LEN (PREFIX_LEN + 5)
#define CRC_LEN 4
#define HASH_MAX 48
/* RFC 8446 HkdfLabel: u16 length, label<7..255>, context<0..255> */
#define LABEL_INFO_MAX (2 + 1 + 255 + 1 + 255)

int tr_psk_hash_len(int hash)
{
	switch (hash) {
	case TR_PSK_HASH_SHA256:
		return 32;
	case TR_PSK_HASH_SHA384:
		return 48;
	default:
		return 0;
	}
}

static gnutls_mac_algorithm_t hash_mac(int hash)
{
	return hash == TR_PSK_HASH_SHA384 ? GNUTLS_MAC_SHA384
					  : GNUTLS_MAC_SHA256;
}

/* The hash a PSK of this length is used with when its id says "none". */
int tr_psk_effective_hash(int hash, size_t len)
{
	if (hash != TR_PSK_HASH_NONE)
		return hash;
	return len == 48 ? TR_PSK_HASH_SHA384 : TR_PSK_HASH_SHA256;
}

static int check_psk_len(int hash, size_t len, struct tr_error *err)
{
	int want = tr_psk_hash_len(hash);

	if (hash < TR_PSK_HASH_NONE || hash > TR_PSK_HASH_SHA384) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "unknown PSK hash id %d; use 0 (none), 1 (SHA-256) or 2 (SHA-384)",
			     hash);
		return -1;
	}
	if (want ? len == (size_t)want : (len == 32 || len == 48))
		return 0;
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "a PSK with hash id %02d must be %s bytes, not %zu",
		     hash, want == 32 ? "32" : want == 48 ? "48" : "32 or 48",
		     len);
	return -1;
}

static int is_b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : 63;
}

/*
 * Padded base64 with nothing else in it, and with the unused bits of the
 * last symbol zero, so that each key has exactly one spelling.
 */
int tr_b64_check(const char *s, size_t len)
{
	size_t pad = 0, i;

	if (len == 0 || len % 4)
		return -1;
	while (pad < 2 && s[len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < len - pad; i++)
		if (!is_b64_char((unsigned char)s[i]))
			return -1;
	if (pad == 1 && (b64_value((unsigned char)s[len - 2]) & 0x03))
		return -1;
	if (pad == 2 && (b64_value((unsigned char)s[len - 3]) & 0x0f))
		return -1;
	return 0;
}

/* Decode into out (cap bytes); the temporary gnutls copy is wiped. */
static int b64_decode(const char *s, size_t len, uint8_t *out, size_t cap,
		      size_t *out_len)
{
	gnutls_datum_t in = { (unsigned char *)s, (unsigned int)len };
	gnutls_datum_t dec = { NULL, 0 };
	int ret = -1;

	if (tr_b64_check(s, len) < 0)
		return -1;
	if (gnutls_base64_decode2(&in, &dec) < 0)
		return -1;
	if (dec.size <= cap) {
		memcpy(out, dec.data, dec.size);
		*out_len = dec.size;
		ret = 0;
	}
	tr_wipe(dec.data, dec.size);
	gnutls_free(dec.data);
	return ret;
}

/* Encode into out as a NUL-terminated string. */
int tr_b64_encode(const uint8_t *data, size_t len, char *out, size_t cap)
{
	gnutls_datum_t in = { (unsigned char *)data, (unsigned int)len };
	gnutls_datum_t enc = { NULL, 0 };
	int ret = -1;

	if (gnutls_base64_encode2(&in, &enc) < 0)
		return -1;
	if (enc.size < cap) {
		memcpy(out, enc.data, enc.size);
		out[enc.size] = '\0';
		ret = 0;
	}
	tr_wipe(enc.data, enc.size);
	gnutls_free(enc.data);
	return ret;
}

static uint32_t psk_crc(const uint8_t *psk, size_t len)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), psk, (uInt)len);
}

static int parse_hash_id(const char *hh, int *hash, struct tr_error *err)
{
	if (hh[0] == '0' && hh[1] >= '0' && hh[1] <= '2') {
		*hash = hh[1] - '0';
		return 0;
	}
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "PSK interchange string has unknown hash id '%.2s'; expected 00 (none), 01 (SHA-256) or 02 (SHA-384)",
		     hh);
	return -1;
}

static int parse_header(const char *text, size_t len, int *hash,
			struct tr_error *err)
{
	if (len < PREFIX_LEN || memcmp(text, interchange_prefix, PREFIX_LEN)) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "not a PSK interchange string: it must start with 'NVMeTLSkey-1:'");
		return -1;
	}
	if (len < HEADER_LEN || text[PREFIX_LEN] != '1' ||
	    text[PREFIX_LEN + 1] != ':' || text[PREFIX_LEN + 4] != ':') {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "PSK interchange string has an unsupported version or layout; expected 'NVMeTLSkey-1:HH:<base64>:'");
		return -1;
	}
	return parse_hash_id(text + PREFIX_LEN + 2, hash, err);
}

int tr_psk_parse_interchange(const char *text, size_t len, uint8_t *psk,
			     size_t *psk_len, int *hash, struct tr_error *err)
{
	uint8_t raw[HASH_MAX + CRC_LEN];
	size_t raw_len = 0, b64_len, key_len;
	uint32_t crc;
	int ret = -1;

	if (parse_header(text, len, hash, err) < 0)
		return -1;
	b64_len = len - HEADER_LEN - 1;
	if (len != 65 && len != 89) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "PSK interchange string is %zu characters long; a valid one has 65 (32-byte key) or 89 (48-byte key)",
			     len);
		return -1;
	}
	if (text[len - 1] != ':' ||
	    b64_decode(text + HEADER_LEN, b64_len, raw, sizeof(raw),
		       &raw_len) < 0 || raw_len <= CRC_LEN) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "PSK interchange string has malformed base64 or lacks the final ':'");
		goto out;
	}
	key_len = raw_len - CRC_LEN;
	if (check_psk_len(*hash, key_len, err) < 0)
		goto out;
	crc = (uint32_t)raw[key_len] | (uint32_t)raw[key_len + 1] << 8 |
	      (uint32_t)raw[key_len + 2] << 16 |
	      (uint32_t)raw[key_len + 3] << 24;
	if (crc != psk_crc(raw, key_len)) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "PSK interchange string fails its CRC-32 check; it was mistyped or truncated");
		goto out;
	}
	memcpy(psk, raw, key_len);
	*psk_len = key_len;
	ret = 0;
out:
	tr_wipe(raw, sizeof(raw));
	return ret;
}

int tr_psk_format_interchange(const uint8_t *psk, size_t len, int hash,
			      char *out, size_t cap, struct tr_error *err)
{
	uint8_t raw[HASH_MAX + CRC_LEN];
	char b64[(sizeof(raw) + 2) / 3 * 4 + 1];
	uint32_t crc;
	int n, ret = -1;

	if (check_psk_len(hash, len, err) < 0)
		return -1;
	crc = psk_crc(psk, len);
	memcpy(raw, psk, len);
	raw[len] = crc & 0xff;
	raw[len + 1] = (crc >> 8) & 0xff;
	raw[len + 2] = (crc >> 16) & 0xff;
	raw[len + 3] = (crc >> 24) & 0xff;
	if (tr_b64_encode(raw, len + CRC_LEN, b64, sizeof(b64)) < 0)
		goto fail;
	n = snprintf(out, cap, "NVMeTLSkey-1:%02d:%s:", hash, b64);
	if (n < 0 || (size_t)n >= cap)
		goto fail;
	ret = 0;
	goto out;
fail:
	tr_error_set(err, TR_EXIT_FAILURE,
		     "cannot encode the PSK interchange string");
out:
	tr_wipe(raw, sizeof(raw));
	tr_wipe(b64, sizeof(b64));
	return ret;
}

int tr_nqn_check(const char *what, const char *nqn, struct tr_error *err)
{
	size_t len, i;

	if (!nqn || !*nqn) {
		tr_error_set(err, TR_EXIT_USAGE, "%s is missing", what);
		return -1;
	}
	len = strlen(nqn);
	if (len > TR_NQN_MAX) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "%s is %zu bytes long; NQNs have at most %d",
			     what, len, TR_NQN_MAX);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)nqn[i];

		if (c <= ' ' || c >= 0x7f) {
			tr_error_set(err, TR_EXIT_BADINPUT,
				     "%s contains a space or a non-printable byte at offset %zu",
				     what, i);
			return -1;
		}
	}
	return 0;
}

/*
 * The HKDF info of HKDF-Expand-Label. RFC 8446 §7.1 HkdfLabel: u16 length
 * in network order, then label and context each after a length byte.
 * compat: what libnvme <= 1.15 sends instead, the length in little-endian
 * (host) order and no length bytes, so that PSKs agree with peers set up
 * by nvme-cli <= 2.15. Returns the info length, 0 if it does not fit.
 */
static size_t label_info(int compat, const char *label, const void *ctx,
			 size_t ctx_len, size_t out_len, uint8_t *info)
{
	size_t label_len = strlen(label), n = 0;

	if (6 + label_len > 255 || ctx_len > 255 || out_len > 0xffff)
		return 0;
	info[n++] = (uint8_t)(compat ? out_len : out_len >> 8);
	info[n++] = (uint8_t)(compat ? out_len >> 8 : out_len);
	if (!compat)
		info[n++] = (uint8_t)(6 + label_len);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, label_len);
	n += label_len;
	if (!compat)
		info[n++] = (uint8_t)ctx_len;
	memcpy(info + n, ctx, ctx_len);
	return n + ctx_len;
}

static int expand_label(int hash, int compat, const uint8_t *prk,
			const char *label, const void *ctx, size_t ctx_len,
			uint8_t *out, size_t out_len)
{
	uint8_t info[LABEL_INFO_MAX];
	gnutls_datum_t key = { (unsigned char *)prk,
			       (unsigned int)tr_psk_hash_len(hash) };
	gnutls_datum_t inf = { info, 0 };

	inf.size = (unsigned int)label_info(compat, label, ctx, ctx_len,
					    out_len, info);
	if (!inf.size)
		return -1;
	return gnutls_hkdf_expand(hash_mac(hash), &key, &inf, out, out_len) < 0
		       ? -1 : 0;
}

/* HKDF-Extract with a zero salt; prk gets the hash length. */
static int extract(int hash, const uint8_t *ikm, size_t len, uint8_t *prk)
{
	static const uint8_t zeros[HASH_MAX];
	gnutls_datum_t key = { (unsigned char *)ikm, (unsigned int)len };
	gnutls_datum_t salt = { (unsigned char *)zeros,
				(unsigned int)tr_psk_hash_len(hash) };

	return gnutls_hkdf_extract(hash_mac(hash), &key, &salt, prk) < 0
		       ? -1 : 0;
}

static int label_from(int hash, int compat, const uint8_t *ikm,
		      size_t ikm_len, const char *label, const void *ctx,
		      size_t ctx_len, uint8_t *out, size_t out_len)
{
	uint8_t prk[HASH_MAX];
	int ret;

	ret = extract(hash, ikm, ikm_len, prk);
	if (ret == 0)
		ret = expand_label(hash, compat, prk, label, ctx, ctx_len,
				   out, out_len);
	tr_wipe(prk, sizeof(prk));
	return ret;
}

int tr_psk_derive_retained(int hash, const char *hostnqn, int compat,
			   const uint8_t *configured, size_t len, uint8_t *out,
			   struct tr_error *err)
{
	if (check_psk_len(hash, len, err) < 0 ||
	    tr_nqn_check("the host NQN", hostnqn, err) < 0)
		return -1;
	if (hash == TR_PSK_HASH_NONE) {
		memcpy(out, configured, len);
		return 0;
	}
	if (label_from(hash, compat, configured, len, "HostNQN", hostnqn,
		       strlen(hostnqn), out, len) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot derive the retained PSK (gnutls HKDF failed)");
		return -1;
	}
	return 0;
}

/* base64(HMAC(retained, "<hostnqn> <subnqn> NVMe-over-Fabrics")) */
static int psk_digest(int hash, const struct tr_psk_params *p,
		      const uint8_t *retained, size_t len, char *out,
		      size_t cap)
{
	char msg[2 * TR_NQN_MAX + 32];
	uint8_t mac[HASH_MAX];
	int n, ret;

	n = snprintf(msg, sizeof(msg), "%s %s NVMe-over-Fabrics", p->hostnqn,
		     p->subnqn);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return -1;
	if (gnutls_hmac_fast(hash_mac(hash), retained, len, msg, (size_t)n,
			     mac) < 0)
		return -1;
	ret = tr_b64_encode(mac, (size_t)tr_psk_hash_len(hash), out, cap);
	tr_wipe(mac, sizeof(mac));
	return ret;
}

static int check_params(const struct tr_psk_params *p, struct tr_error *err)
{
	if (tr_nqn_check("the host NQN", p->hostnqn, err) < 0 ||
	    tr_nqn_check("the subsystem NQN", p->subnqn, err) < 0)
		return -1;
	if (p->identity_version != 0 && p->identity_version != 1) {
		tr_error_set(err, TR_EXIT_USAGE,
			     "PSK identity version %d is unknown; use 0 or 1",
			     p->identity_version);
		return -1;
	}
	if (p->compat != 0 && p->compat != 1) {
		tr_error_set(err, TR_EXIT_USAGE,
			     "PSK derivation mode %d is unknown; use 0 (RFC 8446) or 1 (compat)",
			     p->compat);
		return -1;
	}
	return 0;
}

/* Identity and the context its TLS PSK is derived with. */
static int make_identity(const struct tr_psk_params *p, int hash,
			 const uint8_t *retained, size_t len,
			 struct tr_psk_derived *out, char *ctx, size_t ctx_cap,
			 struct tr_error *err)
{
	char digest[HASH_MAX * 2];
	int n;

	if (p->identity_version == 0) {
		n = snprintf(out->identity, sizeof(out->identity),
			     "NVMe0R%02d %s %s", hash, p->hostnqn, p->subnqn);
		if (n < 0 || (size_t)n > 255 || (size_t)n >= ctx_cap) {
			tr_error_set(err, TR_EXIT_BADINPUT,
				     "the version 0 PSK identity would be %d bytes, over the 255 its derivation allows; use shorter NQNs or identity version 1",
				     n);
			return -1;
		}
		memcpy(ctx, out->identity, (size_t)n + 1);
		return 0;
	}
	if (psk_digest(hash, p, retained, len, digest, sizeof(digest)) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot compute the PSK digest (gnutls HMAC failed)");
		return -1;
	}
	snprintf(out->identity, sizeof(out->identity), "NVMe1R%02d %s %s %s",
		 hash, p->hostnqn, p->subnqn, digest);
	snprintf(ctx, ctx_cap, "%02d %s", hash, digest);
	return 0;
}

int tr_psk_derive(const struct tr_psk_params *p, const uint8_t *configured,
		  size_t len, int hash, struct tr_psk_derived *out,
		  struct tr_error *err)
{
	uint8_t retained[HASH_MAX];
	char ctx[256];
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (check_params(p, err) < 0 || check_psk_len(hash, len, err) < 0)
		return -1;
	if (tr_psk_derive_retained(hash, p->hostnqn, p->compat, configured,
				   len, retained, err) < 0)
		goto out;
	out->hash = tr_psk_effective_hash(hash, len);
	out->len = len;
	if (make_identity(p, out->hash, retained, len, out, ctx, sizeof(ctx),
			  err) < 0)
		goto out;
	if (label_from(out->hash, p->compat, retained, len, "nvme-tls-psk",
		       ctx, strlen(ctx), out->tls_psk, len) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot derive the TLS PSK (gnutls HKDF failed)");
		goto out;
	}
	ret = 0;
out:
	tr_wipe(retained, sizeof(retained));
	if (ret < 0)
		tr_wipe(out, sizeof(*out));
	return ret;
}

/* Split off the next space-separated field of an identity. */
static const char *next_field(const char *s, char *out, size_t cap)
{
	size_t n = strcspn(s, " ");

	if (n == 0 || n >= cap)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return s[n] == ' ' ? s + n + 1 : s + n;
}

static int identity_fail(struct tr_error *err, const char *why)
{
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "not an NVMe TLS PSK identity (%s); expected 'NVMe<0|1><R|G><01|02> <hostnqn> <subnqn>[ <digest>]'",
		     why);
	return -1;
}

int tr_psk_identity_parse(const char *identity, int *version, int *hash,
			  struct tr_error *err)
{
	char head[16], host[TR_NQN_MAX + 2], sub[TR_NQN_MAX + 2], dig[72];
	const char *s = identity;
	size_t dlen, len = strlen(identity);

	if (len >= TR_PSK_IDENTITY_MAX)
		return identity_fail(err, "too long");
	if (len && identity[len - 1] == ' ')
		return identity_fail(err, "trailing space");
	s = next_field(s, head, sizeof(head));
	if (!s || strlen(head) != 8 || memcmp(head, "NVMe", 4) ||
	    (head[4] != '0' && head[4] != '1') ||
	    (head[5] != 'R' && head[5] != 'G') || head[6] != '0' ||
	    (head[7] != '1' && head[7] != '2'))
		return identity_fail(err, "bad prefix");
	*version = head[4] - '0';
	*hash = head[7] - '0';
	s = next_field(s, host, sizeof(host));
	if (!s || tr_nqn_check("the host NQN", host, err) < 0)
		return identity_fail(err, "bad host NQN");
	s = next_field(s, sub, sizeof(sub));
	if (!s || tr_nqn_check("the subsystem NQN", sub, err) < 0)
		return identity_fail(err, "bad subsystem NQN");
	if (*version == 0)
		return *s ? identity_fail(err, "extra field after v0 identity")
			  : 0;
	s = next_field(s, dig, sizeof(dig));
	dlen = s ? strlen(dig) : 0;
	if (!s || *s || dlen != (size_t)(*hash == 1 ? 44 : 64) ||
	    tr_b64_check(dig, dlen) < 0)
		return identity_fail(err, "bad or missing v1 digest");
	return 0;
}
