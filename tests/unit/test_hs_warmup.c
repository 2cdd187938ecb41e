// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The start-up warm-up (handshake/warmup.c): every in-process handshake
 * ends as planned, also with no trust anchors of the agent's own, and
 * leaves the agent's shared TLS state untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "handshake/handshake.h"

static void test_warmup_completes(void **state)
{
	struct hs_tls tls, before;
	struct tr_error err;
	int n;

	(void)state;
	assert_int_equal(hs_tls_init(&tls, NULL, 0, &err), 0);
	before = tls;
	n = hs_tls_warmup(&tls, &err);
	/* At least one cipher, no-certificate, refusal and three PSKs. */
	assert_true(n >= 6);
	assert_memory_equal(&tls, &before, sizeof(tls));
	/* Twice is fine: nothing is left behind that the second trips on. */
	assert_int_equal(hs_tls_warmup(&tls, &err), n);
	hs_tls_free(&tls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warmup_completes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
