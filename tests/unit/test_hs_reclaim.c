// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reclaim safety (handshake/reclaim.c): the seccomp filter, checked in a
 * child process, must refuse every path walk, exec, fork and new socket
 * while leaving fstat, threads and plain I/O alone; hardening must lock
 * memory; /proc/self/status fields must parse.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include <sys/wait.h>
#include <unistd.h>

#include "handshake/handshake.h"

static void test_status_fields(void **state)
{
	const char text[] = "Name:\tx\nVmLck:\t    5120 kB\nVmRSS:\t  777 kB\nX: 1";

	assert_int_equal(hs_status_field_kib(text, sizeof(text) - 1, "VmLck:"),
			 5120);
	assert_int_equal(hs_status_field_kib(text, sizeof(text) - 1, "VmRSS:"),
			 777);
	assert_int_equal(hs_status_field_kib(text, sizeof(text) - 1, "VmSwap:"),
			 -1);
	assert_int_equal(hs_status_field_kib("VmLck:", 6, "VmLck:"), -1);
	assert_int_equal(hs_status_field_kib("xVmLck: 5", 9, "VmLck:"), -1);
}

static void *thread_fn(void *arg)
{
	return arg;
}

/* Each check sets one bit on failure; the child exits with the mask. */
static int filtered_checks(void)
{
	struct stat st;
	int fails = 0, fds[2];
	pthread_t t;
	char *argv[] = { "/bin/true", NULL };

	errno = 0;
	if (open("/etc/hostname", O_RDONLY) >= 0 || errno != EPERM)
		fails |= 1;
	if (openat(AT_FDCWD, "/", O_RDONLY) >= 0 || errno != EPERM)
		fails |= 2;
	if (stat("/", &st) == 0 || errno != EPERM)
		fails |= 4;
	if (fstat(1, &st) != 0)
		fails |= 8;
	if (socket(AF_INET, SOCK_DGRAM, 0) >= 0 || errno != EPERM)
		fails |= 16;
	if (fork() >= 0 || errno != EPERM)
		fails |= 32;
	execv(argv[0], argv);
	if (errno != EPERM)
		fails |= 64;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		fails |= 128;
	if (pthread_create(&t, NULL, thread_fn, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		fails |= 4 << 4;
	return fails;
}

static void test_seccomp_filter(void **state)
{
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tr_error err;

		if (hs_seccomp_install(&err) < 0)
			_exit(255);
		_exit(filtered_checks());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A maps file naming only RAM-backed files allows MCL_ONFAULT. */
static int maps_verdict(const char *lines)
{
	char path[] = "/dev/shm/test-hs-maps-XXXXXX";
	int fd = mkstemp(path), ret;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, lines, strlen(lines)), (ssize_t)strlen(lines));
	close(fd);
	ret = hs_mappings_ram_backed(path);
	unlink(path);
	return ret;
}

static void test_mappings_ram_backed(void **state)
{
	char shm[] = "/dev/shm/test-hs-lib-XXXXXX", lines[512];
	int fd = mkstemp(shm);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(lines, sizeof(lines),
		 "7f0000000000-7f0000001000 r-xp 00000000 00:1a 12 %s\n"
		 "7f0000001000-7f0000002000 rw-p 00000000 00:00 0 \n"
		 "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]\n",
		 shm);
	assert_int_equal(maps_verdict(lines), 1);
	/* A file elsewhere (here the unit-test binary's own directory,
	 * unless that too is in RAM), a deleted file, or nothing at all. */
	assert_int_equal(maps_verdict("7f00-7f01 r-xp 0 00:1a 12 /nonexistent/lib.so\n"), 0);
	snprintf(lines, sizeof(lines), "7f00-7f01 r-xp 0 0:1 1 %s (deleted)\n", shm);
	assert_int_equal(maps_verdict(lines), 0);
	assert_int_equal(maps_verdict("7f00-7f01 rw-p 0 0:0 0 [heap]\n"), 0);
	assert_int_equal(hs_mappings_ram_backed("/nonexistent/maps"), 0);
	unlink(shm);
}

/* Not in the ASan build: its shadow mappings cannot be locked, so the
 * plain run alone covers mlockall. */
#if !defined(__SANITIZE_ADDRESS__)
static void test_harden_locks_memory(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	if (getuid() != 0)
		fail_msg("hs_harden() needs root (CAP_IPC_LOCK, CAP_SYS_RESOURCE); run the unit tests as root");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct hs_harden_result res;
		char text[4096];
		int fd = open("/proc/self/status", O_RDONLY);
		ssize_t n;

		hs_harden(&res);
		n = pread(fd, text, sizeof(text), 0);
		/* oom_score_adj and PR_SET_IO_FLUSHER need CAP_SYS_RESOURCE,
		 * which a container may withhold; they are reported in note. */
		if (!res.oom_adjusted && !strstr(res.note, "oom_score_adj"))
			_exit(2);
		_exit(res.mlocked && n > 0 &&
		      hs_status_field_kib(text, (size_t)n, "VmLck:") > 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_fields),
		cmocka_unit_test(test_seccomp_filter),
#if !defined(__SANITIZE_ADDRESS__)
		cmocka_unit_test(test_harden_locks_memory),
#endif
		cmocka_unit_test(test_mappings_ram_backed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
