// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TLS 1.3 client. Everything that could touch a file (the system
 * priority configuration, trust anchors, PKCS#11 module lists) happens in
 * hs_tls_init() at start; a session afterwards only allocates memory,
 * reads its socket and asks getrandom().
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/crypto.h>
#include <gnutls/pkcs11.h>
#include <gnutls/x509.h>

#include "handshake/handshake.h"

/* Record protection kTLS can take over, by gnutls cipher. */
static const struct {
	gnutls_cipher_algorithm_t algo;
	const char *prio;
	int sha384;              /* the TLS 1.3 suite's hash */
} ktls_ciphers[] = {
	{ GNUTLS_CIPHER_AES_128_GCM, "+AES-128-GCM", 0 },
	{ GNUTLS_CIPHER_AES_256_GCM, "+AES-256-GCM", 1 },
	{ GNUTLS_CIPHER_AES_128_CCM, "+AES-128-CCM", 0 },
	{ GNUTLS_CIPHER_CHACHA20_POLY1305, "+CHACHA20-POLY1305", -1 },
};

#define PRIO_BASE "SECURE256:+SECURE128:-COMP-ALL:-VERS-ALL:+VERS-TLS1.3:%NO_TICKETS:-CIPHER-ALL"
#define PRIO_LEN 512

static int append(char *buf, size_t cap, const char *s)
{
	size_t used = strlen(buf);

	if (used + strlen(s) + 2 > cap)
		return -1;
	if (used)
		strcat(buf, ":");
	strcat(buf, s);
	return 0;
}

/*
 * The cipher lists follow the system's order, as tlshd's do. For PSKs
 * whose hash is known, tlshd keeps only suites of that hash, except that
 * it also leaves ChaCha20 out of the SHA-256 list; we match it so both
 * agents offer the same ClientHello.
 */
static int cipher_lists(char *x509, char *p256, char *p384,
			struct tr_error *err)
{
	gnutls_priority_t sys;
	const unsigned int *list;
	int n, i;
	size_t k;

	if (gnutls_priority_init(&sys, NULL, NULL) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "the system gnutls priority configuration does not parse");
		return -1;
	}
	n = gnutls_priority_cipher_list(sys, &list);
	for (i = 0; i < n; i++)
		for (k = 0; k < sizeof(ktls_ciphers) / sizeof(ktls_ciphers[0]); k++) {
			if (ktls_ciphers[k].algo != list[i])
				continue;
			append(x509, PRIO_LEN, ktls_ciphers[k].prio);
			if (ktls_ciphers[k].sha384 == 0)
				append(p256, PRIO_LEN, ktls_ciphers[k].prio);
			if (ktls_ciphers[k].sha384 != 0)
				append(p384, PRIO_LEN, ktls_ciphers[k].prio);
		}
	gnutls_priority_deinit(sys);
	return 0;
}

static int prio(gnutls_priority_t *out, const char *text, struct tr_error *err)
{
	const char *where = NULL;

	if (gnutls_priority_init(out, text, &where) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "gnutls rejects the priority string at \"%s\"",
			     where ? where : text);
		return -1;
	}
	return 0;
}

static int init_priorities(struct hs_tls *tls, struct tr_error *err)
{
	char x509[PRIO_LEN] = PRIO_BASE, p256[PRIO_LEN] = PRIO_BASE;
	char p384[PRIO_LEN] = PRIO_BASE, psk[PRIO_LEN];

	if (cipher_lists(x509, p256, p384, err) < 0)
		return -1;
	/* Hybrid post-quantum groups, when this gnutls knows them. */
	if (gnutls_group_get_id("X25519-MLKEM768") != GNUTLS_GROUP_INVALID)
		append(x509, PRIO_LEN, "+GROUP-X25519-MLKEM768");
	memcpy(psk, x509, sizeof(psk));
	append(psk, sizeof(psk), "+PSK:+DHE-PSK:+ECDHE-PSK");
	append(p256, PRIO_LEN, "+DHE-PSK:+ECDHE-PSK");
	append(p384, PRIO_LEN, "+DHE-PSK:+ECDHE-PSK");
	memcpy(tls->priority_text, x509, sizeof(tls->priority_text));
	if (prio(&tls->prio_x509, x509, err) < 0 ||
	    prio(&tls->prio_psk, psk, err) < 0 ||
	    prio(&tls->prio_psk_sha256, p256, err) < 0 ||
	    prio(&tls->prio_psk_sha384, p384, err) < 0)
		return -1;
	return 0;
}

