#!/bin/bash
# tlsroot-handoff-verdict: the real root's verdict for the handoff
# scenarios (kernel command line tb.handoff=1, which also lets
# tlshd.service start: see nfsroot-export.sh, nvmeroot-export.sh). Run by
# tlsroot-verdict final (NFS root) or tlsroot-nvme-verdict (NVMe root).
# One boot shows:
#   0. tlshd runs confined: RootDirectory /run/tlsroot/tlshd-root (built
#      by the 55tlsroot drop-in), -c /etc/tlsroot/tlshd.conf there, logging to
#      the kernel log; the agent is in standby. On Linux 6.12 with NFS
#      mTLS tlshd must not start at all (the drop-in's condition says
#      why): the agent stays active (its status says why) and serves a
#      forced reconnect; with tb.pressure=agent the pressure verdict
#      follows in the same boot.
#   a. after the handoff a forced reconnect is served by tlshd (tlshd's
#      kernel-log lines count the successes; the agent's served is
#      unchanged and its deferred grows), with the root's page cache
#      dropped first;
#   b. tlshd frozen (SIGSTOP): every handshake of a forced reconnect is
#      served by the agent within the grace period plus one handshake
#      (handshake tracepoints, per request), and the root stays usable;
#   c. systemctl stop tlshd: the agent is active again (ExecStop=
#      takeover) before tlshd goes, a forced reconnect is served by the
#      agent, no failed handshake anywhere;
#   d. tlshd started again (handoff again), then SIGKILLed: ExecStopPost=
#      makes the agent active, a forced reconnect is served by it, no
#      failed handshake.
# If root I/O is not back in time after a reconnect, a watcher running
# from a copy of bash in /run prints the kernel stacks of tlshd's
# processes and kills tlshd's cgroup (the standby agent then serves).
# shellcheck source-path=SCRIPTDIR/.. source=verdict-lib.sh
. /usr/local/lib/tlsroot-test/verdict-lib.sh

kind=${1:-nfs}
case $kind in
nfs) port=2049 ;;
nvme) port=4420 ;;
*) echo "usage: $0 nfs|nvme"; exit 2 ;;
esac

# PASS SUMMARY, or with tb.pressure=agent the pressure verdict in the same
# boot: tlshd is gone (never started, or killed in d) and the agent
# active, as rd.tlsroot.handoff=never leaves them.
pass_or_pressure() {
	cmdline_has tb.pressure=agent && TB_BEFORE=$1 exec /usr/local/sbin/tlsroot-pressure-verdict
	result "PASS $1"
}
fail_context() {
	echo "TLSROOT-SUMMARY: agent status: $(tlsroot agent status 2>&1)"
	dmesg | grep 'tlshd\[' | tail -n 20 | sed 's/^/tlshd-log: /'
}
# tlshd logs to stderr (-s), which the drop-in sends to the kernel log.
# tlshd 1.0 (trixie) logs "Handshake with PEER (ADDR) was successful";
# 1.4 (forky) "Handshake request succeeded".
tlshd_ok() { dmesg | grep -cE 'tlshd\[[0-9]*\]: (Handshake with .* was successful|Handshake request succeeded)'; }
tlshd_failed() { dmesg | grep -cE 'tlshd\[[0-9]*\]: Handshake (with .* failed|request failed)'; }

