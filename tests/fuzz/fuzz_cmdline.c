// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness for the kernel command-line parser. Beyond "no crash,
 * no leak", every accepted command line must give a configuration that
 * keeps the promises of tlsroot.cmdline(7), and output that hooks can eval.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "invariant failed: %s\n", #cond); abort(); } } while (0)

#define SHELL_LINES 28

static void check_nfs(const struct tr_cmdline *cfg)
{
	const struct tr_nfs_root *nfs = &cfg->nfs;
	struct tr_nfs_options_info info;
	struct tr_error err;
	int tls = nfs->xprtsec == TR_XPRTSEC_TLS ||
		  nfs->xprtsec == TR_XPRTSEC_MTLS;

	CHECK(tr_nfs_options_parse(nfs->options, &info, &err) == 0);
	CHECK(info.xprtsec == nfs->xprtsec);
	CHECK(!info.has_key_serials);
	CHECK(!strcmp(nfs->fstype, "nfs") || !strcmp(nfs->fstype, "nfs4"));
	CHECK(cfg->enabled == tls);
	/* Never plaintext once tlsroot is asked for. */
	CHECK(!cfg->tlsroot_seen || tls);
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
		CHECK(cfg->enabled);
		CHECK(cfg->nvme.traddr[0] && cfg->nvme.subsysnqn[0]);
		CHECK(!strpbrk(cfg->nvme.subsysnqn, ", ="));
		CHECK(cfg->nvme.trsvcid >= 1 && cfg->nvme.trsvcid <= 65535);
	}
	if (cfg->root_kind == TR_ROOT_NONE)
		CHECK(!cfg->enabled);
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
	struct tr_cmdline cfg;
	struct tr_error err;

	if (tr_cmdline_parse((const char *)data, size, &cfg, &err) < 0) {
		CHECK(err.code == TR_EXIT_BADINPUT || err.code == TR_EXIT_FAILURE);
		CHECK(err.msg[0] && !strchr(err.msg, '\n'));
		return 0;
	}
	check_config(&cfg);
	check_output(&cfg);
	return 0;
}
