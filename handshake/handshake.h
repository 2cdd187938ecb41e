/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tlsroot-agent's library: the kernel's TLS handshake upcall (generic
 * netlink "handshake"), a non-blocking gnutls TLS 1.3 client with x509,
 * PSK or anonymous credentials from kernel keyrings, kTLS installation,
 * the agent's event loop and its control socket, and the reclaim-safety
 * measures (memory locking, seccomp) it applies at start.
 *
 * Nothing here prints: failures fill a struct tr_error; the agent's log
 * goes through the struct tr_log it is given.
 */
#ifndef TLSROOT_HANDSHAKE_H
#define TLSROOT_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <linux/tls.h>

#include "common/common.h"

/* ---- protocol: messages of the "handshake" genl family ---------------- */

enum hs_auth {
	HS_AUTH_UNSPEC = 0,
	HS_AUTH_UNAUTH = 1,      /* xprtsec=tls: server-authenticated only */
	HS_AUTH_PSK = 2,
	HS_AUTH_X509 = 3,
};

#define HS_MAX_PEER_IDS 8        /* more in one ACCEPT are counted, not kept */
#define HS_PEERNAME_MAX 256
#define HS_MAX_REMOTE_AUTH 4
#define HS_MSG_MAX 8192          /* a receive buffer for one netlink datagram */

/* One ACCEPT reply, as the kernel described the request. */
struct hs_accept {
	int sockfd;              /* -1: absent (then nothing to answer) */
	uint32_t handler_class;
	uint32_t message_type;   /* 1 ClientHello, 2 ServerHello */
	uint32_t timeout_ms;     /* 0: absent */
	uint32_t auth_mode;      /* enum hs_auth */
	int32_t peer_ids[HS_MAX_PEER_IDS];
	unsigned int n_peer_ids;
	unsigned int extra_peer_ids;  /* PEER_IDENTITY attrs beyond the array */
	int32_t cert_serial;     /* 0: absent */
	int32_t privkey_serial;  /* 0: absent */
	int32_t keyring;         /* 0: absent */
	char peername[HS_PEERNAME_MAX];  /* "": absent */
	unsigned int unknown_attrs;
	unsigned int bad_attrs;  /* known attrs with a wrong size, skipped */
};

enum hs_reply {
	HS_REPLY_REQUEST = 0,    /* an ACCEPT reply with a request */
	HS_REPLY_EMPTY = 1,      /* -EAGAIN: nothing pending */
	HS_REPLY_ERROR = 2,      /* another kernel error; *kernel_errno set */
};

/*
 * Parse the bytes of one recv() on the command socket after an ACCEPT.
 * Tolerant: unknown attributes and known ones of the wrong size are
 * counted and skipped; every PEER_IDENTITY is kept (up to the array).
 * A SOCKFD seen before any problem is kept in out->sockfd, so the caller
 * can answer DONE and close it even when the rest is bad. Returns an enum
 * hs_reply, or -1 (err set) when the bytes are not a handshake reply.
 */
int hs_parse_accept(const void *buf, size_t len, uint16_t family,
		    struct hs_accept *out, int *kernel_errno,
		    struct tr_error *err);

/* Count the READY notifications for handler class tlshd in buf. */
int hs_count_ready(const void *buf, size_t len, uint16_t family);

/* Builders: each returns the message length, or 0 if cap is too small. */
size_t hs_build_getfamily(void *buf, size_t cap, uint32_t seq);
size_t hs_build_accept(void *buf, size_t cap, uint16_t family, uint32_t seq);
/* DONE carries exactly STATUS, SOCKFD and the REMOTE_AUTH serials. */
size_t hs_build_done(void *buf, size_t cap, uint16_t family, uint32_t seq,
		     uint32_t status, int sockfd, const int32_t *remote_auth,
		     unsigned int n_remote_auth);

/* Parse a CTRL_CMD_GETFAMILY reply: family id and the "tlshd" group id. */
int hs_parse_family(const void *buf, size_t len, uint16_t *family,
		    uint32_t *group, struct tr_error *err);

/* The generic-netlink sockets: one subscribed to READY, one for commands. */
struct hs_netlink {
	struct mnl_socket *mcast;
	struct mnl_socket *cmd;
	uint16_t family;
	uint32_t group;
	uint32_t seq;
};

int hs_netlink_open(struct hs_netlink *nl, struct tr_error *err);
void hs_netlink_close(struct hs_netlink *nl);
int hs_netlink_mcast_fd(const struct hs_netlink *nl);
/* Send ACCEPT and parse the reply; an enum hs_reply or -1. */
int hs_netlink_accept(struct hs_netlink *nl, struct hs_accept *out,
		      struct tr_error *err);
/* Send DONE and wait for the kernel's acknowledgement. */
int hs_netlink_done(struct hs_netlink *nl, uint32_t status, int sockfd,
		    const int32_t *remote_auth, unsigned int n,
		    struct tr_error *err);

/* ---- kTLS --------------------------------------------------------------- */

