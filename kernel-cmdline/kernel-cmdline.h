/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel command line as tlsroot reads it: the rd.tlsroot.* options,
 * the root in every spelling dracut accepts (root=nfs[4]:..., root=SERVER:
 * /PATH, root=/PATH, root=/dev/nfs + nfsroot=, netroot=, root=dhcp, ...)
 * and the NVMe/TCP boot connection, parsed into one validated struct
 * tr_cmdline under the rd.tlsroot= policy. The grammar is documented in
 * tlsroot.cmdline(7).
 *
 * Everything here is pure string work on caller memory: no allocation
 * survives a call, nothing is printed, nothing touches the system.
 */
#ifndef TLSROOT_KERNEL_CMDLINE_H
#define TLSROOT_KERNEL_CMDLINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/common.h"

/* All command-line sources together (/etc/cmdline.d/ plus /proc/cmdline). */
#define TR_CMDLINE_MAX_BYTES    65536

#define TR_CMDLINE_PATH_MAX     255
#define TR_CMDLINE_MAX_BUNDLES  16
#define TR_IDENTITY_NAME_MAX    64
#define TR_TCTI_MAX             255
#define TR_NQN_MAX              223     /* NVMe base spec: NQN <= 223 bytes */
#define TR_HOSTID_LEN           36      /* a UUID in its text form */
#define TR_IPADDR_MAX           63
#define TR_NFS_SERVER_MAX       253
#define TR_NFS_PATH_MAX         1023
#define TR_NFS_OPTIONS_MAX      1023
/* Room for a rewritten option list: tls_identity=X becomes two serials. */
#define TR_NFS_REWRITE_MAX      (TR_NFS_OPTIONS_MAX + 64)

/* Defaults, documented in tlsroot.cmdline(7). */
#define TR_DEFAULT_BUNDLES              "/etc/tlsroot/bundles"
#define TR_DEFAULT_TPM                  "device:/dev/tpmrm0"
#define TR_DEFAULT_TPM_TIMEOUT_S        30
#define TR_DEFAULT_LOCK_PCR             15
#define TR_DEFAULT_GRACE_MS             2000
#define TR_DEFAULT_TRUSTSTORE           "/etc/tlsroot/ca.pem"
#define TR_DEFAULT_NVME_TRSVCID         4420
#define TR_DEFAULT_NVME_IDENTITY        1
#define TR_DEFAULT_NVME_RECONNECT_DELAY 1
#define TR_DEFAULT_NVME_CTRL_LOSS_TMO   (-1)

#define TR_LOCK_PCR_NONE        (-1)

enum tr_root_kind { TR_ROOT_NONE, TR_ROOT_NFS, TR_ROOT_NVME };

enum tr_xprtsec {
	TR_XPRTSEC_UNSET,       /* no xprtsec= option: the kernel uses none */
	TR_XPRTSEC_NONE,
	TR_XPRTSEC_TLS,
	TR_XPRTSEC_MTLS,
};

enum tr_handoff { TR_HANDOFF_TLSHD, TR_HANDOFF_NEVER };

/* rd.tlsroot=: may a root come up without TLS? (tlsroot.cmdline(7)) */
enum tr_policy {
	TR_POLICY_DESIRED,      /* TLS where the root asks for it */
	TR_POLICY_REQUIRED,     /* a root without TLS stops the boot */
	TR_POLICY_OFF,          /* tlsroot does nothing */
};

enum tr_policy_source {
	TR_POLICY_FROM_DEFAULT,         /* no bundles: desired */
	TR_POLICY_FROM_BUNDLES,         /* sealed bundles present: required */
	TR_POLICY_FROM_CMDLINE,         /* rd.tlsroot= */
};

/* Where a value came from: an option name or a file path. */
#define TR_SOURCE_MAX           (TR_CMDLINE_PATH_MAX + 32)
/* TLSROOT_PLAINTEXT_REASON: one line for the hooks' warning. */
#define TR_REASON_MAX           256

struct tr_nfs_root {
	char fstype[8];                         /* "nfs" or "nfs4" */
	char server[TR_NFS_SERVER_MAX + 1];     /* no brackets; "" = DHCP */
	int server_is_ipv6;
	char path[TR_NFS_PATH_MAX + 1];         /* "" = DHCP */
	char options[TR_NFS_OPTIONS_MAX + 1];   /* verbatim, comma-separated */
	enum tr_xprtsec xprtsec;
	/*
	 * The identity whose key serials the netroot hook puts into the
	 * options: tls_identity=NAME, or rd.tlsroot.identity when the
	 * options carry cert_serial=<redacted>,privkey_serial=<redacted>
	 * (a host-only root= copied from /proc/mounts of kernel 7.x).
	 */
	char tls_identity[TR_IDENTITY_NAME_MAX + 1];
	int key_serials_redacted;
};

