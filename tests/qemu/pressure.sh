# Host side of the memory-pressure outage scenarios (sourced by
# scenarios/{nfs,nvme}root-pressure.sh after nfsroot.sh or nvmeroot.sh).
# One boot of the network root with tb.pressure=agent|both: the verdict on
# the root (guest/nfsroot-root/tlsroot-pressure-verdict.sh) runs the static
# driver guest/tlsroot-pressure.c, built here and handed over on a
# read-only virtio disk (a tar, also holding the boot's initramfs for
# dracut's exitrd at shutdown); with "both", a second round in the same
# boot is the baseline (stock tlshd, agent frozen), then the rescue.
#
# Each round leaves one line for bench/faults in $TB_RUN/fault-<vm>.result
# (the agent's) and $TB_RUN/fault-<vm>-baseline.result:
#   fault=… transport=… agent=tlsroot|baseline outcome=… recovery_ms=… detail=…

PR_OUTAGE="30 s server outage, memory at the edge of OOM, caches dropped"

# The driver and the disk: $d/pressure/{tlsroot-pressure,initrd.img} -> disk.tar
pr_disk() { # dir initrd
	local d=$1/pressure
	rm -rf "$d"
	mkdir -p "$d/t"
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -Wshadow -Wformat=2 -static \
		-o "$d/t/tlsroot-pressure" "$TB_HERE/guest/tlsroot-pressure.c" >"$d/gcc.log" 2>&1 ||
		{ nr_log "cannot build tlsroot-pressure: $(head -n3 "$d/gcc.log")"; return 1; }
	[ -z "$2" ] || cp "$2" "$d/t/initrd.img" || return 1
	tar -cf "$d/disk.tar" -C "$d/t" . || return 1
	echo "$d/disk.tar"
}

# The boot option that attaches the driver's disk (pr_disk) to the
# client, and the command-line word that tells the guest its size.
pr_drive() { echo "--drive=file=$1,if=virtio,format=raw,readonly=on"; }
pr_disk_arg() { echo "tb.pressure.disk=$(stat -c %s "$1")"; }

# pr_after_root VERDICT VM TRANSPORT: the verdict line of a root boot that
# went on to the pressure round (handoff scenarios on 6.12), with the
# shutdown check added (the boot needs nr_boot's --orderly-poweroff).
pr_after_root() {
	local sd
	case $1 in PASS*) ;; *) echo "$1"; return ;; esac
	sd=$(pr_check_shutdown "$(tb_vm_log "$2")" "$3") || { echo "FAIL $sd [log: $(tb_vm_log "$2")]"; return; }
	echo "$1; $sd"
}

# pr_result VM TRANSPORT MODE OUTCOME RECOVERY DETAIL: the bench's line.
pr_result() {
	printf 'fault=%s transport=%s agent=%s outcome=%s recovery_ms=%s detail=%s\n' \
		"outage30s+pressure" "$2" "$3" "$4" "$5" "$(echo "$6" | tr '\n' ' ' | sed 's/ *$//' | cut -c1-600)" \
		>"$TB_RUN/fault-$1.result"
}

# The shutdown on the console after the verdict (agent mode), and the
# kernel's power-off within 120 s of the request. NFS: dracut's exitrd
# unmounted the root with the agent (the pid the verdict named) alive, as
# the 55tlsroot shutdown hook says. NVMe: the root, remounted read-only by
# systemd-shutdown, with the agent alive, as the verdict's system-shutdown
# hook says right before power-off.
pr_check_shutdown() { # log transport
	local log=$1 pid hook want t0 t1 what
	pid=$(tr -d '\r' <"$log" | sed -n 's/^TLSROOT-SHUTDOWN: agent pid \([0-9]*\);.*/\1/p' | head -n1)
	[ -n "$pid" ] || { echo "no TLSROOT-SHUTDOWN line (agent pid) from the verdict"; return 1; }
	if [ "$2" = nfs ]; then
		hook=$(tr -d '\r' <"$log" | grep -a -m1 'tlsroot: shutdown: ' | sed 's/^\[ *[0-9.]*\] //')
		want="tlsroot: shutdown: the root is unmounted; agent pid $pid alive, stopping it"
		what="root unmounted in the exitrd"
		[ -n "$hook" ] || { echo "no line from the 55tlsroot shutdown hook: the exitrd did not run ($(tr -d '\r' <"$log" | grep -a -m1 -iE 'initramfs|dracut-shutdown' | cut -c1-160))"; return 1; }
	else
		hook=$(tr -d '\r' <"$log" | grep -a -m1 'tlsroot-test: final: ' | sed 's/^\[ *[0-9.]*\] //')
		want="tlsroot-test: final: root ro, agent pid $pid alive"
		what="root read-only at the last step of systemd-shutdown"
		[ -n "$hook" ] || { echo "no line from the system-shutdown hook: systemd-shutdown did not reach it ($(tr -d '\r' <"$log" | grep -a -iE 'remount|unmount' | tail -n1 | cut -c1-160))"; return 1; }
	fi
	[ "$hook" = "$want" ] || {
		echo "shutdown: '$hook' (want: '$want'); $(tr -d '\r' <"$log" | grep -a 'tlsroot-test: left: \|Failed to remount' | sed 's/^\[ *[0-9.]*\] //' | sort -u | head -n 8 | tr '\n' ';')"
		return 1
	}
	t0=$(tr -d '\r' <"$log" | sed -n 's/^\[ *\([0-9.]*\)\] tlsroot-test: poweroff requested.*/\1/p' | head -n1)
	t1=$(tr -d '\r' <"$log" | sed -n 's/^\[ *\([0-9.]*\)\] reboot: Power down.*/\1/p' | head -n1)
	[ -n "$t0" ] && [ -n "$t1" ] || { echo "no power-off on the console (request at ${t0:-?} s, 'reboot: Power down' at ${t1:-?})"; return 1; }
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 120) }' ||
		{ echo "power-off took $t0 -> $t1 s (bound 120 s)"; return 1; }
	echo "shutdown: $what with the agent (pid $pid) alive, power-off $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s after the request"
}

