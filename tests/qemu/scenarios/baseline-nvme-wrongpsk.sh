NEEDS_TLSROOT=no
DESC="an NVMe/TCP connect with a wrong PSK is refused"
guest() {
	tb_load_ktls || tb_fail "cannot load the kTLS modules"
	modprobe nvme-tcp || tb_fail "cannot load nvme-tcp"
	tb_insert_psk /tlsroot-test/pki/nvme-psk-wrong.txt >/tmp/psk.out 2>&1 ||
		tb_fail "nvme check-tls-key --insert failed: $(cat /tmp/psk.out)"
	tb_start_tlshd_client
	tb_expect_fail "connect succeeded with a wrong PSK" \
		timeout 60 nvme connect -t tcp -a "$TB_SERVER_IP" -s 4420 -n "$TB_SUBNQN" --hostnqn="$TB_HOSTNQN" --hostid="$TB_HOSTID" --tls --ctrl-loss-tmo=0
	sleep 2
	tb_expect_fail "a namespace appeared despite the wrong PSK" test -b /dev/nvme0n1
	tb_pass "connect refused with a wrong PSK"
}
