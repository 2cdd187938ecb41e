DESC="benchmark (bench/nvmeroot-connect): NVMe/TCP TLS connect time for 1, 4 and 8 I/O queues, stock tlshd vs tlsroot-agent on the same VM and server"
DEFAULT=no
KERNELS=k7
# nvme-tcp caps each queue type at the online CPUs: 4 vCPUs give 4 read/
# write queues, and 8 I/O queues as 4 default + 4 write queues.
CLIENT_SMP=4
TIMEOUT=1500
host_prepare() { # payload: the round count reaches the guest as a file
	echo "${TB_BENCH_ROUNDS:-5}" >"$1/bench-rounds"
}
# The runner's own client boot, but with one TCG thread (tb_start_vm).
# Both agents run in this one VM, so the accelerator does not bias the
# ratio.
host_run() { # payload label
	local vm=client-bench-nvme-connect-$2 log rc off=yes
	tb_start_vm "$vm" "$2" --payload="$1" --mem="$CLIENT_MEM" --smp="$CLIENT_SMP" --one-tcg-thread ||
		{ echo "FAIL client VM did not start"; return; }
	log=$(tb_vm_log "$vm")
	tb_wait_marker "$vm" '^TLSROOT-RESULT: ' "$TIMEOUT"
	rc=$?
	tb_wait_exit "$vm" 30 || off=no
	rm -f "$TB_RUN/vm-$vm/disk.qcow2" "$TB_RUN/vm-$vm/initrd"
	[ $rc -eq 0 ] || { echo "FAIL no verdict (wait status $rc; last mark: $(grep -a '^TLSROOT-MARK: ' "$log" | tail -n1 | cut -c15- | tr -d '\r')) [log: $log]"; return; }
	[ $off = yes ] || { echo "FAIL the VM printed its verdict but did not power off within 30 s (killed) [log: $log]"; return; }
	log=$(grep -a -m1 '^TLSROOT-RESULT: ' "$log" | tr -d '\r')" [log: $log]"
	echo "${log#TLSROOT-RESULT: }"
}
guest() {
	rounds=$(cat /tlsroot-test/bench-rounds 2>/dev/null || echo 5)
	tb_load_ktls || tb_fail "cannot load the kTLS modules"
	modprobe nvme-tcp || tb_fail "cannot load nvme-tcp"
	# One PSK for both agents, inserted as nvme-cli users do.
	tb_insert_psk "$TB_PKI/nvme-psk.txt" >/dev/null 2>&1 || tb_fail "cannot insert the PSK"
	for agent in tlshd tlsroot; do
		case $agent in
		tlshd) tb_start_tlshd_client --no-cert; pid=$(cat /run/tlshd-client.pid) ;;
		tlsroot) TB_AGENT_RAM=yes tb_start_agent --trust "$TB_PKI/ca.pem"; pid=$(cat /run/agent.pid) ;;
		esac
		for i in $(seq 1 "$rounds"); do
			for q in 1 4 8; do
				case $q in
				8) opts="--nr-io-queues=4 --nr-write-queues=4" ;;
				*) opts="--nr-io-queues=$q" ;;
				esac
				# shellcheck disable=SC2086
				tb_timed_nvme_connect $opts
				got=$(dmesg | sed -n 's/.*mapped \([0-9]*\)\/\([0-9]*\)\/\([0-9]*\) default.*/\1 \2 \3/p' | tail -n1 | awk '{print $1 + $2 + $3}')
				echo "BENCH: $agent q$q connect_ms $TB_CONNECT_MS io_queues=$got"
				nvme disconnect -n "$TB_SUBNQN" >/dev/null
				sleep 0.5
			done
		done
		tb_stop_bench_agent "$agent" "$pid"
	done
	tb_pass "benchmark done"
}