/* Offer the session's client certificate, if it has one. */
static int retrieve_cert(gnutls_session_t gs, const gnutls_datum_t *req_ca,
			 int nreqs, const gnutls_pk_algorithm_t *algos,
			 int nalgos, gnutls_pcert_st **pcert,
			 unsigned int *pcert_len, gnutls_privkey_t *key)
{
	struct hs_session *s = gnutls_session_get_ptr(gs);

	*pcert_len = 0;
	*pcert = NULL;
	*key = NULL;
	if (s && s->have_cert) {
		*pcert = &s->pcert;
		*pcert_len = 1;
		*key = s->privkey;
	}
	return 0;
}

int hs_tls_new_cred(gnutls_certificate_credentials_t *cred,
		    struct tr_error *err)
{
	if (gnutls_certificate_allocate_credentials(cred) < 0) {
		*cred = NULL;
		tr_error_set(err, TR_EXIT_FAILURE, "out of memory for credentials");
		return -1;
	}
	gnutls_certificate_set_retrieve_function2(*cred, retrieve_cert);
	return 0;
}

static int init_trust(struct hs_tls *tls, const uint8_t *pem, size_t len,
		      struct tr_error *err)
{
	gnutls_datum_t d = { (unsigned char *)pem, (unsigned int)len };
	int ret;

	if (hs_tls_new_cred(&tls->x509_cred, err) < 0)
		return -1;
	if (!pem)
		return 0;
	ret = gnutls_certificate_set_x509_trust_mem(tls->x509_cred, &d,
						    GNUTLS_X509_FMT_PEM);
	if (ret <= 0) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "the trust bundle holds no usable PEM certificate%s%s",
			     ret < 0 ? ": " : "",
			     ret < 0 ? gnutls_strerror(ret) : "");
		return -1;
	}
	tls->n_anchors = (unsigned int)ret;
	return 0;
}

int hs_tls_init(struct hs_tls *tls, const uint8_t *trust_pem, size_t len,
		struct tr_error *err)
{
	unsigned char warm[16];

	memset(tls, 0, sizeof(*tls));
	if (gnutls_global_init() < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "gnutls failed to initialise");
		return -1;
	}
	/* Never load p11-kit modules behind our back (they open files). */
	gnutls_pkcs11_init(GNUTLS_PKCS11_FLAG_MANUAL, NULL);
	/* Seed the generator now rather than during the first handshake. */
	gnutls_rnd(GNUTLS_RND_NONCE, warm, sizeof(warm));
	gnutls_rnd(GNUTLS_RND_KEY, warm, sizeof(warm));
	tr_wipe(warm, sizeof(warm));
	/* gnutls >= 3.8 can bind a PSK to SHA-384; resolved once, here. */
	*(void **)&tls->psk_alloc2 = dlsym(RTLD_DEFAULT,
		"gnutls_psk_allocate_client_credentials2");
	if (init_priorities(tls, err) < 0 ||
	    init_trust(tls, trust_pem, len, err) < 0) {
		hs_tls_free(tls);
		return -1;
	}
	return 0;
}

void hs_tls_free(struct hs_tls *tls)
{
	if (tls->prio_x509)
		gnutls_priority_deinit(tls->prio_x509);
	if (tls->prio_psk)
		gnutls_priority_deinit(tls->prio_psk);
	if (tls->prio_psk_sha256)
		gnutls_priority_deinit(tls->prio_psk_sha256);
	if (tls->prio_psk_sha384)
		gnutls_priority_deinit(tls->prio_psk_sha384);
	if (tls->x509_cred)
		gnutls_certificate_free_credentials(tls->x509_cred);
	memset(tls, 0, sizeof(*tls));
	gnutls_global_deinit();
}

/* Transport: the kernel's socket stays blocking for its owner, so every
 * call here asks for non-blocking behaviour per call instead. */
static ssize_t pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct hs_session *s = p;
	ssize_t n = recv(s->fd, buf, len, MSG_DONTWAIT);

	if (n < 0)
		gnutls_transport_set_errno(s->gs, errno);
	return n;
}

static ssize_t vec_push(gnutls_transport_ptr_t p, const giovec_t *iov,
			int iovcnt)
{
	struct hs_session *s = p;
	struct msghdr m = { .msg_iov = (struct iovec *)iov,
			    .msg_iovlen = (size_t)iovcnt };
	ssize_t n = sendmsg(s->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n < 0)
		gnutls_transport_set_errno(s->gs, errno);
	return n;
}

