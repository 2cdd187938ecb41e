// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Signed PCR policies at unseal (TPM2_PolicyAuthorize): of the policies
 * given (.tpol files, entries of systemd's JSON), the first by the
 * bundle's key (its TPM Name, or for JSON systemd's pkfp) whose approved
 * PolicyPCR digest the TPM reproduces from the PCRs as they are now and
 * whose signature the TPM verifies (a ticket), authorized in the policy
 * session.
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

/* What the bundle's key is known by: its TPM Name, systemd's pkfp. */
struct signer {
	char name[2 * TR_TPM_NAME_MAX + 1];
	uint8_t pkfp[TR_DIGEST_LEN];
	char pkfp_hex[2 * TR_DIGEST_LEN + 1];
};

static int same_key(const struct tr_bundle_header *h, const struct signer *k,
		    const struct tr_signed_policy *p)
{
	if (p->format == TR_POLICY_PCRSIG)
		return !memcmp(p->pkfp, k->pkfp, TR_DIGEST_LEN);
	return p->key_name_len == h->policy_key.name_len &&
	       !memcmp(p->key_name, h->policy_key.name, p->key_name_len);
}

void tr_signed_policy_name(const struct tr_signed_policy *p, char *out,
			   size_t cap)
{
	const char *o = p->origin ? p->origin : "(unnamed)";

	if (p->format == TR_POLICY_PCRSIG)
		snprintf(out, cap, "%s entry %u", o, p->entry);
	else
		snprintf(out, cap, "%s", o);
}

/*
 * The files of set's policies (by the bundle's key only, or all), with
 * their number of entries where JSON ("a.tpol, sig.json (2 entries)"), at
 * most 3 named.
 */
static void files_of(const struct tr_bundle_header *h, const struct signer *k,
		     const struct tr_policy_set *set, int by_key, char *out,
		     size_t cap)
{
	const struct tr_signed_policy *p, *first = NULL;
	size_t i, used = 0, files = 0, entries = 0;

	out[0] = '\0';
	for (i = 0; i <= set->n; i++) {
		p = i < set->n ? &set->p[i] : NULL;
		if (p && by_key && !same_key(h, k, p))
			continue;
		if (first && (!p || p->origin != first->origin)) {
			if (++files <= 3 && used < cap)
				used += (size_t)snprintf(out + used, cap - used,
					"%s%s", files > 1 ? ", " : "",
					first->origin ? first->origin : "(unnamed)");
			if (files <= 3 && used < cap &&
			    first->format == TR_POLICY_PCRSIG)
				used += (size_t)snprintf(out + used, cap - used,
					" (%zu entr%s)", entries,
					entries == 1 ? "y" : "ies");
			entries = 0;
		}
		first = p;
		entries++;
	}
	if (files > 3 && used < cap)
		snprintf(out + used, cap - used, " and %zu more files", files - 3);
}

/*
 * The PCRs whose value as the TPM shows it no .tpol by the key (for these
 * PCRs) holds: "11=sha256:HEX", shortened past two. JSON entries hold no
 * values: with those alone every PCR is listed.
 */
static void unmatched_values(struct tr_tpm *t, const struct tr_bundle_header *h,
			     const struct signer *k,
			     const struct tr_policy_set *set, char *out,
			     size_t cap)
{
	uint8_t now[TR_PCR_COUNT][TR_DIGEST_LEN] = { { 0 } };
	char hex[2 * TR_DIGEST_LEN + 1];
	uint32_t left = h->policy_pcrs;
	const struct tr_signed_policy *p;
	struct tr_error ignored;
	size_t i, used = 0;
	unsigned pcr;

	out[0] = '\0';
	if (tr_tpm_pcr_read(t, h->policy_pcrs, now, &ignored) < 0) {
		snprintf(out, cap, "the TPM's values unread");
		return;
	}
	for (i = 0; i < set->n; i++) {
		p = &set->p[i];
		if (!same_key(h, k, p) || p->pcr_mask != h->policy_pcrs ||
		    p->format == TR_POLICY_PCRSIG)
			continue;
		for (pcr = 0; pcr < TR_PCR_COUNT; pcr++)
			if ((left >> pcr & 1) &&
			    !memcmp(p->pcr_values[pcr], now[pcr], TR_DIGEST_LEN))
				left &= ~(1u << pcr);
	}
	if (!left)   /* each in some .tpol, all in none */
		left = h->policy_pcrs;
	for (pcr = 0; pcr < TR_PCR_COUNT && used < cap; pcr++) {
		if (!(left >> pcr & 1))
			continue;
		tr_hex(now[pcr], TR_DIGEST_LEN, hex);
		if (__builtin_popcount(left) > 2)
			strcpy(hex + 16, "...");
		used += (size_t)snprintf(out + used, cap - used, "%s%u=sha256:%s",
					 used ? " " : "", pcr, hex);
	}
}

