#!/bin/bash
# tests/qemu/run.sh [--list | --list-instances] [NAME...]
# Run the QEMU scenarios (all default ones, or those named; a NAME is a
# scenario file's base name, which runs it on each of its kernels, or one
# instance such as baseline-nfs-mtls-k7). One line per instance:
#   PASS name (seconds)   or   FAIL name: reason (seconds)
# and a last line "N passed, N failed". --list-instances prints the
# names of the instances a run with the same arguments and environment
# would report (scripts/check.sh counts each one that does not as failed).
# A scenario with EXPECT=fail is a must-fail control: it passes when its
# own verdict is FAIL with a reason matching EXPECT_REASON (grep -E).
# Artifacts: build/qemu/last/
# (one directory per worker, w1/ w2/ …, each with its own server VM).
#   TLSROOT_QEMU_JOBS=N   workers running scenarios side by side (default:
#                         the number of CPUs, at most 4). Each worker has
#                         its own server VM and link.
# Guest userlands: every scenario runs on the Debian trixie userland; one
# with USERLANDS="trixie forky" runs on forky too (the newest dracut,
# systemd, tlshd, nvme-cli; the same kernels), as instance NAME-KERNEL-forky;
# "forky:k7" limits forky to the kernel k7 (in the default run too,
# whatever DEFAULT_KERNELS says).
# The userlands run one after the other, each with its own image, package
# build, servers and provisioning (run directory $run/forky/).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/testbed.sh"

scenario_vars() {
	unset DESC KERNELS DEFAULT_KERNELS TIMEOUT DEFAULT TPM FRESH_SERVER CLIENT_MEM CLIENT_SMP NEEDS_TLSROOT EXPECT EXPECT_REASON USERLANDS DEFAULT_USERLANDS
	unset -f guest host_prepare host_verdict host_run
	DEFAULT=yes KERNELS="k7 k612" TIMEOUT=240 TPM=no FRESH_SERVER=no CLIENT_MEM=1024 CLIENT_SMP=1 NEEDS_TLSROOT=yes
	EXPECT=pass EXPECT_REASON= USERLANDS=trixie
	# shellcheck disable=SC1090
	. "$1"
	# DEFAULT_KERNELS: the kernels of the default run (make check), a
	# subset of KERNELS that keeps the suite within its time budget;
	# TLSROOT_QEMU_ALL_KERNELS=1 runs every kernel of every scenario.
	DEFAULT_KERNELS=${DEFAULT_KERNELS:-$KERNELS}
	# DEFAULT_USERLANDS: the userlands of the default run (names only).
	DEFAULT_USERLANDS=${DEFAULT_USERLANDS:-$USERLANDS}
	[ -n "${TLSROOT_QEMU_ALL_KERNELS:-}" ] && DEFAULT_KERNELS=$KERNELS
	return 0
}

# An instance's name: the scenario, the kernel, and the userland unless
# it is trixie.
instance_name() { # file label userland
	local n
	n=$(basename "$1" .sh)-$2
	[ "$3" = trixie ] || n=$n-$3
	echo "$n"
}

