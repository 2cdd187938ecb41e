// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kernel-cmdline/kernel-cmdline.h"

static struct tr_nfs_root root;
static struct tr_error err;

static void spec_ok(const char *param, const char *value)
{
	if (tr_nfs_root_parse(param, value, &root, &err) != 0)
		fail_msg("%s=%s rejected: %s", param, value, err.msg);
}

static void spec_error(const char *param, const char *value, const char *needle)
{
	if (tr_nfs_root_parse(param, value, &root, &err) == 0)
		fail_msg("%s=%s accepted", param, value);
	assert_int_equal(err.code, TR_EXIT_BADINPUT);
	if (!strstr(err.msg, needle))
		fail_msg("%s=%s: '%s' lacks '%s'", param, value, err.msg, needle);
}

static void test_is_nfs(void **state)
{
	assert_true(tr_nfs_root_spec_is_nfs("nfs4:s:/p"));
	assert_true(tr_nfs_root_spec_is_nfs("nfs:s:/p"));
	assert_true(tr_nfs_root_spec_is_nfs("/dev/nfs"));
	assert_true(tr_nfs_root_spec_is_nfs("nfs4"));
	/* parse-nfsroot.sh's legacy forms */
	assert_true(tr_nfs_root_spec_is_nfs("192.0.2.1:/export"));
	assert_true(tr_nfs_root_spec_is_nfs("192.0.2.1"));
	assert_true(tr_nfs_root_spec_is_nfs("/srv/root"));
	assert_true(tr_nfs_root_spec_is_nfs("nfs://srv/p"));
	assert_false(tr_nfs_root_spec_is_nfs("/dev/sda1"));
	assert_false(tr_nfs_root_spec_is_nfs("[fd00::1]:/e"));
	assert_false(tr_nfs_root_spec_is_nfs("server.example:/e"));
	assert_false(tr_nfs_root_spec_is_nfs("UUID=1.2.3"));
	assert_false(tr_nfs_root_spec_is_nfs("nfsx:s:/p"));
	assert_false(tr_nfs_root_spec_is_nfs("UUID=1"));
	assert_false(tr_nfs_root_spec_is_nfs("/dev/nfsx"));
}

static void test_nfs4_full(void **state)
{
	spec_ok("root", "nfs4:server.example:/export/root:vers=4.2,xprtsec=mtls,tls_identity=c1");
	assert_string_equal(root.fstype, "nfs4");
	assert_string_equal(root.server, "server.example");
	assert_int_equal(root.server_is_ipv6, 0);
	assert_string_equal(root.path, "/export/root");
	assert_string_equal(root.options, "vers=4.2,xprtsec=mtls,tls_identity=c1");
	assert_int_equal(root.xprtsec, TR_XPRTSEC_MTLS);
	assert_string_equal(root.tls_identity, "c1");
}

static void test_nfs_v3_and_no_options(void **state)
{
	spec_ok("root", "nfs:10.0.0.1:/srv");
	assert_string_equal(root.fstype, "nfs");
	assert_string_equal(root.server, "10.0.0.1");
	assert_string_equal(root.options, "");
	assert_int_equal(root.xprtsec, TR_XPRTSEC_UNSET);
}

static void test_empty_options(void **state)
{
	spec_ok("root", "nfs4:s:/p:");
	assert_string_equal(root.path, "/p");
	assert_string_equal(root.options, "");
}

static void test_ipv6_in_brackets(void **state)
{
	spec_ok("root", "nfs4:[fd00::1]:/export:xprtsec=tls,clientaddr=fd00::2");
	assert_string_equal(root.server, "fd00::1");
	assert_int_equal(root.server_is_ipv6, 1);
	assert_string_equal(root.options, "xprtsec=tls,clientaddr=fd00::2");
	spec_error("root", "nfs4:[10.0.0.1]:/e", "not an IPv6 address");
	spec_error("root", "nfs4:[fd00::1:/e", "no ']'");
	spec_error("root", "nfs4:[fd00::1]/e", "no ':' after the bracketed server");
	spec_error("root", "nfs4:fd00::1:/e", "an IPv6 server goes in brackets");
	/* dracut's own rewritten form: no server, from DHCP */
	spec_ok("root", "nfs4::/e:xprtsec=tls");
	assert_string_equal(root.server, "");
	assert_string_equal(root.path, "/e");
}

