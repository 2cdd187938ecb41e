// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The agent's control socket: a SOCK_SEQPACKET unix socket, one command
 * per message, one JSON reply per message. The path is bound once at
 * start; later accept() calls walk no path.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "handshake/handshake.h"

enum hs_ctl_cmd hs_ctl_parse(const void *msg, size_t len)
{
	static const struct {
		const char *word;
		enum hs_ctl_cmd cmd;
	} words[] = {
		{ "status", HS_CTL_STATUS },
		{ "handoff", HS_CTL_HANDOFF },
		{ "takeover", HS_CTL_TAKEOVER },
	};
	const char *p = msg;
	size_t i, n = len;

	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == ' ' ||
			 p[n - 1] == '\t' || p[n - 1] == '\r' ||
			 p[n - 1] == '\0'))
		n--;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == n && memcmp(p, words[i].word, n) == 0)
			return words[i].cmd;
	return HS_CTL_UNKNOWN;
}

struct out {
	char *buf;
	size_t cap, len;
	int overflow;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->overflow = 1;
		return;
	}
	o->len += (size_t)n;
}

/* A JSON string: escape quotes, backslashes and control bytes. */
static void put_str(struct out *o, const char *s)
{
	put(o, "\"");
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			put(o, "\\u%04x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"");
}

static void put_kind(struct out *o, const char *name,
		     const struct hs_kind_stats *k, int last)
{
	put(o, "\"%s\":{\"served\":%llu,\"failed\":%llu}%s", name,
	    (unsigned long long)k->served, (unsigned long long)k->failed,
	    last ? "" : ",");
}

int hs_status_json(const struct hs_stats *st, char *buf, size_t cap)
{
	struct out o = { .buf = buf, .cap = cap };

	if (cap == 0)
		return -1;
	put(&o, "{\"mode\":\"%s\",",
	    st->mode == HS_MODE_ACTIVE ? "active" : "standby");
	put(&o, "\"served\":%llu,\"failed\":%llu,\"in_flight\":%u,",
	    (unsigned long long)st->served, (unsigned long long)st->failed,
	    st->in_flight);
	put(&o, "\"kinds\":{");
	put_kind(&o, "x509", &st->x509, 0);
	put_kind(&o, "psk", &st->psk, 0);
	put_kind(&o, "anon", &st->anon, 1);
	put(&o, "},\"takeovers\":%llu,\"deferred\":%llu,\"malformed\":%llu,",
	    (unsigned long long)st->takeovers,
	    (unsigned long long)st->deferred,
	    (unsigned long long)st->malformed);
	put(&o, "\"mode_switches\":%llu,\"uptime_ms\":%llu,",
	    (unsigned long long)st->mode_switches,
	    (unsigned long long)st->uptime_ms);
	put(&o, "\"memory\":{\"locked_kib\":%ld,\"rss_kib\":%ld,\"locked_vm_kib\":%ld},",
	    st->locked_kib, st->rss_kib, st->locked_vm_kib);
	put(&o, "\"hardening\":{\"mlockall\":%s,\"io_flusher\":%s,\"seccomp\":%s},",
	    st->mlocked ? "true" : "false", st->io_flusher ? "true" : "false",
	    st->seccomp ? "true" : "false");
	put(&o, "\"handoff_allowed\":%s,\"handoff_blocker\":",
	    st->handoff_blocker ? "false" : "true");
	if (st->handoff_blocker)
		put_str(&o, st->handoff_blocker);
	else
		put(&o, "null");
	put(&o, ",\"last_error\":");
	if (st->last_error[0])
		put_str(&o, st->last_error);
	else
		put(&o, "null");
	put(&o, "}");
	return o.overflow ? -1 : (int)o.len;
}

static int fill_addr(struct sockaddr_un *sun, const char *path,
		     struct tr_error *err)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		tr_error_set(err, TR_EXIT_USAGE, "socket path too long: %s",
			     path);
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

/* Create the parent directory (one level, mode 0700) if it is missing. */
static void make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	mkdir(dir, 0700);
}

static int refuse_if_live(const struct sockaddr_un *sun, struct tr_error *err)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	int live;

	if (fd < 0)
		return 0;
	live = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	if (live) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "another agent already answers on %s; stop it or use --socket",
			     sun->sun_path);
		return -1;
	}
	return 0;
}

int hs_ctl_listen(const char *path, struct tr_error *err)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd, ret;

	if (fill_addr(&sun, path, err) < 0)
		return -1;
	make_parent(path);
	if (refuse_if_live(&sun, err) < 0)
		return -1;
	unlink(path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "control socket: %s",
			     strerror(errno));
		return -1;
	}
	old = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ret < 0 || listen(fd, 8) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "cannot listen on %s: %s",
			     path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int hs_ctl_request(const char *path, const char *cmd, char *reply,
		   size_t cap, struct tr_error *err)
{
	struct sockaddr_un sun;
	struct pollfd pfd;
	ssize_t n;
	int fd;

	if (fill_addr(&sun, path, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		tr_error_set(err, TR_EXIT_AGENT,
			     "cannot reach tlsroot-agent at %s: %s; is it running?",
			     path, strerror(errno));
		goto fail;
	}
	if (send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) < 0) {
		tr_error_set(err, TR_EXIT_AGENT, "cannot send to %s: %s", path,
			     strerror(errno));
		goto fail;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) <= 0) {
		tr_error_set(err, TR_EXIT_AGENT,
			     "tlsroot-agent did not answer within 5 s");
		goto fail;
	}
	n = recv(fd, reply, cap - 1, 0);
	if (n <= 0) {
		tr_error_set(err, TR_EXIT_AGENT,
			     "tlsroot-agent closed the connection%s%s",
			     n < 0 ? ": " : " (not root?)",
			     n < 0 ? strerror(errno) : "");
		goto fail;
	}
	reply[n] = '\0';
	close(fd);
	return (int)n;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}
