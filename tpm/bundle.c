// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sealed-bundle file format, tlsroot-bundle(5). Everything here reads
 * untrusted bytes: every length is checked before it is used.
 */
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <tss2/tss2_mu.h>

#include "tpm/signed_policy.h"
#include "tpm/tpm.h"
#include "tpm/wire.h"

/* The 8 magic bytes, without a terminating NUL (gcc 16 warns otherwise). */
static const char bundle_magic[TR_BUNDLE_MAGIC_LEN] = {
	'T', 'L', 'S', 'R', 'O', 'O', 'T', 'B'
};
static const char payload_key_info[] = "tlsroot-bundle-v1 aes-256-gcm";

const char *tr_bundle_kind_name(int kind)
{
	switch (kind) {
	case TR_BUNDLE_X509:
		return "x509";
	case TR_BUNDLE_PSK:
		return "psk";
	}
	return "unknown";
}

int tr_identity_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > TR_IDENTITY_NAME_MAX || name[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static int corrupt(struct tr_error *err, const char *what)
{
	tr_error_set(err, TR_EXIT_CORRUPT,
		     "bundle is corrupt or truncated (%s); reseal the identity or restore the file",
		     what);
	return -1;
}

static int check_tpm_blobs(const struct tr_bundle_header *h)
{
	TPM2B_PUBLIC pub;
	TPM2B_PRIVATE priv;
	size_t off = 0;

	memset(&pub, 0, sizeof(pub));
	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(h->pub, h->pub_len, &off, &pub) ||
	    off != h->pub_len || pub.publicArea.type != TPM2_ALG_KEYEDHASH)
		return -1;
	off = 0;
	if (Tss2_MU_TPM2B_PRIVATE_Unmarshal(h->priv, h->priv_len, &off,
					    &priv) || off != h->priv_len)
		return -1;
	return 0;
}

/* Version 4 binds its lock PCR directly, and any PCRs sealed beside it. */
static uint32_t lock_mask(const struct tr_bundle_header *h)
{
	if (h->lock_pcr == TR_LOCK_PCR_NONE)
		return 0;
	return h->lock_pcr < TR_PCR_COUNT ? 1u << h->lock_pcr : ~0u;
}

static int parse_pcrs(struct tr_wire *r, struct tr_bundle_header *h,
		      struct tr_error *err)
{
	unsigned i;

	if (tr_wire_u16(r, &h->pcr_bank) < 0 ||
	    tr_wire_u32(r, &h->pcr_mask) < 0 || tr_wire_u8(r, &h->lock_pcr) < 0)
		return corrupt(err, "PCR selection truncated");
	if (h->pcr_bank != TPM2_ALG_SHA256)
		return corrupt(err, "PCR bank is not sha256");
	if (h->version == TR_BUNDLE_VERSION_SIGNED) {
		if ((h->pcr_mask >> TR_PCR_COUNT) ||
		    (h->pcr_mask & lock_mask(h)) != lock_mask(h))
			return corrupt(err, "bad PCR mask for a signed-policy bundle");
	} else if (h->pcr_mask == 0 || (h->pcr_mask >> TR_PCR_COUNT)) {
		return corrupt(err, "bad PCR mask");
	}
	if (h->lock_pcr != TR_LOCK_PCR_NONE &&
	    (h->lock_pcr >= TR_PCR_COUNT || !(h->pcr_mask >> h->lock_pcr & 1)))
		return corrupt(err, "lock PCR outside the PCR mask");
	for (i = 0; i < TR_PCR_COUNT; i++)
		if ((h->pcr_mask >> i & 1) &&
		    tr_wire_bytes(r, h->pcr_values[i], TR_DIGEST_LEN) < 0)
			return corrupt(err, "PCR values truncated");
	return 0;
}

/*
 * Versions 2 and 3: the revocation counter, only ever in tlsroot's range;
 * version 3 says "none" with both fields 0.
 */
static int parse_counter(struct tr_wire *r, struct tr_bundle_header *h,
			 struct tr_error *err)
{
	if (h->version < TR_BUNDLE_VERSION_COUNTER)
		return 0;
	if (tr_wire_u32(r, &h->nv_index) < 0 ||
	    tr_wire_u64(r, &h->generation) < 0)
		return corrupt(err, "revocation counter truncated");
	if (h->version >= TR_BUNDLE_VERSION_PIN_KDF && !h->nv_index) {
		if (h->generation)
			return corrupt(err, "revocation generation without a counter");
		return 0;
	}
	if (h->nv_index < TR_COUNTER_BASE || h->nv_index > TR_COUNTER_BASE + 0xffff)
		return corrupt(err, "revocation counter outside tlsroot's NV range");
	return 0;
}

/*
 * Version 3, and 4 with a PIN: the salt and iteration count of the PIN's
 * PBKDF2.
 */
