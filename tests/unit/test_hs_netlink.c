// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The handshake netlink messages (handshake/netlink.c): ACCEPT replies
 * built with libmnl the way the kernel builds them, READY notifications,
 * the family lookup, and DONE. With TLSROOT_WRITE_CORPUS=DIR set, every
 * well-formed reply built here is also written to DIR as a fuzz seed
 * (that is how tests/fuzz/corpus/accept/ was made).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "handshake/handshake.h"
#include "handshake/hs_uapi.h"

#define FAMILY 0x1f

static uint8_t buf[HS_MSG_MAX];

static void save_seed(const char *name, const void *data, size_t len)
{
	const char *dir = getenv("TLSROOT_WRITE_CORPUS");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static struct nlmsghdr *start_msg(uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = 7;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

/* An ACCEPT reply as net/handshake/tlshd.c lays it out. */
static struct nlmsghdr *accept_reply(uint32_t auth, const char *peer)
{
	struct nlmsghdr *nlh = start_msg(FAMILY, HS_CMD_ACCEPT);

	mnl_attr_put_u32(nlh, HS_A_ACCEPT_SOCKFD, 9);
	mnl_attr_put_u32(nlh, HS_A_ACCEPT_MESSAGE_TYPE, 1);
	mnl_attr_put_u32(nlh, HS_A_ACCEPT_TIMEOUT, 10000);
	mnl_attr_put_u32(nlh, HS_A_ACCEPT_AUTH_MODE, auth);
	if (peer)
		mnl_attr_put_strz(nlh, HS_A_ACCEPT_PEERNAME, peer);
	return nlh;
}

static void put_cert(struct nlmsghdr *nlh, int32_t cert, int32_t key)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, HS_A_ACCEPT_CERTIFICATE);

	mnl_attr_put_u32(nlh, HS_A_X509_CERT, (uint32_t)cert);
	mnl_attr_put_u32(nlh, HS_A_X509_PRIVKEY, (uint32_t)key);
	mnl_attr_nest_end(nlh, nest);
}

static int parse(const struct nlmsghdr *nlh, size_t len, struct hs_accept *a)
{
	struct tr_error err;
	int kerr;

	return hs_parse_accept(nlh, len, FAMILY, a, &kerr, &err);
}

static void test_x509_reply(void **state)
{
	struct nlmsghdr *nlh = accept_reply(HS_AUTH_X509, "192.0.2.7");
	struct hs_accept a;

	put_cert(nlh, 111, 222);
	mnl_attr_put_u32(nlh, HS_A_ACCEPT_KEYRING, 333);
	save_seed("x509", nlh, nlh->nlmsg_len);
	assert_int_equal(parse(nlh, nlh->nlmsg_len, &a), HS_REPLY_REQUEST);
	assert_int_equal(a.sockfd, 9);
	assert_int_equal(a.message_type, 1);
	assert_int_equal(a.timeout_ms, 10000);
	assert_int_equal(a.auth_mode, HS_AUTH_X509);
	assert_int_equal(a.cert_serial, 111);
	assert_int_equal(a.privkey_serial, 222);
	assert_int_equal(a.keyring, 333);
	assert_string_equal(a.peername, "192.0.2.7");
	assert_int_equal(a.unknown_attrs + a.bad_attrs, 0);
}

static void test_x509_without_serials(void **state)
{
	struct nlmsghdr *nlh = accept_reply(HS_AUTH_X509, "server.example");
	struct hs_accept a;

	save_seed("x509-noserials", nlh, nlh->nlmsg_len);
	assert_int_equal(parse(nlh, nlh->nlmsg_len, &a), HS_REPLY_REQUEST);
	assert_int_equal(a.cert_serial, 0);
	assert_int_equal(a.privkey_serial, 0);
	assert_int_equal(a.keyring, 0);
}

static void test_repeated_peer_identities_all_kept(void **state)
{
	struct nlmsghdr *nlh = accept_reply(HS_AUTH_PSK, NULL);
	struct hs_accept a;
	int i;

	for (i = 0; i < 3; i++)
		mnl_attr_put_u32(nlh, HS_A_ACCEPT_PEER_IDENTITY, 500 + i);
	mnl_attr_put_u32(nlh, HS_A_ACCEPT_KEYRING, 42);
	save_seed("psk-3ids", nlh, nlh->nlmsg_len);
	assert_int_equal(parse(nlh, nlh->nlmsg_len, &a), HS_REPLY_REQUEST);
	assert_int_equal(a.n_peer_ids, 3);
	assert_int_equal(a.peer_ids[0], 500);
	assert_int_equal(a.peer_ids[2], 502);
	assert_string_equal(a.peername, "");
}

static void test_too_many_peer_identities_counted(void **state)
{
	struct nlmsghdr *nlh = accept_reply(HS_AUTH_PSK, NULL);
	struct hs_accept a;
	int i;

	for (i = 0; i < HS_MAX_PEER_IDS + 5; i++)
		mnl_attr_put_u32(nlh, HS_A_ACCEPT_PEER_IDENTITY, 1000 + i);
	assert_int_equal(parse(nlh, nlh->nlmsg_len, &a), HS_REPLY_REQUEST);
	assert_int_equal(a.n_peer_ids, HS_MAX_PEER_IDS);
	assert_int_equal(a.extra_peer_ids, 5);
}

