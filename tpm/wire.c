// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "tpm/wire.h"

int tr_wire_skip(struct tr_wire *r, const uint8_t **at, size_t n)
{
	if (r->off > r->len || n > r->len - r->off)
		return -1;
	if (at)
		*at = r->buf + r->off;
	r->off += n;
	return 0;
}

int tr_wire_bytes(struct tr_wire *r, void *dst, size_t n)
{
	const uint8_t *at;

	if (tr_wire_skip(r, &at, n) < 0)
		return -1;
	if (n)
		memcpy(dst, at, n);
	return 0;
}

int tr_wire_blob(struct tr_wire *r, uint8_t *dst, size_t cap, size_t *len)
{
	uint16_t n;

	if (tr_wire_u16(r, &n) < 0 || n == 0 || n > cap ||
	    tr_wire_bytes(r, dst, n) < 0)
		return -1;
	*len = n;
	return 0;
}

int tr_wire_u8(struct tr_wire *r, uint8_t *v)
{
	return tr_wire_bytes(r, v, 1);
}

int tr_wire_u16(struct tr_wire *r, uint16_t *v)
{
	uint8_t b[2];

	if (tr_wire_bytes(r, b, sizeof(b)) < 0)
		return -1;
	*v = (uint16_t)(b[0] | b[1] << 8);
	return 0;
}

int tr_wire_u32(struct tr_wire *r, uint32_t *v)
{
	uint8_t b[4];

	if (tr_wire_bytes(r, b, sizeof(b)) < 0)
		return -1;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	     (uint32_t)b[3] << 24;
	return 0;
}

int tr_wire_u64(struct tr_wire *r, uint64_t *v)
{
	uint32_t lo, hi;

	if (tr_wire_u32(r, &lo) < 0 || tr_wire_u32(r, &hi) < 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

void tr_wire_put(struct tr_wire *w, const void *src, size_t n)
{
	if (w->overflow || w->off > w->len || n > w->len - w->off) {
		w->overflow = 1;
		return;
	}
	if (n)
		memcpy(w->buf + w->off, src, n);
	w->off += n;
}

void tr_wire_put_u8(struct tr_wire *w, uint8_t v)
{
	tr_wire_put(w, &v, 1);
}

void tr_wire_put_u16(struct tr_wire *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	tr_wire_put(w, b, sizeof(b));
}

void tr_wire_put_u32(struct tr_wire *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	tr_wire_put(w, b, sizeof(b));
}

void tr_wire_put_u64(struct tr_wire *w, uint64_t v)
{
	tr_wire_put_u32(w, (uint32_t)v);
	tr_wire_put_u32(w, (uint32_t)(v >> 32));
}
