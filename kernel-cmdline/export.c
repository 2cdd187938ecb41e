// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"

const char *tr_root_kind_name(enum tr_root_kind kind)
{
	switch (kind) {
	case TR_ROOT_NFS:
		return "nfs";
	case TR_ROOT_NVME:
		return "nvme";
	default:
		return "none";
	}
}

const char *tr_xprtsec_name(enum tr_xprtsec x)
{
	switch (x) {
	case TR_XPRTSEC_NONE:
		return "none";
	case TR_XPRTSEC_TLS:
		return "tls";
	case TR_XPRTSEC_MTLS:
		return "mtls";
	default:
		return "";
	}
}

const char *tr_handoff_name(enum tr_handoff h)
{
	return h == TR_HANDOFF_NEVER ? "never" : "tlshd";
}

const char *tr_policy_name(enum tr_policy p)
{
	switch (p) {
	case TR_POLICY_REQUIRED:
		return "required";
	case TR_POLICY_OFF:
		return "off";
	default:
		return "desired";
	}
}

const char *tr_policy_source_name(enum tr_policy_source s)
{
	switch (s) {
	case TR_POLICY_FROM_BUNDLES:
		return "bundles";
	case TR_POLICY_FROM_CMDLINE:
		return "cmdline";
	default:
		return "default";
	}
}

/*
 * Inside single quotes the shell gives no byte a meaning except ' itself,
 * which is closed, escaped and reopened. Newlines, $(...), backslashes and
 * double quotes stay literal.
 */
int tr_shell_quote(FILE *out, const char *value)
{
	const char *p;

	fputc('\'', out);
	for (p = value; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", out);
		else
			fputc(*p, out);
	}
	fputc('\'', out);
	return ferror(out) ? -1 : 0;
}

/* One setting, written as shell or as a JSON member. */
struct emitter {
	FILE *out;
	int json;
	int count;
};

