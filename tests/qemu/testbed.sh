# Host side of the QEMU test bed (sourced by tests/qemu/run.sh and bench/).
# VMs are linked only by QEMU dgram netdevs on 127.0.0.1; no user-mode
# networking. Every wait is bounded; every process started here is killed
# by its PID, never by name.

TB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB_TOP=$(cd "$TB_HERE/../.." && pwd)
TB_SERVER_IP=192.0.2.1
TB_CLIENT_IP=192.0.2.2
TB_PIDS=()
# Debian's ovmf: the firmware without Secure Boot keys (PCR 7 then
# measures Secure Boot off; PCRs 4 and 11 hold what was booted).
TB_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
TB_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

tb_log() { echo "testbed: $*" >&2; }

# tb_setup RUNDIR: image, accelerator, link ports, PKI, guest binaries.
# The guest userland is TB_USERLAND's (default trixie; tests/qemu/run.sh).
tb_setup() {
	TB_RUN=$1
	mkdir -p "$TB_RUN"
	TB_IMAGE=$("$TB_HERE/image/build-image.sh" --userland "${TB_USERLAND:-trixie}") || return 1
	[ -f "$TB_IMAGE/.complete" ] ||
		{ tb_log "build-image printed '$TB_IMAGE', which is not a finished image directory"; return 1; }
	tb_pick_accel
	tb_pick_ports || return 1
	"$TB_HERE/pki.sh" "$TB_RUN/pki" || { tb_log "cannot create the test PKI"; return 1; }
	# Scenarios that do not run tlsroot (the baselines) still run when
	# the build fails; the others fail with this reason.
	TB_GUEST_BUILD_ERROR=
	tb_build_guest_binaries ||
		TB_GUEST_BUILD_ERROR="building tlsroot in the guest rootfs failed: $(grep -a -m1 -E 'error|Error' "$TB_RUN/guest-build.log" | cut -c1-160)"
	trap tb_cleanup EXIT
}

tb_cleanup() {
	local pid
	for pid in "${TB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	sleep 0.5
	for pid in "${TB_PIDS[@]}"; do
		kill -9 "$pid" 2>/dev/null
	done
	TB_PIDS=()
}

# KVM is used when it really runs a guest; on some hosts /dev/kvm exists
# but guests die with "KVM internal error", so probe with a real boot.
tb_pick_accel() {
	TB_ACCEL=tcg
	TB_CPU=max
	[ -n "${TLSROOT_ACCEL:-}" ] && { TB_ACCEL=$TLSROOT_ACCEL; [ "$TB_ACCEL" = kvm ] && TB_CPU=host; return; }
	[ -w /dev/kvm ] || return 0
	local probe=$TB_RUN/kvm-probe k
	mkdir -p "$probe/payload"
	printf '#!/bin/bash\necho TLSROOT-KVM-OK\necho o >/proc/sysrq-trigger\n' >"$probe/payload/guest-init"
	chmod +x "$probe/payload/guest-init"
	k=$TB_IMAGE/kernels/k7
	tb_make_initrd "$k/boot.cpio.gz" "$probe/payload" "$probe/initrd" || return 0
	qemu-img create -q -f qcow2 -F raw -b "$TB_IMAGE/rootfs.img" "$probe/disk.qcow2"
	# A guest that hits "KVM internal error" stays paused: stop waiting
	# for it then, not only after the bound.
	timeout 60 qemu-system-x86_64 -accel kvm -cpu host -m 512 -nodefaults \
		-display none -no-reboot -serial "file:$probe/serial.log" \
		-kernel "$k/vmlinuz" -initrd "$probe/initrd" \
		-append "console=ttyS0 panic=-1 quiet" \
		-drive "file=$probe/disk.qcow2,if=virtio,format=qcow2" \
		>"$probe/qemu.log" 2>&1 &
	local qpid=$! i
	for ((i = 0; i < 600; i++)); do
		kill -0 "$qpid" 2>/dev/null || break
		grep -aq 'KVM internal error' "$probe/qemu.log" 2>/dev/null && break
		sleep 0.1
	done
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	if grep -aq TLSROOT-KVM-OK "$probe/serial.log" 2>/dev/null; then
		TB_ACCEL=kvm
		TB_CPU=host
	else
		tb_log "KVM does not run guests here ($(head -c 200 "$probe/qemu.log" | tr '\n' ' ')); using TCG"
	fi
}

tb_port_free() { ! ss -Hlnu "sport = :$1" | grep -q .; }

