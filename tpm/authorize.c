// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Signed PCR policies at unseal (TPM2_PolicyAuthorize): of the .tpol
 * files given, the first by the bundle's key whose approved PolicyPCR
 * digest the TPM reproduces from the PCRs as they are now and whose
 * signature the TPM verifies (a ticket), authorized in the policy session.
 */
#include <stdio.h>
#include <string.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>

#include "tpm/signed_policy.h"
#include "tpm/tpm_private.h"

static void pcr_list(uint32_t mask, char *out, size_t cap)
{
	size_t used = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < TR_PCR_COUNT && used < cap; i++)
		if (mask >> i & 1)
			used += (size_t)snprintf(out + used, cap - used, "%s%u",
						 used ? "," : "", i);
}

static int same_key(const struct tr_bundle_header *h,
		    const struct tr_signed_policy *p)
{
	return p->key_name_len == h->policy_key.name_len &&
	       !memcmp(p->key_name, h->policy_key.name, p->key_name_len);
}

/* None of set fits: by the key, or for these PCRs' values. */
static int no_policy(const struct tr_bundle_header *h,
		     const struct tr_policy_set *set, size_t by_key,
		     struct tr_error *err)
{
	char fpr[2 * TR_TPM_NAME_MAX + 1], pcrs[96];
	size_t n = set ? set->n : 0;
	const char *from = set && set->source ? set->source : "nowhere";

	tr_hex(h->policy_key.name, h->policy_key.name_len, fpr);
	pcr_list(h->policy_pcrs, pcrs, sizeof(pcrs));
	if (!n)
		tr_error_set(err, TR_EXIT_NOPOLICY,
			     "bundle %s needs a signed policy for PCRs %s by key %s; pass --policy FILE.tpol or --policy-dir D (tlsroot policy sign makes one)",
			     h->name, pcrs, fpr);
	else if (!by_key)
		tr_error_set(err, TR_EXIT_NOPOLICY,
			     "bundle %s: no signed policy by the bundle's key (fingerprint %s) among %zu files from %s; sign one with tlsroot policy sign and pass it with --policy or --policy-dir",
			     h->name, fpr, n, from);
	else
		tr_error_set(err, TR_EXIT_NOPOLICY,
			     "bundle %s: no signed policy for this boot's PCRs %s (tried %zu files from %s); sign one with tlsroot policy sign",
			     h->name, pcrs, by_key, from);
	return -1;
}

/* The session digest after PolicyPCR is p's approved policy. */
static int approved_now(struct tr_tpm *t, const struct tr_signed_policy *p,
			ESYS_TR ps, int *match, struct tr_error *err)
{
	TPM2B_DIGEST *d = NULL;
	TSS2_RC rc;

	rc = Esys_PolicyRestart(t->esys, ps, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE);
	if (rc == TSS2_RC_SUCCESS)
		rc = tr_tpm_policy_pcr(t, ps, p->pcr_mask);
	if (rc == TSS2_RC_SUCCESS)
		rc = Esys_PolicyGetDigest(t->esys, ps, ESYS_TR_NONE,
					  ESYS_TR_NONE, ESYS_TR_NONE, &d);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "running a signed PCR policy", err),
		       -1;
	*match = d->size == TR_DIGEST_LEN &&
		 !memcmp(d->buffer, p->approved, TR_DIGEST_LEN);
	Esys_Free(d);
	return 0;
}

/* The bundle's key into the owner hierarchy (a NULL one gives no ticket). */
static int load_key(struct tr_tpm *t, const struct tr_bundle_header *h,
		    ESYS_TR *key, struct tr_error *err)
{
	TPM2B_PUBLIC pub = { 0 };
	TPM2B_NAME *name = NULL;
	size_t off = 0;
	TSS2_RC rc;
	int same;

	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(h->policy_key.pub,
					   h->policy_key.pub_len, &off, &pub)) {
		tr_error_set(err, TR_EXIT_CORRUPT,
			     "bundle %s: its policy key does not parse; restore the bundle or reseal",
			     h->name);
		return -1;
	}
	rc = Esys_LoadExternal(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
			       ESYS_TR_NONE, NULL, &pub, ESYS_TR_RH_OWNER, key);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "loading the policy key", err), -1;
	rc = Esys_TR_GetName(t->esys, *key, &name);
	same = rc == TSS2_RC_SUCCESS && name->size == h->policy_key.name_len &&
	       !memcmp(name->name, h->policy_key.name, name->size);
	Esys_Free(name);
	if (same)
		return 0;
	tr_error_set(err, TR_EXIT_TPM,
		     "bundle %s: the TPM computes another Name for its policy key than the bundle holds; reseal",
		     h->name);
	return -1;
}

