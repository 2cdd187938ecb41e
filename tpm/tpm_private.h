/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to tpm/: helpers shared between the policy and ESAPI modules. */
#ifndef TLSROOT_TPM_PRIVATE_H
#define TLSROOT_TPM_PRIVATE_H

#include <stdint.h>

#include <tss2/tss2_tpm2_types.h>

/* One SHA-256 selection with the PCRs of mask (bit n: PCR n). */
void tr_pcr_selection(uint32_t mask, TPML_PCR_SELECTION *sel);

/* The TPM response code of rc for comparisons (format-1 fields masked). */
uint32_t tr_tpm_rc_base(uint32_t rc);

#endif
