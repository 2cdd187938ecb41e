// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PCR meanings follow the TCG PC Client profile and the Linux
 * userspace API group's PCR registry (what the kernel's EFI stub, GRUB,
 * shim and systemd-stub measure).
 */
#include "cli/pcr_policy.h"

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

void pcr_policy_print(FILE *f, uint32_t mask, unsigned lock)
{
	const char *sep = "";
	unsigned i;
	int any = 0;

	fprintf(f, "tlsroot: the policy binds");
	for (i = 0; i < 32; i++) {
		if (!(mask & PCR(i)))
			continue;
		if (i == lock)
			fprintf(f, "%s PCR %u (the lock: reset value, extended at unseal)",
				sep, i);
		else
			fprintf(f, "%s PCR %u (%s)", sep, i,
				i < 16 ? pcr_meaning[i] : "not measured at boot");
		sep = ",";
	}
	fprintf(f, "\n");
	for (i = 0; i < sizeof(boot_parts) / sizeof(boot_parts[0]); i++) {
		if (mask & boot_parts[i].pcrs)
			continue;
		fprintf(f, "%s %s (PCR %s)", any ? "," : "tlsroot: not bound:",
			boot_parts[i].part, boot_parts[i].list);
		any = 1;
	}
	if (any)
		fprintf(f, "; see tlsroot-seal(8)\n");
	if (mask & (PCR(9) | PCR(11)))
		fprintf(f, "tlsroot: note: PCR 9 and 11 measure the initramfs; a bundle inside the image it measures can never match (seal those PCRs only for a bundle delivered outside it)\n");
}
