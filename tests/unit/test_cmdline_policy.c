// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The root in every spelling dracut accepts, the rd.tlsroot= policy
 * ("required means required"), the NVMe host identity and its files, and
 * the host-only options (tlsroot.cmdline(7), tlsroot-cmdline(8)).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"

#define HOSTNQN "nqn.2014-08.org.nvmexpress:uuid:5a1e"
#define HOSTID "0c2e5f4a-1b2c-4d3e-8f90-a1b2c3d4e5f6"
#define NVME_TARGET "rd.tlsroot.nvme.traddr=10.0.0.2 " \
	"rd.tlsroot.nvme.subsysnqn=nqn.2024-01.org.example:root "
#define MOUNTS_OPTIONS "rw,relatime,vers=4.2,rsize=1048576,wsize=1048576," \
	"namlen=255,hard,fatal_neterrors=ENETDOWN:ENETUNREACH,proto=tcp," \
	"timeo=600,retrans=2,sec=sys,clientaddr=192.0.2.2,local_lock=none," \
	"xprtsec=mtls"
#define BUNDLES_WHY "while rd.tlsroot=required (the default: this initramfs carries sealed tlsroot bundles)"
#define CMDLINE_WHY "while rd.tlsroot=required (on the command line)"
#define MIGRATION "or boot with rd.tlsroot=desired to allow a plaintext root during a migration"

static struct tr_cmdline cfg;
static struct tr_error err;
static struct tr_cmdline_input in;

static void reset(void)
{
	memset(&in, 0, sizeof(in));
}

static int parse(const char *text)
{
	in.text = text;
	in.len = strlen(text);
	tr_error_clear(&err);
	return tr_cmdline_parse_input(&in, &cfg, &err);
}

static void expect_ok(const char *text)
{
	if (parse(text) != 0)
		fail_msg("rejected '%s': %s", text, err.msg);
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

struct spelling {
	const char *text;
	const char *server;
	const char *path;
	const char *options;
	enum tr_xprtsec xprtsec;
	const char *identity;   /* cfg.identity */
};

/* Each as dracut 106's parse-nfsroot.sh and nfs-lib.sh split it. */
static const struct spelling spellings[] = {
	{ "root=nfs:192.0.2.1:/export:vers=3", "192.0.2.1", "/export",
	  "vers=3", TR_XPRTSEC_UNSET, "" },
	{ "root=nfs4:192.0.2.1:/export:xprtsec=mtls,tls_identity=c1",
	  "192.0.2.1", "/export", "xprtsec=mtls,tls_identity=c1",
	  TR_XPRTSEC_MTLS, "c1" },
	{ "root=192.0.2.1:/export:xprtsec=mtls,tls_identity=c1", "192.0.2.1",
	  "/export", "xprtsec=mtls,tls_identity=c1", TR_XPRTSEC_MTLS, "c1" },
	{ "root=192.0.2.1:/export rd.tlsroot.identity=c1 rd.tlsroot=desired",
	  "192.0.2.1", "/export", "", TR_XPRTSEC_UNSET, "c1" },
	{ "root=/srv/root", "", "/srv/root", "", TR_XPRTSEC_UNSET, "" },
	{ "root=/dev/nfs nfsroot=192.0.2.1:/export,vers=4.2,xprtsec=tls",
	  "192.0.2.1", "/export", "vers=4.2,xprtsec=tls", TR_XPRTSEC_TLS, "" },
	{ "root=/dev/nfs nfsroot=192.0.2.1:/export:xprtsec=tls", "192.0.2.1",
	  "/export", "xprtsec=tls", TR_XPRTSEC_TLS, "" },
	{ "root=nfs4:srv:/e,vers=4.2,xprtsec=tls", "srv", "/e",
	  "vers=4.2,xprtsec=tls", TR_XPRTSEC_TLS, "" },
	{ "root=nfs4:[fd00::1]:/export:xprtsec=tls,addr=fd00::1", "fd00::1",
	  "/export", "xprtsec=tls,addr=fd00::1", TR_XPRTSEC_TLS, "" },
	{ "root=nfs:[fd00::1]:/export", "fd00::1", "/export", "",
	  TR_XPRTSEC_UNSET, "" },
	{ "root=nfs:vers=4.2,xprtsec=tls:192.0.2.1:/export", "192.0.2.1",
	  "/export", "vers=4.2,xprtsec=tls", TR_XPRTSEC_TLS, "" },
	{ "root=nfs:xprtsec=tls:[fd00::1]:/e", "fd00::1", "/e", "xprtsec=tls",
	  TR_XPRTSEC_TLS, "" },
	{ "root=/dev/vda netroot=nfs4:192.0.2.1:/e:xprtsec=tls", "192.0.2.1",
	  "/e", "xprtsec=tls", TR_XPRTSEC_TLS, "" },
	{ "root=nfs4", "", "", "", TR_XPRTSEC_UNSET, "" },
	{ "root=/dev/nfs", "", "", "", TR_XPRTSEC_UNSET, "" },
	{ "root=nfs4:192.0.2.1:/srv:" MOUNTS_OPTIONS ",addr=192.0.2.1 "
	  "rd.tlsroot.identity=c1", "192.0.2.1", "/srv",
	  MOUNTS_OPTIONS ",addr=192.0.2.1", TR_XPRTSEC_MTLS, "c1" },
};

static void test_every_nfs_spelling(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		const struct spelling *s = &spellings[i];

		reset();
		expect_ok(s->text);
		if (cfg.root_kind != TR_ROOT_NFS)
			fail_msg("'%s': not an NFS root", s->text);
		assert_string_equal(cfg.nfs.server, s->server);
		assert_string_equal(cfg.nfs.path, s->path);
		assert_string_equal(cfg.nfs.options, s->options);
		assert_int_equal(cfg.nfs.xprtsec, s->xprtsec);
		assert_string_equal(cfg.identity, s->identity);
		assert_int_equal(cfg.enabled, s->xprtsec == TR_XPRTSEC_TLS ||
				 s->xprtsec == TR_XPRTSEC_MTLS);
	}
}

