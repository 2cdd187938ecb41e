// SPDX-License-Identifier: MIT
/*
 * tlsroot-pressure: the client side of the memory-pressure outage
 * scenarios (tests/qemu/scenarios/, the *-pressure ones). Test bed only.
 *
 *   tlsroot-pressure agent FILE TOKEN MARGIN_MIB CTL_CMD OUTAGE_S WAIT_S
 *   tlsroot-pressure baseline FILE TOKEN MARGIN_MIB CTL_CMD OUTAGE_S WAIT_S AGENT_PID
 *
 * agent: the tlsroot agent serves; a root that does not come back is a
 * FAIL. baseline: stock tlshd serves while the agent (AGENT_PID) is
 * frozen with SIGSTOP; whatever happens is an outcome to record, and then
 * the rescue: every tlshd process is killed and the agent thawed, under
 * the same pressure, and the root must come back. FILE is a file on the network
 * root, written while the server is away. CTL_CMD goes to the server's
 * control port (a self-timed outage of OUTAGE_S seconds, e.g.
 * "link-outage 30"). WAIT_S bounds the wait for the root after the
 * server's return.
 *
 * Everything the outage phase needs is opened, mapped and locked before
 * the outage: it runs from /run as a static binary, makes no path-based
 * system call after the server leaves (proc entries through a directory
 * fd opened before), grows an mlocked hog until MemAvailable is MARGIN_MIB,
 * drops the caches every second, and keeps the hog topped up. A writer
 * process writes and fsyncs TOKEN into FILE during the outage. If the root
 * is back, it reads FILE back with O_DIRECT and after drop_caches, prints
 * TLSROOT-PRESSURE: outcome=recovered … and exits 0. Otherwise it
 * prints the state of every tlshd process and (agent) the verdict line
 * and powers the machine off itself (sync or a shell would block on the
 * root), or (baseline) the outcome, then the rescue's line
 * TLSROOT-PRESSURE: rescue outcome=recovered … and exits 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SERVER_IP "192.0.2.1"
#define CTL_PORT 7777
#define MIB (1024L * 1024L)
#define STEP_BIG (16 * MIB)
#define STEP_SMALL (4 * MIB)
#define RESCUE_S 120

struct ctx {
	const char *mode;
	int baseline;
	int drop_fd, meminfo_fd, vmstat_fd, proc_fd;
	long margin_mib;
	long hog_mib;
	long min_avail_mib;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Nowhere better to report a lost line: the other copy still goes out. */
static void emit(int fd, const char *buf, size_t n)
{
	ssize_t r = write(fd, buf, n);

	(void)r;
}

static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* fd 3, if the caller opened it: a copy on /run for its checks. */
	if (strncmp(buf, "TLSROOT-PRESSURE:", 17) == 0)
		emit(3, buf, n);
	emit(STDOUT_FILENO, buf, n);
}

/* The verdict, then power off at once: nothing here may wait on the root. */
static void finish(const char *verdict, const char *reason)
{
	say("TLSROOT-RESULT: %s %s", verdict, reason);
	reboot(RB_POWER_OFF);
	_exit(1);
}

/* A failure of the scenario's own setup or of the root under test. */
static void fail(const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	finish("FAIL", buf);
}

static long read_field(int fd, const char *name)
{
	char buf[8192], *p;
	ssize_t n;
	size_t len = strlen(name);

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, name, len) == 0 && (p[len] == ':' || p[len] == ' '))
			return strtol(p + len + 1, NULL, 10);
	}
	return -1;
}

static long avail_mib(struct ctx *c)
{
	long kib = read_field(c->meminfo_fd, "MemAvailable");

	if (kib < 0)
		fail("pressure: cannot read MemAvailable");
	if (kib / 1024 < c->min_avail_mib || c->min_avail_mib < 0)
		c->min_avail_mib = kib / 1024;
	return kib / 1024;
}

