// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"

void tr_wipe(void *p, size_t len)
{
	if (p && len)
		explicit_bzero(p, len);
}

int tr_no_core_dumps(void)
{
	const struct rlimit none = { 0, 0 };
	int ret = 0;

	if (setrlimit(RLIMIT_CORE, &none) < 0)
		ret = -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		ret = -1;
	return ret;
}

static size_t page_round(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) / page * page;
}

int tr_secret_alloc(struct tr_secret *s, size_t cap, struct tr_error *err)
{
	size_t map_len = page_round(cap ? cap : 1);
	void *p;

	memset(s, 0, sizeof(*s));
	p = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot allocate %zu bytes for a secret: %s",
			     cap, strerror(errno));
		return -1;
	}
	/* Keep secrets out of swap and core dumps. */
	if (mlock(p, map_len) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot lock secret memory: %s; raise RLIMIT_MEMLOCK or run as root",
			     strerror(errno));
		munmap(p, map_len);
		return -1;
	}
	madvise(p, map_len, MADV_DONTDUMP);
	s->data = p;
	s->cap = cap;
	return 0;
}

void tr_secret_free(struct tr_secret *s)
{
	size_t map_len;

	if (!s || !s->data)
		return;
	map_len = page_round(s->cap ? s->cap : 1);
	tr_wipe(s->data, map_len);
	munlock(s->data, map_len);
	munmap(s->data, map_len);
	memset(s, 0, sizeof(*s));
}

static int open_input(const char *path, struct tr_error *err)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return STDIN_FILENO;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		tr_error_set(err, errno == ENOENT ? TR_EXIT_NOTFOUND
						  : TR_EXIT_FAILURE,
			     "cannot open %s: %s", path, strerror(errno));
	return fd;
}

/* Read all of fd into buf (cap bytes); a longer input is an error. */
static int read_all(int fd, const char *path, uint8_t *buf, size_t cap,
		    size_t *len, struct tr_error *err)
{
	size_t used = 0;
	ssize_t n;
	uint8_t probe;

	for (;;) {
		n = used < cap ? read(fd, buf + used, cap - used)
			       : read(fd, &probe, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			tr_error_set(err, TR_EXIT_FAILURE, "cannot read %s: %s",
				     path, strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		if (used >= cap) {
			tr_error_set(err, TR_EXIT_BADINPUT,
				     "%s is larger than %zu bytes; is it the right file?",
				     path, cap);
			return -1;
		}
		used += (size_t)n;
	}
	*len = used;
	return 0;
}

int tr_read_file(const char *path, size_t max, uint8_t **out, size_t *len,
		 struct tr_error *err)
{
	uint8_t *buf;
	int fd, ret = -1;

	*out = NULL;
	*len = 0;
	fd = open_input(path, err);
	if (fd < 0)
		return -1;
	buf = malloc(max + 1);
	if (!buf) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory reading %s",
			     path);
		goto out;
	}
	if (read_all(fd, path, buf, max, len, err) < 0)
		goto out;
	buf[*len] = '\0';
	*out = buf;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	if (fd != STDIN_FILENO)
		close(fd);
	return ret;
}

int tr_read_secret(const char *path, size_t max, struct tr_secret *out,
		   struct tr_error *err)
{
	int fd, ret = -1;

	fd = open_input(path, err);
	if (fd < 0)
		return -1;
	if (tr_secret_alloc(out, max + 1, err) < 0)
		goto out;
	if (read_all(fd, path, out->data, max, &out->len, err) < 0) {
		tr_secret_free(out);
		goto out;
	}
	out->data[out->len] = '\0';
	ret = 0;
out:
	if (fd != STDIN_FILENO)
		close(fd);
	return ret;
}