/* The host-only root= of kernel 7.x: /proc/mounts redacts key serials. */
static void test_hostonly_root_with_redacted_serials(void **state)
{
	static const char root[] = "root=nfs4:192.0.2.1:/srv:" MOUNTS_OPTIONS
		",cert_serial=<redacted>,privkey_serial=<redacted>,addr=192.0.2.1 ";
	char text[1024];

	reset();
	snprintf(text, sizeof(text), "%srd.tlsroot.identity=c1", root);
	expect_ok(text);
	assert_int_equal(cfg.nfs.key_serials_redacted, 1);
	assert_string_equal(cfg.nfs.tls_identity, "c1");
	assert_int_equal(cfg.enabled, 1);
	expect_error(root, "name no identity; add rd.tlsroot.identity=NAME");
	expect_error("root=nfs4:s:/e:xprtsec=tls,cert_serial=<redacted>,privkey_serial=<redacted> rd.tlsroot.identity=c1",
		     "need xprtsec=mtls");
	expect_error("root=nfs4:s:/e:xprtsec=mtls,cert_serial=<redacted> rd.tlsroot.identity=c1",
		     "key serials change every boot");
	expect_error("root=nfs4:s:/e:xprtsec=mtls,tls_identity=c1,cert_serial=<redacted>,privkey_serial=<redacted>",
		     "tls_identity cannot be combined with cert_serial");
}

