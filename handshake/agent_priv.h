/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The agent's state, shared by agent.c (handshakes) and agent_ctl.c. */
#ifndef TLSROOT_AGENT_PRIV_H
#define TLSROOT_AGENT_PRIV_H

#include "handshake/handshake.h"

enum tag {
	TAG_NETLINK = 1,
	TAG_CTL_LISTEN,
	TAG_CTL_CONN,
	TAG_SIGNAL,
	TAG_SLOT,
};

struct slot {
	int used;
	int fd;
	uint32_t events;         /* what epoll watches the fd for */
	struct hs_accept req;
	struct hs_session sess;
	enum hs_auth kind;
	int32_t psk_serial;
	uint64_t start_ms;
	uint64_t deadline_ms;
	char peer[HS_PEERNAME_MAX];
};

struct ctl_conn {
	int fd;                  /* -1: free */
	uint64_t deadline_ms;
};

struct hs_agent {
	struct hs_agent_opts opts;
	struct tr_log *log;
	struct hs_tls tls;
	int tls_ready;
	struct hs_netlink nl;
	int nl_ready;
	struct hs_keyrings kr;
	int epfd;
	int sigfd;
	int ctl_fd;
	int status_fd;
	int smaps_fd;
	int stopping;
	int drain_wanted;
	enum hs_mode mode;
	uint64_t start_ms;
	struct hs_stats st;
	struct slot slots[HS_MAX_SLOTS];
	struct ctl_conn conns[HS_MAX_CTL_CONNS];
	uint64_t ready_at[HS_READY_QUEUE];  /* standby: READY arrival times */
	unsigned int rq_head, rq_len;
	/* Key payloads are read here, never into fresh allocations. */
	uint8_t cert_buf[HS_KEY_MAX + 1];
	uint8_t key_buf[HS_KEY_MAX + 1];
};

uint64_t agent_tag(enum tag t, unsigned int index);
int agent_watch(struct hs_agent *a, int op, int fd, uint32_t events,
		uint64_t tag);
void agent_drain(struct hs_agent *a);

/* agent_ctl.c */
void ctl_accept(struct hs_agent *a);
void ctl_serve(struct hs_agent *a, unsigned int index);
void ctl_expire(struct hs_agent *a, uint64_t now);
uint64_t ctl_next_deadline(const struct hs_agent *a);

#endif
