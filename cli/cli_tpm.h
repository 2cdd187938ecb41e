/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the commands that use the TPM or read bundles share (seal, inspect,
 * unseal): the TPM options, the PIN file and bundle loading.
 */
#ifndef TLSROOT_CLI_TPM_H
#define TLSROOT_CLI_TPM_H

#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "keys/keys.h"
#include "tpm/tpm.h"

#define CLI_TPM_TIMEOUT_S 10
#define CLI_PIN_FILE_MAX 1024

struct tpm_opts {
	const char *tcti;
	unsigned timeout_ms;
	const char *pin_file;
};

enum { OPT_TCTI = 256, OPT_TIMEOUT, OPT_PIN_FILE, OPT_CERT, OPT_KEY,
       OPT_PSK_FILE, OPT_HOSTNQN, OPT_SUBNQN, OPT_IDVER, OPT_COMPAT, OPT_PCRS,
       OPT_PCR, OPT_LOCK_PCR, OPT_JSON, OPT_DIR, OPT_VERIFY, OPT_ASK_PIN,
       OPT_PIN_TRIES,
       OPT_SECURE_BOOT_ONLY, OPT_REVOCABLE, OPT_REVOKE_OLDER };

/* Returns 1 if opt was a TPM option, 0 if not, TR_EXIT_USAGE if bad. */
int tpm_option(int opt, struct tpm_opts *o);
int open_tpm(const struct tpm_opts *o, struct tr_tpm **t);
/*
 * *out is pin or NULL (no --pin-file); an exit code on failure. With
 * --pin-file - at a terminal the PIN is asked for, twice for a new_pin.
 */
int read_pin(const struct tpm_opts *o, struct tr_secret *pin,
	     const struct tr_secret **out, int new_pin);
/* --lock-pcr: one of TR_LOCK_PCR_MIN..MAX or "none"; an exit code if bad. */
int parse_lock_pcr(const char *s, uint8_t *pcr);
/* Extend each PCR in the mask once; prints "locked pcr=N" per PCR. */
int lock_pcrs(struct tr_tpm *t, uint32_t lock);
/* Read and parse a bundle; errors name the path. */
int read_bundle(const char *path, uint8_t **buf, size_t *len,
		struct tr_bundle_header *h, struct tr_error *err);

#endif
