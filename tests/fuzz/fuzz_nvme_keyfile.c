// SPDX-License-Identifier: GPL-2.0-or-later
/* The nvme-cli key file parser: every entry it yields must be valid. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"

static int check_entry(const struct tr_nvme_keyfile_entry *e, void *ctx,
		       struct tr_error *err)
{
	int version, hash;

	if ((e->psk_len != 32 && e->psk_len != 48) ||
	    tr_psk_identity_parse(e->identity, &version, &hash, err) < 0)
		abort();
	++*(unsigned int *)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tr_nvme_keyfile_entry scratch;
	struct tr_error err;
	unsigned int entries = 0;

	if (tr_nvme_keyfile_parse((const char *)data, size, &scratch,
				  check_entry, &entries, &err) < 0 &&
	    (err.code != TR_EXIT_BADINPUT || !err.msg[0]))
		abort();
	return 0;
}
