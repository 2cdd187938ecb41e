// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Placing, finding and removing identities on a keyring target.
 *
 * add_key() on a (type, description) that the keyring already links
 * replaces it under the keyring's lock: `user` keys are updated in place
 * (same serial), `psk` keys (no update operation) are swapped for a new
 * key. Either way a reader finds the old key or the new one, never none.
 * Lookups scan the keyring's own links and compare descriptions exactly,
 * because the psk type matches descriptions by prefix on newer kernels.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyutils.h>

#include "keys/keys.h"
#include "keys/keys_private.h"

#define POSSESSOR_ONLY (KEY_POS_ALL | KEY_USR_VIEW)
#define USER_PAYLOAD_MAX 32767
#define X509_PREFIX "nfs:x509:"
#define PSK_NAME_PREFIX "tlsroot:psk:"
#define DESC_MAX (TR_PSK_IDENTITY_MAX + 32)

struct key_info {
	int32_t serial;
	char type[32];
	char desc[DESC_MAX];
};

struct key_list {
	struct key_info *keys;
	size_t n;
};

static void key_list_free(struct key_list *l)
{
	free(l->keys);
	l->keys = NULL;
	l->n = 0;
}

/* "type;uid;gid;perm;description" -> type and description */
static int split_description(const char *raw, struct key_info *k)
{
	const char *p = raw;
	size_t tlen;
	int i;

	tlen = strcspn(raw, ";");
	if (tlen >= sizeof(k->type))
		return -1;
	memcpy(k->type, raw, tlen);
	k->type[tlen] = '\0';
	for (i = 0; i < 4; i++) {
		p = strchr(p, ';');
		if (!p)
			return -1;
		p++;
	}
	if (strlen(p) >= sizeof(k->desc))
		return -1;
	strcpy(k->desc, p);
	return 0;
}

/* The keys linked directly in ring (keys we may not view are skipped). */
static int read_ring(const struct tr_keyring_target *t, struct key_list *l,
		     struct tr_error *err)
{
	key_serial_t *ids = NULL;
	char *raw;
	long bytes;
	size_t i, count;

	memset(l, 0, sizeof(*l));
	bytes = keyctl_read_alloc(t->serial, (void **)&ids);
	if (bytes < 0) {
		tr_error_set(err, TR_EXIT_KEYRING,
			     "cannot read the %s keyring: %s", t->name,
			     strerror(errno));
		return -1;
	}
	count = (size_t)bytes / sizeof(*ids);
	l->keys = calloc(count ? count : 1, sizeof(*l->keys));
	if (!l->keys) {
		free(ids);
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	for (i = 0; i < count; i++) {
		if (keyctl_describe_alloc(ids[i], &raw) < 0)
			continue;
		if (split_description(raw, &l->keys[l->n]) == 0)
			l->keys[l->n++].serial = ids[i];
		free(raw);
	}
	free(ids);
	return 0;
}

/* Serial of the key with exactly this type and description, or 0. */
static int find_exact(const struct tr_keyring_target *t, const char *type,
		      const char *desc, int32_t *serial, struct tr_error *err)
{
	struct key_list l;
	size_t i;

	*serial = 0;
	if (read_ring(t, &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++)
		if (!strcmp(l.keys[i].type, type) &&
		    !strcmp(l.keys[i].desc, desc)) {
			*serial = l.keys[i].serial;
			break;
		}
	key_list_free(&l);
	return 0;
}

static int place(const struct tr_keyring_target *t, const char *type,
		 const char *desc, const void *data, size_t len,
		 int32_t *serial, struct tr_error *err)
{
	key_serial_t id = add_key(type, desc, data, len, t->serial);

	if (id < 0) {
		int e = errno;

		tr_error_set(err, TR_EXIT_KEYRING,
			     "cannot add the %s key \"%s\" to %s: %s%s", type,
			     desc, t->name, strerror(e),
			     e == ENODEV ? " (the kernel lacks this key type; load its module)"
			     : e == EDQUOT ? " (key quota; see /proc/sys/kernel/keys/root_maxbytes)"
			     : "");
		return -1;
	}
	if (keyctl_setperm(id, POSSESSOR_ONLY) < 0) {
		tr_error_set(err, TR_EXIT_KEYRING,
			     "cannot make key \"%s\" possessor-only: %s", desc,
			     strerror(errno));
		keyctl_invalidate(id);
		return -1;
	}
	*serial = id;
	return 0;
}

/* The payload of a small non-secret key, NUL-terminated. */
static int read_text(int32_t serial, char *out, size_t cap)
{
	void *buf = NULL;
	long n = keyctl_read_alloc(serial, &buf);

	if (n < 0 || (size_t)n >= cap || memchr(buf, '\0', (size_t)n)) {
		free(buf);
		return -1;
	}
	memcpy(out, buf, (size_t)n);
	out[n] = '\0';
	free(buf);
	return 0;
}

int tr_keys_name_check(const char *name, struct tr_error *err)
{
	size_t len, i;

	if (!name || !*name) {
		tr_error_set(err, TR_EXIT_USAGE, "the identity name is empty");
		return -1;
	}
	len = strlen(name);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-')
			continue;
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "identity name \"%.*s\" contains %s; use letters, digits, '.', '_' and '-'",
			     TR_NAME_MAX, name,
			     c == ' ' ? "a space" : c == ':' ? "a colon"
						     : "a character outside that set");
		return -1;
	}
	if (len > TR_NAME_MAX) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "identity name is %zu characters; at most %d",
			     len, TR_NAME_MAX);
		return -1;
	}
	return 0;
}

