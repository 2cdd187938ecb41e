/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to tpm/: what the policy, ESAPI and counter modules share. */
#ifndef TLSROOT_TPM_PRIVATE_H
#define TLSROOT_TPM_PRIVATE_H

#include <stdint.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_tpm2_types.h>

#include "tpm/tpm.h"

/* One SHA-256 selection with the PCRs of mask (bit n: PCR n). */
void tr_pcr_selection(uint32_t mask, TPML_PCR_SELECTION *sel);

/* The TPM response code of rc for comparisons (format-1 fields masked). */
uint32_t tr_tpm_rc_base(uint32_t rc);

/* The ESAPI connection of tr_tpm_open(). */
struct tr_tpm {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
	ESYS_TR srk;             /* the TPM's SRK, ESYS_TR_NONE until needed */
	int srk_transient;       /* created for this run only: flush it */
	ESYS_TR session;         /* salted HMAC session, kept for all bundles */
};

/*
 * The revocation counter of an identity: an 8-byte NV counter the owner
 * hierarchy (empty auth) defines and increments, readable with its own
 * empty auth. Exempt from dictionary-attack counting.
 */
#define TR_COUNTER_ATTRS                                         \
	(TPMA_NV_OWNERWRITE | TPMA_NV_AUTHREAD | TPMA_NV_NO_DA | \
	 ((TPMA_NV)TPM2_NT_COUNTER << TPMA_NV_TPM2_NT_SHIFT))

struct tr_counter {
	uint32_t index;
	ESYS_TR tr;              /* ESYS_TR_NONE until opened */
	int ours;                /* an 8-byte counter with TR_COUNTER_ATTRS */
	int written;             /* TPMA_NV_WRITTEN: readable, Name final */
	TPM2B_NAME name;
	uint64_t value;
};

/* Whether a persistent object or NV index is at handle. */
int tr_tpm_handle_exists(struct tr_tpm *t, uint32_t handle, int *found,
			 struct tr_error *err);

/*
 * Seal: the identity's counter, defined (and written once) if missing,
 * advanced for TR_REVOCATION_ADVANCE; c->value is the generation to bind.
 */
int tr_counter_prepare(struct tr_tpm *t, const struct tr_seal_request *req,
		       struct tr_counter *c, struct tr_error *err);
/* Unseal: the bundle's counter must still be at most its generation. */
int tr_counter_check(struct tr_tpm *t, const struct tr_bundle_header *h,
		     struct tr_counter *c, struct tr_error *err);
void tr_counter_close(struct tr_tpm *t, struct tr_counter *c);
/* The TR_EXIT_REVOKED error of bundle h; now: the counter's value. */
int tr_counter_revoked(const struct tr_bundle_header *h, struct tr_error *err,
		       const char *now);
/* The PolicyNV step of a version-2 bundle (in pc), NULL for version 1. */
const struct tr_policy_counter *
tr_counter_policy(const struct tr_bundle_header *h, const struct tr_counter *c,
		  struct tr_policy_counter *pc);

/* The object policy of bundle h (with its PolicyNV step pc, or NULL). */
int tr_tpm_header_policy(const struct tr_bundle_header *h,
			 const struct tr_policy_counter *pc,
			 uint8_t out[TR_DIGEST_LEN], struct tr_error *err);
/* A policy session, salted when it will carry a PIN's HMAC. */
int tr_tpm_policy_session(struct tr_tpm *t, int pin, ESYS_TR *ps,
			  struct tr_error *err);
/* PolicyPCR over the current values of the PCRs in mask. */
TSS2_RC tr_tpm_policy_pcr(struct tr_tpm *t, ESYS_TR ps, uint32_t mask);
/*
 * Version 4: find a signed policy of set for the bundle's key and the
 * PCRs' current values, and authorize it in session ps (tpm/authorize.c).
 * TR_EXIT_NOPOLICY when none matches, or the signatures of all that match
 * do not verify (the error names the last).
 */
int tr_authorize_signed(struct tr_tpm *t, const struct tr_bundle_header *h,
			const struct tr_policy_set *set, ESYS_TR ps,
			struct tr_error *err);

#endif
