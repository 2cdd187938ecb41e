/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to tpm/: a bounds-checked little-endian reader and writer for
 * the bundle header and payload. Readers return -1 past the end; writers
 * set overflow and stop writing.
 */
#ifndef TLSROOT_TPM_WIRE_H
#define TLSROOT_TPM_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define TR_BUNDLE_MAGIC_LEN 8

struct tr_wire {
	uint8_t *buf;
	size_t len;
	size_t off;
	int overflow;
};

int tr_wire_bytes(struct tr_wire *r, void *dst, size_t n);
int tr_wire_skip(struct tr_wire *r, const uint8_t **at, size_t n);
/* A u16 length 1..cap, then that many bytes into dst. */
int tr_wire_blob(struct tr_wire *r, uint8_t *dst, size_t cap, size_t *len);
int tr_wire_u8(struct tr_wire *r, uint8_t *v);
int tr_wire_u16(struct tr_wire *r, uint16_t *v);
int tr_wire_u32(struct tr_wire *r, uint32_t *v);
int tr_wire_u64(struct tr_wire *r, uint64_t *v);

void tr_wire_put(struct tr_wire *w, const void *src, size_t n);
void tr_wire_put_u8(struct tr_wire *w, uint8_t v);
void tr_wire_put_u16(struct tr_wire *w, uint16_t v);
void tr_wire_put_u32(struct tr_wire *w, uint32_t v);
void tr_wire_put_u64(struct tr_wire *w, uint64_t v);

#endif
