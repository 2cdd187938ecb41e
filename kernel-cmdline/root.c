// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The root as dracut would bring it up, and the rd.tlsroot= policy over
 * it: "required means required" (DESIGN.md). Every spelling is read the
 * way dracut 106 reads it (95nfs/parse-nfsroot.sh, 45net-lib/dhcp-root.sh
 * and netroot.sh, 95nvmf); tlsroot.cmdline(7) has the table.
 */
#include <stdio.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"
#include "kernel-cmdline/state.h"
#include "kernel-cmdline/values.h"

enum root_form {
	ROOT_UNNAMED,           /* no root= */
	ROOT_LOCAL,             /* a block device, or no network root */
	ROOT_NFS,
	ROOT_DHCP,              /* root=dhcp, dhcp6, netroot=dhcp, dhcp6 */
	ROOT_OTHER_NET,         /* iSCSI, NBD, CIFS */
};

struct root {
	enum root_form form;
	const char *param;      /* the parameter that names it */
	const char *value;
};

/* A root or connection that would come up without TLS. */
struct plaintext {
	const char *key;
	const char *value;
	const char *what;       /* "this NFS root would mount without TLS" */
	const char *fix;        /* what would give it TLS */
};

static const char tls_root_fix[] =
	"name a TLS root: root=nfs4:SERVER:/PATH:xprtsec=mtls,tls_identity=NAME or rd.tlsroot.nvme.*";

static int is_dhcp(const char *v)
{
	return !strcmp(v, "dhcp") || !strcmp(v, "dhcp6");
}

/* Network roots of dracut's iscsi, nbd and cifs modules. */
static int is_other_net(const char *v)
{
	return !strncmp(v, "iscsi:", 6) || !strncmp(v, "nbd:", 4) ||
	       !strncmp(v, "cifs:", 5);
}

/* netroot.sh runs ${netroot%%:*}root: nfsroot for nfs and nfs4 only. */
static int is_nfs_netroot(const char *v)
{
	return !strcmp(v, "nfs") || !strcmp(v, "nfs4") ||
	       !strncmp(v, "nfs:", 4) || !strncmp(v, "nfs4:", 5);
}

static void set_root(struct root *r, enum root_form form, const char *param,
		     const char *value)
{
	r->form = form;
	r->param = param;
	r->value = value;
}

static int check_nfsroot_param(const struct parse_state *st,
			       struct tr_error *err)
{
	if (!st->nfsroot || (st->root && !strcmp(st->root, "/dev/nfs")))
		return 0;
	return tr_cl_bad_value(err, "nfsroot", st->nfsroot,
			       "dracut reads nfsroot= only with root=/dev/nfs and otherwise stops the boot (\"Argument nfsroot only accepted for legacy root=/dev/nfs\"); add root=/dev/nfs, or write root=nfs:SERVER:/PATH:OPTIONS instead");
}

/* Which root dracut would bring up, in the order its hooks decide. */
static int find_root(const struct parse_state *st, struct root *r,
		     struct tr_error *err)
{
	const char *root = st->root;

	set_root(r, root ? ROOT_LOCAL : ROOT_UNNAMED, "root", root);
	if (check_nfsroot_param(st, err) < 0)
		return -1;
	if (root && !strcmp(root, "/dev/nfs") && st->nfsroot)
		set_root(r, ROOT_NFS, "nfsroot", st->nfsroot);
	else if (root && tr_nfs_root_spec_is_nfs(root))
		set_root(r, ROOT_NFS, "root", root);
	else if (root && root[0] == '[')
		return tr_cl_bad_value(err, "root", root,
				       "dracut reads no root from this (parse-nfsroot.sh takes SERVER:/PATH only for an IPv4 SERVER) and stops the boot; write root=nfs:[IPV6]:/PATH[:OPTIONS] or root=nfs4:...");
	else if (root && is_dhcp(root))
		set_root(r, ROOT_DHCP, "root", root);
	else if (st->netroot_dhcp)
		set_root(r, ROOT_DHCP, "netroot", st->netroot_dhcp);
	else if (root && is_other_net(root))
		set_root(r, ROOT_OTHER_NET, "root", root);
	else if (st->netroot && is_nfs_netroot(st->netroot))
		set_root(r, ROOT_NFS, "netroot", st->netroot);
	else if (st->netroot && is_other_net(st->netroot))
		set_root(r, ROOT_OTHER_NET, "netroot", st->netroot);
	return 0;
}

