// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"
#include "kernel-cmdline/values.h"

#define PREFIX "rd.tlsroot."
#define PREFIX_LEN (sizeof(PREFIX) - 1)
#define NAME_MAX_LEN 32

/* What the first pass collects besides struct tr_cmdline itself. */
struct parse_state {
	struct tr_cmdline *cfg;
	int bundles_given;
	int nvme_seen;
	const char *root;               /* last root= */
	const char *nfsroot;            /* last nfsroot= */
	const char *nvmf_hostnqn;       /* last rd.nvmf.hostnqn= */
	const char *nvmf_hostid;        /* last rd.nvmf.hostid= */
	int nvmf_discover_seen;
};

struct option_def;
typedef int (*setter_fn)(const struct option_def *def, struct parse_state *st,
			 const char *value, struct tr_error *err);

struct option_def {
	const char *name;       /* after "rd.tlsroot." */
	setter_fn set;
	size_t offset;          /* of the field in struct tr_cmdline */
	long min, max;          /* numbers: range; strings: field size */
	const char *allowed;    /* "not <allowed>" when a value is bad */
};

static void *field(const struct option_def *def, struct parse_state *st)
{
	return (char *)st->cfg + def->offset;
}

static int bad(const struct option_def *def, const char *value,
	       struct tr_error *err)
{
	char key[PREFIX_LEN + NAME_MAX_LEN];

	snprintf(key, sizeof(key), PREFIX "%s", def->name);
	return tr_cl_bad_value(err, key, value, "not %s", def->allowed);
}

static int set_int(const struct option_def *def, struct parse_state *st,
		   const char *value, struct tr_error *err)
{
	long v;

	if (tr_cl_parse_int(value, def->min, def->max, &v) < 0)
		return bad(def, value, err);
	*(int *)field(def, st) = (int)v;
	return 0;
}

static int set_path(const struct option_def *def, struct parse_state *st,
		    const char *value, struct tr_error *err)
{
	if (!tr_cl_is_abs_path(value, (size_t)def->max - 1))
		return bad(def, value, err);
	return tr_cl_copy(field(def, st), (size_t)def->max, value);
}

static int set_bundle(const struct option_def *def, struct parse_state *st,
		      const char *value, struct tr_error *err)
{
	struct tr_cmdline *cfg = st->cfg;

	if (!tr_cl_is_abs_path(value, TR_CMDLINE_PATH_MAX))
		return bad(def, value, err);
	/* The first rd.tlsroot.bundle replaces the default location. */
	if (!st->bundles_given++)
		cfg->n_bundles = 0;
	if (cfg->n_bundles == TR_CMDLINE_MAX_BUNDLES)
		return tr_cl_bad_value(err, PREFIX "bundle", value,
				       "more than %d bundles; name a directory instead",
				       TR_CMDLINE_MAX_BUNDLES);
	return tr_cl_copy(cfg->bundles[cfg->n_bundles++],
			  sizeof(cfg->bundles[0]), value);
}

static int is_tcti_name(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return len > 0;
}

static int set_tpm(const struct option_def *def, struct parse_state *st,
		   const char *value, struct tr_error *err)
{
	char *tpm = st->cfg->tpm;

	if (!tr_cl_is_word(value, TR_TCTI_MAX - sizeof("device:")))
		return bad(def, value, err);
	if (value[0] == '/') {
		snprintf(tpm, TR_TCTI_MAX + 1, "device:%s", value);
		return 0;
	}
	if (!is_tcti_name(value, strcspn(value, ":")))
		return bad(def, value, err);
	return tr_cl_copy(tpm, TR_TCTI_MAX + 1, value);
}

static int set_lock_pcr(const struct option_def *def, struct parse_state *st,
			const char *value, struct tr_error *err)
{
	if (!strcmp(value, "none")) {
		st->cfg->lock_pcr = TR_LOCK_PCR_NONE;
		return 0;
	}
	return set_int(def, st, value, err);
}

static int set_identity(const struct option_def *def, struct parse_state *st,
			const char *value, struct tr_error *err)
{
	if (!tr_cl_is_identity_name(value))
		return bad(def, value, err);
	return tr_cl_copy(st->cfg->identity, sizeof(st->cfg->identity), value);
}

