// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Messages of the kernel's "handshake" generic-netlink family: build
 * ACCEPT and DONE, parse READY and the ACCEPT reply. Parsing is tolerant
 * (unknown or odd-sized attributes are skipped and counted) because a
 * newer kernel may add attributes and a handshake must not be lost to
 * that; DONE is built with exactly the three attributes the kernel accepts.
 */
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "handshake/handshake.h"
#include "handshake/hs_uapi.h"

/*
 * The longest run of whole netlink messages at the start of buf. libmnl
 * compares nlmsg_len as a signed int, so a length above 2 GiB passes its
 * check and sends the walk far outside the buffer: screen lengths first.
 * Its attribute walk also ends at the ALIGNED message length, so a last
 * message whose length is not a multiple of 4 would be read past the end
 * of buf; the kernel pads every message, so such a message is dropped.
 */
static size_t whole_messages(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	struct nlmsghdr h;
	size_t off = 0, step;

	while (len - off >= sizeof(h)) {
		memcpy(&h, p + off, sizeof(h));
		step = MNL_ALIGN(h.nlmsg_len);
		if (h.nlmsg_len < sizeof(h) || step != h.nlmsg_len ||
		    step > len - off)
			break;
		off += step;
	}
	return off;
}

struct accept_ctx {
	struct hs_accept *out;
	int seen_request;
	int kernel_errno;
};

static void accept_init(struct hs_accept *a)
{
	memset(a, 0, sizeof(*a));
	a->sockfd = -1;
}

static int u32_ok(const struct nlattr *attr)
{
	return mnl_attr_get_payload_len(attr) == sizeof(uint32_t);
}

static int cert_cb(const struct nlattr *attr, void *data)
{
	struct hs_accept *a = data;

	if (!u32_ok(attr)) {
		a->bad_attrs++;
		return MNL_CB_OK;
	}
	switch (mnl_attr_get_type(attr)) {
	case HS_A_X509_CERT:
		a->cert_serial = (int32_t)mnl_attr_get_u32(attr);
		break;
	case HS_A_X509_PRIVKEY:
		a->privkey_serial = (int32_t)mnl_attr_get_u32(attr);
		break;
	default:
		a->unknown_attrs++;
	}
	return MNL_CB_OK;
}

static void put_peername(struct hs_accept *a, const struct nlattr *attr)
{
	const char *s = mnl_attr_get_payload(attr);
	size_t n = mnl_attr_get_payload_len(attr);

	/* The kernel sends NUL-terminated; accept a bare string too. */
	n = strnlen(s, n);
	if (n == 0 || n >= sizeof(a->peername)) {
		a->bad_attrs++;
		return;
	}
	memcpy(a->peername, s, n);
	a->peername[n] = '\0';
}

static void put_peer_id(struct hs_accept *a, const struct nlattr *attr)
{
	if (a->n_peer_ids < HS_MAX_PEER_IDS)
		a->peer_ids[a->n_peer_ids++] = (int32_t)mnl_attr_get_u32(attr);
	else
		a->extra_peer_ids++;
}

