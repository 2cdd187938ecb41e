/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by every tlsroot component: error reporting,
 * secret memory, bounded file reads, logging, and the exit codes that
 * tlsroot(8) documents.
 *
 * Libraries never print: they fill a struct tr_error and return -1, so the
 * binary decides where the one line of text goes (stderr, /dev/kmsg).
 */
#ifndef TLSROOT_COMMON_H
#define TLSROOT_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes of tlsroot(8) and tlsroot-agent(8); keep doc/tlsroot.8 in sync. */
enum tr_exit {
	TR_EXIT_OK = 0,
	TR_EXIT_FAILURE = 1,     /* anything not listed below */
	TR_EXIT_USAGE = 2,       /* bad command line */
	TR_EXIT_BADINPUT = 3,    /* malformed file or value */
	TR_EXIT_NOTFOUND = 4,    /* no such identity, key or file */
	TR_EXIT_KEYRING = 5,     /* keyring missing or access denied */
	TR_EXIT_NOTPM = 10,      /* no TPM appeared within the timeout */
	TR_EXIT_PCR = 11,        /* PCR policy mismatch */
	TR_EXIT_PIN = 12,        /* wrong PIN */
	TR_EXIT_LOCKOUT = 13,    /* TPM dictionary-attack lockout */
	TR_EXIT_WRONGTPM = 14,   /* bundle sealed on another TPM */
	TR_EXIT_CORRUPT = 15,    /* bundle corrupt or truncated */
	TR_EXIT_VERSION = 16,    /* unknown bundle version */
	TR_EXIT_TPM = 17,        /* any other TPM error */
	TR_EXIT_REVOKED = 18,    /* bundle revoked by its identity's counter */
	TR_EXIT_NOPOLICY = 19,   /* no signed policy for this boot, or a bad one */
	TR_EXIT_AGENT = 20,      /* agent unreachable or refused */
};

#define TR_ERROR_MAX 512

struct tr_error {
	int code;                /* an enum tr_exit value */
	char msg[TR_ERROR_MAX];  /* one line: what failed, why, what to do */
};

void tr_error_set(struct tr_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tr_error_clear(struct tr_error *err);

/* Overwrite memory in a way the compiler may not elide. */
void tr_wipe(void *p, size_t len);

/*
 * A buffer for secret bytes: locked in RAM, excluded from core dumps, and
 * wiped on free. len is the bytes in use, cap the bytes allocated.
 */
struct tr_secret {
	uint8_t *data;
	size_t len;
	size_t cap;
};

int tr_secret_alloc(struct tr_secret *s, size_t cap, struct tr_error *err);
/*
 * No core dump of this process, whatever core_pattern says (after
 * switch_root it may pipe to systemd-coredump, which writes to the root):
 * RLIMIT_CORE 0 and not dumpable. Returns -1 with errno if either failed.
 */
int tr_no_core_dumps(void);
void tr_secret_free(struct tr_secret *s);

/*
 * Read at most max bytes of a file ("-" is stdin). A longer file is an
 * error, never silently truncated. tr_read_file returns malloc'd memory
 * (with a NUL after the data); tr_read_secret reads into locked memory.
 */
int tr_read_file(const char *path, size_t max, uint8_t **out, size_t *len,
		 struct tr_error *err);
int tr_read_secret(const char *path, size_t max, struct tr_secret *out,
		   struct tr_error *err);

/* Logging, owned by a binary; libraries never log. */
enum tr_log_level { TR_LOG_ERR = 3, TR_LOG_WARN = 4, TR_LOG_INFO = 6,
		    TR_LOG_DEBUG = 7 };

struct tr_log {
	int fd;                  /* stderr, or /dev/kmsg opened at start */
	int kmsg;                /* 1: prefix lines with <prio> for kmsg */
	int max_level;
	char ident[32];
};

/* Open /dev/kmsg when use_kmsg is set, falling back to stderr. */
void tr_log_init(struct tr_log *log, const char *ident, int use_kmsg,
		 int max_level);
void tr_log(struct tr_log *log, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tr_vlog(struct tr_log *log, int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Monotonic milliseconds, for timeouts and durations. */
uint64_t tr_now_ms(void);

#endif
