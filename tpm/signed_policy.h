/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signed PCR policies (TPM2_PolicyAuthorize): the owner's public key as
 * the TPM sees it, the .tpol file that carries one approved PolicyPCR
 * digest with its signature (tlsroot-policy(8)), and signing one.
 *
 * A .tpol file (all integers little-endian, TPM structures big-endian):
 *   8       magic "TLSRPOL\0"
 *   2       version 1
 *   2       PCR bank 0x000B (SHA-256)
 *   4       PCR mask, not 0, PCRs 0..23
 *   32 each PCR values, ascending PCR order
 *   2 + 32  approved policy: PolicyPCR over those values (checked)
 *   2 + n   the signing key's Name: 0x000B || SHA-256 (n = 34)
 *   2 + n   TPMT_SIGNATURE over SHA-256(approved policy), ECDSA or
 *           RSASSA with SHA-256
 * and nothing after.
 */
#ifndef TLSROOT_TPM_SIGNED_POLICY_H
#define TLSROOT_TPM_SIGNED_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "tpm/tpm.h"

#define TR_POLICY_FILE_VERSION 1
#define TR_POLICY_FILE_MAX 4096
#define TR_POLICY_SIG_MAX 1024
#define TR_POLICY_KEY_FILE_MAX 16384
#define TR_POLICY_SUFFIX ".tpol"

/* Where a signed policy came from: its fields differ (tpm/pcrsig.h). */
enum tr_policy_format {
	TR_POLICY_TPOL = 0,       /* tlsroot's .tpol: values, key Name */
	TR_POLICY_PCRSIG = 1,     /* an entry of systemd's JSON: pkfp, no values */
};

struct tr_signed_policy {
	int format;                        /* enum tr_policy_format */
	uint32_t pcr_mask;
	uint8_t pcr_values[TR_PCR_COUNT][TR_DIGEST_LEN]; /* .tpol only */
	uint8_t approved[TR_DIGEST_LEN];
	uint8_t key_name[TR_TPM_NAME_MAX]; /* .tpol only */
	size_t key_name_len;
	uint8_t pkfp[TR_DIGEST_LEN];       /* pcrsig only: systemd's key fingerprint */
	unsigned entry;                    /* pcrsig only: 1.. in the sha256 bank */
	uint8_t sig[TR_POLICY_SIG_MAX];    /* marshalled TPMT_SIGNATURE */
	size_t sig_len;
	const char *origin;                /* the caller's: a path, for messages */
};

/*
 * The signed policies an unseal may try: each .tpol file one, each JSON
 * entry one, the entries of one file adjacent with the same origin.
 */
struct tr_policy_set {
	const struct tr_signed_policy *p;
	size_t n;
	/* The caller's, may be NULL: set to the policy that authorized. */
	const struct tr_signed_policy **used;
};

/* A policy for messages: "FILE", or "FILE entry N" in systemd's JSON. */
void tr_signed_policy_name(const struct tr_signed_policy *p, char *out,
			   size_t cap);

/*
 * Parse a .tpol file: bad magic, truncation, bad lengths, trailing bytes,
 * an approved policy that is not the PolicyPCR digest of its values, or a
 * signature that does not unmarshal give TR_EXIT_BADINPUT; another
 * version TR_EXIT_VERSION. origin is left NULL.
 */
int tr_signed_policy_parse(const uint8_t *buf, size_t len,
			   struct tr_signed_policy *p, struct tr_error *err);
/* Serialize p; *out is malloc'd. */
int tr_signed_policy_build(const struct tr_signed_policy *p, uint8_t **out,
			   size_t *out_len, struct tr_error *err);

/* An ECC P-256 or RSA (2048..4096) public key in PEM as the TPM's key. */
int tr_policy_key_from_pem(const uint8_t *pem, size_t len,
			   struct tr_policy_key *key, struct tr_error *err);
/*
 * Check a marshalled TPM2B_PUBLIC (key->pub) is a key tlsroot makes and
 * compute its Name into key->name.
 */
int tr_policy_key_check(struct tr_policy_key *key);
/*
 * systemd's fingerprint of a policy key (the "pkfp" of its JSON): SHA-256
 * of the key as OpenSSL's i2d_PublicKey writes it, the PKCS#1
 * RSAPublicKey DER of an RSA key, the uncompressed point 04 || X || Y of
 * an ECC one; -1 if key->pub does not parse.
 */
int tr_policy_key_pkfp(const struct tr_policy_key *key,
		       uint8_t out[TR_DIGEST_LEN]);
/*
 * A signature as OpenSSL makes it into a marshalled TPMT_SIGNATURE with
 * SHA-256: ecdsa, a DER ECDSA-Sig-Value of P-256 (r and s padded to 32
 * bytes); else RSASSA-PKCS1-v1_5, the raw signature. -1 if it does not
 * fit.
 */
int tr_policy_sig_marshal(const uint8_t *sig, size_t len, int ecdsa,
			  uint8_t *out, size_t cap, size_t *out_len);

/*
 * Sign the PolicyPCR digest of values (the PCRs of mask) with a PEM
 * private key (ECC P-256 or RSA): fills p but origin.
 */
int tr_signed_policy_sign(const struct tr_secret *key_pem, uint32_t mask,
			  const uint8_t values[][TR_DIGEST_LEN],
			  struct tr_signed_policy *p, struct tr_error *err);

/* "ecdsa-sha256" or "rsassa-sha256": the algorithm of p's signature. */
const char *tr_policy_sig_name(const struct tr_signed_policy *p);

/* Hex of a Name into out (2 * len + 1 bytes). */
void tr_hex(const uint8_t *p, size_t len, char *out);

#endif
