/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keys: identities in kernel keyrings.
 *
 * x509 identities are two `user` keys holding DER on .nfs (or the
 * "tlsroot" stand-in keyring in root's user keyring on kernels without
 * .nfs): nfs:x509:NAME:cert and nfs:x509:NAME:privkey. NVMe identities
 * are `psk` keys on .nvme whose description is the NVMe TLS PSK identity
 * and whose payload is the derived TLS PSK; a named one also gets a small
 * `user` key tlsroot:psk:NAME on .nvme holding its identity (not secret).
 * Every key is possessor-only: no KEY_USR_READ.
 *
 * Every function returns 0 on success and -1 with *err filled (one line,
 * an enum tr_exit code) on failure. Functions that take secret bytes never
 * keep a copy; buffers that receive secret bytes are the caller's, and the
 * caller keeps them in struct tr_secret memory or wipes them.
 */
#ifndef TLSROOT_KEYS_H
#define TLSROOT_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/common.h"

#define TR_NAME_MAX 64            /* identity names: [A-Za-z0-9._-], no ':' */
#define TR_NQN_MAX 223            /* NVMe Base spec NQN limit, in bytes */
#define TR_PSK_MAX 48             /* longest PSK (SHA-384) */
#define TR_PSK_INTERCHANGE_MAX 90 /* "NVMeTLSkey-1:02:<72 base64>:" + NUL */
/* "NVMe1R02 " + NQN + " " + NQN + " " + 64-char digest + NUL */
#define TR_PSK_IDENTITY_MAX (9 + TR_NQN_MAX + 1 + TR_NQN_MAX + 1 + 64 + 1)

#define TR_KEYRING_NFS ".nfs"
#define TR_KEYRING_NVME ".nvme"
/*
 * The stand-in for .nfs. The kernel refuses keyring descriptions that
 * start with '.' from user space (EPERM), so it cannot be ".tlsroot".
 */
#define TR_KEYRING_FALLBACK "tlsroot"

/* ---- NVMe TLS PSK interchange format and derivation ---- */

/* Hash ids of the interchange format and of PSK identities. */
enum tr_psk_hash {
	TR_PSK_HASH_NONE = 0,     /* configured PSK used as retained PSK */
	TR_PSK_HASH_SHA256 = 1,
	TR_PSK_HASH_SHA384 = 2,
};

/*
 * Parse "NVMeTLSkey-1:HH:<base64(PSK || CRC-32 LE)>:" (exactly len bytes,
 * no trailing newline): checks prefix, hash id, length, base64 and CRC.
 * Writes the PSK to psk (TR_PSK_MAX bytes) and its hash id to *hash.
 */
int tr_psk_parse_interchange(const char *text, size_t len, uint8_t *psk,
			     size_t *psk_len, int *hash, struct tr_error *err);

/* The inverse; out receives a NUL-terminated string (cap >= TR_PSK_INTERCHANGE_MAX). */
int tr_psk_format_interchange(const uint8_t *psk, size_t len, int hash,
			      char *out, size_t cap, struct tr_error *err);

struct tr_psk_params {
	const char *hostnqn;
	const char *subnqn;
	int identity_version;     /* 0 or 1 */
	/*
	 * 0: HKDF-Expand-Label as RFC 8446 §7.1 defines it (libnvme >= 1.16,
	 * nvme-cli >= 2.16, the kernel). 1: the older libnvme encoding
	 * (<= 1.15, nvme-cli <= 2.15 and `--compat` in later ones); both
	 * ends must use the same.
	 */
	int compat;
};

/* A derived NVMe TLS PSK. Secret: keep it in tr_secret memory or wipe it. */
struct tr_psk_derived {
	uint8_t tls_psk[TR_PSK_MAX];
	size_t len;               /* 32 (SHA-256) or 48 (SHA-384) */
	int hash;                 /* the identity's hash id: 1 or 2 */
	char identity[TR_PSK_IDENTITY_MAX];
};

/* NQN syntax: 1..223 bytes of printable ASCII without spaces. */
int tr_nqn_check(const char *what, const char *nqn, struct tr_error *err);

/*
 * Configured PSK -> retained PSK (hash 0: a copy). out gets len bytes.
 * HKDF-Expand-Label(HKDF-Extract(0, configured), "HostNQN", hostnqn, len),
 * with compat as in struct tr_psk_params.
 */
int tr_psk_derive_retained(int hash, const char *hostnqn, int compat,
			   const uint8_t *configured, size_t len, uint8_t *out,
			   struct tr_error *err);

/*
 * Configured PSK -> retained PSK -> PSK identity (v0 or v1) and TLS PSK,
 * as NVMe/TCP (TP 8018) and libnvme do it.
 */
