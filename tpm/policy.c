// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Policy digests computed on the host (TPM 2.0 Part 3, PolicyPCR, PolicyNV,
 * PolicyAuthValue and PolicyAuthorize), so sealing needs no trial session and predictive
 * sealing needs no PCR reads. Also the PCR option parsers, the PIN's
 * authValue and the revocation counter's index.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <tss2/tss2_mu.h>
#include <zlib.h>

#include "tpm/tpm.h"
#include "tpm/tpm_private.h"

void tr_pcr_selection(uint32_t mask, TPML_PCR_SELECTION *sel)
{
	memset(sel, 0, sizeof(*sel));
	sel->count = 1;
	sel->pcrSelections[0].hash = TPM2_ALG_SHA256;
	sel->pcrSelections[0].sizeofSelect = 3;
	sel->pcrSelections[0].pcrSelect[0] = (uint8_t)mask;
	sel->pcrSelections[0].pcrSelect[1] = (uint8_t)(mask >> 8);
	sel->pcrSelections[0].pcrSelect[2] = (uint8_t)(mask >> 16);
}

static int hash_error(struct tr_error *err, int rc)
{
	tr_error_set(err, TR_EXIT_FAILURE, "SHA-256 failed: %s",
		     gnutls_strerror(rc));
	return -1;
}

/* policy = H(policy || TPM_CC || args), args already marshalled. */
static int policy_update(uint8_t policy[TR_DIGEST_LEN], uint32_t cc,
			 const uint8_t *args, size_t args_len,
			 struct tr_error *err)
{
	uint8_t buf[TR_DIGEST_LEN + 4 + 256];
	size_t off = 0;
	int rc;

	if (args_len > sizeof(buf) - TR_DIGEST_LEN - 4)
		return hash_error(err, GNUTLS_E_INTERNAL_ERROR);
	memcpy(buf, policy, TR_DIGEST_LEN);
	off = TR_DIGEST_LEN;
	buf[off++] = (uint8_t)(cc >> 24);
	buf[off++] = (uint8_t)(cc >> 16);
	buf[off++] = (uint8_t)(cc >> 8);
	buf[off++] = (uint8_t)cc;
	if (args_len)
		memcpy(buf + off, args, args_len);
	off += args_len;
	rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, off, policy);
	return rc < 0 ? hash_error(err, rc) : 0;
}

static int policy_pcr(uint8_t policy[TR_DIGEST_LEN], uint32_t mask,
		      const uint8_t values[][TR_DIGEST_LEN],
		      struct tr_error *err)
{
	uint8_t concat[TR_PCR_COUNT * TR_DIGEST_LEN], args[128];
	TPML_PCR_SELECTION sel;
	size_t n = 0, off = 0;
	unsigned i;
	int rc;

	for (i = 0; i < TR_PCR_COUNT; i++)
		if (mask >> i & 1) {
			memcpy(concat + n, values[i], TR_DIGEST_LEN);
			n += TR_DIGEST_LEN;
		}
	tr_pcr_selection(mask, &sel);
	if (Tss2_MU_TPML_PCR_SELECTION_Marshal(&sel, args, sizeof(args), &off))
		return hash_error(err, GNUTLS_E_INTERNAL_ERROR);
	/* pcrDigest = H(selected values in ascending PCR order) */
	rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, concat, n, args + off);
	if (rc < 0)
		return hash_error(err, rc);
	return policy_update(policy, TPM2_CC_PolicyPCR, args,
			     off + TR_DIGEST_LEN, err);
}

/*
 * PolicyNV: args = H(operandB || offset || operation), then the index's
 * Name. operandB is the generation, 8 bytes big-endian as the counter;
 * offset 0; the counter must be unsigned <= it.
 */
