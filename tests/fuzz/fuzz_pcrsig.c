// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * systemd's JSON PCR signature reads untrusted bytes: it comes from a
 * UKI's .pcrsig section through the boot partition. Whatever parses must
 * be entries an unseal can use: PCRs 0..23, entries numbered in order, a
 * signature that unmarshals as the TPMT_SIGNATURE the TPM will be given.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <tss2/tss2_mu.h>

#include "tpm/pcrsig.h"

#define MAX 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct tr_signed_policy *p, size_t n)
{
	TPMT_SIGNATURE s;
	size_t i, off;

	if (n == 0 || n > MAX)
		abort();
	for (i = 0; i < n; i++) {
		off = 0;
		if (p[i].format != TR_POLICY_PCRSIG || p[i].entry != i + 1 ||
		    !p[i].pcr_mask || p[i].pcr_mask >> TR_PCR_COUNT ||
		    p[i].key_name_len ||
		    Tss2_MU_TPMT_SIGNATURE_Unmarshal(p[i].sig, p[i].sig_len,
						     &off, &s) ||
		    off != p[i].sig_len ||
		    (s.sigAlg != TPM2_ALG_RSASSA && s.sigAlg != TPM2_ALG_ECDSA))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tr_signed_policy *p = calloc(MAX, sizeof(*p));
	struct tr_error err;
	size_t n = 0;

	if (!p)
		return 0;
	(void)tr_pcrsig_detect(data, size);
	if (tr_pcrsig_parse(data, size, p, MAX, &n, &err) == 0)
		check(p, n);
	else if ((err.code != TR_EXIT_BADINPUT && err.code != TR_EXIT_FAILURE) ||
		 n != 0)
		abort();
	free(p);
	return 0;
}
