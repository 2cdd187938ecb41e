// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The .tpol parser reads untrusted bytes: a signed policy ships next to a
 * kernel image, on the boot partition. A parsed policy is built again and
 * must parse to the same fields; the input is also tried as a policy key
 * (a bundle's marshalled TPM2B_PUBLIC).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpm/signed_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void rebuild(const struct tr_signed_policy *p)
{
	struct tr_signed_policy *q = malloc(sizeof(*q));
	struct tr_error err;
	uint8_t *buf;
	size_t len;

	if (!q)
		return;
	if (tr_signed_policy_build(p, &buf, &len, &err) == 0) {
		if (tr_signed_policy_parse(buf, len, q, &err) != 0 ||
		    memcmp(q->approved, p->approved, sizeof(p->approved)) ||
		    q->sig_len != p->sig_len)
			abort();
		free(buf);
	}
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tr_signed_policy *p = malloc(sizeof(*p));
	struct tr_policy_key *k = malloc(sizeof(*k));
	struct tr_error err;

	if (p && tr_signed_policy_parse(data, size, p, &err) == 0)
		rebuild(p);
	if (k && size <= sizeof(k->pub)) {
		memcpy(k->pub, data, size);
		k->pub_len = size;
		(void)tr_policy_key_check(k);
	}
	free(p);
	free(k);
	return 0;
}
