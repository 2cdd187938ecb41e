// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "tpm/tpm.h"

static int code_of(uint32_t rc)
{
	struct tr_error err;

	return tr_tpm_rc_error(rc, "unsealing bundle web", &err);
}

static void test_rc_table(void **state)
{
	assert_int_equal(code_of(0x99d), TR_EXIT_PCR);    /* session 1 */
	assert_int_equal(code_of(0x09d), TR_EXIT_PCR);
	assert_int_equal(code_of(0x98e), TR_EXIT_PIN);    /* AUTH_FAIL */
	assert_int_equal(code_of(0x9a2), TR_EXIT_PIN);    /* BAD_AUTH */
	assert_int_equal(code_of(0xa8e), TR_EXIT_PIN);    /* session 2 */
	assert_int_equal(code_of(0x921), TR_EXIT_LOCKOUT);
	assert_int_equal(code_of(0x1df), TR_EXIT_CORRUPT); /* INTEGRITY, param 1 */
	assert_int_equal(code_of(0x101), TR_EXIT_TPM);    /* FAILURE */
	/* a TSS layer's code is not the TPM's, even with equal low bits */
	assert_int_equal(code_of(0x7099d), TR_EXIT_TPM);
}

static void test_message_names_operation(void **state)
{
	struct tr_error err;

	tr_tpm_rc_error(0x99d, "unsealing bundle web", &err);
	assert_non_null(strstr(err.msg, "unsealing bundle web"));
	assert_non_null(strstr(err.msg, "PCR policy"));
	tr_tpm_rc_error(0x921, "x", &err);
	assert_non_null(strstr(err.msg, "lockout"));
	tr_tpm_rc_error(0x101, "x", &err);
	assert_non_null(strstr(err.msg, "0x101"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rc_table),
		cmocka_unit_test(test_message_names_operation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