static int set_handoff(const struct option_def *def, struct parse_state *st,
		       const char *value, struct tr_error *err)
{
	if (!strcmp(value, "tlshd"))
		st->cfg->handoff = TR_HANDOFF_TLSHD;
	else if (!strcmp(value, "never"))
		st->cfg->handoff = TR_HANDOFF_NEVER;
	else
		return bad(def, value, err);
	return 0;
}

/* A bare or empty flag, or dracut's getargbool spellings. */
static int set_debug(const struct option_def *def, struct parse_state *st,
		     const char *value, struct tr_error *err)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!value || !value[0] || !strcmp(value, yes[i])) {
			st->cfg->debug = 1;
			return 0;
		}
		if (!strcmp(value, no[i])) {
			st->cfg->debug = 0;
			return 0;
		}
	}
	return bad(def, value, err);
}

static int set_traddr(const struct option_def *def, struct parse_state *st,
		      const char *value, struct tr_error *err)
{
	struct tr_nvme_root *nvme = &st->cfg->nvme;

	if (tr_cl_parse_ip(value, nvme->traddr, sizeof(nvme->traddr),
			   &nvme->traddr_is_ipv6) < 0)
		return bad(def, value, err);
	return 0;
}

static int set_nqn(const struct option_def *def, struct parse_state *st,
		   const char *value, struct tr_error *err)
{
	if (!tr_cl_is_nqn(value))
		return bad(def, value, err);
	return tr_cl_copy(field(def, st), (size_t)def->max, value);
}

static int set_uuid(const struct option_def *def, struct parse_state *st,
		    const char *value, struct tr_error *err)
{
	if (!tr_cl_is_uuid(value))
		return bad(def, value, err);
	return tr_cl_copy(field(def, st), (size_t)def->max, value);
}

#define AT(f) offsetof(struct tr_cmdline, f)
#define SIZE(f) ((long)sizeof(((struct tr_cmdline *)0)->f))
#define STR(f) AT(f), 0, SIZE(f)

static const char path_allowed[] =
	"an absolute path (printable ASCII without spaces or quotes, at most 255 bytes)";
static const char nqn_allowed[] =
	"an NQN (\"nqn.\" then at most 219 printable bytes without spaces, quotes, ',' or '=')";

static const struct option_def options[] = {
	{ "bundle", set_bundle, 0, 0, 0, path_allowed },
	{ "tpm", set_tpm, 0, 0, 0,
	  "a TPM device path (/dev/tpmrm0) or a TCTI string NAME[:CONFIG] (device:/dev/tpmrm0, swtpm:port=2321)" },
	{ "tpm_timeout", set_int, AT(tpm_timeout_s), 0, 3600,
	  "a number of seconds (0-3600)" },
	{ "lock_pcr", set_lock_pcr, AT(lock_pcr), 0, 23,
	  "a PCR index (0-23) or \"none\"" },
	{ "identity", set_identity, 0, 0, 0,
	  "an identity name (1-64 letters, digits, '.', '_', '-', '@', '+')" },
	{ "handoff", set_handoff, 0, 0, 0, "\"tlshd\" or \"never\"" },
	{ "grace_ms", set_int, AT(grace_ms), 100, 8000,
	  "a number of milliseconds (100-8000)" },
	{ "debug", set_debug, 0, 0, 0,
	  "empty or a boolean (1, 0, yes, no, true, false, on, off)" },
	{ "truststore", set_path, STR(truststore), path_allowed },
	{ "nvme.traddr", set_traddr, 0, 0, 0,
	  "a numeric IPv4 or IPv6 address (IPv6 may be in brackets)" },
	{ "nvme.trsvcid", set_int, AT(nvme.trsvcid), 1, 65535,
	  "a TCP port (1-65535)" },
	{ "nvme.subsysnqn", set_nqn, STR(nvme.subsysnqn), nqn_allowed },
	{ "nvme.hostnqn", set_nqn, STR(nvme.hostnqn), nqn_allowed },
	{ "nvme.hostid", set_uuid, STR(nvme.hostid),
	  "a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)" },
	{ "nvme.identity", set_int, AT(nvme.identity_version), 0, 1,
	  "a PSK identity version, 0 or 1" },
	{ "nvme.reconnect_delay", set_int, AT(nvme.reconnect_delay_s), 1, 3600,
	  "a number of seconds (1-3600)" },
	{ "nvme.ctrl_loss_tmo", set_int, AT(nvme.ctrl_loss_tmo_s), -1, 604800,
	  "-1 (retry forever) or a number of seconds (0-604800)" },
	{ "nvme.nr_io_queues", set_int, AT(nvme.nr_io_queues), 0, 1024,
	  "a queue count (0-1024; 0 leaves the kernel's default, one per CPU)" },
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

void tr_cmdline_init(struct tr_cmdline *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->root_kind = TR_ROOT_NONE;
	strcpy(cfg->bundles[0], TR_DEFAULT_BUNDLES);
	cfg->n_bundles = 1;
	strcpy(cfg->tpm, TR_DEFAULT_TPM);
	cfg->tpm_timeout_s = TR_DEFAULT_TPM_TIMEOUT_S;
	cfg->lock_pcr = TR_DEFAULT_LOCK_PCR;
	/*
	 * The handoff is safe because tlshd on a TLS root runs from memory
	 * (55tlsroot's tlsroot-confine.conf): unconfined, its handshake
	 * child faulted in gnutls code from the very root it was
	 * reconnecting and hung (tests/qemu nfsroot-handoff, nvmeroot-handoff).
	 */
	cfg->handoff = TR_HANDOFF_TLSHD;
	cfg->grace_ms = TR_DEFAULT_GRACE_MS;
	strcpy(cfg->truststore, TR_DEFAULT_TRUSTSTORE);
	cfg->nvme.trsvcid = TR_DEFAULT_NVME_TRSVCID;
	cfg->nvme.identity_version = TR_DEFAULT_NVME_IDENTITY;
	cfg->nvme.reconnect_delay_s = TR_DEFAULT_NVME_RECONNECT_DELAY;
	cfg->nvme.ctrl_loss_tmo_s = TR_DEFAULT_NVME_CTRL_LOSS_TMO;
}

/* Option names match with '-' read as '_', as the kernel's own do. */
static void normalise_name(const char *in, char *out, size_t cap)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < cap; i++)
		out[i] = in[i] == '-' ? '_' : in[i];
	out[i] = '\0';
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t row[NAME_MAX_LEN + 1], la = strlen(a), lb = strlen(b);
	size_t i, j, diag, up;

	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

