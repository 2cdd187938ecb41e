// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hand a finished TLS 1.3 session to the kernel (kTLS): attach the "tls"
 * upper-layer protocol, then give it the transmit and receive keys that
 * gnutls derived. After DONE the kernel owns the record layer.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "handshake/handshake.h"

#ifndef SOL_TLS
#define SOL_TLS 282
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif

/* Where each cipher's fields sit inside its crypto_info struct. */
struct cipher_layout {
	gnutls_cipher_algorithm_t algo;
	uint16_t type;
	size_t key_len, salt_len, iv_len;
	size_t key_off, salt_off, iv_off, seq_off;
	socklen_t size;
};

#define LAYOUT(galgo, ktype, st, K, S, I)                                     \
	{ galgo, ktype, K, S, I, offsetof(st, key), offsetof(st, salt),       \
	  offsetof(st, iv), offsetof(st, rec_seq), sizeof(st) }

static const struct cipher_layout layouts[] = {
	LAYOUT(GNUTLS_CIPHER_AES_128_GCM, TLS_CIPHER_AES_GCM_128,
	       struct tls12_crypto_info_aes_gcm_128, 16, 4, 8),
	LAYOUT(GNUTLS_CIPHER_AES_256_GCM, TLS_CIPHER_AES_GCM_256,
	       struct tls12_crypto_info_aes_gcm_256, 32, 4, 8),
	LAYOUT(GNUTLS_CIPHER_AES_128_CCM, TLS_CIPHER_AES_CCM_128,
	       struct tls12_crypto_info_aes_ccm_128, 16, 4, 8),
	/* ChaCha20-Poly1305 has no salt: the whole 12-byte IV goes in iv. */
	{ GNUTLS_CIPHER_CHACHA20_POLY1305, TLS_CIPHER_CHACHA20_POLY1305, 32, 0,
	  12, offsetof(struct tls12_crypto_info_chacha20_poly1305, key), 0,
	  offsetof(struct tls12_crypto_info_chacha20_poly1305, iv),
	  offsetof(struct tls12_crypto_info_chacha20_poly1305, rec_seq),
	  sizeof(struct tls12_crypto_info_chacha20_poly1305) },
};

static const struct cipher_layout *layout_for(gnutls_cipher_algorithm_t a)
{
	size_t i;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].algo == a)
			return &layouts[i];
	return NULL;
}

int hs_ktls_fill(gnutls_session_t session, int read,
		 struct hs_ktls_info *info, struct tr_error *err)
{
	const struct cipher_layout *l;
	gnutls_cipher_algorithm_t algo = gnutls_cipher_get(session);
	gnutls_datum_t mac, iv, key;
	unsigned char seq[8];
	uint8_t *base = (uint8_t *)&info->u;
	int ret;

	memset(info, 0, sizeof(*info));
	if (gnutls_protocol_get_version(session) != GNUTLS_TLS1_3) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "kTLS needs TLS 1.3 but %s was negotiated",
			     gnutls_protocol_get_name(
				     gnutls_protocol_get_version(session)));
		return -1;
	}
	l = layout_for(algo);
	if (!l) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cipher %s cannot be handed to kTLS",
			     gnutls_cipher_get_name(algo));
		return -1;
	}
	ret = gnutls_record_get_state(session, read ? 1 : 0, &mac, &iv, &key,
				      seq);
	if (ret < 0 || key.size != l->key_len ||
	    iv.size != l->salt_len + l->iv_len) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot read the %s record state: %s",
			     read ? "receive" : "transmit",
			     ret < 0 ? gnutls_strerror(ret) : "unexpected sizes");
		return -1;
	}
	info->u.base.version = TLS_1_3_VERSION;
	info->u.base.cipher_type = l->type;
	memcpy(base + l->key_off, key.data, l->key_len);
	if (l->salt_len)
		memcpy(base + l->salt_off, iv.data, l->salt_len);
	memcpy(base + l->iv_off, iv.data + l->salt_len, l->iv_len);
	memcpy(base + l->seq_off, seq, sizeof(seq));
	info->len = l->size;
	return 0;
}

static int set_direction(gnutls_session_t session, int fd, int read,
			 struct tr_error *err)
{
	struct hs_ktls_info info;
	int ret;

	if (hs_ktls_fill(session, read, &info, err) < 0)
		return -1;
	ret = setsockopt(fd, SOL_TLS, read ? TLS_RX : TLS_TX, &info.u,
			 info.len);
	tr_wipe(&info, sizeof(info));
	if (ret < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "kTLS refused the %s key (%s): is the cipher's kernel module in the initramfs?",
			     read ? "receive" : "transmit", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * TLS_TX_MAX_PAYLOAD_LEN is left alone: it matters only when the server
 * negotiates a record_size_limit below 16 KiB, which nfsd's and nvmet's
 * handshake agents do not, and gnutls 3.7 cannot report the send limit.
 */
int hs_ktls_install(gnutls_session_t session, int fd, struct tr_error *err)
{
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) < 0) {
		tr_error_set(err, TR_EXIT_FAILURE,
			     "cannot attach kTLS to the socket (%s): load the tls module",
			     strerror(errno));
		return -1;
	}
	if (set_direction(session, fd, 0, err) < 0 ||
	    set_direction(session, fd, 1, err) < 0)
		return -1;
	return 0;
}