/* Why a plaintext root must stop the boot, or NULL when it may go on. */
static const char *refusal_reason(const struct tr_cmdline *cfg)
{
	if (cfg->policy == TR_POLICY_REQUIRED)
		return cfg->policy_source == TR_POLICY_FROM_BUNDLES ?
		       "rd.tlsroot=required (the default: this initramfs carries sealed tlsroot bundles)" :
		       "rd.tlsroot=required (on the command line)";
	if (cfg->policy == TR_POLICY_DESIRED && cfg->tlsroot_seen &&
	    cfg->policy_source != TR_POLICY_FROM_CMDLINE)
		return "rd.tlsroot.* options ask for tlsroot";
	return NULL;
}

/* Stop the boot, or let the root through and say so for the hooks. */
static int plaintext(struct tr_cmdline *cfg, const struct plaintext *p,
		     struct tr_error *err)
{
	const char *why = refusal_reason(cfg);
	char shown[TR_CL_SHOW_MAX];

	if (why)
		return tr_cl_bad_value(err, p->key, p->value,
				       "%s while %s; %s, or boot with rd.tlsroot=desired to allow a plaintext root during a migration",
				       p->what, why, p->fix);
	if (cfg->plaintext_root)
		return 0;
	cfg->plaintext_root = 1;
	tr_cl_show(p->value, shown, sizeof(shown));
	snprintf(cfg->plaintext_reason, sizeof(cfg->plaintext_reason),
		 "%s=%s: %s", p->key, shown, p->what);
	return 0;
}

static int nfs_is_tls(const struct tr_nfs_root *nfs)
{
	return nfs->xprtsec == TR_XPRTSEC_TLS || nfs->xprtsec == TR_XPRTSEC_MTLS;
}

static int plaintext_nfs(struct tr_cmdline *cfg, const struct root *r,
			 struct tr_error *err)
{
	struct plaintext p = { r->param, r->value,
		"this NFS root would mount without TLS (no xprtsec=)",
		"add xprtsec=mtls,tls_identity=NAME (or xprtsec=tls) to its options" };

	if (cfg->nfs.xprtsec == TR_XPRTSEC_NONE)
		p.what = "this NFS root would mount without TLS (xprtsec=none)";
	if (!cfg->nfs.server[0] || !cfg->nfs.path[0]) {
		p.what = "this NFS root takes its server or path from DHCP and would mount without TLS";
		p.fix = tls_root_fix;
	}
	return plaintext(cfg, &p, err);
}

/* The client identity of an xprtsec=mtls root, checked once. */
static int check_nfs_identity(struct tr_cmdline *cfg, const struct root *r,
			      struct tr_error *err)
{
	struct tr_nfs_root *nfs = &cfg->nfs;

	if (nfs->key_serials_redacted && !cfg->identity[0])
		return tr_cl_bad_value(err, r->param, r->value,
				       "cert_serial=<redacted>,privkey_serial=<redacted> (a root= saved from /proc/mounts by dracut's host-only nfs module) name no identity; add rd.tlsroot.identity=NAME");
	if (nfs->xprtsec == TR_XPRTSEC_MTLS && !nfs->tls_identity[0] &&
	    !cfg->identity[0])
		return tr_cl_bad_value(err, r->param, r->value,
				       "xprtsec=mtls needs a client identity: add tls_identity=NAME to the options or rd.tlsroot.identity=NAME");
	if (nfs->tls_identity[0] && cfg->identity[0] &&
	    strcmp(nfs->tls_identity, cfg->identity))
		return tr_cl_bad_value(err, r->param, r->value,
				       "tls_identity=%s disagrees with rd.tlsroot.identity=%s; give one name (or the same in both)",
				       nfs->tls_identity, cfg->identity);
	if (nfs->key_serials_redacted)
		strcpy(nfs->tls_identity, cfg->identity);
	if (nfs->tls_identity[0] && !cfg->identity[0])
		strcpy(cfg->identity, nfs->tls_identity);
	return 0;
}

static int check_nfs_tls(struct tr_cmdline *cfg, const struct root *r,
			 struct tr_error *err)
{
	const struct tr_nfs_root *nfs = &cfg->nfs;

