// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlsroot-agent(8): answers the kernel's TLS handshake upcalls for the
 * network root. Everything that touches a file happens here, before the
 * event loop starts; after that the seccomp filter forbids it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "handshake/handshake.h"

#ifndef TLSROOT_VERSION
#define TLSROOT_VERSION "0.1"
#endif

#define DEFAULT_SOCKET "/run/tlsroot/agent.sock"
#define DEFAULT_GRACE_MS 2000

struct args {
	struct hs_agent_opts opts;
	int kmsg;
	int seccomp;
	int debug;
	int initrd;
	int dry_run;
	int onfault;
	int warmed;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tlsroot-agent [OPTIONS]\n\n"
		"Serve the kernel's TLS handshake upcalls for a network root.\n\n"
		"  --trust FILE        PEM bundle of trust anchors for servers\n"
		"  --identity NAME     x509 identity used when the kernel passes none\n"
		"  --mode MODE         active (default) or standby\n"
		"  --grace-ms N        standby: accept what is pending after N ms (%d)\n"
		"  --socket PATH       control socket (%s)\n"
		"  --kmsg              log to /dev/kmsg (default in an initrd)\n"
		"  --initrd            behave as started from the initrd\n"
		"  --no-seccomp        do not install the system-call filter\n"
		"  --dry-run           start up without the handshake family, log, exit\n"
		"  --debug             log every request's attributes\n"
		"  --help, --version\n\nSee tlsroot-agent(8).\n",
		DEFAULT_GRACE_MS, DEFAULT_SOCKET);
}

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int bad(const char *msg, const char *arg)
{
	fprintf(stderr, "tlsroot-agent: %s '%s'; see --help\n", msg, arg);
	return TR_EXIT_USAGE;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "identity", required_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'm' },
		{ "grace-ms", required_argument, NULL, 'g' },
		{ "socket", required_argument, NULL, 's' },
		{ "kmsg", no_argument, NULL, 'k' },
		{ "initrd", no_argument, NULL, 'I' },
		{ "no-seccomp", no_argument, NULL, 'S' },
		{ "debug", no_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	a->opts.socket_path = DEFAULT_SOCKET;
	a->opts.grace_ms = DEFAULT_GRACE_MS;
	a->opts.use_netlink = 1;
	a->seccomp = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 't': a->opts.trust_file = optarg; break;
		case 'i': a->opts.identity = optarg; break;
		case 's': a->opts.socket_path = optarg; break;
		case 'k': a->kmsg = 1; break;
		case 'I': a->initrd = 1; break;
		case 'S': a->seccomp = 0; break;
		case 'd': a->debug = 1; break;
		case 'n': a->dry_run = 1; a->opts.use_netlink = 0; break;
		case 'm':
			if (!strcmp(optarg, "active"))
				a->opts.mode = HS_MODE_ACTIVE;
			else if (!strcmp(optarg, "standby"))
				a->opts.mode = HS_MODE_STANDBY;
			else
				return bad("--mode takes active or standby, not", optarg);
			break;
		case 'g':
			if (parse_uint(optarg, 600000, &a->opts.grace_ms) < 0)
				return bad("--grace-ms takes 0..600000, not", optarg);
			break;
		case 'h': usage(stdout); return TR_EXIT_OK;
		case 'V': printf("tlsroot-agent %s\n", TLSROOT_VERSION); return TR_EXIT_OK;
		default: return TR_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return bad("unexpected argument", argv[optind]);
	if (a->opts.identity && (!a->opts.identity[0] ||
				 strchr(a->opts.identity, ':')))
		return bad("--identity takes a name without ':', not",
			   a->opts.identity);
	return -1;
}

/* systemd spares uid-0 processes whose argv[0] starts with '@' at
 * switch_root and shutdown; comm (from the executable) stays the same. */
static void mark_root_storage_daemon(char **argv)
{
	if (argv[0] && argv[0][0])
		argv[0][0] = '@';
}

static void harden(struct args *a, struct hs_agent *agent, struct tr_log *log)
{
	struct hs_harden_result res;
	struct tr_error err;
	int status_fd, smaps_fd, filtered = 0;

	status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	smaps_fd = open("/proc/self/smaps_rollup", O_RDONLY | O_CLOEXEC);
	hs_harden(&res);
	if (res.note[0])
		tr_log(log, TR_LOG_WARN, "reclaim safety reduced: %s", res.note);
	a->onfault = res.onfault;
	/* After mlockall, so what the warm-up faults in stays locked. */
	a->warmed = hs_agent_warmup(agent, &err);
	if (a->warmed < 0)
		tr_log(log, TR_LOG_WARN, "%s; the first handshakes will fault their pages in",
		       err.msg);
	if (a->seccomp) {
		if (hs_seccomp_install(&err) == 0)
			filtered = 1;
		else
			tr_log(log, TR_LOG_ERR, "%s", err.msg);
	}
	hs_agent_set_hardening(agent, res.mlocked, res.io_flusher, filtered,
			       status_fd, smaps_fd);
}

static void log_ready(struct hs_agent *agent, struct args *a,
		      struct tr_log *log)
{
	struct hs_stats st;

	hs_agent_stats(agent, &st);
	tr_log(log, TR_LOG_INFO,
	       "%s %s ready: mode=%s socket=%s identity=%s mlockall=%s io_flusher=%s seccomp=%s warmup=%d locked_kib=%ld rss_kib=%ld locked_vm_kib=%ld",
	       a->initrd ? "initrd" : "host", TLSROOT_VERSION,
	       st.mode == HS_MODE_ACTIVE ? "active" : "standby",
	       a->opts.socket_path,
	       a->opts.identity ? a->opts.identity : "-",
	       !st.mlocked ? "off" : a->onfault ? "onfault" : "all",
	       st.io_flusher ? "on" : "off", st.seccomp ? "on" : "off",
	       a->warmed, st.locked_kib, st.rss_kib, st.locked_vm_kib);
}

int main(int argc, char **argv)
{
	struct args a;
	struct tr_log log;
	struct tr_error err;
	struct hs_agent *agent;
	int ret;

	/* Private keys, PSKs and traffic secrets live in this process. */
	if (tr_no_core_dumps() < 0) {
		fprintf(stderr, "tlsroot-agent: cannot disable core dumps: %s\n",
			strerror(errno));
		return TR_EXIT_FAILURE;
	}
	memset(&a, 0, sizeof(a));
	ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	if (access("/etc/initrd-release", F_OK) == 0)
		a.initrd = 1;
	tr_log_init(&log, "tlsroot-agent", a.kmsg || a.initrd,
		    a.debug ? TR_LOG_DEBUG : TR_LOG_INFO);
	/* The cwd must never pin the network root. */
	if (chdir("/") < 0)
		tr_log(&log, TR_LOG_WARN, "chdir /: %s", strerror(errno));
	if (a.initrd)
		mark_root_storage_daemon(argv);
	agent = hs_agent_new(&a.opts, &log, &err);
	if (!agent) {
		tr_log(&log, TR_LOG_ERR, "%s", err.msg);
		return err.code ? err.code : TR_EXIT_FAILURE;
	}
	harden(&a, agent, &log);
	log_ready(agent, &a, &log);
	ret = a.dry_run ? TR_EXIT_OK : hs_agent_run(agent);
	hs_agent_free(agent);
	return ret;
}