static int verify(struct tr_tpm *t, const struct tr_bundle_header *h,
		  const struct tr_signed_policy *p, ESYS_TR key,
		  TPMT_TK_VERIFIED **ticket, struct tr_error *err)
{
	TPM2B_DIGEST ahash = { .size = TR_DIGEST_LEN };
	TPMT_SIGNATURE sig;
	size_t off = 0;
	TSS2_RC rc;

	memset(&sig, 0, sizeof(sig));
	if (tr_policy_ahash(p->approved, ahash.buffer, err) < 0)
		return -1;
	if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(p->sig, p->sig_len, &off, &sig))
		rc = TPM2_RC_SIGNATURE;
	else
		rc = Esys_VerifySignature(t->esys, key, ESYS_TR_NONE,
					  ESYS_TR_NONE, ESYS_TR_NONE, &ahash,
					  &sig, ticket);
	if (rc == TSS2_RC_SUCCESS)
		return 0;
	if (tr_tpm_rc_base(rc) == TPM2_RC_SIGNATURE ||
	    tr_tpm_rc_base(rc) == TPM2_RC_SCHEME ||
	    tr_tpm_rc_base(rc) == TPM2_RC_VALUE) {
		tr_error_set(err, TR_EXIT_NOPOLICY,
			     "bundle %s: the signature of signed policy %s does not verify with the bundle's key; sign it again with tlsroot policy sign",
			     h->name, p->origin ? p->origin : "(unnamed)");
		return -1;
	}
	return tr_tpm_rc_error(rc, "verifying a signed policy", err), -1;
}

/* Verify p's signature and authorize its approved policy in ps. */
static int authorize(struct tr_tpm *t, const struct tr_bundle_header *h,
		     const struct tr_signed_policy *p, ESYS_TR ps,
		     struct tr_error *err)
{
	TPM2B_DIGEST approved = { .size = TR_DIGEST_LEN };
	TPM2B_NONCE ref = { 0 };
	TPM2B_NAME name = { .size = (uint16_t)h->policy_key.name_len };
	TPMT_TK_VERIFIED *ticket = NULL;
	ESYS_TR key = ESYS_TR_NONE;
	TSS2_RC rc;
	int ret = -1;

	memcpy(approved.buffer, p->approved, TR_DIGEST_LEN);
	memcpy(name.name, h->policy_key.name, h->policy_key.name_len);
	if (load_key(t, h, &key, err) < 0 ||
	    verify(t, h, p, key, &ticket, err) < 0)
		goto out;
	rc = Esys_PolicyAuthorize(t->esys, ps, ESYS_TR_NONE, ESYS_TR_NONE,
				  ESYS_TR_NONE, &approved, &ref, &name,
				  ticket);
	if (rc != TSS2_RC_SUCCESS) {
		tr_tpm_rc_error(rc, "authorizing a signed policy", err);
		goto out;
	}
	ret = 0;
out:
	Esys_Free(ticket);
	if (key != ESYS_TR_NONE)
		Esys_FlushContext(t->esys, key);
	return ret;
}

int tr_authorize_signed(struct tr_tpm *t, const struct tr_bundle_header *h,
			const struct tr_policy_set *set, ESYS_TR ps,
			struct tr_error *err)
{
	const struct tr_signed_policy *p;
	size_t i, by_key = 0;
	int match, bad_signature = 0;

	for (i = 0; set && i < set->n; i++) {
		p = &set->p[i];
		if (!same_key(h, p))
			continue;
		by_key++;
		if (p->pcr_mask != h->policy_pcrs)
			continue;
		if (approved_now(t, p, ps, &match, err) < 0)
			return -1;
		if (!match)
			continue;
		if (authorize(t, h, p, ps, err) == 0)
			return 0;
		/* A bad signature: another file may hold a good one. */
		if (err->code != TR_EXIT_NOPOLICY)
			return -1;
		bad_signature = 1;
	}
	return bad_signature ? -1 : no_policy(h, set, by_key, err);
}