# All instances "file label userland" of the default scenarios, or of
# those named (a scenario, SCENARIO-KERNEL, or an instance name).
list_instances() {
	local f base k u want
	for f in "$scenario_dir"/*.sh; do
		base=$(basename "$f" .sh)
		scenario_vars "$f"
		for u in $USERLANDS; do
			for k in $KERNELS; do
				case $u in *:*) [[ ",${u#*:}," == *",$k,"* ]] || continue ;; esac
				if [ $# -eq 0 ]; then
					# A userland's own kernels (forky:k7) are its default ones.
					[ "$DEFAULT" = yes ] && { [[ " $DEFAULT_KERNELS " == *" $k "* ]] || [[ $u == *:* ]]; } &&
						[[ " $DEFAULT_USERLANDS " == *" ${u%%:*}"[\ :]* ]] && echo "$f $k ${u%%:*}"
					continue
				fi
				for want in "$@"; do
					if [ "$want" = "$base" ] || [ "$want" = "$(instance_name "$f" "$k" "${u%%:*}")" ]; then
						echo "$f $k ${u%%:*}"
						break
					fi
				done
			done
		done
	done
}

# TLSROOT_QEMU_SCENARIOS: another scenario directory (the count's
# self-tests run a scratch scenario through this runner).
scenario_dir=${TLSROOT_QEMU_SCENARIOS:-$here/scenarios}

if [ "${1:-}" = --list ]; then
	for f in "$scenario_dir"/*.sh; do
		scenario_vars "$f"
		printf '%-34s %-9s %-12s %s\n' "$(basename "$f" .sh)" "$KERNELS" \
			"$([ "$DEFAULT" = yes ] && echo "default:${DEFAULT_KERNELS// /,}" || echo by-name)" "$DESC"
	done
	exit 0
fi
if [ "${1:-}" = --list-instances ]; then
	shift
	list_instances "$@" | while read -r f k u; do instance_name "$f" "$k" "$u"; done
	exit 0
fi

mapfile -t instances < <(list_instances "$@")
if [ ${#instances[@]} -eq 0 ]; then
	echo "FAIL selection: no scenario matches '$*'; see tests/qemu/run.sh --list"
	echo "0 passed, 1 failed"
	exit 1
fi

mkdir -p "$TB_TOP/build/qemu"
run=$(mktemp -d "$TB_TOP/build/qemu/run-$(date +%Y%m%d-%H%M%S)-XXXX")
ln -sfn "$run" "$TB_TOP/build/qemu/last"
workers=()
count_results() { cat "$run/results" 2>/dev/null | grep -c "^$1 "; }
# Interrupted: stop the workers and their VMs, and count every instance
# that has not reported as failed.
interrupted() {
	kill "${workers[@]}" 2>/dev/null
	kill_started_under "$run"
	wait
	passed=$(count_results PASS)
	failed=$(count_results FAIL)
	echo "FAIL runner: interrupted; $((${#instances[@]} - passed - failed)) instance(s) did not finish"
	echo "$passed passed, $((${#instances[@]} - passed)) failed"
	exit 143
}
trap interrupted TERM INT

# One line per instance on stdout and in $run/results (workers append
# whole lines, so their reports do not interleave). A must-fail control
# (EXPECT=fail, of the scenario being run) turns its verdict around, but
# only for the expected reason.
report() { # verdict name reason seconds
	local line verdict=$1 reason=$3
	if [ "${EXPECT:-pass}" = fail ]; then
		if [ "$verdict" = PASS ]; then
			verdict=FAIL reason="must-fail control passed: $reason"
		elif grep -qE -- "$EXPECT_REASON" <<<"$reason"; then
			verdict=PASS reason="failed as it must: $reason"
		else
			verdict=FAIL reason="must-fail control failed for another reason than /$EXPECT_REASON/: $reason"
		fi
		set -- "$verdict" "$2" "$reason" "$4"
	fi
	if [ "$1" = PASS ]; then
		printf -v line 'PASS %s: %s (%s s)' "$2" "$3" "$4"
	else
		printf -v line 'FAIL %s: %s (%s s)' "$2" "$3" "$4"
	fi
	echo "$line"
	echo "$line" >>"$run/results"
	echo "$2 ${4%.*}" >>"$run/durations"
}

server_up() {
	local pid
	pid=$(tb_vm_pid server)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Build the client payload for one instance.
make_payload() { # file label dir
	local f=$1 label=$2 p=$3
	mkdir -p "$p/pki" "$p/bin"
	tb_guest_payload "$p"
	cp "$TB_RUN"/pki/{ca.pem,rogue-ca.pem,client.pem,client.key,nvme-psk.txt,nvme-psk-wrong.txt} "$p/pki/"
	cp "$TB_RUN"/guest-bin/* "$p/bin/" 2>/dev/null
	{
		echo "TB_KERNEL=$label"
		echo "TB_SCENARIO=$(basename "$f" .sh)-$label"
		echo ". /tlsroot-test/lib.sh"
		declare -f guest
		echo "guest"
	} >"$p/scenario.sh"
}

# Seconds a client VM has to power off after its verdict.
poweroff_bound=30

run_instance() { # file label userland
	local f=$1 label=$2 name start vm log rc reason verdict
	name=$(instance_name "$f" "$label" "$3")
	scenario_vars "$f"
	start=$(date +%s%N)
	elapsed() { local ms=$(( ($(date +%s%N) - start) / 1000000 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
	if ! declare -F guest >/dev/null && ! declare -F host_run >/dev/null; then
		report FAIL "$name" "scenario defines no guest() function" "$(elapsed)"
		return
	fi
	if [ "$NEEDS_TLSROOT" = yes ] && [ -n "$TB_GUEST_BUILD_ERROR" ]; then
		report FAIL "$name" "$TB_GUEST_BUILD_ERROR" "$(elapsed)"
		return
	fi
	if [ "$FRESH_SERVER" = yes ] && server_up; then
		tb_stop_vm server
	fi
	if ! server_up && ! tb_start_server 2>>"$TB_RUN/server.log"; then
		report FAIL "$name" "server VM not ready: $(tail -n1 "$TB_RUN/server.log")" "$(elapsed)"
		return
	fi
	vm=client-$name
	rm -rf "$TB_RUN/payload-$name"
	make_payload "$f" "$label" "$TB_RUN/payload-$name"
	if declare -F host_prepare >/dev/null && ! host_prepare "$TB_RUN/payload-$name" >>"$TB_RUN/$name.host.log" 2>&1; then
		report FAIL "$name" "host_prepare failed: $(tail -n1 "$TB_RUN/$name.host.log")" "$(elapsed)"
		return
	fi
	# host_run PAYLOAD LABEL: the scenario drives its client VMs itself
	# (several boots, its own initramfs) and prints "PASS|FAIL reason".
	if declare -F host_run >/dev/null; then
		reason=$(host_run "$TB_RUN/payload-$name" "$label" 2>>"$TB_RUN/$name.host.log" | tail -n1)
		case $reason in
		"PASS "*) report PASS "$name" "${reason#PASS }" "$(elapsed)" ;;
		*) report FAIL "$name" "${reason#FAIL }${reason:+ }[log: $TB_RUN/$name.host.log]" "$(elapsed)" ;;
		esac
		return
	fi
	local extra=()
	if [ "$TPM" = yes ]; then
		tb_start_swtpm "$TB_RUN/swtpm-$name" || { report FAIL "$name" "swtpm did not start" "$(elapsed)"; return; }
		extra=("${TB_SWTPM_ARGS[@]}")
	fi
	tb_start_vm "$vm" "$label" --payload="$TB_RUN/payload-$name" --mem="$CLIENT_MEM" --smp="$CLIENT_SMP" \
		-- "${extra[@]}" || { report FAIL "$name" "client VM did not start" "$(elapsed)"; return; }
	log=$(tb_vm_log "$vm")
	tb_wait_marker "$vm" '^TLSROOT-RESULT: ' "$TIMEOUT"
	rc=$?
	# A VM that printed its verdict must also power off: one that hangs
	# afterwards (at shutdown, say) fails, whatever it printed.
	if ! tb_wait_exit "$vm" "$poweroff_bound" && [ $rc -eq 0 ]; then
		rc=3
	fi
	verdict=$(grep -a -m1 '^TLSROOT-RESULT: ' "$log" | tr -d '\r')
	case $rc in
	1) reason="no verdict within ${TIMEOUT} s (last mark: $(grep -a '^TLSROOT-MARK: ' "$log" | tail -n1 | cut -c15-))" ;;
	2) reason="client VM exited without a verdict: $(grep -aE 'Kernel panic|qemu|error' "$log" "$TB_RUN/vm-$vm/qemu.log" | tail -n1 | cut -c1-200)" ;;
	3) reason="the VM printed '${verdict#TLSROOT-RESULT: }' but did not power off within $poweroff_bound s; killed" ;;
	*) reason=${verdict#TLSROOT-RESULT: * } ;;
	esac
	if [ $rc -eq 0 ] && declare -F host_verdict >/dev/null; then
		if ! reason=$(host_verdict "$log" "$verdict" 2>&1); then
			verdict="TLSROOT-RESULT: FAIL"
		fi
	fi
	rm -f "$TB_RUN/vm-$vm/disk.qcow2" "$TB_RUN/vm-$vm/initrd"
	if [ $rc -eq 0 ] && [ "${verdict#TLSROOT-RESULT: PASS}" != "$verdict" ]; then
		report PASS "$name" "$reason" "$(elapsed)"
	else
		report FAIL "$name" "${reason:-no reason given} [log: $log]" "$(elapsed)"
	fi
}

# Expected seconds of an instance: its last measured time on this machine
# (kept next to the image cache), else the time measured when the suite
# was last tuned (tests/qemu/expected-seconds), else its timeout; the
# longest start first.
cost_file=${TLSROOT_CACHE:-/var/cache/tlsroot}/scenario-seconds
expected_seconds() { # file label
	local name t
	name=$(basename "$1" .sh)-$2
	t=$(awk -v n="$name" '$1 == n { t = $2 } END { print t }' "$here/expected-seconds" "$cost_file" 2>/dev/null)
	if [ -z "$t" ]; then
		scenario_vars "$1"
		t=$TIMEOUT
	fi
	echo "${t:-240}"
}

# Kill the VMs and swtpms started under DIR (a worker's, or the whole run
# with the shared provisioning) by the PIDs they recorded: host_run
# scenarios start theirs in subshells the worker cannot track.
kill_started_under() { # dir
	local f pid
	for f in $(find "$1" -maxdepth 3 \( -name swtpm.pid -o -path '*/vm-*/pid' \) 2>/dev/null); do
		pid=$(cat "$f" 2>/dev/null) && [ -r "/proc/$pid/cmdline" ] || continue
		case $(tr '\0' ' ' <"/proc/$pid/cmdline") in
		qemu-system-*|swtpm*) kill "$pid" 2>/dev/null ;;
		esac
	done
}

