// SPDX-License-Identifier: GPL-2.0-or-later
/* TPM response codes to tlsroot exit codes and one line of advice. */
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tpm2_types.h>

#include "tpm/tpm.h"
#include "tpm/tpm_private.h"

#define RC_LAYER_MASK 0xff0000u

uint32_t tr_tpm_rc_base(uint32_t rc)
{
	if (rc & RC_LAYER_MASK)
		return rc;      /* a TSS layer's own code, not the TPM's */
	/* Format 1 carries the handle/session/parameter number in 8..11. */
	if (rc & TPM2_RC_FMT1)
		return rc & 0xbf;
	return rc & 0xfff;
}

int tr_tpm_rc_error(uint32_t rc, const char *what, struct tr_error *err)
{
	switch (tr_tpm_rc_base(rc)) {
	case TPM2_RC_POLICY_FAIL:
		tr_error_set(err, TR_EXIT_PCR,
			     "%s: the TPM refused the PCR policy: this machine is not in the boot state the bundle was sealed to; reseal for the current state",
			     what);
		break;
	case TPM2_RC_AUTH_FAIL:
	case TPM2_RC_BAD_AUTH:
		tr_error_set(err, TR_EXIT_PIN,
			     "%s: wrong PIN (the TPM counts this failure toward its dictionary-attack lockout)",
			     what);
		break;
	case TPM2_RC_LOCKOUT:
		tr_error_set(err, TR_EXIT_LOCKOUT,
			     "%s: the TPM is in dictionary-attack lockout after too many wrong PINs; wait for it to recover or clear it with the lockout authorization",
			     what);
		break;
	case TPM2_RC_INTEGRITY:
	case TPM2_RC_SIZE:
		tr_error_set(err, TR_EXIT_CORRUPT,
			     "%s: the TPM rejected the sealed key as damaged (%s); restore the bundle or reseal",
			     what, Tss2_RC_Decode(rc));
		break;
	default:
		tr_error_set(err, TR_EXIT_TPM, "%s: TPM error 0x%x: %s", what,
			     rc, Tss2_RC_Decode(rc));
	}
	return err ? err->code : TR_EXIT_TPM;
}
