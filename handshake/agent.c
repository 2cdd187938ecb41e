// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The agent's event loop: one thread, one epoll set over the netlink
 * socket, the control socket, a signalfd and every handshake in flight.
 * Each handshake is a non-blocking gnutls session in a fixed slot; every
 * slot ends with DONE sent from this process and its fd closed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <keyutils.h>

#include "handshake/agent_priv.h"

#define TRUST_MAX (1u << 20)
#define BLOCKER_DEFAULT_ID \
	"x509 handshakes use the default identity (the kernel passes no key serials), which tlshd cannot serve"

uint64_t agent_tag(enum tag t, unsigned int index)
{
	return ((uint64_t)t << 32) | index;
}

int agent_watch(struct hs_agent *a, int op, int fd, uint32_t events,
		uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(a->epfd, op, fd, &ev);
}

static const char *kind_name(enum hs_auth k)
{
	switch (k) {
	case HS_AUTH_X509:
		return "x509";
	case HS_AUTH_PSK:
		return "psk";
	case HS_AUTH_UNAUTH:
		return "anon";
	default:
		return "unknown";
	}
}

static const char *status_name(uint32_t status)
{
	switch (status) {
	case 0:
		return "ok";
	case EACCES:
		return "EACCES";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case EKEYREJECTED:
		return "EKEYREJECTED";
	case EIO:
		return "EIO";
	default:
		return "error";
	}
}

static struct hs_kind_stats *kind_stats(struct hs_agent *a, enum hs_auth k)
{
	if (k == HS_AUTH_X509)
		return &a->st.x509;
	if (k == HS_AUTH_PSK)
		return &a->st.psk;
	return &a->st.anon;
}

/* Where the kernel's socket leads, as numbers: names are never resolved. */
static void describe_peer(struct slot *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char addr[INET6_ADDRSTRLEN] = "?";

	if (s->req.peername[0]) {
		memcpy(s->peer, s->req.peername, sizeof(s->peer));
		return;
	}
	if (getpeername(s->fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET,
				  &((struct sockaddr_in *)&ss)->sin_addr, addr,
				  sizeof(addr));
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)&ss)->sin6_addr,
				  addr, sizeof(addr));
	}
	snprintf(s->peer, sizeof(s->peer), "%s", addr);
}

static void record(struct hs_agent *a, struct slot *s, uint32_t status,
		   const char *reason, const char *cipher)
{
	uint64_t ms = tr_now_ms() - s->start_ms;
	struct hs_kind_stats *k = kind_stats(a, s->kind);

	if (status == 0) {
		a->st.served++;
		k->served++;
		tr_log(a->log, TR_LOG_INFO,
		       "handshake peer=%s kind=%s result=ok ms=%llu cipher=%s",
		       s->peer, kind_name(s->kind), (unsigned long long)ms,
		       cipher);
		return;
	}
	a->st.failed++;
	k->failed++;
	snprintf(a->st.last_error, sizeof(a->st.last_error),
		 "peer=%.64s kind=%s result=%s: %.200s", s->peer, kind_name(s->kind),
		 status_name(status), reason ? reason : "failed");
	tr_log(a->log, TR_LOG_ERR,
	       "handshake peer=%s kind=%s result=%s ms=%llu reason=%s",
	       s->peer, kind_name(s->kind), status_name(status),
	       (unsigned long long)ms, reason ? reason : "failed");
}

