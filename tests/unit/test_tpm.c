// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Connection behaviour without a TPM; the TPM paths themselves run
 * against swtpm in tests/tpm/run-tpm-tests.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tpm/tpm.h"

/* A TCP port on 127.0.0.1 that nothing listens on. */
static int closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static void test_no_tpm_waits_then_fails(void **state)
{
	struct tr_tpm *t = (void *)1;
	struct tr_error err;
	char tcti[64];
	uint64_t start;

	snprintf(tcti, sizeof(tcti), "swtpm:host=127.0.0.1,port=%d",
		 closed_port());
	start = tr_now_ms();
	assert_int_equal(tr_tpm_open(&t, tcti, 400, &err), -1);
	assert_true(tr_now_ms() - start >= 400);
	assert_true(tr_now_ms() - start < 3000);
	assert_null(t);
	assert_int_equal(err.code, TR_EXIT_NOTPM);
	assert_non_null(strstr(err.msg, tcti));
}

static void test_missing_device_zero_timeout(void **state)
{
	struct tr_tpm *t;
	struct tr_error err;

	assert_int_equal(tr_tpm_open(&t, "device:/nonexistent/tpmrm9", 0, &err),
			 -1);
	assert_int_equal(err.code, TR_EXIT_NOTPM);
	tr_tpm_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_tpm_waits_then_fails),
		cmocka_unit_test(test_missing_device_zero_timeout),
	};

	setenv("TSS2_LOG", "all+none", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