static int unknown_option(const char *key, const char *name,
			  struct tr_error *err)
{
	char known[TR_ERROR_MAX] = "", hint[64] = "", shown[TR_CL_SHOW_MAX];
	size_t i, best = 3, d, len = 0;

	for (i = 0; i < N_OPTIONS; i++) {
		d = edit_distance(name, options[i].name);
		if (d < best) {
			best = d;
			snprintf(hint, sizeof(hint), " (did you mean " PREFIX "%s?)",
				 options[i].name);
		}
		if (len < sizeof(known))
			len += (size_t)snprintf(known + len, sizeof(known) - len,
						"%s%s", i ? ", " : "",
						options[i].name);
	}
	tr_cl_show(key, shown, sizeof(shown));
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "%s: unknown option%s; known: " PREFIX "{%s} (tlsroot.cmdline(7))",
		     shown, hint, known);
	return -1;
}

static int set_option(struct parse_state *st, const char *key,
		      const char *value, struct tr_error *err)
{
	char name[NAME_MAX_LEN];
	size_t i;

	if (strncmp(key, PREFIX, PREFIX_LEN) ||
	    strlen(key + PREFIX_LEN) >= sizeof(name))
		return unknown_option(key, "", err);
	normalise_name(key + PREFIX_LEN, name, sizeof(name));
	for (i = 0; i < N_OPTIONS; i++) {
		const struct option_def *def = &options[i];

		if (strcmp(def->name, name))
			continue;
		st->cfg->tlsroot_seen = 1;
		if (!strncmp(name, "nvme.", 5))
			st->nvme_seen = 1;
		if (!value && def->set != set_debug)
			return tr_cl_bad_value(err, key, NULL,
					       "needs a value: %s",
					       def->allowed);
		return def->set(def, st, value, err);
	}
	return unknown_option(key, name, err);
}

static int take_param(struct parse_state *st, const struct tr_cmdline_param *p,
		      struct tr_error *err)
{
	const char *key = p->key;

