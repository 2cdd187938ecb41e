#!/bin/sh
# Test-only dracut cmdline hook (only in test-bed images, never in the
# module): with testbed.extend_pcr=N on the command line, extend PCR N
# of the TPM before tlsroot unseals, so that the machine is no longer in
# the boot state its identity was sealed to. A raw TPM2_PCR_Extend (SHA-256,
# password session) written to /dev/tpm0; no tpm2-tools in the image.
_t_pcr=$(getarg testbed.extend_pcr=)
if [ -n "$_t_pcr" ]; then
	modprobe -q tpm_tis 2>/dev/null
	_t_i=0
	while [ ! -c /dev/tpm0 ] && [ $_t_i -lt 100 ]; do sleep 0.1; _t_i=$((_t_i + 1)); done
	# 65 bytes: header (tag 0x8002, size, TPM_CC_PCR_Extend), handle,
	# auth area (TPM_RS_PW, empty), one SHA-256 digest of 32 bytes 0x5a.
	_t_d='\132\132\132\132\132\132\132\132'
	printf "\\200\\002\\000\\000\\000\\101\\000\\000\\001\\202\\000\\000\\000\\$(printf '%03o' "$_t_pcr")\\000\\000\\000\\011\\100\\000\\000\\011\\000\\000\\000\\000\\000\\000\\000\\000\\001\\000\\013$_t_d$_t_d$_t_d$_t_d" >/dev/tpm0 &&
		echo "<30>tlsroot-test: extended PCR $_t_pcr before the unseal" >/dev/kmsg
fi
