/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to kernel-cmdline/: value checks shared by its parsers. */
#ifndef TLSROOT_KERNEL_CMDLINE_VALUES_H
#define TLSROOT_KERNEL_CMDLINE_VALUES_H

#include <stddef.h>

#include "common/common.h"

/*
 * Copy value to buf for a message: bytes outside printable ASCII become
 * '?' and a value too long for buf is cut and ends in "...".
 */
#define TR_CL_SHOW_MAX 80
void tr_cl_show(const char *value, char *buf, size_t cap);

/*
 * Set err to "KEY=VALUE: REASON" with code TR_EXIT_BADINPUT. The value is
 * shown with control and non-ASCII bytes as '?' and cut if long, so a
 * hostile value cannot forge console output. Returns -1.
 */
int tr_cl_bad_value(struct tr_error *err, const char *key, const char *value,
		    const char *reason_fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Strict decimal (optional leading '-'), no spaces, within [min, max]. */
int tr_cl_parse_int(const char *s, long min, long max, long *out);

/* Printable ASCII, no space and no double quote; empty is not text. */
int tr_cl_is_word(const char *s, size_t max_len);
int tr_cl_is_abs_path(const char *s, size_t max_len);
/* Letters, digits and . _ - @ +, 1..TR_IDENTITY_NAME_MAX bytes. */
int tr_cl_is_identity_name(const char *s);
int tr_cl_is_nqn(const char *s);
int tr_cl_is_uuid(const char *s);
int tr_cl_is_hostname(const char *s);
/*
 * A numeric IPv4 or IPv6 address, IPv6 optionally in brackets. Writes
 * the address without brackets to out. Returns 0 or -1.
 */
int tr_cl_parse_ip(const char *s, char *out, size_t cap, int *is_ipv6);

/* strlen(src) < cap: copy and return 0; else return -1. */
int tr_cl_copy(char *dst, size_t cap, const char *src);

#endif