static void drop_caches(struct ctx *c)
{
	if (pwrite(c->drop_fd, "3", 1, 0) != 1)
		fail("pressure: write to drop_caches failed: %s", strerror(errno));
}

/* Grow the hog in steps until MemAvailable is down to the margin. */
static void grow_hog(struct ctx *c)
{
	long avail, step;
	char *p;

	for (;;) {
		avail = avail_mib(c);
		if (avail - c->margin_mib >= 2 * STEP_BIG / MIB)
			step = STEP_BIG;
		else if (avail - c->margin_mib >= STEP_SMALL / MIB)
			step = STEP_SMALL;
		else
			return;
		p = mmap(NULL, step, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			fail("pressure: hog mmap of %ld MiB failed: %s",
			     step / MIB, strerror(errno));
		/* Non-zero, distinct pages: no zero page, nothing to merge. */
		for (long off = 0; off < step; off += 4096)
			memset(p + off, (int)(off / 4096 % 251) + 1, 64);
		c->hog_mib += step / MIB;
	}
}

static int ctl_request(const char *cmd, char *answer, size_t size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(CTL_PORT) };
	struct timeval tv = { .tv_sec = 60 };
	char line[256];
	size_t got = 0;
	ssize_t n;
	int fd;

	inet_pton(AF_INET, SERVER_IP, &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	snprintf(line, sizeof(line), "%s\n", cmd);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		goto fail;
	while (got < size - 1 && (n = read(fd, answer + got, 1)) == 1) {
		if (answer[got] == '\n')
			break;
		got++;
	}
	answer[got] = '\0';
	close(fd);
	return strncmp(answer, "OK", 2) == 0 ? 0 : -1;
fail:
	snprintf(answer, size, "%s", strerror(errno));
	close(fd);
	return -1;
}

/* Whether the server completes a TCP connect to its control port within
 * WAIT_MS: a link that is down answers nothing. */
static int server_answers(int wait_ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(CTL_PORT) };
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, err = -1;

	inet_pton(AF_INET, SERVER_IP, &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		err = 0;
	} else if (errno == EINPROGRESS) {
		pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
		if (poll(&pfd, 1, wait_ms) > 0)
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	}
	close(fd);
	return err == 0;
}

/* The server takes its link down after it answered the request, when its
 * (possibly starved) CPU gets there: the outage has begun only once it
 * stops answering. */
static void wait_server_away(int bound_s)
{
	long deadline = now_ms() + bound_s * 1000L;

	while (server_answers(2000)) {
		if (now_ms() >= deadline)
			fail("pressure: the server still answered %d s after the link outage was to begin", bound_s);
		poll(NULL, 0, 250);
	}
}

/* Read a small proc file relative to the /proc fd (no walk from '/'). */
static int proc_read(struct ctx *c, const char *rel, char *buf, size_t size)
{
	ssize_t n;
	int fd = openat(c->proc_fd, rel, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* The next tlshd process of a /proc listing (its pid), or 0 at the end. */
static long next_tlshd(struct ctx *c, DIR *d)
{
	char path[300], comm[64];
	struct dirent *de;

	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/comm", de->d_name);
		if (!proc_read(c, path, comm, sizeof(comm)) && !strncmp(comm, "tlshd", 5))
			return atol(de->d_name);
	}
	return 0;
}

/* A listing of /proc through the fd opened before the outage. */
static DIR *list_proc(struct ctx *c)
{
	int dfd = dup(c->proc_fd);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return NULL;
	}
	rewinddir(d);
	return d;
}

/*
 * The tlshd processes and where they wait: a handshake child that still
 * exists long after the server came back is blocked (a deadlock with the
 * root it serves); no child at all is a stall of another kind.
 */
