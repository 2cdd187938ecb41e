// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The .tpol file of a signed PCR policy (layout in tpm/signed_policy.h,
 * tlsroot-policy(8)). The parser reads untrusted bytes: a .tpol file
 * ships next to a kernel image, and every length is checked before use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "tpm/signed_policy.h"
#include "tpm/tpm_private.h"
#include "tpm/wire.h"

/* 8 bytes, without a terminating NUL of its own. */
static const char policy_magic[TR_BUNDLE_MAGIC_LEN] = {
	'T', 'L', 'S', 'R', 'P', 'O', 'L', '\0'
};

void tr_hex(const uint8_t *p, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * len] = '\0';
}

const char *tr_policy_sig_name(const struct tr_signed_policy *p)
{
	unsigned alg = p->sig_len < 2 ? 0 : (unsigned)p->sig[0] << 8 | p->sig[1];

	return alg == TPM2_ALG_ECDSA ? "ecdsa-sha256" : "rsassa-sha256";
}

static int bad(struct tr_error *err, const char *what)
{
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "signed policy is corrupt or truncated (%s); sign it again with tlsroot policy sign",
		     what);
	return -1;
}

/* ECDSA or RSASSA, SHA-256: what tlsroot policy sign writes. */
static int signature_valid(const uint8_t *sig, size_t len)
{
	TPMT_SIGNATURE s;
	size_t off = 0;

	memset(&s, 0, sizeof(s));
	if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(sig, len, &off, &s) ||
	    off != len)
		return 0;
	if (s.sigAlg == TPM2_ALG_ECDSA)
		return s.signature.ecdsa.hash == TPM2_ALG_SHA256;
	if (s.sigAlg == TPM2_ALG_RSASSA)
		return s.signature.rsassa.hash == TPM2_ALG_SHA256;
	return 0;
}

static int parse_pcrs(struct tr_wire *r, struct tr_signed_policy *p,
		      struct tr_error *err)
{
	uint16_t bank;
	unsigned i;

	if (tr_wire_u16(r, &bank) < 0 || tr_wire_u32(r, &p->pcr_mask) < 0)
		return bad(err, "PCR selection truncated");
	if (bank != TPM2_ALG_SHA256)
		return bad(err, "PCR bank is not sha256");
	if (p->pcr_mask == 0 || p->pcr_mask >> TR_PCR_COUNT)
		return bad(err, "bad PCR mask");
	for (i = 0; i < TR_PCR_COUNT; i++)
		if ((p->pcr_mask >> i & 1) &&
		    tr_wire_bytes(r, p->pcr_values[i], TR_DIGEST_LEN) < 0)
			return bad(err, "PCR values truncated");
	return 0;
}

static int check_approved(const struct tr_signed_policy *p,
			  struct tr_error *err)
{
	uint8_t want[TR_DIGEST_LEN];

	if (tr_policy_digest(p->pcr_mask, p->pcr_values, NULL, 0, want,
			     err) < 0)
		return -1;
	if (memcmp(want, p->approved, TR_DIGEST_LEN))
		return bad(err, "approved policy is not the PolicyPCR digest of its values");
	return 0;
}

int tr_signed_policy_parse(const uint8_t *buf, size_t len,
			   struct tr_signed_policy *p, struct tr_error *err)
{
	struct tr_wire r = { .buf = (uint8_t *)buf, .len = len };
	uint8_t magic[TR_BUNDLE_MAGIC_LEN];
	uint16_t version, n;

	memset(p, 0, sizeof(*p));
	if (tr_wire_bytes(&r, magic, sizeof(magic)) < 0 ||
	    memcmp(magic, policy_magic, sizeof(magic)))
		return bad(err, "neither a .tpol (bad magic) nor systemd JSON (no '{')");
	if (tr_wire_u16(&r, &version) < 0)
		return bad(err, "version truncated");
	if (version != TR_POLICY_FILE_VERSION) {
		tr_error_set(err, TR_EXIT_VERSION,
			     "signed policy has format version %u, this tlsroot reads version %u; use a matching tlsroot",
			     version, TR_POLICY_FILE_VERSION);
		return -1;
	}
	if (parse_pcrs(&r, p, err) < 0)
		return -1;
	if (tr_wire_u16(&r, &n) < 0 || n != TR_DIGEST_LEN ||
	    tr_wire_bytes(&r, p->approved, TR_DIGEST_LEN) < 0)
		return bad(err, "approved policy truncated");
	if (tr_wire_blob(&r, p->key_name, sizeof(p->key_name),
		      &p->key_name_len) < 0 ||
	    p->key_name_len != 2 + TR_DIGEST_LEN ||
	    p->key_name[0] != (uint8_t)(TPM2_ALG_SHA256 >> 8) ||
	    p->key_name[1] != (uint8_t)TPM2_ALG_SHA256)
		return bad(err, "bad key Name");
	if (tr_wire_blob(&r, p->sig, sizeof(p->sig), &p->sig_len) < 0)
		return bad(err, "signature truncated");
	if (r.off != len)
		return bad(err, "bytes after the signature");
	if (!signature_valid(p->sig, p->sig_len))
		return bad(err, "signature is not ECDSA or RSASSA with SHA-256");
	return check_approved(p, err);
}

int tr_signed_policy_build(const struct tr_signed_policy *p, uint8_t **out,
			   size_t *out_len, struct tr_error *err)
{
	struct tr_wire w = { .len = TR_POLICY_FILE_MAX };
	unsigned i;

	*out = NULL;
	w.buf = malloc(w.len);
	if (!w.buf) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	tr_wire_put(&w, policy_magic, sizeof(policy_magic));
	tr_wire_put_u16(&w, TR_POLICY_FILE_VERSION);
	tr_wire_put_u16(&w, TPM2_ALG_SHA256);
	tr_wire_put_u32(&w, p->pcr_mask);
	for (i = 0; i < TR_PCR_COUNT; i++)
		if (p->pcr_mask >> i & 1)
			tr_wire_put(&w, p->pcr_values[i], TR_DIGEST_LEN);
	tr_wire_put_u16(&w, TR_DIGEST_LEN);
	tr_wire_put(&w, p->approved, TR_DIGEST_LEN);
	tr_wire_put_u16(&w, (uint16_t)p->key_name_len);
	tr_wire_put(&w, p->key_name, p->key_name_len);
	tr_wire_put_u16(&w, (uint16_t)p->sig_len);
	tr_wire_put(&w, p->sig, p->sig_len);
	if (w.overflow) {
		free(w.buf);
		tr_error_set(err, TR_EXIT_FAILURE,
			     "internal error: signed policy too large");
		return -1;
	}
	*out = w.buf;
	*out_len = w.off;
	return 0;
}
