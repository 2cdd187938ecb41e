#!/bin/bash
# tlsroot-pressure-verdict: runs on the client's network root (NFS mTLS or
# NVMe/TCP TLS; real root, systemd as init), started by tlsroot-verdict or
# tlsroot-nvme-verdict when the kernel command line has
#   tb.pressure=agent  round 1 only;
#   tb.pressure=both   round 1, then round 2 in the same boot.
# Round 1: the tlsroot agent serves (active). Round 2, the baseline: stock
# tlshd started from the root with its files on the root, the agent frozen
# (SIGSTOP) once tlshd listens; whatever happens is recorded, then the
# rescue: tlshd killed, the agent thawed, and the root must come back.
# Each round: no swap; tlsroot-pressure (static, from the host's disk, run
# from /run) fills memory to just short of OOM, drops the caches every
# second, asks the server for a 30 s outage (NFS: link down, its NFS
# connections dropped before the link returns; NVMe: TLS port unlinked,
# queues reset), writes a file during it and waits for the root. The
# agent must never touch the root file system. Then (NFS) the initramfs
# goes to /boot for dracut's shutdown, and the machine powers off: the
# host checks the shutdown on the console (tests/qemu/pressure.sh).
# shellcheck source-path=SCRIPTDIR/.. source=verdict-lib.sh
. /usr/local/lib/tlsroot-test/verdict-lib.sh
OUTAGE_S=30
WAIT_S=60
MARGIN_MIB=48

mode=$(cmdline_arg tb.pressure) size=$(cmdline_arg tb.pressure.disk)
case $mode in agent | both) ;; *) fail "tb.pressure=$mode: want agent or both" ;; esac
fstype=$(findmnt -n -o FSTYPE /)
case $fstype in
nfs*) transport=nfs ctl="link-outage $OUTAGE_S" ;;
*) transport=nvme ctl="nvmet-outage $OUTAGE_S" ;;
esac
tb_mark "pressure ($mode, $transport root, $fstype): uptime $(cut -d' ' -f1 /proc/uptime) s"

# 1. The test bed: no swap, the host's disk (tar: tlsroot-pressure, initrd).
[ "$(wc -l </proc/swaps)" -le 1 ] || fail "pressure setup: swap is on: $(tail -n +2 /proc/swaps | tr '\n' ';')"
disk=/dev/vda
# virtio_blk is not in the initramfs: the real root's udev loads it, late.
modprobe virtio_blk 2>/dev/null
for _ in $(seq 1 300); do [ -b $disk ] && break; sleep 0.2; done
[ -b $disk ] && [ -n "$size" ] || fail "pressure setup: no host disk ($disk, tb.pressure.disk=$size)"
hostdisk=/run/tlsroot-pressure
mkdir -p $hostdisk && tar -xf $disk -C $hostdisk || fail "pressure setup: cannot unpack $disk"
[ -x $hostdisk/tlsroot-pressure ] || fail "pressure setup: no tlsroot-pressure on $disk"

