#!/bin/bash
# tlsroot-nvme-verdict: runs on the client's NVMe/TCP root (real root,
# systemd as init). testbed.nvme= on the kernel command line picks:
#   basic      root on the namespace, >= 4 I/O queues, sysfs tls_key = the
#              unsealed PSK's serial, write+sync+read back, agent alive
#              with '@' and failed=0;
#   outage     basic, then the server unlinks the subsystem from its TLS
#              port for 20 s; a write is issued during the outage; the
#              controller must reconnect with every queue handshake served
#              by the agent; prints TLSROOT-OUTAGE-TOKEN for the next boot;
#   check:TOK  basic, and the file written during the outage of the boot
#              before holds TOK (the write reached the disk).
# shellcheck source-path=SCRIPTDIR/.. source=verdict-lib.sh
. /usr/local/lib/tlsroot-test/verdict-lib.sh
# The handoff scenarios (nvmeroot-handoff-*) have their own checks.
cmdline_has tb.handoff=1 && exec /usr/local/sbin/tlsroot-handoff-verdict nvme

uptime_ms() { local u; read -r u _ </proc/uptime; echo $(( ${u%.*} * 1000 + 10#${u#*.} * 10 )); }

outage_phase() { # ctrl served io want summary
	local ctrl=$1 served=$2 io=$3 want=$4 summary=$5 tok g before t0 t1 st back i done_at after failed
	tok=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
	g=/var/lib/tlsroot-test/outage-$tok
	mkfifo /run/tlsroot-test-nap && exec 9<>/run/tlsroot-test-nap || fail "cannot make /run/tlsroot-test-nap"
	nap() { read -r -t "$1" -u 9 _ 2>/dev/null; }
	# Walk every code path of the wait loops once while the root is here.
	nap 0.01; read -r st </sys/class/nvme/$ctrl/state; t0=$(uptime_ms); [ -e /run/outage-write ]
	waitfor() { # live|down SECONDS: poll the state, bounded by the clock
		local end=$(( $(uptime_ms) + $2 * 1000 ))
		while :; do
			read -r st </sys/class/nvme/$ctrl/state
			case $1 in live) [ "$st" = live ] && return 0 ;; down) [ "$st" != live ] && return 0 ;; esac
			[ "$(uptime_ms)" -ge "$end" ] && return 1
			nap 0.1
		done
	}
	waitfor live 1 || fail "controller $ctrl is $st before the outage"
	before=$served
	t0=$(uptime_ms)
	tb_server_ctl nvmet-outage 20 >/run/ctl.out || fail "server: nvmet-outage: $(cat /run/ctl.out)"
	waitfor down 30 || fail "controller $ctrl stayed live for 30 s after the port was disabled"
	t1=$(uptime_ms)
	tb_mark "outage: $ctrl is $st $((t1 - t0)) ms after the request"
	( echo "written during the outage $tok" >"$g" && sync "$g" && echo done >/run/outage-write ) &
	nap 2
	[ -e /run/outage-write ] && fail "the write issued during the outage completed at once: the root was not away"
	waitfor live 90 || fail "controller $ctrl not live again 90 s after the outage began (state $st)"
	back=$(uptime_ms)
	for ((i = 0; i < 600; i++)); do [ -e /run/outage-write ] && break; nap 0.1; done
	[ -e /run/outage-write ] || fail "the write issued during the outage did not complete within 60 s of the reconnect"
	done_at=$(uptime_ms)
	after=$(agent_field .served) failed=$(agent_field .failed)
	[ "$failed" = 0 ] || fail "after the outage the agent reports $failed failed handshakes: $(agent_field .last_error)"
	[ "$((after - before))" -ge $((io + 1)) ] ||
		fail "the agent served $((after - before)) handshakes for the reconnect, fewer than the $((io + 1)) queues"
	[ "$(cat /sys/class/nvme/$ctrl/tls_key)" = "$want" ] || fail "after the reconnect tls_key is $(cat /sys/class/nvme/$ctrl/tls_key)"
	echo "TLSROOT-OUTAGE-TOKEN: $tok"
	result "PASS $summary; outage: down $((t1 - t0)) ms after the request, live again after $(( (back - t0) / 1000 )) s, write done $((done_at - back)) ms later, $((after - before)) handshakes served for the reconnect, failed 0"
}
if [ "${1:-}" = --outage-phase ]; then
	shift
	outage_phase "$@"
	exit 0
fi

mode=$(cmdline_arg testbed.nvme) || mode=basic
tb_mark "real root: booted (uptime $(cut -d' ' -f1 /proc/uptime) s), mode $mode"
# The memory-pressure outage scenarios (nvmeroot-pressure*) have their own.
[ "$mode" = pressure ] && exec /usr/local/sbin/tlsroot-pressure-verdict
# The host-only rebuild's first boot (nvmeroot-hostonly) has its own.
[ "$mode" = hostonly ] && exec /usr/local/sbin/tlsroot-hostonly-verdict

# 1. The root is the namespace, reached through the controller the
# initramfs made.
src=$(findmnt -n -o SOURCE /)
case $src in /dev/nvme*n*) ;; *) fail "/ is $src, not an NVMe namespace" ;; esac
ctrl=$(cat /run/tlsroot/nvme/controller 2>/dev/null)
[ -n "$ctrl" ] || fail "no /run/tlsroot/nvme/controller: the initramfs did not record its controller"
case ${src#/dev/} in "$ctrl"n*) ;; *)
	# Multipath names the block device after the subsystem (nvmeXcYnZ hidden).
	[ -d "/sys/class/nvme/$ctrl" ] || fail "controller $ctrl is gone" ;;
esac
echo "TLSROOT-SUMMARY: root $src on $ctrl: $(cat /sys/class/nvme/$ctrl/transport) $(cat /sys/class/nvme/$ctrl/address) $(cat /sys/class/nvme/$ctrl/subsysnqn)"
[ "$(cat /sys/class/nvme/$ctrl/state)" = live ] || fail "controller $ctrl is $(cat /sys/class/nvme/$ctrl/state)"

# 2. TLS with the unsealed key, on every queue.
serial=$(cat /run/tlsroot/nvme/serial 2>/dev/null)
[ -n "$serial" ] || fail "no /run/tlsroot/nvme/serial"
grep -q " serial=$serial " /run/tlsroot/unsealed || fail "serial $serial is not among the unsealed keys: $(cat /run/tlsroot/unsealed)"
want=$(printf '%08x' "$serial")
got=$(cat /sys/class/nvme/$ctrl/tls_key 2>/dev/null)
[ "$got" = "$want" ] || fail "sysfs tls_key of $ctrl is '$got', the unsealed PSK's serial is $want"
queues() { dmesg | sed -n "s/.*nvme $ctrl: mapped \([0-9]*\)\/\([0-9]*\)\/\([0-9]*\) default.*/\1 \2 \3/p" | tail -n1; }
set -- $(queues)
io=$(( ${1:-0} + ${2:-0} + ${3:-0} ))
[ "$io" -ge 4 ] || fail "$ctrl has $io I/O queues (dmesg: $(dmesg | grep "nvme $ctrl: mapped" | tail -n1)), want >= 4"
echo "TLSROOT-SUMMARY: tls_key $got = unsealed serial $serial; $io I/O queues; reconnect_delay $(cat /sys/class/nvme/$ctrl/reconnect_delay 2>/dev/null) ctrl_loss_tmo $(cat /sys/class/nvme/$ctrl/ctrl_loss_tmo 2>/dev/null)"

# 3. The agent: alive, '@' in argv[0], every handshake served.
agent_running
agent_argv0_at
agent_refuses_stop
served=$(agent_field .served) failed=$(agent_field .failed)
[ "$failed" = 0 ] || fail "the agent reports $failed failed handshakes: $(agent_field .last_error)"
[ "${served:-0}" -ge $((io + 1)) ] || fail "the agent served $served handshakes, fewer than the $((io + 1)) queues"

# 4. Write, sync, read back from the disk.
rw_check "tlsroot nvme rw check"
summary="root on $src over TLS (tls_key $got), $io I/O queues, rw ok, agent served $served failed 0"

# The host scans the root disk for the PSK (nvmeroot.sh): /run goes there.
run_copy

case $mode in
basic) result "PASS $summary" ;;
check:*)
	tok=${mode#check:}
	g=/var/lib/tlsroot-test/outage-$tok
	[ "$(cat "$g" 2>/dev/null)" = "written during the outage $tok" ] ||
		fail "the file written during the last boot's outage is not on disk: $(ls -l "$g" 2>&1)"
	result "PASS $summary; the write issued during the outage of the boot before is on disk ($g)"
	;;
outage) ;;
*) fail "unknown testbed.nvme=$mode" ;;
esac

# 5. Outage: run by a copy of bash (and its libraries) in /run, so that
# no page of the watcher's code has to come from the root while it is away
# (drop_caches above evicted much; bash code paths not used yet were never
# loaded). Only builtins until the reconnect, apart from the write.
tb_stage_ram $ram /usr/bin/bash "$0" || fail "cannot stage bash and its libraries in $ram"
tb_ram_exec $ram bash "$ram/${0##*/}" --outage-phase "$ctrl" "$served" "$io" "$want" "$summary"
