NEEDS_TLSROOT=no
DESC="a mount without a client certificate is refused by the mtls export"
# The reason, not just a failure: mount.nfs reports EACCES ("access
# denied"); the handshake tracepoint shows a handshake that ran and
# failed; the client's tlshd took the x509 path (its truststore loaded)
# and, with no certificate to present, ended the handshake (stock tlshd
# 1.0 gives up before its ClientHello: the server's tlshd logs the
# connection as "non-properly terminated"); the server's tlshd saw this
# client's handshake fail. An unreachable server or a missing module fails
# before any handshake. That alone shows only that the client refuses
# first, so a second mount asks for xprtsec=tls (server authentication
# only): its handshake completes (status 0) and the server still refuses
# the mtls export, which is the server demanding a client certificate.
guest() {
	local mnt before after srv st
	tb_nfs_client_modules
	tb_trace_on
	tb_start_tlshd_client --no-cert
	mkdir -p /mnt/m
	# Only what this scenario causes: the server's log after this line.
	before=$(tb_server_ctl tlshd-lines | sed 's/^OK //')
	tb_expect_refusal "the mtls export accepted a client without a certificate" 'access denied' \
		timeout 90 mount -t nfs4 -o vers=4.2,xprtsec=mtls,retry=0 "$TB_SERVER_IP:/srv/mtls" /mnt/m
	mnt=$TB_REFUSAL
	tb_expect_fail "something is mounted on /mnt/m" mountpoint -q /mnt/m
	sed 's/^/tlshd-client: /' /run/tlshd-client.log
	tb_trace_dump
	st=$(tb_trace_dump | sed -n 's/.*handshake_complete: .* status=\(-[0-9]*\).*/\1/p' | head -n1)
	[ -n "$st" ] || tb_fail "mount refused ($mnt), but no handshake completed with an error (tracepoint)"
	after=$(tb_server_ctl tlshd-log "$before")
	echo "server tlshd: $after"
	srv=$(tr '|' '\n' <<<"$after" | grep -o "Handshake with '[^']*' (192.0.2.2) failed" | wc -l)
	[ "$srv" -gt 0 ] ||
		tb_fail "mount refused ($mnt), but the server's tlshd saw no failed handshake from this client"
	grep -aq 'Client x.509 truststore' /run/tlshd-client.log &&
		grep -aq "Handshake with .* failed" /run/tlshd-client.log ||
		tb_fail "mount refused ($mnt), but the client's tlshd did not fail an x509 handshake"
	grep -aqi 'Retrieved .*certificate' /run/tlshd-client.log &&
		tb_fail "mount refused ($mnt), but the client's tlshd had a certificate"
	local done_before tls
	done_before=$(tb_trace_dump | grep -c 'handshake_complete: .* status=0')
	tb_expect_refusal "the mtls export accepted a TLS session without a client certificate" \
		'access denied|Operation not permitted' \
		timeout 90 mount -t nfs4 -o vers=4.2,xprtsec=tls,retry=0 "$TB_SERVER_IP:/srv/mtls" /mnt/m
	tls=$TB_REFUSAL
	tb_expect_fail "something is mounted on /mnt/m after the tls mount" mountpoint -q /mnt/m
	tb_trace_dump | tail -n 8
	[ "$(tb_trace_dump | grep -c 'handshake_complete: .* status=0')" -gt "$done_before" ] ||
		tb_fail "the xprtsec=tls mount was refused ($tls), but no TLS handshake completed: the export's own refusal is not shown"
	tb_pass "mount refused without a client certificate: the client's tlshd had none to present and ended the x509 handshake (status $st), the server's tlshd saw it fail; mount: '$mnt'; and with xprtsec=tls the handshake completed (status 0) and the mtls export still refused it: '$tls'"
}