static void json_string(FILE *out, const char *s)
{
	const unsigned char *p;

	fputc('"', out);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* name is the shell variable without TLSROOT_; JSON uses it lowercased. */
static void emit_raw(struct emitter *e, const char *name, const char *value,
		     int is_number)
{
	char key[64];
	size_t i;

	if (!e->json) {
		fprintf(e->out, "TLSROOT_%s=", name);
		tr_shell_quote(e->out, value);
		fputc('\n', e->out);
		return;
	}
	for (i = 0; name[i] && i + 1 < sizeof(key); i++)
		key[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
				name[i] - 'A' + 'a' : name[i]);
	key[i] = '\0';
	fprintf(e->out, "%s\n  ", e->count++ ? "," : "{");
	json_string(e->out, key);
	fputs(": ", e->out);
	if (is_number)
		fputs(value, e->out);
	else
		json_string(e->out, value);
}

static void emit(struct emitter *e, const char *name, const char *value)
{
	emit_raw(e, name, value, 0);
}

static void emit_int(struct emitter *e, const char *name, int value)
{
	char text[16];

	snprintf(text, sizeof(text), "%d", value);
	emit_raw(e, name, text, 1);
}

/* Shell: one space-separated value (paths hold no spaces); JSON: array. */
static void emit_bundles(struct emitter *e, const struct tr_cmdline *cfg)
{
	char list[TR_CMDLINE_MAX_BUNDLES * (TR_CMDLINE_PATH_MAX + 3) + 4];
	size_t i, len = 0;

	list[0] = '\0';
	if (e->json)
		len += (size_t)snprintf(list, sizeof(list), "[");
	for (i = 0; i < cfg->n_bundles; i++) {
		const char *sep = !i ? "" : e->json ? ", " : " ";
		const char *quote = e->json ? "\"" : "";

		/* Bundle paths are checked printable ASCII without quotes. */
		len += (size_t)snprintf(list + len, sizeof(list) - len,
					"%s%s%s%s", sep, quote,
					cfg->bundles[i], quote);
	}
	if (e->json)
		snprintf(list + len, sizeof(list) - len, "]");
	emit_raw(e, "BUNDLES", list, e->json);
}

/* A number that does not apply: "" for the shell, null in JSON. */
static void emit_no_number(struct emitter *e, const char *name)
{
	emit_raw(e, name, e->json ? "null" : "", e->json);
}

static void emit_nfs(struct emitter *e, const struct tr_nfs_root *nfs)
{
	emit(e, "NFS_FSTYPE", nfs->fstype);
	emit(e, "NFS_SERVER", nfs->server);
	emit_int(e, "NFS_SERVER_IPV6", nfs->server_is_ipv6);
	emit(e, "NFS_PATH", nfs->path);
	emit(e, "NFS_OPTIONS", nfs->options);
	emit(e, "NFS_XPRTSEC", tr_xprtsec_name(nfs->xprtsec));
	emit(e, "NFS_TLS_IDENTITY", nfs->tls_identity);
}

static void emit_nvme(struct emitter *e, const struct tr_nvme_root *nvme,
		      int active)
{
	emit(e, "NVME_TRADDR", nvme->traddr);
	emit_int(e, "NVME_TRADDR_IPV6", nvme->traddr_is_ipv6);
	emit(e, "NVME_SUBSYSNQN", nvme->subsysnqn);
	emit(e, "NVME_HOSTNQN", nvme->hostnqn);
	emit(e, "NVME_HOSTID", nvme->hostid);
	/* Numbers only mean something for an NVMe root; "" otherwise. */
	if (active) {
		emit_int(e, "NVME_TRSVCID", nvme->trsvcid);
		emit_int(e, "NVME_IDENTITY", nvme->identity_version);
		emit_int(e, "NVME_RECONNECT_DELAY", nvme->reconnect_delay_s);
		emit_int(e, "NVME_CTRL_LOSS_TMO", nvme->ctrl_loss_tmo_s);
		emit_int(e, "NVME_NR_IO_QUEUES", nvme->nr_io_queues);
		return;
	}
	emit_no_number(e, "NVME_TRSVCID");
	emit_no_number(e, "NVME_IDENTITY");
	emit_no_number(e, "NVME_RECONNECT_DELAY");
	emit_no_number(e, "NVME_CTRL_LOSS_TMO");
	emit_no_number(e, "NVME_NR_IO_QUEUES");
}

static int write_all(const struct tr_cmdline *cfg, FILE *out, int json)
{
	struct emitter e = { out, json, 0 };
	char pcr[8];

	snprintf(pcr, sizeof(pcr), "%d", cfg->lock_pcr);
	emit(&e, "ROOT_KIND", tr_root_kind_name(cfg->root_kind));
	emit_int(&e, "ENABLED", cfg->enabled);
	emit_bundles(&e, cfg);
	emit(&e, "TPM", cfg->tpm);
	emit_int(&e, "TPM_TIMEOUT", cfg->tpm_timeout_s);
	emit_raw(&e, "LOCK_PCR",
		 cfg->lock_pcr == TR_LOCK_PCR_NONE ? "none" : pcr,
		 cfg->lock_pcr != TR_LOCK_PCR_NONE);
	emit(&e, "IDENTITY", cfg->identity);
	emit(&e, "HANDOFF", tr_handoff_name(cfg->handoff));
	emit_int(&e, "GRACE_MS", cfg->grace_ms);
	emit_int(&e, "DEBUG", cfg->debug);
	emit(&e, "TRUSTSTORE", cfg->truststore);
	emit_nfs(&e, &cfg->nfs);
	emit_nvme(&e, &cfg->nvme, cfg->root_kind == TR_ROOT_NVME);
	/* Added later: kept after the older settings, whose order is stable. */
	emit(&e, "POLICY", tr_policy_name(cfg->policy));
	emit(&e, "POLICY_SOURCE", tr_policy_source_name(cfg->policy_source));
	emit_int(&e, "PLAINTEXT_ROOT", cfg->plaintext_root);
	emit(&e, "PLAINTEXT_REASON", cfg->plaintext_reason);
	emit(&e, "NVME_HOSTNQN_SOURCE", cfg->nvme.hostnqn_source);
	emit(&e, "NVME_HOSTID_SOURCE", cfg->nvme.hostid_source);
	if (json)
		fputs("\n}\n", out);
	return ferror(out) ? -1 : 0;
}

int tr_cmdline_write_shell(const struct tr_cmdline *cfg, FILE *out)
{
	return write_all(cfg, out, 0);
}

int tr_cmdline_write_json(const struct tr_cmdline *cfg, FILE *out)
{
	return write_all(cfg, out, 1);
}