static void x509_desc(char *out, size_t cap, const char *name,
		      const char *part)
{
	snprintf(out, cap, X509_PREFIX "%s:%s", name, part);
}

static int check_payload(const char *what, size_t len, struct tr_error *err)
{
	if (len > 0 && len <= USER_PAYLOAD_MAX)
		return 0;
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "the %s is %zu bytes; a user key holds 1 to %d", what, len,
		     USER_PAYLOAD_MAX);
	return -1;
}

/* Put the certificate back as it was when the private key failed. */
static void undo_cert(const struct tr_keyring_target *t, const char *desc,
		      int32_t placed, const void *old, long old_len)
{
	if (old && old_len > 0)
		add_key("user", desc, old, (size_t)old_len, t->serial);
	else
		keyctl_invalidate(placed);
}

int tr_keys_put_x509(const struct tr_keyring_target *t, const char *name,
		     const uint8_t *cert, size_t cert_len,
		     const uint8_t *key, size_t key_len,
		     int32_t *cert_serial, int32_t *key_serial,
		     struct tr_error *err)
{
	char cdesc[TR_NAME_MAX + 32], kdesc[TR_NAME_MAX + 32];
	int32_t old = 0, c, k;
	void *old_cert = NULL;
	long old_len = 0;

	if (tr_keys_name_check(name, err) < 0 ||
	    check_payload("certificate", cert_len, err) < 0 ||
	    check_payload("private key", key_len, err) < 0)
		return -1;
	x509_desc(cdesc, sizeof(cdesc), name, "cert");
	x509_desc(kdesc, sizeof(kdesc), name, "privkey");
	if (find_exact(t, "user", cdesc, &old, err) < 0)
		return -1;
	if (old)
		old_len = keyctl_read_alloc(old, &old_cert);
	if (place(t, "user", cdesc, cert, cert_len, &c, err) < 0)
		goto fail;
	if (place(t, "user", kdesc, key, key_len, &k, err) < 0) {
		undo_cert(t, cdesc, c, old_cert, old_len);
		goto fail;
	}
	free(old_cert);
	*cert_serial = c;
	*key_serial = k;
	return 0;
fail:
	free(old_cert);
	return -1;
}

static int looks_like_identity(const char *s)
{
	return !strncmp(s, "NVMe", 4) && strchr(s, ' ');
}

static int psk_name_desc(char *out, size_t cap, const char *name,
			 struct tr_error *err)
{
	if (tr_keys_name_check(name, err) < 0)
		return -1;
	snprintf(out, cap, PSK_NAME_PREFIX "%s", name);
	return 0;
}

