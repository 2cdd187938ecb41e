// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Revocation counters (tlsroot-seal(8) REVOCATION): one NV counter per
 * identity name; a revocable bundle unseals only while its counter is at
 * most the generation it was sealed at (PolicyNV).
 */
#include <stdio.h>
#include <string.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_rc.h>

#include "tpm/tpm.h"
#include "tpm/tpm_private.h"

void tr_counter_close(struct tr_tpm *t, struct tr_counter *c)
{
	if (c->tr != ESYS_TR_NONE)
		Esys_TR_Close(t->esys, &c->tr);
	c->tr = ESYS_TR_NONE;
}

/* Defining and incrementing need the owner hierarchy's (empty) auth. */
static int owner_rc_error(TSS2_RC rc, const char *what, struct tr_error *err)
{
	uint32_t base = tr_tpm_rc_base(rc);

	if (base == TPM2_RC_BAD_AUTH || base == TPM2_RC_AUTH_FAIL) {
		tr_error_set(err, TR_EXIT_TPM,
			     "the TPM's owner hierarchy has a password; tlsroot cannot define or advance the revocation counter");
		return -1;
	}
	return tr_tpm_rc_error(rc, what, err), -1;
}

/* Open the index and check it is tlsroot's kind of counter; its Name. */
static int counter_open(struct tr_tpm *t, struct tr_counter *c,
			struct tr_error *err)
{
	TPM2B_NV_PUBLIC *pub = NULL;
	TPM2B_NAME *name = NULL;
	const TPMS_NV_PUBLIC *p;
	TSS2_RC rc;

	rc = Esys_TR_FromTPMPublic(t->esys, c->index, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, &c->tr);
	if (rc == TSS2_RC_SUCCESS)
		rc = Esys_NV_ReadPublic(t->esys, c->tr, ESYS_TR_NONE,
					ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL);
	if (rc == TSS2_RC_SUCCESS)
		rc = Esys_TR_GetName(t->esys, c->tr, &name);
	if (rc != TSS2_RC_SUCCESS) {
		Esys_Free(pub);
		return tr_tpm_rc_error(rc, "reading the revocation counter's public area",
				       err), -1;
	}
	p = &pub->nvPublic;
	c->ours = p->nvIndex == c->index && p->nameAlg == TPM2_ALG_SHA256 &&
		  (p->attributes & ~TPMA_NV_WRITTEN) == TR_COUNTER_ATTRS &&
		  p->authPolicy.size == 0 && p->dataSize == TR_COUNTER_SIZE;
	c->written = !!(p->attributes & TPMA_NV_WRITTEN);
	c->name = *name;
	Esys_Free(pub);
	Esys_Free(name);
	return 0;
}

static int counter_read(struct tr_tpm *t, struct tr_counter *c,
			struct tr_error *err)
{
	TPM2B_MAX_NV_BUFFER *data = NULL;
	TSS2_RC rc;
	int i;

	rc = Esys_NV_Read(t->esys, c->tr, c->tr, ESYS_TR_PASSWORD,
			  ESYS_TR_NONE, ESYS_TR_NONE, TR_COUNTER_SIZE, 0,
			  &data);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "reading the revocation counter",
				       err), -1;
	if (data->size != TR_COUNTER_SIZE) {
		Esys_Free(data);
		tr_error_set(err, TR_EXIT_TPM,
			     "the revocation counter 0x%08x returned %u bytes, not %d",
			     c->index, data->size, TR_COUNTER_SIZE);
		return -1;
	}
	c->value = 0;
	for (i = 0; i < TR_COUNTER_SIZE; i++)
		c->value = c->value << 8 | data->buffer[i];
	Esys_Free(data);
	return 0;
}

static int counter_define(struct tr_tpm *t, struct tr_counter *c,
			  struct tr_error *err)
{
	const TPM2B_AUTH empty = { 0 };
	TPM2B_NV_PUBLIC pub = { 0 };
	TSS2_RC rc;

