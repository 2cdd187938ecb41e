// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * systemd's JSON PCR signatures (format in tpm/pcrsig.h). The parser reads
 * untrusted bytes: the file comes from a UKI section, through the boot
 * partition. json-c parses it strictly, to a bounded depth; every field is
 * checked for type, length and range before use.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <json-c/json.h>

#include "tpm/pcrsig.h"

#define BANK "sha256"
#define DEPTH 8                        /* object, array, object, array */
#define SIG_B64_MAX 1024               /* base64 of an RSA-4096 signature: 684 */
#define RSA_SIG_MIN (2048 / 8)
#define RSA_SIG_MAX (4096 / 8)
#define ECDSA_DER_MAX 72               /* P-256: 2 + 2 * (2 + 33) */

static int bad(struct tr_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct tr_error *err, const char *fmt, ...)
{
	char what[TR_ERROR_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "systemd PCR signature is malformed (%s); use the tpm2-pcr-signature.json of a UKI signed with systemd-measure sign or ukify --pcr-private-key",
		     what);
	return -1;
}

static int blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int tr_pcrsig_detect(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len && blank(buf[i]))
		i++;
	return i < len && buf[i] == '{';
}

/* A string field of e, or NULL (then *len is 0). */
static const char *string_field(struct json_object *e, const char *key,
				size_t *len)
{
	struct json_object *v;

	*len = 0;
	if (!json_object_object_get_ex(e, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

/* "pkfp" and "pol": 64 hex digits. */
static int digest_field(struct json_object *e, unsigned idx, const char *key,
			uint8_t out[TR_DIGEST_LEN], struct tr_error *err)
{
	size_t len, n = TR_DIGEST_LEN;
	const char *s = string_field(e, key, &len);
	gnutls_datum_t hex = { (unsigned char *)s, (unsigned)len };

	if (!s)
		return bad(err, "sha256 entry %u: no \"%s\" string", idx, key);
	if (len != 2 * TR_DIGEST_LEN || gnutls_hex_decode(&hex, out, &n) < 0 ||
	    n != TR_DIGEST_LEN)
		return bad(err, "sha256 entry %u: \"%s\" is not 64 hex digits", idx, key);
	return 0;
}

/* "pcrs": a non-empty array of PCR numbers 0..23. */
static int pcrs_field(struct json_object *e, unsigned idx, uint32_t *mask,
		      struct tr_error *err)
{
	struct json_object *a, *v;
	size_t i, n;
	int64_t pcr;

	*mask = 0;
	if (!json_object_object_get_ex(e, "pcrs", &a) ||
	    !json_object_is_type(a, json_type_array))
		return bad(err, "sha256 entry %u: no \"pcrs\" array", idx);
	n = json_object_array_length(a);
	if (n == 0)
		return bad(err, "sha256 entry %u: \"pcrs\" is empty", idx);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_int))
			return bad(err, "sha256 entry %u: \"pcrs\" holds a non-integer",
				   idx);
		pcr = json_object_get_int64(v);
		if (pcr < 0 || pcr >= TR_PCR_COUNT)
			return bad(err, "sha256 entry %u: PCR %lld is not 0..%d", idx,
				   (long long)pcr, TR_PCR_COUNT - 1);
		*mask |= 1u << pcr;
	}
	return 0;
}

/*
 * "sig": base64 of an RSA signature (2048..4096 bits) or of a DER ECDSA
 * signature (P-256), into a marshalled TPMT_SIGNATURE.
 */
static int sig_field(struct json_object *e, unsigned idx,
		     struct tr_signed_policy *p, struct tr_error *err)
{
	gnutls_datum_t b64, raw = { 0 };
	size_t len;
	const char *s = string_field(e, "sig", &len);
	int rc = -1, ecdsa;

	if (!s)
		return bad(err, "sha256 entry %u: no \"sig\" string", idx);
	if (len == 0 || len > SIG_B64_MAX || strlen(s) != len)
		return bad(err, "sha256 entry %u: \"sig\" is empty or too long", idx);
	b64.data = (unsigned char *)s;
	b64.size = (unsigned)len;
	if (gnutls_base64_decode2(&b64, &raw) < 0)
		return bad(err, "sha256 entry %u: \"sig\" is not base64", idx);
	ecdsa = raw.size <= ECDSA_DER_MAX && raw.size > 0 && raw.data[0] == 0x30;
	if (ecdsa || (raw.size >= RSA_SIG_MIN && raw.size <= RSA_SIG_MAX))
		rc = tr_policy_sig_marshal(raw.data, raw.size, ecdsa, p->sig,
					   sizeof(p->sig), &p->sig_len);
	gnutls_free(raw.data);
	if (rc < 0)
		return bad(err, "sha256 entry %u: \"sig\" is neither an RSA (2048..4096 bits) nor an ECDSA P-256 signature",
			   idx);
	return 0;
}

static int parse_entry(struct json_object *e, unsigned idx,
		       struct tr_signed_policy *p, struct tr_error *err)
{
	memset(p, 0, sizeof(*p));
	p->format = TR_POLICY_PCRSIG;
	p->entry = idx;
	if (!json_object_is_type(e, json_type_object))
		return bad(err, "sha256 entry %u is not an object", idx);
	if (pcrs_field(e, idx, &p->pcr_mask, err) < 0 ||
	    digest_field(e, idx, "pkfp", p->pkfp, err) < 0 ||
	    digest_field(e, idx, "pol", p->approved, err) < 0)
		return -1;
	return sig_field(e, idx, p, err);
}

static int parse_bank(struct json_object *root, struct tr_signed_policy *p,
		      size_t max, size_t *n, struct tr_error *err)
{
	struct json_object *bank;
	size_t i, count;

	if (!json_object_is_type(root, json_type_object))
		return bad(err, "not a JSON object");
	if (!json_object_object_get_ex(root, BANK, &bank)) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "systemd PCR signature has no \"" BANK "\" entries; tlsroot binds SHA-256 PCRs: sign with systemd-measure sign --bank=sha256 (ukify --pcr-banks=sha256)");
		return -1;
	}
	if (!json_object_is_type(bank, json_type_array))
		return bad(err, "\"" BANK "\" is not an array");
	count = json_object_array_length(bank);
	if (count == 0)
		return bad(err, "\"" BANK "\" has no entries");
	if (count > max)
		return bad(err, "more than %zu " BANK " entries", max);
	for (i = 0; i < count; i++)
		if (parse_entry(json_object_array_get_idx(bank, i),
				(unsigned)i + 1, &p[i], err) < 0)
			return -1;
	*n = count;
	return 0;
}

int tr_pcrsig_parse(const uint8_t *buf, size_t len,
		    struct tr_signed_policy *p, size_t max, size_t *n,
		    struct tr_error *err)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t end;
	int ret = -1;

	*n = 0;
	if (len > TR_PCRSIG_FILE_MAX)
		return bad(err, "larger than %d bytes", TR_PCRSIG_FILE_MAX);
	tok = json_tokener_new_ex(DEPTH);
	if (!tok) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, (const char *)buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	while (root && end < len && blank(buf[end]))
		end++;
	if (!root && jerr == json_tokener_continue)
		bad(err, "JSON ends early");
	else if (!root || jerr != json_tokener_success)
		bad(err, "not JSON: %s at byte %zu", json_tokener_error_desc(jerr),
		    end);
	else if (end != len)
		bad(err, "bytes after the JSON object at byte %zu", end);
	else
		ret = parse_bank(root, p, max, n, err);
	json_object_put(root);
	json_tokener_free(tok);
	return ret;
}
