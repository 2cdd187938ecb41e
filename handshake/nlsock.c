// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The agent's two generic-netlink sockets. READY notifications arrive on
 * a subscribed socket that the event loop watches; ACCEPT and DONE go
 * over a second one so their replies never interleave with notifications.
 * The kernel answers both synchronously, inside our sendto().
 */
#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "handshake/handshake.h"
#include "handshake/hs_uapi.h"

static struct mnl_socket *open_genl(struct tr_error *err)
{
	struct mnl_socket *s;
	struct timeval tv = { .tv_sec = 2 };

	s = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!s) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot open a generic netlink socket: %s",
			     strerror(errno));
		return NULL;
	}
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot bind a generic netlink socket: %s",
			     strerror(errno));
		mnl_socket_close(s);
		return NULL;
	}
	/* A reply is queued before sendto() returns; this only bounds bugs. */
	setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	return s;
}

/* Send one request and receive one datagram of reply. */
static ssize_t transact(struct mnl_socket *s, const void *req, size_t len,
			void *reply, size_t cap, struct tr_error *err)
{
	ssize_t n;

	if (mnl_socket_sendto(s, req, len) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "netlink send failed: %s",
			     strerror(errno));
		return -1;
	}
	do
		n = mnl_socket_recvfrom(s, reply, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		tr_error_set(err, TR_EXIT_FAILURE,
			     "netlink receive failed: %s", strerror(errno));
	return n;
}

static int resolve_family(struct hs_netlink *nl, struct tr_error *err)
{
	uint8_t req[256], reply[HS_MSG_MAX];
	size_t len = hs_build_getfamily(req, sizeof(req), ++nl->seq);
	ssize_t n;

	n = transact(nl->cmd, req, len, reply, sizeof(reply), err);
	if (n < 0)
		return -1;
	return hs_parse_family(reply, (size_t)n, &nl->family, &nl->group, err);
}

int hs_netlink_open(struct hs_netlink *nl, struct tr_error *err)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->cmd = open_genl(err);
	if (!nl->cmd)
		return -1;
	if (resolve_family(nl, err) < 0)
		goto fail;
	nl->mcast = open_genl(err);
	if (!nl->mcast)
		goto fail;
	if (mnl_socket_setsockopt(nl->mcast, NETLINK_ADD_MEMBERSHIP,
				  &nl->group, sizeof(nl->group)) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot join the handshake \"tlshd\" group: %s",
			     strerror(errno));
		goto fail;
	}
	/* A lost READY is recovered by draining with ACCEPT; say so early. */
	mnl_socket_setsockopt(nl->mcast, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	return 0;
fail:
	hs_netlink_close(nl);
	return -1;
}

void hs_netlink_close(struct hs_netlink *nl)
{
	if (nl->mcast)
		mnl_socket_close(nl->mcast);
	if (nl->cmd)
		mnl_socket_close(nl->cmd);
	nl->mcast = nl->cmd = NULL;
}

int hs_netlink_mcast_fd(const struct hs_netlink *nl)
{
	return nl->mcast ? mnl_socket_get_fd(nl->mcast) : -1;
}

int hs_netlink_accept(struct hs_netlink *nl, struct hs_accept *out,
		      struct tr_error *err)
{
	uint8_t req[128], reply[HS_MSG_MAX];
	size_t len = hs_build_accept(req, sizeof(req), nl->family, ++nl->seq);
	int kerr, ret;
	ssize_t n;

	n = transact(nl->cmd, req, len, reply, sizeof(reply), err);
	if (n < 0) {
		memset(out, 0, sizeof(*out));
		out->sockfd = -1;
		return -1;
	}
	ret = hs_parse_accept(reply, (size_t)n, nl->family, out, &kerr, err);
	if (ret == HS_REPLY_ERROR)
		tr_error_set(err, TR_EXIT_FAILURE, "ACCEPT refused by the kernel: %s%s",
			     strerror(kerr), kerr == EPERM ?
			     " (the agent needs CAP_NET_ADMIN)" : "");
	return ret;
}

int hs_netlink_done(struct hs_netlink *nl, uint32_t status, int sockfd,
		    const int32_t *remote_auth, unsigned int n,
		    struct tr_error *err)
{
	uint8_t req[256], reply[HS_MSG_MAX];
	struct hs_accept ignored;
	size_t len;
	ssize_t got;
	int kerr = 0, ret;

	len = hs_build_done(req, sizeof(req), nl->family, ++nl->seq, status,
			    sockfd, remote_auth, n);
	if (len == 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "DONE message too large");
		return -1;
	}
	got = transact(nl->cmd, req, len, reply, sizeof(reply), err);
	if (got < 0)
		return -1;
	/* An ack is an NLMSG_ERROR with error 0. */
	ret = hs_parse_accept(reply, (size_t)got, nl->family, &ignored, &kerr,
			      NULL);
	if (ret == HS_REPLY_EMPTY)
		kerr = EAGAIN;
	if (kerr) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "the kernel rejected DONE: %s (request already timed out?)",
			     strerror(kerr));
		return -1;
	}
	return 0;
}
