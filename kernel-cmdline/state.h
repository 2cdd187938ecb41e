/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to kernel-cmdline/: what the first pass over the command line
 * collects besides struct tr_cmdline itself, for root.c to settle the
 * root and the rd.tlsroot= policy.
 */
#ifndef TLSROOT_KERNEL_CMDLINE_STATE_H
#define TLSROOT_KERNEL_CMDLINE_STATE_H

#include "kernel-cmdline/kernel-cmdline.h"

/* The rd.nvmf.X= spelling dracut reads first, then its deprecated nvmf.X=. */
struct nvmf_value {
	const char *key;
	const char *value;
};

struct parse_state {
	struct tr_cmdline *cfg;
	const struct tr_cmdline_input *in;
	int bundles_given;
	int nvme_seen;
	int policy_given;               /* rd.tlsroot= */
	const char *root;               /* last root= */
	const char *nfsroot;            /* last nfsroot= */
	const char *netroot;            /* last netroot= */
	const char *netroot_dhcp;       /* any netroot=dhcp or dhcp6 */
	struct nvmf_value nvmf_hostnqn[2];
	struct nvmf_value nvmf_hostid[2];
	struct nvmf_value nvmf_discover; /* last (rd.)nvmf.discover= */
	int nonvmf;                     /* rd.nonvmf: dracut's nvmf stays out */
};

/* root.c: settle the root, the NVMe host identity and the policy. */
int tr_cl_finish(struct parse_state *st, struct tr_error *err);

/*
 * nvme.c: the NVMe/TCP boot connection of rd.tlsroot.nvme.*, if any,
 * with its host NQN and host ID resolved. nfs_root: an NFS root was
 * found too (an error).
 */
int tr_cl_nvme_finish(struct parse_state *st, int nfs_root,
		      struct tr_error *err);

/* What config.c's option table says an NQN is, for messages. */
extern const char tr_cl_nqn_allowed[];

#endif
