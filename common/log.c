// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"

void tr_log_init(struct tr_log *log, const char *ident, int use_kmsg,
		 int max_level)
{
	memset(log, 0, sizeof(*log));
	log->fd = STDERR_FILENO;
	log->max_level = max_level;
	snprintf(log->ident, sizeof(log->ident), "%s", ident);
	if (!use_kmsg)
		return;
	/* Opened once: later path walks may block on a network root. */
	log->fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NONBLOCK);
	if (log->fd >= 0) {
		log->kmsg = 1;
		return;
	}
	log->fd = STDERR_FILENO;
}

void tr_vlog(struct tr_log *log, int level, const char *fmt, va_list ap)
{
	char line[1024];
	int n = 0;

	if (level > log->max_level)
		return;
	if (log->kmsg)
		n = snprintf(line, sizeof(line), "<%d>", level);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "%s: ", log->ident);
	if (n < (int)sizeof(line))
		n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (n >= (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line keeps kmsg records whole; a lost line is acceptable. */
	if (write(log->fd, line, (size_t)n) < 0)
		return;
}

void tr_log(struct tr_log *log, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tr_vlog(log, level, fmt, ap);
	va_end(ap);
}
