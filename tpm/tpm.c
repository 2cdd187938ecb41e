// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TPM side of sealing (tpm2-tss ESAPI): connection with a bounded
 * wait, the SRK at 0x81000001, salted sessions, PCR reads and the lock
 * extend. Every secret that crosses the TPM bus travels in a session
 * salted with the SRK and encrypted with AES-128-CFB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "tpm/tpm.h"
#include "tpm/tpm_private.h"

#define RETRY_SLEEP_MS 100
#define PCR_CHANGED_RETRIES 30

static const char lock_measurement[] =
	"tlsroot: identities unsealed, sealed bundles locked until reboot";

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void disconnect(struct tr_tpm *t)
{
	if (t->esys)
		Esys_Finalize(&t->esys);
	if (t->tcti)
		Tss2_TctiLdr_Finalize(&t->tcti);
	t->esys = NULL;
	t->tcti = NULL;
}

static TSS2_RC try_connect(struct tr_tpm *t, const char *tcti)
{
	TSS2_RC rc;

	rc = Tss2_TctiLdr_Initialize(tcti, &t->tcti);
	if (rc == TSS2_RC_SUCCESS)
		rc = Esys_Initialize(&t->esys, t->tcti, NULL);
	if (rc == TSS2_RC_SUCCESS) {
		/* Firmware or swtpm usually started it already. */
		rc = Esys_Startup(t->esys, TPM2_SU_CLEAR);
		if (tr_tpm_rc_base(rc) == TPM2_RC_INITIALIZE)
			rc = TSS2_RC_SUCCESS;
	}
	if (rc != TSS2_RC_SUCCESS)
		disconnect(t);
	return rc;
}

int tr_tpm_open(struct tr_tpm **out, const char *tcti, unsigned timeout_ms,
		struct tr_error *err)
{
	uint64_t deadline = tr_now_ms() + timeout_ms;
	struct tr_tpm *t;
	TSS2_RC rc;

	*out = NULL;
	if (!tcti)
		tcti = TR_TPM_DEFAULT_TCTI;
	t = calloc(1, sizeof(*t));
	if (!t) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	t->srk = ESYS_TR_NONE;
	t->session = ESYS_TR_NONE;
	while ((rc = try_connect(t, tcti)) != TSS2_RC_SUCCESS) {
		if (tr_now_ms() >= deadline) {
			tr_error_set(err, TR_EXIT_NOTPM,
				     "no TPM answered on TCTI '%s' within %u s (%s); check the TPM driver, --tcti or --tpm-timeout",
				     tcti, (timeout_ms + 999) / 1000,
				     Tss2_RC_Decode(rc));
			free(t);
			return -1;
		}
		sleep_ms(RETRY_SLEEP_MS);
	}
	*out = t;
	return 0;
}

void tr_tpm_close(struct tr_tpm *t)
{
	if (!t)
		return;
	if (t->session != ESYS_TR_NONE)
		Esys_FlushContext(t->esys, t->session);
	if (t->srk_transient)
		Esys_FlushContext(t->esys, t->srk);
	disconnect(t);
	free(t);
}

int tr_tpm_handle_exists(struct tr_tpm *t, uint32_t handle, int *found,
			 struct tr_error *err)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;

	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_HANDLES, handle, 1,
				&more, &cap);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "listing TPM handles", err), -1;
	*found = cap->data.handles.count > 0 &&
		 cap->data.handles.handle[0] == handle;
	Esys_Free(cap);
	return 0;
}

static int srk_persistent(struct tr_tpm *t, int *found, struct tr_error *err)
{
	TSS2_RC rc;

	if (tr_tpm_handle_exists(t, TR_SRK_HANDLE, found, err) < 0)
		return -1;
	if (!*found)
		return 0;
	rc = Esys_TR_FromTPMPublic(t->esys, TR_SRK_HANDLE, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, &t->srk);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "reading the SRK at 0x81000001",
				       err), -1;
	return 0;
}

static void srk_template(TPM2B_PUBLIC *tmpl)
{
	memset(tmpl, 0, sizeof(*tmpl));
	tmpl->publicArea.type = TPM2_ALG_ECC;
	tmpl->publicArea.nameAlg = TPM2_ALG_SHA256;
	tmpl->publicArea.objectAttributes =
		TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
		TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
		TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT |
		TPMA_OBJECT_NODA;
	tmpl->publicArea.parameters.eccDetail.symmetric.algorithm =
		TPM2_ALG_AES;
	tmpl->publicArea.parameters.eccDetail.symmetric.keyBits.aes = 128;
	tmpl->publicArea.parameters.eccDetail.symmetric.mode.aes =
		TPM2_ALG_CFB;
	tmpl->publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
	tmpl->publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	tmpl->publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
}

