/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Values of the kernel's "handshake" generic-netlink family
 * (include/uapi/linux/handshake.h, Linux 6.5+). The build host's
 * linux-libc-dev predates that header, so the numbers live here under our
 * own names; they are kernel ABI and never change.
 */
#ifndef TLSROOT_HS_UAPI_H
#define TLSROOT_HS_UAPI_H

#define HS_GENL_NAME		"handshake"
#define HS_GENL_VERSION		1
#define HS_MCGRP_TLSHD		"tlshd"

enum {
	HS_CLASS_NONE = 0,
	HS_CLASS_TLSHD = 1,
};

enum {
	HS_CMD_READY = 1,
	HS_CMD_ACCEPT = 2,
	HS_CMD_DONE = 3,
};

/* Attributes of READY, the ACCEPT request and the ACCEPT reply. */
enum {
	HS_A_ACCEPT_SOCKFD = 1,
	HS_A_ACCEPT_HANDLER_CLASS = 2,
	HS_A_ACCEPT_MESSAGE_TYPE = 3,
	HS_A_ACCEPT_TIMEOUT = 4,
	HS_A_ACCEPT_AUTH_MODE = 5,
	HS_A_ACCEPT_PEER_IDENTITY = 6,
	HS_A_ACCEPT_CERTIFICATE = 7,
	HS_A_ACCEPT_PEERNAME = 8,
	HS_A_ACCEPT_KEYRING = 9,
};

/* Nested in HS_A_ACCEPT_CERTIFICATE. */
enum {
	HS_A_X509_CERT = 1,
	HS_A_X509_PRIVKEY = 2,
};

/* DONE is validated strictly: any other attribute makes the kernel reject it. */
enum {
	HS_A_DONE_STATUS = 1,
	HS_A_DONE_SOCKFD = 2,
	HS_A_DONE_REMOTE_AUTH = 3,
};

#endif