static int parse_pin_kdf(struct tr_wire *r, struct tr_bundle_header *h,
			 struct tr_error *err)
{
	if (h->version < TR_BUNDLE_VERSION_PIN_KDF ||
	    (h->version == TR_BUNDLE_VERSION_SIGNED &&
	     !(h->flags & TR_BUNDLE_FLAG_PIN)))
		return 0;
	if (!(h->flags & TR_BUNDLE_FLAG_PIN))
		return corrupt(err, "version 3 without the PIN flag");
	if (tr_wire_bytes(r, h->pin_salt, sizeof(h->pin_salt)) < 0 ||
	    tr_wire_u32(r, &h->pin_iterations) < 0)
		return corrupt(err, "PIN key derivation truncated");
	if (!tr_pin_iterations_valid(h->pin_iterations))
		return corrupt(err, "PIN iteration count outside 1000..10000000");
	return 0;
}

/* Version 4: the PCRs the signed policies cover, and the key that signs. */
static int parse_signed(struct tr_wire *r, struct tr_bundle_header *h,
			struct tr_error *err)
{
	struct tr_policy_key *k = &h->policy_key;

	if (h->version != TR_BUNDLE_VERSION_SIGNED)
		return 0;
	if (tr_wire_u32(r, &h->policy_pcrs) < 0 ||
	    tr_wire_blob(r, k->pub, sizeof(k->pub), &k->pub_len) < 0)
		return corrupt(err, "signed policy key truncated");
	if (h->policy_pcrs == 0 || h->policy_pcrs >> TR_PCR_COUNT ||
	    h->policy_pcrs & h->pcr_mask)
		return corrupt(err, "bad signed policy PCR mask");
	if (tr_policy_key_check(k) < 0)
		return corrupt(err, "signed policy key is not an ECC P-256 or RSA key");
	return 0;
}

static int parse_name_kind(struct tr_wire *r, struct tr_bundle_header *h,
			   struct tr_error *err)
{
	uint8_t name_len;

	if (tr_wire_u8(r, &h->kind) < 0 || tr_wire_u8(r, &h->flags) < 0 ||
	    tr_wire_u8(r, &name_len) < 0)
		return corrupt(err, "header truncated");
	if (h->kind != TR_BUNDLE_X509 && h->kind != TR_BUNDLE_PSK)
		return corrupt(err, "unknown identity kind");
	if (h->flags & ~TR_BUNDLE_FLAG_PIN)
		return corrupt(err, "unknown flags");
	if (name_len > TR_IDENTITY_NAME_MAX ||
	    tr_wire_bytes(r, h->name, name_len) < 0)
		return corrupt(err, "name truncated");
	h->name[name_len] = '\0';
	if (!tr_identity_name_valid(h->name))
		return corrupt(err, "bad identity name");
	return 0;
}

static int parse_tpm_part(struct tr_wire *r, struct tr_bundle_header *h,
			  struct tr_error *err)
{
	uint16_t policy_len;

	if (tr_wire_u16(r, &policy_len) < 0 || policy_len != TR_DIGEST_LEN ||
	    tr_wire_bytes(r, h->policy, TR_DIGEST_LEN) < 0)
		return corrupt(err, "policy digest truncated");
	if (tr_wire_blob(r, h->srk, sizeof(h->srk), &h->srk_len) < 0 ||
	    tr_wire_blob(r, h->pub, sizeof(h->pub), &h->pub_len) < 0 ||
	    tr_wire_blob(r, h->priv, sizeof(h->priv), &h->priv_len) < 0)
		return corrupt(err, "TPM objects truncated");
	if (check_tpm_blobs(h) < 0)
		return corrupt(err, "sealed key is not a TPM keyedhash object");
	return 0;
}

int tr_bundle_parse(const uint8_t *buf, size_t len, struct tr_bundle_header *h,
		    struct tr_error *err)
{
	struct tr_wire r = { .buf = (uint8_t *)buf, .len = len };
	uint8_t magic[TR_BUNDLE_MAGIC_LEN];
	uint32_t payload_len;

