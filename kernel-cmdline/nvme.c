// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NVMe/TCP boot connection (rd.tlsroot.nvme.*) and its host identity:
 * the host NQN and host ID from rd.tlsroot.nvme.*, else dracut's
 * rd.nvmf.* (or deprecated nvmf.*), else the caller's /etc/nvme files.
 */
#include <stdio.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"
#include "kernel-cmdline/state.h"
#include "kernel-cmdline/values.h"

/* One of the two host values and every place it may come from. */
struct host_value {
	const char *name;               /* "hostnqn" */
	int (*valid)(const char *s);
	const char *allowed;            /* "an NQN (...)" */
	char *value;                    /* in struct tr_nvme_root */
	size_t cap;
	char *source;
	const struct nvmf_value *nvmf;  /* [2]: rd.nvmf.X, nvmf.X */
	const struct tr_cmdline_file *file;
	const char *default_path;
	const char *make;               /* how to write the file */
};

static const char uuid_allowed[] =
	"a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)";

static const char *file_path(const struct host_value *h)
{
	return h->file->path ? h->file->path : h->default_path;
}

/* The file's text without trailing white space, checked like an option. */
static int take_file(struct host_value *h, struct tr_error *err)
{
	char text[TR_NQN_MAX + 2], shown[TR_CL_SHOW_MAX];
	size_t len = strlen(h->file->text);

	while (len && strchr(" \t\r\n\v\f", h->file->text[len - 1]))
		len--;
	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	memcpy(text, h->file->text, len);
	text[len] = '\0';
	if (len >= h->cap || !h->valid(text)) {
		tr_cl_show(text, shown, sizeof(shown));
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "%s: '%s' is not %s; fix the file (%s) and rebuild the initramfs, or give rd.tlsroot.nvme.%s=",
			     file_path(h), shown, h->allowed, h->make, h->name);
		return -1;
	}
	strcpy(h->value, text);
	tr_cl_copy(h->source, TR_SOURCE_MAX + 1, file_path(h));
	return 0;
}

/* Returns 1 when a value was found, 0 when none, -1 on a bad one. */
static int resolve(struct host_value *h, struct tr_error *err)
{
	int i;

	if (h->value[0]) {
		snprintf(h->source, TR_SOURCE_MAX + 1, "rd.tlsroot.nvme.%s",
			 h->name);
		return 1;
	}
	for (i = 0; i < 2; i++) {
		const struct nvmf_value *v = &h->nvmf[i];

		if (!v->key)
			continue;
		if (!h->valid(v->value) || strlen(v->value) >= h->cap)
			return tr_cl_bad_value(err, v->key, v->value, "not %s",
					       h->allowed);
		strcpy(h->value, v->value);
		tr_cl_copy(h->source, TR_SOURCE_MAX + 1, v->key);
		return 1;
	}
	if (h->file->problem) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "%s: cannot read it (%s); fix it and rebuild the initramfs, or give rd.tlsroot.nvme.%s=",
			     file_path(h), h->file->problem, h->name);
		return -1;
	}
	if (!h->file->text)
		return 0;
	return take_file(h, err) < 0 ? -1 : 1;
}

static int resolve_host(struct parse_state *st, struct tr_error *err)
{
	struct tr_nvme_root *nvme = &st->cfg->nvme;
	struct host_value nqn = { "hostnqn", tr_cl_is_nqn, tr_cl_nqn_allowed,
		nvme->hostnqn, sizeof(nvme->hostnqn), nvme->hostnqn_source,
		st->nvmf_hostnqn, &st->in->hostnqn, "/etc/nvme/hostnqn",
		"nvme gen-hostnqn >/etc/nvme/hostnqn" };
	struct host_value id = { "hostid", tr_cl_is_uuid, uuid_allowed,
		nvme->hostid, sizeof(nvme->hostid), nvme->hostid_source,
		st->nvmf_hostid, &st->in->hostid, "/etc/nvme/hostid",
		"uuidgen >/etc/nvme/hostid" };
	int rc = resolve(&nqn, err);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return tr_cl_bad_value(err, "rd.tlsroot.nvme.hostnqn", NULL,
				       "missing: the NVMe/TCP boot connection needs a host NQN and neither rd.tlsroot.nvme.hostnqn=, rd.nvmf.hostnqn= nor %s gives one; write %s (nvme gen-hostnqn) and rebuild the initramfs, or give rd.tlsroot.nvme.hostnqn=NQN",
				       file_path(&nqn), file_path(&nqn));
	rc = resolve(&id, err);
	if (rc == 0)
		return tr_cl_bad_value(err, "rd.tlsroot.nvme.hostid", NULL,
				       "missing: the host NQN (from %s) has no host ID, and the kernel pairs it with its default host's random ID and refuses the connect (\"found same hostid ... but different hostnqn\"); write %s (uuidgen) and rebuild the initramfs, or give rd.tlsroot.nvme.hostid=UUID",
				       nvme->hostnqn_source, file_path(&id));
	return rc < 0 ? -1 : 0;
}

int tr_cl_nvme_finish(struct parse_state *st, int nfs_root,
		      struct tr_error *err)
{
	struct tr_cmdline *cfg = st->cfg;

	if (!st->nvme_seen)
		return 0;
	if (nfs_root)
		return tr_cl_bad_value(err, "rd.tlsroot.nvme.*", NULL,
				       "given together with an NFS root; a machine boots from one root: drop the NFS root= or the rd.tlsroot.nvme.* options");
	if (!cfg->nvme.traddr[0])
		return tr_cl_bad_value(err, "rd.tlsroot.nvme.traddr", NULL,
				       "missing: the NVMe/TCP boot connection needs the target's address");
	if (!cfg->nvme.subsysnqn[0])
		return tr_cl_bad_value(err, "rd.tlsroot.nvme.subsysnqn", NULL,
				       "missing: the NVMe/TCP boot connection needs the subsystem NQN");
	if (cfg->policy == TR_POLICY_OFF)
		return tr_cl_bad_value(err, "rd.tlsroot.nvme.*", NULL,
				       "name a TLS boot connection that only tlsroot makes, but rd.tlsroot=off; remove rd.tlsroot=off, or the rd.tlsroot.nvme.* options (dracut's nvmf module would then connect without TLS)");
	if (resolve_host(st, err) < 0)
		return -1;
	cfg->root_kind = TR_ROOT_NVME;
	cfg->enabled = 1;
	return 0;
}
