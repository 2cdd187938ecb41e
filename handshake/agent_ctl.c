// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The agent's side of the control socket: accept root's connections,
 * answer status/handoff/takeover, and report statistics.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "handshake/agent_priv.h"

#define CTL_DEADLINE_MS 2000

static void reply_and_close(struct hs_agent *a, struct ctl_conn *c,
			    const char *text, int len)
{
	if (len > 0)
		send(c->fd, text, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT);
	epoll_ctl(a->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

static int peer_is_root(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	       cred.uid == 0;
}

void ctl_accept(struct hs_agent *a)
{
	unsigned int i;
	int fd;

	while ((fd = accept4(a->ctl_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < HS_MAX_CTL_CONNS && a->conns[i].fd >= 0; i++)
			;
		if (i == HS_MAX_CTL_CONNS ||
		    agent_watch(a, EPOLL_CTL_ADD, fd, EPOLLIN,
				agent_tag(TAG_CTL_CONN, i)) < 0) {
			close(fd);
			continue;
		}
		a->conns[i].fd = fd;
		a->conns[i].deadline_ms = tr_now_ms() + CTL_DEADLINE_MS;
	}
}

void ctl_serve(struct hs_agent *a, unsigned int index)
{
	struct ctl_conn *c = &a->conns[index];
	char msg[64], reply[2048];
	ssize_t n;
	int len;

	if (c->fd < 0)
		return;
	n = recv(c->fd, msg, sizeof(msg), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		reply_and_close(a, c, NULL, 0);
		return;
	}
	/* Checked once the command is read: closing a socket with unread
	 * data would reset it and lose the refusal. */
	if (!peer_is_root(c->fd))
		len = snprintf(reply, sizeof(reply),
			       "{\"error\":\"permission denied: root only\"}");
	else
		len = hs_agent_control(a, hs_ctl_parse(msg, (size_t)n), reply,
				       sizeof(reply));
	reply_and_close(a, c, reply, len);
}

void ctl_expire(struct hs_agent *a, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < HS_MAX_CTL_CONNS; i++)
		if (a->conns[i].fd >= 0 && a->conns[i].deadline_ms <= now)
			reply_and_close(a, &a->conns[i], NULL, 0);
}

uint64_t ctl_next_deadline(const struct hs_agent *a)
{
	uint64_t next = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < HS_MAX_CTL_CONNS; i++)
		if (a->conns[i].fd >= 0 && a->conns[i].deadline_ms < next)
			next = a->conns[i].deadline_ms;
	return next;
}

static long proc_field(int fd, const char *field)
{
	char text[4096];
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, text, sizeof(text), 0);
	return n > 0 ? hs_status_field_kib(text, (size_t)n, field) : -1;
}

/*
 * From the /proc/self fds opened at start. VmLck counts locked address
 * space, including pages MCL_ONFAULT has not faulted in; smaps_rollup's
 * Locked counts the RAM actually pinned.
 */
static void read_memory(struct hs_agent *a, struct hs_stats *st)
{
	st->locked_vm_kib = proc_field(a->status_fd, "VmLck:");
	st->rss_kib = proc_field(a->status_fd, "VmRSS:");
	st->locked_kib = proc_field(a->smaps_fd, "Locked:");
	if (st->locked_kib < 0)
		st->locked_kib = st->locked_vm_kib;
}

void hs_agent_stats(struct hs_agent *a, struct hs_stats *st)
{
	unsigned int i;

	*st = a->st;
	st->mode = a->mode;
	st->in_flight = 0;
	for (i = 0; i < HS_MAX_SLOTS; i++)
		st->in_flight += a->slots[i].used ? 1u : 0u;
	st->uptime_ms = tr_now_ms() - a->start_ms;
	read_memory(a, st);
}

static int switch_reply(char *reply, size_t cap, const char *mode,
			const char *previous)
{
	return snprintf(reply, cap, "{\"mode\":\"%s\",\"previous\":\"%s\"}",
			mode, previous);
}

static const char *mode_name(enum hs_mode m)
{
	return m == HS_MODE_ACTIVE ? "active" : "standby";
}

static int do_handoff(struct hs_agent *a, char *reply, size_t cap)
{
	enum hs_mode was = a->mode;

	if (a->st.handoff_blocker) {
		tr_log(a->log, TR_LOG_WARN, "handoff refused: %s",
		       a->st.handoff_blocker);
		return snprintf(reply, cap,
				"{\"error\":\"handoff refused: %s; the agent stays active\",\"mode\":\"active\"}",
				a->st.handoff_blocker);
	}
	if (was != HS_MODE_STANDBY) {
		a->mode = HS_MODE_STANDBY;
		a->st.mode_switches++;
		tr_log(a->log, TR_LOG_INFO,
		       "standby: accepting only requests pending after %u ms",
		       a->opts.grace_ms);
	}
	return switch_reply(reply, cap, "standby", mode_name(was));
}

static int do_takeover(struct hs_agent *a, char *reply, size_t cap)
{
	enum hs_mode was = a->mode;

	if (was != HS_MODE_ACTIVE) {
		a->mode = HS_MODE_ACTIVE;
		a->st.mode_switches++;
		a->rq_len = 0;
		tr_log(a->log, TR_LOG_INFO, "active: accepting every request");
	}
	/* Whatever the other agent left pending is ours now. */
	a->drain_wanted = 1;
	return switch_reply(reply, cap, "active", mode_name(was));
}

int hs_agent_control(struct hs_agent *a, enum hs_ctl_cmd cmd, char *reply,
		     size_t cap)
{
	struct hs_stats st;
	int n;

	switch (cmd) {
	case HS_CTL_STATUS:
		hs_agent_stats(a, &st);
		return hs_status_json(&st, reply, cap);
	case HS_CTL_HANDOFF:
		n = do_handoff(a, reply, cap);
		break;
	case HS_CTL_TAKEOVER:
		n = do_takeover(a, reply, cap);
		break;
	default:
		n = snprintf(reply, cap,
			     "{\"error\":\"unknown command; use status, handoff or takeover\"}");
	}
	return n < 0 || (size_t)n >= cap ? -1 : n;
}
