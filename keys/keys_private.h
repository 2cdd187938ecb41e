/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the files of keys/; not part of its API. */
#ifndef TLSROOT_KEYS_PRIVATE_H
#define TLSROOT_KEYS_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

/* 32, 48, or 0 for an unknown id / "none". */
int tr_psk_hash_len(int hash);
/* The hash a PSK is used with: its id, or by length when the id is none. */
int tr_psk_effective_hash(int hash, size_t len);
/* 0 for canonical padded base64 (nothing else), -1 otherwise. */
int tr_b64_check(const char *s, size_t len);
/* NUL-terminated base64 of data into out; -1 if cap is too small. */
int tr_b64_encode(const uint8_t *data, size_t len, char *out, size_t cap);

struct tr_keyring_target;
struct tr_error;
/* The .nfs stand-in under parent (KEY_SPEC_USER_KEYRING; tests: their own). */
int tr_keyring_open_fallback(int32_t parent, int create,
			     struct tr_keyring_target *t, struct tr_error *err);

#endif