/* The SRK derives from the owner seed: the same template gives the same key. */
static int srk_create(struct tr_tpm *t, int persist, struct tr_error *err)
{
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION no_pcrs = { 0 };
	TPM2B_PUBLIC tmpl;
	ESYS_TR primary, persistent;
	TSS2_RC rc;

	srk_template(&tmpl);
	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
				ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl,
				&outside, &no_pcrs, &primary, NULL, NULL,
				NULL, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		tr_error_set(err, TR_EXIT_TPM,
			     "cannot create the SRK: %s; if the owner hierarchy has a password, create 0x81000001 with tpm2_createprimary and tpm2_evictcontrol",
			     Tss2_RC_Decode(rc));
		return -1;
	}
	t->srk = primary;
	t->srk_transient = 1;
	if (!persist)
		return 0;
	rc = Esys_EvictControl(t->esys, ESYS_TR_RH_OWNER, primary,
			       ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
			       TR_SRK_HANDLE, &persistent);
	if (rc != TSS2_RC_SUCCESS) {
		tr_error_set(err, TR_EXIT_TPM,
			     "cannot make the SRK persistent at 0x81000001: %s",
			     Tss2_RC_Decode(rc));
		return -1;
	}
	Esys_FlushContext(t->esys, primary);
	t->srk = persistent;
	t->srk_transient = 0;
	return 0;
}

/*
 * The key at 0x81000001 is used only if it is the standard SRK (the TCG
 * template, as tpm2-tools' and systemd's): a restricted decryption key
 * exempt from dictionary-attack counting. Anything else there (a key with
 * an auth value, a signing key) would fail every load and could count
 * against the lockout: derive the standard SRK instead, transient, which
 * the owner seed makes the same key at every boot.
 */
static int srk_is_standard(struct tr_tpm *t, int *standard,
			   struct tr_error *err)
{
	TPM2B_PUBLIC *pub = NULL, tmpl;
	const TPMT_PUBLIC *a, *b = &tmpl.publicArea;
	TSS2_RC rc;

	rc = Esys_ReadPublic(t->esys, t->srk, ESYS_TR_NONE, ESYS_TR_NONE,
			     ESYS_TR_NONE, &pub, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "reading the public area of 0x81000001",
				       err), -1;
	srk_template(&tmpl);
	a = &pub->publicArea;
	*standard = a->type == b->type && a->nameAlg == b->nameAlg &&
		    a->objectAttributes == b->objectAttributes &&
		    a->authPolicy.size == 0 &&
		    !memcmp(&a->parameters.eccDetail, &b->parameters.eccDetail,
			    sizeof(a->parameters.eccDetail));
	Esys_Free(pub);
	return 0;
}

static int srk_get(struct tr_tpm *t, int persist, struct tr_error *err)
{
	int found, standard;

	if (t->srk != ESYS_TR_NONE)
		return 0;
	if (srk_persistent(t, &found, err) < 0)
		return -1;
	if (!found)
		return srk_create(t, persist, err);
	if (srk_is_standard(t, &standard, err) < 0)
		return -1;
	if (standard)
		return 0;
	Esys_TR_Close(t->esys, &t->srk);
	t->srk = ESYS_TR_NONE;
	fprintf(stderr,
		"tlsroot: note: 0x81000001 holds a key that is not the standard SRK (restricted ECC P-256 decryption key without dictionary-attack counting); using the standard SRK derived from the owner seed instead, not made persistent\n");
	return srk_create(t, 0, err);
}

static int salted_session(struct tr_tpm *t, TPM2_SE type, ESYS_TR *session,
			  struct tr_error *err)
{
	TPMT_SYM_DEF aes = { .algorithm = TPM2_ALG_AES,
			     .keyBits.aes = 128,
			     .mode.aes = TPM2_ALG_CFB };
	TSS2_RC rc;

	rc = Esys_StartAuthSession(t->esys, t->srk, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, NULL, type, &aes,
				   TPM2_ALG_SHA256, session);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "starting a salted TPM session",
				       err), -1;
	return 0;
}

/* The shared HMAC session, with encrypt/decrypt set for the next command. */
static int hmac_session(struct tr_tpm *t, TPMA_SESSION attrs,
			struct tr_error *err)
{
	TSS2_RC rc;

	if (t->session == ESYS_TR_NONE &&
	    salted_session(t, TPM2_SE_HMAC, &t->session, err) < 0)
		return -1;
	rc = Esys_TRSess_SetAttributes(t->esys, t->session,
				       attrs | TPMA_SESSION_CONTINUESESSION,
				       0xff);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "configuring a TPM session", err),
		       -1;
	return 0;
}

