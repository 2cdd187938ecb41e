// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Start-up warm-up. With mlockall(MCL_ONFAULT) only the pages a process
 * has touched are resident and locked, so before the seccomp filter goes
 * on the agent runs complete TLS 1.3 handshakes in process, its own
 * client code against a throwaway gnutls server over a socketpair, for
 * every kind of handshake it serves. Later handshakes then run on pages
 * that are already resident, and the heap has grown to its working size.
 * The identity is an ECDSA P-256 key made here and used only here.
 *
 * Each handshake costs CPU the boot waits for (under emulation an x509
 * one with its signatures is about half again a PSK one), so every
 * kTLS cipher is warmed on the cheapest handshake that negotiates it:
 * PSK where a PSK priority offers it, x509 only for the rest. The record
 * layer and the key extraction are the same code for both kinds.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/x509.h>

#include "handshake/handshake.h"

#define WARM_NAME "warmup.invalid"
#define WARM_STEPS 64
#define WARM_CIPHERS 16
#define KTLS_CIPHERS "+AES-128-GCM:+AES-256-GCM:+AES-128-CCM:+CHACHA20-POLY1305"
#define SERVER_BASE "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL"

struct warm {
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	gnutls_datum_t crt_der, key_der;
	gnutls_certificate_credentials_t server_cert;
	struct hs_tls tls;       /* the agent's priorities, this anchor */
	int (*psk_server_alloc2)(gnutls_psk_server_credentials_t *,
				 gnutls_mac_algorithm_t);
	int done;
	/* Ciphers a completed warm-up handshake has used. */
	gnutls_cipher_algorithm_t warmed[WARM_CIPHERS];
	unsigned int n_warmed;
};