/* Answer DONE, close the kernel's fd and free the slot. */
static void finish(struct hs_agent *a, struct slot *s, uint32_t status,
		   const char *reason, const int32_t *remote, unsigned int n)
{
	struct tr_error err;
	const char *cipher = "none";

	if (s->sess.gs && status == 0)
		cipher = gnutls_cipher_get_name(gnutls_cipher_get(s->sess.gs));
	epoll_ctl(a->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	if (a->nl_ready &&
	    hs_netlink_done(&a->nl, status, s->fd, remote, n, &err) < 0)
		tr_log(a->log, TR_LOG_WARN, "peer=%s: %s", s->peer, err.msg);
	close(s->fd);
	record(a, s, status, reason, cipher ? cipher : "?");
	hs_session_free(&s->sess);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	a->drain_wanted = 1;
}

static void fail(struct hs_agent *a, struct slot *s, uint32_t status,
		 const char *reason)
{
	finish(a, s, status, reason, NULL, 0);
}

static int read_pair(struct hs_agent *a, int32_t cert, int32_t key,
		     gnutls_datum_t *c, gnutls_datum_t *k, struct tr_error *err)
{
	size_t clen, klen;

	if (hs_key_read(cert, a->cert_buf, HS_KEY_MAX, &clen, err) < 0 ||
	    hs_key_read(key, a->key_buf, HS_KEY_MAX, &klen, err) < 0)
		return -1;
	c->data = a->cert_buf;
	c->size = (unsigned int)clen;
	k->data = a->key_buf;
	k->size = (unsigned int)klen;
	return 0;
}

static int setup_x509(struct hs_agent *a, struct slot *s, struct tr_error *err)
{
	int32_t cert = s->req.cert_serial, key = s->req.privkey_serial;
	gnutls_datum_t c, k;
	int ret;

	if (cert <= 0 || key <= 0) {
		if (!a->opts.identity) {
			tr_error_set(err, TR_EXIT_NOTFOUND,
				     "the kernel passed no client certificate and no --identity is configured");
			return -1;
		}
		if (hs_find_identity(a->opts.identity, &cert, &key, err) < 0)
			return -1;
		a->st.handoff_blocker = BLOCKER_DEFAULT_ID;
	}
	if (read_pair(a, cert, key, &c, &k, err) < 0) {
		tr_wipe(a->key_buf, sizeof(a->key_buf));
		return -1;
	}
	ret = hs_session_x509(&a->tls, &s->sess, s->fd, s->req.peername, &c,
			      &k, err);
	tr_wipe(a->key_buf, k.size);
	return ret;
}

/* Each identity the kernel offered, in order, until one loads. */
static int setup_psk(struct hs_agent *a, struct slot *s, struct tr_error *err)
{
	char identity[HS_PEERNAME_MAX];
	gnutls_datum_t key;
	size_t len;
	unsigned int i;
	int ret;

	if (s->req.n_peer_ids == 0) {
		tr_error_set(err, TR_EXIT_NOTFOUND,
			     "the kernel passed no PSK identity");
		return -1;
	}
	for (i = 0; i < s->req.n_peer_ids; i++) {
		int32_t id = s->req.peer_ids[i];

		if (hs_key_identity(id, identity, sizeof(identity), err) < 0 ||
		    hs_key_read(id, a->key_buf, HS_KEY_MAX, &len, err) < 0)
			continue;
		key.data = a->key_buf;
		key.size = (unsigned int)len;
		ret = hs_session_psk(&a->tls, &s->sess, s->fd, s->req.peername,
				     identity, &key, err);
		tr_wipe(a->key_buf, len);
		if (ret == 0) {
			s->psk_serial = id;
			return 0;
		}
	}
	return -1;
}

static int setup_session(struct hs_agent *a, struct slot *s,
			 struct tr_error *err)
{
	if (s->req.message_type != 1) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "only client handshakes are served (message type %u)",
			     s->req.message_type);
		return -1;
	}
	if (s->req.keyring > 0)
		keyctl_link(s->req.keyring, KEY_SPEC_PROCESS_KEYRING);
	switch (s->req.auth_mode) {
	case HS_AUTH_X509:
		return setup_x509(a, s, err);
	case HS_AUTH_PSK:
		return setup_psk(a, s, err);
	case HS_AUTH_UNAUTH:
		return hs_session_x509(&a->tls, &s->sess, s->fd,
				       s->req.peername, NULL, NULL, err);
	default:
		tr_error_set(err, TR_EXIT_FAILURE, "unknown auth mode %u",
			     s->req.auth_mode);
		return -1;
	}
}