static uint32_t selection_mask(const TPML_PCR_SELECTION *sel)
{
	const TPMS_PCR_SELECTION *s;
	uint32_t mask = 0;
	unsigned i;

	if (sel->count < 1 || sel->pcrSelections[0].hash != TPM2_ALG_SHA256)
		return 0;
	s = &sel->pcrSelections[0];
	for (i = 0; i < s->sizeofSelect && i < 3; i++)
		mask |= (uint32_t)s->pcrSelect[i] << (8 * i);
	return mask;
}

/* Store values of the PCRs in got (ascending order); -1 on a short reply. */
static int store_pcr_values(uint32_t got, const TPML_DIGEST *d,
			    uint8_t values[][TR_DIGEST_LEN])
{
	unsigned i, k = 0;

	for (i = 0; i < TR_PCR_COUNT; i++) {
		if (!(got >> i & 1))
			continue;
		if (k >= d->count || d->digests[k].size != TR_DIGEST_LEN)
			return -1;
		memcpy(values[i], d->digests[k++].buffer, TR_DIGEST_LEN);
	}
	return 0;
}

int tr_tpm_pcr_read(struct tr_tpm *t, uint32_t mask,
		    uint8_t values[][TR_DIGEST_LEN], struct tr_error *err)
{
	TPML_PCR_SELECTION sel, *sel_out = NULL;
	TPML_DIGEST *digests = NULL;
	uint32_t got, update;
	TSS2_RC rc;

	/* The TPM returns at most 8 PCRs per call: ask again for the rest. */
	while (mask) {
		tr_pcr_selection(mask, &sel);
		rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, &sel, &update, &sel_out,
				   &digests);
		if (rc != TSS2_RC_SUCCESS)
			return tr_tpm_rc_error(rc, "reading PCRs", err), -1;
		got = selection_mask(sel_out) & mask;
		if (!got || store_pcr_values(got, digests, values) < 0) {
			Esys_Free(sel_out);
			Esys_Free(digests);
			tr_error_set(err, TR_EXIT_TPM,
				     "the TPM has no usable sha256 PCR bank; enable it in the firmware");
			return -1;
		}
		Esys_Free(sel_out);
		Esys_Free(digests);
		mask &= ~got;
	}
	return 0;
}

int tr_tpm_pcr_lock(struct tr_tpm *t, unsigned pcr, struct tr_error *err)
{
	TPML_DIGEST_VALUES d = { .count = 1 };
	char what[64];
	TSS2_RC rc;
	int hr;

	d.digests[0].hashAlg = TPM2_ALG_SHA256;
	hr = gnutls_hash_fast(GNUTLS_DIG_SHA256, lock_measurement,
			      sizeof(lock_measurement) - 1,
			      d.digests[0].digest.sha256);
	snprintf(what, sizeof(what), "extending lock PCR %u", pcr);
	if (hr < 0 || pcr >= TR_PCR_COUNT) {
		tr_error_set(err, TR_EXIT_TPM, "%s: bad PCR or hash failure",
			     what);
		return -1;
	}
	rc = Esys_PCR_Extend(t->esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD,
			     ESYS_TR_NONE, ESYS_TR_NONE, &d);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, what, err), -1;
	return 0;
}

/*
 * The sealed object: policy-only (no USERWITHAUTH), bound to this TPM and
 * this SRK, holding data we supply.
 */
static void sealed_template(TPM2B_PUBLIC *tmpl,
			    const uint8_t policy[TR_DIGEST_LEN])
{
	memset(tmpl, 0, sizeof(*tmpl));
	tmpl->publicArea.type = TPM2_ALG_KEYEDHASH;
	tmpl->publicArea.nameAlg = TPM2_ALG_SHA256;
	tmpl->publicArea.objectAttributes =
		TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT;
	tmpl->publicArea.authPolicy.size = TR_DIGEST_LEN;
	memcpy(tmpl->publicArea.authPolicy.buffer, policy, TR_DIGEST_LEN);
	tmpl->publicArea.parameters.keyedHashDetail.scheme.scheme =
		TPM2_ALG_NULL;
}

static int marshal_objects(const TPM2B_PUBLIC *pub, const TPM2B_PRIVATE *priv,
			   struct tr_bundle_header *h, struct tr_error *err)
{
	size_t off = 0;