struct hs_ktls_info {
	union {
		struct tls_crypto_info base;
		struct tls12_crypto_info_aes_gcm_128 gcm128;
		struct tls12_crypto_info_aes_gcm_256 gcm256;
		struct tls12_crypto_info_aes_ccm_128 ccm128;
		struct tls12_crypto_info_chacha20_poly1305 chacha;
	} u;
	socklen_t len;
};

/* Fill crypto_info for one direction (read=0: TX, read=1: RX). */
int hs_ktls_fill(gnutls_session_t session, int read,
		 struct hs_ktls_info *info, struct tr_error *err);
/* TCP_ULP "tls", then TLS_TX, then TLS_RX; wipes the key copies. */
int hs_ktls_install(gnutls_session_t session, int fd, struct tr_error *err);

/* ---- TLS client --------------------------------------------------------- */

/* Everything loaded once at start and shared by all sessions. */
struct hs_tls {
	gnutls_priority_t prio_x509;
	gnutls_priority_t prio_psk;
	gnutls_priority_t prio_psk_sha256;
	gnutls_priority_t prio_psk_sha384;
	gnutls_certificate_credentials_t x509_cred;  /* trust anchors */
	unsigned int n_anchors;
	/* gnutls >= 3.8 lets a PSK say its hash; looked up once at start. */
	int (*psk_alloc2)(gnutls_psk_client_credentials_t *, gnutls_mac_algorithm_t);
	char priority_text[512];
};

/* trust_pem: a PEM bundle in memory (may be NULL: x509/anon then fail). */
int hs_tls_init(struct hs_tls *tls, const uint8_t *trust_pem, size_t len,
		struct tr_error *err);
void hs_tls_free(struct hs_tls *tls);
/* Certificate credentials that offer the session's client certificate. */
int hs_tls_new_cred(gnutls_certificate_credentials_t *cred,
		    struct tr_error *err);
/*
 * Complete in-process handshakes (x509 with and without a client
 * certificate, a refused server name, PSK for each priority, every kTLS
 * cipher the priorities offer) against a throwaway gnutls server over a
 * socketpair, so the code and data later handshakes use are faulted in
 * and locked before the seccomp filter goes on. Returns how many
 * handshakes completed as expected, or -1 (err set) if none did.
 */
int hs_tls_warmup(struct hs_tls *tls, struct tr_error *err);

enum hs_step {
	HS_STEP_AGAIN = 0,       /* wait for the fd (see want_write) */
	HS_STEP_DONE = 1,        /* handshake complete and verified */
	HS_STEP_FAILED = -1,     /* status and reason set */
};

struct hs_session {
	gnutls_session_t gs;
	gnutls_pcert_st pcert;
	gnutls_privkey_t privkey;
	gnutls_psk_client_credentials_t psk;
	int have_cert;
	int fd;
	int want_write;
	uint32_t status;         /* positive errno for DONE; 0 on success */
	char reason[160];        /* one short phrase when failed */
};

/* Client session with a client certificate (cert_der NULL: anonymous). */
int hs_session_x509(struct hs_tls *tls, struct hs_session *s, int fd,
		    const char *peername, const gnutls_datum_t *cert_der,
		    const gnutls_datum_t *key_der, struct tr_error *err);
int hs_session_psk(struct hs_tls *tls, struct hs_session *s, int fd,
		   const char *peername, const char *identity,
		   const gnutls_datum_t *key, struct tr_error *err);
int hs_session_step(struct hs_session *s);
void hs_session_free(struct hs_session *s);

/* Map a failed gnutls handshake to the errno the kernel acts on. */
uint32_t hs_status_from_gnutls(int gnutls_err, int alert_received,
			       gnutls_alert_description_t alert);
/*
 * The PSK hash from an NVMe identity prefix "NVMe<v><type><hh>": hh 01
 * SHA-256, 02 SHA-384. Other identities give GNUTLS_MAC_UNKNOWN; an NVMe
 * prefix with another hh is an error (-1).
 */
int hs_psk_identity_hash(const char *identity, gnutls_mac_algorithm_t *mac);
/* True when the string is a literal IPv4/IPv6 address (no resolving). */
int hs_is_ip_literal(const char *name);

/* ---- keyrings ----------------------------------------------------------- */

#define HS_KEY_MAX 32767         /* kernel limit for a user key payload */

/* At start: create the process keyring; link @u, .nfs, .nvme and "tlsroot". */
struct hs_keyrings {
	int32_t process;
	int32_t nfs;
	int32_t nvme;
	int32_t tlsroot;
	int asymmetric_ok;       /* "asymmetric" key type present at start */
};

void hs_keyrings_prepare(struct hs_keyrings *kr);
int hs_key_read(int32_t serial, uint8_t *buf, size_t cap, size_t *len,
		struct tr_error *err);
/* The text after the last ';' of the key's description. */
int hs_key_identity(int32_t serial, char *out, size_t cap,
		    struct tr_error *err);