static int pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct hs_session *s = p;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

	/* Never block the event loop: report readiness only. */
	return poll(&pfd, 1, 0);
}

static int session_common(struct hs_session *s, int fd, const char *peername,
			  gnutls_priority_t prio, struct tr_error *err)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	ret = gnutls_init(&s->gs, GNUTLS_CLIENT | GNUTLS_NONBLOCK |
				  GNUTLS_NO_SIGNAL);
	if (ret < 0) {
		s->gs = NULL;
		tr_error_set(err, TR_EXIT_FAILURE, "gnutls_init: %s",
			     gnutls_strerror(ret));
		return -1;
	}
	gnutls_session_set_ptr(s->gs, s);
	gnutls_transport_set_ptr(s->gs, s);
	gnutls_transport_set_pull_function(s->gs, pull);
	gnutls_transport_set_vec_push_function(s->gs, vec_push);
	gnutls_transport_set_pull_timeout_function(s->gs, pull_timeout);
	/* The kernel's TIMEOUT is enforced by the event loop. */
	gnutls_handshake_set_timeout(s->gs, 0);
	ret = gnutls_priority_set(s->gs, prio);
	/* SNI may not carry an address (RFC 6066 §3). */
	if (ret >= 0 && peername && peername[0] && !hs_is_ip_literal(peername))
		ret = gnutls_server_name_set(s->gs, GNUTLS_NAME_DNS, peername,
					     strlen(peername));
	if (ret < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "gnutls session setup: %s",
			     gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

static int load_client_cert(struct hs_session *s, const gnutls_datum_t *cert,
			    const gnutls_datum_t *key, struct tr_error *err)
{
	int ret;

	ret = gnutls_pcert_import_x509_raw(&s->pcert, cert,
					   GNUTLS_X509_FMT_DER, 0);
	if (ret < 0) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "the client certificate is not DER X.509: %s",
			     gnutls_strerror(ret));
		return -1;
	}
	s->have_cert = 1;
	ret = gnutls_privkey_init(&s->privkey);
	if (ret >= 0)
		ret = gnutls_privkey_import_x509_raw(s->privkey, key,
						     GNUTLS_X509_FMT_DER,
						     NULL, 0);
	if (ret < 0) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "the client private key is not DER: %s",
			     gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

int hs_session_x509(struct hs_tls *tls, struct hs_session *s, int fd,
		    const char *peername, const gnutls_datum_t *cert_der,
		    const gnutls_datum_t *key_der, struct tr_error *err)
{
	if (!peername || !peername[0]) {
		memset(s, 0, sizeof(*s));
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "no peer name to check the server certificate against (names are never resolved)");
		return -1;
	}
	if (tls->n_anchors == 0) {
		memset(s, 0, sizeof(*s));
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "no trust anchors loaded; start the agent with --trust FILE");
		return -1;
	}
	if (session_common(s, fd, peername, tls->prio_x509, err) < 0)
		goto fail;
	if (cert_der && load_client_cert(s, cert_der, key_der, err) < 0)
		goto fail;
	if (gnutls_credentials_set(s->gs, GNUTLS_CRD_CERTIFICATE,
				   tls->x509_cred) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "cannot attach credentials");
		goto fail;
	}
	gnutls_session_set_verify_cert(s->gs, peername, 0);
	return 0;
fail:
	hs_session_free(s);
	return -1;
}

static gnutls_priority_t psk_priority(struct hs_tls *tls, size_t key_len)
{
	if (key_len == 32)
		return tls->prio_psk_sha256;
	if (key_len == 48)
		return tls->prio_psk_sha384;
	return tls->prio_psk;
}