/* The identity a name stands for; *name_serial 0 when the name is unknown. */
static int read_psk_name(const struct tr_keyring_target *t, const char *name,
			 char *identity, size_t cap, int32_t *name_serial,
			 struct tr_error *err)
{
	char desc[TR_NAME_MAX + 32];

	if (psk_name_desc(desc, sizeof(desc), name, err) < 0 ||
	    find_exact(t, "user", desc, name_serial, err) < 0)
		return -1;
	identity[0] = '\0';
	if (*name_serial && read_text(*name_serial, identity, cap) < 0) {
		tr_error_set(err, TR_EXIT_KEYRING,
			     "cannot read the identity of PSK name %s on %s: %s",
			     name, t->name, strerror(errno));
		return -1;
	}
	return 0;
}

static int check_psk(const char *identity, size_t len, struct tr_error *err)
{
	int version, hash;

	if (tr_psk_identity_parse(identity, &version, &hash, err) < 0)
		return -1;
	if (len == (size_t)tr_psk_hash_len(hash))
		return 0;
	tr_error_set(err, TR_EXIT_BADINPUT,
		     "a PSK for identity hash %02d must be %d bytes, not %zu",
		     hash, tr_psk_hash_len(hash), len);
	return -1;
}

/* Drop the PSK a name used to stand for, once the name points elsewhere. */
static void drop_old_identity(const struct tr_keyring_target *t,
			      const char *old, const char *now)
{
	struct tr_error ignored;
	int32_t serial;

	if (!old[0] || !strcmp(old, now))
		return;
	if (find_exact(t, t->psk_type, old, &serial, &ignored) == 0 && serial)
		keyctl_invalidate(serial);
}

int tr_keys_put_psk(const struct tr_keyring_target *t, const char *name,
		    const char *identity, const uint8_t *psk, size_t len,
		    int32_t *serial, struct tr_error *err)
{
	char old_identity[TR_PSK_IDENTITY_MAX] = "", desc[TR_NAME_MAX + 32];
	int32_t existed, placed, name_serial, ignored;

	if (check_psk(identity, len, err) < 0)
		return -1;
	if (name && (psk_name_desc(desc, sizeof(desc), name, err) < 0 ||
		     read_psk_name(t, name, old_identity, sizeof(old_identity),
				   &name_serial, err) < 0))
		return -1;
	if (find_exact(t, t->psk_type, identity, &existed, err) < 0 ||
	    place(t, t->psk_type, identity, psk, len, &placed, err) < 0)
		return -1;
	if (name && place(t, "user", desc, identity, strlen(identity),
			  &ignored, err) < 0) {
		if (!existed)
			keyctl_invalidate(placed);
		return -1;
	}
	if (name)
		drop_old_identity(t, old_identity, identity);
	*serial = placed;
	return 0;
}

int tr_keys_find_x509(const struct tr_keyring_target *t, const char *name,
		      int32_t *cert_serial, int32_t *key_serial,
		      struct tr_error *err)
{
	char desc[TR_NAME_MAX + 32];

	if (tr_keys_name_check(name, err) < 0)
		return -1;
	x509_desc(desc, sizeof(desc), name, "cert");
	if (find_exact(t, "user", desc, cert_serial, err) < 0)
		return -1;
	x509_desc(desc, sizeof(desc), name, "privkey");
	if (find_exact(t, "user", desc, key_serial, err) < 0)
		return -1;
	if (*cert_serial && *key_serial)
		return 0;
	tr_error_set(err, TR_EXIT_NOTFOUND,
		     "no x509 identity named %s on %s%s", name, t->name,
		     *cert_serial || *key_serial ? " (only half of it; add it again)"
						 : "; add it with `tlsroot key add`");
	return -1;
}

/* Identity and serial for a name or an identity; serial 0 if absent. */
static int resolve_psk(const struct tr_keyring_target *t, const char *arg,
		       char *identity, size_t cap, int32_t *serial,
		       int32_t *name_serial, struct tr_error *err)
{
	*name_serial = 0;
	if (looks_like_identity(arg)) {
		if (strlen(arg) >= cap) {
			tr_error_set(err, TR_EXIT_BADINPUT,
				     "PSK identity is too long");
			return -1;
		}
		strcpy(identity, arg);
	} else if (read_psk_name(t, arg, identity, cap, name_serial,
				 err) < 0) {
		return -1;
	}
	*serial = 0;
	if (identity[0] &&
	    find_exact(t, t->psk_type, identity, serial, err) < 0)
		return -1;
	return 0;
}