	if (Tss2_MU_TPM2B_PUBLIC_Marshal(pub, h->pub, sizeof(h->pub), &off))
		goto fail;
	h->pub_len = off;
	off = 0;
	if (Tss2_MU_TPM2B_PRIVATE_Marshal(priv, h->priv, sizeof(h->priv), &off))
		goto fail;
	h->priv_len = off;
	return 0;
fail:
	tr_error_set(err, TR_EXIT_TPM,
		     "the TPM returned a sealed object too large for a bundle");
	return -1;
}

static int serialize_srk(struct tr_tpm *t, struct tr_bundle_header *h,
			 struct tr_error *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	TSS2_RC rc;

	rc = Esys_TR_Serialize(t->esys, t->srk, &buf, &len);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "serializing the SRK", err), -1;
	if (len == 0 || len > sizeof(h->srk)) {
		free(buf);
		tr_error_set(err, TR_EXIT_TPM, "the SRK's description is %zu bytes, too large for a bundle", len);
		return -1;
	}
	memcpy(h->srk, buf, len);
	h->srk_len = len;
	free(buf);
	return 0;
}

/* Create the sealed object holding key; fills h's TPM fields. */
static int create_sealed(struct tr_tpm *t, const uint8_t key[TR_SEALED_KEY_LEN],
			 const uint8_t *auth, struct tr_bundle_header *h,
			 struct tr_error *err)
{
	TPM2B_SENSITIVE_CREATE sens;
	TPM2B_PUBLIC tmpl, *pub = NULL;
	TPM2B_PRIVATE *priv = NULL;
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION no_pcrs = { 0 };
	TSS2_RC rc;
	int ret = -1;

	memset(&sens, 0, sizeof(sens));
	sens.sensitive.data.size = TR_SEALED_KEY_LEN;
	memcpy(sens.sensitive.data.buffer, key, TR_SEALED_KEY_LEN);
	if (auth) {
		sens.sensitive.userAuth.size = TR_DIGEST_LEN;
		memcpy(sens.sensitive.userAuth.buffer, auth, TR_DIGEST_LEN);
	}
	sealed_template(&tmpl, h->policy);
	if (hmac_session(t, TPMA_SESSION_DECRYPT | TPMA_SESSION_ENCRYPT,
			 err) < 0)
		goto out;
	rc = Esys_Create(t->esys, t->srk, t->session, ESYS_TR_NONE,
			 ESYS_TR_NONE, &sens, &tmpl, &outside, &no_pcrs,
			 &priv, &pub, NULL, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		tr_tpm_rc_error(rc, "creating the sealed key", err);
		goto out;
	}
	if (marshal_objects(pub, priv, h, err) < 0 ||
	    serialize_srk(t, h, err) < 0)
		goto out;
	ret = 0;
out:
	tr_wipe(&sens, sizeof(sens));
	Esys_Free(pub);
	Esys_Free(priv);
	return ret;
}

static int random_bytes(gnutls_rnd_level_t level, void *buf, size_t n,
			struct tr_error *err)
{
	int rc = gnutls_rnd(level, buf, n);

	if (rc < 0)
		tr_error_set(err, TR_EXIT_FAILURE, "no random numbers: %s",
			     gnutls_strerror(rc));
	return rc < 0 ? -1 : 0;
}

int tr_tpm_header_policy(const struct tr_bundle_header *h,
			 const struct tr_policy_counter *pc,
			 uint8_t out[TR_DIGEST_LEN], struct tr_error *err)
{
	int pin = h->flags & TR_BUNDLE_FLAG_PIN;

	if (h->version == TR_BUNDLE_VERSION_SIGNED)
		return tr_policy_authorized_digest(h->policy_key.name,
						   h->policy_key.name_len,
						   h->pcr_mask, h->pcr_values,
						   pc, pin, out, err);
	return tr_policy_digest(h->pcr_mask, h->pcr_values, pc, pin, out, err);
}

/* A signed policy: the key and what its policies cover (version 4). */
static int seal_signed(const struct tr_seal_request *req,
		       struct tr_bundle_header *h, struct tr_error *err)
{
	if (!req->policy_key)
		return 0;
	if (!req->policy_pcrs || req->policy_pcrs >> TR_PCR_COUNT ||
	    !req->policy_key->name_len) {
		tr_error_set(err, TR_EXIT_USAGE,
			     "a signed policy needs a key and at least one PCR in 0..23");
		return -1;
	}
	h->policy_key = *req->policy_key;
	h->policy_pcrs = req->policy_pcrs;
	return 0;
}

static int seal_header(const struct tr_seal_request *req,
		       struct tr_bundle_header *h, struct tr_error *err)
{
	unsigned i;

