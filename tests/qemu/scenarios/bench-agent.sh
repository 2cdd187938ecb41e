DESC="benchmark (bench/agent-vs-tlshd): stock tlshd and tlsroot-agent on the same VM and server"
DEFAULT=no
KERNELS=k7
CLIENT_SMP=4
TIMEOUT=1200
guest() {
	rounds=${TB_BENCH_ROUNDS:-30}
	tb_nfs_client_modules
	modprobe nvme-tcp || tb_fail "cannot load nvme-tcp"
	tb_add_client_identity
	# One PSK for both agents, inserted as nvme-cli users do.
	tb_insert_psk "$TB_PKI/nvme-psk.txt" >/dev/null 2>&1 || tb_fail "cannot insert the PSK"
	t=/sys/kernel/tracing
	echo 1 >$t/events/handshake/handshake_submit/enable
	echo 1 >$t/events/handshake/handshake_cmd_done/enable
	echo 16384 >$t/buffer_size_kb
	mkdir -p /mnt/m
	for agent in tlshd tlsroot; do
		echo >$t/trace
		case $agent in
		tlshd) tb_start_tlshd_client; pid=$(cat /run/tlshd-client.pid) ;;
		tlsroot) TB_AGENT_RAM=yes tb_start_agent --trust "$TB_PKI/ca.pem" --identity client1; pid=$(cat /run/agent.pid)
			grep -a 'ready:' /run/agent.log ;;
		esac
		mount -t nfs4 -o vers=4.2,xprtsec=mtls "$TB_SERVER_IP:/srv/mtls" /mnt/m ||
			tb_fail "$agent: mtls mount failed"
		for i in $(seq 1 "$rounds"); do
			n=$(grep -c handshake_cmd_done $t/trace)
			ss -K dst "$TB_SERVER_IP" dport = 2049 >/dev/null
			tb_wait 30 sh -c "touch /mnt/m/reconnect-probe; [ \$(grep -c handshake_cmd_done $t/trace) -gt $n ]" ||
				tb_fail "$agent: reconnect $i not served"
		done
		umount /mnt/m
		# READY (submit) to DONE per request, from the kernel's tracepoints.
		awk -v a=$agent '
			{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) ts = substr($i, 1, length($i) - 1) }
			/handshake_submit:/ { match($0, /req=[0-9a-fx]+/); r = substr($0, RSTART, RLENGTH); start[r] = ts }
			/handshake_cmd_done:/ { match($0, /req=[0-9a-fx]+/); r = substr($0, RSTART, RLENGTH)
				if (r in start) { printf "BENCH: %s service_ms %.3f\n", a, (ts - start[r]) * 1000; delete start[r] } }
		' $t/trace
		for i in 1 2 3; do
			tb_timed_nvme_connect --nr-io-queues=4 --nr-write-queues=4
			q=$(dmesg | grep -o 'creating [0-9]* I/O queues' | tail -n1 | awk '{print $2}')
			echo "BENCH: $agent nvme8_connect_ms $TB_CONNECT_MS queues=$q"
			nvme disconnect -n "$TB_SUBNQN" >/dev/null
			sleep 1
		done
		rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
		lck=$(awk '/^VmLck/ {print $2}' /proc/$pid/status)
		# RAM actually locked (VmLck also counts untouched MCL_ONFAULT pages).
		ram=$(awk '/^Locked:/ {print $2}' /proc/$pid/smaps_rollup)
		echo "BENCH: $agent rss_kib $rss"
		echo "BENCH: $agent locked_kib $ram"
		echo "BENCH: $agent locked_vm_kib $lck"
		tb_stop_bench_agent "$agent" "$pid"
	done
	tb_pass "benchmark done"
}