# The queue of one userland: its instances, longest expected first;
# workers take lines under a lock until it is empty.
make_queue() { # userland queue-file
	local i
	for i in "${instances[@]}"; do
		[ "${i##* }" = "$1" ] || continue
		echo "$(expected_seconds "${i%% *}" "$(echo "$i" | cut -d' ' -f2)") $i"
	done | sort -s -k1,1nr | cut -d' ' -f2- >"$2"
}

next_instance() { # queue-file
	local line
	{
		flock 8
		line=$(head -n1 "$1")
		[ -n "$line" ] && sed -i 1d "$1"
	} 8>"$1.lock"
	[ -n "$line" ] && echo "$line"
}

# worker N PORT_SERVER URUN: its own directory, link and server VM; the
# PKI, guest binaries and provisioning caches (TB_SHARED) are the
# userland run's (URUN).
worker() {
	TB_RUN=$3/w$1 TB_SHARED=$3 TB_PORT_SERVER=$2 TB_PORT_CLIENT=$(($2 + 1)) TB_PIDS=()
	mkdir -p "$TB_RUN"
	ln -s ../pki ../guest-bin ../guest-deb "$TB_RUN/"
	trap 'tb_cleanup; kill_started_under "$TB_RUN"' EXIT
	trap 'exit 143' TERM INT
	local i
	while i=$(next_instance "$3/queue"); do
		run_instance $i
	done
}