static int accept_attr_cb(const struct nlattr *attr, void *data)
{
	struct hs_accept *a = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type == HS_A_ACCEPT_PEERNAME) {
		put_peername(a, attr);
		return MNL_CB_OK;
	}
	if (type == HS_A_ACCEPT_CERTIFICATE) {
		if (mnl_attr_parse_nested(attr, cert_cb, a) < 0)
			a->bad_attrs++;
		return MNL_CB_OK;
	}
	if (type < HS_A_ACCEPT_SOCKFD || type > HS_A_ACCEPT_KEYRING) {
		a->unknown_attrs++;
		return MNL_CB_OK;
	}
	if (!u32_ok(attr)) {
		a->bad_attrs++;
		return MNL_CB_OK;
	}
	switch (type) {
	case HS_A_ACCEPT_SOCKFD:
		a->sockfd = (int)mnl_attr_get_u32(attr);
		break;
	case HS_A_ACCEPT_HANDLER_CLASS:
		a->handler_class = mnl_attr_get_u32(attr);
		break;
	case HS_A_ACCEPT_MESSAGE_TYPE:
		a->message_type = mnl_attr_get_u32(attr);
		break;
	case HS_A_ACCEPT_TIMEOUT:
		a->timeout_ms = mnl_attr_get_u32(attr);
		break;
	case HS_A_ACCEPT_AUTH_MODE:
		a->auth_mode = mnl_attr_get_u32(attr);
		break;
	case HS_A_ACCEPT_PEER_IDENTITY:
		put_peer_id(a, attr);
		break;
	case HS_A_ACCEPT_KEYRING:
		a->keyring = (int32_t)mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static const struct genlmsghdr *genl_header(const struct nlmsghdr *nlh)
{
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return NULL;
	return mnl_nlmsg_get_payload(nlh);
}

struct accept_msg_ctx {
	struct accept_ctx *ctx;
	uint16_t family;
};

static int accept_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct accept_msg_ctx *m = data;
	const struct genlmsghdr *g = genl_header(nlh);

	/* One request per reply; a second one would leak its fd. */
	if (nlh->nlmsg_type != m->family || !g || g->cmd != HS_CMD_ACCEPT ||
	    m->ctx->seen_request)
		return MNL_CB_OK;
	m->ctx->seen_request = 1;
	mnl_attr_parse(nlh, sizeof(*g), accept_attr_cb, m->ctx->out);
	return MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct accept_msg_ctx *m = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		m->ctx->kernel_errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;
	m->ctx->kernel_errno = e->error < 0 ? -e->error : e->error;
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

int hs_parse_accept(const void *buf, size_t len, uint16_t family,
		    struct hs_accept *out, int *kernel_errno,
		    struct tr_error *err)
{
	struct accept_ctx ctx = { .out = out };
	struct accept_msg_ctx m = { .ctx = &ctx, .family = family };
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { 0 };

	accept_init(out);
	*kernel_errno = 0;
	ctl[NLMSG_NOOP] = noop_cb;
	ctl[NLMSG_ERROR] = error_cb;
	mnl_cb_run2(buf, whole_messages(buf, len), 0, 0, accept_msg_cb, &m,
		    ctl, NLMSG_MIN_TYPE);
	if (ctx.seen_request)
		return HS_REPLY_REQUEST;
	if (ctx.kernel_errno == EAGAIN)
		return HS_REPLY_EMPTY;
	if (ctx.kernel_errno) {
		*kernel_errno = ctx.kernel_errno;
		return HS_REPLY_ERROR;
	}
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "netlink reply of %zu bytes holds no handshake request",
		     len);
	return -1;
}

struct ready_ctx {
	uint16_t family;
	int count;
};

static int ready_class_cb(const struct nlattr *attr, void *data)
{
	uint32_t *cls = data;

	if (mnl_attr_get_type(attr) == HS_A_ACCEPT_HANDLER_CLASS &&
	    mnl_attr_get_payload_len(attr) == sizeof(uint32_t))
		*cls = mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int ready_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ready_ctx *r = data;
	const struct genlmsghdr *g = genl_header(nlh);
	uint32_t cls = HS_CLASS_TLSHD;  /* absent: assume ours */

	if (nlh->nlmsg_type != r->family || !g || g->cmd != HS_CMD_READY)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*g), ready_class_cb, &cls);
	if (cls == HS_CLASS_TLSHD)
		r->count++;
	return MNL_CB_OK;
}

int hs_count_ready(const void *buf, size_t len, uint16_t family)
{
	struct ready_ctx r = { .family = family };

	mnl_cb_run(buf, whole_messages(buf, len), 0, 0, ready_msg_cb, &r);
	return r.count;
}

static struct nlmsghdr *genl_start(void *buf, size_t cap, uint16_t type,
				   uint16_t flags, uint32_t seq, uint8_t cmd,
				   uint8_t version)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (cap < MNL_ALIGN(sizeof(*nlh)) + MNL_ALIGN(sizeof(*g)))
		return NULL;
	memset(buf, 0, MNL_ALIGN(sizeof(*nlh)) + MNL_ALIGN(sizeof(*g)));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