static void test_no_server_means_dhcp(void **state)
{
	spec_ok("root", "nfs4:/export:xprtsec=tls");
	assert_string_equal(root.server, "");
	assert_string_equal(root.path, "/export");
	spec_ok("root", "nfs4");
	assert_string_equal(root.path, "");
}

static void test_missing_or_bad_path(void **state)
{
	spec_error("root", "nfs4:server", "no export path; expected root=nfs4:[SERVER:]/PATH[:OPTIONS]");
	spec_error("root", "nfs4:server:", "no export path");
	spec_error("root", "nfs4:server:export", "no export path");
	spec_error("root", "nfs4:server:export/x", "must start with '/'");
	spec_ok("root", "nfs4:");       /* like nfs4: all from DHCP */
	assert_string_equal(root.path, "");
	spec_error("root", "nfs4:ser ver:/p", "not a host name");
	spec_error("root", "nfs4:s:/p q", "printable ASCII without spaces");
	spec_error("root", "nfs5:s:/p", "not an NFS root");
}

static void test_nfsroot_forms(void **state)
{
	spec_ok("nfsroot", "10.0.0.1:/export,vers=4.2,xprtsec=mtls");
	assert_string_equal(root.fstype, "nfs");
	assert_string_equal(root.server, "10.0.0.1");
	assert_string_equal(root.path, "/export");
	assert_string_equal(root.options, "vers=4.2,xprtsec=mtls");
	spec_ok("nfsroot", "/export");
	assert_string_equal(root.server, "");
	spec_ok("nfsroot", "[fd00::1]:/e");
	assert_string_equal(root.server, "fd00::1");
	spec_error("nfsroot", "srv,vers=3", "no export path; expected nfsroot=[SERVER:]/PATH[,OPTIONS]");
	spec_error("nfsroot", "srv:/e,,a", "empty option");
	spec_ok("nfsroot", "srv:/e,");
	assert_string_equal(root.options, "");
}

static void test_option_list_errors(void **state)
{
	struct tr_nfs_options_info info;
	static const char *const bad[][2] = {
		{ "a,,b", "empty option" },
		{ ",a", "empty option" },
		{ "a,", "empty option" },
		{ "=x", "needs a name" },
		{ "xprtsec=ssl", "NFS option xprtsec=ssl: not none, tls or mtls" },
		{ "xprtsec", "not none, tls or mtls" },
		{ "xprtsec=tls,xprtsec=mtls", "given twice" },
		{ "tls_identity=a,tls_identity=b", "given twice" },
		{ "tls_identity=", "not an identity name" },
		{ "tls_identity", "not an identity name" },
		{ "tls_identity=a/b", "not an identity name" },
		{ "k=\"v\"", "values are printable ASCII" },
		{ "k=a b", "values are printable ASCII" },
		{ "k!=v", "option names are letters" },
		{ "vers=4.2,sec=sys,proto=tcp,port=2049,timeo=600,retrans=2,bad!,ro",
		  "NFS option=bad!: option names are letters" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tr_nfs_options_parse(bad[i][0], &info, &err) == 0)
			fail_msg("accepted '%s'", bad[i][0]);
		if (!strstr(err.msg, bad[i][1]))
			fail_msg("'%s': '%s' lacks '%s'", bad[i][0], err.msg, bad[i][1]);
	}
}

static void test_option_list_info(void **state)
{
	struct tr_nfs_options_info info;

	assert_int_equal(tr_nfs_options_parse("", &info, &err), 0);
	assert_int_equal(info.count, 0);
	assert_int_equal(tr_nfs_options_parse("ro,vers=4.2,xprtsec=none,sec=sys,cert_serial=3",
					       &info, &err), 0);
	assert_int_equal(info.count, 5);
	assert_int_equal(info.xprtsec, TR_XPRTSEC_NONE);
	assert_int_equal(info.has_key_serials, 1);
	assert_string_equal(info.tls_identity, "");
}