# The watcher (see above): staged once, with everything it runs.
stage_watcher() {
	tb_stage_ram $ram /usr/bin/bash || return 1
	rm -f $ram/nap && mkfifo $ram/nap || return 1
	cat >$ram/watch <<'WATCH'
label=$1 secs=$2 done=$3
exec 4<>/run/tlsroot-test-ram/nap
for ((i = 0; i < secs * 2; i++)); do
	[ -e "$done" ] && exit 0
	read -r -t 0.5 -u 4 _
done
echo "TLSROOT-MARK: watch $label: root I/O not back $secs s after the reconnect; stacks follow"
for d in /proc/[0-9]*; do
	read -r comm <$d/comm 2>/dev/null || continue
	case $comm in tlshd|dd|timeout|systemd-journal) ;; *) continue ;; esac
	read -r wchan <$d/wchan 2>/dev/null
	read -r sc <$d/syscall 2>/dev/null
	st=$(<$d/stat); st=${st#*) }
	echo "watch: pid ${d#/proc/} comm $comm state ${st%% *} wchan $wchan syscall $sc"
	while IFS= read -r l; do echo "watch:   $l"; done <$d/stack
	set -- $sc
	pc=${!#}
	[[ $pc == 0x* ]] || continue
	while IFS= read -r l; do
		r=${l%% *} a=${r%-*} b=${r#*-}
		if (( 16#$a <= pc && pc < 16#$b )); then echo "watch:   pc $pc in: $l"; fi
	done <$d/maps
done
echo "TLSROOT-MARK: watch $label: killing tlshd's cgroup"
echo 1 >/sys/fs/cgroup/system.slice/tlshd.service/cgroup.kill
WATCH
}
watch_start() { # label secs
	rm -f $state/done-$1
	tb_ram_exec $ram bash $ram/watch "$1" "$2" $state/done-$1 &
}
watch_done() { : >$state/done-$1; }

# Kill the root's connection(s), write and fsync a file; prints ms.
# Nothing may be executed from the root once its connection is gone (an
# exec walks the root's paths and would block until it is back): the
# writer (dd) and its deadline (timeout) are started first, fed through
# a FIFO, and timed with bash's $EPOCHREALTIME.
reconnect() { # label [timeout-s]
	local t0 t1 f p fifo=$state/fifo-$1
	f=/var/lib/tlsroot-test/handoff-$1-$boot
	rm -f "$fifo"
	mkfifo "$fifo" || return 1
	timeout -s KILL "${2:-90}" dd of="$f" conv=fsync status=none <"$fifo" &
	p=$!
	exec 9>"$fifo"
	t0=${EPOCHREALTIME/./}
	ss -K dst "$TB_SERVER_IP" dport = :$port >/dev/null 2>&1
	echo "$1" >&9
	exec 9>&-
	wait $p || return 1
	t1=${EPOCHREALTIME/./}
	echo $(((t1 - t0) / 1000))
}
# reconnect with the watcher: fails the verdict if root I/O is not back.
forced_reconnect() { # label watch-s timeout-s
	local ms
	watch_start "$1" "$2"
	ms=$(reconnect "$1" "$3") || { watch_done "$1"; return 1; }
	watch_done "$1"
	echo "$ms"
}

# Wait up to SECS for jq expression EXPR on the status to be "true".
wait_status() { # secs expr
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ "$(agent_field "$2")" = true ] && return 0
		sleep 0.1
	done
	return 1
}

# Handshake tracepoints: the longest time from a request (submit) to its
# completion, over the requests traced since trace_on; and their number.
tdir=/sys/kernel/tracing
trace_on() {
	[ -d $tdir/events/handshake ] || mount -t tracefs tracefs $tdir 2>/dev/null
	echo 1 >$tdir/events/handshake/enable 2>/dev/null
	: >$tdir/trace 2>/dev/null
}
trace_worst_ms() {
	awk '/handshake_submit:/ || /handshake_complete:/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^[0-9]+\.[0-9]+:$/) ts = substr($i, 1, length($i) - 1)
			if ($i ~ /^req=/) req = $i
		}
		if ($0 ~ /handshake_submit:/) { sub_ts[req] = ts; n++ }
		else if (req in sub_ts) { d = (ts - sub_ts[req]) * 1000; if (d > w) w = d; done++ }
	} END { if (done == 0) print ""; else printf "%d %d %d\n", w, n, done }' $tdir/trace
}

# The tlshd checks of step 0, also after a restart (d); sets pid.
tlshd_confined() { # label
	systemctl is-active -q tlshd || fail "$1: tlshd.service is not active: $(systemctl status tlshd 2>&1 | head -n 8 | tr '\n' ';')"
	pid=$(systemctl show -P MainPID tlshd)
	[ "$(stat -L -c %d:%i /proc/$pid/root)" = "$(stat -c %d:%i /run/tlsroot/tlshd-root)" ] ||
		fail "$1: tlshd (pid $pid) does not run with root /run/tlsroot/tlshd-root"
	tr '\0' ' ' </proc/$pid/cmdline | grep -q -- '-c /etc/tlsroot/tlshd.conf' ||
		fail "$1: tlshd runs without -c /etc/tlsroot/tlshd.conf: $(tr '\0' ' ' </proc/$pid/cmdline)"
	[ "$(readlink /proc/$pid/fd/2)" = /dev/kmsg ] ||
		fail "$1: tlshd's stderr is $(readlink /proc/$pid/fd/2), not /dev/kmsg"
	# Every file tlshd maps (its code) is on the tmpfs /run (device
	# numbers: the paths in maps are those of tlshd's mount namespace).
	local dev
	dev=$(printf '%02x:%02x' "$(stat -c %Hd /run)" "$(stat -c %Ld /run)")
	if awk -v d="$dev" '$5 != 0 && $4 != d { bad = 1 } END { exit !bad }' /proc/$pid/maps; then
		fail "$1: tlshd maps files from outside /run: $(awk -v d="$dev" '$5 != 0 && $4 != d' /proc/$pid/maps | head -n 3 | tr '\n' ';')"
	fi
}

stage_watcher || fail "cannot stage the watcher in $ram"
. /run/tlsroot/boot.conf 2>/dev/null
grace=${TLSROOT_GRACE_MS:-2000}
kver=$(uname -r)
tb_mark "handoff verdict ($kind root, kernel $kver): uptime $(cut -d' ' -f1 /proc/uptime) s, grace ${grace} ms"
[ -r /run/systemd/system/tlshd.service.d/tlsroot.conf ] ||
	fail "the pre-pivot hook did not place the tlshd drop-in in /run/systemd/system/tlshd.service.d"
[ -r /run/systemd/system/tlshd.service.d/tlsroot-confine.conf ] ||
	fail "the pre-pivot hook did not place tlsroot-confine.conf in /run/systemd/system/tlshd.service.d"
# tlshd must not start and the agent serves the root alone:
#   6.12: no NFS key serials, the agent serves NFS mTLS with its own
#     identity, which tlshd cannot reach: the agent names a blocker;
#   tb.tlshd_keyring_x509=broken (the host's word for this userland's
#     tlshd: ktls-utils 1.4.0, see the scenario): tlshd would fail the
#     keyring certificates the kernel passes; the drop-in names the
#     release, the agent has no blocker of its own.
# A running tlshd would take requests from the agent.
agent_alone() { # what label blocker(yes|no) why-pattern
	local why blocker served failed ms
	systemctl is-active -q tlshd &&
		fail "$1: tlshd.service runs: $(systemctl status tlshd 2>&1 | head -n 6 | tr '\n' ';')"
	why=$(tlshd_skipped) ||
		fail "$1: no line from the tlshd drop-in's condition: $(systemctl status tlshd 2>&1 | head -n 6 | tr '\n' ';')"
	[[ $why == *"$4"* ]] || fail "$1: the drop-in gave another reason: $why"
	[ "$(agent_field .mode)" = active ] || fail "$1: the agent is $(agent_field .mode), not active"
	blocker=$(agent_field .handoff_blocker)
	case $3,$blocker in
	yes,null | yes,) fail "$1: the agent's status gives no handoff_blocker" ;;
	no,null) ;;
	no,*) fail "$1: the agent reports a blocker of its own: $blocker" ;;
	esac
	tb_mark "drop-in: $why"
	served=$(agent_field .served) failed=$(agent_field .failed)
	ms=$(forced_reconnect "$2" 40 90) || fail "$1: no root I/O within 90 s of a reconnect"
	[ "$(agent_field .served)" -gt "$served" ] || fail "$1: the agent did not serve the reconnect ($served -> $(agent_field .served))"
	[ "$(agent_field .failed)" = "$failed" ] || fail "$1: failed handshakes ($failed -> $(agent_field .failed)): $(agent_field .last_error)"
	echo "TLSROOT-SUMMARY: agent status: $(tlsroot agent status)"
	run_copy
	pass_or_pressure "$1: tlshd not started ($([ "$3" = yes ] && echo "$blocker" || echo "$why")); the agent stays active and served a reconnect in $ms ms"
}
if [ $kind = nfs ] && [[ $kver == 6.12.* ]]; then
	agent_alone "6.12 NFS mTLS" k612 yes "the agent cannot hand off"
