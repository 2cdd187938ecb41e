// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Credentials from kernel keyrings. Keys are possessor-only, so the agent
 * makes them reachable from its process keyring: the kernel links each
 * request's keyring there at ACCEPT, and at start we link the keyrings
 * that exist then. Every call here is a keyctl system call; none walks a
 * path, so they are safe while the network root is down.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <keyutils.h>

#include "handshake/handshake.h"
#include "keys/keys.h"

static void link_into_process(int32_t ring)
{
	if (ring > 0)
		keyctl_link(ring, KEY_SPEC_PROCESS_KEYRING);
}

void hs_keyrings_prepare(struct hs_keyrings *kr)
{
	long probe;

	memset(kr, 0, sizeof(*kr));
	kr->process = keyctl_get_keyring_ID(KEY_SPEC_PROCESS_KEYRING, 1);
	/* Possession of root's user keyring covers the .tlsroot stand-in. */
	link_into_process(keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 1));
	/* These read /proc/keys, which is fine only now, at start. */
	kr->nfs = find_key_by_type_and_desc("keyring", ".nfs", 0);
	kr->nvme = find_key_by_type_and_desc("keyring", ".nvme", 0);
	kr->tlsroot = (int32_t)keyctl_search(KEY_SPEC_USER_KEYRING, "keyring",
					     TR_KEYRING_FALLBACK, 0);
	link_into_process(kr->nfs);
	link_into_process(kr->nvme);
	link_into_process(kr->tlsroot);
	/*
	 * Adding an "asymmetric" key for REMOTE_AUTH may make the kernel run
	 * modprobe from the root file system if the type is missing; probe
	 * once now with a payload it must reject, and skip it later if absent.
	 */
	probe = add_key("asymmetric", "tlsroot-probe", "x", 1,
			KEY_SPEC_PROCESS_KEYRING);
	kr->asymmetric_ok = probe >= 0 || (errno != ENODEV && errno != ENOPKG);
	if (probe >= 0)
		keyctl_invalidate((key_serial_t)probe);
}

int hs_key_read(int32_t serial, uint8_t *buf, size_t cap, size_t *len,
		struct tr_error *err)
{
	long n = keyctl_read(serial, (char *)buf, cap);

	if (n < 0) {
		tr_error_set(err, errno == EACCES ? TR_EXIT_KEYRING
						  : TR_EXIT_NOTFOUND,
			     "cannot read key %d: %s%s", serial, strerror(errno),
			     errno == EACCES ? " (not possessed: is its keyring linked?)" : "");
		return -1;
	}
	if ((size_t)n > cap) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "key %d holds %ld bytes, more than %zu", serial, n,
			     cap);
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

int hs_key_identity(int32_t serial, char *out, size_t cap,
		    struct tr_error *err)
{
	char desc[512];
	const char *semi;
	long n = keyctl_describe(serial, desc, sizeof(desc));

	if (n < 0 || (size_t)n > sizeof(desc)) {
		tr_error_set(err, TR_EXIT_NOTFOUND,
			     "cannot describe key %d: %s", serial,
			     n < 0 ? strerror(errno) : "description too long");
		return -1;
	}
	desc[sizeof(desc) - 1] = '\0';
	/*
	 * The kernel formats "type;uid;gid;perm;description". tlshd takes
	 * the text after the last ';', which is the same unless the
	 * description itself holds a ';'; after the fourth is always right.
	 */
	semi = desc;
	for (n = 0; n < 4 && semi; n++) {
		semi = strchr(semi, ';');
		if (semi)
			semi++;
	}
	if (!semi || !*semi || strlen(semi) >= cap) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "key %d has an empty or oversized description",
			     serial);
		return -1;
	}
	snprintf(out, cap, "%s", semi);
	return 0;
}

static int32_t search_named(const char *name, const char *part)
{
	char desc[300];
	long serial;

	snprintf(desc, sizeof(desc), "nfs:x509:%s:%s", name, part);
	serial = keyctl_search(KEY_SPEC_PROCESS_KEYRING, "user", desc, 0);
	return serial > 0 ? (int32_t)serial : 0;
}

int hs_find_identity(const char *name, int32_t *cert, int32_t *privkey,
		     struct tr_error *err)
{
	*cert = search_named(name, "cert");
	*privkey = search_named(name, "privkey");
	if (*cert && *privkey)
		return 0;
	tr_error_set(err, TR_EXIT_NOTFOUND,
		     "identity \"%s\" has no nfs:x509:%s:%s key on .nfs or \"" TR_KEYRING_FALLBACK "\"; run 'tlsroot unseal' first",
		     name, name, *cert ? "privkey" : "cert");
	return -1;
}

int32_t hs_add_peer_cert(const gnutls_datum_t *der, const char *peer,
			 struct tr_error *err)
{
	char desc[HS_PEERNAME_MAX + 16];
	long serial;

	snprintf(desc, sizeof(desc), "TLS x509 %s", peer);
	/* Same description replaces the old key, so this stays bounded. */
	serial = add_key("asymmetric", desc, der->data, der->size,
			 KEY_SPEC_PROCESS_KEYRING);
	if (serial < 0) {
		tr_error_set(err, TR_EXIT_KEYRING,
			     "cannot add the server certificate as a key: %s",
			     strerror(errno));
		return 0;
	}
	return (int32_t)serial;
}