static void remote_auth_x509(struct hs_agent *a, struct slot *s,
			     int32_t *remote, unsigned int *n)
{
	const gnutls_datum_t *peers;
	unsigned int count = 0;
	struct tr_error err;
	int32_t serial;

	if (!a->kr.asymmetric_ok || !a->nl_ready)
		return;
	peers = gnutls_certificate_get_peers(s->sess.gs, &count);
	if (!peers || count == 0)
		return;
	serial = hs_add_peer_cert(&peers[0], s->peer, &err);
	if (serial > 0)
		remote[(*n)++] = serial;
	else
		tr_log(a->log, TR_LOG_WARN, "peer=%s: %s", s->peer, err.msg);
}

static void complete(struct hs_agent *a, struct slot *s)
{
	int32_t remote[HS_MAX_REMOTE_AUTH];
	unsigned int n = 0;
	struct tr_error err;

	if (hs_ktls_install(s->sess.gs, s->fd, &err) < 0) {
		fail(a, s, EIO, err.msg);
		return;
	}
	if (s->kind == HS_AUTH_PSK)
		remote[n++] = s->psk_serial;
	else
		remote_auth_x509(a, s, remote, &n);
	finish(a, s, 0, NULL, remote, n);
}

static void step(struct hs_agent *a, struct slot *s)
{
	uint32_t events;

	switch (hs_session_step(&s->sess)) {
	case HS_STEP_DONE:
		complete(a, s);
		return;
	case HS_STEP_FAILED:
		fail(a, s, s->sess.status, s->sess.reason);
		return;
	default:
		/* Level-triggered: re-arm only when the direction changes. */
		events = s->sess.want_write ? EPOLLOUT : EPOLLIN;
		if (events == s->events)
			return;
		if (agent_watch(a, EPOLL_CTL_MOD, s->fd, events,
				agent_tag(TAG_SLOT, (unsigned)(s - a->slots))) < 0)
			fail(a, s, EIO, "cannot watch the socket");
		else
			s->events = events;
	}
}

static struct slot *free_slot(struct hs_agent *a)
{
	unsigned int i;

	for (i = 0; i < HS_MAX_SLOTS; i++)
		if (!a->slots[i].used)
			return &a->slots[i];
	return NULL;
}

static uint32_t clamp_timeout(uint32_t ms)
{
	if (ms == 0)
		return HS_DEFAULT_TIMEOUT_MS;
	return ms > HS_MAX_TIMEOUT_MS ? HS_MAX_TIMEOUT_MS : ms;
}

static void start(struct hs_agent *a, struct slot *s,
		  const struct hs_accept *req)
{
	struct tr_error err;
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->fd = req->sockfd;
	s->req = *req;
	s->kind = (enum hs_auth)req->auth_mode;
	s->start_ms = tr_now_ms();
	s->deadline_ms = s->start_ms + clamp_timeout(req->timeout_ms);
	describe_peer(s);
	tr_log(a->log, TR_LOG_DEBUG,
	       "accept fd=%d peer=%s auth=%u type=%u timeout=%u ids=%u cert=%d key=%d keyring=%d unknown=%u bad=%u",
	       s->fd, s->peer, req->auth_mode, req->message_type,
	       req->timeout_ms, req->n_peer_ids, req->cert_serial,
	       req->privkey_serial, req->keyring, req->unknown_attrs,
	       req->bad_attrs);
	if (setup_session(a, s, &err) < 0) {
		fail(a, s, EACCES, err.msg);
		return;
	}
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (agent_watch(a, EPOLL_CTL_ADD, s->fd, EPOLLIN,
			agent_tag(TAG_SLOT, (unsigned)(s - a->slots))) < 0) {
		fail(a, s, EIO, "cannot watch the socket");
		return;
	}
	s->events = EPOLLIN;
	step(a, s);
}