static void test_spellings_dracut_misreads(void **state)
{
	reset();
	expect_error("root=nfs://srv/export",
		     "root=nfs://srv/export: dracut does not read the RFC 2224 form");
	expect_error("root=[fd00::1]:/export:xprtsec=tls",
		     "dracut reads no root from this");
	expect_error("root=nfs4:srv:/e,vers=4.2:xprtsec=mtls",
		     "dracut reads the options after ',' and drops everything after the next ':'");
	expect_error("root=/dev/nfs nfsroot=srv:/e,fatal_neterrors=ENETDOWN:ENETUNREACH",
		     "an option value with ':' cannot be given in the ',' form");
	expect_error("root=nfs:srv:/e:a=x:/y", "':/' appears twice");
	expect_error("root=nfs:xprtsec=mtls,tls_identity=c1:192.0.2.1:/e",
		     "tlsroot rewrites tls_identity only in options after the path");
	expect_error("root=nfs:ro:srv:/e:vers=3",
		     "takes no ':OPTIONS' after the path");
	expect_error("root=192.0.2.1", "no export path");
	expect_error("root=nfs4:fd00::1:/e", "an IPv6 server goes in brackets");
	expect_error("root=/dev/sda nfsroot=srv:/e",
		     "nfsroot=srv:/e: dracut reads nfsroot= only with root=/dev/nfs");
}

static void test_required_from_bundles(void **state)
{
	reset();
	in.bundles_present = 1;
	expect_ok("root=nfs4:192.0.2.1:/e:xprtsec=mtls,tls_identity=c1");
	assert_int_equal(cfg.policy, TR_POLICY_REQUIRED);
	assert_int_equal(cfg.policy_source, TR_POLICY_FROM_BUNDLES);
	assert_int_equal(cfg.plaintext_root, 0);
	expect_error("root=192.0.2.1:/export",
		     "root=192.0.2.1:/export: this NFS root would mount without TLS (no xprtsec=) " BUNDLES_WHY
		     "; add xprtsec=mtls,tls_identity=NAME (or xprtsec=tls) to its options, " MIGRATION);
	expect_error("root=nfs4:s:/e:xprtsec=none", "(xprtsec=none) " BUNDLES_WHY);
	/* A block root may be a local disk: pre-pivot checks NVMe/TCP. */
	expect_ok("root=UUID=0a1b");
	expect_ok("root=LABEL=r ro");
	expect_ok("root=/dev/vda1");
	expect_ok("quiet");
	assert_int_equal(cfg.plaintext_root, 0);
	assert_int_equal(cfg.enabled, 0);
}

struct refusal {
	const char *text;
	const char *needle;
};

/* Every plaintext root stops the boot under required, whatever spelling. */
static const struct refusal required_refusals[] = {
	{ "root=dhcp", "root=dhcp: the root would come from DHCP's root-path without TLS " CMDLINE_WHY "; name a TLS root: root=nfs4:SERVER:/PATH:xprtsec=mtls,tls_identity=NAME or rd.tlsroot.nvme.*, " MIGRATION },
	{ "root=dhcp6", "root=dhcp6: the root would come from DHCP" },
	{ "netroot=dhcp", "netroot=dhcp: the root would come from DHCP" },
	{ "root=UUID=1 netroot=dhcp6", "netroot=dhcp6: the root would come from DHCP" },
	{ "root=/dev/nfs", "root=/dev/nfs: this NFS root takes its server or path from DHCP and would mount without TLS " CMDLINE_WHY },
	{ "root=nfs4", "takes its server or path from DHCP" },
	{ "root=/srv/root", "root=/srv/root: this NFS root takes its server or path from DHCP" },
	{ "root=192.0.2.1:/e", "root=192.0.2.1:/e: this NFS root would mount without TLS (no xprtsec=) " CMDLINE_WHY },
	{ "root=/dev/nfs nfsroot=192.0.2.1:/e,vers=3", "nfsroot=192.0.2.1:/e,vers=3: this NFS root would mount without TLS" },
	{ "root=/dev/vda netroot=nfs:192.0.2.1:/e", "netroot=nfs:192.0.2.1:/e: this NFS root would mount without TLS" },
	{ "root=iscsi:192.0.2.1::::iqn.2024-01.org.example:t", "(iSCSI, NBD or CIFS) would connect without TLS" },
	{ "root=UUID=1 netroot=nbd:192.0.2.1:root", "netroot=nbd:192.0.2.1:root: this network root" },
	{ "root=UUID=1 rd.nvmf.discover=tcp,10.0.0.2,,4420", "rd.nvmf.discover=tcp,10.0.0.2,,4420: dracut's nvmf module would connect without TLS " CMDLINE_WHY "; name the boot connection with rd.tlsroot.nvme.* instead, " MIGRATION },
	{ "root=UUID=1 nvmf.discover=tcp,10.0.0.2", "nvmf.discover=tcp,10.0.0.2: dracut's nvmf module" },
};

