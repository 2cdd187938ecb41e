// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kTLS crypto_info filling (handshake/ktls.c). This host has no kTLS, so
 * the check is by construction: after a real TLS 1.3 handshake, the
 * agent's TX crypto_info must hold exactly the server's receive state and
 * its RX crypto_info the server's transmit state, for every cipher kTLS
 * supports.
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
	struct pki_cert ca, server, client;
	struct hs_tls tls;
};

static int setup(void **state)
{
	static struct fixture f;

	pki_make(&f.ca, &(struct pki_spec){ .cn = "CA", .ca = 1 }, NULL);
	pki_make(&f.server, &(struct pki_spec){ .cn = "srv", .ip = "10.0.0.1" },
		 &f.ca);
	pki_make(&f.client, &(struct pki_spec){ .cn = "cli", .client = 1 },
		 &f.ca);
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
	pki_free(&f->server);
	pki_free(&f->client);
	return 0;
}

struct expect {
	const char *prio;
	gnutls_cipher_algorithm_t algo;
	uint16_t type;
	size_t key, salt, iv;
};

/* Compare one direction of the agent's info with the server's state. */
static void check_direction(gnutls_session_t client, gnutls_session_t server,
			    int client_read, const struct expect *e)
{
	struct hs_ktls_info info;
	struct tr_error err;
	gnutls_datum_t mac, iv, key;
	unsigned char seq[8];
	const uint8_t *p = (const uint8_t *)&info.u;
	size_t off;

	assert_int_equal(hs_ktls_fill(client, client_read, &info, &err), 0);
	assert_int_equal(gnutls_record_get_state(server, !client_read, &mac,
						 &iv, &key, seq), 0);
	assert_int_equal(info.u.base.version, TLS_1_3_VERSION);
	assert_int_equal(info.u.base.cipher_type, e->type);
	assert_int_equal(key.size, e->key);
	assert_int_equal(iv.size, e->salt + e->iv);
	off = sizeof(struct tls_crypto_info);
	if (e->type == TLS_CIPHER_CHACHA20_POLY1305) {
		/* struct: info, iv[12], key[32], salt[0], rec_seq[8] */
		assert_int_equal(info.len,
			sizeof(struct tls12_crypto_info_chacha20_poly1305));
		assert_memory_equal(p + off, iv.data, 12);
		assert_memory_equal(p + off + 12, key.data, 32);
		assert_memory_equal(p + off + 44, seq, 8);
		return;
	}
	/* AES structs: info, iv[8], key[K], salt[4], rec_seq[8] */
	assert_memory_equal(p + off, iv.data + e->salt, e->iv);
	assert_memory_equal(p + off + e->iv, key.data, e->key);
	assert_memory_equal(p + off + e->iv + e->key, iv.data, e->salt);
	assert_memory_equal(p + off + e->iv + e->key + e->salt, seq, 8);
	assert_int_equal(info.len, off + e->iv + e->key + e->salt + 8);
}

static void run_cipher(struct fixture *f, const struct expect *e)
{
	struct test_server srv;
	struct hs_session cs;
	struct tr_error err;
	int sv[2];

	socket_pair(sv);
	server_x509(&srv, sv[1], &f->server, &f->ca, 1, e->prio);
	assert_int_equal(hs_session_x509(&f->tls, &cs, sv[0], "10.0.0.1",
		&f->client.der, &f->client.key_der, &err), 0);
	assert_int_equal(pump(&cs, &srv), HS_STEP_DONE);
	assert_true(srv.done);
	assert_int_equal(gnutls_cipher_get(cs.gs), e->algo);
	check_direction(cs.gs, srv.gs, 0, e);
	check_direction(cs.gs, srv.gs, 1, e);
	/* No kTLS here: installing must fail cleanly, never crash. */
	assert_int_equal(hs_ktls_install(cs.gs, sv[0], &err), -1);
	assert_non_null(strstr(err.msg, "kTLS"));
	hs_session_free(&cs);
	server_free(&srv);
	close(sv[0]);
}

static void test_aes_128_gcm(void **state)
{
	const struct expect e = { "+AES-128-GCM", GNUTLS_CIPHER_AES_128_GCM,
				  TLS_CIPHER_AES_GCM_128, 16, 4, 8 };

	run_cipher(*state, &e);
}

static void test_aes_256_gcm(void **state)
{
	const struct expect e = { "+AES-256-GCM", GNUTLS_CIPHER_AES_256_GCM,
				  TLS_CIPHER_AES_GCM_256, 32, 4, 8 };

	run_cipher(*state, &e);
}

static void test_aes_128_ccm(void **state)
{
	const struct expect e = { "+AES-128-CCM", GNUTLS_CIPHER_AES_128_CCM,
				  TLS_CIPHER_AES_CCM_128, 16, 4, 8 };

	run_cipher(*state, &e);
}

static void test_chacha20_poly1305(void **state)
{
	const struct expect e = { "+CHACHA20-POLY1305",
				  GNUTLS_CIPHER_CHACHA20_POLY1305,
				  TLS_CIPHER_CHACHA20_POLY1305, 32, 0, 12 };

	run_cipher(*state, &e);
}

static void test_sequence_numbers_advance(void **state)
{
	struct fixture *f = *state;
	struct test_server srv;
	struct hs_session cs;
	struct hs_ktls_info before, after;
	struct tr_error err;
	char buf[16];
	int sv[2];

	socket_pair(sv);
	server_x509(&srv, sv[1], &f->server, &f->ca, 0, NULL);
	assert_int_equal(hs_session_x509(&f->tls, &cs, sv[0], "10.0.0.1", NULL,
					 NULL, &err), 0);
	assert_int_equal(pump(&cs, &srv), HS_STEP_DONE);
	assert_int_equal(hs_ktls_fill(cs.gs, 1, &before, &err), 0);
	/* One application record from the server moves the RX sequence. */
	assert_int_equal(gnutls_record_send(srv.gs, "ping", 4), 4);
	assert_int_equal(gnutls_record_recv(cs.gs, buf, sizeof(buf)), 4);
	assert_int_equal(hs_ktls_fill(cs.gs, 1, &after, &err), 0);
	assert_memory_not_equal(&before.u, &after.u, before.len);
	hs_session_free(&cs);
	server_free(&srv);
	close(sv[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aes_128_gcm),
		cmocka_unit_test(test_aes_256_gcm),
		cmocka_unit_test(test_aes_128_ccm),
		cmocka_unit_test(test_chacha20_poly1305),
		cmocka_unit_test(test_sequence_numbers_advance),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