static void test_unknown_and_odd_attrs_skipped(void **state)
{
	struct nlmsghdr *nlh = accept_reply(HS_AUTH_UNAUTH, "10.1.1.1");
	struct hs_accept a;
	uint64_t wide = 5;

	mnl_attr_put_u32(nlh, 42, 7);                       /* future attr */
	mnl_attr_put(nlh, HS_A_ACCEPT_TIMEOUT, sizeof(wide), &wide);
	mnl_attr_put(nlh, HS_A_ACCEPT_PEERNAME, 0, NULL);   /* empty name */
	save_seed("anon-odd", nlh, nlh->nlmsg_len);
	assert_int_equal(parse(nlh, nlh->nlmsg_len, &a), HS_REPLY_REQUEST);
	assert_int_equal(a.unknown_attrs, 1);
	assert_int_equal(a.bad_attrs, 2);
	assert_int_equal(a.timeout_ms, 10000);     /* the good one stays */
	assert_string_equal(a.peername, "10.1.1.1");
	assert_int_equal(a.sockfd, 9);
}

static void test_missing_sockfd(void **state)
{
	struct nlmsghdr *nlh = start_msg(FAMILY, HS_CMD_ACCEPT);
	struct hs_accept a;

	mnl_attr_put_u32(nlh, HS_A_ACCEPT_AUTH_MODE, HS_AUTH_PSK);
	assert_int_equal(parse(nlh, nlh->nlmsg_len, &a), HS_REPLY_REQUEST);
	assert_int_equal(a.sockfd, -1);
}

static void test_eagain_and_errors(void **state)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	struct hs_accept a;
	struct tr_error err;
	int kerr;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EAGAIN;
	save_seed("eagain", nlh, nlh->nlmsg_len);
	assert_int_equal(hs_parse_accept(buf, nlh->nlmsg_len, FAMILY, &a, &kerr,
					 &err), HS_REPLY_EMPTY);
	e->error = -EPERM;
	assert_int_equal(hs_parse_accept(buf, nlh->nlmsg_len, FAMILY, &a, &kerr,
					 &err), HS_REPLY_ERROR);
	assert_int_equal(kerr, EPERM);
	/* A truncated error message is an error, not a crash. */
	nlh->nlmsg_len = sizeof(*nlh) + 4;
	assert_int_equal(hs_parse_accept(buf, nlh->nlmsg_len, FAMILY, &a, &kerr,
					 &err), HS_REPLY_ERROR);
	assert_int_equal(kerr, EBADMSG);
}

static void test_truncated_and_garbage(void **state)
{
	struct nlmsghdr *nlh = accept_reply(HS_AUTH_X509, "192.0.2.7");
	struct hs_accept a;
	size_t full, cut;
	uint8_t *exact;

	put_cert(nlh, 1, 2);
	full = nlh->nlmsg_len;
	for (cut = 0; cut < full; cut++)
		assert_true(parse(nlh, cut, &a) <= HS_REPLY_ERROR);
	/* Length field larger than the buffer: rejected, no overread. */
	nlh->nlmsg_len = (uint32_t)full + 64;
	assert_int_equal(parse(nlh, full, &a), -1);
	/* Above 2 GiB: libmnl alone would take this as valid (signed). */
	nlh->nlmsg_len = 0x80000010u;
	assert_int_equal(parse(nlh, full, &a), -1);
	/*
	 * A length that is not a multiple of 4, ending the buffer: libmnl's
	 * attribute walk would run to the aligned length, past the end
	 * (found by fuzz_accept; ASan checks the heap copy).
	 */
	nlh = accept_reply(HS_AUTH_X509, "192.0.2.7");
	nlh->nlmsg_len -= 3;
	exact = malloc(nlh->nlmsg_len);
	assert_non_null(exact);
	memcpy(exact, nlh, nlh->nlmsg_len);
	assert_int_equal(parse((struct nlmsghdr *)exact, nlh->nlmsg_len, &a), -1);
	assert_int_equal(hs_count_ready(exact, nlh->nlmsg_len, FAMILY), 0);
	free(exact);
	memset(buf, 0xa5, 256);
	assert_int_equal(parse((struct nlmsghdr *)buf, 256, &a), -1);
	assert_int_equal(hs_count_ready(buf, 256, FAMILY), 0);
}

static void test_wrong_family_or_command_ignored(void **state)
{
	struct nlmsghdr *nlh = accept_reply(HS_AUTH_X509, "x");
	struct hs_accept a;
	struct tr_error err;
	int kerr;

	assert_int_equal(hs_parse_accept(nlh, nlh->nlmsg_len, FAMILY + 1, &a,
					 &kerr, &err), -1);
	assert_non_null(strstr(err.msg, "no handshake request"));
	nlh = start_msg(FAMILY, HS_CMD_DONE);
	mnl_attr_put_u32(nlh, HS_A_ACCEPT_SOCKFD, 3);
	assert_int_equal(parse(nlh, nlh->nlmsg_len, &a), -1);
}