static void test_required_refuses_every_plaintext_root(void **state)
{
	char text[512];
	size_t i;

	reset();
	for (i = 0; i < sizeof(required_refusals) / sizeof(required_refusals[0]); i++) {
		snprintf(text, sizeof(text), "rd.tlsroot=required %s",
			 required_refusals[i].text);
		expect_error(text, required_refusals[i].needle);
	}
}

/* A host-only image of an NVMe/TCP TLS root: dracut's nvmf module saves
 * rd.nvmf.discover= for the controller tlsroot made, 55tlsroot rd.nonvmf. */
static void test_nonvmf_keeps_nvmf_out(void **state)
{
	static const char nvme[] = "root=UUID=1 rd.tlsroot.nvme.traddr=192.0.2.1 "
		"rd.tlsroot.nvme.subsysnqn=nqn.2026-01.org.example:root "
		"rd.nvmf.hostnqn=nqn.2014-08.org.nvmexpress:uuid:1 "
		"rd.nvmf.hostid=6d3c9a40-5a1e-4b0c-8c2e-7a1b2c3d4e5f "
		"rd.nvmf.discover=tcp,192.0.2.1,,4420";
	char text[512];

	reset();
	in.bundles_present = 1;
	expect_error(nvme, "rd.nvmf.discover=tcp,192.0.2.1,,4420: dracut's nvmf module would connect without TLS");
	snprintf(text, sizeof(text), "%s rd.nonvmf", nvme);
	expect_ok(text);
	assert_int_equal(cfg.root_kind, TR_ROOT_NVME);
	snprintf(text, sizeof(text), "%s rd.nonvmf=1", nvme);
	expect_ok(text);
	snprintf(text, sizeof(text), "%s rd.nonvmf=0", nvme);
	expect_error(text, "dracut's nvmf module would connect without TLS");
	expect_error("rd.nonvmf=no rd.tlsroot=required root=UUID=1 rd.nvmf.discover=tcp,10.0.0.2",
		     "dracut's nvmf module would connect without TLS");
	(void)state;
}

static void test_desired_lets_plaintext_through_and_says_so(void **state)
{
	char text[512];
	size_t i;

	reset();
	for (i = 0; i < sizeof(required_refusals) / sizeof(required_refusals[0]); i++) {
		snprintf(text, sizeof(text), "rd.tlsroot=desired %s",
			 required_refusals[i].text);
		expect_ok(text);
		assert_int_equal(cfg.plaintext_root, 1);
		assert_int_equal(cfg.enabled, 0);
	}
	in.bundles_present = 1;
	expect_ok("root=192.0.2.1:/e rd.tlsroot.identity=c1 rd.tlsroot=desired");
	assert_int_equal(cfg.policy, TR_POLICY_DESIRED);
	assert_int_equal(cfg.policy_source, TR_POLICY_FROM_CMDLINE);
	assert_string_equal(cfg.plaintext_reason,
			    "root=192.0.2.1:/e: this NFS root would mount without TLS (no xprtsec=)");
	expect_ok("root=nfs4:s:/e:xprtsec=tls rd.tlsroot=desired");
	assert_int_equal(cfg.plaintext_root, 0);
	assert_int_equal(cfg.enabled, 1);
}