	memset(h, 0, sizeof(*h));
	if (!tr_identity_name_valid(req->name)) {
		tr_error_set(err, TR_EXIT_USAGE,
			     "bad identity name '%s': use 1..%d of A-Z a-z 0-9 . _ -, not starting with '.'",
			     req->name, TR_IDENTITY_NAME_MAX);
		return -1;
	}
	h->kind = (uint8_t)req->kind;
	h->flags = req->pin ? TR_BUNDLE_FLAG_PIN : 0;
	if (seal_signed(req, h, err) < 0)
		return -1;
	/* With a PIN 3 (or 4) whatever the counter: the authValue depends on it. */
	h->version = tr_bundle_version_of(h);
	snprintf(h->name, sizeof(h->name), "%s", req->name);
	h->pcr_bank = TPM2_ALG_SHA256;
	h->pcr_mask = req->pcr_mask;
	h->lock_pcr = req->lock_pcr;
	for (i = 0; i < TR_PCR_COUNT; i++)
		if (req->pcr_mask >> i & 1)
			memcpy(h->pcr_values[i], req->pcr_values[i],
			       TR_DIGEST_LEN);
	if (random_bytes(GNUTLS_RND_NONCE, h->nonce, sizeof(h->nonce),
			 err) < 0)
		return -1;
	/* A fresh salt per bundle: public, so not a key-level draw. */
	if (req->pin) {
		h->pin_iterations = TR_PIN_KDF_ITERATIONS;
		if (random_bytes(GNUTLS_RND_RANDOM, h->pin_salt,
				 sizeof(h->pin_salt), err) < 0)
			return -1;
	}
	/* Refuse a bad policy before the TPM (the counter) is touched. */
	return tr_tpm_header_policy(h, NULL, h->policy, err);
}

/* Bind a revocable bundle to its counter; the final policy digest. */
static int seal_counter(struct tr_tpm *t, const struct tr_seal_request *req,
			struct tr_bundle_header *h, struct tr_error *err)
{
	struct tr_counter c = { .tr = ESYS_TR_NONE };
	struct tr_policy_counter pc;
	int ret = -1;

	if (!req->revocation)
		return 0;
	if (tr_counter_prepare(t, req, &c, err) == 0) {
		h->nv_index = c.index;
		h->generation = c.value;
		ret = tr_tpm_header_policy(h, tr_counter_policy(h, &c, &pc),
					   h->policy, err);
	}
	tr_counter_close(t, &c);
	return ret;
}

int tr_tpm_seal(struct tr_tpm *t, const struct tr_seal_request *req,
		uint8_t **bundle, size_t *bundle_len, struct tr_error *err)
{
	struct tr_bundle_header *h;
	uint8_t key[TR_SEALED_KEY_LEN], auth[TR_DIGEST_LEN];
	int ret = -1;

	*bundle = NULL;
	h = malloc(sizeof(*h));
	if (!h) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	if (seal_header(req, h, err) < 0)
		goto out;
	/* Before the TPM (the counter) is touched: an empty PIN is refused. */
	if (req->pin && tr_policy_pin_auth_for(h, req->pin, auth, err) < 0)
		goto out;
	if (random_bytes(GNUTLS_RND_KEY, key, sizeof(key), err) < 0)
		goto out;
	if (srk_get(t, 1, err) < 0 || seal_counter(t, req, h, err) < 0 ||
	    create_sealed(t, key, req->pin ? auth : NULL, h, err) < 0)
		goto out;
	ret = tr_bundle_build(h, key, req->payload->data, req->payload->len,
			      bundle, bundle_len, err);
out:
	tr_wipe(key, sizeof(key));
	tr_wipe(auth, sizeof(auth));
	free(h);
	return ret;
}

TSS2_RC tr_tpm_policy_pcr(struct tr_tpm *t, ESYS_TR ps, uint32_t mask)
{
	TPM2B_DIGEST empty = { 0 };
	TPML_PCR_SELECTION sel;

	tr_pcr_selection(mask, &sel);
	return Esys_PolicyPCR(t->esys, ps, ESYS_TR_NONE, ESYS_TR_NONE,
			      ESYS_TR_NONE, &empty, &sel);
}

static int names_equal(struct tr_tpm *t, ESYS_TR a, ESYS_TR b)
{
	TPM2B_NAME *na = NULL, *nb = NULL;
	int eq = 0;

	if (Esys_TR_GetName(t->esys, a, &na) == TSS2_RC_SUCCESS &&
	    Esys_TR_GetName(t->esys, b, &nb) == TSS2_RC_SUCCESS)
		eq = na->size == nb->size &&
		     memcmp(na->name, nb->name, na->size) == 0;
	Esys_Free(na);
	Esys_Free(nb);
	return eq;
}