/* One ACCEPT; returns an enum hs_reply or -1. */
static int accept_one(struct hs_agent *a)
{
	struct hs_accept req;
	struct tr_error err;
	struct slot *s;
	int r;

	r = hs_netlink_accept(&a->nl, &req, &err);
	if (r == -1) {
		a->st.malformed++;
		tr_log(a->log, TR_LOG_WARN, "ignored ACCEPT reply: %s", err.msg);
		return -1;
	}
	if (r == HS_REPLY_ERROR)
		tr_log(a->log, TR_LOG_ERR, "%s", err.msg);
	if (r != HS_REPLY_REQUEST)
		return r;
	if (req.sockfd < 0) {
		a->st.malformed++;
		tr_log(a->log, TR_LOG_WARN,
		       "ACCEPT reply without SOCKFD: nothing to answer");
		return r;
	}
	s = free_slot(a);
	if (!s) {
		/* Callers check first; this only guards the invariant. */
		hs_netlink_done(&a->nl, ETIMEDOUT, req.sockfd, NULL, 0, &err);
		close(req.sockfd);
		return r;
	}
	start(a, s, &req);
	return r;
}

void agent_drain(struct hs_agent *a)
{
	a->drain_wanted = 0;
	if (!a->nl_ready || a->stopping)
		return;
	while (free_slot(a)) {
		if (accept_one(a) != HS_REPLY_REQUEST)
			return;
	}
	a->drain_wanted = 1;   /* full: try again when a slot frees */
}

/* Standby: one ACCEPT per READY whose grace period has run out. */
static void standby_expire(struct hs_agent *a, uint64_t now)
{
	int r;

	while (a->rq_len && a->ready_at[a->rq_head] + a->opts.grace_ms <= now) {
		if (!a->nl_ready || !free_slot(a))
			return;
		r = accept_one(a);
		a->rq_head = (a->rq_head + 1) % HS_READY_QUEUE;
		a->rq_len--;
		if (r == HS_REPLY_REQUEST) {
			a->st.takeovers++;
			tr_log(a->log, TR_LOG_WARN,
			       "standby: took over a request still pending after %u ms",
			       a->opts.grace_ms);
			continue;
		}
		if (r == HS_REPLY_EMPTY)
			a->st.deferred++;
	}
}

void hs_agent_on_ready(struct hs_agent *a, int count, uint64_t now_ms)
{
	if (a->mode == HS_MODE_ACTIVE) {
		agent_drain(a);
		return;
	}
	while (count-- > 0 && a->rq_len < HS_READY_QUEUE) {
		a->ready_at[(a->rq_head + a->rq_len) % HS_READY_QUEUE] = now_ms;
		a->rq_len++;
	}
}

static void read_netlink(struct hs_agent *a)
{
	uint8_t buf[HS_MSG_MAX];
	int fd = hs_netlink_mcast_fd(&a->nl);
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* READYs were lost: ACCEPT recovers them. */
			hs_agent_on_ready(a, 1, tr_now_ms());
			continue;
		}
		if (n <= 0)
			return;
		n = hs_count_ready(buf, (size_t)n, a->nl.family);
		if (n > 0)
			hs_agent_on_ready(a, (int)n, tr_now_ms());
	}
}

static void stop_all(struct hs_agent *a)
{
	unsigned int i;

	a->stopping = 1;
	for (i = 0; i < HS_MAX_SLOTS; i++)
		if (a->slots[i].used)
			fail(a, &a->slots[i], ETIMEDOUT,
			     "agent stopping; the kernel will retry");
}

