// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Importing an nvme-cli key file: all lines are checked before any key
 * is placed, and when placing fails part-way, the keys this import
 * created are taken back (keys it replaced stay replaced).
 */
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"

struct import_state {
	const struct tr_keyring_target *t;
	char (*created)[TR_PSK_IDENTITY_MAX];
	size_t n_created;
	size_t n_placed;
};

static int import_one(const struct tr_nvme_keyfile_entry *e, void *ctx,
		      struct tr_error *err)
{
	struct import_state *s = ctx;
	struct tr_error absent;
	int32_t serial;

	if (s->n_placed == TR_IMPORT_MAX) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "the key file has more than %d keys",
			     TR_IMPORT_MAX);
		return -1;
	}
	if (tr_keys_find_psk(s->t, e->identity, &serial, NULL, 0, &absent) < 0)
		strcpy(s->created[s->n_created++], e->identity);
	if (tr_keys_put_psk(s->t, NULL, e->identity, e->psk, e->psk_len,
			    &serial, err) < 0)
		return -1;
	s->n_placed++;
	return 0;
}

int tr_keys_import_nvme(const struct tr_keyring_target *t, const char *text,
			size_t len, struct tr_nvme_keyfile_entry *scratch,
			size_t *count, struct tr_error *err)
{
	struct import_state s = { t, NULL, 0, 0 };
	struct tr_error ignored;
	size_t i;
	int ret;

	*count = 0;
	if (tr_nvme_keyfile_parse(text, len, scratch, NULL, NULL, err) < 0)
		return -1;
	s.created = calloc(TR_IMPORT_MAX, sizeof(*s.created));
	if (!s.created) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	ret = tr_nvme_keyfile_parse(text, len, scratch, import_one, &s, err);
	if (ret < 0)
		for (i = 0; i < s.n_created; i++)
			tr_keys_remove_psk(t, s.created[i], &ignored);
	else
		*count = s.n_placed;
	free(s.created);
	return ret;
}