	memset(h, 0, sizeof(*h));
	if (tr_wire_bytes(&r, magic, sizeof(magic)) < 0 ||
	    memcmp(magic, bundle_magic, sizeof(magic)) != 0)
		return corrupt(err, "not a tlsroot bundle: bad magic");
	if (tr_wire_u16(&r, &h->version) < 0)
		return corrupt(err, "version truncated");
	if (h->version < TR_BUNDLE_VERSION_PLAIN ||
	    h->version > TR_BUNDLE_VERSION) {
		tr_error_set(err, TR_EXIT_VERSION,
			     "bundle has format version %u, this tlsroot reads versions %u to %u; use a matching tlsroot or reseal",
			     h->version, TR_BUNDLE_VERSION_PLAIN, TR_BUNDLE_VERSION);
		return -1;
	}
	if (parse_name_kind(&r, h, err) < 0 || parse_pcrs(&r, h, err) < 0 ||
	    parse_counter(&r, h, err) < 0 || parse_pin_kdf(&r, h, err) < 0 ||
	    parse_signed(&r, h, err) < 0 || parse_tpm_part(&r, h, err) < 0)
		return -1;
	if (tr_wire_bytes(&r, h->nonce, sizeof(h->nonce)) < 0 ||
	    tr_wire_u32(&r, &payload_len) < 0)
		return corrupt(err, "payload header truncated");
	h->header_len = r.off;
	if (payload_len == 0 || payload_len > len ||
	    len - r.off != (size_t)payload_len + TR_BUNDLE_TAG_LEN)
		return corrupt(err, len - r.off < (size_t)payload_len +
					    TR_BUNDLE_TAG_LEN ?
					   "payload truncated" :
					   "payload length mismatch");
	h->sealed = buf + r.off;
	h->sealed_len = len - r.off;
	return 0;
}

int tr_pin_iterations_valid(uint32_t n)
{
	return n >= TR_PIN_KDF_ITERATIONS_MIN && n <= TR_PIN_KDF_ITERATIONS_MAX;
}

uint16_t tr_bundle_version_of(const struct tr_bundle_header *h)
{
	if (h->policy_key.pub_len)
		return TR_BUNDLE_VERSION_SIGNED;
	if (h->flags & TR_BUNDLE_FLAG_PIN)
		return TR_BUNDLE_VERSION_PIN_KDF;
	return h->nv_index ? TR_BUNDLE_VERSION_COUNTER :
			     TR_BUNDLE_VERSION_PLAIN;
}

const char *tr_bundle_pin_kdf_name(const struct tr_bundle_header *h)
{
	if (!(h->flags & TR_BUNDLE_FLAG_PIN))
		return NULL;
	return h->version >= TR_BUNDLE_VERSION_PIN_KDF ? "pbkdf2-sha256" :
							  "sha256";
}

static int write_header(struct tr_wire *w, const struct tr_bundle_header *h,
			uint32_t payload_len)
{
	size_t name_len = strlen(h->name);
	uint16_t version = tr_bundle_version_of(h);
	unsigned i;

	tr_wire_put(w, bundle_magic, sizeof(bundle_magic));
	tr_wire_put_u16(w, version);
	tr_wire_put_u8(w, h->kind);
	tr_wire_put_u8(w, h->flags);
	tr_wire_put_u8(w, (uint8_t)name_len);
	tr_wire_put(w, h->name, name_len);
	tr_wire_put_u16(w, TPM2_ALG_SHA256);
	tr_wire_put_u32(w, h->pcr_mask);
	tr_wire_put_u8(w, h->lock_pcr);
	for (i = 0; i < TR_PCR_COUNT; i++)
		if (h->pcr_mask >> i & 1)
			tr_wire_put(w, h->pcr_values[i], TR_DIGEST_LEN);
	if (version >= TR_BUNDLE_VERSION_COUNTER) {
		tr_wire_put_u32(w, h->nv_index);
		tr_wire_put_u64(w, h->nv_index ? h->generation : 0);
	}
	if (h->flags & TR_BUNDLE_FLAG_PIN &&
	    version >= TR_BUNDLE_VERSION_PIN_KDF) {
		tr_wire_put(w, h->pin_salt, sizeof(h->pin_salt));
		tr_wire_put_u32(w, h->pin_iterations);
	}
	if (version == TR_BUNDLE_VERSION_SIGNED) {
		tr_wire_put_u32(w, h->policy_pcrs);
		tr_wire_put_u16(w, (uint16_t)h->policy_key.pub_len);
		tr_wire_put(w, h->policy_key.pub, h->policy_key.pub_len);
	}
	tr_wire_put_u16(w, TR_DIGEST_LEN);
	tr_wire_put(w, h->policy, TR_DIGEST_LEN);
	tr_wire_put_u16(w, (uint16_t)h->srk_len);
	tr_wire_put(w, h->srk, h->srk_len);
	tr_wire_put_u16(w, (uint16_t)h->pub_len);
	tr_wire_put(w, h->pub, h->pub_len);
	tr_wire_put_u16(w, (uint16_t)h->priv_len);
	tr_wire_put(w, h->priv, h->priv_len);
	tr_wire_put(w, h->nonce, sizeof(h->nonce));
	tr_wire_put_u32(w, payload_len);
	return w->overflow ? -1 : 0;
}

