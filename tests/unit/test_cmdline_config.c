// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"

#define NFS_MTLS "root=nfs4:10.0.0.1:/export:vers=4.2,xprtsec=mtls,tls_identity=c1 "
#define NVME_TARGET "rd.tlsroot.nvme.traddr=10.0.0.2 rd.tlsroot.nvme.subsysnqn=nqn.2024-01.org.example:root "
#define HOSTID "0c2e5f4a-1b2c-4d3e-8f90-a1b2c3d4e5f6"
#define NVME NVME_TARGET "rd.tlsroot.nvme.hostid=" HOSTID " rd.tlsroot.nvme.hostnqn=nqn.2014-08.org.nvmexpress:uuid:9 "

static struct tr_cmdline cfg;
static struct tr_error err;

static int parse(const char *text)
{
	tr_error_clear(&err);
	return tr_cmdline_parse(text, strlen(text), &cfg, &err);
}

static void expect_error(const char *text, const char *needle)
{
	if (parse(text) == 0)
		fail_msg("accepted: %s", text);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	if (!strstr(err.msg, needle))
		fail_msg("for '%s': message '%s' lacks '%s'", text, err.msg,
			 needle);
	assert_null(strchr(err.msg, '\n'));
}

static void expect_ok(const char *text)
{
	if (parse(text) != 0)
		fail_msg("rejected '%s': %s", text, err.msg);
}

static void test_defaults(void **state)
{
	expect_ok("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet");
	assert_int_equal(cfg.root_kind, TR_ROOT_NONE);
	assert_int_equal(cfg.enabled, 0);
	assert_int_equal(cfg.tlsroot_seen, 0);
	assert_int_equal(cfg.n_bundles, 1);
	assert_string_equal(cfg.bundles[0], TR_DEFAULT_BUNDLES);
	assert_string_equal(cfg.tpm, TR_DEFAULT_TPM);
	assert_int_equal(cfg.tpm_timeout_s, TR_DEFAULT_TPM_TIMEOUT_S);
	assert_int_equal(cfg.lock_pcr, TR_DEFAULT_LOCK_PCR);
	assert_int_equal(cfg.grace_ms, TR_DEFAULT_GRACE_MS);
	assert_int_equal(cfg.handoff, TR_HANDOFF_TLSHD);
	assert_int_equal(cfg.debug, 0);
	assert_string_equal(cfg.truststore, TR_DEFAULT_TRUSTSTORE);
	assert_int_equal(cfg.nvme.trsvcid, 4420);
	assert_int_equal(cfg.nvme.reconnect_delay_s, 1);
	assert_int_equal(cfg.nvme.ctrl_loss_tmo_s, -1);
	assert_int_equal(cfg.nvme.nr_io_queues, 0);
	assert_int_equal(cfg.nvme.identity_version, 1);
}

static void test_last_occurrence_wins(void **state)
{
	expect_ok("rd.tlsroot.grace_ms=500 rd.tlsroot.grace_ms=700 "
		  "rd.tlsroot.handoff=tlshd rd.tlsroot.handoff=never "
		  "root=/dev/sda root=" "nfs4:s:/p:xprtsec=tls");
	assert_int_equal(cfg.grace_ms, 700);
	assert_int_equal(cfg.handoff, TR_HANDOFF_NEVER);
	assert_int_equal(cfg.root_kind, TR_ROOT_NFS);
	expect_ok("root=nfs4:s:/p:xprtsec=tls root=/dev/sda");
	assert_int_equal(cfg.root_kind, TR_ROOT_NONE);
}

static void test_bad_value_anywhere_is_error(void **state)
{
	expect_error("root=/dev/sda rd.tlsroot.grace_ms=abc rd.tlsroot.grace_ms=700",
		     "rd.tlsroot.grace_ms=abc");
}