/* None of set fits: by the key, or for these PCRs' values. */
static int no_policy(struct tr_tpm *t, const struct tr_bundle_header *h,
		     const struct signer *k, const struct tr_policy_set *set,
		     size_t by_key, struct tr_error *err)
{
	char pcrs[96], files[192], values[192];
	size_t n = set ? set->n : 0;

	pcr_list(h->policy_pcrs, pcrs, sizeof(pcrs));
	if (!n) {
		tr_error_set(err, TR_EXIT_NOPOLICY,
			     "bundle %s needs a signed policy for PCRs %s by key %s (pkfp %s); pass --policy FILE (a .tpol, or systemd's tpm2-pcr-signature.json) or --policy-dir D (tlsroot policy sign makes one)",
			     h->name, pcrs, k->name, k->pkfp_hex);
	} else if (!by_key) {
		files_of(h, k, set, 0, files, sizeof(files));
		tr_error_set(err, TR_EXIT_NOPOLICY,
			     "bundle %s: no signed policy by the bundle's key (Name %s, pkfp %s) among %zu signed polic%s: %s; sign with its private key (tlsroot policy sign; systemd-measure sign) and pass it with --policy or --policy-dir",
			     h->name, k->name, k->pkfp_hex, n, n == 1 ? "y" : "ies",
			     files);
	} else {
		files_of(h, k, set, 1, files, sizeof(files));
		unmatched_values(t, h, k, set, values, sizeof(values));
		tr_error_set(err, TR_EXIT_NOPOLICY,
			     "bundle %s: no signed policy for this boot's PCRs %s (the TPM shows %s); %zu signed by the bundle's key: %s; sign this boot state (tlsroot policy sign; for a UKI ukify --pcr-private-key or systemd-measure sign)",
			     h->name, pcrs, values, by_key, files);
	}
	return -1;
}

/* The session digest after PolicyPCR over the bundle's policy PCRs. */
static int digest_now(struct tr_tpm *t, const struct tr_bundle_header *h,
		      ESYS_TR ps, uint8_t out[TR_DIGEST_LEN],
		      struct tr_error *err)
{
	TPM2B_DIGEST *d = NULL;
	TSS2_RC rc;

	rc = Esys_PolicyRestart(t->esys, ps, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE);
	if (rc == TSS2_RC_SUCCESS)
		rc = tr_tpm_policy_pcr(t, ps, h->policy_pcrs);
	if (rc == TSS2_RC_SUCCESS)
		rc = Esys_PolicyGetDigest(t->esys, ps, ESYS_TR_NONE,
					  ESYS_TR_NONE, ESYS_TR_NONE, &d);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "running a signed PCR policy", err),
		       -1;
	memset(out, 0, TR_DIGEST_LEN);
	if (d->size == TR_DIGEST_LEN)
		memcpy(out, d->buffer, TR_DIGEST_LEN);
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
	char which[TR_ERROR_MAX / 2];
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
		tr_signed_policy_name(p, which, sizeof(which));
		tr_error_set(err, TR_EXIT_NOPOLICY,
			     "bundle %s: the signature of signed policy %s does not verify with the bundle's key; sign it again (%s)",
			     h->name, which,
			     p->format == TR_POLICY_PCRSIG ?
				     "systemd-measure sign, ukify --pcr-private-key" :
				     "tlsroot policy sign");
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

static int signer_of(const struct tr_bundle_header *h, struct signer *k,
		     struct tr_error *err)
{
	tr_hex(h->policy_key.name, h->policy_key.name_len, k->name);
	if (tr_policy_key_pkfp(&h->policy_key, k->pkfp) < 0) {
		tr_error_set(err, TR_EXIT_CORRUPT,
			     "bundle %s: its policy key does not parse; restore the bundle or reseal",
			     h->name);
		return -1;
	}
	tr_hex(k->pkfp, TR_DIGEST_LEN, k->pkfp_hex);
	return 0;
}

int tr_authorize_signed(struct tr_tpm *t, const struct tr_bundle_header *h,
			const struct tr_policy_set *set, ESYS_TR ps,
			struct tr_error *err)
{
	uint8_t now[TR_DIGEST_LEN];
	const struct tr_signed_policy *p;
	size_t i, by_key = 0;
	int have_now = 0, bad_signature = 0;
	struct signer k;

	if (signer_of(h, &k, err) < 0)
		return -1;
	for (i = 0; set && i < set->n; i++) {
		p = &set->p[i];
		if (!same_key(h, &k, p))
			continue;
		by_key++;
		if (p->pcr_mask != h->policy_pcrs)
			continue;
		/* Every candidate covers the same PCRs: one PolicyPCR. */
		if (!have_now && digest_now(t, h, ps, now, err) < 0)
			return -1;
		have_now = 1;
		if (memcmp(now, p->approved, TR_DIGEST_LEN))
			continue;
		if (authorize(t, h, p, ps, err) == 0) {
			if (set->used)
				*set->used = p;
			return 0;
		}
		/* A bad signature: another file may hold a good one. */
		if (err->code != TR_EXIT_NOPOLICY)
			return -1;
		bad_signature = 1;
	}
	return bad_signature ? -1 : no_policy(t, h, &k, set, by_key, err);
}