static int make_identity(struct warm *w)
{
	time_t now = time(NULL);
	unsigned char serial = 1;

	if (gnutls_x509_privkey_init(&w->key) < 0 ||
	    gnutls_x509_privkey_generate(w->key, GNUTLS_PK_ECDSA,
		    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_crt_init(&w->crt) < 0)
		return -1;
	if (gnutls_x509_crt_set_version(w->crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(w->crt, &serial, 1) < 0 ||
	    gnutls_x509_crt_set_activation_time(w->crt, now - 3600) < 0 ||
	    gnutls_x509_crt_set_expiration_time(w->crt, now + 86400) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(w->crt, GNUTLS_OID_X520_COMMON_NAME,
					  0, WARM_NAME, strlen(WARM_NAME)) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(w->crt, GNUTLS_SAN_DNSNAME,
		    WARM_NAME, strlen(WARM_NAME), GNUTLS_FSAN_SET) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(w->crt, 1, -1) < 0 ||
	    gnutls_x509_crt_set_key_usage(w->crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
					  GNUTLS_KEY_KEY_CERT_SIGN) < 0 ||
	    gnutls_x509_crt_set_key(w->crt, w->key) < 0 ||
	    gnutls_x509_crt_sign2(w->crt, w->crt, w->key, GNUTLS_DIG_SHA256,
				  0) < 0)
		return -1;
	if (gnutls_x509_crt_export2(w->crt, GNUTLS_X509_FMT_DER,
				    &w->crt_der) < 0 ||
	    gnutls_x509_privkey_export2_pkcs8(w->key, GNUTLS_X509_FMT_DER, NULL,
					      GNUTLS_PKCS_PLAIN,
					      &w->key_der) < 0)
		return -1;
	if (gnutls_certificate_allocate_credentials(&w->server_cert) < 0 ||
	    gnutls_certificate_set_x509_key(w->server_cert, &w->crt, 1,
					    w->key) < 0)
		return -1;
	if (hs_tls_new_cred(&w->tls.x509_cred, NULL) < 0 ||
	    gnutls_certificate_set_x509_trust(w->tls.x509_cred, &w->crt,
					      1) != 1)
		return -1;
	w->tls.n_anchors = 1;
	return 0;
}

static void free_warm(struct warm *w)
{
	if (w->tls.x509_cred)
		gnutls_certificate_free_credentials(w->tls.x509_cred);
	if (w->server_cert)
		gnutls_certificate_free_credentials(w->server_cert);
	gnutls_free(w->crt_der.data);
	if (w->key_der.data)
		tr_wipe(w->key_der.data, w->key_der.size);
	gnutls_free(w->key_der.data);
	if (w->crt)
		gnutls_x509_crt_deinit(w->crt);
	if (w->key)
		gnutls_x509_privkey_deinit(w->key);
}

static int server_session(gnutls_session_t *srv, int fd, const char *ciphers,
			  const char *extra)
{
	char prio[256];

	snprintf(prio, sizeof(prio), SERVER_BASE ":%s%s", ciphers, extra);
	if (gnutls_init(srv, GNUTLS_SERVER | GNUTLS_NONBLOCK |
			     GNUTLS_NO_TICKETS) < 0) {
		*srv = NULL;
		return -1;
	}
	gnutls_transport_set_int(*srv, fd);
	gnutls_handshake_set_timeout(*srv, 0);
	return gnutls_priority_set_direct(*srv, prio, NULL) < 0 ? -1 : 0;
}

/* Step both ends in turn; the client's outcome, as an enum hs_step. */
static int drive(struct hs_session *c, gnutls_session_t srv)
{
	int client = HS_STEP_AGAIN, server_done = 0, i, r;

	for (i = 0; i < WARM_STEPS; i++) {
		if (client == HS_STEP_AGAIN)
			client = hs_session_step(c);
		if (client == HS_STEP_FAILED)
			return client;
		if (!server_done) {
			r = gnutls_handshake(srv);
			server_done = r == 0;
			if (r < 0 && gnutls_error_is_fatal(r))
				return client == HS_STEP_DONE ? HS_STEP_FAILED
							       : client;
		}
		if (client == HS_STEP_DONE && server_done)
			return client;
	}
	return HS_STEP_FAILED;
}

static int cipher_warmed(const struct warm *w, gnutls_cipher_algorithm_t c)
{
	unsigned int i;

	for (i = 0; i < w->n_warmed; i++)
		if (w->warmed[i] == c)
			return 1;
	return 0;
}

/* What complete() does after a handshake, short of the kernel calls. */
static void touch_ktls(struct warm *w, struct hs_session *c)
{
	gnutls_cipher_algorithm_t used = gnutls_cipher_get(c->gs);

	struct hs_ktls_info info;
	struct tr_error err;

	hs_ktls_fill(c->gs, 0, &info, &err);
	hs_ktls_fill(c->gs, 1, &info, &err);
	tr_wipe(&info, sizeof(info));
	(void)gnutls_cipher_get_name(used);
	(void)gnutls_certificate_get_peers(c->gs, &(unsigned int){ 0 });
	if (!cipher_warmed(w, used) && w->n_warmed < WARM_CIPHERS)
		w->warmed[w->n_warmed++] = used;
}

static void run_x509(struct warm *w, const char *ciphers, const char *peer,
		     int with_cert, int expect)
{
	struct hs_session c;
	gnutls_session_t srv = NULL;
	struct tr_error err;
	int sv[2], r = HS_STEP_FAILED;

	memset(&c, 0, sizeof(c));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       sv) < 0)
		return;
	if (server_session(&srv, sv[1], ciphers, "") == 0 &&
	    gnutls_credentials_set(srv, GNUTLS_CRD_CERTIFICATE,
				   w->server_cert) == 0) {
		gnutls_certificate_server_set_request(srv, with_cert ?
			GNUTLS_CERT_REQUEST : GNUTLS_CERT_IGNORE);
		if (hs_session_x509(&w->tls, &c, sv[0], peer,
				    with_cert ? &w->crt_der : NULL,
				    with_cert ? &w->key_der : NULL, &err) == 0)
			r = drive(&c, srv);
	}
	if (r == HS_STEP_DONE)
		touch_ktls(w, &c);
	w->done += r == expect;
	hs_session_free(&c);
	if (srv)
		gnutls_deinit(srv);
	close(sv[0]);
	close(sv[1]);
}

static int psk_lookup(gnutls_session_t s, const char *user,
		      gnutls_datum_t *key)
{
	const gnutls_datum_t *k = gnutls_session_get_ptr(s);

	(void)user;
	key->data = gnutls_malloc(k->size);
	if (!key->data)
		return -1;
	memcpy(key->data, k->data, k->size);
	key->size = k->size;
	return 0;
}

static int psk_server_cred(struct warm *w, gnutls_mac_algorithm_t mac,
			   gnutls_psk_server_credentials_t *cred)
{
	int ret;

	if (w->psk_server_alloc2 && w->tls.psk_alloc2 &&
	    mac != GNUTLS_MAC_UNKNOWN)
		ret = w->psk_server_alloc2(cred, mac);
	else
		ret = gnutls_psk_allocate_server_credentials(cred);
	if (ret < 0) {
		*cred = NULL;
		return -1;
	}
	gnutls_psk_set_server_credentials_function(*cred, psk_lookup);
	return 0;
}

