/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sealing identities to the TPM 2.0 and unsealing them again.
 *
 * A sealed bundle (tlsroot-bundle(5)) is a plaintext header naming the
 * identity, its PCR policy and a TPM-sealed 32-byte key, followed by the
 * identity sealed with AES-256-GCM under a key derived from that sealed key.
 * The header is the AEAD's associated data.
 *
 * Layers, bottom up:
 *   tr_bundle_*    the file format: parse and build headers, AEAD (no TPM)
 *   tr_payload_*   what the AEAD protects: x509 or PSK identity (no TPM)
 *   tr_policy_*    PolicyPCR/PolicyNV/PolicyAuthValue digests computed on
 *                  the host
 *   tr_tpm_*       ESAPI: connect, SRK, seal, unseal, PCR read and extend
 */
#ifndef TLSROOT_TPM_H
#define TLSROOT_TPM_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

/*
 * Format versions: 1 without a revocation counter, 2 with one, 3 for a
 * PIN (the counter fields, maybe zero, then the PIN's KDF salt and
 * iterations), 4 for a signed policy (the version-3 layout, the KDF
 * fields only with a PIN, then the policy key and the PCRs its signed
 * policies cover). TR_BUNDLE_VERSION is the newest.
 */
#define TR_BUNDLE_VERSION 4
#define TR_BUNDLE_VERSION_PLAIN 1
#define TR_BUNDLE_VERSION_COUNTER 2
#define TR_BUNDLE_VERSION_PIN_KDF 3
#define TR_BUNDLE_VERSION_SIGNED 4
#define TR_BUNDLE_MAX (256 * 1024)     /* whole file */
#define TR_BUNDLE_BLOB_MAX 1024        /* SRK, TPM2B_PUBLIC, TPM2B_PRIVATE */
#define TR_BUNDLE_NONCE_LEN 12
#define TR_BUNDLE_TAG_LEN 16
#define TR_SEALED_KEY_LEN 32
#define TR_DIGEST_LEN 32               /* SHA-256: bank, policy, PIN */
#define TR_PCR_COUNT 24
#define TR_LOCK_PCR_NONE 0xff
/*
 * Version 3: authValue = PBKDF2-HMAC-SHA256(PIN, salt, iterations). The
 * default costs about 105 ms of CPU on a 2020s x86 host with SHA-NI (and
 * is OWASP's 2023 figure); the parser refuses counts outside MIN..MAX.
 */
#define TR_PIN_SALT_LEN 16
#define TR_PIN_KDF_ITERATIONS 600000u
#define TR_PIN_KDF_ITERATIONS_MIN 1000u
#define TR_PIN_KDF_ITERATIONS_MAX 10000000u
/* Lock PCRs: nothing resets 8..15 before a reboot (16 and 23 can be reset
 * at locality 0, 17..22 are not extendable there, 0..7 are firmware's). */
#define TR_LOCK_PCR_MIN 8
#define TR_LOCK_PCR_MAX 15
#define TR_IDENTITY_NAME_MAX 64
#define TR_TPM_DEFAULT_TCTI "device:/dev/tpmrm0"
#define TR_SRK_HANDLE 0x81000001u
/*
 * Revocation counters: one NV counter per identity name, at
 * TR_COUNTER_BASE + (CRC-32 of the name & 0xffff), in the TCG registry's
 * owner range 0x01800000..0x01BFFFFF.
 */
#define TR_COUNTER_BASE 0x01BF0000u
#define TR_COUNTER_SIZE 8
#define TR_TPM_NAME_MAX 68             /* TPM2B_NAME: alg id + digest */

enum tr_bundle_kind { TR_BUNDLE_X509 = 1, TR_BUNDLE_PSK = 2 };
enum tr_bundle_flags { TR_BUNDLE_FLAG_PIN = 1 };

/*
 * The public key that signs a bundle's approved policies (version 4): its
 * TPM2B_PUBLIC (ECC P-256 or RSA, nameAlg SHA-256, scheme NULL, the
 * attributes tpm2_loadexternal and systemd give an external key) and its
 * TPM Name, nameAlg || SHA-256(TPMT_PUBLIC), shown as its fingerprint.
 */