# Two UDP ports on 127.0.0.1 for the server<->client link.
tb_pick_ports() {
	local i p
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		if tb_port_free "$p" && tb_port_free $((p + 1)); then
			TB_PORT_SERVER=$p
			TB_PORT_CLIENT=$((p + 1))
			return 0
		fi
	done
	tb_log "no free UDP port pair on 127.0.0.1"
	return 1
}

# tb_overlay_mount DIR: a copy-on-write view of the guest rootfs at
# DIR/chroot (changes in DIR/chroot-upper, never in the cached image), with
# /proc and /dev; prints the view's path. tb_overlay_umount DIR ends it
# and removes the changes.
tb_overlay_mount() {
	local m=$1/chroot
	mkdir -p "$m" "$1/chroot-upper" "$1/chroot-work"
	mount -t overlay overlay -o "lowerdir=$TB_IMAGE/rootfs,upperdir=$1/chroot-upper,workdir=$1/chroot-work" "$m" ||
		{ tb_log "cannot mount an overlay of the guest rootfs"; return 1; }
	mount -t proc proc "$m/proc" && mount --bind /dev "$m/dev" ||
		{ tb_log "cannot mount /proc and /dev in $m"; tb_overlay_umount "$1"; return 1; }
	echo "$m"
}
tb_overlay_umount() {
	local m=$1/chroot p
	for p in "$m/dev" "$m/proc" "$m"; do
		mountpoint -q "$p" && ! umount "$p" && umount -l "$p"
	done
	# Never remove through a mount that stayed (the host's /dev is bound
	# there).
	for p in "$m/dev" "$m/proc" "$m"; do
		mountpoint -q "$p" && { tb_log "$p is still mounted; left in place"; return 1; }
	done
	rm -rf "$m" "$1/chroot-upper" "$1/chroot-work"
}