static void read_signals(struct hs_agent *a)
{
	struct signalfd_siginfo si;

	while (read(a->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			tr_log(a->log, TR_LOG_INFO,
			       "SIGHUP ignored: configuration is read only at start");
			continue;
		}
		tr_log(a->log, TR_LOG_INFO, "signal %u: stopping",
		       si.ssi_signo);
		stop_all(a);
	}
}

static void expire(struct hs_agent *a, uint64_t now)
{
	unsigned int i;
	char reason[96];

	for (i = 0; i < HS_MAX_SLOTS; i++) {
		struct slot *s = &a->slots[i];

		if (!s->used || s->deadline_ms > now)
			continue;
		snprintf(reason, sizeof(reason),
			 "no handshake within %llu ms",
			 (unsigned long long)(s->deadline_ms - s->start_ms));
		fail(a, s, ETIMEDOUT, reason);
	}
	ctl_expire(a, now);
	if (a->mode == HS_MODE_STANDBY)
		standby_expire(a, now);
}

static int next_timeout(const struct hs_agent *a, uint64_t now)
{
	uint64_t next = ctl_next_deadline(a);
	unsigned int i;

	if (a->drain_wanted && a->mode == HS_MODE_ACTIVE)
		return 0;
	for (i = 0; i < HS_MAX_SLOTS; i++)
		if (a->slots[i].used && a->slots[i].deadline_ms < next)
			next = a->slots[i].deadline_ms;
	if (a->mode == HS_MODE_STANDBY && a->rq_len &&
	    a->ready_at[a->rq_head] + a->opts.grace_ms < next)
		next = a->ready_at[a->rq_head] + a->opts.grace_ms;
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}

static void dispatch(struct hs_agent *a, uint64_t tag)
{
	unsigned int index = (unsigned int)(tag & 0xffffffffu);

	switch ((enum tag)(tag >> 32)) {
	case TAG_NETLINK:
		read_netlink(a);
		break;
	case TAG_CTL_LISTEN:
		ctl_accept(a);
		break;
	case TAG_CTL_CONN:
		ctl_serve(a, index);
		break;
	case TAG_SIGNAL:
		read_signals(a);
		break;
	case TAG_SLOT:
		if (index < HS_MAX_SLOTS && a->slots[index].used)
			step(a, &a->slots[index]);
		break;
	}
}

int hs_agent_poll_once(struct hs_agent *a, int timeout_ms)
{
	struct epoll_event ev[32];
	int n, i;

	if (timeout_ms < 0)
		timeout_ms = next_timeout(a, tr_now_ms());
	n = epoll_wait(a->epfd, ev, 32, timeout_ms);
	if (n < 0 && errno != EINTR)
		return -1;
	for (i = 0; i < n; i++)
		dispatch(a, ev[i].data.u64);
	expire(a, tr_now_ms());
	if (a->drain_wanted && a->mode == HS_MODE_ACTIVE)
		agent_drain(a);
	return 0;
}

int hs_agent_stopping(const struct hs_agent *a)
{
	return a->stopping;
}

int hs_agent_run(struct hs_agent *a)
{
	if (a->mode == HS_MODE_ACTIVE)
		agent_drain(a);
	while (!a->stopping)
		if (hs_agent_poll_once(a, -1) < 0) {
			tr_log(a->log, TR_LOG_ERR, "epoll_wait: %s",
			       strerror(errno));
			return TR_EXIT_FAILURE;
		}
	return TR_EXIT_OK;
}

static int open_signals(struct hs_agent *a, struct tr_error *err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	a->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a->sigfd < 0 ||
	    agent_watch(a, EPOLL_CTL_ADD, a->sigfd, EPOLLIN,
			agent_tag(TAG_SIGNAL, 0)) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "signalfd: %s",
			     strerror(errno));
		return -1;
	}
	return 0;
}

static int load_tls(struct hs_agent *a, struct tr_error *err)
{
	uint8_t *pem = NULL;
	size_t len = 0;
	int ret;

	if (a->opts.trust_file &&
	    tr_read_file(a->opts.trust_file, TRUST_MAX, &pem, &len, err) < 0)
		return -1;
	ret = hs_tls_init(&a->tls, pem, len, err);
	free(pem);
	if (ret == 0)
		a->tls_ready = 1;
	return ret;
}