	if (nfs->tls_identity[0] && nfs->xprtsec != TR_XPRTSEC_MTLS)
		return tr_cl_bad_value(err, r->param, r->value,
				       "tls_identity needs xprtsec=mtls: only mutual TLS sends a client certificate");
	if (nfs->key_serials_redacted && nfs->xprtsec != TR_XPRTSEC_MTLS)
		return tr_cl_bad_value(err, r->param, r->value,
				       "cert_serial= and privkey_serial= need xprtsec=mtls");
	if (!nfs_is_tls(nfs))
		return plaintext_nfs(cfg, r, err);
	if (cfg->policy == TR_POLICY_OFF)
		return tr_cl_bad_value(err, r->param, r->value,
				       "this NFS root asks for TLS (xprtsec=%s) but rd.tlsroot=off: nothing in the initramfs would answer its handshake; remove rd.tlsroot=off, or xprtsec= to mount without TLS",
				       tr_xprtsec_name(nfs->xprtsec));
	if (!nfs->server[0] || !nfs->path[0])
		return tr_cl_bad_value(err, r->param, r->value,
				       "a TLS NFS root needs SERVER and /PATH on the command line, not from DHCP: the server certificate is checked against SERVER");
	cfg->enabled = 1;
	return check_nfs_identity(cfg, r, err);
}

static int finish_nfs(struct tr_cmdline *cfg, const struct root *r,
		      struct tr_error *err)
{
	struct tr_nfs_options_info info;

	cfg->root_kind = TR_ROOT_NFS;
	if (tr_nfs_root_parse(r->param, r->value, &cfg->nfs, err) < 0 ||
	    tr_nfs_options_parse(cfg->nfs.options, &info, err) < 0)
		return -1;
	if (info.has_key_serials && info.tls_identity[0])
		return tr_cl_bad_value(err, r->param, r->value,
				       "tls_identity cannot be combined with cert_serial or privkey_serial");
	if (info.has_key_serials && !info.key_serials_redacted)
		return tr_cl_bad_value(err, r->param, r->value,
				       "cert_serial= and privkey_serial= cannot be given at boot: key serials change every boot; use tls_identity=NAME");
	return check_nfs_tls(cfg, r, err);
}

/* Network roots tlsroot cannot give TLS, and the unnamed root. */
static int finish_other(struct parse_state *st, const struct root *r,
			struct tr_error *err)
{
	struct tr_cmdline *cfg = st->cfg;
	struct plaintext p = { r->param, r->value, NULL, tls_root_fix };

	if (r->form == ROOT_DHCP)
		p.what = "the root would come from DHCP's root-path without TLS";
	else if (r->form == ROOT_OTHER_NET)
		p.what = "this network root (iSCSI, NBD or CIFS) would connect without TLS; tlsroot protects NFS and NVMe/TCP roots";
	else if (r->form == ROOT_UNNAMED && cfg->tlsroot_seen &&
		 refusal_reason(cfg) && cfg->root_kind == TR_ROOT_NONE)
		return tr_cl_bad_value(err, "root", NULL,
				       "rd.tlsroot.* options are given but the root is not named (no root=); name it on the command line: root=nfs4:SERVER:/PATH:xprtsec=mtls,... or rd.tlsroot.nvme.*");
	if (p.what && plaintext(cfg, &p, err) < 0)
		return -1;
	/* rd.nonvmf: dracut's nvmf module connects nothing at all (a
	 * host-only image of an NVMe/TCP TLS root saves it beside the
	 * rd.nvmf.discover= that dracut records for the same target). */
	if (!st->nvmf_discover.key || st->nonvmf)
		return 0;
	p = (struct plaintext){ st->nvmf_discover.key, st->nvmf_discover.value,
		"dracut's nvmf module would connect without TLS",
		"name the boot connection with rd.tlsroot.nvme.* instead" };
	return plaintext(cfg, &p, err);
}

static void init_policy(struct parse_state *st)
{
	struct tr_cmdline *cfg = st->cfg;

	if (st->policy_given)
		return;
	cfg->policy = st->in->bundles_present ? TR_POLICY_REQUIRED :
						TR_POLICY_DESIRED;
	cfg->policy_source = st->in->bundles_present ? TR_POLICY_FROM_BUNDLES :
						       TR_POLICY_FROM_DEFAULT;
}

int tr_cl_finish(struct parse_state *st, struct tr_error *err)
{
	struct root r;

	init_policy(st);
	if (find_root(st, &r, err) < 0)
		return -1;
	if (r.form == ROOT_NFS && finish_nfs(st->cfg, &r, err) < 0)
		return -1;
	if (tr_cl_nvme_finish(st, r.form == ROOT_NFS, err) < 0)
		return -1;
	return finish_other(st, &r, err);
}