# Build the tlsroot Debian package inside a copy-on-write view of the
# guest rootfs (scripts/build-deb.sh, dpkg-buildpackage), so that it links
# against the guest's own libraries, as a distribution builds it. The
# source is the work tree (tracked and untracked, not ignored files), or
# with TLSROOT_GUEST_SRC=HEAD the last commit. Leaves the .deb in
# $TB_RUN/guest-deb and, for the test payloads, its binaries in
# $TB_RUN/guest-bin.
tb_build_guest_binaries() {
	local merged rc=0 deb
	mkdir -p "$TB_RUN/guest-bin"
	merged=$(tb_overlay_mount "$TB_RUN") || return 1
	mkdir -p "$merged/src"
	if [ "${TLSROOT_GUEST_SRC:-}" = HEAD ]; then
		git -C "$TB_TOP" archive HEAD | tar -xf - -C "$merged/src"
	else
		(cd "$TB_TOP" && git ls-files -z --cached --others --exclude-standard |
			xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$merged/src"
	fi
	if ! deb=$(chroot "$merged" /src/scripts/build-deb.sh /deb 2>"$TB_RUN/guest-build.log"); then
		cat "$merged/deb/build-deb.log" >>"$TB_RUN/guest-build.log" 2>/dev/null
		tb_log "building the tlsroot package in the guest rootfs failed: $(head -n1 "$TB_RUN/guest-build.log"); see $TB_RUN/guest-build.log"
		rc=1
	else
		mkdir -p "$TB_RUN/guest-deb" && cp "$merged$deb" "$TB_RUN/guest-deb/" &&
			dpkg-deb --fsys-tarfile "$merged$deb" |
			tar -xf - -C "$TB_RUN/guest-bin" --strip-components=3 ./usr/sbin/tlsroot ./usr/sbin/tlsroot-agent ||
			{ tb_log "cannot take the binaries out of $deb"; rc=1; }
	fi
	tb_overlay_umount "$TB_RUN"
	return $rc
}

# tb_make_initrd BOOT_CPIO_GZ PAYLOAD_DIR OUT: append the payload to the
# boot initramfs (the kernel unpacks concatenated archives in order).
tb_make_initrd() {
	local stage
	stage=$(mktemp -d)
	cp -a "$2" "$stage/payload"
	{ cat "$1"; (cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1); } >"$3"
	rm -rf "$stage"
}

# tb_start_vm NAME KERNEL_LABEL [OPTION...] [--] [QEMU ARG...]: start a VM
# in the background; sets TB_VM_PID_<NAME>. Every setting of a boot is an
# option here (none is read from the caller's variables):
#   --server          the server end of the link (role server, its
#                     address); a client otherwise
#   --payload=DIR     the test-bed boot path: boot initramfs + DIR, a disk
#                     overlaid on the guest rootfs, tlsroot.role=/ip=
#   --initrd=FILE     boot that initramfs with no disk (a diskless client,
#                     e.g. a network root from a dracut image)
#   --uefi=ESP-DIR    a measured UEFI boot with no disk of its own: OVMF
#                     (TB_OVMF_CODE, a fresh copy of TB_OVMF_VARS) boots
#                     ESP-DIR/EFI/BOOT/BOOTX64.EFI (a unified kernel image,
#                     its command line inside) from a read-only FAT disk,
#                     or, without that file, runs ESP-DIR/startup.nsh in
#                     its UEFI shell (what a person types there); the
#                     firmware and systemd-stub measure into the TPM given
#                     as QEMU args. The NIC has no option ROM (no PXE
#                     attempt before the disk).
#   --append=WORDS    kernel command line: all of it with --initrd, added
#                     to the test bed's with --payload (repeatable)
#   --mem=MB          memory (1024)
#   --smp=N           vCPUs (1)
#   --one-tcg-thread  under TCG with several vCPUs, one thread for them all
#                     (multi-threaded TCG has oopsed in early boot here:
#                     int3 in kernel text being patched, QEMU 7.2)
#   --drive=SPEC      one more -drive (repeatable)
#   --serial-input    the serial console also takes input, from the unix
#                     socket vm-NAME/serial.sock (tb_type); still logged
# TB_EXTRA_APPEND (environment, the user's): more words for every
# test-bed boot path command line.
tb_start_vm() {
	local name=$1 label=$2
	shift 2
	local side=client payload= initrd= append= mem=1024 smp=1 one_thread=no drives=() serial_in=no esp=
	while [ $# -gt 0 ]; do
		case $1 in
		--server) side=server ;;
		--payload=*) payload=${1#*=} ;;
		--initrd=*) initrd=${1#*=} ;;
		--uefi=*) esp=${1#*=} ;;
		--append=*) append="${append:+$append }${1#*=}" ;;
		--mem=*) mem=${1#*=} ;;
		--smp=*) smp=${1#*=} ;;
		--one-tcg-thread) one_thread=yes ;;
		--drive=*) drives+=(-drive "${1#*=}") ;;
		--serial-input) serial_in=yes ;;
		--) shift; break ;;
		--*) tb_log "tb_start_vm $name: unknown option '$1'"; return 1 ;;
		*) break ;;
		esac
		shift
	done
	local vm=$TB_RUN/vm-$name k=$TB_IMAGE/kernels/$label local_port remote_port mac role ip accel=$TB_ACCEL
	[ -f "$k/vmlinuz" ] || { tb_log "no kernel '$label' in $TB_IMAGE"; return 1; }
	local given=0 one
	for one in "$payload" "$initrd" "$esp"; do [ -n "$one" ] && given=$((given + 1)); done
	if [ $given -ne 1 ]; then
		tb_log "tb_start_vm $name: give one of --payload, --initrd and --uefi"
		return 1
	fi
	mkdir -p "$vm"
	if [ "$side" = server ]; then
		local_port=$TB_PORT_SERVER remote_port=$TB_PORT_CLIENT mac=52:54:00:12:00:01 role=server ip=$TB_SERVER_IP
	else
		local_port=$TB_PORT_CLIENT remote_port=$TB_PORT_SERVER mac=52:54:00:12:00:02 role=client ip=$TB_CLIENT_IP
	fi
	local disk=() boot=() nic_rom=()
	if [ -n "$esp" ]; then
		[ -f "$esp/EFI/BOOT/BOOTX64.EFI" ] || [ -f "$esp/startup.nsh" ] ||
			{ tb_log "tb_start_vm $name: no $esp/EFI/BOOT/BOOTX64.EFI or $esp/startup.nsh"; return 1; }
		[ -r "$TB_OVMF_CODE" ] && [ -r "$TB_OVMF_VARS" ] ||
			{ tb_log "tb_start_vm $name: no OVMF ($TB_OVMF_CODE); apt-get install ovmf (make host-setup)"; return 1; }
		mkdir -p "$vm"
		cp "$TB_OVMF_VARS" "$vm/OVMF_VARS.fd"
		boot=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$TB_OVMF_CODE"
			-drive "if=pflash,format=raw,unit=1,file=$vm/OVMF_VARS.fd"
			-drive "if=none,id=esp,format=raw,readonly=on,file=fat:$esp"
			-device virtio-blk-pci,drive=esp,bootindex=1)
		nic_rom=(,romfile=)
	elif [ -z "$initrd" ]; then
		initrd=$vm/initrd
		tb_make_initrd "$k/boot.cpio.gz" "$payload" "$initrd" || return 1
		qemu-img create -q -f qcow2 -F raw -b "$TB_IMAGE/rootfs.img" "$vm/disk.qcow2"
		append="console=ttyS0 panic=-1 oops=panic net.ifnames=0 tlsroot.role=$role tlsroot.ip=$ip/24 ${TB_EXTRA_APPEND:-}${append:+ $append}"
		disk=(-drive "file=$vm/disk.qcow2,if=virtio,format=qcow2,cache=unsafe")
	fi
	[ "$one_thread" = yes ] && [ "$TB_ACCEL" = tcg ] && [ "$smp" -gt 1 ] && accel=tcg,thread=single
	# Under TCG on a busy host the kernel's early IO-APIC timer check can
	# miss ticks and panic ("IO-APIC + timer doesn't work!"): skip it.
	# (A UKI carries its command line, no_timer_check included.)
	append="$append no_timer_check"
	[ -z "$esp" ] && boot=(-kernel "$k/vmlinuz" -initrd "$initrd" -append "$append")
	: >"$vm/serial.log"
	local serial=(-serial "file:$vm/serial.log")
	[ $serial_in = yes ] && serial=(-chardev "socket,id=ser0,path=$vm/serial.sock,server=on,wait=off,logfile=$vm/serial.log"
		-serial chardev:ser0)
	qemu-system-x86_64 -accel "$accel" -cpu "$TB_CPU" -m "$mem" -smp "$smp" \
		-nodefaults -display none -no-reboot \
		"${serial[@]}" -pidfile "$vm/qemu.pid" \
		"${boot[@]}" ${disk[@]+"${disk[@]}"} \
		-netdev "dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=$local_port,remote.type=inet,remote.host=127.0.0.1,remote.port=$remote_port" \
		-device "virtio-net-pci,netdev=n0,mac=$mac${nic_rom[*]}" \
		-device virtio-rng-pci \
		"$@" ${drives[@]+"${drives[@]}"} >"$vm/qemu.log" 2>&1 &
	local pid=$!
	TB_PIDS+=("$pid")
	printf -v "TB_VM_PID_${name//-/_}" '%s' "$pid"
	echo "$pid" >"$vm/pid"
}

