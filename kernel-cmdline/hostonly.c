// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rd.tlsroot.* options that a host-only initramfs carries in
 * /etc/cmdline.d, so that the next boot reaches the same root with TLS
 * even where dracut's own modules replace root= (the nfs module saves
 * root= from /proc/mounts, without tls_identity). tlsroot-cmdline(8).
 */
#include <stdio.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"
#include "kernel-cmdline/values.h"

/*
 * The kernel splits at white space outside double quotes and has no
 * escape; systemd and dracut also read ' and \. A value holding none of
 * these reads back the same everywhere.
 */
static int cmdline_safe(const char *value, int *needs_quotes)
{
	const unsigned char *p;

	*needs_quotes = 0;
	for (p = (const unsigned char *)value; *p; p++) {
		if (*p == ' ' || *p == '\t')
			*needs_quotes = 1;
		else if (*p < 0x20 || *p >= 0x7f || strchr("\"'\\", *p))
			return 0;
	}
	return 1;
}

int tr_cmdline_append_param(char *out, size_t cap, size_t *len,
			    const char *key, const char *value,
			    struct tr_error *err)
{
	int quotes, n;

	if (!cmdline_safe(value, &quotes))
		return tr_cl_bad_value(err, key, value,
				       "cannot be written on a kernel command line (a quote, a backslash, a control or a non-ASCII byte would be read differently by the kernel, systemd and dracut); rename it");
	n = snprintf(out + *len, cap - *len, "%s%s%s=%s%s",
		     *len ? " " : "", quotes ? "\"" : "", key, value,
		     quotes ? "\"" : "");
	if (n < 0 || (size_t)n >= cap - *len) {
		out[*len] = '\0';
		tr_error_set(err, TR_EXIT_FAILURE,
			     "the host-only options do not fit in %zu bytes", cap);
		return -1;
	}
	*len += (size_t)n;
	return 0;
}

/* Writes parameters in order; the first failure sticks. */
struct line {
	char *out;
	size_t cap;
	size_t len;
	int rc;
	struct tr_error *err;
};

static void put(struct line *l, const char *name, const char *value)
{
	char key[64];

	if (l->rc < 0)
		return;
	snprintf(key, sizeof(key), "rd.tlsroot%s%s", name[0] ? "." : "", name);
	l->rc = tr_cmdline_append_param(l->out, l->cap, &l->len, key, value,
					l->err);
}

static void put_int(struct line *l, const char *name, int value, int dflt)
{
	char text[16];

	if (value == dflt)
		return;
	snprintf(text, sizeof(text), "%d", value);
	put(l, name, text);
}

static void put_general(struct line *l, const struct tr_cmdline *cfg)
{
	size_t i;

	if (cfg->policy == TR_POLICY_REQUIRED &&
	    cfg->policy_source == TR_POLICY_FROM_CMDLINE)
		put(l, "", "required");
	if (cfg->n_bundles != 1 || strcmp(cfg->bundles[0], TR_DEFAULT_BUNDLES))
		for (i = 0; i < cfg->n_bundles; i++)
			put(l, "bundle", cfg->bundles[i]);
	if (strcmp(cfg->tpm, TR_DEFAULT_TPM))
		put(l, "tpm", cfg->tpm);
	put_int(l, "tpm_timeout", cfg->tpm_timeout_s, TR_DEFAULT_TPM_TIMEOUT_S);
	if (cfg->lock_pcr == TR_LOCK_PCR_NONE)
		put(l, "lock_pcr", "none");
	else
		put_int(l, "lock_pcr", cfg->lock_pcr, TR_DEFAULT_LOCK_PCR);
	if (cfg->identity[0])
		put(l, "identity", cfg->identity);
	if (cfg->handoff != TR_HANDOFF_TLSHD)
		put(l, "handoff", tr_handoff_name(cfg->handoff));
	put_int(l, "grace_ms", cfg->grace_ms, TR_DEFAULT_GRACE_MS);
	if (strcmp(cfg->truststore, TR_DEFAULT_TRUSTSTORE))
		put(l, "truststore", cfg->truststore);
}

/* The whole connection, host identity resolved: no file needed later. */
static void put_nvme(struct line *l, const struct tr_nvme_root *nvme)
{
	char port[8];

	snprintf(port, sizeof(port), "%d", nvme->trsvcid);
	put(l, "nvme.traddr", nvme->traddr);
	put(l, "nvme.trsvcid", port);
	put(l, "nvme.subsysnqn", nvme->subsysnqn);
	put(l, "nvme.hostnqn", nvme->hostnqn);
	put(l, "nvme.hostid", nvme->hostid);
	put_int(l, "nvme.identity", nvme->identity_version,
		TR_DEFAULT_NVME_IDENTITY);
	put_int(l, "nvme.reconnect_delay", nvme->reconnect_delay_s,
		TR_DEFAULT_NVME_RECONNECT_DELAY);
	put_int(l, "nvme.ctrl_loss_tmo", nvme->ctrl_loss_tmo_s,
		TR_DEFAULT_NVME_CTRL_LOSS_TMO);
	put_int(l, "nvme.nr_io_queues", nvme->nr_io_queues, 0);
}

int tr_cmdline_hostonly_options(const struct tr_cmdline *cfg, char *out,
				size_t cap, struct tr_error *err)
{
	struct line l = { out, cap, 0, 0, err };

	if (!cap) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "no room for the host-only options");
		return -1;
	}
	out[0] = '\0';
	if (!cfg->enabled)
		return 0;       /* no TLS root: nothing to carry */
	put_general(&l, cfg);
	if (cfg->root_kind == TR_ROOT_NVME)
		put_nvme(&l, &cfg->nvme);
	return l.rc;
}
