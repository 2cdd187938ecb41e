// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The start-up warm-up (handshake/warmup.c): every in-process handshake
 * ends as planned and leaves the agent's shared TLS state untouched.
 * Without trust anchors only the PSK path is warmed (the agent refuses
 * x509 requests then); with them x509 with and without a client
 * certificate and a refusal are warmed too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "handshake/handshake.h"
#include "test_hs_pki.h"

/* PSK: one per SHA-256 cipher, one SHA-384, one identity of no NVMe form. */
static int psk_handshakes(const struct hs_tls *tls)
{
	const unsigned int *list;

	return gnutls_priority_cipher_list(tls->prio_psk_sha256, &list) + 2;
}

static void test_warmup_psk_only_without_anchors(void **state)
{
	struct hs_tls tls, before;
	struct tr_error err;
	int n;

	(void)state;
	assert_int_equal(hs_tls_init(&tls, NULL, 0, &err), 0);
	assert_int_equal(tls.n_anchors, 0);
	before = tls;
	n = hs_tls_warmup(&tls, &err);
	assert_int_equal(n, psk_handshakes(&tls));
	assert_true(n >= 3);
	assert_memory_equal(&tls, &before, sizeof(tls));
	/* Twice is fine: nothing is left behind that the second trips on. */
	assert_int_equal(hs_tls_warmup(&tls, &err), n);
	hs_tls_free(&tls);
}

static void test_warmup_x509_with_anchors(void **state)
{
	struct hs_tls tls, before;
	struct pki_cert ca;
	struct tr_error err;
	const unsigned int *list;
	int n, n_x509;

	(void)state;
	pki_make(&ca, &(struct pki_spec){ .cn = "warm-up test CA", .ca = 1 },
		 NULL);
	assert_int_equal(hs_tls_init(&tls, ca.pem.data, ca.pem.size, &err), 0);
	assert_int_equal(tls.n_anchors, 1);
	n_x509 = gnutls_priority_cipher_list(tls.prio_x509, &list);
	assert_true(n_x509 >= 1);
	before = tls;
	n = hs_tls_warmup(&tls, &err);
	/*
	 * PSK as without anchors, then x509: a client certificate for each
	 * cipher PSK could not warm (at least one), none, and a refusal.
	 */
	assert_true(n >= psk_handshakes(&tls) + 3);
	assert_true(n <= psk_handshakes(&tls) + n_x509 + 2);
	assert_memory_equal(&tls, &before, sizeof(tls));
	assert_int_equal(hs_tls_warmup(&tls, &err), n);
	hs_tls_free(&tls);
	pki_free(&ca);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warmup_psk_only_without_anchors),
		cmocka_unit_test(test_warmup_x509_with_anchors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
