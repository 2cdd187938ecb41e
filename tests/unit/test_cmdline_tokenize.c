// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"

#define MAX_PARAMS 8

struct split {
	char buf[256];
	struct tr_cmdline_param p[MAX_PARAMS];
	int n;
	int rc;
	struct tr_error err;
};

static void split(struct split *s, const char *text)
{
	char *cursor = s->buf;

	strcpy(s->buf, text);
	s->n = 0;
	while ((s->rc = tr_cmdline_next_param(&cursor, &s->p[s->n], &s->err)) > 0)
		s->n++;
}

static void test_whitespace_separates(void **state)
{
	struct split s;

	split(&s, "  ro\tquiet\nroot=/dev/sda1  ");
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.p[0].key, "ro");
	assert_null(s.p[0].value);
	assert_string_equal(s.p[2].key, "root");
	assert_string_equal(s.p[2].value, "/dev/sda1");
}

static void test_quoted_value_keeps_spaces(void **state)
{
	struct split s;

	split(&s, "a=\"x y\" b");
	assert_int_equal(s.n, 2);
	assert_string_equal(s.p[0].key, "a");
	assert_string_equal(s.p[0].value, "x y");
	assert_string_equal(s.p[1].key, "b");
}

static void test_whole_param_quoted(void **state)
{
	struct split s;

	split(&s, "\"rd.tlsroot.identity=a b\" z=1");
	assert_int_equal(s.n, 2);
	assert_string_equal(s.p[0].key, "rd.tlsroot.identity");
	assert_string_equal(s.p[0].value, "a b");
	assert_string_equal(s.p[1].value, "1");
}

static void test_empty_value_and_equals_in_value(void **state)
{
	struct split s;

	split(&s, "k= root=nfs:s:/p:a=b,c=d");
	assert_int_equal(s.n, 2);
	assert_string_equal(s.p[0].value, "");
	assert_string_equal(s.p[1].value, "nfs:s:/p:a=b,c=d");
}

static void test_unterminated_quote_is_error(void **state)
{
	struct split s;

	split(&s, "a=1 b=\"oops c=2");
	assert_int_equal(s.rc, -1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.err.code, TR_EXIT_BADINPUT);
	assert_non_null(strstr(s.err.msg, "unterminated double quote"));
}

static void test_empty_input(void **state)
{
	struct split s;

	split(&s, " \n\t ");
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.n, 0);
}

static void test_empty_quotes_give_empty_word(void **state)
{
	struct split s;

	split(&s, "k=\"\" \"\"");
	assert_int_equal(s.n, 2);
	assert_string_equal(s.p[0].value, "");
	assert_string_equal(s.p[1].key, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whitespace_separates),
		cmocka_unit_test(test_quoted_value_keeps_spaces),
		cmocka_unit_test(test_whole_param_quoted),
		cmocka_unit_test(test_empty_value_and_equals_in_value),
		cmocka_unit_test(test_unterminated_quote_is_error),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_empty_quotes_give_empty_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