static void test_ready_count(void **state)
{
	struct nlmsghdr *nlh;
	size_t one, total;

	nlh = start_msg(FAMILY, HS_CMD_READY);
	mnl_attr_put_u32(nlh, HS_A_ACCEPT_HANDLER_CLASS, HS_CLASS_TLSHD);
	one = nlh->nlmsg_len;
	save_seed("ready", nlh, one);
	assert_int_equal(hs_count_ready(buf, one, FAMILY), 1);
	/* Two in one datagram, plus one for another handler class. */
	memcpy(buf + one, buf, one);
	nlh = (struct nlmsghdr *)(buf + 2 * one);
	memcpy(nlh, buf, one);
	*(uint32_t *)mnl_attr_get_payload(
		(struct nlattr *)((uint8_t *)nlh + MNL_NLMSG_HDRLEN +
				  MNL_ALIGN(sizeof(struct genlmsghdr)))) = 7;
	total = 3 * one;
	assert_int_equal(hs_count_ready(buf, total, FAMILY), 2);
	assert_int_equal(hs_count_ready(buf, total, FAMILY + 1), 0);
}

struct done_seen {
	int types[8];
	uint32_t values[8];
	int n;
};

static int done_attr_cb(const struct nlattr *attr, void *data)
{
	struct done_seen *d = data;

	if (d->n < 8) {
		d->types[d->n] = mnl_attr_get_type(attr);
		d->values[d->n] = mnl_attr_get_u32(attr);
	}
	d->n++;
	return MNL_CB_OK;
}

static void test_done_has_exactly_status_sockfd_remote(void **state)
{
	int32_t remote[2] = { 77, 78 };
	struct done_seen d = { .n = 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g;
	size_t len;

	len = hs_build_done(buf, sizeof(buf), FAMILY, 5, EACCES, 12, remote, 2);
	assert_true(len > 0);
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(nlh->nlmsg_type, FAMILY);
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	g = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(g->cmd, HS_CMD_DONE);
	mnl_attr_parse(nlh, sizeof(*g), done_attr_cb, &d);
	assert_int_equal(d.n, 4);
	assert_int_equal(d.types[0], HS_A_DONE_STATUS);
	assert_int_equal(d.values[0], EACCES);
	assert_int_equal(d.types[1], HS_A_DONE_SOCKFD);
	assert_int_equal(d.values[1], 12);
	assert_int_equal(d.types[2], HS_A_DONE_REMOTE_AUTH);
	assert_int_equal(d.values[3], 78);
	d.n = 0;
	len = hs_build_done(buf, sizeof(buf), FAMILY, 6, 0, 3, NULL, 0);
	mnl_attr_parse(nlh, sizeof(*g), done_attr_cb, &d);
	assert_int_equal(d.n, 2);
	assert_int_equal(hs_build_done(buf, 20, FAMILY, 6, 0, 3, NULL, 0), 0);
}

static void test_accept_and_getfamily_requests(void **state)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g;
	size_t len;

	len = hs_build_accept(buf, sizeof(buf), FAMILY, 9);
	assert_true(len > 0);
	g = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(g->cmd, HS_CMD_ACCEPT);
	assert_int_equal(nlh->nlmsg_type, FAMILY);
	len = hs_build_getfamily(buf, sizeof(buf), 1);
	assert_true(len > 0);
	assert_int_equal(nlh->nlmsg_type, GENL_ID_CTRL);
	assert_int_equal(hs_build_accept(buf, 8, FAMILY, 9), 0);
}

static void test_family_reply(void **state)
{
	struct nlmsghdr *nlh = start_msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	struct nlattr *groups, *grp;
	struct tr_error err;
	uint16_t family = 0;
	uint32_t group = 0;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "handshake");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x22);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "other");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 3);
	mnl_attr_nest_end(nlh, grp);
	grp = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "tlshd");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 11);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	save_seed("family", nlh, nlh->nlmsg_len);
	assert_int_equal(hs_parse_family(buf, nlh->nlmsg_len, &family, &group,
					 &err), 0);
	assert_int_equal(family, 0x22);
	assert_int_equal(group, 11);
	nlh = start_msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x22);
	assert_int_equal(hs_parse_family(buf, nlh->nlmsg_len, &family, &group,
					 &err), -1);
	assert_non_null(strstr(err.msg, "tlshd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x509_reply),
		cmocka_unit_test(test_x509_without_serials),
		cmocka_unit_test(test_repeated_peer_identities_all_kept),
		cmocka_unit_test(test_too_many_peer_identities_counted),
		cmocka_unit_test(test_unknown_and_odd_attrs_skipped),
		cmocka_unit_test(test_missing_sockfd),
		cmocka_unit_test(test_eagain_and_errors),
		cmocka_unit_test(test_truncated_and_garbage),
		cmocka_unit_test(test_wrong_family_or_command_ignored),
		cmocka_unit_test(test_ready_count),
		cmocka_unit_test(test_done_has_exactly_status_sockfd_remote),
		cmocka_unit_test(test_accept_and_getfamily_requests),
		cmocka_unit_test(test_family_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