static int policy_nv(uint8_t policy[TR_DIGEST_LEN],
		     const struct tr_policy_counter *c, struct tr_error *err)
{
	uint8_t operand[TR_COUNTER_SIZE + 4];
	uint8_t args[TR_DIGEST_LEN + TR_TPM_NAME_MAX];
	int i, rc;

	if (c->name_len == 0 || c->name_len > TR_TPM_NAME_MAX)
		return hash_error(err, GNUTLS_E_INTERNAL_ERROR);
	for (i = 0; i < TR_COUNTER_SIZE; i++)
		operand[i] = (uint8_t)(c->generation >> (8 * (7 - i)));
	operand[8] = 0;                         /* offset */
	operand[9] = 0;
	operand[10] = (uint8_t)(TPM2_EO_UNSIGNED_LE >> 8);
	operand[11] = (uint8_t)TPM2_EO_UNSIGNED_LE;
	rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, operand, sizeof(operand),
			      args);
	if (rc < 0)
		return hash_error(err, rc);
	memcpy(args + TR_DIGEST_LEN, c->name, c->name_len);
	return policy_update(policy, TPM2_CC_PolicyNV, args,
			     TR_DIGEST_LEN + c->name_len, err);
}

/* What follows the PCRs in every object policy: PolicyNV, PolicyAuthValue. */
static int policy_tail(uint8_t policy[TR_DIGEST_LEN],
		       const struct tr_policy_counter *counter, int with_pin,
		       struct tr_error *err)
{
	if (counter && policy_nv(policy, counter, err) < 0)
		return -1;
	if (with_pin)
		return policy_update(policy, TPM2_CC_PolicyAuthValue, NULL, 0,
				     err);
	return 0;
}

int tr_policy_digest(uint32_t mask, const uint8_t values[][TR_DIGEST_LEN],
		     const struct tr_policy_counter *counter, int with_pin,
		     uint8_t out[TR_DIGEST_LEN], struct tr_error *err)
{
	memset(out, 0, TR_DIGEST_LEN);
	if (mask == 0 || mask >> TR_PCR_COUNT) {
		tr_error_set(err, TR_EXIT_USAGE,
			     "a policy needs at least one PCR in 0..23");
		return -1;
	}
	if (policy_pcr(out, mask, values, err) < 0)
		return -1;
	return policy_tail(out, counter, with_pin, err);
}

/*
 * PolicyAuthorize (Part 3, 23.16) resets the digest: H(0 || CC || keyName),
 * then H(that || policyRef), policyRef empty.
 */
int tr_policy_authorized_digest(const uint8_t *key_name, size_t name_len,
				uint32_t lock_mask,
				const uint8_t values[][TR_DIGEST_LEN],
				const struct tr_policy_counter *counter,
				int with_pin, uint8_t out[TR_DIGEST_LEN],
				struct tr_error *err)
{
	uint8_t first[TR_DIGEST_LEN];
	int rc;

	memset(out, 0, TR_DIGEST_LEN);
	if (name_len == 0 || name_len > TR_TPM_NAME_MAX ||
	    lock_mask >> TR_PCR_COUNT)
		return hash_error(err, GNUTLS_E_INTERNAL_ERROR);
	if (policy_update(out, TPM2_CC_PolicyAuthorize, key_name, name_len,
			  err) < 0)
		return -1;
	memcpy(first, out, TR_DIGEST_LEN);
	rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, first, TR_DIGEST_LEN, out);
	if (rc < 0)
		return hash_error(err, rc);
	if (lock_mask && policy_pcr(out, lock_mask, values, err) < 0)
		return -1;
	return policy_tail(out, counter, with_pin, err);
}

int tr_policy_ahash(const uint8_t approved[TR_DIGEST_LEN],
		    uint8_t out[TR_DIGEST_LEN], struct tr_error *err)
{
	int rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, approved, TR_DIGEST_LEN,
				  out);

	return rc < 0 ? hash_error(err, rc) : 0;
}

uint32_t tr_counter_index(const char *name)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	crc = crc32(crc, (const Bytef *)name, (uInt)strlen(name));
	return TR_COUNTER_BASE + (uint32_t)(crc & 0xffff);
}

/*
 * The PIN's bytes: one line ending, Unix or DOS (a PIN file written on
 * Windows), is not part of it. An empty PIN is refused.
 */