static int report_tlshd(struct ctx *c, char *summary, size_t size)
{
	char path[300], comm[64], stat[512], wchan[128], stack[2048];
	int children = 0;
	long pid;
	DIR *d;

	summary[0] = '\0';
	if (!(d = list_proc(c)))
		return 0;
	while ((pid = next_tlshd(c, d))) {
		char *st, state;
		long ppid;

		snprintf(path, sizeof(path), "%ld/stat", pid);
		if (proc_read(c, path, stat, sizeof(stat)) || !(st = strrchr(stat, ')')))
			continue;
		if (sscanf(st + 1, " %c %ld", &state, &ppid) != 2)
			continue;
		snprintf(path, sizeof(path), "%ld/wchan", pid);
		if (proc_read(c, path, wchan, sizeof(wchan)))
			snprintf(wchan, sizeof(wchan), "?");
		snprintf(path, sizeof(path), "%ld/stack", pid);
		if (proc_read(c, path, stack, sizeof(stack)))
			stack[0] = '\0';
		for (char *q = stack; *q; q++)
			if (*q == '\n')
				*q = '|';
		say("TLSROOT-PRESSURE: tlshd pid %ld ppid %ld state %c wchan %s stack %.300s",
		    pid, ppid, state, wchan, stack);
		snprintf(path, sizeof(path), "%ld/comm", ppid);
		if (!proc_read(c, path, comm, sizeof(comm)) && !strncmp(comm, "tlshd", 5) &&
		    children++ == 0)
			snprintf(summary, size, "first: pid %ld in state %c, wchan %.40s%s",
				 pid, state, wchan,
				 strstr(stack, "filemap_fault") ? " (a page fault on a file)" : "");
	}
	closedir(d);
	if (children) {
		char first[400];

		snprintf(first, sizeof(first), "%s", summary);
		snprintf(summary, size, "%d handshake child(ren) blocked, %s", children, first);
	}
	return children;
}

/* SIGKILL every tlshd process (the rescue); returns how many. */
static int kill_tlshd(struct ctx *c)
{
	DIR *d = list_proc(c);
	int n = 0;
	long pid;

	if (!d)
		fail("pressure: cannot list /proc for the rescue");
	while ((pid = next_tlshd(c, d)))
		n += kill((pid_t)pid, SIGKILL) == 0;
	closedir(d);
	return n;
}

/* Keep the pressure on while waiting for the writer's report. */
static int wait_writer(struct ctx *c, int done_fd, long until_ms)
{
	struct pollfd pfd = { .fd = done_fd, .events = POLLIN };

	while (now_ms() < until_ms) {
		drop_caches(c);
		grow_hog(c);
		if (poll(&pfd, 1, 1000) > 0)
			return 1;
	}
	return poll(&pfd, 1, 0) > 0;
}