static void test_bundles_repeat_and_replace_default(void **state)
{
	expect_ok("root=/dev/sda rd.tlsroot.bundle=/etc/tlsroot/a.bundle "
		  "rd.tlsroot.bundle=/etc/tlsroot/more");
	assert_int_equal(cfg.n_bundles, 2);
	assert_string_equal(cfg.bundles[0], "/etc/tlsroot/a.bundle");
	assert_string_equal(cfg.bundles[1], "/etc/tlsroot/more");
}

static void test_too_many_bundles(void **state)
{
	char text[1024] = "";
	int i;

	for (i = 0; i <= TR_CMDLINE_MAX_BUNDLES; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "rd.tlsroot.bundle=/b%d ", i);
	expect_error(text, "more than 16 bundles");
}

static void test_rd_prefix_required(void **state)
{
	expect_error("tlsroot.debug", "only with the rd. prefix: rd.tlsroot.debug");
	expect_ok("root=LABEL=r rd.tlsroot.debug");
	assert_int_equal(cfg.debug, 1);
}

static void test_dash_reads_as_underscore(void **state)
{
	expect_ok("rd.tlsroot.grace-ms=300 rd.tlsroot.nvme.ctrl-loss-tmo=30 " NVME);
	assert_int_equal(cfg.grace_ms, 300);
	assert_int_equal(cfg.nvme.ctrl_loss_tmo_s, 30);
}

static void test_unknown_option_lists_known(void **state)
{
	expect_error("rd.tlsroot.lockpcr=7", "did you mean rd.tlsroot.lock_pcr?");
	assert_non_null(strstr(err.msg, "known: rd.tlsroot.{bundle,"));
	expect_error("rd.tlsroot.frobnicate=1", "unknown option; known:");
	expect_error("rd.tlsroot=1", "rd.tlsroot=1: not required, desired or off");
	expect_error("rd.tlsrootdebug", "unknown option");
}

static void test_missing_value(void **state)
{
	expect_error("rd.tlsroot.lock_pcr", "rd.tlsroot.lock_pcr: needs a value");
	expect_error("rd.tlsroot.bundle", "needs a value: an absolute path");
}

struct case_ {
	const char *text;
	const char *needle;     /* NULL: must parse */
};