static int pin_bytes(const struct tr_secret *pin, size_t *len,
		     struct tr_error *err)
{
	*len = pin->len;
	if (*len && pin->data[*len - 1] == '\n')
		(*len)--;
	if (*len && pin->data[*len - 1] == '\r')
		(*len)--;
	if (*len == 0) {
		tr_error_set(err, TR_EXIT_PIN,
			     "the PIN is empty; put the PIN in the --pin-file");
		return -1;
	}
	return 0;
}

int tr_policy_pin_auth_for(const struct tr_bundle_header *h,
			   const struct tr_secret *pin,
			   uint8_t out[TR_DIGEST_LEN], struct tr_error *err)
{
	gnutls_datum_t key, salt = { (unsigned char *)h->pin_salt,
				     sizeof(h->pin_salt) };
	size_t len;
	int rc;

	if (pin_bytes(pin, &len, err) < 0)
		return -1;
	/* Versions 1 and 2, sealed before the KDF: unsalted SHA-256. */
	if (h->version < TR_BUNDLE_VERSION_PIN_KDF) {
		rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, pin->data, len, out);
		return rc < 0 ? hash_error(err, rc) : 0;
	}
	if (!tr_pin_iterations_valid(h->pin_iterations)) {
		tr_error_set(err, TR_EXIT_CORRUPT,
			     "bundle %s: its PIN iteration count %u is outside %u..%u; reseal",
			     h->name, h->pin_iterations,
			     TR_PIN_KDF_ITERATIONS_MIN,
			     TR_PIN_KDF_ITERATIONS_MAX);
		return -1;
	}
	key.data = pin->data;
	key.size = (unsigned)len;
	rc = gnutls_pbkdf2(GNUTLS_MAC_SHA256, &key, &salt, h->pin_iterations,
			   out, TR_DIGEST_LEN);
	if (rc < 0) {
		tr_wipe(out, TR_DIGEST_LEN);
		tr_error_set(err, TR_EXIT_FAILURE, "PBKDF2-SHA256 failed: %s",
			     gnutls_strerror(rc));
		return -1;
	}
	return 0;
}

static int parse_pcr_number(const char *s, char **end, unsigned *pcr)
{
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, end, 10);
	if (errno || v >= TR_PCR_COUNT)
		return -1;
	*pcr = (unsigned)v;
	return 0;
}

int tr_pcr_list_parse(const char *s, uint32_t *mask, struct tr_error *err)
{
	const char *p = s;
	char *end;
	unsigned pcr;

	*mask = 0;
	for (;;) {
		if (parse_pcr_number(p, &end, &pcr) < 0 ||
		    (*end != ',' && *end != '\0')) {
			tr_error_set(err, TR_EXIT_USAGE,
				     "bad PCR list '%s': use numbers 0..23 separated by commas, e.g. 7,15",
				     s);
			return -1;
		}
		*mask |= 1u << pcr;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

int tr_pcr_value_parse(const char *s, unsigned *pcr,
		       uint8_t value[TR_DIGEST_LEN], struct tr_error *err)
{
	static const char bank[] = "=sha256:";
	gnutls_datum_t hex;
	size_t len = TR_DIGEST_LEN;
	char *end;

	if (parse_pcr_number(s, &end, pcr) < 0 ||
	    strncmp(end, bank, sizeof(bank) - 1) != 0)
		goto bad;
	end += sizeof(bank) - 1;
	hex.data = (unsigned char *)end;
	hex.size = (unsigned)strlen(end);
	if (hex.size != 2 * TR_DIGEST_LEN ||
	    gnutls_hex_decode(&hex, value, &len) < 0 || len != TR_DIGEST_LEN)
		goto bad;
	return 0;
bad:
	tr_error_set(err, TR_EXIT_USAGE,
		     "bad PCR value '%s': use N=sha256:<64 hex digits>, e.g. 7=sha256:%.16s...",
		     s, "0000000000000000");
	return -1;
}