struct tr_policy_key {
	uint8_t pub[TR_BUNDLE_BLOB_MAX];   /* marshalled TPM2B_PUBLIC */
	size_t pub_len;
	uint8_t name[TR_TPM_NAME_MAX];
	size_t name_len;
};

/*
 * A parsed header. Blobs are copied; sealed points into the buffer that
 * was parsed (ciphertext followed by the tag).
 */
struct tr_bundle_header {
	uint16_t version;
	uint8_t kind;                  /* enum tr_bundle_kind */
	uint8_t flags;                 /* enum tr_bundle_flags */
	char name[TR_IDENTITY_NAME_MAX + 1];
	uint16_t pcr_bank;             /* TPM2_ALG_SHA256 */
	uint32_t pcr_mask;             /* bit n: PCR n */
	uint8_t lock_pcr;              /* 0..23 or TR_LOCK_PCR_NONE */
	uint8_t pcr_values[TR_PCR_COUNT][TR_DIGEST_LEN]; /* for bits in mask */
	uint32_t nv_index;             /* version 2 (3: or 0): counter */
	uint64_t generation;           /* version 2 (3: or 0): its value */
	uint8_t pin_salt[TR_PIN_SALT_LEN]; /* version 3: PBKDF2 salt */
	uint32_t pin_iterations;       /* version 3: PBKDF2 iterations */
	uint32_t policy_pcrs;          /* version 4: what signed policies cover */
	struct tr_policy_key policy_key; /* version 4: the signer */
	uint8_t policy[TR_DIGEST_LEN];
	uint8_t srk[TR_BUNDLE_BLOB_MAX];   /* Esys_TR_Serialize of the SRK */
	size_t srk_len;
	uint8_t pub[TR_BUNDLE_BLOB_MAX];   /* marshalled TPM2B_PUBLIC */
	size_t pub_len;
	uint8_t priv[TR_BUNDLE_BLOB_MAX];  /* marshalled TPM2B_PRIVATE */
	size_t priv_len;
	uint8_t nonce[TR_BUNDLE_NONCE_LEN];
	size_t header_len;             /* bytes of header = AAD */
	const uint8_t *sealed;         /* ciphertext || tag */
	size_t sealed_len;
};

/*
 * Parse a whole bundle file. Truncation, bad lengths, trailing bytes or a
 * bad magic give TR_EXIT_CORRUPT; a version other than 1, 2 or 3 gives
 * TR_EXIT_VERSION. Only the header is checked: the payload is
 * authenticated by tr_bundle_open().
 */
int tr_bundle_parse(const uint8_t *buf, size_t len, struct tr_bundle_header *h,
		    struct tr_error *err);

/*
 * Encrypt payload under key (the 32 bytes the TPM seals) and write the
 * whole bundle: h's header fields (nonce included) then ciphertext and tag.
 * The version written is tr_bundle_version_of(h) (h->version is ignored);
 * a PIN needs pin_iterations in range. *out is malloc'd.
 */
int tr_bundle_build(const struct tr_bundle_header *h,
		    const uint8_t key[TR_SEALED_KEY_LEN],
		    const uint8_t *payload, size_t payload_len,
		    uint8_t **out, size_t *out_len, struct tr_error *err);

/*
 * The version h is written as: 4 with a policy key, 3 with a PIN, 2 with
 * a counter, else 1.
 */
uint16_t tr_bundle_version_of(const struct tr_bundle_header *h);

/* A PBKDF2 iteration count a bundle may carry (MIN..MAX). */
int tr_pin_iterations_valid(uint32_t n);

/* Authenticate and decrypt the payload of a parsed bundle into locked memory. */
int tr_bundle_open(const struct tr_bundle_header *h,
		   const uint8_t key[TR_SEALED_KEY_LEN],
		   struct tr_secret *payload, struct tr_error *err);

