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

struct tr_signed_policy {
	uint32_t pcr_mask;
	uint8_t pcr_values[TR_PCR_COUNT][TR_DIGEST_LEN];
	uint8_t approved[TR_DIGEST_LEN];
	uint8_t key_name[TR_TPM_NAME_MAX];
	size_t key_name_len;
	uint8_t sig[TR_POLICY_SIG_MAX];    /* marshalled TPMT_SIGNATURE */
	size_t sig_len;
	const char *origin;                /* the caller's: a path, for messages */
};

/* The signed policies an unseal may try, and where they came from. */
struct tr_policy_set {
	const struct tr_signed_policy *p;
	size_t n;
	const char *source;                /* "DIR" or "the --policy files" */
};

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
 * Sign the PolicyPCR digest of values (the PCRs of mask) with a PEM
 * private key (ECC P-256 or RSA): fills p but origin.
 */
int tr_signed_policy_sign(const struct tr_secret *key_pem, uint32_t mask,
			  const uint8_t values[][TR_DIGEST_LEN],
			  struct tr_signed_policy *p, struct tr_error *err);

/* Hex of a Name into out (2 * len + 1 bytes). */
void tr_hex(const uint8_t *p, size_t len, char *out);

#endif
