DESC="tlsroot-agent serves an NVMe/TCP TLS PSK connect with 4 I/O queues (no tlshd)"
CLIENT_SMP=2
guest() {
	tb_load_ktls || tb_fail "cannot load the kTLS modules"
	modprobe nvme-tcp || tb_fail "cannot load nvme-tcp"
	tb_add_psk boot "$TB_PKI/nvme-psk.txt"
	key=$(tlsroot key resolve boot) || tb_fail "tlsroot key resolve boot failed"
	serial=${key#tls_key=}
	tb_start_agent
	tb_expect "nvme connect with 4 I/O queues over TLS failed: $(tail -n3 /run/agent.log | tr '\n' '|')" \
		tb_nvme_connect --tls --tls_key="$((serial))" --nr-io-queues=2 --nr-write-queues=2
	tb_wait 20 test -b /dev/nvme0n1 || tb_fail "no /dev/nvme0n1 after connect"
	tb_nvme_read_marker || tb_fail "marker block not read from the namespace"
	used=$(cat /sys/class/nvme/nvme0/tls_key)
	[ "$((0x$used))" = "$((serial))" ] || tb_fail "tls_key in sysfs is $used, not the placed key $serial"
	queues=$(dmesg | grep -o 'creating [0-9]* I/O queues' | tail -n1 | awk '{print $2}')
	[ "${queues:-0}" -ge 4 ] || tb_fail "controller has ${queues:-no} I/O queues, want 4"
	cat /run/agent.log
	tlsroot agent status
	psk=$(tb_status .kinds.psk.served)
	[ "$psk" -ge $((queues + 1)) ] || tb_fail "agent served $psk PSK handshakes, want $((queues + 1)) (admin + $queues I/O)"
	tb_agent_no_failures
	tb_pass "NVMe/TCP TLS with $queues I/O queues: $psk PSK handshakes served by the agent, tls_key $used"
}