elif [ $kind = nfs ] && cmdline_has tb.tlshd_keyring_x509=broken; then
	agent_alone "NFS mTLS, tlshd 1.4.0" k7 no "ktls-utils 1.4.0"
fi

if [ $kind = nfs ]; then
	grep -q '^x509.truststore=/etc/tlsroot/ca.pem' /run/tlsroot/tlshd-root/etc/tlsroot/tlshd.conf 2>/dev/null ||
		fail "tlshd's tree has no /etc/tlsroot/tlshd.conf with the trust anchors in the tree"
	cmp -s /run/tlsroot/tlshd-root/etc/tlsroot/ca.pem /run/tlsroot/ca.pem || fail "tlshd's tree has no copy of /run/tlsroot/ca.pem"
fi
tlshd_confined start
tb_mark "tlshd pid $pid runs from /run/tlsroot/tlshd-root ($(du -sk /run/tlsroot/tlshd-root | cut -f1) KiB), -c /etc/tlsroot/tlshd.conf (a copy of /run/tlsroot/tlshd.conf), stderr to /dev/kmsg"

wait_status 15 '.mode == "standby"' ||
	fail "the agent is not in standby after tlshd started: mode $(agent_field .mode), blocker $(agent_field .handoff_blocker)"
tb_mark "agent mode standby"