int tr_psk_derive(const struct tr_psk_params *p, const uint8_t *configured,
		  size_t len, int hash, struct tr_psk_derived *out,
		  struct tr_error *err);

/*
 * Check a PSK identity "NVMe<v><R|G><hh> <hostnqn> <subnqn>[ <digest>]"
 * and return its version and hash id.
 */
int tr_psk_identity_parse(const char *identity, int *version, int *hash,
			  struct tr_error *err);

/* ---- nvme-cli key files: "<identity> <interchange TLS PSK>" lines ---- */

struct tr_nvme_keyfile_entry {
	unsigned int line;
	char identity[TR_PSK_IDENTITY_MAX];
	uint8_t psk[TR_PSK_MAX];  /* secret: the TLS PSK, inserted as is */
	size_t psk_len;
	int hash;
};

typedef int (*tr_nvme_keyfile_cb)(const struct tr_nvme_keyfile_entry *e,
				  void *ctx, struct tr_error *err);

/*
 * Parse a key file; '#' comments and blank lines are skipped. Each entry
 * is built in *scratch (caller's locked memory), handed to cb (which may
 * be NULL to only validate), then wiped. Stops at the first bad line.
 */
int tr_nvme_keyfile_parse(const char *text, size_t len,
			  struct tr_nvme_keyfile_entry *scratch,
			  tr_nvme_keyfile_cb cb, void *ctx,
			  struct tr_error *err);

#define TR_IMPORT_MAX 4096

struct tr_keyring_target;

/*
 * Place every key of a key file on t (unnamed, described by identity).
 * Nothing is placed unless every line is valid; if placing fails
 * part-way, the keys this call created are removed again.
 */
int tr_keys_import_nvme(const struct tr_keyring_target *t, const char *text,
			size_t len, struct tr_nvme_keyfile_entry *scratch,
			size_t *count, struct tr_error *err);

/* ---- x509 identities ---- */

struct tr_x509_identity {
	uint8_t *cert_der;        /* malloc'd */
	size_t cert_len;
	struct tr_secret key_der; /* PKCS#8 DER */
	time_t not_before;
	time_t not_after;
	char key_algo[16];        /* "RSA", "ECDSA", "EdDSA (Ed25519)"... */
	char subject[256];
};

/*
 * Parse a PEM certificate (the first one, the leaf) and a PEM private key
 * (PKCS#8, PKCS#1 or SEC1; RSA, ECDSA P-256/P-384, Ed25519), check that
 * the key belongs to the certificate, and export both as DER.
 */
int tr_x509_load_pem(const uint8_t *cert_pem, size_t cert_len,
		     const uint8_t *key_pem, size_t key_len,
		     struct tr_x509_identity *out, struct tr_error *err);
/* The same from two files; the key file is read into locked memory. */
int tr_x509_load_pem_files(const char *cert_path, const char *key_path,
			   struct tr_x509_identity *out, struct tr_error *err);
void tr_x509_identity_free(struct tr_x509_identity *id);

/* Validity of a DER certificate; for `list`. */
int tr_x509_der_validity(const uint8_t *der, size_t len, time_t *not_before,
			 time_t *not_after, struct tr_error *err);

/*
 * 0 when now lies inside the validity period; 1 with a one-line warning
 * in msg when the certificate has expired or is not yet valid.
 */
int tr_x509_check_time(time_t not_before, time_t not_after, time_t now,
		       char *msg, size_t cap);

/* ---- keyrings ---- */

/* Where keys go. Tests point this at a private keyring. */
struct tr_keyring_target {
	int32_t serial;           /* the keyring */
	char name[32];            /* ".nfs", ".nvme", "tlsroot", ... */
	const char *psk_type;     /* key type for PSKs: "psk" ("user" in tests) */
};

void tr_keyring_target_init(struct tr_keyring_target *t, int32_t serial,
			    const char *name, const char *psk_type);

/* What the keyring finders return when the keyring simply is not there. */
#define TR_KEYRING_ABSENT (-2)

/*
 * Find the kernel keyring named desc (e.g. ".nvme"); when it is absent
 * and module is not NULL, run `modprobe module` and look again. Links it
 * into the process keyring so that this process possesses it. Returns 0,
 * TR_KEYRING_ABSENT when it does not exist (err says so too), -1 on other
 * failures; the tr_keyring_open_*() functions likewise.
 * This and the tr_keyring_open_*() functions may read /proc/keys and run
 * modprobe: for the CLI and unseal, never for the agent after start-up.
 */
int tr_keyring_find(const char *desc, const char *module, int32_t *serial,
		    struct tr_error *err);

/*
 * .nfs, else the "tlsroot" keyring in root's @u. With load set, runs
 * `modprobe nfs` when .nfs is missing and creates the stand-in when it is
 * missing too; without, only finds what exists (for read-only commands).
 */
