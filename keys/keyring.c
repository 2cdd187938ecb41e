// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding the keyrings identities live on: .nfs and .nvme are made by
 * kernel modules (nfs.ko, nvme-keyring.ko), so a missing one may only
 * need its module loaded. The process gains possession of the keyring by
 * linking it into its process keyring, which ends with the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>

#include "keys/keys.h"
#include "keys/keys_private.h"

#define POSSESSOR_ONLY (KEY_POS_ALL | KEY_USR_VIEW)

void tr_keyring_target_init(struct tr_keyring_target *t, int32_t serial,
			    const char *name, const char *psk_type)
{
	memset(t, 0, sizeof(*t));
	t->serial = serial;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->psk_type = psk_type;
}

/* modprobe's exit status, or -1 when it could not run at all. */
static int run_modprobe(const char *module)
{
	static const char *const paths[] = { "/sbin/modprobe",
					     "/usr/sbin/modprobe" };
	int status, devnull;
	size_t i;
	pid_t pid;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			break;
	if (i == sizeof(paths) / sizeof(paths[0]))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
		}
		execl(paths[i], "modprobe", "-q", "--", module, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* request_key() first, then /proc/keys. */
static int32_t lookup(const char *desc)
{
	return find_key_by_type_and_desc("keyring", desc, 0);
}

static int find_existing(const char *desc, const char *module, int32_t *id,
			 struct tr_error *err)
{
	int rc;

	*id = lookup(desc);
	if (*id >= 0 || !module)
		return 0;
	rc = run_modprobe(module);
	if (rc != 0) {
		tr_error_set(err, TR_EXIT_KEYRING,
			     "the %s keyring does not exist and `modprobe %s` %s; load the module or use a kernel that has it",
			     desc, module, rc < 0 ? "could not run" : "failed");
		return -1;
	}
	*id = lookup(desc);
	return 0;
}

int tr_keyring_find(const char *desc, const char *module, int32_t *serial,
		    struct tr_error *err)
{
	int32_t id;

	if (find_existing(desc, module, &id, err) < 0)
		return -1;
	if (id < 0) {
		tr_error_set(err, TR_EXIT_KEYRING,
			     "the %s keyring does not exist%s%s",
			     desc, module ? " even after loading " : "",
			     module ? module : "; is its module loaded?");
		return TR_KEYRING_ABSENT;
	}
	/* Possession: keys in a keyring we link to @p are ours to read. */
	if (keyctl_link(id, KEY_SPEC_PROCESS_KEYRING) < 0) {
		tr_error_set(err, TR_EXIT_KEYRING,
			     "cannot link the %s keyring into this process's keyring: %s; run as root",
			     desc, strerror(errno));
		return -1;
	}
	*serial = id;
	return 0;
}

/*
 * Made in the process keyring, so that this process possesses it while
 * it sets the permissions, then linked into parent.
 */
static long create_fallback(int32_t parent)
{
	long id = add_key("keyring", TR_KEYRING_FALLBACK, NULL, 0,
			  KEY_SPEC_PROCESS_KEYRING);

	if (id < 0)
		return -1;
	if (keyctl_setperm((key_serial_t)id, POSSESSOR_ONLY) < 0 ||
	    keyctl_link((key_serial_t)id, parent) < 0) {
		int e = errno;

		keyctl_invalidate((key_serial_t)id);
		errno = e;
		return -1;
	}
	return id;
}

/* The stand-in for .nfs, in parent (root's @u); created on demand. */
int tr_keyring_open_fallback(int32_t parent, int create,
			     struct tr_keyring_target *t, struct tr_error *err)
{
	long id = keyctl_search(parent, "keyring", TR_KEYRING_FALLBACK,
				KEY_SPEC_PROCESS_KEYRING);

	if (id < 0 && errno == ENOKEY && create)
		id = create_fallback(parent);
	if (id < 0) {
		int absent = errno == ENOKEY && !create;

		tr_error_set(err, TR_EXIT_KEYRING,
			     "the kernel has no .nfs keyring and the \"%s\" keyring in root's user keyring is %s (%s)",
			     TR_KEYRING_FALLBACK,
			     create ? "unusable" : "missing", strerror(errno));
		return absent ? TR_KEYRING_ABSENT : -1;
	}
	tr_keyring_target_init(t, (int32_t)id, TR_KEYRING_FALLBACK, "psk");
	return 0;
}

int tr_keyring_open_nfs(struct tr_keyring_target *t, int load,
			struct tr_error *err)
{
	int32_t id;

	if (tr_keyring_find(TR_KEYRING_NFS, load ? "nfs" : NULL, &id,
			    err) == 0) {
		tr_keyring_target_init(t, id, TR_KEYRING_NFS, "psk");
		return 0;
	}
	return tr_keyring_open_fallback(KEY_SPEC_USER_KEYRING, load, t, err);
}

/* psk keys live in the network namespace of their creator. */
static int check_init_netns(struct tr_error *err)
{
	struct stat self, init;

	if (stat("/proc/self/ns/net", &self) < 0 ||
	    stat("/proc/1/ns/net", &init) < 0)
		return 0; /* cannot tell (no /proc): let the kernel decide */
	if (self.st_ino == init.st_ino && self.st_dev == init.st_dev)
		return 0;
	tr_error_set(err, TR_EXIT_KEYRING,
		     "this process is not in the initial network namespace, where the kernel's NVMe host looks up psk keys; run it there (e.g. nsenter -t 1 -n)");
	return -1;
}

int tr_keyring_open_nvme(struct tr_keyring_target *t, int load,
			 struct tr_error *err)
{
	int32_t id;
	int rc;

	if (load && check_init_netns(err) < 0)
		return -1;
	rc = tr_keyring_find(TR_KEYRING_NVME, load ? "nvme-tcp" : NULL, &id,
			     err);
	if (rc < 0)
		return rc;
	tr_keyring_target_init(t, id, TR_KEYRING_NVME, "psk");
	return 0;
}