static void rewrite_ok(const char *in, const struct tr_nfs_key_serials *s,
		       const char *want)
{
	char out[TR_NFS_REWRITE_MAX + 1];

	if (tr_nfs_options_rewrite(in, s, out, sizeof(out), &err) != 0)
		fail_msg("rewrite '%s' failed: %s", in, err.msg);
	assert_string_equal(out, want);
}

static void test_rewrite_with_serials_in_place(void **state)
{
	struct tr_nfs_key_serials s = { 123456789, 987654321 };

	rewrite_ok("vers=4.2,tls_identity=c1,xprtsec=mtls,ro", &s,
		   "vers=4.2,cert_serial=123456789,privkey_serial=987654321,xprtsec=mtls,ro");
	rewrite_ok("tls_identity=c1", &s,
		   "cert_serial=123456789,privkey_serial=987654321");
}

static void test_rewrite_strip(void **state)
{
	rewrite_ok("vers=4.2,tls_identity=c1,xprtsec=mtls,ro", NULL,
		   "vers=4.2,xprtsec=mtls,ro");
	rewrite_ok("tls_identity=c1,xprtsec=mtls", NULL, "xprtsec=mtls");
	rewrite_ok("xprtsec=mtls,tls_identity=c1", NULL, "xprtsec=mtls");
	rewrite_ok("tls_identity=c1", NULL, "");
}

static void test_rewrite_keeps_everything_else_verbatim(void **state)
{
	struct tr_nfs_key_serials s = { 1, 2 };

	rewrite_ok("", &s, "");
	rewrite_ok("Sec=Krb5p,clientaddr=fd00::2,proto=tcp6,x=$(y),q='z'", &s,
		   "Sec=Krb5p,clientaddr=fd00::2,proto=tcp6,x=$(y),q='z'");
	rewrite_ok("cert_serial=5,privkey_serial=6", NULL,
		   "cert_serial=5,privkey_serial=6");
}

static void test_rewrite_errors(void **state)
{
	struct tr_nfs_key_serials zero = { 0, 5 }, s = { 1, 2 };
	char out[TR_NFS_REWRITE_MAX + 1], tiny[8];

	assert_int_equal(tr_nfs_options_rewrite("tls_identity=a", &zero, out,
						sizeof(out), &err), -1);
	assert_non_null(strstr(err.msg, "must be positive"));
	assert_int_equal(tr_nfs_options_rewrite("a,,b", &s, out, sizeof(out),
						&err), -1);
	assert_string_equal(out, "");
	assert_int_equal(tr_nfs_options_rewrite("tls_identity=a,cert_serial=4",
						&s, out, sizeof(out), &err), -1);
	assert_non_null(strstr(err.msg, "cannot be combined"));
	assert_int_equal(tr_nfs_options_rewrite("tls_identity=a", &s, tiny,
						sizeof(tiny), &err), -1);
	assert_string_equal(tiny, "");
	assert_int_equal(tr_nfs_options_rewrite("", &s, out, 0, &err), -1);
}

/* A root= saved from /proc/mounts of kernel 7.x (host-only dracut). */
static void test_resolve_redacted_serials(void **state)
{
	static const char saved[] =
		"rw,vers=4.2,xprtsec=mtls,cert_serial=<redacted>,privkey_serial=<redacted>,addr=fd00::1";
	struct tr_nfs_key_serials s = { 11, 22 };
	struct tr_nfs_options_info info;
	char out[TR_NFS_REWRITE_MAX + 1];

	assert_int_equal(tr_nfs_options_parse(saved, &info, &err), 0);
	assert_int_equal(info.has_key_serials, 1);
	assert_int_equal(info.key_serials_redacted, 1);
	assert_int_equal(tr_nfs_options_resolve(saved, &s, out, sizeof(out), &err), 0);
	assert_string_equal(out, "rw,vers=4.2,xprtsec=mtls,cert_serial=11,privkey_serial=22,addr=fd00::1");
	assert_int_equal(tr_nfs_options_resolve(saved, NULL, out, sizeof(out), &err), 0);
	assert_string_equal(out, "rw,vers=4.2,xprtsec=mtls,addr=fd00::1");
	/* tr_nfs_options_rewrite keeps them verbatim, as it always did. */
	assert_int_equal(tr_nfs_options_rewrite(saved, &s, out, sizeof(out), &err), 0);
	assert_string_equal(out, saved);
	/* tls_identity still works through resolve. */
	assert_int_equal(tr_nfs_options_resolve("tls_identity=a,ro", &s, out, sizeof(out), &err), 0);
	assert_string_equal(out, "cert_serial=11,privkey_serial=22,ro");
	/* One placeholder, or a real serial beside one, is not the pair. */
	assert_int_equal(tr_nfs_options_parse("cert_serial=<redacted>", &info, &err), 0);
	assert_int_equal(info.key_serials_redacted, 0);
	assert_int_equal(tr_nfs_options_parse("cert_serial=<redacted>,privkey_serial=5", &info, &err), 0);
	assert_int_equal(info.key_serials_redacted, 0);
	assert_int_equal(tr_nfs_options_parse("cert_serial=<redacted>,cert_serial=<redacted>", &info, &err), 0);
	assert_int_equal(info.key_serials_redacted, 0);
}