# run_userland USERLAND URUN: set up the test bed with that userland's
# image (tb_setup: image, package build) in URUN and run its instances.
run_userland() {
	local u=$1 urun=$2 n jobs w ports=() i reason
	n=$(printf '%s\n' "${instances[@]}" | grep -c " $u\$")
	mkdir -p "$urun"
	if ! TB_USERLAND=$u tb_setup "$urun" 2>"$urun/setup.log"; then
		reason=$(tail -n 3 "$urun/setup.log" | tr '\n' ' ')
		EXPECT=pass
		for i in "${instances[@]}"; do
			[ "${i##* }" = "$u" ] || continue
			report FAIL "$(instance_name $i)" "test bed setup ($u userland) failed: $reason" 0
		done
		return
	fi
	# The next userland's setup need not probe KVM again.
	export TLSROOT_ACCEL=$TB_ACCEL
	make_queue "$u" "$urun/queue"
	# One worker per CPU: a TCG client keeps a core busy. One more worker
	# (tried on 2 cores) made every root scenario ~1.65x slower: no gain.
	jobs=${TLSROOT_QEMU_JOBS:-$(nproc)}
	[ "$jobs" -gt 4 ] && jobs=4
	[ "$jobs" -gt "$n" ] && jobs=$n
	[ "$jobs" -ge 1 ] || jobs=1
	for w in $(seq 1 "$jobs"); do
		# Distinct link ports per worker (a port is only taken once QEMU binds it).
		until tb_pick_ports && [[ " ${ports[*]} " != *" $TB_PORT_SERVER "* ]] &&
			[[ " ${ports[*]} " != *" $((TB_PORT_SERVER - 1)) "* ]] &&
			[[ " ${ports[*]} " != *" $((TB_PORT_SERVER + 1)) "* ]]; do :; done
		ports+=("$TB_PORT_SERVER")
	done
	echo "testbed: accel=$TB_ACCEL image=$TB_IMAGE userland=$u workers=$jobs run=$urun"
	workers=()
	for w in $(seq 1 "$jobs"); do
		TB_USERLAND=$u worker "$w" "${ports[w - 1]}" "$urun" &
		workers+=($!)
	done
	wait "${workers[@]}"
	tb_cleanup
}

# trixie first, then the other userlands in the order they first appear.
for u in $(printf '%s\n' "${instances[@]}" | awk '{ print $3 }' |
	awk '$0 == "trixie" { t = 1; next } !seen[$0]++ { o = o $0 "\n" } END { if (t) print "trixie"; printf "%s", o }'); do
	if [ "$u" = trixie ]; then
		run_userland "$u" "$run"
	else
		run_userland "$u" "$run/$u"
	fi
done
trap - TERM INT
# Remember the times for the next run's order.
if [ -s "$run/durations" ]; then
	mkdir -p "$(dirname "$cost_file")"
	cat "$cost_file" "$run/durations" 2>/dev/null | awk '{ t[$1] = $2 } END { for (n in t) print n, t[n] }' |
		sort >"$cost_file.tmp" && mv "$cost_file.tmp" "$cost_file"
fi
passed=$(count_results PASS)
failed=$(count_results FAIL)
# An instance that left no line (a worker died) counts as failed.
missing=$((${#instances[@]} - passed - failed))
if [ "$missing" -gt 0 ]; then
	echo "FAIL runner: $missing instance(s) reported nothing (a worker died; see $run/w*/)"
	failed=$((failed + missing))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