static void run_psk(struct warm *w, const char *ciphers, const char *identity,
		    unsigned int len)
{
	unsigned char bytes[48];
	gnutls_datum_t key = { bytes, len };
	gnutls_psk_server_credentials_t cred = NULL;
	gnutls_mac_algorithm_t mac;
	gnutls_session_t srv = NULL;
	struct hs_session c;
	struct tr_error err;
	int sv[2], r = HS_STEP_FAILED;

	memset(&c, 0, sizeof(c));
	memset(bytes, 0x5a, sizeof(bytes));
	if (hs_psk_identity_hash(identity, &mac) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       sv) < 0)
		return;
	if (psk_server_cred(w, mac, &cred) == 0 &&
	    server_session(&srv, sv[1], ciphers,
			   ":+PSK:+DHE-PSK:+ECDHE-PSK") == 0 &&
	    gnutls_credentials_set(srv, GNUTLS_CRD_PSK, cred) == 0) {
		gnutls_session_set_ptr(srv, &key);
		if (hs_session_psk(&w->tls, &c, sv[0], NULL, identity, &key,
				   &err) == 0)
			r = drive(&c, srv);
	}
	if (r == HS_STEP_DONE)
		touch_ktls(w, &c);
	w->done += r == HS_STEP_DONE;
	hs_session_free(&c);
	if (srv)
		gnutls_deinit(srv);
	if (cred)
		gnutls_psk_free_server_credentials(cred);
	close(sv[0]);
	close(sv[1]);
}

/* The server takes only this cipher: "+NAME". */
static void one_cipher(char *buf, size_t cap, unsigned int cipher)
{
	snprintf(buf, cap, "+%s", gnutls_cipher_get_name(cipher));
}

/* PSK: each SHA-256 suite, the SHA-384 one, an identity of no NVMe form. */
static void warm_psk(struct warm *w, const struct hs_tls *tls)
{
	const unsigned int *list;
	char one[48];
	int n, i;

	n = gnutls_priority_cipher_list(tls->prio_psk_sha256, &list);
	for (i = 0; i < n; i++) {
		one_cipher(one, sizeof(one), list[i]);
		run_psk(w, one, "NVMe1R01 warmup", 32);
	}
	run_psk(w, KTLS_CIPHERS, "NVMe1R02 warmup", 48);
	run_psk(w, KTLS_CIPHERS, "warmup", 32);
}

/*
 * x509: with a client certificate for each kTLS cipher no PSK handshake
 * has warmed (at least once), without one, and a refusal, which walks
 * the verification-failure and alert paths.
 */
static int warm_x509(struct warm *w, const struct hs_tls *tls)
{
	const unsigned int *list;
	char one[48];
	int n, i, with_cert = 0;

	if (make_identity(w) < 0)
		return -1;
	n = gnutls_priority_cipher_list(tls->prio_x509, &list);
	for (i = 0; i < n; i++) {
		if (cipher_warmed(w, list[i]))
			continue;
		one_cipher(one, sizeof(one), list[i]);
		run_x509(w, one, WARM_NAME, 1, HS_STEP_DONE);
		with_cert++;
	}
	if (!with_cert)
		run_x509(w, KTLS_CIPHERS, WARM_NAME, 1, HS_STEP_DONE);
	run_x509(w, KTLS_CIPHERS, WARM_NAME, 0, HS_STEP_DONE);
	run_x509(w, KTLS_CIPHERS, "wrong." WARM_NAME, 0, HS_STEP_FAILED);
	return 0;
}

int hs_tls_warmup(struct hs_tls *tls, struct tr_error *err)
{
	struct warm w;

	memset(&w, 0, sizeof(w));
	w.tls = *tls;
	w.tls.x509_cred = NULL;
	w.tls.n_anchors = 0;
	*(void **)&w.psk_server_alloc2 = dlsym(RTLD_DEFAULT,
		"gnutls_psk_allocate_server_credentials2");
	warm_psk(&w, tls);
	/*
	 * Without trust anchors hs_session_x509() refuses every x509 and
	 * anonymous request before any TLS runs, so warming that code would
	 * only cost start-up time (an NVMe/TCP root's agent, PSK only).
	 */
	if (tls->n_anchors > 0 && warm_x509(&w, tls) < 0) {
		free_warm(&w);
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot make the warm-up identity");
		return -1;
	}
	free_warm(&w);
	if (w.done == 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "no warm-up handshake completed");
		return -1;
	}
	return w.done;
}