/* Every option the kernel shows in /proc/mounts (7.3's nfs.ko strings). */
static void test_proc_mounts_options_accepted(void **state)
{
	static const char mounts[] =
		"rw,relatime,sync,noatime,nodiratime,vers=4.2,rsize=1048576,wsize=1048576,"
		"bsize=0,namlen=255,acregmin=3,acregmax=60,acdirmin=30,acdirmax=60,"
		"soft,softerr,softreval,hard,posix,nocto,noac,nolock,noacl,nordirplus,"
		"rdirplus=force,nosharecache,noresvport,proto=tcp6,nconnect=4,"
		"max_connect=16,port=2049,timeo=600,retrans=2,sec=krb5p,xprtsec=mtls,"
		"cert_serial=<redacted>,privkey_serial=<redacted>,mountaddr=fd00::1,"
		"mountvers=3,mountport=20048,mountproto=udp,clientaddr=fd00::2,"
		"fsc=cache1,migration,lookupcache=pos,local_lock=none,noalignwrite,"
		"write=eager,fatal_neterrors=ENETDOWN:ENETUNREACH,addr=fd00::1";
	struct tr_nfs_options_info info;

	if (tr_nfs_options_parse(mounts, &info, &err) != 0)
		fail_msg("rejected: %s", err.msg);
	assert_int_equal(info.xprtsec, TR_XPRTSEC_MTLS);
	assert_int_equal(info.key_serials_redacted, 1);
}

static void test_rewrite_longest_list_fits(void **state)
{
	struct tr_nfs_key_serials s = { INT32_MAX, INT32_MAX };
	char in[TR_NFS_OPTIONS_MAX + 1], out[TR_NFS_REWRITE_MAX + 1];
	size_t prefix = strlen("tls_identity=a,k=");

	memcpy(in, "tls_identity=a,k=", prefix);
	memset(in + prefix, 'v', sizeof(in) - prefix - 1);
	in[sizeof(in) - 1] = '\0';
	assert_int_equal(tr_nfs_options_rewrite(in, &s, out, sizeof(out), &err), 0);
	assert_non_null(strstr(out, "privkey_serial=2147483647,k=vvv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_nfs),
		cmocka_unit_test(test_nfs4_full),
		cmocka_unit_test(test_nfs_v3_and_no_options),
		cmocka_unit_test(test_empty_options),
		cmocka_unit_test(test_ipv6_in_brackets),
		cmocka_unit_test(test_no_server_means_dhcp),
		cmocka_unit_test(test_missing_or_bad_path),
		cmocka_unit_test(test_nfsroot_forms),
		cmocka_unit_test(test_option_list_errors),
		cmocka_unit_test(test_option_list_info),
		cmocka_unit_test(test_rewrite_with_serials_in_place),
		cmocka_unit_test(test_rewrite_strip),
		cmocka_unit_test(test_rewrite_keeps_everything_else_verbatim),
		cmocka_unit_test(test_rewrite_errors),
		cmocka_unit_test(test_rewrite_longest_list_fits),
		cmocka_unit_test(test_resolve_redacted_serials),
		cmocka_unit_test(test_proc_mounts_options_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