/* The bundle's pinned SRK must be this TPM's SRK. */
static int srk_check(struct tr_tpm *t, const struct tr_bundle_header *h,
		     struct tr_error *err)
{
	ESYS_TR pinned = ESYS_TR_NONE;
	TSS2_RC rc;
	int same;

	if (srk_get(t, 0, err) < 0)
		return -1;
	rc = Esys_TR_Deserialize(t->esys, h->srk, h->srk_len, &pinned);
	if (rc != TSS2_RC_SUCCESS) {
		tr_error_set(err, TR_EXIT_CORRUPT,
			     "bundle %s: its SRK description is damaged (%s); restore the bundle or reseal",
			     h->name, Tss2_RC_Decode(rc));
		return -1;
	}
	same = names_equal(t, pinned, t->srk);
	Esys_TR_Close(t->esys, &pinned);
	if (!same) {
		tr_error_set(err, TR_EXIT_WRONGTPM,
			     "bundle %s was sealed on another TPM (or this TPM was cleared since): its SRK does not match; reseal on this machine",
			     h->name);
		return -1;
	}
	return 0;
}

static int load_sealed(struct tr_tpm *t, const struct tr_bundle_header *h,
		       ESYS_TR *item, struct tr_error *err)
{
	TPM2B_PUBLIC pub = { 0 };
	TPM2B_PRIVATE priv = { 0 };
	char what[128];
	size_t off = 0;
	TSS2_RC rc;

	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(h->pub, h->pub_len, &off, &pub) ||
	    (off = 0, Tss2_MU_TPM2B_PRIVATE_Unmarshal(h->priv, h->priv_len,
						       &off, &priv))) {
		tr_error_set(err, TR_EXIT_CORRUPT,
			     "bundle %s: its sealed key does not parse; restore the bundle or reseal",
			     h->name);
		return -1;
	}
	rc = Esys_Load(t->esys, t->srk, ESYS_TR_PASSWORD, ESYS_TR_NONE,
		       ESYS_TR_NONE, &priv, &pub, item);
	if (rc != TSS2_RC_SUCCESS) {
		snprintf(what, sizeof(what), "loading the sealed key of bundle %s",
			 h->name);
		tr_tpm_rc_error(rc, what, err);
		return -1;
	}
	return 0;
}

static int pcr_differences(const struct tr_bundle_header *h,
			   uint8_t now[][TR_DIGEST_LEN], char *list,
			   size_t cap)
{
	unsigned i, n = 0;
	size_t used = 0;

	list[0] = '\0';
	for (i = 0; i < TR_PCR_COUNT; i++) {
		if (!(h->pcr_mask >> i & 1) ||
		    !memcmp(now[i], h->pcr_values[i], TR_DIGEST_LEN))
			continue;
		if (used < cap)
			used += (size_t)snprintf(list + used, cap - used,
						 "%s%u", n ? "," : "", i);
		n++;
	}
	return (int)n;
}

/* Say why the policy digest differs: a damaged header, the lock, or PCRs. */
static int explain_policy_mismatch(struct tr_tpm *t,
				   const struct tr_bundle_header *h,
				   const struct tr_counter *c,
				   struct tr_error *err)
{
	uint8_t now[TR_PCR_COUNT][TR_DIGEST_LEN], want[TR_DIGEST_LEN];
	struct tr_policy_counter pc;
	char list[96];
	int moved;

	if (tr_tpm_header_policy(h, tr_counter_policy(h, c, &pc), want,
				 err) < 0)
		return -1;
	if (memcmp(want, h->policy, TR_DIGEST_LEN)) {
		tr_error_set(err, TR_EXIT_CORRUPT,
			     "bundle %s: its policy digest does not match its PCR values%s: the header is damaged; restore the bundle or reseal",
			     h->name, h->nv_index ? " and counter generation" : "");
		return -1;
	}
	if (h->pcr_mask && tr_tpm_pcr_read(t, h->pcr_mask, now, err) < 0)
		return -1;
	if (h->lock_pcr != TR_LOCK_PCR_NONE &&
	    memcmp(now[h->lock_pcr], h->pcr_values[h->lock_pcr],
		   TR_DIGEST_LEN)) {
		tr_error_set(err, TR_EXIT_PCR,
			     "bundle %s: lock PCR %u has moved: bundles were already unsealed in this boot (or something else extended PCR %u); nothing can unseal again until reboot",
			     h->name, h->lock_pcr, h->lock_pcr);
		return -1;
	}
	moved = pcr_differences(h, now, list, sizeof(list));
	if (moved > 0)
		tr_error_set(err, TR_EXIT_PCR,
			     "bundle %s: %s %s %s from the %s it was sealed to: the boot state changed; reseal for this state (tlsroot seal --pcr N=sha256:HEX to predict)",
			     h->name, moved == 1 ? "PCR" : "PCRs", list,
			     moved == 1 ? "differs" : "differ",
			     moved == 1 ? "value" : "values");
	else
		tr_error_set(err, TR_EXIT_PCR,
			     "bundle %s: the TPM's policy digest differs from the sealed one; reseal",
			     h->name);
	return -1;
}

