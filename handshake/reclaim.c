// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reclaim safety. The agent must answer a handshake while the network
 * root it protects is down and memory is short, so at start it pins its
 * memory, marks itself as an I/O flusher, opts out of the OOM killer, and
 * then forbids itself every system call that walks a path or starts a
 * program: such a call could wait on the very root it is repairing.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <malloc.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handshake/handshake.h"

#ifndef PR_SET_IO_FLUSHER
#define PR_SET_IO_FLUSHER 57
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif
#define HS_HEAP_RESERVE (512u << 10)   /* about ten sessions in flight */
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

static void note(struct hs_harden_result *res, const char *what, int e)
{
	size_t used = strlen(res->note);

	snprintf(res->note + used, sizeof(res->note) - used, "%s%s: %s",
		 used ? "; " : "", what, strerror(e));
}

/* Touch stack now so later growth is already resident and locked. */
static void prefault_stack(void)
{
	volatile char pad[256 * 1024];
	size_t i;

	for (i = 0; i < sizeof(pad); i += 4096)
		pad[i] = 0;
}

/*
 * Grow the heap once; M_TRIM_THRESHOLD keeps it, so it is reused. Every
 * page gets a volatile store: a memset of zeros may become a calloc that
 * skips fresh pages.
 */
static void prefault_heap(void)
{
	volatile char *p = malloc(HS_HEAP_RESERVE);
	size_t i;

	if (!p)
		return;
	for (i = 0; i < HS_HEAP_RESERVE; i += 4096)
		p[i] = 1;
	free((void *)p);
}

static int ram_backed(const char *path)
{
	struct statfs sfs;

	if (statfs(path, &sfs) < 0)
		return 0;
	return sfs.f_type == RAMFS_MAGIC || sfs.f_type == TMPFS_MAGIC;
}

int hs_mappings_ram_backed(const char *maps_path)
{
	char line[4096 + 128], last[4096] = "";
	FILE *f = fopen(maps_path, "re");
	int all = 1, any = 0;
	char *path, *bracket;

	if (!f)
		return 0;
	while (all && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		path = strchr(line, '/');
		bracket = strchr(line, '[');
		if (!path || (bracket && bracket < path))
			continue;        /* anonymous, [heap], [stack], ... */
		any = 1;
		if (!strcmp(path, last))
			continue;
		snprintf(last, sizeof(last), "%s", path);
		all = ram_backed(path);
	}
	fclose(f);
	return all && any;
}

static int write_oom_adj(void)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, "-1000", 5);
	close(fd);
	return n == 5 ? 0 : -1;
}

void hs_harden(struct hs_harden_result *res)
{
	memset(res, 0, sizeof(*res));
	/* Freed memory stays with us: giving it back means faulting later;
	 * and no allocation gets a mapping of its own that free() unmaps. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_ARENA_MAX, 1);
	/*
	 * Lock on fault only when every mapped file lives in RAM (the
	 * initramfs): an untouched page then faults in from memory, never
	 * from the network root. Anywhere else, lock every page now.
	 */
	res->onfault = hs_mappings_ram_backed("/proc/self/maps");
	if (mlockall(MCL_CURRENT | MCL_FUTURE |
		     (res->onfault ? MCL_ONFAULT : 0)) == 0) {
		res->mlocked = 1;
	} else {
		note(res, "mlockall", errno);
		res->onfault = 0;
	}
	prefault_stack();
	prefault_heap();
	/* Kernel 5.6+, needs CAP_SYS_RESOURCE: our allocations may dip into
	 * reserves and do not recurse into I/O reclaim. */
	if (prctl(PR_SET_IO_FLUSHER, 1, 0, 0, 0) == 0)
		res->io_flusher = 1;
	else
		note(res, "PR_SET_IO_FLUSHER", errno);
	if (write_oom_adj() == 0)
		res->oom_adjusted = 1;
	else
		note(res, "oom_score_adj", errno);
}

long hs_status_field_kib(const char *text, size_t len, const char *field)
{
	size_t flen = strlen(field), i = 0;
	long v = 0;

	while (i + flen <= len) {
		if ((i == 0 || text[i - 1] == '\n') &&
		    memcmp(text + i, field, flen) == 0) {
			i += flen;
			while (i < len && (text[i] == ' ' || text[i] == '\t'))
				i++;
			if (i >= len || text[i] < '0' || text[i] > '9')
				return -1;
			while (i < len && text[i] >= '0' && text[i] <= '9')
				v = v * 10 + (text[i++] - '0');
			return v;
		}
		i++;
	}
	return -1;
}

/* ---- seccomp ------------------------------------------------------------ */

#if defined(__x86_64__)
#define HS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define HS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n))
#define DENY SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)
#define MAX_INSNS 256

