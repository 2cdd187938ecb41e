# Sourced by the TPM tests and benchmarks: one swtpm per state directory
# under $work, on free TCP ports of 127.0.0.1, every wait bounded.
#   start_tpm NAME, stop_tpm NAME, reboot_tpm NAME, tcti NAME
# Needs $work; stop every TPM it started with stop_tpm (by PID).
declare -A PID PORT

port_free() { ! ss -Htln "sport = :$1" | grep -q .; }

# start_tpm NAME: one swtpm per state dir, on free ports, ready within 5 s.
start_tpm() {
	local name=$1 dir=$work/tpm-$1 p try i
	mkdir -p "$dir"
	for try in 1 2 3 4 5 6 7 8 9 10; do
		p=$((20000 + RANDOM % 20000 * 2))
		port_free "$p" && port_free $((p + 1)) || continue
		swtpm socket --tpm2 --tpmstate dir="$dir" \
			--server type=tcp,port=$p,bindaddr=127.0.0.1 \
			--ctrl type=tcp,port=$((p + 1)),bindaddr=127.0.0.1 \
			--flags not-need-init,startup-clear \
			>>"$dir/swtpm.log" 2>&1 &
		PID[$name]=$!
		PORT[$name]=$p
		for i in $(seq 50); do
			if timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; then
				return 0
			fi
			kill -0 "${PID[$name]}" 2>/dev/null || break
			sleep 0.1
		done
		stop_tpm "$name"
	done
	echo "cannot start swtpm $name; see $dir/swtpm.log" >&2
	return 1
}

stop_tpm() {
	local pid=${PID[$1]:-} i
	[ -n "$pid" ] || return 0
	# An orderly shutdown, as at a real reboot: a TPM restarted after a
	# disorderly one counts a dictionary-attack failure.
	timeout 5 tpm2_shutdown -T "$(tcti "$1")" >/dev/null 2>&1
	kill "$pid" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "PID[$1]"
}

# A reboot: PCRs return to their reset values, persistent objects stay.
reboot_tpm() { stop_tpm "$1" && start_tpm "$1"; }

tcti() { echo "swtpm:host=127.0.0.1,port=${PORT[$1]}"; }