static void writer(int wfd, int go_fd, int done_fd, const char *token)
{
	char text[256], b;
	long r[2];
	int len;

	mlockall(MCL_CURRENT | MCL_FUTURE);
	if (read(go_fd, &b, 1) != 1)
		_exit(1);
	len = snprintf(text, sizeof(text), "written during the outage %s\n", token);
	r[0] = 0;
	if (pwrite(wfd, text, len, 0) != len || fsync(wfd) < 0)
		r[0] = errno ? errno : EIO;
	r[1] = now_ms();
	if (write(done_fd, r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

/* The file holds what the writer wrote: O_DIRECT, then after drop_caches. */
static void verify(struct ctx *c, int wfd, int dfd, const char *token)
{
	char want[256], *buf;
	int len = snprintf(want, sizeof(want), "written during the outage %s\n", token);
	ssize_t n;

	if (posix_memalign((void **)&buf, 4096, 4096))
		fail("pressure: no memory for the read-back buffer");
	memset(buf, 0, 4096);
	n = pread(dfd, buf, 4096, 0);
	if (n < len || memcmp(buf, want, len))
		fail("the O_DIRECT read-back of the file written during the outage differs (%zd bytes: %.60s)",
		     n, n > 0 ? buf : strerror(errno));
	drop_caches(c);
	memset(buf, 0, 4096);
	n = pread(wfd, buf, 4095, 0);
	if (n != len || memcmp(buf, want, len))
		fail("the read-back after drop_caches of the file written during the outage differs");
	free(buf);
}

static void check_oom(struct ctx *c, long oom0)
{
	long oom1 = read_field(c->vmstat_fd, "oom_kill");

	if (oom1 > oom0)
		fail("pressure setup: the OOM killer fired %ld times: the hog went past the margin", oom1 - oom0);
}

/* The writer's report (r: errno, completion time), then the read-back. */
static void collect(struct ctx *c, int done_fd, int wfd, int dfd, const char *token,
		    pid_t writer_pid, long r[2])
{
	if (read(done_fd, r, 2 * sizeof(long)) != 2 * sizeof(long))
		fail("pressure: lost the writer's report");
	waitpid(writer_pid, NULL, 0);
	if (r[0])
		fail("the write issued during the outage failed after the server's return: %s", strerror((int)r[0]));
	verify(c, wfd, dfd, token);
}

/*
 * After the baseline: tlshd killed, the agent thawed, under the same
 * pressure. DONE_FD < 0: the root is already back, only hand it over.
 */
static void rescue(struct ctx *c, pid_t agent, int done_fd, int wfd, int dfd,
		   const char *token, pid_t writer_pid)
{
	int killed = kill_tlshd(c);
	long t0, r[2];

	if (kill(agent, SIGCONT))
		fail("pressure: cannot thaw the agent (pid %d): %s", (int)agent, strerror(errno));
	t0 = now_ms();
	if (done_fd < 0) {
		say("TLSROOT-PRESSURE: rescue outcome=none-needed killed_tlshd=%d agent=%d thawed", killed, (int)agent);
		return;
	}
	if (!wait_writer(c, done_fd, t0 + RESCUE_S * 1000L))
		fail("the root did not come back within %d s after tlshd was killed (%d processes) and the tlsroot agent (pid %d) thawed",
		     RESCUE_S, killed, (int)agent);
	collect(c, done_fd, wfd, dfd, token, writer_pid, r);
	say("TLSROOT-PRESSURE: rescue outcome=recovered recovery_ms=%ld killed_tlshd=%d agent=%d hog_mib=%ld min_avail_mib=%ld",
	    r[1] - t0, killed, (int)agent, c->hog_mib, c->min_avail_mib);
}

int main(int argc, char **argv)
{
	struct ctx c = { .min_avail_mib = -1 };
	int go[2], done[2], wfd, dfd, outage_s, wait_s, children;
	long r[2], t_req, t_back, oom0, total, last_mark, avail;
	char answer[256], summary[512];
	struct pollfd pfd;
	const char *file, *token;
	pid_t pid, agent = 0;

	if (argc != 8 && argc != 9) {
		fprintf(stderr, "usage: %s agent|baseline FILE TOKEN MARGIN_MIB CTL_CMD OUTAGE_S WAIT_S [AGENT_PID]\n", argv[0]);
		return 2;
	}
	c.mode = argv[1];
	c.baseline = strcmp(c.mode, "baseline") == 0;
	file = argv[2];
	token = argv[3];
	c.margin_mib = atol(argv[4]);
	outage_s = atoi(argv[6]);
	wait_s = atoi(argv[7]);
	if (c.baseline && argc == 9)
		agent = atoi(argv[8]);
	if ((!c.baseline && (strcmp(c.mode, "agent") || argc != 8)) ||
	    (c.baseline && agent <= 1) || c.margin_mib < 8 || outage_s < 1 || wait_s < 1)
		fail("pressure: bad arguments (baseline needs the frozen agent's pid)");

	c.drop_fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	c.meminfo_fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	c.vmstat_fd = open("/proc/vmstat", O_RDONLY | O_CLOEXEC);
	c.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.drop_fd < 0 || c.meminfo_fd < 0 || c.vmstat_fd < 0 || c.proc_fd < 0)
		fail("pressure: cannot open /proc files: %s", strerror(errno));
	wfd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (wfd < 0 || fsync(wfd) < 0)
		fail("pressure: cannot create %s on the root: %s", file, strerror(errno));
	dfd = open(file, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (dfd < 0)
		fail("pressure: cannot open %s with O_DIRECT: %s", file, strerror(errno));
	if (pipe2(go, O_CLOEXEC) || pipe2(done, O_CLOEXEC))
		fail("pressure: pipe: %s", strerror(errno));
	/* The writer forks before the hog exists: nothing large to copy. */
	pid = fork();
	if (pid < 0)
		fail("pressure: fork: %s", strerror(errno));
	if (pid == 0)
		writer(wfd, go[0], done[1], token);
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		fail("pressure: mlockall: %s", strerror(errno));

	oom0 = read_field(c.vmstat_fd, "oom_kill");
	total = read_field(c.meminfo_fd, "MemTotal") / 1024;
	drop_caches(&c);
	grow_hog(&c);
	say("TLSROOT-MARK: pressure: hog %ld MiB resident and locked, MemAvailable %ld MiB of %ld MiB (margin %ld MiB), caches dropped",
	    c.hog_mib, avail_mib(&c), total, c.margin_mib);
	c.min_avail_mib = -1;

	t_req = now_ms();
	if (ctl_request(argv[5], answer, sizeof(answer)))
		fail("pressure: the server refused '%s': %s", argv[5], answer);
	say("TLSROOT-PRESSURE: outage requested (%s): %s", argv[5], answer);
	t_back = t_req + outage_s * 1000L;
	pfd = (struct pollfd){ .fd = done[0], .events = POLLIN };
	/* The write goes out once the server is surely away: a link outage
	 * starts behind the server's answer, the others before it. */
	if (strncmp(argv[5], "link-outage", 11) == 0)
		wait_server_away(outage_s / 2);
	else
		poll(NULL, 0, 2000);
	if (write(go[1], "g", 1) != 1)
		fail("pressure: cannot start the writer");
	if (poll(&pfd, 1, 3000) > 0)
		fail("the write issued during the outage completed at once: the root was not away");
	last_mark = now_ms();
	while (now_ms() < t_back + wait_s * 1000L) {
		drop_caches(&c);
		grow_hog(&c);
		if (poll(&pfd, 1, 1000) > 0)
			break;
		if (now_ms() - last_mark >= 10000) {
			last_mark = now_ms();
			avail = avail_mib(&c);
			say("TLSROOT-MARK: pressure: +%ld s, hog %ld MiB, MemAvailable %ld MiB, write pending",
			    (last_mark - t_req) / 1000, c.hog_mib, avail);
		}
	}
	check_oom(&c, oom0);
	if (poll(&pfd, 1, 0) <= 0) {
		children = report_tlshd(&c, summary, sizeof(summary));
		say("TLSROOT-PRESSURE: outcome=%s recovery_ms=- waited_s=%d hog_mib=%ld min_avail_mib=%ld",
		    children ? "deadlocked" : "stalled", wait_s, c.hog_mib, c.min_avail_mib);
		snprintf(answer, sizeof(answer), "%s: the root did not come back within %d s of the server's return%s%s",
			 c.baseline ? "baseline (stock tlshd, agent frozen)" : "tlsroot",
			 wait_s, children ? "; tlshd " : "", children ? summary : "");
		if (!c.baseline)
			finish("FAIL", answer);
		say("TLSROOT-PRESSURE: baseline: %s", answer);
		rescue(&c, agent, done[0], wfd, dfd, token, pid);
		check_oom(&c, oom0);
		return 0;
	}
	collect(&c, done[0], wfd, dfd, token, pid, r);
	say("TLSROOT-PRESSURE: outcome=recovered recovery_ms=%ld write_ms=%ld hog_mib=%ld min_avail_mib=%ld",
	    r[1] - t_back, r[1] - t_req, c.hog_mib, c.min_avail_mib);
	if (c.baseline)
		rescue(&c, agent, -1, wfd, dfd, token, pid);
	return 0;
}
