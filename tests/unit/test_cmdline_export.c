// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-cmdline/kernel-cmdline.h"

static char *quote(const char *value)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(tr_shell_quote(out, value), 0);
	fclose(out);
	return buf;
}

/* Run the assignments through /bin/sh and read one variable back. */
static char *eval_in_shell(const char *script, const char *var)
{
	char path[] = "/tmp/tlsroot-test-sh-XXXXXX", cmd[256];
	static char got[4096];
	size_t n;
	FILE *sh;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, script, strlen(script)), (ssize_t)strlen(script));
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "cd /tmp && sh -c 'eval \"$(cat \"$1\")\" && printf %%s \"$%s\"' sh %s",
		 var, path);
	sh = popen(cmd, "r");
	assert_non_null(sh);
	n = fread(got, 1, sizeof(got) - 1, sh);
	got[n] = '\0';
	assert_int_equal(pclose(sh), 0);
	unlink(path);
	return got;
}

static const char *const hostile[] = {
	"plain",
	"",
	"it's",
	"''''",
	"$(touch /tmp/tlsroot-pwned)",
	"`touch /tmp/tlsroot-pwned`",
	"a\nb\n\nTLSROOT_X=1",
	"back\\slash\\",
	"\"double\" $HOME ${PATH} !! * ? [a] ~",
	"'; touch /tmp/tlsroot-pwned; '",
	"\t\r\x01\x7f\xff",
};

static void test_quote_shape(void **state)
{
	char *q = quote("it's");

	assert_string_equal(q, "'it'\\''s'");
	free(q);
	q = quote("");
	assert_string_equal(q, "''");
	free(q);
}

static void test_quote_round_trips_through_sh(void **state)
{
	size_t i;

	unlink("/tmp/tlsroot-pwned");
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char *q = quote(hostile[i]);
		char script[1024];

		snprintf(script, sizeof(script), "V=%s\n", q);
		assert_string_equal(eval_in_shell(script, "V"), hostile[i]);
		free(q);
	}
	assert_int_not_equal(access("/tmp/tlsroot-pwned", F_OK), 0);
}

static char *write_cfg(const struct tr_cmdline *cfg, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(json ? tr_cmdline_write_json(cfg, out)
			      : tr_cmdline_write_shell(cfg, out), 0);
	fclose(out);
	return buf;
}

static void test_parsed_hostile_options_stay_literal(void **state)
{
	static const char text[] =
		"root=nfs4:srv:/p:xprtsec=tls,x=$(touch${IFS}/tmp/tlsroot-pwned),"
		"y=`id`,z='q',w=a\\b";
	struct tr_cmdline cfg;
	struct tr_error err;
	char *out;

	unlink("/tmp/tlsroot-pwned");
	assert_int_equal(tr_cmdline_parse(text, strlen(text), &cfg, &err), 0);
	out = write_cfg(&cfg, 0);
	assert_string_equal(eval_in_shell(out, "TLSROOT_NFS_OPTIONS"),
			    "xprtsec=tls,x=$(touch${IFS}/tmp/tlsroot-pwned),"
			    "y=`id`,z='q',w=a\\b");
	assert_string_equal(eval_in_shell(out, "TLSROOT_ROOT_KIND"), "nfs");
	assert_string_equal(eval_in_shell(out, "TLSROOT_NVME_TRSVCID"), "");
	assert_int_not_equal(access("/tmp/tlsroot-pwned", F_OK), 0);
	free(out);
}

static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

static void test_newline_cannot_start_an_assignment(void **state)
{
	struct tr_cmdline cfg;
	char *out;

	tr_cmdline_init(&cfg);
	out = write_cfg(&cfg, 0);
	assert_int_equal(count_lines(out), 34);
	free(out);
	strcpy(cfg.nfs.options, "a'b\nTLSROOT_EVIL='1");
	out = write_cfg(&cfg, 0);
	assert_string_equal(eval_in_shell(out, "TLSROOT_NFS_OPTIONS"),
			    "a'b\nTLSROOT_EVIL='1");
	assert_string_equal(eval_in_shell(out, "TLSROOT_EVIL"), "");
	free(out);
}