static const struct case_ option_cases[] = {
	{ "rd.tlsroot.bundle=/x/y.bundle", NULL },
	{ "rd.tlsroot.bundle=relative", "rd.tlsroot.bundle=relative: not an absolute path" },
	{ "rd.tlsroot.bundle=", "rd.tlsroot.bundle=: not an absolute path" },
	{ "rd.tlsroot.bundle=\"/a b\"", "not an absolute path" },
	{ "rd.tlsroot.tpm=/dev/tpm0", NULL },
	{ "rd.tlsroot.tpm=swtpm:host=localhost,port=2321", NULL },
	{ "rd.tlsroot.tpm=device", NULL },
	{ "rd.tlsroot.tpm=Bad:x", "rd.tlsroot.tpm=Bad:x: not a TPM device path" },
	{ "rd.tlsroot.tpm=:x", "not a TPM device path" },
	{ "rd.tlsroot.tpm_timeout=0", NULL },
	{ "rd.tlsroot.tpm_timeout=3600", NULL },
	{ "rd.tlsroot.tpm_timeout=3601", "rd.tlsroot.tpm_timeout=3601: not a number of seconds (0-3600)" },
	{ "rd.tlsroot.tpm_timeout=-1", "not a number of seconds" },
	{ "rd.tlsroot.tpm_timeout=1s", "not a number of seconds" },
	{ "rd.tlsroot.tpm_timeout=+5", "not a number of seconds" },
	{ "rd.tlsroot.lock_pcr=8", NULL },
	{ "rd.tlsroot.lock_pcr=15", NULL },
	{ "rd.tlsroot.lock_pcr=none", NULL },
	{ "rd.tlsroot.lock_pcr=7", "rd.tlsroot.lock_pcr=7: not a lock PCR (8-15, which nothing resets before a reboot) or \"none\"" },
	{ "rd.tlsroot.lock_pcr=16", "not a lock PCR (8-15" },
	{ "rd.tlsroot.lock_pcr=23", "not a lock PCR (8-15" },
	{ "rd.tlsroot.lock_pcr=99", "rd.tlsroot.lock_pcr=99: not a lock PCR (8-15, which nothing resets before a reboot) or \"none\"" },
	{ "rd.tlsroot.lock_pcr=None", "not a lock PCR" },
	{ "rd.tlsroot.identity=client-1.example@x+y_z", NULL },
	{ "rd.tlsroot.identity=a:b", "rd.tlsroot.identity=a:b: not an identity name" },
	{ "rd.tlsroot.identity=", "not an identity name" },
	{ "rd.tlsroot.identity=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "not an identity name" },
	{ "rd.tlsroot.handoff=tlshd", NULL },
	{ "rd.tlsroot.handoff=never", NULL },
	{ "rd.tlsroot.handoff=always", "rd.tlsroot.handoff=always: not \"tlshd\" or \"never\"" },
	{ "rd.tlsroot.grace_ms=100", NULL },
	{ "rd.tlsroot.grace_ms=8000", NULL },
	{ "rd.tlsroot.grace_ms=99", "rd.tlsroot.grace_ms=99: not a number of milliseconds (100-8000)" },
	{ "rd.tlsroot.grace_ms=99999999999999999999", "not a number of milliseconds" },
	{ "rd.tlsroot.debug=1", NULL },
	{ "rd.tlsroot.debug=", NULL },
	{ "rd.tlsroot.debug=off", NULL },
	{ "rd.tlsroot.debug=maybe", "rd.tlsroot.debug=maybe: not empty or a boolean" },
	{ "rd.tlsroot.truststore=/etc/tlsroot/ca.pem", NULL },
	{ "rd.tlsroot.truststore=ca.pem", "rd.tlsroot.truststore=ca.pem: not an absolute path" },
	{ NVME "rd.tlsroot.nvme.traddr=[fd00::2]", NULL },
	{ NVME "rd.tlsroot.nvme.traddr=fd00::2", NULL },
	{ NVME "rd.tlsroot.nvme.traddr=target.example", "rd.tlsroot.nvme.traddr=target.example: not a numeric IPv4 or IPv6 address" },
	{ NVME "rd.tlsroot.nvme.traddr=10.0.0.256", "not a numeric IPv4" },
	{ NVME "rd.tlsroot.nvme.trsvcid=4421", NULL },
	{ NVME "rd.tlsroot.nvme.trsvcid=0", "rd.tlsroot.nvme.trsvcid=0: not a TCP port (1-65535)" },
	{ NVME "rd.tlsroot.nvme.trsvcid=65536", "not a TCP port" },
	{ NVME "rd.tlsroot.nvme.subsysnqn=nqn.x,tls", "not an NQN" },
	{ NVME "rd.tlsroot.nvme.subsysnqn=iqn.2024-01.x", "not an NQN" },
	{ NVME "rd.tlsroot.nvme.hostnqn=nqn.2014-08.org.nvmexpress:uuid:0c2e", NULL },
	{ NVME "rd.tlsroot.nvme.hostnqn=\"nqn.a b\"", "rd.tlsroot.nvme.hostnqn=nqn.a b: not an NQN" },
	{ NVME "rd.tlsroot.nvme.hostid=0c2e5f4a-1b2c-4d3e-8f90-a1b2c3d4e5f6", NULL },
	{ NVME "rd.tlsroot.nvme.hostid=0c2e5f4a1b2c4d3e8f90a1b2c3d4e5f6", "not a UUID" },
	{ NVME "rd.tlsroot.nvme.hostid=0c2e5f4a-1b2c-4d3e-8f90-a1b2c3d4e5fg", "not a UUID" },
	{ NVME "rd.tlsroot.nvme.identity=0", NULL },
	{ NVME "rd.tlsroot.nvme.identity=2", "rd.tlsroot.nvme.identity=2: not a PSK identity version, 0 or 1" },
	{ NVME "rd.tlsroot.nvme.reconnect_delay=10", NULL },
	{ NVME "rd.tlsroot.nvme.reconnect_delay=0", "not a number of seconds (1-3600)" },
	{ NVME "rd.tlsroot.nvme.ctrl_loss_tmo=-1", NULL },
	{ NVME "rd.tlsroot.nvme.ctrl_loss_tmo=600", NULL },
	{ NVME "rd.tlsroot.nvme.ctrl_loss_tmo=-2", "rd.tlsroot.nvme.ctrl_loss_tmo=-2: not -1 (retry forever)" },
	{ NVME "rd.tlsroot.nvme.nr_io_queues=4", NULL },
	{ NVME "rd.tlsroot.nvme.nr_io_queues=1025", "not a queue count" },
};

/* A local root, so that general options alone are a valid command line. */
static void test_every_option_value(void **state)
{
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(option_cases) / sizeof(option_cases[0]); i++) {
		snprintf(text, sizeof(text), "root=/dev/vda1 %s",
			 option_cases[i].text);
		if (option_cases[i].needle)
			expect_error(text, option_cases[i].needle);
		else
			expect_ok(text);
	}
}

