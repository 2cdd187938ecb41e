// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PSK interchange parser (and, on the same bytes, the PSK identity
 * parser). Whatever parses must format back to the very same string:
 * each key has exactly one spelling.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[TR_PSK_INTERCHANGE_MAX], *text;
	uint8_t psk[TR_PSK_MAX];
	struct tr_error err;
	size_t len;
	int hash, version;

	if (tr_psk_parse_interchange((const char *)data, size, psk, &len,
				     &hash, &err) == 0) {
		if (tr_psk_format_interchange(psk, len, hash, out, sizeof(out),
					      &err) < 0 ||
		    strlen(out) != size || memcmp(out, data, size))
			abort();
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (tr_psk_identity_parse(text, &version, &hash, &err) == 0 &&
	    (version < 0 || version > 1 || hash < 1 || hash > 2))
		abort();
	free(text);
	return 0;
}