int tr_tpm_policy_session(struct tr_tpm *t, int pin, ESYS_TR *ps,
			  struct tr_error *err)
{
	TPMT_SYM_DEF none = { .algorithm = TPM2_ALG_NULL };
	TSS2_RC rc;

	/* With a PIN the policy session carries its HMAC: salt it too. */
	if (pin)
		return salted_session(t, TPM2_SE_POLICY, ps, err);
	rc = Esys_StartAuthSession(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   NULL, TPM2_SE_POLICY, &none,
				   TPM2_ALG_SHA256, ps);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "starting a policy session", err),
		       -1;
	return 0;
}

/*
 * PolicyNV: the counter, read with its own empty auth, must be unsigned
 * <= the generation (8 bytes big-endian, as the TPM stores the counter).
 */
static TSS2_RC policy_nv(struct tr_tpm *t, const struct tr_bundle_header *h,
			 const struct tr_counter *c, ESYS_TR ps)
{
	TPM2B_OPERAND gen = { .size = TR_COUNTER_SIZE };
	int i;

	for (i = 0; i < TR_COUNTER_SIZE; i++)
		gen.buffer[i] = (uint8_t)(h->generation >> (8 * (7 - i)));
	return Esys_PolicyNV(t->esys, c->tr, c->tr, ps, ESYS_TR_PASSWORD,
			     ESYS_TR_NONE, ESYS_TR_NONE, &gen, 0,
			     TPM2_EO_UNSIGNED_LE);
}

/*
 * The object policy: for version 4 first a signed policy of set
 * authorized, then (as for the others) PolicyPCR over the PCRs the object
 * binds directly, PolicyNV, PolicyAuthValue.
 */
static int start_policy(struct tr_tpm *t, const struct tr_bundle_header *h,
			const struct tr_policy_set *set,
			const struct tr_counter *c, ESYS_TR *ps,
			struct tr_error *err)
{
	TPM2B_DIGEST *digest = NULL;
	int same, pin = h->flags & TR_BUNDLE_FLAG_PIN;
	TSS2_RC rc = TSS2_RC_SUCCESS;

	if (tr_tpm_policy_session(t, pin, ps, err) < 0)
		return -1;
	if (h->version == TR_BUNDLE_VERSION_SIGNED &&
	    tr_authorize_signed(t, h, set, *ps, err) < 0)
		return -1;
	if (h->pcr_mask)
		rc = tr_tpm_policy_pcr(t, *ps, h->pcr_mask);
	if (rc == TSS2_RC_SUCCESS && h->nv_index) {
		rc = policy_nv(t, h, c, *ps);
		/* The counter moved on since counter_check read it. */
		if (tr_tpm_rc_base(rc) == TPM2_RC_POLICY)
			return tr_counter_revoked(h, err, "a later generation");
	}
	if (rc == TSS2_RC_SUCCESS && pin)
		rc = Esys_PolicyAuthValue(t->esys, *ps, ESYS_TR_NONE,
					  ESYS_TR_NONE, ESYS_TR_NONE);
	if (rc == TSS2_RC_SUCCESS)
		rc = Esys_PolicyGetDigest(t->esys, *ps, ESYS_TR_NONE,
					  ESYS_TR_NONE, ESYS_TR_NONE, &digest);
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "running the PCR policy", err), -1;
	same = digest->size == TR_DIGEST_LEN &&
	       !memcmp(digest->buffer, h->policy, TR_DIGEST_LEN);
	Esys_Free(digest);
	/* Fail before Unseal: a mismatch then costs no lockout count. */
	return same ? 0 : explain_policy_mismatch(t, h, c, err);
}

/*
 * ESAPI keeps an object's auth value (the PIN's digest) in its own memory
 * and frees it unwiped on flush: overwrite it first (Esys_TR_SetAuth
 * copies the whole TPM2B, so an empty one clears every byte).
 */
static void clear_auth(struct tr_tpm *t, ESYS_TR item)
{
	const TPM2B_AUTH empty = { 0 };

	Esys_TR_SetAuth(t->esys, item, &empty);
}