int tr_keyring_open_nfs(struct tr_keyring_target *t, int load,
			struct tr_error *err);
/*
 * .nvme (with load set, running `modprobe nvme-tcp` first if missing).
 * With load set it also fails outside the initial network namespace,
 * where `psk` keys would be invisible to the kernel's NVMe host.
 */
int tr_keyring_open_nvme(struct tr_keyring_target *t, int load,
			 struct tr_error *err);

/* Identity names: 1..TR_NAME_MAX of [A-Za-z0-9._-]. */
int tr_keys_name_check(const char *name, struct tr_error *err);

/*
 * Place or replace an x509 identity on t. Replacing updates each key in
 * place (same serials; readers see the old or the new payload). When the
 * private key cannot be placed, the certificate is put back as it was.
 */
int tr_keys_put_x509(const struct tr_keyring_target *t, const char *name,
		     const uint8_t *cert, size_t cert_len,
		     const uint8_t *key, size_t key_len,
		     int32_t *cert_serial, int32_t *key_serial,
		     struct tr_error *err);

/*
 * Place or replace a PSK described by identity on t; name may be NULL.
 * With a name, a previous identity of that name is removed afterwards.
 */
int tr_keys_put_psk(const struct tr_keyring_target *t, const char *name,
		    const char *identity, const uint8_t *psk, size_t len,
		    int32_t *serial, struct tr_error *err);

/* Look up without reading any file (usable by the agent). */
int tr_keys_find_x509(const struct tr_keyring_target *t, const char *name,
		      int32_t *cert_serial, int32_t *key_serial,
		      struct tr_error *err);
/* name_or_identity: a tlsroot name, or a PSK identity ("NVMe..."). */
int tr_keys_find_psk(const struct tr_keyring_target *t,
		     const char *name_or_identity, int32_t *serial,
		     char *identity, size_t identity_cap,
		     struct tr_error *err);

int tr_keys_remove_x509(const struct tr_keyring_target *t, const char *name,
			struct tr_error *err);
int tr_keys_remove_psk(const struct tr_keyring_target *t,
		       const char *name_or_identity, struct tr_error *err);

/*
 * Invalidate every key on t that tlsroot places: x509 certificates and
 * private keys, PSKs (key type t->psk_type) and their name keys. For
 * the emergency path: nothing stays usable by serial. count: how many.
 */
int tr_keys_invalidate_all(const struct tr_keyring_target *t,
			   unsigned *count, struct tr_error *err);

enum tr_key_kind { TR_KEY_X509 = 1, TR_KEY_PSK = 2 };

/* One identity as `list` shows it: never secret bytes. */
struct tr_key_entry {
	enum tr_key_kind kind;
	char name[TR_NAME_MAX + 1];      /* "" for an unnamed PSK */
	char keyring[32];
	int32_t serial;                  /* cert (x509) or psk */
	int32_t key_serial;              /* private key (x509), else 0 */
	char identity[TR_PSK_IDENTITY_MAX]; /* PSK identity */
	time_t not_before, not_after;    /* x509; 0 if unknown */
};

typedef int (*tr_key_list_cb)(const struct tr_key_entry *e, void *ctx);

/* Calls cb for each identity on t; stops when cb returns non-zero. */
int tr_keys_list(const struct tr_keyring_target *t, tr_key_list_cb cb,
		 void *ctx, struct tr_error *err);

/* ---- one-call helpers for tpm/ (unseal) and the CLI ---- */

/*
 * Derive a TLS PSK from a configured PSK (in locked memory, wiped after)
 * and place it on t as tr_keys_put_psk() does.
 */
int tr_keys_derive_put_psk(const struct tr_keyring_target *t,
			   const char *name, const struct tr_psk_params *p,
			   const uint8_t *configured, size_t len, int hmac,
			   int32_t *serial, char *identity,
			   size_t identity_cap, struct tr_error *err);

/*
 * Place a DER cert + DER private key as `user` keys nfs:x509:NAME:cert /
 * nfs:x509:NAME:privkey on .nfs (or the "tlsroot" stand-in),
 * possessor-only.
 */
int tr_keys_add_x509_der(const char *name, const uint8_t *cert,
			 size_t cert_len, const uint8_t *key, size_t key_len,
			 int32_t *cert_serial, int32_t *key_serial,
			 struct tr_error *err);

/*
 * Derive and place an NVMe TLS PSK as a `psk` key on .nvme, described by
 * its identity (written to identity, identity_cap >= TR_PSK_IDENTITY_MAX
 * suffices). hmac: 0 none, 1 SHA-256, 2 SHA-384 (the interchange hash id).
 */
int tr_keys_add_psk(const struct tr_psk_params *p, const uint8_t *configured,
		    size_t len, int hmac, int32_t *serial, char *identity,
		    size_t identity_cap, struct tr_error *err);

#endif
