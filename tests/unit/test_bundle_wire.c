// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "tpm/wire.h"

static void test_little_endian_round_trip(void **state)
{
	uint8_t buf[7];
	struct tr_wire w = { .buf = buf, .len = sizeof(buf) };
	struct tr_wire r = { .buf = buf, .len = sizeof(buf) };
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;

	tr_wire_put_u8(&w, 0xfe);
	tr_wire_put_u16(&w, 0x1234);
	tr_wire_put_u32(&w, 0xa1b2c3d4);
	assert_false(w.overflow);
	assert_int_equal(w.off, 7);
	assert_int_equal(buf[1], 0x34);
	assert_int_equal(buf[3], 0xd4);
	assert_int_equal(tr_wire_u8(&r, &v8), 0);
	assert_int_equal(tr_wire_u16(&r, &v16), 0);
	assert_int_equal(tr_wire_u32(&r, &v32), 0);
	assert_int_equal(v8, 0xfe);
	assert_int_equal(v16, 0x1234);
	assert_int_equal(v32, 0xa1b2c3d4);
	assert_int_equal(tr_wire_u8(&r, &v8), -1);
}

static void test_reader_bounds(void **state)
{
	uint8_t buf[3] = { 1, 2, 3 }, out[4];
	struct tr_wire r = { .buf = buf, .len = sizeof(buf) };
	const uint8_t *at;
	uint32_t v32;

	assert_int_equal(tr_wire_u32(&r, &v32), -1);
	assert_int_equal(r.off, 0);
	assert_int_equal(tr_wire_bytes(&r, out, 4), -1);
	assert_int_equal(tr_wire_skip(&r, &at, SIZE_MAX), -1);
	assert_int_equal(tr_wire_skip(&r, &at, 2), 0);
	assert_int_equal(*at, 1);
	assert_int_equal(tr_wire_skip(&r, &at, 2), -1);
	assert_int_equal(tr_wire_skip(&r, &at, 1), 0);
	assert_int_equal(tr_wire_skip(&r, &at, 0), 0);
}

static void test_writer_overflow_sticks(void **state)
{
	uint8_t buf[3];
	struct tr_wire w = { .buf = buf, .len = sizeof(buf) };

	tr_wire_put_u16(&w, 1);
	tr_wire_put_u16(&w, 2);
	assert_true(w.overflow);
	tr_wire_put_u8(&w, 3);
	assert_true(w.overflow);
	assert_int_equal(w.off, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_little_endian_round_trip),
		cmocka_unit_test(test_reader_bounds),
		cmocka_unit_test(test_writer_overflow_sticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