/* Calls that resolve a path, start a program or make a new socket. */
static const int denied[] = {
#ifdef __NR_open
	__NR_open,
#endif
#ifdef __NR_creat
	__NR_creat,
#endif
#ifdef __NR_stat
	__NR_stat,
#endif
#ifdef __NR_lstat
	__NR_lstat,
#endif
#ifdef __NR_access
	__NR_access,
#endif
#ifdef __NR_readlink
	__NR_readlink,
#endif
#ifdef __NR_fork
	__NR_fork,
#endif
#ifdef __NR_vfork
	__NR_vfork,
#endif
#ifdef __NR_mkdir
	__NR_mkdir,
#endif
#ifdef __NR_rmdir
	__NR_rmdir,
#endif
#ifdef __NR_unlink
	__NR_unlink,
#endif
#ifdef __NR_rename
	__NR_rename,
#endif
#ifdef __NR_link
	__NR_link,
#endif
#ifdef __NR_symlink
	__NR_symlink,
#endif
#ifdef __NR_chmod
	__NR_chmod,
#endif
#ifdef __NR_chown
	__NR_chown,
#endif
#ifdef __NR_lchown
	__NR_lchown,
#endif
#ifdef __NR_utime
	__NR_utime,
#endif
#ifdef __NR_utimes
	__NR_utimes,
#endif
#ifdef __NR_futimesat
	__NR_futimesat,
#endif
#ifdef __NR_mknod
	__NR_mknod,
#endif
#ifdef __NR_uselib
	__NR_uselib,
#endif
#ifdef __NR_inotify_add_watch
	__NR_inotify_add_watch,
#endif
#ifdef __NR_openat2
	__NR_openat2,
#endif
#ifdef __NR_faccessat2
	__NR_faccessat2,
#endif
	__NR_openat, __NR_faccessat, __NR_readlinkat, __NR_execve,
	__NR_execveat, __NR_mkdirat, __NR_unlinkat, __NR_renameat2,
	__NR_linkat, __NR_symlinkat, __NR_chdir, __NR_chroot, __NR_fchmodat,
	__NR_fchownat, __NR_truncate, __NR_statfs, __NR_utimensat,
	__NR_mknodat, __NR_mount, __NR_umount2, __NR_pivot_root, __NR_swapon,
	__NR_swapoff, __NR_fanotify_mark, __NR_name_to_handle_at,
	__NR_open_by_handle_at, __NR_getxattr, __NR_lgetxattr,
	__NR_setxattr, __NR_lsetxattr, __NR_listxattr, __NR_llistxattr,
	__NR_removexattr, __NR_lremovexattr, __NR_acct, __NR_quotactl,
	__NR_socket, __NR_connect, __NR_bind,
#ifdef __NR_renameat
	__NR_renameat,
#endif
};

struct prog {
	struct sock_filter insn[MAX_INSNS];
	unsigned short n;
};

static void emit(struct prog *p, struct sock_filter f)
{
	if (p->n < MAX_INSNS)
		p->insn[p->n] = f;
	p->n++;
}

static void deny_nr(struct prog *p, int nr)
{
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					     (unsigned)nr, 0, 1));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, DENY));
}

/*
 * Allow nr only when a flag bit is set in argument arg; else deny. Both
 * outcomes return, so the accumulator still holds nr on the fall-through.
 */
static void allow_if_flag(struct prog *p, int nr, int arg, unsigned flag)
{
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					     (unsigned)nr, 0, 4));
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     ARG_LO(arg)));
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, flag,
					     0, 1));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					     SECCOMP_RET_ALLOW));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, DENY));
}

#ifdef HS_AUDIT_ARCH
static void build(struct prog *p)
{
	size_t i;

	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, arch)));
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					     HS_AUDIT_ARCH, 1, 0));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, DENY));
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr)));
#ifdef __x86_64__
	/* The x32 ABI shares the arch value; refuse it wholesale. */
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
					     0x40000000u, 0, 1));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, DENY));
#endif
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		deny_nr(p, denied[i]);
	/* glibc's fstat() is newfstatat(fd, "", AT_EMPTY_PATH). */
#ifdef __NR_newfstatat
	allow_if_flag(p, __NR_newfstatat, 3, AT_EMPTY_PATH);
#endif
	allow_if_flag(p, __NR_statx, 2, AT_EMPTY_PATH);
	/* Threads may be made (libraries might); processes may not. */
	allow_if_flag(p, __NR_clone, 0, CLONE_THREAD);
	/* clone3's flags live in memory BPF cannot read: make libc fall back. */
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					     __NR_clone3, 0, 1));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
			SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					     SECCOMP_RET_ALLOW));
}
#endif

int hs_seccomp_install(struct tr_error *err)
{
#ifdef HS_AUDIT_ARCH
	struct prog p = { .n = 0 };
	struct sock_fprog fprog;

	build(&p);
	if (p.n > MAX_INSNS) {
		tr_error_set(err, TR_EXIT_FAILURE, "seccomp filter too long");
		return -1;
	}
	fprog.len = p.n;
	fprog.filter = p.insn;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot install the seccomp filter: %s",
			     strerror(errno));
		return -1;
	}
	return 0;
#else
	tr_error_set(err, TR_EXIT_FAILURE,
		     "no seccomp filter for this architecture; run with --no-seccomp");
	return -1;
#endif
}