	pub.nvPublic.nvIndex = c->index;
	pub.nvPublic.nameAlg = TPM2_ALG_SHA256;
	pub.nvPublic.attributes = TR_COUNTER_ATTRS;
	pub.nvPublic.dataSize = TR_COUNTER_SIZE;
	rc = Esys_NV_DefineSpace(t->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
				 ESYS_TR_NONE, ESYS_TR_NONE, &empty, &pub,
				 &c->tr);
	if (rc != TSS2_RC_SUCCESS)
		return owner_rc_error(rc, "defining the revocation counter",
				      err);
	return 0;
}

/*
 * Increment, then open the index afresh: the first increment sets
 * TPMA_NV_WRITTEN, which changes the Name the policy binds.
 */
static int counter_advance(struct tr_tpm *t, struct tr_counter *c,
			   struct tr_error *err)
{
	TSS2_RC rc;

	rc = Esys_NV_Increment(t->esys, ESYS_TR_RH_OWNER, c->tr,
			       ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE);
	if (rc != TSS2_RC_SUCCESS)
		return owner_rc_error(rc, "advancing the revocation counter",
				      err);
	tr_counter_close(t, c);
	return counter_open(t, c, err);
}

/*
 * Seal: the identity's counter, defined (and written once) if missing,
 * advanced for TR_REVOCATION_ADVANCE; c->value is the generation to bind.
 */
int tr_counter_prepare(struct tr_tpm *t, const struct tr_seal_request *req,
		       struct tr_counter *c, struct tr_error *err)
{
	int found, advance = req->revocation == TR_REVOCATION_ADVANCE;

	c->index = tr_counter_index(req->name);
	req->counter->defined = 0;
	if (tr_tpm_handle_exists(t, c->index, &found, err) < 0)
		return -1;
	if (!found) {
		if (counter_define(t, c, err) < 0)
			return -1;
		req->counter->defined = 1;
		advance = 1;
	} else {
		if (counter_open(t, c, err) < 0)
			return -1;
		if (!c->ours) {
			tr_error_set(err, TR_EXIT_TPM,
				     "NV index 0x%08x, the revocation counter of '%s', holds something else (not an 8-byte owner-written counter); remove it with tpm2_nvundefine or use another identity name",
				     c->index, req->name);
			return -1;
		}
		advance |= !c->written;
	}
	if (advance && counter_advance(t, c, err) < 0)
		return -1;
	if (counter_read(t, c, err) < 0)
		return -1;
	req->counter->nv_index = c->index;
	req->counter->generation = c->value;
	return 0;
}

int tr_counter_revoked(const struct tr_bundle_header *h, struct tr_error *err,
		       const char *now)
{
	tr_error_set(err, TR_EXIT_REVOKED,
		     "bundle %s was revoked: sealed at generation %llu, this TPM's counter 0x%08x is at %s; use the newer bundle (tlsroot seal --revoke-older replaced it)",
		     h->name, (unsigned long long)h->generation, h->nv_index,
		     now);
	return -1;
}

/* Unseal: the bundle's counter must still be at its generation. */
int tr_counter_check(struct tr_tpm *t, const struct tr_bundle_header *h,
		     struct tr_counter *c, struct tr_error *err)
{
	char now[24];
	int found;

	c->index = h->nv_index;
	if (tr_tpm_handle_exists(t, c->index, &found, err) < 0)
		return -1;
	if (found && counter_open(t, c, err) < 0)
		return -1;
	if (!found || !c->ours || !c->written) {
		tr_error_set(err, TR_EXIT_REVOKED,
			     "bundle %s: its revocation counter 0x%08x is not on this TPM (TPM cleared?); seal the identity again",
			     h->name, h->nv_index);
		return -1;
	}
	if (counter_read(t, c, err) < 0)
		return -1;
	snprintf(now, sizeof(now), "%llu", (unsigned long long)c->value);
	return c->value > h->generation ? tr_counter_revoked(h, err, now) : 0;
}

/* The PolicyNV step of a version-2 bundle, NULL for version 1. */
const struct tr_policy_counter *
tr_counter_policy(const struct tr_bundle_header *h, const struct tr_counter *c,
	       struct tr_policy_counter *pc)
{
	if (!h->nv_index)
		return NULL;
	pc->name = c->name.name;
	pc->name_len = c->name.size;
	pc->generation = h->generation;
	return pc;
}
