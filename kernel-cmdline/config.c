// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"
#include "kernel-cmdline/state.h"
#include "kernel-cmdline/values.h"

#define PREFIX "rd.tlsroot."
#define PREFIX_LEN (sizeof(PREFIX) - 1)
#define NAME_MAX_LEN 32

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
const char tr_cl_nqn_allowed[] =
	"an NQN (\"nqn.\" then at most 219 printable bytes without spaces, quotes, ',' or '=')";

static const struct option_def options[] = {
	{ "bundle", set_bundle, 0, 0, 0, path_allowed },
	{ "tpm", set_tpm, 0, 0, 0,
	  "a TPM device path (/dev/tpmrm0) or a TCTI string NAME[:CONFIG] (device:/dev/tpmrm0, swtpm:port=2321)" },
	{ "tpm_timeout", set_int, AT(tpm_timeout_s), 0, 3600,
	  "a number of seconds (0-3600)" },
	{ "lock_pcr", set_lock_pcr, AT(lock_pcr), 8, 15,
	  "a lock PCR (8-15, which nothing resets before a reboot) or \"none\"" },
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
	{ "nvme.subsysnqn", set_nqn, STR(nvme.subsysnqn), tr_cl_nqn_allowed },
	{ "nvme.hostnqn", set_nqn, STR(nvme.hostnqn), tr_cl_nqn_allowed },
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

/* rd.tlsroot=required|desired|off: the policy (tlsroot.cmdline(7)). */
static int set_policy(struct parse_state *st, const char *value,
		      struct tr_error *err)
{
	static const char *const names[] = { "desired", "required", "off" };
	static const enum tr_policy values[] = {
		TR_POLICY_DESIRED, TR_POLICY_REQUIRED, TR_POLICY_OFF };
	size_t i;

	for (i = 0; value && i < 3; i++) {
		if (!strcmp(value, names[i])) {
			st->cfg->policy = values[i];
			st->cfg->policy_source = TR_POLICY_FROM_CMDLINE;
			st->policy_given = 1;
			return 0;
		}
	}
	return tr_cl_bad_value(err, "rd.tlsroot", value,
			       "%s required, desired or off (tlsroot.cmdline(7))",
			       value ? "not" : "needs a value:");
}

/* rd.nvmf.X= (index 0) and the deprecated nvmf.X= (1) that dracut reads. */
static void take_nvmf(struct parse_state *st, const char *key,
		      const char *value)
{
	const char *name = key + (key[0] == 'r' ? 8 : 5);
	int old = key[0] != 'r';

	if (!strcmp(name, "hostnqn"))
		st->nvmf_hostnqn[old] = (struct nvmf_value){ key, value };
	else if (!strcmp(name, "hostid"))
		st->nvmf_hostid[old] = (struct nvmf_value){ key, value };
	else if (!strcmp(name, "discover"))
		st->nvmf_discover = (struct nvmf_value){ key, value };
}

static void take_root_param(struct parse_state *st, const char *key,
			    const char *value)
{
	if (!strcmp(key, "root")) {
		st->root = value;
	} else if (!strcmp(key, "nfsroot")) {
		st->nfsroot = value;
	} else if (!strcmp(key, "netroot")) {
		/* dhcp-root.sh takes any netroot=dhcp; netroot.sh the last. */
		if (!strcmp(value, "dhcp") || !strcmp(value, "dhcp6"))
			st->netroot_dhcp = value;
		else
			st->netroot = value;
	} else if (!strncmp(key, "rd.nvmf.", 8) || !strncmp(key, "nvmf.", 5)) {
		take_nvmf(st, key, value);
	}
}

static int take_param(struct parse_state *st, const struct tr_cmdline_param *p,
		      struct tr_error *err)
{
	const char *key = p->key;

	if (!strcmp(key, "rd.tlsroot"))
		return set_policy(st, p->value, err);
	if (!strncmp(key, "rd.tlsroot", 10))
		return set_option(st, key, p->value, err);
	if (!strncmp(key, "tlsroot.", 8)) {
		char shown[TR_CL_SHOW_MAX];

		tr_cl_show(key, shown, sizeof(shown));
		return tr_cl_bad_value(err, key, NULL,
				       "tlsroot reads its options only with the rd. prefix: rd.%s",
				       shown);
	}
	if (!strcmp(key, "rd.nonvmf")) {
		/* As dracut's getargbool: bare or any value but 0, no, off. */
		st->nonvmf = !p->value || (strcmp(p->value, "0") &&
					   strcmp(p->value, "no") &&
					   strcmp(p->value, "off"));
		return 0;
	}
	if (p->value)
		take_root_param(st, key, p->value);
	return 0;
}

static int check_size(size_t len, const char *text, struct tr_error *err)
{
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
	return 0;
}

int tr_cmdline_parse_input(const struct tr_cmdline_input *in,
			   struct tr_cmdline *cfg, struct tr_error *err)
{
	struct parse_state st = { .cfg = cfg, .in = in };
	struct tr_cmdline_param param;
	char *copy, *cursor;
	int rc = -1, more;

	tr_cmdline_init(cfg);
	if (check_size(in->len, in->text, err) < 0)
		return -1;
	copy = malloc(in->len + 1);
	if (!copy) {
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	memcpy(copy, in->text, in->len);
	copy[in->len] = '\0';
	cursor = copy;
	while ((more = tr_cmdline_next_param(&cursor, &param, err)) > 0)
		if (take_param(&st, &param, err) < 0)
			goto out;
	if (more == 0 && tr_cl_finish(&st, err) == 0)
		rc = 0;
out:
	free(copy);
	return rc;
}

int tr_cmdline_parse(const char *text, size_t len, struct tr_cmdline *cfg,
		     struct tr_error *err)
{
	struct tr_cmdline_input in = { .text = text, .len = len };

	return tr_cmdline_parse_input(&in, cfg, err);
}