struct tr_nvme_root {
	char traddr[TR_IPADDR_MAX + 1];         /* numeric, no brackets */
	int traddr_is_ipv6;
	int trsvcid;
	char subsysnqn[TR_NQN_MAX + 1];
	char hostnqn[TR_NQN_MAX + 1];           /* resolved for an NVMe root */
	char hostid[TR_HOSTID_LEN + 1];
	char hostnqn_source[TR_SOURCE_MAX + 1]; /* option name or file */
	char hostid_source[TR_SOURCE_MAX + 1];
	int identity_version;                   /* PSK identity format, 0 or 1 */
	int reconnect_delay_s;
	int ctrl_loss_tmo_s;                    /* -1: retry forever */
	int nr_io_queues;                       /* 0: the kernel's default */
};

struct tr_cmdline {
	enum tr_root_kind root_kind;
	int enabled;            /* the root needs tlsroot (TLS, policy not off) */
	int tlsroot_seen;       /* at least one rd.tlsroot.* option was given */
	enum tr_policy policy;
	enum tr_policy_source policy_source;
	int plaintext_root;     /* a root without TLS was let through */
	char plaintext_reason[TR_REASON_MAX];   /* "" unless plaintext_root */
	char bundles[TR_CMDLINE_MAX_BUNDLES][TR_CMDLINE_PATH_MAX + 1];
	size_t n_bundles;
	char tpm[TR_TCTI_MAX + 1];              /* a TCTI string */
	int tpm_timeout_s;
	int lock_pcr;                           /* or TR_LOCK_PCR_NONE */
	char identity[TR_IDENTITY_NAME_MAX + 1]; /* "" = none */
	enum tr_handoff handoff;
	int grace_ms;
	int debug;
	char truststore[TR_CMDLINE_PATH_MAX + 1];
	struct tr_nfs_root nfs;
	struct tr_nvme_root nvme;
};

/*
 * One parameter of the command line. The tokenizer works in place: it
 * removes the double quotes that group words and NUL-terminates key and
 * value inside the caller's buffer. value is NULL for a bare word ("ro").
 */
struct tr_cmdline_param {
	char *key;
	char *value;
};

/*
 * Take the next parameter from *cursor (a NUL-terminated, writable
 * string) and advance it. Returns 1 with *param filled, 0 at the end, or
 * -1 with err set (an unterminated double quote).
 */
int tr_cmdline_next_param(char **cursor, struct tr_cmdline_param *param,
			  struct tr_error *err);

/* Set every field to its documented default (no root, nothing seen). */
void tr_cmdline_init(struct tr_cmdline *cfg);

/*
 * What the caller found on the system, so that the parser stays free of
 * I/O. A file's text is its whole contents (trailing white space is
 * trimmed here), or NULL when the file does not exist; problem, when set,
 * says why an existing file could not be read (then text is NULL). Each
 * is looked at only when the command line does not give the value.
 */
struct tr_cmdline_file {
	const char *path;       /* for messages; NULL: the default path */
	const char *text;
	const char *problem;
};

struct tr_cmdline_input {
	const char *text;       /* the command line (several sources joined */
	size_t len;             /* with a space or newline) */
	int bundles_present;    /* the initramfs carries a sealed bundle */
	struct tr_cmdline_file hostnqn;         /* /etc/nvme/hostnqn */
	struct tr_cmdline_file hostid;          /* /etc/nvme/hostid */
};

/*
 * Parse in->text into cfg, which is initialised first, and apply the
 * rd.tlsroot= policy. Returns 0, or -1 with err (code TR_EXIT_BADINPUT)
 * naming the option, the bad value and what to do; cfg is then
 * unspecified. tr_cmdline_parse is the same with no bundles and no files.
 */
int tr_cmdline_parse_input(const struct tr_cmdline_input *in,
			   struct tr_cmdline *cfg, struct tr_error *err);
int tr_cmdline_parse(const char *text, size_t len, struct tr_cmdline *cfg,
		     struct tr_error *err);