/* A valid identity name: 1..64 of [A-Za-z0-9._-], not starting with '.'. */
int tr_identity_name_valid(const char *name);

/* Human-readable "x509" / "psk" / "unknown". */
const char *tr_bundle_kind_name(int kind);

/*
 * How h's PIN becomes the authValue: "pbkdf2-sha256" (version 3),
 * "sha256" (versions 1 and 2), NULL without a PIN.
 */
const char *tr_bundle_pin_kdf_name(const struct tr_bundle_header *h);

/*
 * The decrypted identity. Pointers point into the payload they were
 * decoded from (strings are NUL-terminated there).
 */
struct tr_identity {
	int kind;
	const uint8_t *cert;           /* x509: DER certificate */
	size_t cert_len;
	const uint8_t *key;            /* x509: DER PKCS#8 private key */
	size_t key_len;
	const uint8_t *psk;            /* psk: configured PSK */
	size_t psk_len;
	int hmac;                      /* psk: 0 none, 1 SHA-256, 2 SHA-384 */
	int identity_version;          /* psk: 0 or 1 */
	int compat;                    /* psk: tr_psk_params.compat, 0 or 1 */
	const char *hostnqn;
	const char *subnqn;
};

/*
 * Build a payload for tr_bundle_build. x509: a DER certificate and DER
 * private key, already checked to belong together (keys/ loads them).
 */
int tr_payload_x509(const uint8_t *cert, size_t cert_len,
		    const uint8_t *key, size_t key_len,
		    struct tr_secret *payload, struct tr_error *err);
int tr_payload_psk(const uint8_t *psk, size_t psk_len, int hmac,
		   const char *hostnqn, const char *subnqn,
		   int identity_version, int compat, struct tr_secret *payload,
		   struct tr_error *err);
int tr_payload_decode(const struct tr_secret *payload, int kind,
		      struct tr_identity *id, struct tr_error *err);

/* A revocation counter as PolicyNV sees it. */
struct tr_policy_counter {
	const uint8_t *name;           /* the NV index's Name: alg || digest */
	size_t name_len;
	uint64_t generation;           /* operandB: the counter must be <= it */
};

/*
 * Host-side policy digests (no trial sessions). values holds the expected
 * SHA-256 PCR values indexed by PCR number; only the bits in mask are read.
 * The policy is PolicyPCR, then PolicyNV when counter is not NULL, then
 * PolicyAuthValue with a PIN.
 */
int tr_policy_digest(uint32_t mask, const uint8_t values[][TR_DIGEST_LEN],
		     const struct tr_policy_counter *counter, int with_pin,
		     uint8_t out[TR_DIGEST_LEN], struct tr_error *err);

/*
 * The object policy of a signed-policy bundle (version 4):
 * PolicyAuthorize(key_name, empty policyRef), then PolicyPCR over the PCRs
 * of lock_mask (the lock PCR at its reset value, or none when 0), then
 * PolicyNV and PolicyAuthValue as for tr_policy_digest.
 */
int tr_policy_authorized_digest(const uint8_t *key_name, size_t name_len,
				uint32_t lock_mask,
				const uint8_t values[][TR_DIGEST_LEN],
				const struct tr_policy_counter *counter,
				int with_pin, uint8_t out[TR_DIGEST_LEN],
				struct tr_error *err);

/* What a signed policy's signature covers: SHA-256(approved || policyRef ""). */
int tr_policy_ahash(const uint8_t approved[TR_DIGEST_LEN],
		    uint8_t out[TR_DIGEST_LEN], struct tr_error *err);

/* The revocation counter's NV index for an identity name. */
uint32_t tr_counter_index(const char *name);

/*
 * The TPM authValue for the PIN of bundle h, from the PIN bytes without
 * one trailing line ending ("\n" or "\r\n"): for version 3
 * PBKDF2-HMAC-SHA256 with h's salt and iterations, for versions 1 and 2
 * (sealed before) SHA-256. An empty PIN is refused.
 */