/* HKDF-SHA256: extract with an all-zero salt, expand with a fixed label. */
static int derive_payload_key(const uint8_t key[TR_SEALED_KEY_LEN],
			      uint8_t out[32])
{
	uint8_t salt_bytes[32] = { 0 }, prk[32];
	gnutls_datum_t ikm = { (unsigned char *)key, TR_SEALED_KEY_LEN };
	gnutls_datum_t salt = { salt_bytes, sizeof(salt_bytes) };
	gnutls_datum_t prk_d = { prk, sizeof(prk) };
	gnutls_datum_t info = { (unsigned char *)payload_key_info,
				sizeof(payload_key_info) - 1 };
	int rc;

	rc = gnutls_hkdf_extract(GNUTLS_MAC_SHA256, &ikm, &salt, prk);
	if (rc == 0)
		rc = gnutls_hkdf_expand(GNUTLS_MAC_SHA256, &prk_d, &info, out,
					32);
	tr_wipe(prk, sizeof(prk));
	return rc;
}

static int aead_init(gnutls_aead_cipher_hd_t *hd,
		     const uint8_t key[TR_SEALED_KEY_LEN], struct tr_error *err)
{
	uint8_t aes_key[32];
	gnutls_datum_t k = { aes_key, sizeof(aes_key) };
	int rc;

	rc = derive_payload_key(key, aes_key);
	if (rc == 0)
		rc = gnutls_aead_cipher_init(hd, GNUTLS_CIPHER_AES_256_GCM, &k);
	tr_wipe(aes_key, sizeof(aes_key));
	if (rc < 0)
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot set up AES-256-GCM: %s",
			     gnutls_strerror(rc));
	return rc < 0 ? -1 : 0;
}

int tr_bundle_build(const struct tr_bundle_header *h,
		    const uint8_t key[TR_SEALED_KEY_LEN],
		    const uint8_t *payload, size_t payload_len,
		    uint8_t **out, size_t *out_len, struct tr_error *err)
{
	struct tr_wire w = { 0 };
	gnutls_aead_cipher_hd_t hd = NULL;
	size_t ct_len, hdr_len;
	int rc;

	*out = NULL;
	/* What the parser would refuse: a PIN authValue nothing can derive. */
	if ((h->flags & TR_BUNDLE_FLAG_PIN) &&
	    !tr_pin_iterations_valid(h->pin_iterations)) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "internal error: PIN iteration count %u outside %u..%u",
			     h->pin_iterations, TR_PIN_KDF_ITERATIONS_MIN,
			     TR_PIN_KDF_ITERATIONS_MAX);
		return -1;
	}
	if (!payload_len || payload_len > TR_BUNDLE_MAX) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "identity of %zu bytes does not fit a bundle",
			     payload_len);
		return -1;
	}
	w.len = TR_BUNDLE_MAX + 4096;
	w.buf = malloc(w.len);
	if (!w.buf) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	if (write_header(&w, h, (uint32_t)payload_len) < 0 ||
	    w.len - w.off < payload_len + TR_BUNDLE_TAG_LEN) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "identity too large for a bundle");
		goto fail;
	}
	hdr_len = w.off;
	if (aead_init(&hd, key, err) < 0)
		goto fail;
	ct_len = w.len - w.off;
	rc = gnutls_aead_cipher_encrypt(hd, h->nonce, sizeof(h->nonce), w.buf,
					hdr_len, TR_BUNDLE_TAG_LEN, payload,
					payload_len, w.buf + hdr_len, &ct_len);
	gnutls_aead_cipher_deinit(hd);
	if (rc < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "AES-256-GCM failed: %s",
			     gnutls_strerror(rc));
		goto fail;
	}
	*out = w.buf;
	*out_len = hdr_len + ct_len;
	return 0;
fail:
	free(w.buf);
	return -1;
}

int tr_bundle_open(const struct tr_bundle_header *h,
		   const uint8_t key[TR_SEALED_KEY_LEN],
		   struct tr_secret *payload, struct tr_error *err)
{
	gnutls_aead_cipher_hd_t hd = NULL;
	size_t pt_len;
	int rc;

	if (h->sealed_len <= TR_BUNDLE_TAG_LEN)
		return corrupt(err, "no payload");
	pt_len = h->sealed_len - TR_BUNDLE_TAG_LEN;
	if (tr_secret_alloc(payload, pt_len, err) < 0)
		return -1;
	if (aead_init(&hd, key, err) < 0)
		goto fail;
	rc = gnutls_aead_cipher_decrypt(hd, h->nonce, sizeof(h->nonce),
					h->sealed - h->header_len,
					h->header_len, TR_BUNDLE_TAG_LEN,
					h->sealed, h->sealed_len,
					payload->data, &pt_len);
	gnutls_aead_cipher_deinit(hd);
	if (rc < 0) {
		corrupt(err, "payload authentication failed");
		goto fail;
	}
	payload->len = pt_len;
	return 0;
fail:
	tr_secret_free(payload);
	return -1;
}
