DESC="3 forced NFS reconnects and 100 NVMe controller resets served by the agent: no failure, flat memory, no path/exec/fork/resolver syscalls (strace)"
DEFAULT_KERNELS=k7  # k612 by name or TLSROOT_QEMU_ALL_KERNELS=1 (suite time budget)
TIMEOUT=900
CLIENT_SMP=2
guest() {
	tb_nfs_client_modules
	modprobe nvme-tcp || tb_fail "cannot load nvme-tcp"
	tb_add_client_identity
	tb_add_psk boot "$TB_PKI/nvme-psk.txt"
	key=$(tlsroot key resolve boot)
	# From RAM, as from an initramfs: memory is locked on fault.
	TB_AGENT_RAM=yes tb_start_agent --trust "$TB_PKI/ca.pem" --identity client1
	pid=$(cat /run/agent.pid)
	grep -aq 'mlockall=onfault .*warmup=[1-9]' /run/agent.log ||
		tb_fail "agent not locked on fault after a warm-up: $(tr '\n' '|' </run/agent.log)"
	mkdir -p /mnt/m
	tb_expect "mtls mount failed" mount -t nfs4 -o "$(tb_mtls_options)" "$TB_SERVER_IP:/srv/mtls" /mnt/m
	tb_expect "nvme connect failed" tb_nvme_connect --tls --tls_key="$((${key#tls_key=}))" \
		--nr-io-queues=2 --nr-write-queues=2 --reconnect-delay=1 --ctrl-loss-tmo=-1
	tb_wait 20 test -b /dev/nvme0n1 || tb_fail "no /dev/nvme0n1"

	# Trace every system call of the agent from here on.
	strace -f -qq -p "$pid" -o /run/agent.strace &
	strace_pid=$!
	sleep 2
	# NFS: each ss -K doubles sunrpc's reconnect back-off (3, 6, 12 s...),
	# so a few aborts cover the x509 path; the controller resets below
	# make up the hundred forced reconnects.
	for n in 1 2 3; do
		before=$(tb_status .kinds.x509.served)
		ss -K dst "$TB_SERVER_IP" dport = 2049 >/dev/null
		tb_wait 60 sh -c "touch /mnt/m/reconnect-probe; [ \$(tlsroot agent status | jq .kinds.x509.served) -gt $before ]" ||
			tb_fail "NFS reconnect $n was not served within 60 s"
	done
	echo "after NFS reconnects" >/mnt/m/reconnect-file && sync
	tb_expect "file written after NFS reconnects not read back" grep -q "after NFS reconnects" /mnt/m/reconnect-file

	# NVMe: 100 controller resets, each re-handshaking the admin queue and
	# every I/O queue.
	psk_before=$(tb_status .kinds.psk.served)
	for n in $(seq 1 100); do
		echo 1 >/sys/class/nvme/nvme0/reset_controller
		tb_wait 60 sh -c 'grep -q live /sys/class/nvme/nvme0/state' || tb_fail "NVMe reset $n did not come back live"
		[ $n = 10 ] && rss10=$(tb_status .memory.rss_kib)
		[ $((n % 20)) = 0 ] && tb_mark "NVMe resets: $n"
	done
	rss100=$(tb_status .memory.rss_kib)
	tb_nvme_read_marker || tb_fail "marker block not read within 20 s after the resets"
	psk_after=$(tb_status .kinds.psk.served)
	kill "$strace_pid"
	wait "$strace_pid" 2>/dev/null
	tlsroot agent status
	tb_agent_no_failures
	[ $((psk_after - psk_before)) -ge 500 ] || tb_fail "100 resets of a 4-queue controller gave $((psk_after - psk_before)) PSK handshakes, want >= 500"
	[ $((rss100 - rss10)) -le 128 ] || tb_fail "agent RSS grew from $rss10 to $rss100 KiB over 90 controller resets"

	# Any path walk, program start, new process or new socket is a failure.
	bad=$(grep -E '(^|[0-9] )(open|openat|openat2|creat|stat|lstat|access|faccessat|faccessat2|readlink|readlinkat|execve|execveat|fork|vfork|clone|clone3|connect|socket|mkdir|unlink|chdir)\(' /run/agent.strace |
		grep -v 'resumed>' | head -n 5)
	bad2=$(grep -E '(newfstatat|statx)\([^,]*, "[^"]' /run/agent.strace | head -n 3)
	lines=$(wc -l </run/agent.strace)
	[ "$lines" -gt 100 ] || tb_fail "strace saw only $lines lines: the trace did not cover the handshakes"
	[ -z "$bad$bad2" ] || tb_fail "agent made forbidden system calls: $(echo "$bad $bad2" | tr '\n' '|')"
	tb_pass "3 NFS reconnects + 100 NVMe resets ($((psk_after - psk_before)) PSK handshakes), 0 failed, RSS $rss10 -> $rss100 KiB, $lines syscalls traced, none forbidden"
}