	if (!strncmp(key, "rd.tlsroot", 10))
		return set_option(st, key, p->value, err);
	if (!strncmp(key, "tlsroot.", 8)) {
		char shown[TR_CL_SHOW_MAX];

		tr_cl_show(key, shown, sizeof(shown));
		return tr_cl_bad_value(err, key, NULL,
				       "tlsroot reads its options only with the rd. prefix: rd.%s",
				       shown);
	}
	if (!p->value)
		return 0;
	if (!strcmp(key, "root"))
		st->root = p->value;
	else if (!strcmp(key, "nfsroot"))
		st->nfsroot = p->value;
	else if (!strcmp(key, "rd.nvmf.hostnqn"))
		st->nvmf_hostnqn = p->value;
	else if (!strcmp(key, "rd.nvmf.hostid"))
		st->nvmf_hostid = p->value;
	else if (!strcmp(key, "rd.nvmf.discover"))
		st->nvmf_discover_seen = 1;
	return 0;
}

/* The NFS root spec in effect: dracut reads nfsroot= only with
 * root=/dev/nfs or no root= at all. */
static int find_nfs_root(struct parse_state *st, const char **param,
			 const char **value)
{
	const char *root = st->root;

	*param = NULL;
	if ((!root || !strcmp(root, "/dev/nfs")) && st->nfsroot) {
		*param = "nfsroot";
		*value = st->nfsroot;
	} else if (root && tr_nfs_root_spec_is_nfs(root)) {
		*param = "root";
		*value = root;
	}
	return *param != NULL;
}

static int check_nfs_tls(const struct tr_cmdline *cfg, const char *param,
			 const char *value, struct tr_error *err)
{
	const struct tr_nfs_root *nfs = &cfg->nfs;
	int tls = nfs->xprtsec == TR_XPRTSEC_TLS ||
		  nfs->xprtsec == TR_XPRTSEC_MTLS;

	if (nfs->tls_identity[0] && nfs->xprtsec != TR_XPRTSEC_MTLS)
		return tr_cl_bad_value(err, param, value,
				       "tls_identity needs xprtsec=mtls: only mutual TLS sends a client certificate");
	if (cfg->tlsroot_seen && !tls)
		return tr_cl_bad_value(err, param, value,
				       "rd.tlsroot.* options are given but this NFS root has %s; tlsroot never mounts a root in plaintext: add xprtsec=mtls or xprtsec=tls",
				       nfs->xprtsec == TR_XPRTSEC_NONE ?
				       "xprtsec=none" : "no xprtsec=");
	if (!tls)
		return 0;
	if (!nfs->server[0] || !nfs->path[0])
		return tr_cl_bad_value(err, param, value,
				       "a TLS NFS root needs SERVER and /PATH on the command line, not from DHCP: the server certificate is checked against SERVER");
	if (nfs->xprtsec == TR_XPRTSEC_MTLS && !nfs->tls_identity[0] &&
	    !cfg->identity[0])
		return tr_cl_bad_value(err, param, value,
				       "xprtsec=mtls needs a client identity: add tls_identity=NAME to the options or rd.tlsroot.identity=NAME");
	if (nfs->tls_identity[0] && cfg->identity[0] &&
	    strcmp(nfs->tls_identity, cfg->identity))
		return tr_cl_bad_value(err, param, value,
				       "tls_identity=%s disagrees with rd.tlsroot.identity=%s; give one name (or the same in both)",
				       nfs->tls_identity, cfg->identity);
	return 0;
}

static int finish_nfs(struct parse_state *st, struct tr_error *err)
{
	struct tr_cmdline *cfg = st->cfg;
	struct tr_nfs_options_info info;
	const char *param, *value;

	if (!find_nfs_root(st, &param, &value))
		return 0;
	cfg->root_kind = TR_ROOT_NFS;
	if (!strcmp(value, "/dev/nfs")) {
		/* root=/dev/nfs alone: server, path and options from DHCP. */
		memset(&cfg->nfs, 0, sizeof(cfg->nfs));
		strcpy(cfg->nfs.fstype, "nfs");
	} else if (tr_nfs_root_parse(param, value, &cfg->nfs, err) < 0) {
		return -1;
	}
	if (tr_nfs_options_parse(cfg->nfs.options, &info, err) < 0)
		return -1;
	if (info.has_key_serials)
		return tr_cl_bad_value(err, param, value,
				       "cert_serial= and privkey_serial= cannot be given at boot: key serials change every boot; use tls_identity=NAME");
	if (check_nfs_tls(cfg, param, value, err) < 0)
		return -1;
	cfg->enabled = cfg->nfs.xprtsec == TR_XPRTSEC_TLS ||
		       cfg->nfs.xprtsec == TR_XPRTSEC_MTLS;
	if (cfg->nfs.tls_identity[0] && !cfg->identity[0])
		strcpy(cfg->identity, cfg->nfs.tls_identity);
	return 0;
}