static void test_json_escapes(void **state)
{
	struct tr_cmdline cfg;
	char *out;

	tr_cmdline_init(&cfg);
	strcpy(cfg.nfs.options, "q\"b\\c\n\x01");
	strcpy(cfg.bundles[1], "/second");
	cfg.n_bundles = 2;
	cfg.lock_pcr = TR_LOCK_PCR_NONE;
	out = write_cfg(&cfg, 1);
	assert_non_null(strstr(out, "\"nfs_options\": \"q\\\"b\\\\c\\u000a\\u0001\""));
	assert_non_null(strstr(out, "\"bundles\": [\"/etc/tlsroot/bundles\", \"/second\"]"));
	assert_non_null(strstr(out, "\"lock_pcr\": \"none\""));
	assert_non_null(strstr(out, "\"nvme_trsvcid\": null"));
	assert_int_equal(out[0], '{');
	assert_non_null(strstr(out, "\n}\n"));
	free(out);
}

static void test_nvme_numbers_when_nvme_root(void **state)
{
	static const char text[] =
		"rd.tlsroot.nvme.traddr=[fd00::9] "
		"rd.tlsroot.nvme.subsysnqn=nqn.2024-01.org.example:root "
		"rd.nvmf.hostnqn=nqn.2014-08.org.nvmexpress:uuid:9 "
		"rd.tlsroot.nvme.hostid=0c2e5f4a-1b2c-4d3e-8f90-a1b2c3d4e5f6 "
		"rd.tlsroot.lock_pcr=14";
	struct tr_cmdline cfg;
	struct tr_error err;
	char *out;

	assert_int_equal(tr_cmdline_parse(text, strlen(text), &cfg, &err), 0);
	out = write_cfg(&cfg, 0);
	assert_non_null(strstr(out, "TLSROOT_ROOT_KIND='nvme'\n"));
	assert_non_null(strstr(out, "TLSROOT_NVME_TRADDR='fd00::9'\n"));
	assert_non_null(strstr(out, "TLSROOT_NVME_TRADDR_IPV6='1'\n"));
	assert_non_null(strstr(out, "TLSROOT_NVME_TRSVCID='4420'\n"));
	assert_non_null(strstr(out, "TLSROOT_NVME_CTRL_LOSS_TMO='-1'\n"));
	assert_non_null(strstr(out, "TLSROOT_LOCK_PCR='14'\n"));
	assert_non_null(strstr(out, "TLSROOT_NVME_HOSTNQN_SOURCE='rd.nvmf.hostnqn'\n"));
	assert_non_null(strstr(out, "TLSROOT_NVME_HOSTID_SOURCE='rd.tlsroot.nvme.hostid'\n"));
	free(out);
	out = write_cfg(&cfg, 1);
	assert_non_null(strstr(out, "\"nvme_reconnect_delay\": 1"));
	assert_non_null(strstr(out, "\"lock_pcr\": 14"));
	free(out);
}

static void test_names(void **state)
{
	assert_string_equal(tr_root_kind_name(TR_ROOT_NFS), "nfs");
	assert_string_equal(tr_root_kind_name(TR_ROOT_NONE), "none");
	assert_string_equal(tr_xprtsec_name(TR_XPRTSEC_UNSET), "");
	assert_string_equal(tr_xprtsec_name(TR_XPRTSEC_MTLS), "mtls");
	assert_string_equal(tr_handoff_name(TR_HANDOFF_NEVER), "never");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_shape),
		cmocka_unit_test(test_quote_round_trips_through_sh),
		cmocka_unit_test(test_parsed_hostile_options_stay_literal),
		cmocka_unit_test(test_newline_cannot_start_an_assignment),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_nvme_numbers_when_nvme_root),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