static void test_tlsroot_needs_a_named_root(void **state)
{
	expect_error("rd.tlsroot.debug", "root: rd.tlsroot.* options are given but the root is not named");
	expect_error("root=dhcp rd.tlsroot.lock_pcr=14", "root=dhcp: the root would come from DHCP's root-path without TLS while rd.tlsroot.* options ask for tlsroot");
	expect_ok("root=dhcp");
	expect_ok("");
	expect_ok("root=UUID=1 rd.tlsroot.debug");
	assert_int_equal(cfg.root_kind, TR_ROOT_NONE);
}

static void test_values_land_in_config(void **state)
{
	expect_ok("root=/dev/vda rd.tlsroot.tpm=/dev/tpm0 rd.tlsroot.tpm_timeout=5 "
		  "rd.tlsroot.lock_pcr=none rd.tlsroot.identity=web1 "
		  "rd.tlsroot.handoff=never rd.tlsroot.debug=0 "
		  "rd.tlsroot.truststore=/etc/ca.pem");
	assert_string_equal(cfg.tpm, "device:/dev/tpm0");
	assert_int_equal(cfg.tpm_timeout_s, 5);
	assert_int_equal(cfg.lock_pcr, TR_LOCK_PCR_NONE);
	assert_string_equal(cfg.identity, "web1");
	assert_int_equal(cfg.handoff, TR_HANDOFF_NEVER);
	assert_int_equal(cfg.debug, 0);
	assert_string_equal(cfg.truststore, "/etc/ca.pem");
	assert_int_equal(cfg.tlsroot_seen, 1);
}

static void test_nfs_mtls_root(void **state)
{
	expect_ok(NFS_MTLS "rd.tlsroot.grace_ms=1000");
	assert_int_equal(cfg.root_kind, TR_ROOT_NFS);
	assert_int_equal(cfg.enabled, 1);
	assert_string_equal(cfg.nfs.server, "10.0.0.1");
	assert_string_equal(cfg.nfs.options, "vers=4.2,xprtsec=mtls,tls_identity=c1");
	assert_string_equal(cfg.identity, "c1");
}

static void test_nfs_plain_without_tlsroot_is_not_enabled(void **state)
{
	expect_ok("root=nfs:10.0.0.1:/export:vers=3");
	assert_int_equal(cfg.root_kind, TR_ROOT_NFS);
	assert_int_equal(cfg.enabled, 0);
}

static void test_nfs_never_plaintext_with_tlsroot(void **state)
{
	expect_error("root=nfs4:s:/p:xprtsec=none rd.tlsroot.debug",
		     "would mount without TLS (xprtsec=none) while rd.tlsroot.* options ask for tlsroot; add xprtsec=mtls,tls_identity=NAME");
	expect_error("root=nfs4:s:/p rd.tlsroot.grace_ms=500",
		     "would mount without TLS (no xprtsec=)");
}