/* Find nfs:x509:NAME:cert and :privkey reachable from our keyrings. */
int hs_find_identity(const char *name, int32_t *cert, int32_t *privkey,
		     struct tr_error *err);
/* Add the verified peer certificate as "TLS x509 <peer>"; its serial. */
int32_t hs_add_peer_cert(const gnutls_datum_t *der, const char *peer,
			 struct tr_error *err);

/* ---- agent -------------------------------------------------------------- */

enum hs_mode { HS_MODE_ACTIVE = 0, HS_MODE_STANDBY = 1 };

#define HS_MAX_SLOTS 128         /* handshakes in flight at once */
#define HS_MAX_CTL_CONNS 8
#define HS_READY_QUEUE 256       /* READYs remembered while in standby */
#define HS_DEFAULT_TIMEOUT_MS 20000
#define HS_MAX_TIMEOUT_MS 120000

struct hs_kind_stats {
	uint64_t served;
	uint64_t failed;
};

struct hs_stats {
	enum hs_mode mode;
	uint64_t served;
	uint64_t failed;
	unsigned int in_flight;
	struct hs_kind_stats x509, psk, anon;
	uint64_t takeovers;      /* standby: accepted past the grace period */
	uint64_t deferred;       /* standby: another agent took it in time */
	uint64_t malformed;      /* netlink replies that did not parse */
	uint64_t mode_switches;
	uint64_t uptime_ms;
	long locked_kib;         /* RAM locked: smaps_rollup Locked; -1 unknown */
	long locked_vm_kib;      /* VmLck: address space marked locked */
	long rss_kib;            /* VmRSS; -1 unknown */
	int seccomp;
	int io_flusher;
	int mlocked;
	const char *handoff_blocker;  /* NULL: handoff allowed */
	char last_error[320];
};

/* Render stats as one JSON object; returns its length or -1 if cap is short. */
int hs_status_json(const struct hs_stats *st, char *buf, size_t cap);

enum hs_ctl_cmd {
	HS_CTL_UNKNOWN = 0,
	HS_CTL_STATUS,
	HS_CTL_HANDOFF,
	HS_CTL_TAKEOVER,
};

/* One command word, optionally followed by whitespace/newline. */
enum hs_ctl_cmd hs_ctl_parse(const void *msg, size_t len);

/* Control socket: listening side (called once at start) and the client. */
int hs_ctl_listen(const char *path, struct tr_error *err);
int hs_ctl_request(const char *path, const char *cmd, char *reply,
		   size_t cap, struct tr_error *err);

struct hs_agent_opts {
	const char *trust_file;
	const char *identity;    /* default x509 identity name, or NULL */
	const char *socket_path;
	enum hs_mode mode;
	unsigned int grace_ms;
	int use_netlink;         /* 0 only in tests */
};

struct hs_agent;

/* Allocates the agent; reads trust anchors and binds the control socket. */
struct hs_agent *hs_agent_new(const struct hs_agent_opts *opts,
			      struct tr_log *log, struct tr_error *err);
void hs_agent_free(struct hs_agent *a);
/* Handle events for at most timeout_ms (-1: until the next deadline). */
int hs_agent_poll_once(struct hs_agent *a, int timeout_ms);
/* Loop until SIGTERM/SIGINT; returns an enum tr_exit. */
int hs_agent_run(struct hs_agent *a);
int hs_agent_stopping(const struct hs_agent *a);
void hs_agent_stats(struct hs_agent *a, struct hs_stats *st);
/* Answer one control command into reply; returns the length. */
int hs_agent_control(struct hs_agent *a, enum hs_ctl_cmd cmd, char *reply,
		     size_t cap);
/* Run hs_tls_warmup() on the agent's TLS state (at start, once). */
int hs_agent_warmup(struct hs_agent *a, struct tr_error *err);
/* Record what start-up hardening achieved, for status. */
void hs_agent_set_hardening(struct hs_agent *a, int mlocked, int io_flusher,
			    int seccomp, int status_fd, int smaps_fd);
/* A READY arrived (exposed for tests of standby timing). */
void hs_agent_on_ready(struct hs_agent *a, int count, uint64_t now_ms);

/* ---- reclaim safety ----------------------------------------------------- */

struct hs_harden_result {
	int mlocked;
	int io_flusher;
	int oom_adjusted;
	int onfault;             /* MCL_ONFAULT: every mapped file is in RAM */
	char note[256];          /* what could not be done, for one log line */
};

/* mlockall, PR_SET_IO_FLUSHER, oom_score_adj -1000; never fatal. */
void hs_harden(struct hs_harden_result *res);
/* True when every file mapped in maps_path (/proc/self/maps) lives on
 * ramfs or tmpfs, so a page fault never reads from a disk or network. */
int hs_mappings_ram_backed(const char *maps_path);
/* Deny path-based calls, exec, fork, new sockets; threads still allowed. */
int hs_seccomp_install(struct tr_error *err);
/* Parse "VmLck:" / "VmRSS:" (kB) out of /proc/self/status text. */
long hs_status_field_kib(const char *text, size_t len, const char *field);

#endif