/* Without bundles, desired is the default; rd.tlsroot.* still asks for TLS. */
static void test_default_desired_with_options(void **state)
{
	reset();
	expect_ok("root=192.0.2.1:/export");
	assert_int_equal(cfg.policy, TR_POLICY_DESIRED);
	assert_int_equal(cfg.policy_source, TR_POLICY_FROM_DEFAULT);
	assert_int_equal(cfg.root_kind, TR_ROOT_NFS);
	assert_int_equal(cfg.plaintext_root, 1);
	expect_error("root=192.0.2.1:/export rd.tlsroot.identity=c1",
		     "root=192.0.2.1:/export: this NFS root would mount without TLS (no xprtsec=) while rd.tlsroot.* options ask for tlsroot");
	expect_error("root=dhcp rd.tlsroot.debug", "while rd.tlsroot.* options ask for tlsroot");
	expect_ok("root=192.0.2.1:/export:xprtsec=mtls,tls_identity=c1");
	assert_int_equal(cfg.enabled, 1);
}

static void test_off(void **state)
{
	reset();
	in.bundles_present = 1;
	expect_ok("rd.tlsroot=off root=192.0.2.1:/e rd.tlsroot.debug");
	assert_int_equal(cfg.policy, TR_POLICY_OFF);
	assert_int_equal(cfg.policy_source, TR_POLICY_FROM_CMDLINE);
	assert_int_equal(cfg.enabled, 0);
	expect_ok("rd.tlsroot=off root=dhcp");
	expect_error("rd.tlsroot=off root=nfs4:s:/e:xprtsec=mtls,tls_identity=c1",
		     "this NFS root asks for TLS (xprtsec=mtls) but rd.tlsroot=off: nothing in the initramfs would answer its handshake");
	expect_error("rd.tlsroot=off root=nfs4:s:/e:xprtsec=tls", "(xprtsec=tls) but rd.tlsroot=off");
	expect_error("rd.tlsroot=off " NVME_TARGET, "rd.tlsroot.nvme.*: name a TLS boot connection that only tlsroot makes, but rd.tlsroot=off");
	/* Syntax is still checked. */
	expect_error("rd.tlsroot=off rd.tlsroot.lock_pcr=99", "rd.tlsroot.lock_pcr=99");
	expect_error("rd.tlsroot=off root=nfs://s/p", "RFC 2224");
}

static void test_policy_values(void **state)
{
	reset();
	expect_error("rd.tlsroot=maybe", "rd.tlsroot=maybe: not required, desired or off");
	expect_error("rd.tlsroot", "rd.tlsroot: needs a value: required, desired or off");
	expect_ok("rd.tlsroot=off rd.tlsroot=required root=UUID=1");
	assert_int_equal(cfg.policy, TR_POLICY_REQUIRED);
	/* rd.tlsroot= alone asks for no TLS: a block root stays fine. */
	assert_int_equal(cfg.tlsroot_seen, 0);
	assert_string_equal(tr_policy_name(TR_POLICY_OFF), "off");
	assert_string_equal(tr_policy_source_name(TR_POLICY_FROM_BUNDLES), "bundles");
}

static void test_unnamed_root(void **state)
{
	reset();
	expect_error("rd.tlsroot.debug", "root: rd.tlsroot.* options are given but the root is not named (no root=)");
	expect_ok("rd.tlsroot.debug rd.tlsroot=desired");
	in.bundles_present = 1;
	expect_ok("quiet");     /* systemd's gpt-auto: a local disk */
	expect_error("rd.tlsroot.debug", "the root is not named");
}

