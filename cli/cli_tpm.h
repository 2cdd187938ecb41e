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
#include "tpm/pcrsig.h"
#include "tpm/signed_policy.h"
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
       OPT_SECURE_BOOT_ONLY, OPT_REVOCABLE, OPT_REVOKE_OLDER, OPT_POLICY_KEY,
       OPT_POLICY_PCRS, OPT_POLICY, OPT_POLICY_DIR };

/* Returns 1 if opt was a TPM option, 0 if not, TR_EXIT_USAGE if bad. */
int tpm_option(int opt, struct tpm_opts *o);
int open_tpm(const struct tpm_opts *o, struct tr_tpm **t);
/*
 * *out is pin or NULL (no --pin-file); an exit code on failure. With
 * --pin-file - at a terminal the PIN is asked for, twice for a new_pin.
 */
int read_pin(const struct tpm_opts *o, struct tr_secret *pin,
	     const struct tr_secret **out, int new_pin);
/*
 * --pcrs LIST (opt OPT_PCRS) into *pcrs, or --pcr N=sha256:HEX into
 * values[N] and *given; an exit code if bad.
 */
int pcr_value_option(int opt, const char *arg, uint32_t *pcrs,
		     uint32_t *given, uint8_t values[][TR_DIGEST_LEN]);
/*
 * Read a signed policy file, told apart by content: systemd's JSON (the
 * first byte but blanks is '{') gives its sha256 entries, anything else
 * is a .tpol (one). *p is malloc'd, *n entries, each with origin path;
 * errors name the path.
 */
int read_policies(const char *path, struct tr_signed_policy **p, size_t *n,
		  struct tr_error *err);
/* --lock-pcr: one of TR_LOCK_PCR_MIN..MAX or "none"; an exit code if bad. */
int parse_lock_pcr(const char *s, uint8_t *pcr);
/* Extend each PCR in the mask once; prints "locked pcr=N" per PCR. */
int lock_pcrs(struct tr_tpm *t, uint32_t lock);
/* Read and parse a bundle; errors name the path. */
int read_bundle(const char *path, uint8_t **buf, size_t *len,
		struct tr_bundle_header *h, struct tr_error *err);

/*
 * The signed policies of unseal --policy FILE ... and --policy-dir D (its
 * *.tpol and *.json): the named files must parse, a bad one in D is
 * skipped with a note. At most CLI_POLICY_MAX files and
 * CLI_POLICY_ENTRIES_MAX policies (a JSON file holds one per entry).
 */
#define CLI_POLICY_MAX 64
#define CLI_POLICY_ENTRIES_MAX 256
struct tr_signed_policy;
struct policy_files {
	const char *dir;
	const char *paths[CLI_POLICY_MAX];
	int n_paths;
	struct tr_signed_policy *p;     /* loaded, malloc'd */
	char *owned[CLI_POLICY_MAX];    /* paths found in dir */
	int n_owned;
	struct tr_policy_set set;
};

/* 1 if opt was --policy or --policy-dir, else 0; TR_EXIT_USAGE if bad. */
int policy_files_option(struct policy_files *pf, int opt, const char *arg);
/* Read every file; an exit code if one named file is bad. */
int policy_files_load(struct policy_files *pf);
void policy_files_free(struct policy_files *pf);
/* tlsroot inspect FILE.tpol|FILE.json (cli/cmd_inspect.c). */
int inspect_policy_file(const char *path, int json);
/* tlsroot policy inspect FILE: a signed policy whatever its name. */
int cmd_policy_inspect(int argc, char **argv);
/* ".tpol" and the like: s ends in suffix, and is longer. */
int has_suffix(const char *s, const char *suffix);
/*
 * The files of dir whose names end in one of suffixes (NULL-terminated;
 * no dot files), sorted, as malloc'd "dir/name" paths into
 * out[*n..max-1]; *found counts them all, also those past max. what names
 * the directory in the error; an exit code on failure.
 */
int scan_dir(const char *dir, const char *const *suffixes, const char *what,
	     char **out, int max, int *n, int *found);

/*
 * Written next to the target, then renamed: a reader never sees half a
 * file. The temporary file is created before the TPM is used, so that a
 * bad -o fails before --revoke-older advances the counter.
 */
struct output {
	const char *path;
	char tmp[4096];
	int fd;
};

/* Exit codes; output_commit closes, output_discard removes what is left. */
int output_open(struct output *o, const char *path);
void output_discard(struct output *o);
int output_commit(struct output *o, const uint8_t *buf, size_t len);

#endif