static int set_pin(struct tr_tpm *t, ESYS_TR item,
		   const struct tr_bundle_header *h, const struct tr_secret *pin,
		   struct tr_error *err)
{
	TPM2B_AUTH auth = { .size = TR_DIGEST_LEN };
	TSS2_RC rc;

	if (!(h->flags & TR_BUNDLE_FLAG_PIN))
		return 0;
	if (!pin) {
		tr_error_set(err, TR_EXIT_PIN,
			     "bundle %s needs a PIN; pass --pin-file FILE (or - for standard input)",
			     h->name);
		return -1;
	}
	/* By version: SHA-256 for bundles sealed before version 3. */
	if (tr_policy_pin_auth_for(h, pin, auth.buffer, err) < 0) {
		tr_wipe(&auth, sizeof(auth));
		return -1;
	}
	rc = Esys_TR_SetAuth(t->esys, item, &auth);
	tr_wipe(&auth, sizeof(auth));
	if (rc != TSS2_RC_SUCCESS)
		return tr_tpm_rc_error(rc, "setting the PIN", err), -1;
	return 0;
}

/* One policy session and Unseal; *retry when PCRs changed in between. */
static int unseal_once(struct tr_tpm *t, const struct tr_bundle_header *h,
		       const struct tr_policy_set *set,
		       const struct tr_counter *c, ESYS_TR item,
		       uint8_t key[TR_SEALED_KEY_LEN], int *retry,
		       struct tr_error *err)
{
	TPM2B_SENSITIVE_DATA *out = NULL;
	ESYS_TR ps = ESYS_TR_NONE;
	char what[128];
	TSS2_RC rc;
	int ret = -1;

	*retry = 0;
	if (start_policy(t, h, set, c, &ps, err) < 0 ||
	    hmac_session(t, TPMA_SESSION_ENCRYPT, err) < 0)
		goto out;
	rc = Esys_Unseal(t->esys, item, ps, t->session, ESYS_TR_NONE, &out);
	if (tr_tpm_rc_base(rc) == TPM2_RC_PCR_CHANGED) {
		*retry = 1;
		goto out;
	}
	if (rc != TSS2_RC_SUCCESS) {
		snprintf(what, sizeof(what), "unsealing bundle %s", h->name);
		tr_tpm_rc_error(rc, what, err);
		goto out;
	}
	if (out->size != TR_SEALED_KEY_LEN) {
		tr_error_set(err, TR_EXIT_CORRUPT,
			     "bundle %s: the TPM returned a %u-byte key, not %d; reseal",
			     h->name, out->size, TR_SEALED_KEY_LEN);
		goto out;
	}
	memcpy(key, out->buffer, TR_SEALED_KEY_LEN);
	ret = 0;
out:
	if (out) {
		tr_wipe(out, sizeof(*out));
		Esys_Free(out);
	}
	if (ps != ESYS_TR_NONE)
		Esys_FlushContext(t->esys, ps);
	return ret;
}

int tr_tpm_unseal(struct tr_tpm *t, const struct tr_bundle_header *h,
		  const struct tr_secret *pin,
		  const struct tr_policy_set *policies,
		  struct tr_secret *payload, struct tr_error *err)
{
	struct tr_counter c = { .tr = ESYS_TR_NONE };
	uint8_t key[TR_SEALED_KEY_LEN];
	ESYS_TR item = ESYS_TR_NONE;
	int ret = -1, retry = 1, tries = 0;

	memset(payload, 0, sizeof(*payload));
	if ((h->flags & TR_BUNDLE_FLAG_PIN) && !pin)
		return set_pin(t, ESYS_TR_NONE, h, pin, err);
	/* Another TPM's bundle says so (14), not that its counter is missing. */
	if (srk_check(t, h, err) < 0 ||
	    (h->nv_index && tr_counter_check(t, h, &c, err) < 0) ||
	    load_sealed(t, h, &item, err) < 0 ||
	    set_pin(t, item, h, pin, err) < 0)
		goto out;
	while (retry && tries++ < PCR_CHANGED_RETRIES)
		if (unseal_once(t, h, policies, &c, item, key, &retry,
				err) < 0 && !retry)
			goto out;
	if (retry) {
		tr_error_set(err, TR_EXIT_TPM,
			     "bundle %s: PCRs kept changing during %d unseal attempts; retry",
			     h->name, PCR_CHANGED_RETRIES);
		goto out;
	}
	ret = tr_bundle_open(h, key, payload, err);
out:
	tr_wipe(key, sizeof(key));
	if (item != ESYS_TR_NONE) {
		clear_auth(t, item);
		Esys_FlushContext(t->esys, item);
	}
	tr_counter_close(t, &c);
	return ret;
}
