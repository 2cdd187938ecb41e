// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness for the bytes the agent takes from outside: the
 * kernel's netlink replies (ACCEPT, READY, the family lookup) and the
 * control-socket command. Invariants: no crash, no overread (ASan), and
 * a parsed request never claims more peer identities than it stores.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handshake/handshake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hs_accept a;
	struct tr_error err;
	uint16_t family = 0x1f;
	uint32_t group;
	int kerr, ret;

	/* Copy so ASan sees the exact extent of the input. */
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	ret = hs_parse_accept(buf, size, family, &a, &kerr, &err);
	if (ret == HS_REPLY_REQUEST) {
		if (a.n_peer_ids > HS_MAX_PEER_IDS ||
		    a.peername[sizeof(a.peername) - 1] != '\0')
			abort();
	}
	hs_count_ready(buf, size, family);
	hs_parse_family(buf, size, &family, &group, &err);
	hs_ctl_parse(buf, size);
	free(buf);
	return 0;
}