tb_vm_log() { echo "$TB_RUN/vm-$1/serial.log"; }

# tb_type NAME SECONDS [PATTERN TEXT]...: type on VM NAME's serial console
# (started with --serial-input) as a person would: each TEXT and Enter once
# its console shows a line matching PATTERN (grep -E), each within
# SECONDS. TEXT goes through a pipe, not argv. 1 if a PATTERN never came.
tb_type() {
	local name=$1 seconds=$2 log sock deadline
	shift 2
	log=$(tb_vm_log "$name")
	sock=$TB_RUN/vm-$name/serial.sock
	while [ $# -ge 2 ]; do
		deadline=$(( $(date +%s) + seconds ))
		until [ -S "$sock" ] && grep -aqE "$1" "$log" 2>/dev/null; do
			[ "$(date +%s)" -lt "$deadline" ] || { tb_log "tb_type $name: no /$1/ within $seconds s"; return 1; }
			sleep 0.5
		done
		printf '%s\r' "$2" | python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
s.close()' "$sock" || return 1
		shift 2
	done
}
tb_vm_pid() { cat "$TB_RUN/vm-$1/pid" 2>/dev/null; }

# tb_wait_marker NAME PATTERN SECONDS: 0 when PATTERN (grep -E) appears in
# the VM's serial log, 1 on timeout, 2 when the VM exited first.
tb_wait_marker() {
	local log pid deadline
	log=$(tb_vm_log "$1")
	pid=$(tb_vm_pid "$1")
	deadline=$(( $(date +%s) + $3 ))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		grep -aqE "$2" "$log" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || { grep -aqE "$2" "$log" 2>/dev/null && return 0; return 2; }
		sleep 0.5
	done
	return 1
}

# tb_wait_exit NAME SECONDS [STOP-PATTERN]: wait for the VM to power off;
# kill it after SECONDS (status 1). With STOP-PATTERN (grep -E), stop the
# VM as soon as its console shows a line matching it (status 0).
tb_wait_exit() {
	local pid deadline log
	pid=$(tb_vm_pid "$1")
	log=$(tb_vm_log "$1")
	deadline=$(( $(date +%s) + $2 ))
	while kill -0 "$pid" 2>/dev/null; do
		if [ -n "${3:-}" ] && grep -aqE "$3" "$log" 2>/dev/null; then
			tb_stop_vm "$1"
			return 0
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			tb_stop_vm "$1"
			return 1
		fi
		sleep 0.5
	done
	return 0
}

# The kernel-log line of a verdict that asked for power-off, written
# after the verdict's sync (verdict-lib.sh): the guest has nothing left to
# say. Its orderly shutdown (15-25 s of TCG on an NFS root) is waited for
# only where a scenario checks it (nr_boot --orderly-poweroff).
TB_POWEROFF_REQUESTED='^\[ *[0-9.]*\] tlsroot-test: poweroff requested'

tb_stop_vm() {
	local pid
	pid=$(tb_vm_pid "$1")
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -9 "$pid" 2>/dev/null
}

# swtpm for one scenario; its state directory survives that scenario's
# reboots. Prints the QEMU arguments that attach it.
tb_start_swtpm() {
	local dir=$1 pid
	mkdir -p "$dir/state"
	rm -f "$dir/sock"
	swtpm socket --tpm2 --tpmstate "dir=$dir/state" \
		--ctrl "type=unixio,path=$dir/sock" --pid "file=$dir/swtpm.pid" \
		--log "file=$dir/swtpm.log" --daemon || return 1
	for _ in $(seq 1 50); do
		[ -S "$dir/sock" ] && break
		sleep 0.1
	done
	[ -S "$dir/sock" ] || { tb_log "swtpm did not create $dir/sock"; return 1; }
	pid=$(cat "$dir/swtpm.pid")
	TB_PIDS+=("$pid")
	TB_SWTPM_ARGS=(-chardev "socket,id=chrtpm,path=$dir/sock"
		-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0)
}

# tb_guest_payload DIR: what every test-bed guest runs from /tlsroot-test:
# lib.sh, and guest-init under the name the boot initramfs executes.
tb_guest_payload() {
	cp "$TB_HERE/guest/guest-init.sh" "$1/guest-init" && cp "$TB_HERE/guest/lib.sh" "$1/"
}

# tb_start_server: the server VM with nfsd, tlshd and nvmet; waits for
# its readiness line. Server kernel: TLSROOT_SERVER_KERNEL (default k7).
tb_start_server() {
	local p=$TB_RUN/server-payload rc
	rm -rf "$p"
	mkdir -p "$p/pki"
	tb_guest_payload "$p"
	cp "$TB_HERE"/guest/{verdict-lib.sh,server.sh,server-ctl.sh} "$p/"
	cp "$TB_RUN"/pki/{ca.pem,server.pem,server.key,rogue-server.pem,rogue-server.key,wrongname-server.pem,wrongname-server.key,nvme-psk.txt} "$p/pki/"
	# Client root trees for NFS-root boots: one disk (file system) per
	# export, each a copy-on-write overlay of the guest rootfs; prepared
	# and exported by guest/nfsroot-export.sh.
	local roots=() e
	mkdir -p "$p/nfsroot"
	cp "$TB_HERE"/guest/nfsroot-export.sh "$p/"
	cp "$TB_HERE"/guest/nfsroot-root/* "$p/nfsroot/"
	cp "$TB_RUN"/guest-bin/tlsroot "$p/nfsroot/" 2>/dev/null
	for e in mtls tls plain; do
		qemu-img create -q -f qcow2 -F raw -b "$TB_IMAGE/rootfs.img" "$TB_RUN/server-root-$e.qcow2"
		roots+=(-drive "file=$TB_RUN/server-root-$e.qcow2,if=virtio,format=qcow2,cache=unsafe")
	done
	# NVMe/TCP-root boots: /dev/vde, namespace 2 (guest/nvmeroot-export.sh).
	mkdir -p "$p/nvmeroot"
	cp "$TB_HERE"/guest/nvmeroot-export.sh "$p/"
	cp "$TB_HERE"/guest/nvmeroot-root/* "$p/nvmeroot/"
	cp "$TB_RUN"/guest-bin/tlsroot "$p/nvmeroot/" 2>/dev/null
	qemu-img create -q -f qcow2 -F raw -b "$TB_IMAGE/rootfs.img" "$TB_RUN/server-root-nvme.qcow2"
	roots+=(-drive "file=$TB_RUN/server-root-nvme.qcow2,if=virtio,format=qcow2,cache=unsafe")
	tb_start_vm server "${TLSROOT_SERVER_KERNEL:-k7}" --server --payload="$p" -- "${roots[@]}" || return 1
	tb_wait_marker server 'TLSROOT-SERVER-(READY|FAIL)' 240
	rc=$?
	if [ $rc -ne 0 ] || grep -aq TLSROOT-SERVER-FAIL "$(tb_vm_log server)"; then
		tb_log "server VM not ready (wait status $rc): $(grep -a -m1 -E 'TLSROOT-SERVER-FAIL|TLSROOT-RESULT' "$(tb_vm_log server)")"
		return 1
	fi
}