size_t hs_build_getfamily(void *buf, size_t cap, uint32_t seq)
{
	struct nlmsghdr *nlh = genl_start(buf, cap, GENL_ID_CTRL, 0, seq,
					  CTRL_CMD_GETFAMILY, 1);

	if (!nlh || !mnl_attr_put_strz_check(nlh, cap, CTRL_ATTR_FAMILY_NAME,
					     HS_GENL_NAME))
		return 0;
	return nlh->nlmsg_len;
}

size_t hs_build_accept(void *buf, size_t cap, uint16_t family, uint32_t seq)
{
	struct nlmsghdr *nlh = genl_start(buf, cap, family, 0, seq,
					  HS_CMD_ACCEPT, HS_GENL_VERSION);

	if (!nlh || !mnl_attr_put_u32_check(nlh, cap, HS_A_ACCEPT_HANDLER_CLASS,
					    HS_CLASS_TLSHD))
		return 0;
	return nlh->nlmsg_len;
}

size_t hs_build_done(void *buf, size_t cap, uint16_t family, uint32_t seq,
		     uint32_t status, int sockfd, const int32_t *remote_auth,
		     unsigned int n_remote_auth)
{
	struct nlmsghdr *nlh = genl_start(buf, cap, family, NLM_F_ACK, seq,
					  HS_CMD_DONE, HS_GENL_VERSION);
	unsigned int i;

	if (!nlh ||
	    !mnl_attr_put_u32_check(nlh, cap, HS_A_DONE_STATUS, status) ||
	    !mnl_attr_put_u32_check(nlh, cap, HS_A_DONE_SOCKFD,
				    (uint32_t)sockfd))
		return 0;
	for (i = 0; i < n_remote_auth; i++)
		if (!mnl_attr_put_u32_check(nlh, cap, HS_A_DONE_REMOTE_AUTH,
					    (uint32_t)remote_auth[i]))
			return 0;
	return nlh->nlmsg_len;
}

struct family_ctx {
	uint16_t family;
	uint32_t group;
	int have_family;
	int have_group;
};

static int grp_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= CTRL_ATTR_MCAST_GRP_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int groups_cb(const struct nlattr *attr, void *data)
{
	struct family_ctx *f = data;
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { 0 };
	const char *name;

	if (mnl_attr_parse_nested(attr, grp_attr_cb, tb) < 0 ||
	    !tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME], MNL_TYPE_NUL_STRING) < 0 ||
	    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID], MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	name = mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]);
	if (strcmp(name, HS_MCGRP_TLSHD) == 0) {
		f->group = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
		f->have_group = 1;
	}
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_ctx *f = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0) {
			f->family = mnl_attr_get_u16(attr);
			f->have_family = 1;
		}
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		mnl_attr_parse_nested(attr, groups_cb, f);
		break;
	}
	return MNL_CB_OK;
}

static int family_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = genl_header(nlh);

	if (nlh->nlmsg_type != GENL_ID_CTRL || !g)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*g), family_attr_cb, data);
	return MNL_CB_OK;
}

int hs_parse_family(const void *buf, size_t len, uint16_t *family,
		    uint32_t *group, struct tr_error *err)
{
	struct family_ctx f = { 0 };
	int ret;

	ret = mnl_cb_run(buf, whole_messages(buf, len), 0, 0, family_msg_cb,
			 &f);
	if (ret < 0 && errno == ENOENT) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "the kernel has no \"handshake\" netlink family; it needs Linux 6.5+ with CONFIG_NET_HANDSHAKE");
		return -1;
	}
	if (!f.have_family || !f.have_group) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "the \"handshake\" netlink family has no \"tlshd\" multicast group; is this kernel's handshake upcall compatible?");
		return -1;
	}
	*family = f.family;
	*group = f.group;
	return 0;
}
