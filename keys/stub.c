// SPDX-License-Identifier: GPL-2.0-or-later
/* Temporary: entry points whose implementation is being written. */
#include "keys/keys.h"

int tr_keys_add_x509_der(const char *name, const uint8_t *cert,
			 size_t cert_len, const uint8_t *key, size_t key_len,
			 int32_t *cert_serial, int32_t *key_serial,
			 struct tr_error *err)
{
	tr_error_set(err, TR_EXIT_FAILURE, "keys: adding x509 identities is not implemented yet");
	return -1;
}

int tr_keys_add_psk(const struct tr_psk_params *p, const uint8_t *configured,
		    size_t len, int hmac, int32_t *serial, char *identity,
		    size_t identity_cap, struct tr_error *err)
{
	tr_error_set(err, TR_EXIT_FAILURE, "keys: adding PSKs is not implemented yet");
	return -1;
}