# The outcome line N (1: the agent's round, 2: the baseline's) of a log.
pr_outcome_line() { # log n
	tr -d '\r' <"$1" | grep -a '^TLSROOT-PRESSURE: outcome=' | sed -n "$2p"
}
pr_field() { # line name
	echo "$1" | sed -n "s/.*\b$2=\([-a-z0-9]*\).*/\1/p"
}

# pr_run VM LABEL TRANSPORT MODE: one boot; prints "PASS|FAIL reason".
# MODE agent: the agent's round; both: then the baseline's round (stock
# tlshd, agent frozen) and the rescue, in the same boot.
# Options: nr_boot's (--timeout=800 unless given); the shutdown is
# checked, so the guest powers off by itself (--orderly-poweroff).
pr_run() { # vm label transport mode [option...]
	local vm=$1 label=$2 transport=$3 mode=$4 d log rc line res sd base rescue disk opts=(--timeout=800 --orderly-poweroff)
	shift 4
	opts+=("$@")
	d=$(nr_dir "$label")
	disk=$(pr_disk "$d" "$([ "$transport" = nfs ] && echo "$d/initrd-systemd.img")") ||
		{ echo "FAIL setup: the host disk for the client (tlsroot-pressure, initrd)"; return; }
	opts+=("$(pr_drive "$disk")")
	# rd.tlsroot.handoff=never: the configuration that promises to survive
	# reclaim; the agent keeps every handshake (tlsroot.cmdline(7)).
	local extra="tb.pressure=$mode $(pr_disk_arg "$disk") rd.tlsroot.handoff=never" timeout
	timeout=$(nr_opt timeout "${opts[@]}")
	if [ "$transport" = nfs ]; then
		nr_boot "$vm" "$label" "$d/initrd-systemd.img" "${opts[@]}" "$(nr_append "$label" mtls $extra)"
	else
		nvr_boot "$vm" "$label" systemd "${opts[@]}" testbed.nvme=pressure $extra
	fi
	rc=$?
	nr_stop_pids
	if [ $rc -eq 1 ]; then
		pr_result "$vm" "$transport" tlsroot "setup-failed" - "the client VM or its swtpm did not start"
		nr_boot_failed $rc "$timeout" -
		return
	fi
	log=$(tb_vm_log "$vm")
	res=$(tr -d '\r' <"$log" | grep -a -m1 '^TLSROOT-RESULT: ' | cut -c17-)
	line=$(pr_outcome_line "$log" 1)
	base=$(pr_outcome_line "$log" 2)
	rescue=$(tr -d '\r' <"$log" | grep -a -m1 '^TLSROOT-PRESSURE: rescue ')
	[ "$mode" = both ] && [ -n "$base" ] &&
		pr_result "$vm-baseline" "$transport" baseline "$(pr_field "$base" outcome)" "$(pr_field "$base" recovery_ms)" \
			"$(tr -d '\r' <"$log" | sed -n 's/^TLSROOT-PRESSURE: baseline: //p' | head -n1)${rescue:+; ${rescue#TLSROOT-PRESSURE: }}"
	if [ $rc -ne 0 ] && [ -z "$res" ]; then
		pr_result "$vm" "$transport" tlsroot "setup-failed" - "no verdict (VM still running after $timeout s)"
		echo "FAIL no verdict: the VM ran past $timeout s (last mark: $(grep -a '^TLSROOT-MARK: ' "$log" | tail -n1 | cut -c15- | tr -d '\r')) [log: $log]"
		return
	fi
	case $res in
	PASS*) ;;
	*)
		pr_result "$vm" "$transport" tlsroot "$(pr_field "$line" outcome | grep . || echo failed)" "$(pr_field "$line" recovery_ms | grep . || echo -)" "$res"
		echo "FAIL ${res#FAIL }$(grep -a -m1 -E 'dracut: FATAL|Kernel panic' "$log" | tr -d '\r' | cut -c1-200) (last mark: $(grep -a '^TLSROOT-MARK: ' "$log" | tail -n1 | cut -c15- | tr -d '\r')) [log: $log]"
		return ;;
	esac
	[ -n "$line" ] || { echo "FAIL the verdict passed without a TLSROOT-PRESSURE outcome line [log: $log]"; return; }
	if [ "$mode" = both ] && { [ -z "$base" ] || [ -z "$rescue" ]; }; then
		echo "FAIL the verdict passed without the baseline's outcome and rescue lines [log: $log]"
		return
	fi
	pr_result "$vm" "$transport" tlsroot "$(pr_field "$line" outcome)" "$(pr_field "$line" recovery_ms)" "${res#PASS }"
	nr_boot_failed $rc "$timeout" "$log" && return
	sd=$(pr_check_shutdown "$log" "$transport") || { echo "FAIL $sd [log: $log]"; return; }
	echo "PASS outcome=$(pr_field "$line" outcome) recovery_ms=$(pr_field "$line" recovery_ms) $(echo "$line" | grep -o 'hog_mib=[0-9]* min_avail_mib=[0-9]*')${base:+; baseline: outcome=$(pr_field "$base" outcome), rescue: $(pr_field "$rescue" outcome) in $(pr_field "$rescue" recovery_ms) ms}; ${res#PASS }; $sd"
}