int tr_keys_find_psk(const struct tr_keyring_target *t,
		     const char *name_or_identity, int32_t *serial,
		     char *identity, size_t identity_cap,
		     struct tr_error *err)
{
	char id[TR_PSK_IDENTITY_MAX];
	int32_t name_serial;

	if (resolve_psk(t, name_or_identity, id, sizeof(id), serial,
			&name_serial, err) < 0)
		return -1;
	if (!*serial) {
		tr_error_set(err, TR_EXIT_NOTFOUND,
			     "no PSK %s%s on %s; add it with `tlsroot key add-psk`",
			     looks_like_identity(name_or_identity) ? "with identity "
								   : "named ",
			     name_or_identity, t->name);
		return -1;
	}
	if (identity && snprintf(identity, identity_cap, "%s", id) >=
				(int)identity_cap) {
		tr_error_set(err, TR_EXIT_FAILURE, "identity buffer too small");
		return -1;
	}
	return 0;
}

int tr_keys_remove_x509(const struct tr_keyring_target *t, const char *name,
			struct tr_error *err)
{
	char desc[TR_NAME_MAX + 32];
	int32_t c, k;

	if (tr_keys_name_check(name, err) < 0)
		return -1;
	x509_desc(desc, sizeof(desc), name, "cert");
	if (find_exact(t, "user", desc, &c, err) < 0)
		return -1;
	x509_desc(desc, sizeof(desc), name, "privkey");
	if (find_exact(t, "user", desc, &k, err) < 0)
		return -1;
	if (!c && !k) {
		tr_error_set(err, TR_EXIT_NOTFOUND,
			     "no x509 identity named %s on %s", name, t->name);
		return -1;
	}
	/* Invalidate, not unlink: nothing may use it by serial afterwards. */
	if ((k && keyctl_invalidate(k) < 0) ||
	    (c && keyctl_invalidate(c) < 0)) {
		tr_error_set(err, TR_EXIT_KEYRING,
			     "cannot remove x509 identity %s: %s", name,
			     strerror(errno));
		return -1;
	}
	return 0;
}

/* Names that stand for identity, when removing by identity. */
static void drop_names_of(const struct tr_keyring_target *t,
			  const char *identity)
{
	char text[TR_PSK_IDENTITY_MAX];
	struct tr_error ignored;
	struct key_list l;
	size_t i;

	if (read_ring(t, &l, &ignored) < 0)
		return;
	for (i = 0; i < l.n; i++)
		if (!strcmp(l.keys[i].type, "user") &&
		    !strncmp(l.keys[i].desc, PSK_NAME_PREFIX,
			     strlen(PSK_NAME_PREFIX)) &&
		    read_text(l.keys[i].serial, text, sizeof(text)) == 0 &&
		    !strcmp(text, identity))
			keyctl_invalidate(l.keys[i].serial);
	key_list_free(&l);
}

int tr_keys_remove_psk(const struct tr_keyring_target *t,
		       const char *name_or_identity, struct tr_error *err)
{
	char id[TR_PSK_IDENTITY_MAX];
	int32_t serial, name_serial;

	if (resolve_psk(t, name_or_identity, id, sizeof(id), &serial,
			&name_serial, err) < 0)
		return -1;
	if (!serial && !name_serial) {
		tr_error_set(err, TR_EXIT_NOTFOUND, "no PSK %s on %s",
			     name_or_identity, t->name);
		return -1;
	}
	if (serial && keyctl_invalidate(serial) < 0) {
		tr_error_set(err, TR_EXIT_KEYRING, "cannot remove PSK %s: %s",
			     name_or_identity, strerror(errno));
		return -1;
	}
	if (name_serial)
		keyctl_invalidate(name_serial);
	else
		drop_names_of(t, id);
	return 0;
}

