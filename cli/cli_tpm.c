// SPDX-License-Identifier: GPL-2.0-or-later
/* The TPM options, PIN files and bundle loading of seal, inspect, unseal. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_tpm.h"
#include "cli/pin_prompt.h"

/* tpm2-tss logs to stderr by default; our one-line errors say it better. */
static void quiet_tss(void)
{
	setenv("TSS2_LOG", "all+none", 0);
}

static int parse_timeout(const char *s, unsigned *ms)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > 3600)
		return cli_usage_error("bad --tpm-timeout '%s': seconds, 0..3600",
				       s);
	*ms = (unsigned)v * 1000u;
	return 0;
}

int tpm_option(int opt, struct tpm_opts *o)
{
	switch (opt) {
	case OPT_TCTI:
		o->tcti = optarg;
		return 1;
	case OPT_TIMEOUT:
		return parse_timeout(optarg, &o->timeout_ms) ? TR_EXIT_USAGE
							     : 1;
	case OPT_PIN_FILE:
		o->pin_file = optarg;
		return 1;
	}
	return 0;
}

int open_tpm(const struct tpm_opts *o, struct tr_tpm **t)
{
	struct tr_error err;

	quiet_tss();
	if (tr_tpm_open(t, o->tcti, o->timeout_ms, &err) < 0)
		return cli_fail(&err);
	return 0;
}

int read_pin(const struct tpm_opts *o, struct tr_secret *pin,
	     const struct tr_secret **out, int new_pin)
{
	struct tr_error err;
	int ret;

	*out = NULL;
	if (!o->pin_file)
		return 0;
	/* '-' at a terminal: a person types it, without echo. */
	if (!strcmp(o->pin_file, "-") && isatty(STDIN_FILENO))
		ret = new_pin ? pin_prompt_new("New PIN:", pin, &err)
			      : pin_prompt("PIN:", pin, &err);
	else
		ret = tr_read_secret(o->pin_file, CLI_PIN_FILE_MAX, pin, &err);
	if (ret < 0)
		return cli_fail(&err);
	*out = pin;
	return 0;
}

int read_bundle(const char *path, uint8_t **buf, size_t *len,
		       struct tr_bundle_header *h, struct tr_error *err)
{
	char prefix[TR_ERROR_MAX];

	if (tr_read_file(path, TR_BUNDLE_MAX, buf, len, err) < 0)
		return -1;
	if (tr_bundle_parse(*buf, *len, h, err) == 0)
		return 0;
	snprintf(prefix, sizeof(prefix), "%s", err->msg);
	tr_error_set(err, err->code, "%s: %s", path, prefix);
	free(*buf);
	*buf = NULL;
	return -1;
}

int pcr_value_option(int opt, const char *arg, uint32_t *pcrs,
		     uint32_t *given, uint8_t values[][TR_DIGEST_LEN])
{
	uint8_t value[TR_DIGEST_LEN];
	struct tr_error err;
	unsigned pcr;
	uint32_t mask;

	if (opt == OPT_PCRS) {
		if (tr_pcr_list_parse(arg, &mask, &err) < 0)
			return cli_fail(&err);
		*pcrs |= mask;
		return 0;
	}
	if (tr_pcr_value_parse(arg, &pcr, value, &err) < 0)
		return cli_fail(&err);
	memcpy(values[pcr], value, TR_DIGEST_LEN);
	*given |= 1u << pcr;
	return 0;
}

static int parse_policies(const uint8_t *buf, size_t len,
			  struct tr_signed_policy **p, size_t *n,
			  struct tr_error *err)
{
	size_t max = tr_pcrsig_detect(buf, len) ? TR_PCRSIG_ENTRIES_MAX : 1;

	*p = calloc(max, sizeof(**p));
	if (!*p) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	if (max > 1)
		return tr_pcrsig_parse(buf, len, *p, max, n, err);
	if (len > TR_POLICY_FILE_MAX) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "not a signed policy: larger than a .tpol (%d bytes) and not JSON",
			     TR_POLICY_FILE_MAX);
		return -1;
	}
	*n = 1;
	return tr_signed_policy_parse(buf, len, *p, err);
}

int read_policies(const char *path, struct tr_signed_policy **p, size_t *n,
		  struct tr_error *err)
{
	char prefix[TR_ERROR_MAX];
	uint8_t *buf = NULL;
	size_t len, i;
	int ret;

