NEEDS_TLSROOT=no
DESC="an NVMe/TCP connect with a wrong PSK is refused"
# The reason, not just a failure: the client's tlshd offered the identity
# of the wrong PSK (TP 8018 identity v1 carries a digest of the PSK), and
# the server's tlshd, reached over the network, has no PSK for it; the
# handshake tracepoint shows the handshake ran and failed. An unreachable
# target or a missing module fails before any of that.
guest() {
	local conn id before after why st
	tb_load_ktls || tb_fail "cannot load the kTLS modules"
	modprobe nvme-tcp || tb_fail "cannot load nvme-tcp"
	tb_trace_on
	tb_insert_psk /tlsroot-test/pki/nvme-psk-wrong.txt >/tmp/psk.out 2>&1 ||
		tb_fail "nvme check-tls-key --insert failed: $(cat /tmp/psk.out)"
	tb_start_tlshd_client
	# Only what this scenario causes: the server's log after this line.
	before=$(tb_server_ctl tlshd-lines | sed 's/^OK //')
	tb_expect_refusal "connect succeeded with a wrong PSK" 'could not add new controller' \
		timeout 60 nvme connect -t tcp -a "$TB_SERVER_IP" -s 4420 -n "$TB_SUBNQN" --hostnqn="$TB_HOSTNQN" --hostid="$TB_HOSTID" --tls --ctrl-loss-tmo=0
	conn=$TB_REFUSAL
	sleep 2
	tb_expect_fail "a namespace appeared despite the wrong PSK" test -b /dev/nvme0n1
	sed 's/^/tlshd-client: /' /run/tlshd-client.log
	tb_trace_dump
	id=$(sed -n 's/.*Using psk identity //p' /run/tlshd-client.log | head -n1)
	[ -n "$id" ] && grep -q 'start ClientHello handshake' /run/tlshd-client.log ||
		tb_fail "connect refused ($conn), but the client's tlshd never offered a PSK identity: $(tr '\n' '|' </run/tlshd-client.log | tail -c 400)"
	st=$(tb_trace_dump | sed -n 's/.*handshake_complete: .* status=\(-[0-9]*\).*/\1/p' | head -n1)
	[ -n "$st" ] || tb_fail "connect refused ($conn), but no handshake completed with an error (tracepoint)"
	after=$(tb_server_ctl tlshd-log "$before")
	echo "server tlshd: $after"
	why=$(tr '|' '\n' <<<"$after" | grep -aF "failed to search 'psk' key '$id'" | tail -n1)
	[ -n "$why" ] ||
		tb_fail "connect refused ($conn), but the server's tlshd does not say it lacks the PSK identity '$id'"
	tb_pass "connect refused with a wrong PSK: the server's tlshd has no PSK for the offered identity ('${why#*tlshd\[*\]: }'), client handshake status $st, nvme: '$conn'"
}