static const struct key_info *find_in_list(const struct key_list *l,
					   const char *type, const char *desc)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->keys[i].type, type) &&
		    !strcmp(l->keys[i].desc, desc))
			return &l->keys[i];
	return NULL;
}

/* "nfs:x509:NAME:<part>" -> NAME, when part matches. */
static int x509_name(const struct key_info *k, const char *part, char *name)
{
	size_t plen = strlen(X509_PREFIX), len = strlen(k->desc),
	       tail = strlen(part) + 1;

	if (strcmp(k->type, "user") || strncmp(k->desc, X509_PREFIX, plen) ||
	    len <= plen + tail || len - plen - tail > TR_NAME_MAX ||
	    k->desc[len - tail] != ':' || strcmp(k->desc + len - tail + 1, part))
		return 0;
	memcpy(name, k->desc + plen, len - plen - tail);
	name[len - plen - tail] = '\0';
	return 1;
}

static void x509_entry(const struct tr_keyring_target *t,
		       const struct key_list *l, const struct key_info *k,
		       struct tr_key_entry *e)
{
	char desc[TR_NAME_MAX + 32];
	const struct key_info *other;
	struct tr_error ignored;
	void *der = NULL;
	long n;

	e->kind = TR_KEY_X509;
	x509_desc(desc, sizeof(desc), e->name, "privkey");
	other = find_in_list(l, "user", desc);
	e->serial = k->serial;
	e->key_serial = other ? other->serial : 0;
	n = keyctl_read_alloc(k->serial, &der);
	if (n > 0)
		tr_x509_der_validity(der, (size_t)n, &e->not_before,
				     &e->not_after, &ignored);
	free(der);
}

static int is_psk_name(const struct key_info *k)
{
	return !strcmp(k->type, "user") &&
	       !strncmp(k->desc, PSK_NAME_PREFIX, strlen(PSK_NAME_PREFIX));
}

/* The name standing for identity, if any. */
static void psk_name_of(const struct key_list *l, const char *identity,
			char *name)
{
	char text[TR_PSK_IDENTITY_MAX];
	size_t i;

	for (i = 0; i < l->n; i++)
		if (is_psk_name(&l->keys[i]) &&
		    read_text(l->keys[i].serial, text, sizeof(text)) == 0 &&
		    !strcmp(text, identity)) {
			snprintf(name, TR_NAME_MAX + 1, "%s",
				 l->keys[i].desc + strlen(PSK_NAME_PREFIX));
			return;
		}
}

/* Fill e for key k; 0 when k is not an identity tlsroot shows. */
static int make_entry(const struct tr_keyring_target *t,
		      const struct key_list *l, const struct key_info *k,
		      struct tr_key_entry *e)
{
	char desc[TR_NAME_MAX + 32];

	memset(e, 0, sizeof(*e));
	snprintf(e->keyring, sizeof(e->keyring), "%s", t->name);
	if (x509_name(k, "cert", e->name)) {
		x509_entry(t, l, k, e);
		return 1;
	}
	if (x509_name(k, "privkey", e->name)) {
		/* Half an identity: shown so that it can be removed. */
		x509_desc(desc, sizeof(desc), e->name, "cert");
		e->kind = TR_KEY_X509;
		e->key_serial = k->serial;
		return !find_in_list(l, "user", desc);
	}
	if (!strcmp(k->type, t->psk_type) && looks_like_identity(k->desc) &&
	    strlen(k->desc) < sizeof(e->identity)) {
		e->kind = TR_KEY_PSK;
		e->serial = k->serial;
		memcpy(e->identity, k->desc, strlen(k->desc) + 1);
		psk_name_of(l, k->desc, e->name);
		return 1;
	}
	if (is_psk_name(k) &&
	    read_text(k->serial, e->identity, sizeof(e->identity)) == 0 &&
	    !find_in_list(l, t->psk_type, e->identity)) {
		/* A name whose PSK is gone. */
		e->kind = TR_KEY_PSK;
		snprintf(e->name, sizeof(e->name), "%s",
			 k->desc + strlen(PSK_NAME_PREFIX));
		return 1;
	}
	return 0;
}