static void test_nvme_host_from_files(void **state)
{
	reset();
	in.hostnqn.text = HOSTNQN " \n\n";
	in.hostid.text = HOSTID "\n";
	expect_ok(NVME_TARGET "root=UUID=1");
	assert_string_equal(cfg.nvme.hostnqn, HOSTNQN);
	assert_string_equal(cfg.nvme.hostid, HOSTID);
	assert_string_equal(cfg.nvme.hostnqn_source, "/etc/nvme/hostnqn");
	assert_string_equal(cfg.nvme.hostid_source, "/etc/nvme/hostid");
	in.hostnqn.path = "/sysroot/etc/nvme/hostnqn";
	expect_ok(NVME_TARGET "rd.nvmf.hostid=" HOSTID);
	assert_string_equal(cfg.nvme.hostnqn_source, "/sysroot/etc/nvme/hostnqn");
	assert_string_equal(cfg.nvme.hostid_source, "rd.nvmf.hostid");
	/* rd.nvmf. wins over the deprecated nvmf. wherever it stands. */
	expect_ok("rd.nvmf.hostnqn=nqn.a:new " NVME_TARGET "nvmf.hostnqn=nqn.a:old");
	assert_string_equal(cfg.nvme.hostnqn, "nqn.a:new");
	expect_ok(NVME_TARGET "nvmf.hostnqn=nqn.a:old");
	assert_string_equal(cfg.nvme.hostnqn_source, "nvmf.hostnqn");
	expect_ok(NVME_TARGET "rd.tlsroot.nvme.hostnqn=nqn.a:mine rd.nvmf.hostnqn=nqn.a:theirs");
	assert_string_equal(cfg.nvme.hostnqn, "nqn.a:mine");
	/* A plaintext root never reads them. */
	in.hostid.text = "garbage";
	expect_ok("root=UUID=1");
	assert_string_equal(cfg.nvme.hostid, "");
}

static void test_nvme_host_refusals(void **state)
{
	reset();
	expect_error(NVME_TARGET,
		     "rd.tlsroot.nvme.hostnqn: missing: the NVMe/TCP boot connection needs a host NQN and neither rd.tlsroot.nvme.hostnqn=, rd.nvmf.hostnqn= nor /etc/nvme/hostnqn gives one; write /etc/nvme/hostnqn (nvme gen-hostnqn) and rebuild the initramfs, or give rd.tlsroot.nvme.hostnqn=NQN");
	in.hostnqn.text = HOSTNQN "\n";
	expect_error(NVME_TARGET,
		     "rd.tlsroot.nvme.hostid: missing: the host NQN (from /etc/nvme/hostnqn) has no host ID, and the kernel pairs it with its default host's random ID and refuses the connect (\"found same hostid ... but different hostnqn\"); write /etc/nvme/hostid (uuidgen) and rebuild the initramfs, or give rd.tlsroot.nvme.hostid=UUID");
	in.hostid.text = "0c2e5f4a1b2c\n";
	expect_error(NVME_TARGET,
		     "/etc/nvme/hostid: '0c2e5f4a1b2c' is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); fix the file (uuidgen >/etc/nvme/hostid) and rebuild the initramfs, or give rd.tlsroot.nvme.hostid=");
	in.hostid.text = HOSTID "\n" HOSTID "\n";
	expect_error(NVME_TARGET, "is not a UUID");
	in.hostid.text = NULL;
	in.hostid.problem = "Permission denied";
	expect_error(NVME_TARGET, "/etc/nvme/hostid: cannot read it (Permission denied)");
	in.hostnqn.text = "iqn.x\n";
	expect_error(NVME_TARGET, "/etc/nvme/hostnqn: 'iqn.x' is not an NQN");
}

static char line[TR_HOSTONLY_OPTIONS_MAX];

static const char *hostonly(const char *text)
{
	expect_ok(text);
	if (tr_cmdline_hostonly_options(&cfg, line, sizeof(line), &err) < 0)
		fail_msg("'%s': %s", text, err.msg);
	return line;
}

