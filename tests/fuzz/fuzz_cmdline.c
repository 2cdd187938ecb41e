// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness for the kernel command-line parser. Beyond "no crash,
 * no leak", every accepted command line must give a configuration that
 * keeps the promises of tlsroot.cmdline(7) (required means required),
 * output that hooks can eval, and host-only options that parse back to
 * the same configuration. The first byte says what the system holds:
 * bit 0 sealed bundles, bit 1 /etc/nvme/hostnqn, bit 2 /etc/nvme/hostid,
 * bit 3 an unreadable hostid; the rest is the command line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "invariant failed: %s\n", #cond); abort(); } } while (0)

#define SHELL_LINES 34

static void check_nfs(const struct tr_cmdline *cfg)
{
	const struct tr_nfs_root *nfs = &cfg->nfs;
	struct tr_nfs_options_info info;
	struct tr_error err;
	int tls = nfs->xprtsec == TR_XPRTSEC_TLS ||
		  nfs->xprtsec == TR_XPRTSEC_MTLS;

	CHECK(tr_nfs_options_parse(nfs->options, &info, &err) == 0);
	CHECK(info.xprtsec == nfs->xprtsec);
	CHECK(!info.has_key_serials || info.key_serials_redacted);
	CHECK(info.key_serials_redacted == nfs->key_serials_redacted);
	CHECK(!strcmp(nfs->fstype, "nfs") || !strcmp(nfs->fstype, "nfs4"));
	CHECK(cfg->enabled == tls);
	CHECK(!tls || cfg->policy != TR_POLICY_OFF);
	/* Never plaintext once tlsroot is required or asked for. */
	CHECK(tls || cfg->policy != TR_POLICY_REQUIRED);
	CHECK(tls || !cfg->tlsroot_seen || cfg->policy_source ==
	      TR_POLICY_FROM_CMDLINE);
	CHECK(tls || cfg->plaintext_root);
	if (nfs->tls_identity[0])
		CHECK(nfs->xprtsec == TR_XPRTSEC_MTLS);
	if (tls)
		CHECK(nfs->server[0] && nfs->path[0] == '/');
	if (nfs->xprtsec == TR_XPRTSEC_MTLS)
		CHECK(cfg->identity[0]);
}

static void check_config(const struct tr_cmdline *cfg)
{
	CHECK(cfg->n_bundles >= 1 && cfg->n_bundles <= TR_CMDLINE_MAX_BUNDLES);
	CHECK(cfg->bundles[0][0] == '/');
	CHECK(cfg->lock_pcr == TR_LOCK_PCR_NONE ||
	      (cfg->lock_pcr >= 0 && cfg->lock_pcr <= 23));
	CHECK(cfg->grace_ms >= 100 && cfg->grace_ms <= 8000);
	CHECK(cfg->tpm_timeout_s >= 0 && cfg->tpm_timeout_s <= 3600);
	CHECK(cfg->debug == 0 || cfg->debug == 1);
	CHECK(!strchr(cfg->identity, ':') && !strchr(cfg->identity, ','));
	if (cfg->root_kind == TR_ROOT_NFS)
		check_nfs(cfg);
	if (cfg->root_kind == TR_ROOT_NVME) {
		CHECK(cfg->enabled && cfg->policy != TR_POLICY_OFF);
		CHECK(cfg->nvme.traddr[0] && cfg->nvme.subsysnqn[0]);
		CHECK(!strpbrk(cfg->nvme.subsysnqn, ", ="));
		CHECK(cfg->nvme.trsvcid >= 1 && cfg->nvme.trsvcid <= 65535);
		/* An NQN without its host ID is refused by the kernel. */
		CHECK(cfg->nvme.hostnqn[0] && cfg->nvme.hostid[0]);
		CHECK(cfg->nvme.hostnqn_source[0] && cfg->nvme.hostid_source[0]);
	}
	if (cfg->root_kind == TR_ROOT_NONE)
		CHECK(!cfg->enabled);
	CHECK(!cfg->plaintext_root || cfg->policy != TR_POLICY_REQUIRED);
	CHECK(!cfg->plaintext_root == !cfg->plaintext_reason[0]);
	CHECK(!strchr(cfg->plaintext_reason, '\n'));
}

/* The host-only line, parsed alone, gives the same connection. */
static void check_hostonly(const struct tr_cmdline *cfg)
{
	static char line[TR_HOSTONLY_OPTIONS_MAX];
	static struct tr_cmdline again;
	struct tr_error err;

	if (tr_cmdline_hostonly_options(cfg, line, sizeof(line), &err) < 0) {
		/* Only values no command-line reader would read back. */
		CHECK(strstr(err.msg, "cannot be written on a kernel command line"));
		CHECK(!strchr(err.msg, '\n'));
		return;
	}
	CHECK(!strchr(line, '\n'));
	if (cfg->root_kind != TR_ROOT_NVME)
		return;
	CHECK(tr_cmdline_parse(line, strlen(line), &again, &err) == 0);
	CHECK(again.root_kind == TR_ROOT_NVME);
	CHECK(!strcmp(again.nvme.traddr, cfg->nvme.traddr));
	CHECK(!strcmp(again.nvme.hostnqn, cfg->nvme.hostnqn));
	CHECK(!strcmp(again.nvme.hostid, cfg->nvme.hostid));
	CHECK(again.nvme.trsvcid == cfg->nvme.trsvcid);
	CHECK(again.lock_pcr == cfg->lock_pcr && again.grace_ms == cfg->grace_ms);
	CHECK(!strcmp(again.tpm, cfg->tpm) && again.n_bundles == cfg->n_bundles);
}

/* Every setting is one line: validated values hold no newline. */
static void check_output(const struct tr_cmdline *cfg)
{
	char *buf = NULL;
	size_t len = 0, i, lines = 0;
	FILE *out = open_memstream(&buf, &len);

	CHECK(out);
	CHECK(tr_cmdline_write_shell(cfg, out) == 0);
	fclose(out);
	for (i = 0; i < len; i++)
		lines += buf[i] == '\n';
	CHECK(lines == SHELL_LINES);
	CHECK(!strncmp(buf, "TLSROOT_ROOT_KIND='", 19));
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &len);
	CHECK(out);
	CHECK(tr_cmdline_write_json(cfg, out) == 0);
	fclose(out);
	CHECK(buf[0] == '{' && !strcmp(buf + len - 3, "\n}\n"));
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tr_cmdline cfg;
	struct tr_cmdline_input in = { 0 };
	struct tr_error err;

	if (size < 1)
		return 0;
	in.text = (const char *)data + 1;
	in.len = size - 1;
	in.bundles_present = data[0] & 1;
	if (data[0] & 2)
		in.hostnqn.text = "nqn.2014-08.org.nvmexpress:uuid:f00d \n";
	if (data[0] & 4)
		in.hostid.text = "0c2e5f4a-1b2c-4d3e-8f90-a1b2c3d4e5f6\n";
	if (data[0] & 8)
		in.hostid.problem = "Permission denied";
	if (tr_cmdline_parse_input(&in, &cfg, &err) < 0) {
		CHECK(err.code == TR_EXIT_BADINPUT || err.code == TR_EXIT_FAILURE);
		CHECK(err.msg[0] && !strchr(err.msg, '\n'));
		return 0;
	}
	check_config(&cfg);
	check_output(&cfg);
	check_hostonly(&cfg);
	return 0;
}
