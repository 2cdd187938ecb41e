/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd's signed PCR policies: the JSON that systemd-measure sign (and
 * ukify build --pcr-private-key) writes into a UKI's .pcrsig section and
 * systemd-stub hands to the initrd as /.extra/tpm2-pcr-signature.json
 * (tlsroot-policy(8)). One object, keyed by PCR bank, each an array of
 * entries, one per signed boot phase:
 *
 *   {"sha256":[{"pcrs":[11],"pkfp":"<64 hex>","pol":"<64 hex>",
 *               "sig":"<base64>"}, ...], "sha1":[...], ...}
 *
 *   pcrs  the PCRs of the PolicyPCR, 0..23 (systemd: 11)
 *   pkfp  SHA-256 of the signing key as i2d_PublicKey writes it
 *         (tr_policy_key_pkfp)
 *   pol   the approved policy: TPM2_PolicyPCR over those PCRs' values in
 *         this bank (a SHA-256 policy digest)
 *   sig   over SHA-256(pol), which is TPM2_PolicyAuthorize's aHash with an
 *         empty policyRef: RSASSA-PKCS1-v1_5 (the raw signature, 2048..4096
 *         bits) or, from an ECC key, ECDSA (a DER ECDSA-Sig-Value)
 *
 * Only the sha256 bank is read (tlsroot binds SHA-256 PCRs); the other
 * banks are ignored. An entry carries no PCR values: the unseal compares
 * pol with the TPM's PolicyPCR digest of the PCRs as they are.
 */
#ifndef TLSROOT_TPM_PCRSIG_H
#define TLSROOT_TPM_PCRSIG_H

#include <stddef.h>
#include <stdint.h>

#include "tpm/signed_policy.h"

#define TR_PCRSIG_FILE_MAX (64 * 1024)
#define TR_PCRSIG_ENTRIES_MAX 64       /* of the sha256 bank */
#define TR_PCRSIG_SUFFIX ".json"

/* 1 if buf is meant as JSON: its first byte but blanks is '{'. */
int tr_pcrsig_detect(const uint8_t *buf, size_t len);

/*
 * Parse the sha256 entries of buf into p[0..*n-1] (format
 * TR_POLICY_PCRSIG, entry 1.., origin NULL), at most max of them.
 * Anything but one JSON object of that form, no sha256 entry, or more
 * than max give TR_EXIT_BADINPUT with one line naming what is wrong.
 */
int tr_pcrsig_parse(const uint8_t *buf, size_t len,
		    struct tr_signed_policy *p, size_t max, size_t *n,
		    struct tr_error *err);

#endif
