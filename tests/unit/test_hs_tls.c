// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The agent's TLS client (handshake/tls.c) against a real gnutls server
 * in the same process: x509 with and without a client certificate, PSK,
 * and the refusals the QEMU scenarios also check (unknown CA, name
 * mismatch, wrong PSK).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "test_hs_pki.h"

struct fixture {
	struct pki_cert ca, other_ca, server, client, impostor;
	struct hs_tls tls;
};

static int setup(void **state)
{
	static struct fixture f;

	pki_make(&f.ca, &(struct pki_spec){ .cn = "test CA", .ca = 1 }, NULL);
	pki_make(&f.other_ca, &(struct pki_spec){ .cn = "other CA", .ca = 1 },
		 NULL);
	pki_make(&f.server, &(struct pki_spec){ .cn = "server",
		 .dns = "nfs.example.test", .ip = "192.0.2.7" }, &f.ca);
	pki_make(&f.client, &(struct pki_spec){ .cn = "client", .client = 1 },
		 &f.ca);
	pki_make(&f.impostor, &(struct pki_spec){ .cn = "impostor",
		 .dns = "nfs.example.test", .ip = "192.0.2.7" }, &f.other_ca);
	assert_int_equal(hs_tls_init(&f.tls, f.ca.pem.data, f.ca.pem.size,
				     NULL), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hs_tls_free(&f->tls);
	pki_free(&f->ca);
	pki_free(&f->other_ca);
	pki_free(&f->server);
	pki_free(&f->client);
	pki_free(&f->impostor);
	return 0;
}

/* Client with (or without) a certificate against a given server cert. */
static int run_x509(struct fixture *f, const struct pki_cert *server_cert,
		    const char *peer, int with_client, struct hs_session *cs)
{
	struct test_server srv;
	struct tr_error err;
	int sv[2], r;

	socket_pair(sv);
	server_x509(&srv, sv[1], server_cert, &f->ca, with_client, NULL);
	assert_int_equal(hs_session_x509(&f->tls, cs, sv[0], peer,
		with_client ? &f->client.der : NULL,
		with_client ? &f->client.key_der : NULL, &err), 0);
	r = pump(cs, &srv);
	if (r == HS_STEP_DONE && with_client)
		assert_true(srv.done);
	server_free(&srv);
	close(sv[0]);
	return r;
}

static void test_x509_mutual_by_ip(void **state)
{
	struct fixture *f = *state;
	struct hs_session cs;

	assert_int_equal(run_x509(f, &f->server, "192.0.2.7", 1, &cs),
			 HS_STEP_DONE);
	assert_int_equal(cs.status, 0);
	assert_int_equal(gnutls_protocol_get_version(cs.gs), GNUTLS_TLS1_3);
	hs_session_free(&cs);
}

static void test_x509_mutual_by_dns_name(void **state)
{
	struct fixture *f = *state;
	struct hs_session cs;

	assert_int_equal(run_x509(f, &f->server, "nfs.example.test", 1, &cs),
			 HS_STEP_DONE);
	hs_session_free(&cs);
}

static void test_anon_verifies_server(void **state)
{
	struct fixture *f = *state;
	struct hs_session cs;

	assert_int_equal(run_x509(f, &f->server, "192.0.2.7", 0, &cs),
			 HS_STEP_DONE);
	hs_session_free(&cs);
}

static void test_untrusted_ca_refused(void **state)
{
	struct fixture *f = *state;
	struct hs_session cs;

	assert_int_equal(run_x509(f, &f->impostor, "192.0.2.7", 0, &cs),
			 HS_STEP_FAILED);
	assert_int_equal(cs.status, EACCES);
	assert_non_null(strstr(cs.reason, "server certificate refused"));
	assert_non_null(strstr(cs.reason, "issuer"));
	hs_session_free(&cs);
}

static void test_name_mismatch_refused(void **state)
{
	struct fixture *f = *state;
	struct hs_session cs;

	assert_int_equal(run_x509(f, &f->server, "192.0.2.8", 0, &cs),
			 HS_STEP_FAILED);
	assert_int_equal(cs.status, EACCES);
	assert_non_null(strstr(cs.reason, "name"));
	hs_session_free(&cs);
	assert_int_equal(run_x509(f, &f->server, "other.example.test", 0, &cs),
			 HS_STEP_FAILED);
	hs_session_free(&cs);
}

static void test_x509_needs_peername_and_anchors(void **state)
{
	struct fixture *f = *state;
	struct hs_session cs;
	struct hs_tls bare;
	struct tr_error err;

	assert_int_equal(hs_session_x509(&f->tls, &cs, 0, "", NULL, NULL, &err),
			 -1);
	assert_non_null(strstr(err.msg, "no peer name"));
	assert_int_equal(hs_tls_init(&bare, NULL, 0, &err), 0);
	assert_int_equal(hs_session_x509(&bare, &cs, 0, "192.0.2.7", NULL, NULL,
					 &err), -1);
	assert_non_null(strstr(err.msg, "--trust"));
	hs_tls_free(&bare);
}

static void test_bad_client_key_refused(void **state)
{
	struct fixture *f = *state;
	struct hs_session cs;
	struct tr_error err;
	gnutls_datum_t junk = { (unsigned char *)"junk", 4 };

	assert_int_equal(hs_session_x509(&f->tls, &cs, 0, "192.0.2.7",
					 &f->client.der, &junk, &err), -1);
	assert_non_null(strstr(err.msg, "private key"));
	assert_int_equal(hs_session_x509(&f->tls, &cs, 0, "192.0.2.7", &junk,
					 &f->client.key_der, &err), -1);
	assert_non_null(strstr(err.msg, "certificate"));
}

static void test_bad_trust_bundle(void **state)
{
	struct hs_tls t;
	struct tr_error err;

	assert_int_equal(hs_tls_init(&t, (const uint8_t *)"not pem", 7, &err),
			 -1);
	assert_non_null(strstr(err.msg, "trust bundle"));
}

static int run_psk(struct fixture *f, const char *identity, size_t key_len,
		   int wrong_key, struct hs_session *cs)
{
	uint8_t keybytes[48], srvbytes[48];
	gnutls_datum_t key = { keybytes, (unsigned int)key_len };
	gnutls_datum_t skey = { srvbytes, (unsigned int)key_len };
	struct test_server srv;
	struct tr_error err;
	int sv[2], r;

	memset(keybytes, 0x5a, sizeof(keybytes));
	memcpy(srvbytes, keybytes, sizeof(srvbytes));
	if (wrong_key)
		srvbytes[0] ^= 1;
	socket_pair(sv);
	server_psk(&srv, sv[1], "NVMe0R01 nqn.host nqn.subsys", &skey);
	assert_int_equal(hs_session_psk(&f->tls, cs, sv[0], "", identity, &key,
					&err), 0);
	r = pump(cs, &srv);
	server_free(&srv);
	close(sv[0]);
	return r;
}

static void test_psk_sha256(void **state)
{
	struct hs_session cs;

	assert_int_equal(run_psk(*state, "NVMe0R01 nqn.host nqn.subsys", 32, 0,
				 &cs), HS_STEP_DONE);
	assert_int_equal(gnutls_protocol_get_version(cs.gs), GNUTLS_TLS1_3);
	hs_session_free(&cs);
}

static void test_psk_wrong_key_refused(void **state)
{
	struct hs_session cs;

	assert_int_equal(run_psk(*state, "NVMe0R01 nqn.host nqn.subsys", 32, 1,
				 &cs), HS_STEP_FAILED);
	assert_true(cs.status == EACCES || cs.status == EKEYREJECTED);
	hs_session_free(&cs);
}

static void test_psk_unknown_identity_refused(void **state)
{
	struct hs_session cs;

	assert_int_equal(run_psk(*state, "NVMe0R01 nqn.host nqn.other", 32, 0,
				 &cs), HS_STEP_FAILED);
	assert_int_not_equal(cs.status, 0);
	hs_session_free(&cs);
}

static void test_psk_bad_hash_in_identity(void **state)
{
	struct fixture *f = *state;
	struct hs_session cs;
	struct tr_error err;
	uint8_t k[32] = { 0 };
	gnutls_datum_t key = { k, 32 };

	assert_int_equal(hs_session_psk(&f->tls, &cs, 0, "", "NVMe0R07 a b",
					&key, &err), -1);
	assert_non_null(strstr(err.msg, "unknown hash"));
}

static void test_identity_hash(void **state)
{
	gnutls_mac_algorithm_t mac;

	assert_int_equal(hs_psk_identity_hash("NVMe0R01 h s", &mac), 0);
	assert_int_equal(mac, GNUTLS_MAC_SHA256);
	assert_int_equal(hs_psk_identity_hash("NVMe1R02 h s d", &mac), 0);
	assert_int_equal(mac, GNUTLS_MAC_SHA384);
	assert_int_equal(hs_psk_identity_hash("NVMe1G02 h s d", &mac), 0);
	assert_int_equal(mac, GNUTLS_MAC_SHA384);
	assert_int_equal(hs_psk_identity_hash("plain identity", &mac), 0);
	assert_int_equal(mac, GNUTLS_MAC_UNKNOWN);
	assert_int_equal(hs_psk_identity_hash("NVMe", &mac), 0);
	assert_int_equal(hs_psk_identity_hash("NVMe0R03 h s", &mac), -1);
}

static void test_status_mapping(void **state)
{
	assert_int_equal(hs_status_from_gnutls(GNUTLS_E_PREMATURE_TERMINATION,
					       0, 0), ETIMEDOUT);
	assert_int_equal(hs_status_from_gnutls(GNUTLS_E_FATAL_ALERT_RECEIVED, 1,
		GNUTLS_A_UNKNOWN_PSK_IDENTITY), EKEYREJECTED);
	assert_int_equal(hs_status_from_gnutls(GNUTLS_E_FATAL_ALERT_RECEIVED, 1,
		GNUTLS_A_DECRYPT_ERROR), EACCES);
	assert_int_equal(hs_status_from_gnutls(
		GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR, 0, 0), EACCES);
}

static void test_ip_literal(void **state)
{
	assert_true(hs_is_ip_literal("192.0.2.1"));
	assert_true(hs_is_ip_literal("2001:db8::1"));
	assert_false(hs_is_ip_literal("server.example"));
	assert_false(hs_is_ip_literal("192.0.2"));
}

static void test_priorities_are_tls13_ktls_only(void **state)
{
	struct fixture *f = *state;
	const char *p = f->tls.priority_text;

	assert_non_null(strstr(p, "+VERS-TLS1.3"));
	assert_non_null(strstr(p, "%NO_TICKETS"));
	assert_non_null(strstr(p, "-CIPHER-ALL"));
	assert_non_null(strstr(p, "+AES-128-GCM"));
	assert_null(strstr(p, "CBC"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x509_mutual_by_ip),
		cmocka_unit_test(test_x509_mutual_by_dns_name),
		cmocka_unit_test(test_anon_verifies_server),
		cmocka_unit_test(test_untrusted_ca_refused),
		cmocka_unit_test(test_name_mismatch_refused),
		cmocka_unit_test(test_x509_needs_peername_and_anchors),
		cmocka_unit_test(test_bad_client_key_refused),
		cmocka_unit_test(test_bad_trust_bundle),
		cmocka_unit_test(test_psk_sha256),
		cmocka_unit_test(test_psk_wrong_key_refused),
		cmocka_unit_test(test_psk_unknown_identity_refused),
		cmocka_unit_test(test_psk_bad_hash_in_identity),
		cmocka_unit_test(test_identity_hash),
		cmocka_unit_test(test_status_mapping),
		cmocka_unit_test(test_ip_literal),
		cmocka_unit_test(test_priorities_are_tls13_ktls_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