/*
 * The rd.tlsroot.* options a host-only initramfs must carry so that the
 * next boot reaches the root of cfg with TLS (tlsroot-cmdline(8)), as one
 * space-separated line without newline, each parameter quoted for the
 * kernel command line. Returns 0, or -1 with err when a value cannot be
 * written on a command line or out (cap bytes) is too small.
 */
#define TR_HOSTONLY_OPTIONS_MAX 8192
int tr_cmdline_hostonly_options(const struct tr_cmdline *cfg, char *out,
				size_t cap, struct tr_error *err);

/*
 * Append " KEY=VALUE" (no leading space when *len is 0) to out, with
 * double quotes around it when VALUE holds a space or tab. Refuses, with
 * err, a value that no command-line reader (kernel, systemd, dracut)
 * would read back as written: one with a double or single quote, a
 * backslash, another control byte or a non-ASCII byte.
 */
int tr_cmdline_append_param(char *out, size_t cap, size_t *len,
			    const char *key, const char *value,
			    struct tr_error *err);

/*
 * NFS, split exactly as dracut's parse-nfsroot.sh and nfs-lib.sh split
 * it. param is "root", "netroot" or "nfsroot"; value is what follows
 * '=' (nfsroot=V is read as root=nfs:V, as dracut does). Spellings that
 * dracut would misread (root=nfs://, a ',' path followed by ':OPTIONS',
 * ':/' twice) are refused with a line that says so.
 * tr_nfs_root_spec_is_nfs says whether dracut reads a root= value as
 * NFS: /dev/nfs, nfs[4][:...], SERVER-IP:/PATH, /PATH (not /dev/...).
 */
int tr_nfs_root_spec_is_nfs(const char *root_value);
int tr_nfs_root_parse(const char *param, const char *value,
		      struct tr_nfs_root *out, struct tr_error *err);

/* What an NFS option list says about TLS. */
struct tr_nfs_options_info {
	size_t count;                   /* options in the list */
	enum tr_xprtsec xprtsec;
	char tls_identity[TR_IDENTITY_NAME_MAX + 1];   /* "" = absent */
	int has_key_serials;            /* cert_serial= or privkey_serial= */
	/* Both, each "<redacted>": how kernel 7.x shows them in /proc/mounts. */
	int key_serials_redacted;
};

/* Validate a comma-separated NFS option list ("" is an empty list). */
int tr_nfs_options_parse(const char *options, struct tr_nfs_options_info *info,
			 struct tr_error *err);

struct tr_nfs_key_serials {
	int32_t cert;
	int32_t privkey;
};

/*
 * Copy options to out (cap bytes, TR_NFS_REWRITE_MAX is always enough)
 * with tls_identity=NAME replaced, in place, by cert_serial=C,
 * privkey_serial=P; or, when serials is NULL, removed (kernels without
 * key-serial options). Every other option is kept verbatim and in order.
 * A list without tls_identity is copied unchanged. Serials must be > 0.
 */
int tr_nfs_options_rewrite(const char *options,
			   const struct tr_nfs_key_serials *serials,
			   char *out, size_t cap, struct tr_error *err);

/*
 * As tr_nfs_options_rewrite, and also cert_serial=<redacted> and
 * privkey_serial=<redacted> (a list saved from /proc/mounts) become the
 * serials, in place, or are removed when serials is NULL. What
 * `tlsroot cmdline --rewrite-nfs-options` runs.
 */
int tr_nfs_options_resolve(const char *options,
			   const struct tr_nfs_key_serials *serials,
			   char *out, size_t cap, struct tr_error *err);

/*
 * Output for hooks. Shell: one NAME='value' line per setting, every value
 * single-quoted with ' written as '\'' so that eval is safe for any bytes.
 * JSON: one object. Both return 0, or -1 if writing to out failed.
 */
int tr_shell_quote(FILE *out, const char *value);
int tr_cmdline_write_shell(const struct tr_cmdline *cfg, FILE *out);
int tr_cmdline_write_json(const struct tr_cmdline *cfg, FILE *out);

const char *tr_root_kind_name(enum tr_root_kind kind);
const char *tr_xprtsec_name(enum tr_xprtsec x);   /* "" when unset */
const char *tr_handoff_name(enum tr_handoff h);
const char *tr_policy_name(enum tr_policy p);
const char *tr_policy_source_name(enum tr_policy_source s);

#endif
