// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"
#include "kernel-cmdline/values.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/*
 * Like the kernel and systemd: words are split at whitespace outside
 * double quotes, and the quotes themselves are dropped, so key="a b" and
 * "key=a b" both give the value "a b". The word is rewritten in place:
 * dropping quotes only ever moves bytes to the left.
 */
int tr_cmdline_next_param(char **cursor, struct tr_cmdline_param *param,
			  struct tr_error *err)
{
	char *src = *cursor, *dst, *start, *eq;
	int in_quote = 0;

	while (is_space(*src))
		src++;
	if (!*src) {
		*cursor = src;
		return 0;
	}
	start = dst = src;
	for (; *src && (in_quote || !is_space(*src)); src++) {
		if (*src == '"')
			in_quote = !in_quote;
		else
			*dst++ = *src;
	}
	if (in_quote) {
		char shown[TR_CL_SHOW_MAX];

		*dst = '\0';
		tr_cl_show(start, shown, sizeof(shown));
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "kernel command line: unterminated double quote in %s; close every \" so later parameters are not swallowed",
			     shown);
		return -1;
	}
	*cursor = *src ? src + 1 : src;
	*dst = '\0';
	param->key = start;
	eq = strchr(start, '=');
	param->value = NULL;
	if (eq) {
		*eq = '\0';
		param->value = eq + 1;
	}
	return 1;
}