/* rd.nvmf.hostnqn/hostid stand in for ours, checked like ours. */
static int take_nvmf_ids(struct parse_state *st, struct tr_error *err)
{
	struct tr_nvme_root *nvme = &st->cfg->nvme;

	if (!nvme->hostnqn[0] && st->nvmf_hostnqn) {
		if (!tr_cl_is_nqn(st->nvmf_hostnqn))
			return tr_cl_bad_value(err, "rd.nvmf.hostnqn",
					       st->nvmf_hostnqn, "not %s",
					       nqn_allowed);
		strcpy(nvme->hostnqn, st->nvmf_hostnqn);
	}
	if (!nvme->hostid[0] && st->nvmf_hostid) {
		if (!tr_cl_is_uuid(st->nvmf_hostid))
			return tr_cl_bad_value(err, "rd.nvmf.hostid",
					       st->nvmf_hostid,
					       "not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
		strcpy(nvme->hostid, st->nvmf_hostid);
	}
	return 0;
}

static int finish_nvme(struct parse_state *st, struct tr_error *err)
{
	struct tr_cmdline *cfg = st->cfg;

	if (st->nvmf_discover_seen && cfg->tlsroot_seen)
		return tr_cl_bad_value(err, "rd.nvmf.discover", NULL,
				       "dracut's nvmf module would connect without TLS; with tlsroot, name the boot connection with rd.tlsroot.nvme.* instead");
	if (!st->nvme_seen)
		return 0;
	if (cfg->root_kind == TR_ROOT_NFS)
		return tr_cl_bad_value(err, PREFIX "nvme.*", NULL,
				       "given together with an NFS root; a machine boots from one root: drop the NFS root= or the rd.tlsroot.nvme.* options");
	if (!cfg->nvme.traddr[0])
		return tr_cl_bad_value(err, PREFIX "nvme.traddr", NULL,
				       "missing: the NVMe/TCP boot connection needs the target's address");
	if (!cfg->nvme.subsysnqn[0])
		return tr_cl_bad_value(err, PREFIX "nvme.subsysnqn", NULL,
				       "missing: the NVMe/TCP boot connection needs the subsystem NQN");
	if (take_nvmf_ids(st, err) < 0)
		return -1;
	cfg->root_kind = TR_ROOT_NVME;
	cfg->enabled = 1;
	return 0;
}

/*
 * dracut can take the root from DHCP; tlsroot cannot check what it would
 * mount, so asking for tlsroot there must not end in a plaintext root.
 */
static int check_root_named(const struct parse_state *st,
			    struct tr_error *err)
{
	const char *root = st->root;

	if (!st->cfg->tlsroot_seen || st->cfg->root_kind != TR_ROOT_NONE)
		return 0;
	if (root && strcmp(root, "dhcp") && strcmp(root, "dhcp6"))
		return 0;
	return tr_cl_bad_value(err, "root", root,
			       "rd.tlsroot.* options are given but the root %s; name it on the command line: root=nfs4:SERVER:/PATH:xprtsec=mtls,... or rd.tlsroot.nvme.*",
			       root ? "comes from DHCP" : "is not named (no root=)");
}

int tr_cmdline_parse(const char *text, size_t len, struct tr_cmdline *cfg,
		     struct tr_error *err)
{
	struct parse_state st = { .cfg = cfg };
	struct tr_cmdline_param param;
	char *copy, *cursor;
	int rc = -1, more;

	tr_cmdline_init(cfg);
	if (len > TR_CMDLINE_MAX_BYTES) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "kernel command line: %zu bytes, more than %d",
			     len, TR_CMDLINE_MAX_BYTES);
		return -1;
	}
	if (memchr(text, '\0', len)) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "kernel command line: contains a NUL byte; it must be text");
		return -1;
	}
	copy = malloc(len + 1);
	if (!copy) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	cursor = copy;
	while ((more = tr_cmdline_next_param(&cursor, &param, err)) > 0)
		if (take_param(&st, &param, err) < 0)
			goto out;
	if (more == 0 && finish_nfs(&st, err) == 0 &&
	    finish_nvme(&st, err) == 0 && check_root_named(&st, err) == 0)
		rc = 0;
out:
	free(copy);
	return rc;
}