# a. tlshd serves the reconnect, with the root's page cache dropped, so
# that whatever tlshd still needed from the root would have to be read.
served=$(agent_field .served) deferred=$(agent_field .deferred) ok=$(tlshd_ok)
sync
echo 3 >/proc/sys/vm/drop_caches
ms=$(forced_reconnect a 40 90) || fail "a: no root I/O within 90 s of a reconnect after the handoff (see the watch: lines)"
for ((i = 0; i < 20; i++)); do
	[ "$(tlshd_ok)" -gt "$ok" ] && [ "$(agent_field .deferred)" -gt "$deferred" ] && break
	sleep 0.5
done
ok2=$(tlshd_ok)
[ "$ok2" -gt "$ok" ] || fail "a: tlshd's log shows no new successful handshake ($ok -> $ok2)"
[ "$(agent_field .served)" = "$served" ] || fail "a: the agent served the reconnect after the handoff (served $served -> $(agent_field .served))"
[ "$(agent_field .deferred)" -gt "$deferred" ] || fail "a: the agent's deferred did not grow ($deferred -> $(agent_field .deferred))"
[ "$(tlshd_failed)" = 0 ] || fail "a: tlshd logged failed handshakes"
tb_mark "a: reconnect after handoff served by tlshd in $ms ms (tlshd successes $ok -> $ok2, agent served $served unchanged, deferred $deferred -> $(agent_field .deferred))"
echo "TLSROOT-SUMMARY: handoff-a ms=$ms tlshd-served=$((ok2 - ok))"

# b. tlshd frozen: the agent takes over after the grace period. Timed
# per request from the kernel's submit to its completion (the transport's
# reconnect back-off after ss -K is not the agent's doing).
served=$(agent_field .served) takeovers=$(agent_field .takeovers)
trace_on
kill -STOP "$pid" || fail "b: cannot stop tlshd"
ms=$(forced_reconnect b 60 90) || { kill -CONT "$pid"; fail "b: no root I/O within 90 s with tlshd frozen"; }
# NVMe: the I/O queues reconnect after the admin queue; wait for them.
[ $kind = nvme ] && sleep 3
read -r hs_ms nsub ndone <<<"$(trace_worst_ms)"
t=$(agent_field .takeovers) s=$(agent_field .served)
echo 3 >/proc/sys/vm/drop_caches
grep -qx b /var/lib/tlsroot-test/handoff-b-$boot ||
	{ kill -CONT "$pid"; fail "b: the file written with tlshd frozen does not read back"; }