	*p = NULL;
	*n = 0;
	if (tr_read_file(path, TR_PCRSIG_FILE_MAX, &buf, &len, err) < 0)
		return -1;
	ret = parse_policies(buf, len, p, n, err);
	free(buf);
	if (ret == 0) {
		for (i = 0; i < *n; i++)
			(*p)[i].origin = path;
		return 0;
	}
	free(*p);
	*p = NULL;
	*n = 0;
	snprintf(prefix, sizeof(prefix), "%s", err->msg);
	tr_error_set(err, err->code, "%s: %s", path, prefix);
	return -1;
}

int parse_lock_pcr(const char *s, uint8_t *pcr)
{
	uint32_t mask;
	struct tr_error err;
	unsigned i;

	if (!strcmp(s, "none")) {
		*pcr = TR_LOCK_PCR_NONE;
		return 0;
	}
	if (tr_pcr_list_parse(s, &mask, &err) < 0 || (mask & (mask - 1)))
		return cli_usage_error("bad --lock-pcr '%s': one PCR %d..%d or 'none'",
				       s, TR_LOCK_PCR_MIN, TR_LOCK_PCR_MAX);
	i = (unsigned)__builtin_ctz(mask);
	if (i < TR_LOCK_PCR_MIN || i > TR_LOCK_PCR_MAX)
		return cli_usage_error("bad --lock-pcr %u: PCRs 0-7 hold the firmware's measurements, 16 and 23 can be reset without a reboot and 17-22 cannot be extended by software; use one of %d..%d (default 15) or 'none'",
				       i, TR_LOCK_PCR_MIN, TR_LOCK_PCR_MAX);
	*pcr = (uint8_t)i;
	return 0;
}

/* Extend each lock PCR once so that nothing can unseal until reboot. */
int lock_pcrs(struct tr_tpm *t, uint32_t lock)
{
	struct tr_error err;
	unsigned i;
	int ret = 0;

	for (i = 0; i < TR_PCR_COUNT; i++) {
		if (!(lock >> i & 1))
			continue;
		if (tr_tpm_pcr_lock(t, i, &err) < 0)
			ret = cli_fail(&err);
		else
			printf("locked pcr=%u\n", i);
	}
	return ret;
}

int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

static int has_any_suffix(const char *s, const char *const *suffixes)
{
	for (; *suffixes; suffixes++)
		if (has_suffix(s, *suffixes))
			return 1;
	return 0;
}

int scan_dir(const char *dir, const char *const *suffixes, const char *what,
	     char **out, int max, int *n, int *found)
{
	struct dirent **list;
	int i, all;

	all = scandir(dir, &list, NULL, alphasort);
	if (all < 0) {
		fprintf(stderr, "tlsroot: cannot read %s directory %s: %s\n",
			what, dir, strerror(errno));
		return errno == ENOENT ? TR_EXIT_NOTFOUND : TR_EXIT_FAILURE;
	}
	*found = 0;
	for (i = 0; i < all; i++) {
		const char *name = list[i]->d_name;

		if (name[0] != '.' && has_any_suffix(name, suffixes)) {
			(*found)++;
			if (*n < max && asprintf(&out[*n], "%s/%s", dir, name) > 0)
				(*n)++;
		}
		free(list[i]);
	}
	free(list);
	return 0;
}

int output_open(struct output *o, const char *path)
{
	o->path = path;
	o->fd = -1;
	if (snprintf(o->tmp, sizeof(o->tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(o->tmp))
		return cli_usage_error("output path too long");
	o->fd = mkstemp(o->tmp);
	if (o->fd >= 0)
		return 0;
	fprintf(stderr, "tlsroot: cannot write %s: %s\n", path, strerror(errno));
	return TR_EXIT_FAILURE;
}

void output_discard(struct output *o)
{
	if (o->fd < 0)
		return;
	close(o->fd);
	unlink(o->tmp);
	o->fd = -1;
}

int output_commit(struct output *o, const uint8_t *buf, size_t len)
{
	const char *path = o->path;
	char *tmp = o->tmp;
	size_t off = 0;
	ssize_t n;
	int fd = o->fd;

	o->fd = -1;
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail_fd;
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail_unlink;
	}
	if (rename(tmp, path) < 0)
		goto fail_unlink;
	return 0;
fail_fd:
	close(fd);
fail_unlink:
	unlink(tmp);
	fprintf(stderr, "tlsroot: cannot write %s: %s\n", path, strerror(errno));
	return TR_EXIT_FAILURE;
}
