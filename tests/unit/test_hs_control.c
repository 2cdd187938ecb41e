// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control protocol (handshake/control.c, agent_ctl.c, agent.c): the
 * command parser, the status JSON, and an agent without netlink answering
 * status/handoff/takeover over a real unix socket in a temporary
 * directory, including a non-root client being refused.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "handshake/handshake.h"

static void test_parse_commands(void **state)
{
	assert_int_equal(hs_ctl_parse("status", 6), HS_CTL_STATUS);
	assert_int_equal(hs_ctl_parse("status\n", 7), HS_CTL_STATUS);
	assert_int_equal(hs_ctl_parse("handoff", 7), HS_CTL_HANDOFF);
	assert_int_equal(hs_ctl_parse("takeover\r\n", 10), HS_CTL_TAKEOVER);
	assert_int_equal(hs_ctl_parse("takeover", 7), HS_CTL_UNKNOWN);
	assert_int_equal(hs_ctl_parse("statusx", 7), HS_CTL_UNKNOWN);
	assert_int_equal(hs_ctl_parse("", 0), HS_CTL_UNKNOWN);
	assert_int_equal(hs_ctl_parse(" status", 7), HS_CTL_UNKNOWN);
}

static void test_status_json_fields_and_escaping(void **state)
{
	struct hs_stats st;
	char buf[2048];
	int n;

	memset(&st, 0, sizeof(st));
	st.mode = HS_MODE_STANDBY;
	st.served = 12;
	st.failed = 2;
	st.in_flight = 3;
	st.psk.served = 9;
	st.x509.failed = 1;
	st.takeovers = 4;
	st.locked_kib = 5120;
	st.rss_kib = 6000;
	st.mlocked = 1;
	snprintf(st.last_error, sizeof(st.last_error), "peer=\"a\\b\"\n");
	n = hs_status_json(&st, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	assert_non_null(strstr(buf, "\"mode\":\"standby\""));
	assert_non_null(strstr(buf, "\"served\":12,\"failed\":2,\"in_flight\":3"));
	assert_non_null(strstr(buf, "\"psk\":{\"served\":9,\"failed\":0}"));
	assert_non_null(strstr(buf, "\"x509\":{\"served\":0,\"failed\":1}"));
	assert_non_null(strstr(buf, "\"takeovers\":4"));
	assert_non_null(strstr(buf, "\"locked_kib\":5120,\"rss_kib\":6000"));
	assert_non_null(strstr(buf, "\"mlockall\":true"));
	assert_non_null(strstr(buf, "\"handoff_allowed\":true"));
	assert_non_null(strstr(buf, "\"last_error\":\"peer=\\\"a\\\\b\\\"\\u000a\""));
	assert_int_equal(buf[n - 1], '}');
	assert_int_equal(hs_status_json(&st, buf, 40), -1);
}

struct env {
	char dir[64];
	char path[128];
	struct tr_log log;
	struct hs_agent *agent;
};

static int setup(void **state)
{
	static struct env e;
	struct hs_agent_opts opts = { .mode = HS_MODE_ACTIVE, .grace_ms = 50 };
	struct tr_error err;

	snprintf(e.dir, sizeof(e.dir), "/tmp/hs-ctl-XXXXXX");
	assert_non_null(mkdtemp(e.dir));
	snprintf(e.path, sizeof(e.path), "%s/run/agent.sock", e.dir);
	opts.socket_path = e.path;
	tr_log_init(&e.log, "test-agent", 0, TR_LOG_ERR);
	e.agent = hs_agent_new(&opts, &e.log, &err);
	if (!e.agent)
		fail_msg("%s", err.msg);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char sub[96];

	hs_agent_free(e->agent);
	unlink(e->path);
	snprintf(sub, sizeof(sub), "%s/run", e->dir);
	rmdir(sub);
	rmdir(e->dir);
	return 0;
}

/* Send a command and let the agent's loop answer it, in one thread. */
static void ask(struct env *e, const char *cmd, char *reply, size_t cap)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0), i;
	ssize_t n = -1;

	strcpy(sun.sun_path, e->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_true(send(fd, cmd, strlen(cmd), 0) > 0);
	for (i = 0; i < 20 && n < 0; i++) {
		hs_agent_poll_once(e->agent, 50);
		n = recv(fd, reply, cap - 1, MSG_DONTWAIT);
	}
	assert_true(n > 0);
	reply[n] = '\0';
	close(fd);
}