kill -CONT "$pid"
[ "$t" -gt "$takeovers" ] || fail "b: takeovers did not grow ($takeovers -> $t)"
[ "$s" -gt "$served" ] || fail "b: the agent served nothing with tlshd frozen ($served -> $s)"
# Grace plus one handshake; a TCG handshake is well under 3 s.
[ -n "$hs_ms" ] || fail "b: no handshake_submit/handshake_complete pair in the trace"
[ "$hs_ms" -le $((grace + 3000)) ] || fail "b: a handshake took $hs_ms ms from request to completion, more than grace $grace ms + 3000 ms"
tb_mark "b: tlshd frozen: $ndone of $nsub requests served by the agent, the slowest $hs_ms ms after the kernel's request; root I/O back $ms ms after ss -K (grace $grace ms; takeovers $takeovers -> $t, served $served -> $s)"
echo "TLSROOT-SUMMARY: handoff-b worst request-to-done ms=$hs_ms ss-to-io ms=$ms"

# c. systemctl stop tlshd: the agent is active first, nothing fails.
failed=$(agent_field .failed) tfailed=$(tlshd_failed) served=$(agent_field .served)
systemctl stop tlshd || fail "c: systemctl stop tlshd failed"
[ "$(agent_field .mode)" = active ] || fail "c: the agent is $(agent_field .mode) after tlshd stopped"
ms=$(forced_reconnect c 40 90) || fail "c: no root I/O within 90 s after tlshd stopped"
[ "$(agent_field .failed)" = "$failed" ] || fail "c: the agent failed handshakes ($failed -> $(agent_field .failed)): $(agent_field .last_error)"
[ "$(tlshd_failed)" = "$tfailed" ] || fail "c: tlshd logged failed handshakes ($tfailed -> $(tlshd_failed))"
[ "$(agent_field .served)" -gt "$served" ] || fail "c: the agent did not serve the reconnect after tlshd stopped"
tb_mark "c: tlshd stopped: agent active, reconnect served by the agent in $ms ms, no failed handshake"
echo "TLSROOT-SUMMARY: handoff-c ms=$ms"

# d. tlshd again (a second handoff), then killed outright.
systemctl start tlshd || fail "d: systemctl start tlshd failed"
tlshd_confined d
wait_status 15 '.mode == "standby"' || fail "d: no handoff after tlshd restarted: mode $(agent_field .mode)"
failed=$(agent_field .failed) tfailed=$(tlshd_failed) served=$(agent_field .served)
kill -KILL "$pid" || fail "d: cannot kill tlshd"
wait_status 15 '.mode == "active"' || fail "d: the agent is $(agent_field .mode) 15 s after tlshd was killed"
ms=$(forced_reconnect d 40 90) || fail "d: no root I/O within 90 s after tlshd was killed"
[ "$(agent_field .failed)" = "$failed" ] || fail "d: the agent failed handshakes ($failed -> $(agent_field .failed)): $(agent_field .last_error)"
[ "$(tlshd_failed)" = "$tfailed" ] || fail "d: tlshd logged failed handshakes ($tfailed -> $(tlshd_failed))"
[ "$(agent_field .served)" -gt "$served" ] || fail "d: the agent did not serve the reconnect after tlshd was killed"
[ "$(agent_field .failed)" = 0 ] || fail "the agent reports failed handshakes: $(agent_field .last_error)"
tb_mark "d: tlshd killed: agent active, reconnect served by the agent in $ms ms, no failed handshake"
echo "TLSROOT-SUMMARY: handoff-d ms=$ms"
echo "TLSROOT-SUMMARY: agent status: $(tlsroot agent status)"

# Both roots: the host scans the root disk for the key or the PSK.
run_copy

pass_or_pressure "$kind root, handoff to a confined tlshd and back: (a) tlshd served a reconnect after drop_caches, (b) frozen tlshd: the agent served every request within grace + one handshake, (c) stopped and (d) killed tlshd: agent active, no failed handshake"