static int alloc_psk(struct hs_tls *tls, struct hs_session *s,
		     const char *identity, struct tr_error *err)
{
	gnutls_mac_algorithm_t mac;
	int ret;

	if (hs_psk_identity_hash(identity, &mac) < 0) {
		tr_error_set(err, TR_EXIT_BADINPUT,
			     "PSK identity \"%.60s\" names an unknown hash", identity);
		return -1;
	}
	if (tls->psk_alloc2 && mac != GNUTLS_MAC_UNKNOWN)
		ret = tls->psk_alloc2(&s->psk, mac);
	else
		ret = gnutls_psk_allocate_client_credentials(&s->psk);
	if (ret < 0) {
		s->psk = NULL;
		tr_error_set(err, TR_EXIT_FAILURE, "PSK credentials: %s",
			     gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

int hs_session_psk(struct hs_tls *tls, struct hs_session *s, int fd,
		   const char *peername, const char *identity,
		   const gnutls_datum_t *key, struct tr_error *err)
{
	int ret;

	if (session_common(s, fd, peername, psk_priority(tls, key->size),
			   err) < 0 ||
	    alloc_psk(tls, s, identity, err) < 0)
		goto fail;
	ret = gnutls_psk_set_client_credentials(s->psk, identity, key,
						GNUTLS_PSK_KEY_RAW);
	if (ret >= 0)
		ret = gnutls_credentials_set(s->gs, GNUTLS_CRD_PSK, s->psk);
	if (ret < 0) {
		tr_error_set(err, TR_EXIT_FAILURE, "PSK credentials: %s",
			     gnutls_strerror(ret));
		goto fail;
	}
	return 0;
fail:
	hs_session_free(s);
	return -1;
}

static void describe_failure(struct hs_session *s, int ret)
{
	gnutls_datum_t text = { NULL, 0 };
	unsigned int vstatus;

	if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		vstatus = gnutls_session_get_verify_cert_status(s->gs);
		if (gnutls_certificate_verification_status_print(
			    vstatus, GNUTLS_CRT_X509, &text, 0) >= 0) {
			snprintf(s->reason, sizeof(s->reason),
				 "server certificate refused: %s", text.data);
			gnutls_free(text.data);
			return;
		}
	}
	if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		snprintf(s->reason, sizeof(s->reason), "server sent alert: %s",
			 gnutls_alert_get_name(gnutls_alert_get(s->gs)));
		return;
	}
	snprintf(s->reason, sizeof(s->reason), "%s", gnutls_strerror(ret));
}

int hs_session_step(struct hs_session *s)
{
	int ret, tries;

	/* Warning alerts are not fatal: carry on a bounded number of times. */
	for (tries = 0; tries < 8; tries++) {
		ret = gnutls_handshake(s->gs);
		if (ret == GNUTLS_E_SUCCESS) {
			s->status = 0;
			return HS_STEP_DONE;
		}
		if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
			s->want_write = gnutls_record_get_direction(s->gs);
			return HS_STEP_AGAIN;
		}
		if (gnutls_error_is_fatal(ret))
			break;
	}
	s->status = hs_status_from_gnutls(ret,
					  ret == GNUTLS_E_FATAL_ALERT_RECEIVED,
					  gnutls_alert_get(s->gs));
	describe_failure(s, ret);
	return HS_STEP_FAILED;
}

void hs_session_free(struct hs_session *s)
{
	if (s->gs)
		gnutls_deinit(s->gs);
	if (s->privkey)
		gnutls_privkey_deinit(s->privkey);
	if (s->have_cert)
		gnutls_pcert_deinit(&s->pcert);
	if (s->psk)
		gnutls_psk_free_client_credentials(s->psk);
	s->gs = NULL;
	s->privkey = NULL;
	s->have_cert = 0;
	s->psk = NULL;
}

uint32_t hs_status_from_gnutls(int gnutls_err, int alert_received,
			       gnutls_alert_description_t alert)
{
	if (gnutls_err == GNUTLS_E_PREMATURE_TERMINATION)
		return ETIMEDOUT;
	if (alert_received && alert == GNUTLS_A_UNKNOWN_PSK_IDENTITY)
		return EKEYREJECTED;
	return EACCES;
}

int hs_psk_identity_hash(const char *identity, gnutls_mac_algorithm_t *mac)
{
	int hh;

	*mac = GNUTLS_MAC_UNKNOWN;
	if (strncmp(identity, "NVMe", 4) != 0 ||
	    !isdigit((unsigned char)identity[4]) || !identity[5] ||
	    !isdigit((unsigned char)identity[6]) ||
	    !isdigit((unsigned char)identity[7]))
		return 0;
	hh = (identity[6] - '0') * 10 + (identity[7] - '0');
	if (hh == 1)
		*mac = GNUTLS_MAC_SHA256;
	else if (hh == 2)
		*mac = GNUTLS_MAC_SHA384;
	else
		return -1;
	return 0;
}

int hs_is_ip_literal(const char *name)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, name, addr) == 1 ||
	       inet_pton(AF_INET6, name, addr) == 1;
}
