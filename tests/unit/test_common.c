// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/common.h"

static char *write_temp(const void *data, size_t len)
{
	char *path = strdup("/tmp/tlsroot-test-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_read_file_exact_limit(void **state)
{
	struct tr_error err;
	char *path = write_temp("abcd", 4);
	uint8_t *buf;
	size_t len;

	assert_int_equal(tr_read_file(path, 4, &buf, &len, &err), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(buf[4], 0);
	free(buf);
	unlink(path);
	free(path);
}

static void test_read_file_too_large_is_error(void **state)
{
	struct tr_error err;
	char *path = write_temp("abcde", 5);
	uint8_t *buf;
	size_t len;

	assert_int_equal(tr_read_file(path, 4, &buf, &len, &err), -1);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "larger than 4 bytes"));
	assert_null(buf);
	unlink(path);
	free(path);
}

static void test_read_missing_file(void **state)
{
	struct tr_error err;
	uint8_t *buf;
	size_t len;

	assert_int_equal(tr_read_file("/nonexistent/x", 4, &buf, &len, &err), -1);
	assert_int_equal(err.code, TR_EXIT_NOTFOUND);
	assert_non_null(strstr(err.msg, "/nonexistent/x"));
}

static void test_secret_read_and_free_wipes(void **state)
{
	struct tr_error err;
	struct tr_secret s;
	char *path = write_temp("topsecret", 9);

	assert_int_equal(tr_read_secret(path, 64, &s, &err), 0);
	assert_int_equal(s.len, 9);
	assert_memory_equal(s.data, "topsecret", 9);
	tr_secret_free(&s);
	assert_null(s.data);
	assert_int_equal(s.len, 0);
	unlink(path);
	free(path);
}

static void test_no_core_dumps(void **state)
{
	struct rlimit rl;

	(void)state;
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
	assert_int_equal(tr_no_core_dumps(), 0);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
	assert_int_equal(rl.rlim_cur, 0);
	assert_int_equal(rl.rlim_max, 0);
}

static void test_error_set_formats(void **state)
{
	struct tr_error err;

	tr_error_set(&err, TR_EXIT_PCR, "pcr %d moved", 7);
	assert_int_equal(err.code, TR_EXIT_PCR);
	assert_string_equal(err.msg, "pcr 7 moved");
	tr_error_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file_exact_limit),
		cmocka_unit_test(test_read_file_too_large_is_error),
		cmocka_unit_test(test_read_missing_file),
		cmocka_unit_test(test_secret_read_and_free_wipes),
		cmocka_unit_test(test_error_set_formats),
		cmocka_unit_test(test_no_core_dumps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
