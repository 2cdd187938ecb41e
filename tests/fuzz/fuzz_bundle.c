// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bundle header parser and the payload decoder read untrusted bytes:
 * a bundle comes from the initramfs or the boot partition. The payload
 * decoder is fed the raw input too, as if it had authenticated.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpm/tpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[TR_SEALED_KEY_LEN];
	struct tr_bundle_header *h = malloc(sizeof(*h));
	struct tr_secret payload, view;
	struct tr_identity id;
	struct tr_error err;

	if (!h)
		return 0;
	if (tr_bundle_parse(data, size, h, &err) == 0 &&
	    tr_bundle_open(h, key, &payload, &err) == 0)
		tr_secret_free(&payload);
	free(h);
	view = (struct tr_secret){ (uint8_t *)data, size, size };
	if (size && tr_payload_decode(&view, 1 + (data[0] & 1), &id, &err) == 0)
		(void)strlen(id.kind == TR_BUNDLE_PSK ? id.hostnqn : "");
	return 0;
}
