/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fixture for keys/ tests that place keys: a private keyring in a fresh
 * anonymous session keyring, with `user` keys standing in for `psk` keys
 * (the host kernel has no psk type), and add_key() wrapped (the test's
 * .ldflags says -Wl,--wrap=add_key) so that one chosen call fails.
 * Include it once, from the test's only source file.
 */
#ifndef TLSROOT_TEST_KEYRING_FIXTURE_H
#define TLSROOT_TEST_KEYRING_FIXTURE_H

#include <errno.h>

#include <keyutils.h>

#include "keys/keys.h"

/* Fail the add_key() call with this 1-based index; 0: never. */
static int add_key_fail_at;
static int add_key_calls;

key_serial_t __real_add_key(const char *type, const char *desc,
			    const void *payload, size_t plen,
			    key_serial_t ringid);

key_serial_t __wrap_add_key(const char *type, const char *desc,
			    const void *payload, size_t plen,
			    key_serial_t ringid)
{
	if (++add_key_calls == add_key_fail_at) {
		errno = EDQUOT;
		return -1;
	}
	return __real_add_key(type, desc, payload, plen, ringid);
}

static struct tr_keyring_target target;

static int setup(void **state)
{
	key_serial_t ring;

	if (keyctl_join_session_keyring(NULL) < 0)
		return -1;
	ring = add_key("keyring", "tlsroot-test", NULL, 0,
		       KEY_SPEC_SESSION_KEYRING);
	if (ring < 0)
		return -1;
	tr_keyring_target_init(&target, ring, "tlsroot-test", "user");
	add_key_calls = 0;
	add_key_fail_at = 0;
	return 0;
}

static int teardown(void **state)
{
	keyctl_invalidate(target.serial);
	return 0;
}

#endif
