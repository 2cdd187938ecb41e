/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helpers for the handshake tests: a throw-away PKI generated with
 * gnutls (ECDSA P-256), a gnutls server session, and a pump that runs an
 * agent client session against it over a socketpair, all in one thread.
 */
#ifndef TEST_HS_PKI_H
#define TEST_HS_PKI_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "handshake/handshake.h"

struct pki_cert {
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
	gnutls_datum_t der;      /* certificate, DER */
	gnutls_datum_t key_der;  /* private key, DER */
	gnutls_datum_t pem;      /* certificate, PEM */
};

struct pki_spec {
	const char *cn;
	int ca;
	int client;
	const char *dns;
	const char *ip;
};

static inline void pki_make(struct pki_cert *out, const struct pki_spec *spec,
		     struct pki_cert *issuer)
{
	static unsigned char serial = 1;
	time_t now = time(NULL);
	unsigned char ip[4];

	memset(out, 0, sizeof(*out));
	assert_int_equal(gnutls_x509_privkey_init(&out->key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(out->key, GNUTLS_PK_ECDSA,
		GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	assert_int_equal(gnutls_x509_crt_init(&out->crt), 0);
	gnutls_x509_crt_set_version(out->crt, 3);
	serial++;
	gnutls_x509_crt_set_serial(out->crt, &serial, 1);
	gnutls_x509_crt_set_activation_time(out->crt, now - 3600);
	gnutls_x509_crt_set_expiration_time(out->crt, now + 86400);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(out->crt,
		GNUTLS_OID_X520_COMMON_NAME, 0, spec->cn, strlen(spec->cn)), 0);
	assert_int_equal(gnutls_x509_crt_set_key(out->crt, out->key), 0);
	gnutls_x509_crt_set_basic_constraints(out->crt, spec->ca, -1);
	if (spec->ca) {
		gnutls_x509_crt_set_key_usage(out->crt, GNUTLS_KEY_KEY_CERT_SIGN |
					      GNUTLS_KEY_CRL_SIGN);
	} else {
		gnutls_x509_crt_set_key_usage(out->crt,
					      GNUTLS_KEY_DIGITAL_SIGNATURE);
		gnutls_x509_crt_set_key_purpose_oid(out->crt,
			spec->client ? GNUTLS_KP_TLS_WWW_CLIENT
				     : GNUTLS_KP_TLS_WWW_SERVER, 0);
	}
	if (spec->dns)
		gnutls_x509_crt_set_subject_alt_name(out->crt,
			GNUTLS_SAN_DNSNAME, spec->dns, strlen(spec->dns),
			GNUTLS_FSAN_APPEND);
	if (spec->ip) {
		assert_int_equal(inet_pton(AF_INET, spec->ip, ip), 1);
		gnutls_x509_crt_set_subject_alt_name(out->crt,
			GNUTLS_SAN_IPADDRESS, ip, 4, GNUTLS_FSAN_APPEND);
	}
	assert_int_equal(gnutls_x509_crt_sign2(out->crt,
		issuer ? issuer->crt : out->crt,
		issuer ? issuer->key : out->key, GNUTLS_DIG_SHA256, 0), 0);
	assert_int_equal(gnutls_x509_crt_export2(out->crt, GNUTLS_X509_FMT_DER,
						 &out->der), 0);
	assert_int_equal(gnutls_x509_crt_export2(out->crt, GNUTLS_X509_FMT_PEM,
						 &out->pem), 0);
	assert_int_equal(gnutls_x509_privkey_export2(out->key,
		GNUTLS_X509_FMT_DER, &out->key_der), 0);
}

static inline void pki_free(struct pki_cert *c)
{
	gnutls_free(c->der.data);
	gnutls_free(c->pem.data);
	gnutls_free(c->key_der.data);
	gnutls_x509_crt_deinit(c->crt);
	gnutls_x509_privkey_deinit(c->key);
	memset(c, 0, sizeof(*c));
}

/* The far end: a plain gnutls server on sv[1]. */
struct test_server {
	gnutls_session_t gs;
	gnutls_certificate_credentials_t xcred;
	gnutls_psk_server_credentials_t pcred;
	int fd;
	int done;
	int failed;
};

static const gnutls_datum_t *test_psk_key;
static const char *test_psk_identity;

static inline int test_psk_lookup(gnutls_session_t s, const char *user,
			   gnutls_datum_t *key)
{
	if (!test_psk_identity || strcmp(user, test_psk_identity) != 0)
		return -1;
	key->data = gnutls_malloc(test_psk_key->size);
	memcpy(key->data, test_psk_key->data, test_psk_key->size);
	key->size = test_psk_key->size;
	return 0;
}

static inline void server_common(struct test_server *srv, int fd, const char *prio)
{
	memset(srv, 0, sizeof(*srv));
	srv->fd = fd;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	assert_int_equal(gnutls_init(&srv->gs, GNUTLS_SERVER | GNUTLS_NONBLOCK),
			 0);
	assert_int_equal(gnutls_priority_set_direct(srv->gs, prio, NULL), 0);
	gnutls_transport_set_int(srv->gs, fd);
}

/* x509 server; require_client asks for (and checks) a client cert. */
static inline void server_x509(struct test_server *srv, int fd,
			const struct pki_cert *cert, const struct pki_cert *ca,
			int require_client, const char *ciphers)
{
	char prio[256];

	snprintf(prio, sizeof(prio),
		 "NORMAL:-VERS-ALL:+VERS-TLS1.3:%%NO_TICKETS%s%s",
		 ciphers ? ":-CIPHER-ALL:" : "", ciphers ? ciphers : "");
	server_common(srv, fd, prio);
	assert_int_equal(gnutls_certificate_allocate_credentials(&srv->xcred),
			 0);
	assert_int_equal(gnutls_certificate_set_x509_key_mem(srv->xcred,
		&cert->der, &cert->key_der, GNUTLS_X509_FMT_DER), 0);
	if (ca)
		assert_true(gnutls_certificate_set_x509_trust_mem(srv->xcred,
			&ca->pem, GNUTLS_X509_FMT_PEM) > 0);
	gnutls_credentials_set(srv->gs, GNUTLS_CRD_CERTIFICATE, srv->xcred);
	if (require_client)
		gnutls_certificate_server_set_request(srv->gs,
						      GNUTLS_CERT_REQUIRE);
}

static inline void server_psk(struct test_server *srv, int fd, const char *identity,
		       const gnutls_datum_t *key)
{
	test_psk_identity = identity;
	test_psk_key = key;
	server_common(srv, fd,
		      "NORMAL:-VERS-ALL:+VERS-TLS1.3:+PSK:+DHE-PSK:+ECDHE-PSK:%NO_TICKETS");
	assert_int_equal(gnutls_psk_allocate_server_credentials(&srv->pcred), 0);
	gnutls_psk_set_server_credentials_function(srv->pcred, test_psk_lookup);
	gnutls_credentials_set(srv->gs, GNUTLS_CRD_PSK, srv->pcred);
}

static inline void server_free(struct test_server *srv)
{
	gnutls_deinit(srv->gs);
	if (srv->xcred)
		gnutls_certificate_free_credentials(srv->xcred);
	if (srv->pcred)
		gnutls_psk_free_server_credentials(srv->pcred);
	close(srv->fd);
}

/* Run both ends until the client finishes; returns its last step. */
static inline int pump(struct hs_session *cs, struct test_server *srv)
{
	int c = HS_STEP_AGAIN, r, i;

	for (i = 0; i < 1000; i++) {
		if (c == HS_STEP_AGAIN)
			c = hs_session_step(cs);
		if (!srv->done && !srv->failed) {
			r = gnutls_handshake(srv->gs);
			if (r == 0)
				srv->done = 1;
			else if (gnutls_error_is_fatal(r)) {
				/* As a real server does: alert, then close. */
				gnutls_alert_send_appropriate(srv->gs, r);
				shutdown(srv->fd, SHUT_WR);
				srv->failed = 1;
			}
		}
		if (c == HS_STEP_FAILED)
			return c;
		if (c == HS_STEP_DONE && (srv->done || srv->failed))
			return c;
	}
	return c;
}

static inline void socket_pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

#endif
