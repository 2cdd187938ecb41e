/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a set of PCRs binds in the boot chain, for tlsroot seal: the
 * refusal of PCR 7 alone and the coverage notice (tlsroot-seal(8)).
 */
#ifndef TLSROOT_CLI_PCR_POLICY_H
#define TLSROOT_CLI_PCR_POLICY_H

#include <stdint.h>
#include <stdio.h>

/* The PCRs of mask other than lock (a PCR, or >= 32 for none) are 7 alone. */
int pcr_policy_is_secure_boot_only(uint32_t mask, unsigned lock);
/*
 * Two lines on f: what each PCR of mask records (and of signed_pcrs, bound
 * through policies signed by key, when key is not NULL), what is not bound.
 */
struct tr_policy_key;
void pcr_policy_print(FILE *f, uint32_t mask, unsigned lock,
		      uint32_t signed_pcrs, const struct tr_policy_key *key);

#endif