int tr_keys_list(const struct tr_keyring_target *t, tr_key_list_cb cb,
		 void *ctx, struct tr_error *err)
{
	struct tr_key_entry *e;
	struct key_list l;
	size_t i;

	if (read_ring(t, &l, err) < 0)
		return -1;
	e = malloc(sizeof(*e));
	if (!e) {
		key_list_free(&l);
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory");
		return -1;
	}
	for (i = 0; i < l.n; i++)
		if (make_entry(t, &l, &l.keys[i], e) && cb(e, ctx))
			break;
	free(e);
	key_list_free(&l);
	return 0;
}

static int placed_by_tlsroot(const struct tr_keyring_target *t,
			     const struct key_info *k)
{
	if (!strcmp(k->type, "user"))
		return !strncmp(k->desc, X509_PREFIX, strlen(X509_PREFIX)) ||
		       !strncmp(k->desc, PSK_NAME_PREFIX, strlen(PSK_NAME_PREFIX));
	return !strcmp(k->type, t->psk_type);
}

int tr_keys_invalidate_all(const struct tr_keyring_target *t,
			   unsigned *count, struct tr_error *err)
{
	struct key_list l;
	size_t i;
	int ret = 0;

	*count = 0;
	if (read_ring(t, &l, err) < 0)
		return -1;
	for (i = 0; i < l.n; i++) {
		if (!placed_by_tlsroot(t, &l.keys[i]))
			continue;
		if (keyctl_invalidate(l.keys[i].serial) < 0) {
			tr_error_set(err, TR_EXIT_KEYRING,
				     "cannot invalidate key %d (%s) on %s: %s",
				     l.keys[i].serial, l.keys[i].desc, t->name,
				     strerror(errno));
			ret = -1;
			continue;
		}
		(*count)++;
	}
	key_list_free(&l);
	return ret;
}

int tr_keys_add_x509_der(const char *name, const uint8_t *cert,
			 size_t cert_len, const uint8_t *key, size_t key_len,
			 int32_t *cert_serial, int32_t *key_serial,
			 struct tr_error *err)
{
	struct tr_keyring_target t;

	if (tr_keys_name_check(name, err) < 0 ||
	    tr_keyring_open_nfs(&t, 1, err) < 0)
		return -1;
	return tr_keys_put_x509(&t, name, cert, cert_len, key, key_len,
				cert_serial, key_serial, err);
}

int tr_keys_derive_put_psk(const struct tr_keyring_target *t,
			   const char *name, const struct tr_psk_params *p,
			   const uint8_t *configured, size_t len, int hmac,
			   int32_t *serial, char *identity,
			   size_t identity_cap, struct tr_error *err)
{
	struct tr_psk_derived *d;
	struct tr_secret mem;
	int ret = -1;

	if (tr_secret_alloc(&mem, sizeof(*d), err) < 0)
		return -1;
	d = (struct tr_psk_derived *)mem.data;
	if (tr_psk_derive(p, configured, len, hmac, d, err) < 0)
		goto out;
	if (strlen(d->identity) >= identity_cap) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "identity buffer too small (%zu bytes)",
			     identity_cap);
		goto out;
	}
	if (tr_keys_put_psk(t, name, d->identity, d->tls_psk, d->len, serial,
			    err) < 0)
		goto out;
	strcpy(identity, d->identity);
	ret = 0;
out:
	tr_secret_free(&mem);
	return ret;
}

int tr_keys_add_psk(const struct tr_psk_params *p, const uint8_t *configured,
		    size_t len, int hmac, int32_t *serial, char *identity,
		    size_t identity_cap, struct tr_error *err)
{
	struct tr_psk_derived check;
	struct tr_keyring_target t;

	/* Refuse bad input before touching (or loading) anything. */
	if (tr_psk_derive(p, configured, len, hmac, &check, err) < 0)
		return -1;
	tr_wipe(&check, sizeof(check));
	if (tr_keyring_open_nvme(&t, 1, err) < 0)
		return -1;
	return tr_keys_derive_put_psk(&t, NULL, p, configured, len, hmac,
				      serial, identity, identity_cap, err);
}