static void test_nfs_identity_needs_mtls(void **state)
{
	expect_error("root=nfs4:s:/p:xprtsec=tls,tls_identity=c1",
		     "tls_identity needs xprtsec=mtls");
	expect_error("root=nfs4:s:/p:tls_identity=c1", "needs xprtsec=mtls");
}

static void test_nfs_mtls_needs_identity(void **state)
{
	expect_error("root=nfs4:s:/p:xprtsec=mtls", "needs a client identity");
	expect_ok("root=nfs4:s:/p:xprtsec=mtls rd.tlsroot.identity=c2");
	assert_string_equal(cfg.identity, "c2");
	expect_ok("root=nfs4:s:/p:xprtsec=mtls,tls_identity=c2 rd.tlsroot.identity=c2");
	expect_error("root=nfs4:s:/p:xprtsec=mtls,tls_identity=c1 rd.tlsroot.identity=c2",
		     "disagrees with rd.tlsroot.identity=c2");
}

static void test_nfs_tls_needs_server_on_cmdline(void **state)
{
	expect_error("root=nfs4:/p:xprtsec=tls", "needs SERVER and /PATH");
	expect_error("root=/dev/nfs rd.tlsroot.debug", "takes its server or path from DHCP and would mount without TLS");
	expect_ok("root=/dev/nfs");
	assert_int_equal(cfg.root_kind, TR_ROOT_NFS);
	assert_string_equal(cfg.nfs.fstype, "nfs");
}

static void test_nfs_key_serials_rejected(void **state)
{
	expect_error("root=nfs4:s:/p:xprtsec=mtls,cert_serial=5,privkey_serial=6 rd.tlsroot.identity=a",
		     "key serials change every boot");
}

static void test_nfsroot_legacy(void **state)
{
	expect_ok("root=/dev/nfs nfsroot=10.0.0.1:/export,vers=4.2,xprtsec=tls");
	assert_int_equal(cfg.enabled, 1);
	assert_string_equal(cfg.nfs.path, "/export");
	assert_string_equal(cfg.nfs.options, "vers=4.2,xprtsec=tls");
	expect_ok("root=/dev/nfs nfsroot=[fd00::1]:/e,xprtsec=tls");
	assert_string_equal(cfg.nfs.server, "fd00::1");
	/* dracut dies on nfsroot= without root=/dev/nfs (parse-nfsroot.sh) */
	expect_error("root=/dev/sda nfsroot=10.0.0.1:/export,xprtsec=tls",
		     "dracut reads nfsroot= only with root=/dev/nfs");
	expect_error("nfsroot=10.0.0.1:/export,xprtsec=tls",
		     "add root=/dev/nfs");
}

static void test_nvme_root(void **state)
{
	expect_ok(NVME_TARGET "rd.nvmf.hostnqn=nqn.2014-08.org.nvmexpress:uuid:1 "
		  "rd.nvmf.hostid=0c2e5f4a-1b2c-4d3e-8f90-a1b2c3d4e5f6 "
		  "rd.tlsroot.nvme.nr_io_queues=4 root=UUID=1234");
	assert_int_equal(cfg.root_kind, TR_ROOT_NVME);
	assert_int_equal(cfg.enabled, 1);
	assert_string_equal(cfg.nvme.traddr, "10.0.0.2");
	assert_string_equal(cfg.nvme.hostnqn, "nqn.2014-08.org.nvmexpress:uuid:1");
	assert_string_equal(cfg.nvme.hostid, "0c2e5f4a-1b2c-4d3e-8f90-a1b2c3d4e5f6");
	assert_int_equal(cfg.nvme.nr_io_queues, 4);
}