# 2. The agent: alive, confined (seccomp), what it has read and written.
agent_running
io_of() { awk -v k="$1:" '$1 == k { print $2 }' /proc/$pid/io; }
majflt_of() { awk '{ print $12 }' /proc/$pid/stat; }
rootdev=$(stat -c %d /)
# Nothing of the agent (executable, open files) on the network root. Its
# root and cwd may be there: systemd's switch_root uses pivot_root, which
# moves every process's root and cwd that pointed at the initramfs; the
# agent walks no path (seccomp), so they are never used. Reported only.
agent_on_root() {
	local f
	for f in /proc/$pid/exe /proc/$pid/fd/*; do
		[ "$(stat -L -c %d "$f" 2>/dev/null)" = "$rootdev" ] && { echo "$f -> $(readlink "$f")"; return 0; }
	done
	return 1
}
seccomp=$(awk '$1 == "Seccomp:" { print $2 }' /proc/$pid/status)
[ "$seccomp" = 2 ] || fail "the agent is not seccomp-confined (Seccomp: $seccomp)"
[ "$(agent_field .mode)" = active ] || fail "the agent is $(agent_field .mode), not active (default handoff=never)"
on=$(agent_on_root) && fail "the agent holds the network root: $on"
where=initramfs
[ "$(stat -L -c %d /proc/$pid/root)" = "$rootdev" ] && where="the network root (pivot_root)"
# tlshd.service (enabled on the root) was skipped by the 55tlsroot
# drop-in's condition: with the agent keeping every handshake, a running
# tlshd would take some of them (the verdict runs after its start job).
# After a handoff verdict (TB_BEFORE) tlshd ran and was killed instead.
systemctl is-active -q tlshd.service &&
	fail "tlshd.service runs beside the agent that keeps every handshake: $(systemctl status tlshd.service 2>&1 | head -n 6 | tr '\n' ';')"
if [ -z "${TB_BEFORE:-}" ]; then
	skipped=$(tlshd_skipped) ||
		fail "no line from the tlshd drop-in's condition: $(systemctl status tlshd.service 2>&1 | head -n 6 | tr '\n' ';')"
	tb_mark "drop-in: $skipped"
fi
rb0=$(io_of read_bytes) wb0=$(io_of write_bytes) mf0=$(majflt_of) served0=$(agent_field .served)
[ -n "$rb0" ] && [ -n "$wb0" ] || fail "cannot read /proc/$pid/io"

# The agent, after a round: alive, served, never touched the root.
agent_untouched() { # round
	[ -d /proc/$pid ] || fail "$1: the agent died"
	rb1=$(io_of read_bytes) wb1=$(io_of write_bytes) mf1=$(majflt_of)
	[ "$rb1" = "$rb0" ] && [ "$wb1" = "$wb0" ] ||
		fail "$1: the agent did I/O on a file system: read_bytes $rb0 -> $rb1, write_bytes $wb0 -> $wb1"
	[ "$mf1" = "$mf0" ] || fail "$1: the agent took $((mf1 - mf0)) major page faults"
	on=$(agent_on_root) && fail "$1: the agent holds the network root: $on"
}

# 3. A round: memory, outage, write, recovery (the program powers off on
# a failure: sync or a shell could block on the root).
round() { # agent|baseline [agent pid]
	local tok file
	tok=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
	file=/var/lib/tlsroot-test/pressure-$1-$tok
	echo 3 >/proc/sys/vm/drop_caches
	# fd 3: a copy of its report lines in /run, for the checks below.
	$hostdisk/tlsroot-pressure "$1" "$file" "$tok" $MARGIN_MIB "$ctl" $OUTAGE_S "$WAIT_S" ${2:-} \
		3>/run/tlsroot-pressure-$1.out ||
		fail "tlsroot-pressure ($1) exited with status $?"
	[ "$(dmesg | grep -c 'Out of memory')" = 0 ] || fail "pressure setup: the kernel logged 'Out of memory'"
}
round agent

# 4. The agent served the reconnect and never touched the root.
agent_untouched "round 1"
served1=$(agent_field .served)
failed=$(agent_field .failed)
[ "$failed" = 0 ] || fail "the agent reports $failed failed handshakes: $(agent_field .last_error)"
[ "$served1" -gt "$served0" ] || fail "the agent served no handshake for the reconnect ($served0 -> $served1)"
summary="agent served $served0 -> $served1, failed 0; agent read_bytes/write_bytes unchanged ($rb1/$wb1), no major fault, seccomp 2, no open file or executable on the root (its root/cwd: $where)"

# 5. Round 2, the baseline: stock tlshd, binary, configuration and trust
# anchor on the root, logging as tlshd.service does (syslog); the agent
# frozen, so that it serves nothing until the rescue.
if [ $mode = both ]; then
	mkdir -p /etc/tlshd
	cp /run/tlsroot/ca.pem /etc/tlshd/tlsroot-ca.pem 2>/dev/null ||
		[ $transport = nvme ] || fail "baseline setup: no /run/tlsroot/ca.pem to give tlshd"
	printf '%s\n' '[debug]' 'loglevel=1' '[authenticate]' 'keyrings=.nfs;.nvme' \
		'[authenticate.client]' 'x509.truststore=/etc/tlshd/tlsroot-ca.pem' >/etc/tlshd/tlsroot-baseline.conf
	sync
	setsid /usr/sbin/tlshd -c /etc/tlshd/tlsroot-baseline.conf </dev/null >/run/tlshd-baseline.log 2>&1 &
	tpid=$!
	# Listening: a generic-netlink socket of tlshd in /proc/net/netlink.
	listening() {
		local f l ino
		for f in /proc/$tpid/fd/*; do
			l=$(readlink "$f") || continue
			case $l in socket:*) ino=${l#socket:[}; ino=${ino%]} ;; *) continue ;; esac
			awk -v i="$ino" '$2 == 16 && $NF == i { f = 1 } END { exit !f }' /proc/net/netlink && return 0
		done
		return 1
	}
	for _ in $(seq 1 100); do listening && break; sleep 0.1; done
	listening || fail "baseline setup: tlshd (pid $tpid) does not listen: $(tr '\n' '|' </run/tlshd-baseline.log)"
	served2=$(agent_field .served)
	kill -STOP "$pid" || fail "baseline setup: cannot freeze the agent (pid $pid)"
	for _ in $(seq 1 50); do [ "$(awk '{ print $3 }' /proc/$pid/stat)" = T ] && break; sleep 0.1; done
	[ "$(awk '{ print $3 }' /proc/$pid/stat)" = T ] || fail "baseline setup: the agent (pid $pid) is not stopped"
	kill -0 $tpid 2>/dev/null || fail "baseline setup: tlshd died: $(tr '\n' '|' </run/tlshd-baseline.log)"
	tb_mark "baseline: stock tlshd pid $tpid listens (config, trust anchor and binary on the root); agent pid $pid frozen (SIGSTOP)"
	round baseline "$pid"
	[ "$(awk '{ print $3 }' /proc/$pid/stat)" != T ] || fail "after the rescue the agent is still frozen"
	agent_untouched "round 2"
	[ "$(agent_field .mode)" = active ] || fail "after the rescue the agent is $(agent_field .mode), not active"
	served3=$(agent_field .served)
	outcome=$(sed -n 's/^TLSROOT-PRESSURE: outcome=\([a-z]*\).*/\1/p' /run/tlsroot-pressure-baseline.out)
	rescue=$(sed -n 's/^TLSROOT-PRESSURE: rescue outcome=\([a-z-]*\).*/\1/p' /run/tlsroot-pressure-baseline.out)
	[ -n "$outcome" ] && [ -n "$rescue" ] || fail "round 2: no outcome or rescue line from tlsroot-pressure"
	[ "$rescue" = recovered ] && [ "$served3" -le "$served2" ] &&
		fail "round 2: the root came back after the rescue, but the agent served nothing ($served2 -> $served3)"
	summary="$summary; baseline round (stock tlshd, agent frozen): $outcome, rescue (tlshd killed, agent thawed): $rescue, agent served $served2 -> $served3, failed $(agent_field .failed)"
fi

# 6. (NFS) the initramfs into /boot, for dracut-shutdown's exitrd.
if [ $transport = nfs ]; then
	[ -s $hostdisk/initrd.img ] || fail "shutdown setup: no initrd.img on the host disk"
	cp $hostdisk/initrd.img "/boot/initrd.img-$(uname -r)" && sync ||
		fail "shutdown setup: cannot place the initrd in /boot"
	echo "TLSROOT-SHUTDOWN: agent pid $pid; initramfs for the exitrd in /boot/initrd.img-$(uname -r)"
fi
# 6b. (NVMe) the root stays mounted to the end: systemd-shutdown remounts
# it read-only. A system-shutdown hook, run right before power-off after
# that, reports the root's mount state and whether the agent still lives.
if [ $transport = nvme ]; then
	hook=/usr/lib/systemd/system-shutdown/tlsroot-test.shutdown
	mkdir -p "${hook%/*}" && cat >$hook <<EOF && chmod 0755 $hook && sync ||
#!/bin/sh
opts=\$(grep ' / ' /proc/mounts | tail -n1 | cut -d' ' -f4 | cut -d, -f1)
alive=gone
[ -d /proc/$pid ] && alive=alive
echo "<5>tlsroot-test: final: root \$opts, agent pid $pid \$alive" >/dev/kmsg
[ "\$opts" = ro ] && exit 0
# Why the remount failed: what is left (user processes, and any task in
# D state), and which of their files on the root are open for writing.
for p in /proc/[0-9]*; do
	n=\${p#/proc/} st=\$(sed 's/.*) \\(.\\).*/\\1/' \$p/stat 2>/dev/null)
	[ "\$n" = 1 ] || [ "\$n" = \$\$ ] && continue
	[ -n "\$(readlink \$p/exe 2>/dev/null)" ] || [ "\$st" = D ] || continue
	w=
	for f in \$p/fd/*; do
		[ "\$(stat -L -c %d "\$f" 2>/dev/null)" = $rootdev ] || continue
		fl=\$(sed -n 's/^flags:[[:space:]]*//p' \$p/fdinfo/\${f##*/} 2>/dev/null)
		case \$fl in *[12]) w="\$w \$(readlink "\$f")" ;; esac
	done
	echo "<5>tlsroot-test: left: pid \$n \$(cat \$p/comm 2>/dev/null) state \$st wchan \$(cat \$p/wchan 2>/dev/null) writes:\${w:- none}" >/dev/kmsg
done
EOF
		fail "shutdown setup: cannot install $hook"
	echo "TLSROOT-SHUTDOWN: agent pid $pid; system-shutdown hook $hook"
fi
# TB_BEFORE: what the handoff verdict showed earlier in this boot.
result "PASS ${TB_BEFORE:+$TB_BEFORE; then }agent: $transport root recovered from a ${OUTAGE_S} s outage at the edge of OOM; the write issued during the outage read back intact (O_DIRECT, after drop_caches); $summary"