static void test_hostonly_options(void **state)
{
	reset();
	/* dracut's nfs module saves root= without tls_identity. */
	assert_string_equal(hostonly("root=nfs4:s:/e:xprtsec=mtls,tls_identity=c1"),
			    "rd.tlsroot.identity=c1");
	assert_string_equal(hostonly("root=nfs4:s:/e:xprtsec=tls"), "");
	assert_string_equal(hostonly("root=nfs4:s:/e rd.tlsroot=desired rd.tlsroot.lock_pcr=14"), "");
	assert_string_equal(hostonly("root=nfs4:s:/e:xprtsec=mtls rd.tlsroot=required "
				     "rd.tlsroot.identity=c2 rd.tlsroot.tpm=/dev/tpm0 "
				     "rd.tlsroot.lock_pcr=none rd.tlsroot.handoff=never "
				     "rd.tlsroot.grace_ms=500 rd.tlsroot.debug "
				     "rd.tlsroot.bundle=/etc/b1.bundle rd.tlsroot.bundle=/etc/b2"),
			    "rd.tlsroot=required rd.tlsroot.bundle=/etc/b1.bundle "
			    "rd.tlsroot.bundle=/etc/b2 rd.tlsroot.tpm=device:/dev/tpm0 "
			    "rd.tlsroot.lock_pcr=none rd.tlsroot.identity=c2 "
			    "rd.tlsroot.handoff=never rd.tlsroot.grace_ms=500");
	in.hostnqn.text = HOSTNQN "\n";
	in.hostid.text = HOSTID "\n";
	assert_string_equal(hostonly(NVME_TARGET "rd.tlsroot.nvme.trsvcid=4421 "
				     "rd.tlsroot.nvme.ctrl_loss_tmo=600 root=UUID=1"),
			    "rd.tlsroot.nvme.traddr=10.0.0.2 rd.tlsroot.nvme.trsvcid=4421 "
			    "rd.tlsroot.nvme.subsysnqn=nqn.2024-01.org.example:root "
			    "rd.tlsroot.nvme.hostnqn=" HOSTNQN " rd.tlsroot.nvme.hostid=" HOSTID
			    " rd.tlsroot.nvme.ctrl_loss_tmo=600");
	/* An NQN may hold a quote, which no command line reads back. */
	expect_ok(NVME_TARGET "rd.tlsroot.nvme.hostnqn=nqn.a:it's");
	assert_int_equal(tr_cmdline_hostonly_options(&cfg, line, sizeof(line), &err), -1);
	assert_non_null(strstr(err.msg, "rd.tlsroot.nvme.hostnqn=nqn.a:it's: cannot be written on a kernel command line"));
	assert_int_equal(tr_cmdline_hostonly_options(&cfg, line, 8, &err), -1);
}

static void test_append_param(void **state)
{
	char out[64];
	size_t len = 0;

	assert_int_equal(tr_cmdline_append_param(out, sizeof(out), &len, "a", "b", &err), 0);
	assert_int_equal(tr_cmdline_append_param(out, sizeof(out), &len, "k", "x y\tz", &err), 0);
	assert_string_equal(out, "a=b \"k=x y\tz\"");
	assert_int_equal(tr_cmdline_append_param(out, sizeof(out), &len, "q", "a\"b", &err), -1);
	assert_non_null(strstr(err.msg, "q=a\"b: cannot be written on a kernel command line"));
	assert_int_equal(tr_cmdline_append_param(out, sizeof(out), &len, "q", "a\\b", &err), -1);
	assert_int_equal(tr_cmdline_append_param(out, sizeof(out), &len, "q", "a\nb", &err), -1);
	assert_int_equal(tr_cmdline_append_param(out, sizeof(out), &len, "q", "\xc3\xa9", &err), -1);
	assert_string_equal(out, "a=b \"k=x y\tz\"");
	assert_int_equal(tr_cmdline_append_param(out, 16, &len, "long", "value", &err), -1);
	assert_non_null(strstr(err.msg, "do not fit in 16 bytes"));
	assert_string_equal(out, "a=b \"k=x y\tz\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_nfs_spelling),
		cmocka_unit_test(test_hostonly_root_with_redacted_serials),
		cmocka_unit_test(test_spellings_dracut_misreads),
		cmocka_unit_test(test_required_from_bundles),
		cmocka_unit_test(test_required_refuses_every_plaintext_root),
		cmocka_unit_test(test_nonvmf_keeps_nvmf_out),
		cmocka_unit_test(test_desired_lets_plaintext_through_and_says_so),
		cmocka_unit_test(test_default_desired_with_options),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_policy_values),
		cmocka_unit_test(test_unnamed_root),
		cmocka_unit_test(test_nvme_host_from_files),
		cmocka_unit_test(test_nvme_host_refusals),
		cmocka_unit_test(test_hostonly_options),
		cmocka_unit_test(test_append_param),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
