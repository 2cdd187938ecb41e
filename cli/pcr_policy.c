// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PCR meanings follow the TCG PC Client profile and the Linux
 * userspace API group's PCR registry (what the kernel's EFI stub, GRUB,
 * shim and systemd-stub measure).
 */
#include "cli/pcr_policy.h"
#include "tpm/signed_policy.h"

#define PCR(n) (1u << (n))

static const char *const pcr_meaning[16] = {
	[0] = "firmware code",
	[1] = "firmware settings",
	[2] = "option ROMs",
	[3] = "option ROM settings",
	[4] = "boot loader and kernel images (a UKI with its initramfs)",
	[5] = "partition table and boot variables",
	[6] = "platform state events",
	[7] = "Secure Boot state and the keys that admitted the boot chain",
	[8] = "GRUB commands and kernel command line",
	[9] = "initramfs and command line as the kernel's EFI stub loads them",
	[10] = "IMA",
	[11] = "UKI sections and boot phases (systemd-stub, systemd-pcrphase)",
	[12] = "command line and credentials given to systemd-stub",
	[13] = "system extensions given to systemd-stub",
	[14] = "shim's MOK certificates",
	[15] = "free for the system (systemd, tlsroot's lock)",
};

/* A boot-chain part and the PCRs any one of which binds it. */
static const struct {
	const char *part;
	uint32_t pcrs;
	const char *list;
} boot_parts[] = {
	{ "kernel image", PCR(4) | PCR(11), "4 or 11" },
	{ "initramfs", PCR(9) | PCR(11), "9 or 11" },
	{ "kernel command line", PCR(8) | PCR(9) | PCR(12), "8, 9 or 12" },
};

int pcr_policy_is_secure_boot_only(uint32_t mask, unsigned lock)
{
	if (lock < 32)
		mask &= ~PCR(lock);
	return mask == PCR(7);
}

static void print_bound(FILE *f, uint32_t mask, unsigned lock,
			uint32_t signed_pcrs)
{
	const char *sep = "";
	unsigned i;

	fprintf(f, "tlsroot: the policy binds");
	for (i = 0; i < 32; i++) {
		if (!((mask | signed_pcrs) & PCR(i)))
			continue;
		if (i == lock)
			fprintf(f, "%s PCR %u (the lock: reset value, extended at unseal)",
				sep, i);
		else
			fprintf(f, "%s PCR %u (%s%s)", sep, i,
				i < 16 ? pcr_meaning[i] : "not measured at boot",
				signed_pcrs & PCR(i) ? "; through signed policies" : "");
		sep = ",";
	}
	fprintf(f, "\n");
}

void pcr_policy_print(FILE *f, uint32_t mask, unsigned lock,
		      uint32_t signed_pcrs, const struct tr_policy_key *key)
{
	char fpr[2 * TR_TPM_NAME_MAX + 1], pkfp_hex[2 * TR_DIGEST_LEN + 1];
	uint8_t pkfp[TR_DIGEST_LEN];
	unsigned i;
	int any = 0;

	if (!key)
		signed_pcrs = 0;
	print_bound(f, mask, lock, signed_pcrs);
	if (key) {
		tr_hex(key->name, key->name_len, fpr);
		pkfp_hex[0] = '\0';
		if (tr_policy_key_pkfp(key, pkfp) == 0)
			tr_hex(pkfp, sizeof(pkfp), pkfp_hex);
		fprintf(f, "tlsroot: PCRs through signed policies: the values in any policy signed by key %s%s%s%s; unseal needs one signed for the boot's values (tlsroot policy sign, or a UKI's systemd-measure signature)\n",
			fpr, *pkfp_hex ? " (systemd pkfp " : "", pkfp_hex,
			*pkfp_hex ? ")" : "");
	}
	for (i = 0; i < sizeof(boot_parts) / sizeof(boot_parts[0]); i++) {
		if ((mask | signed_pcrs) & boot_parts[i].pcrs)
			continue;
		fprintf(f, "%s %s (PCR %s)", any ? "," : "tlsroot: not bound:",
			boot_parts[i].part, boot_parts[i].list);
		any = 1;
	}
	if (any)
		fprintf(f, "; see tlsroot-seal(8)\n");
	/* Signed policies are signed after the image is built: no circle. */
	if (mask & (PCR(9) | PCR(11)))
		fprintf(f, "tlsroot: note: PCR 9 and 11 measure the initramfs; a bundle inside the image it measures can never match (seal those PCRs only for a bundle delivered outside it)\n");
}