static void test_socket_is_private(void **state)
{
	struct env *e = *state;
	struct stat st;

	assert_int_equal(stat(e->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_status_over_socket(void **state)
{
	struct env *e = *state;
	char reply[2048];

	ask(e, "status", reply, sizeof(reply));
	assert_non_null(strstr(reply, "\"mode\":\"active\""));
	assert_non_null(strstr(reply, "\"in_flight\":0"));
	assert_non_null(strstr(reply, "\"last_error\":null"));
}

static void test_handoff_and_takeover(void **state)
{
	struct env *e = *state;
	struct hs_stats st;
	char reply[2048];

	ask(e, "handoff", reply, sizeof(reply));
	assert_string_equal(reply, "{\"mode\":\"standby\",\"previous\":\"active\"}");
	ask(e, "status", reply, sizeof(reply));
	assert_non_null(strstr(reply, "\"mode\":\"standby\""));
	ask(e, "handoff", reply, sizeof(reply));
	assert_string_equal(reply, "{\"mode\":\"standby\",\"previous\":\"standby\"}");
	ask(e, "takeover", reply, sizeof(reply));
	assert_string_equal(reply, "{\"mode\":\"active\",\"previous\":\"standby\"}");
	hs_agent_stats(e->agent, &st);
	assert_int_equal(st.mode, HS_MODE_ACTIVE);
	assert_int_equal(st.mode_switches, 2);
}

static void test_unknown_command(void **state)
{
	struct env *e = *state;
	char reply[512];

	ask(e, "reboot", reply, sizeof(reply));
	assert_non_null(strstr(reply, "\"error\":\"unknown command"));
}

static void test_client_helper(void **state)
{
	struct env *e = *state;
	struct tr_error err;
	char reply[256];
	pid_t pid;
	int status;

	/* The helper blocks, so the agent answers from a child. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int i;

		for (i = 0; i < 40; i++)
			hs_agent_poll_once(e->agent, 50);
		_exit(0);
	}
	assert_true(hs_ctl_request(e->path, "takeover", reply, sizeof(reply),
				   &err) > 0);
	assert_non_null(strstr(reply, "\"mode\":\"active\""));
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_int_equal(hs_ctl_request("/nonexistent/agent.sock", "status",
					reply, sizeof(reply), &err), -1);
	assert_int_equal(err.code, TR_EXIT_AGENT);
	assert_non_null(strstr(err.msg, "is it running"));
}

static void test_non_root_refused(void **state)
{
	struct env *e = *state;
	char reply[256], run[96];
	pid_t pid;
	int status, i;

	/* The child drops to another uid, which only root can do. */
	if (getuid() != 0)
		fail_msg("this test switches to an unprivileged uid; run the unit tests as root");
	/* Open the path up so that only SO_PEERCRED stands in the way. */
	snprintf(run, sizeof(run), "%s/run", e->dir);
	chmod(e->dir, 0711);
	chmod(run, 0711);
	chmod(e->path, 0666);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int fd;
		ssize_t n;

		/* Reach the socket as root, then become nobody. */
		strcpy(sun.sun_path, e->path);
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
			_exit(5);
		send(fd, "handoff", 7, 0);
		n = recv(fd, reply, sizeof(reply) - 1, 0);
		if (n <= 0)
			_exit(3);
		reply[n] = '\0';
		_exit(strstr(reply, "root only") ? 0 : 4);
	}
	for (i = 0; i < 20; i++)
		hs_agent_poll_once(e->agent, 20);
	waitpid(pid, &status, 0);
	chmod(e->path, 0600);
	chmod(run, 0700);
	chmod(e->dir, 0700);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(hs_agent_stopping(e->agent), 0);
}

static void test_second_agent_refused(void **state)
{
	struct env *e = *state;
	struct tr_error err;

	assert_int_equal(hs_ctl_listen(e->path, &err), -1);
	assert_non_null(strstr(err.msg, "another agent"));
}

static void test_sigterm_stops(void **state)
{
	struct env *e = *state;

	kill(getpid(), SIGTERM);
	hs_agent_poll_once(e->agent, 100);
	assert_int_equal(hs_agent_stopping(e->agent), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_commands),
		cmocka_unit_test(test_status_json_fields_and_escaping),
		cmocka_unit_test(test_socket_is_private),
		cmocka_unit_test(test_status_over_socket),
		cmocka_unit_test(test_handoff_and_takeover),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_client_helper),
		cmocka_unit_test(test_non_root_refused),
		cmocka_unit_test(test_second_agent_refused),
		cmocka_unit_test(test_sigterm_stops),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