static void test_nvme_own_ids_beat_nvmf(void **state)
{
	expect_ok(NVME_TARGET "rd.tlsroot.nvme.hostnqn=nqn.a:mine rd.nvmf.hostnqn=nqn.b:theirs "
		  "rd.nvmf.hostid=" HOSTID);
	assert_string_equal(cfg.nvme.hostnqn, "nqn.a:mine");
	assert_string_equal(cfg.nvme.hostnqn_source, "rd.tlsroot.nvme.hostnqn");
	assert_string_equal(cfg.nvme.hostid_source, "rd.nvmf.hostid");
	expect_error(NVME_TARGET "rd.nvmf.hostnqn=bogus", "rd.nvmf.hostnqn=bogus: not an NQN");
	expect_error(NVME_TARGET "rd.nvmf.hostnqn=nqn.a:b rd.nvmf.hostid=bogus",
		     "rd.nvmf.hostid=bogus: not a UUID");
}

static void test_nvme_incomplete_or_conflicting(void **state)
{
	expect_error("rd.tlsroot.nvme.subsysnqn=nqn.a:b", "rd.tlsroot.nvme.traddr: missing");
	expect_error("rd.tlsroot.nvme.traddr=10.0.0.2", "rd.tlsroot.nvme.subsysnqn: missing");
	expect_error(NVME NFS_MTLS, "a machine boots from one root");
	expect_error(NVME "rd.nvmf.discover=tcp,10.0.0.2,,4420",
		     "rd.nvmf.discover=tcp,10.0.0.2,,4420: dracut's nvmf module would connect without TLS while rd.tlsroot.* options ask for tlsroot; name the boot connection with rd.tlsroot.nvme.* instead");
	expect_ok("rd.nvmf.discover=tcp,10.0.0.2,,4420");
}

static void test_hostile_bytes_in_messages(void **state)
{
	expect_error("rd.tlsroot.identity=\"a\x1b[2Jb\"", "rd.tlsroot.identity=a?[2Jb:");
	expect_error("rd.tlsroot.\x1b[31m=1", "rd.tlsroot.?[31m: unknown");
}

static void test_nul_and_size_limits(void **state)
{
	static char big[TR_CMDLINE_MAX_BYTES + 2];

	assert_int_equal(tr_cmdline_parse("a\0b", 3, &cfg, &err), -1);
	assert_non_null(strstr(err.msg, "NUL"));
	memset(big, ' ', sizeof(big));
	assert_int_equal(tr_cmdline_parse(big, sizeof(big), &cfg, &err), -1);
	assert_non_null(strstr(err.msg, "more than 65536"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_last_occurrence_wins),
		cmocka_unit_test(test_bad_value_anywhere_is_error),
		cmocka_unit_test(test_bundles_repeat_and_replace_default),
		cmocka_unit_test(test_too_many_bundles),
		cmocka_unit_test(test_rd_prefix_required),
		cmocka_unit_test(test_dash_reads_as_underscore),
		cmocka_unit_test(test_unknown_option_lists_known),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_every_option_value),
		cmocka_unit_test(test_tlsroot_needs_a_named_root),
		cmocka_unit_test(test_values_land_in_config),
		cmocka_unit_test(test_nfs_mtls_root),
		cmocka_unit_test(test_nfs_plain_without_tlsroot_is_not_enabled),
		cmocka_unit_test(test_nfs_never_plaintext_with_tlsroot),
		cmocka_unit_test(test_nfs_identity_needs_mtls),
		cmocka_unit_test(test_nfs_mtls_needs_identity),
		cmocka_unit_test(test_nfs_tls_needs_server_on_cmdline),
		cmocka_unit_test(test_nfs_key_serials_rejected),
		cmocka_unit_test(test_nfsroot_legacy),
		cmocka_unit_test(test_nvme_root),
		cmocka_unit_test(test_nvme_own_ids_beat_nvmf),
		cmocka_unit_test(test_nvme_incomplete_or_conflicting),
		cmocka_unit_test(test_hostile_bytes_in_messages),
		cmocka_unit_test(test_nul_and_size_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