static int open_sockets(struct hs_agent *a, struct tr_error *err)
{
	if (a->opts.use_netlink) {
		hs_keyrings_prepare(&a->kr);
		if (hs_netlink_open(&a->nl, err) < 0)
			return -1;
		a->nl_ready = 1;
		if (agent_watch(a, EPOLL_CTL_ADD, hs_netlink_mcast_fd(&a->nl),
				EPOLLIN, agent_tag(TAG_NETLINK, 0)) < 0)
			goto fail;
	}
	a->ctl_fd = hs_ctl_listen(a->opts.socket_path, err);
	if (a->ctl_fd < 0)
		return -1;
	if (agent_watch(a, EPOLL_CTL_ADD, a->ctl_fd, EPOLLIN,
			agent_tag(TAG_CTL_LISTEN, 0)) < 0)
		goto fail;
	return 0;
fail:
	tr_error_set(err, TR_EXIT_FAILURE, "epoll: %s", strerror(errno));
	return -1;
}

struct hs_agent *hs_agent_new(const struct hs_agent_opts *opts,
			      struct tr_log *log, struct tr_error *err)
{
	struct hs_agent *a = calloc(1, sizeof(*a));
	unsigned int i;

	if (!a) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return NULL;
	}
	a->opts = *opts;
	a->log = log;
	a->mode = opts->mode;
	a->start_ms = tr_now_ms();
	a->sigfd = a->ctl_fd = a->status_fd = a->smaps_fd = -1;
	for (i = 0; i < HS_MAX_SLOTS; i++)
		a->slots[i].fd = -1;
	for (i = 0; i < HS_MAX_CTL_CONNS; i++)
		a->conns[i].fd = -1;
	a->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (a->epfd < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "epoll: %s", strerror(errno));
		goto fail;
	}
	if (load_tls(a, err) < 0 || open_signals(a, err) < 0 ||
	    open_sockets(a, err) < 0)
		goto fail;
	return a;
fail:
	hs_agent_free(a);
	return NULL;
}

int hs_agent_warmup(struct hs_agent *a, struct tr_error *err)
{
	return hs_tls_warmup(&a->tls, err);
}

void hs_agent_set_hardening(struct hs_agent *a, int mlocked, int io_flusher,
			    int seccomp, int status_fd, int smaps_fd)
{
	a->st.mlocked = mlocked;
	a->st.io_flusher = io_flusher;
	a->st.seccomp = seccomp;
	a->status_fd = status_fd;
	a->smaps_fd = smaps_fd;
}

void hs_agent_free(struct hs_agent *a)
{
	unsigned int i;

	if (!a)
		return;
	for (i = 0; i < HS_MAX_SLOTS; i++)
		if (a->slots[i].used)
			fail(a, &a->slots[i], ETIMEDOUT, "agent exiting");
	for (i = 0; i < HS_MAX_CTL_CONNS; i++)
		if (a->conns[i].fd >= 0)
			close(a->conns[i].fd);
	if (a->ctl_fd >= 0) {
		close(a->ctl_fd);
		/* The path is not removed: that would be a path walk late in
		 * life; a restarted agent replaces a stale socket itself. */
	}
	if (a->nl_ready)
		hs_netlink_close(&a->nl);
	if (a->tls_ready)
		hs_tls_free(&a->tls);
	if (a->sigfd >= 0)
		close(a->sigfd);
	if (a->status_fd >= 0)
		close(a->status_fd);
	if (a->smaps_fd >= 0)
		close(a->smaps_fd);
	if (a->epfd >= 0)
		close(a->epfd);
	tr_wipe(a->key_buf, sizeof(a->key_buf));
	free(a);
}