int tr_policy_pin_auth_for(const struct tr_bundle_header *h,
			   const struct tr_secret *pin,
			   uint8_t out[TR_DIGEST_LEN], struct tr_error *err);

/* Parse "7,15" into a mask (PCRs 0..23). */
int tr_pcr_list_parse(const char *s, uint32_t *mask, struct tr_error *err);

/* Parse "N=sha256:HEX" (64 hex digits). */
int tr_pcr_value_parse(const char *s, unsigned *pcr,
		       uint8_t value[TR_DIGEST_LEN], struct tr_error *err);

/*
 * Map a TSS2_RC from a TPM command to an exit code and one line of text.
 * what names the operation ("unsealing bundle web"). Returns err->code.
 */
int tr_tpm_rc_error(uint32_t rc, const char *what, struct tr_error *err);

/* TPM session. */
struct tr_tpm;

/*
 * Connect through the TCTI loader (NULL: TR_TPM_DEFAULT_TCTI), retrying
 * until timeout_ms has passed; TR_EXIT_NOTPM when it never answers.
 */
int tr_tpm_open(struct tr_tpm **out, const char *tcti, unsigned timeout_ms,
		struct tr_error *err);
void tr_tpm_close(struct tr_tpm *t);

/* Read the SHA-256 values of the PCRs in mask into values[pcr]. */
int tr_tpm_pcr_read(struct tr_tpm *t, uint32_t mask,
		    uint8_t values[][TR_DIGEST_LEN], struct tr_error *err);

/* Extend a PCR's SHA-256 bank with tlsroot's lock measurement. */
int tr_tpm_pcr_lock(struct tr_tpm *t, unsigned pcr, struct tr_error *err);

enum tr_revocation {
	TR_REVOCATION_NONE = 0,        /* version 1 bundle */
	TR_REVOCATION_BIND,            /* --revocable: the counter as it is */
	TR_REVOCATION_ADVANCE,         /* --revoke-older: increment it first */
};

/* What tr_tpm_seal bound a revocable bundle to. */
struct tr_seal_counter {
	uint32_t nv_index;
	uint64_t generation;
	int defined;                   /* the counter was defined just now */
};

struct tr_seal_request {
	const char *name;
	const struct tr_policy_key *policy_key; /* NULL: PCRs bound directly */
	uint32_t policy_pcrs;          /* with policy_key: what policies cover */
	int kind;
	uint32_t pcr_mask;             /* lock PCR included; with policy_key
					  the lock PCR alone (or 0) */
	uint8_t lock_pcr;
	const uint8_t (*pcr_values)[TR_DIGEST_LEN]; /* [TR_PCR_COUNT] */
	const struct tr_secret *pin;   /* NULL: no PIN */
	const struct tr_secret *payload;
	int revocation;                /* enum tr_revocation */
	struct tr_seal_counter *counter; /* filled when revocation is set */
};

/*
 * Seal: ensure the SRK (and for a revocable bundle the identity's counter,
 * defined and advanced with the owner hierarchy's empty auth), create the
 * sealed key under a salted session, and return the whole bundle
 * (malloc'd).
 */
int tr_tpm_seal(struct tr_tpm *t, const struct tr_seal_request *req,
		uint8_t **bundle, size_t *bundle_len, struct tr_error *err);

/* The signed policies an unseal may use (tpm/signed_policy.h). */
struct tr_policy_set;

/*
 * Unseal a parsed bundle: check the SRK name and, for version 2, that the
 * revocation counter is still at the bundle's generation
 * (TR_EXIT_REVOKED otherwise), load, satisfy the policy
 * (pin may be NULL when the bundle needs none; a version-4 bundle through
 * one of policies, which may be NULL for the others), unseal the key under
 * a salted encrypting session and decrypt the payload into locked memory.
 */
int tr_tpm_unseal(struct tr_tpm *t, const struct tr_bundle_header *h,
		  const struct tr_secret *pin,
		  const struct tr_policy_set *policies,
		  struct tr_secret *payload, struct tr_error *err);

#endif
