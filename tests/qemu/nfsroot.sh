# Host side of the NFS-root scenarios (sourced by scenarios/nfsroot-*.sh,
# tests/qemu/demo.sh and bench/nfsroot-*; needs testbed.sh and tb_setup).
#
# Per run and kernel, in $TB_RUN/nfsroot-<label>/ (shared by the scenarios
# of one run; nothing here weakens a test by being shared):
#   tpm/state      the client's swtpm state after the provisioning boot
#   client1.bundle the identity sealed INSIDE that VM to that TPM
#   initrd-systemd.img, initrd-nosystemd.img
#                  dracut initramfs images (dracut + 55tlsroot, built in a
#                  copy-on-write overlay of the guest rootfs with the
#                  tlsroot package installed), plus the test-only hooks and files
# Every NFS-root boot gets a fresh copy of tpm/state, so boots of one
# run do not see each other's PCR extensions.

NR_IDENTITY=client1
NR_PIDS=()

nr_log() { echo "nfsroot: $*" >&2; }

# TB_SHARED: the run's directory shared by parallel workers (tests/qemu/run.sh).
nr_dir() { echo "${TB_SHARED:-$TB_RUN}/nfsroot-$1"; }

# nr_locked LABEL CMD...: run CMD holding the lock of LABEL's provisioning
# directory, so parallel workers seal and build once and share the result.
nr_locked() {
	local d fd rc
	d=$(nr_dir "$1")
	shift
	mkdir -p "$d"
	exec {fd}>"$d.lock"
	flock -w 1800 "$fd" || { nr_log "waited 30 minutes for $d.lock"; exec {fd}>&-; return 1; }
	"$@"
	rc=$?
	exec {fd}>&-
	return $rc
}

nr_kver() { cat "$TB_IMAGE/kernels/$1/version"; }

# Kernel command line of an NFS-root boot. EXPORT: mtls, tls or plain.
nr_append() { # label export [extra...]
	local label=$1 export=$2 opts
	shift 2
	case $export in
	mtls) opts="vers=4.2,xprtsec=mtls,tls_identity=$NR_IDENTITY" ;;
	tls) opts="vers=4.2,xprtsec=tls" ;;
	plain) opts="vers=4.2" ;;
	esac
	echo "console=ttyS0 panic=-1 oops=panic net.ifnames=0 rd.shell=0 rw" \
		"root=nfs4:$TB_SERVER_IP:/srv/root-$export:$opts" \
		"ip=$TB_CLIENT_IP::$TB_SERVER_IP:255.255.255.0:client:eth0:off rd.neednet=1" \
		"$@"
}

nr_stop_pids() {
	local p
	for p in "${NR_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	NR_PIDS=()
}

# nr_swtpm DIR [STATE-TO-CLONE]: one swtpm for one boot.
nr_swtpm() {
	local dir=$1 from=${2:-}
	rm -rf "$dir"
	mkdir -p "$dir"
	[ -n "$from" ] && cp -a "$from" "$dir/state"
	tb_start_swtpm "$dir" || return 1
	NR_PIDS+=("$(cat "$dir/swtpm.pid")")
}

# Wait for a swtpm to end (QEMU shuts it down on exit), so its state file
# is complete before anyone copies it.
nr_swtpm_wait() {
	local pid
	pid=$(cat "$1/swtpm.pid" 2>/dev/null) || return 0
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill "$pid" 2>/dev/null
	sleep 0.3
}

# Provisioning boot: the client VM (test-bed boot path, its own swtpm)
# seals the identity and prints the bundle. Cached per run and kernel.
# --script=NAME: another guest seal script (nvmeroot.sh).
nr_seal() { # label payload-dir [--script=NAME]
	local label=$1 d vm p log sum script=nfsroot-seal.sh off=yes
	case ${3:-} in --script=*) script=${3#*=} ;; esac
	d=$(nr_dir "$label")
	[ -s "$d/$NR_IDENTITY.bundle" ] && return 0
	mkdir -p "$d"
	vm=nfsroot-seal-$label
	p=$d/seal-payload
	rm -rf "$p"
	cp -a "$2" "$p"
	cp "$TB_HERE/guest/$script" "$p/"
	{
		echo "TB_KERNEL=$label"
		echo "exec bash /tlsroot-test/$script"
	} >"$p/scenario.sh"
	nr_swtpm "$d/tpm" || { nr_log "swtpm did not start"; return 1; }
	tb_start_vm "$vm" "$label" --payload="$p" -- "${TB_SWTPM_ARGS[@]}" ||
		{ nr_log "seal VM did not start"; return 1; }
	NR_PIDS+=("$(tb_vm_pid "$vm")")
	tb_wait_marker "$vm" '^TLSROOT-RESULT: ' 180
	tb_wait_exit "$vm" 30 || off=no
	nr_swtpm_wait "$d/tpm"
	rm -f "$TB_RUN/vm-$vm/disk.qcow2" "$TB_RUN/vm-$vm/initrd"
	log=$(tb_vm_log "$vm")
	if ! grep -aq '^TLSROOT-RESULT: PASS' "$log"; then
		nr_log "sealing in the client VM failed: $(grep -a -m1 '^TLSROOT-RESULT' "$log")"
		return 1
	fi
	if [ $off = no ]; then
		nr_log "the seal VM printed its verdict but did not power off within 30 s [log: $log]"
		return 1
	fi
	tr -d '\r' <"$log" | sed -n '/^TLSROOT-BUNDLE-BEGIN$/,/^TLSROOT-BUNDLE-END$/p' |
		grep -v '^TLSROOT-BUNDLE-' | base64 -d >"$d/$NR_IDENTITY.bundle.tmp" 2>/dev/null
	sum=$(tr -d '\r' <"$log" | sed -n 's/^TLSROOT-BUNDLE-SHA256: //p' | head -n1)
	if [ -z "$sum" ] || [ "$(sha256sum <"$d/$NR_IDENTITY.bundle.tmp" | cut -d' ' -f1)" != "$sum" ]; then
		nr_log "the bundle read from the seal VM's console is damaged"
		return 1
	fi
	mv "$d/$NR_IDENTITY.bundle.tmp" "$d/$NR_IDENTITY.bundle"
	tr -d '\r' <"$log" | grep -a '^TLSROOT-PCR: ' | sed 's/^TLSROOT-PCR: //' >"$d/pcrs.txt"
}

# nr_host_seal LABEL WORK-DIR [tlsroot seal option...]: seal the client
# identity with this tree's tlsroot (WORK-DIR/client1.bundle) to a swtpm
# on a copy of LABEL's provisioned client TPM state (its SRK), with the
# lock PCR 15 and the options given; prints the TPM's lockout counter of
# that state. The seal's output: WORK-DIR/seal.log.
nr_host_seal() {
	local d work=$2 counter rc=0
	d=$(nr_dir "$1")
	shift 2
	mkdir -p "$work"
	rm -rf "$work/tpm-host"
	cp -a "$d/tpm/state" "$work/tpm-host"
	# shellcheck source=../tpm/swtpm.sh
	. "$TB_TOP/tests/tpm/swtpm.sh"
	work=$work start_tpm host || return 1
	counter=$(timeout 30 tpm2_getcap -T "$(tcti host)" properties-variable 2>/dev/null |
		sed -n 's/^TPM2_PT_LOCKOUT_COUNTER: *//p')
	if [ -z "$counter" ] ||
		! "$TB_TOP/build/tlsroot" seal "$NR_IDENTITY" --cert "$TB_RUN/pki/client.pem" \
			--key "$TB_RUN/pki/client.key" --lock-pcr 15 --tcti "$(tcti host)" \
			-o "$work/$NR_IDENTITY.bundle" "$@" >"$work/seal.log" 2>&1; then
		nr_log "seal on the host failed (lockout counter '$counter'): $(tail -n2 "$work/seal.log" | tr '\n' ' ')"
		rc=1
	fi
	work=$work stop_tpm host
	[ $rc -eq 0 ] && echo "$((counter))"
	return $rc
}

# The dracut module lists; the systemd image adds systemd's initrd modules.
# The network backend: network-legacy (dhclient) in trixie; forky's
# dracut 112 has no network-legacy, and network-manager is the backend
# that works without systemd in the initramfs too.
case ${TB_USERLAND:-trixie} in
forky) NR_DRACUT_NET=network-manager ;;
*) NR_DRACUT_NET=network-legacy ;;
esac
NR_DRACUT_MODULES="bash udev-rules $NR_DRACUT_NET nfs shutdown"
NR_DRACUT_SYSTEMD="systemd systemd-initrd dracut-systemd"

# nr_build_images LABEL OUTDIR [--bundle FILE] [--no-tlsroot] [--no-test]
#   [--flavors "systemd nosystemd busybox generic"] [--plant FILE PATH] [--remove PATH]
#   [--add-modules "MOD..."] [--make-install]
#   [--uki CMDLINE PCR-KEY-DIR]: build dracut images in a
#   copy-on-write overlay of the guest rootfs, with this run's tlsroot
#   package installed (--make-install: `make install` with its defaults).
#   --plant puts FILE at PATH of the overlay, --remove deletes PATH there
#   (both before dracut runs); --add-modules adds dracut modules to the
#   list. Images: OUTDIR/initrd-<flavor>.img; dracut logs in OUTDIR/dracut-*.log.
#   --uki: also OUTDIR/uki-<flavor>.efi, a unified kernel image built as
#   its owner would, with the guest's ukify and systemd-stub: the kernel,
#   the image, the command line CMDLINE, and the PCR 11 policy of the
#   initrd phase signed with PCR-KEY-DIR/pcr-private.pem (its public half
#   pcr-public.pem goes into .pcrpkey).
nr_build_images() {
	local label=$1 out=$2 bundle= tlsroot=yes testfiles=yes flavors="systemd nosystemd"
	local plant=() remove=() addmods= uki_cmdline= uki_keys=
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--bundle) bundle=$2; shift ;;
		--plant) plant+=("$2" "$3"); shift 2 ;;
		--remove) remove+=("$2"); shift ;;
		--add-modules) addmods=$2; shift ;;
		--uki) uki_cmdline=$2 uki_keys=$3; shift 2 ;;
		--no-tlsroot) tlsroot=no ;;
		--make-install) tlsroot=make-install ;;
		--no-test) testfiles=no ;;
		--flavors) flavors=$2; shift ;;
		*) nr_log "nr_build_images: unknown option '$1'"; return 1 ;;
		esac
		shift
	done
	local kver merged rc=0 f mods
	kver=$(nr_kver "$label")
	mkdir -p "$out"
	merged=$(tb_overlay_mount "$out") || return 1
	local inc=()
	if [ $tlsroot = make-install ]; then
		# `make install` with its defaults (PREFIX=/usr/local), as a
		# user building from the tree does.
		mkdir -p "$merged/src"
		(cd "$TB_TOP" && git ls-files -z --cached --others --exclude-standard |
			xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$merged/src"
		if ! chroot "$merged" make -C /src O=/build -j2 all install >"$out/install.log" 2>&1; then
			nr_log "make install in the guest rootfs overlay failed: $(tail -n1 "$out/install.log")"
			rc=1
		fi
	elif [ $tlsroot = yes ]; then
		# The package, as a user installs it (tb_build_guest_binaries).
		cp "$TB_RUN"/guest-deb/tlsroot_*.deb "$merged/tmp/" 2>/dev/null
		if ! chroot "$merged" sh -c 'dpkg -i /tmp/tlsroot_*.deb' >"$out/install.log" 2>&1; then
			nr_log "dpkg -i of the tlsroot package in the guest rootfs overlay failed: $(tail -n1 "$out/install.log")"
			rc=1
		fi
	fi
	if [ $tlsroot != no ]; then
		mkdir -p "$merged/etc/tlsroot/bundles"
		cp "$TB_RUN/pki/ca.pem" "$merged/etc/tlsroot/ca.pem"
		[ -n "$bundle" ] && cp "$bundle" "$merged/etc/tlsroot/bundles/$NR_IDENTITY.bundle"
		# --plant: a file the module must refuse (tests of the key scan).
		for ((f = 0; f < ${#plant[@]}; f += 2)); do
			mkdir -p "$(dirname "$merged${plant[f + 1]}")"
			cp "${plant[f]}" "$merged${plant[f + 1]}"
		done
		for f in ${remove[@]+"${remove[@]}"}; do
			rm -f "$merged$f"
		done
		inc+=(--add tlsroot)
	fi
	if [ $testfiles = yes ]; then
		# Test-only: hooks (PCR extension knob, root-mounted mark), a
		# corrupt copy of the bundle and the rogue CA, for stopped boots.
		mkdir -p "$merged/tlsroot-test-files"
		cp "$TB_HERE/guest/nfsroot-hook-extend.sh" "$TB_HERE/guest/nfsroot-hook-mounted.sh" \
			"$TB_HERE/guest/nfsroot-hook-emergency.sh" \
			"$TB_RUN/pki/rogue-ca.pem" "$merged/tlsroot-test-files/"
		if [ -n "$bundle" ]; then
			cp "$bundle" "$merged/tlsroot-test-files/corrupt.bundle"
			# Flip the last byte: the AEAD tag; the header still parses.
			python3 -c 'import sys
p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[-1]^=0xff; open(p,"wb").write(b)' \
				"$merged/tlsroot-test-files/corrupt.bundle"
			inc+=(--include /tlsroot-test-files/corrupt.bundle /etc/tlsroot-test/corrupt.bundle)
		fi
		inc+=(--include /tlsroot-test-files/nfsroot-hook-extend.sh /var/lib/dracut/hooks/cmdline/99-tlsroot-test-extend.sh
			--include /tlsroot-test-files/nfsroot-hook-mounted.sh /var/lib/dracut/hooks/pre-pivot/99-tlsroot-test-mounted.sh
			--include /tlsroot-test-files/nfsroot-hook-emergency.sh /var/lib/dracut/hooks/emergency/99-tlsroot-test-emergency.sh
			--include /tlsroot-test-files/rogue-ca.pem /etc/tlsroot-test/rogue-ca.pem)
	fi
	if [ $rc -eq 0 ]; then
		for f in $flavors; do
			mods="$NR_DRACUT_MODULES $addmods"
			local args=()
			case $f in
			# Debian's dracut 112 prefers busybox (01-debian.conf), whose
			# applets then stand in for ip, modprobe, grep...: only the
			# busybox flavour has it, on every userland.
			systemd) mods="$mods $NR_DRACUT_SYSTEMD" args=(--omit busybox) ;;
			nosystemd) args=(--omit "busybox systemd systemd-initrd dracut-systemd") ;;
			busybox)
				# busybox is the shell and the tools; no bash,
				# no systemd.
				mods="busybox ${mods/bash /}"
				args=(--omit "bash dash systemd systemd-initrd dracut-systemd")
				;;
			generic) ;;
			*) nr_log "nr_build_images: unknown flavor '$f'"; rc=1; break ;;
			esac
			# generic: exactly as Debian's kernel hook calls dracut
			# (/etc/kernel/postinst.d/dracut), nothing of the test bed.
			[ "$f" = generic ] || args=(--no-hostonly --no-early-microcode --compress gzip -m "$mods"
				--add-drivers "virtio_pci virtio_net" ${args[@]+"${args[@]}"} ${inc[@]+"${inc[@]}"})
			if ! chroot "$merged" dracut --force ${args[@]+"${args[@]}"} /tmp/initrd.img "$kver" \
				>"$out/dracut-$f.log" 2>&1; then
				nr_log "dracut ($f) failed: $(grep -a -m1 -iE 'fatal|error' "$out/dracut-$f.log")"
				rc=1
				break
			fi
			if [ -n "$uki_keys" ] && ! nr_build_uki "$merged" "$kver" "$uki_cmdline" "$uki_keys" "$out/uki-$f.log"; then
				nr_log "ukify ($f) failed: $(tail -n1 "$out/uki-$f.log")"
				rc=1
				break
			fi
			[ -n "$uki_keys" ] && mv "$merged/tmp/uki.efi" "$out/uki-$f.efi"
			mv "$merged/tmp/initrd.img" "$out/initrd-$f.img"
		done
	fi
	tb_overlay_umount "$out"
	return $rc
}

# nr_ukify LABEL WORK-DIR OUT.efi INITRD CMDLINE [--sign KEY-DIR |
#   --copy-signature FROM.efi PUBLIC.pem]: a unified kernel image of
#   LABEL's kernel, INITRD and CMDLINE built with the guest's ukify (in an
#   overlay at WORK-DIR). --sign: its PCR 11 policy signed (nr_build_uki);
#   --copy-signature: unsigned, with FROM.efi's .pcrsig and the key
#   PUBLIC.pem as .pcrpkey copied in, as someone without the private key
#   would make a UKI pass for a signed one.
nr_ukify() {
	local label=$1 work=$2 out=$3 initrd=$4 cmdline=$5 merged kver rc=0
	shift 5
	kver=$(nr_kver "$label")
	mkdir -p "$work"
	merged=$(tb_overlay_mount "$work") || return 1
	cp "$initrd" "$merged/tmp/initrd.img"
	case ${1:-} in
	--sign) nr_build_uki "$merged" "$kver" "$cmdline" "$2" "$work/ukify.log" || rc=1 ;;
	--copy-signature)
		if ! objcopy -O binary --only-section=.pcrsig "$2" "$merged/tmp/pcrsig.json" ||
			[ ! -s "$merged/tmp/pcrsig.json" ]; then
			nr_log "no .pcrsig section in $2"
			rc=1
		else
			cp "$3" "$merged/tmp/pcr-public.pem"
			nr_ukify_in "$merged" "$kver" "$cmdline" --pcrpkey=/tmp/pcr-public.pem \
				--section=.pcrsig:@/tmp/pcrsig.json >"$work/ukify.log" 2>&1 || rc=1
		fi
		;;
	*) nr_log "nr_ukify: give --sign or --copy-signature"; rc=1 ;;
	esac
	[ $rc -eq 0 ] && { mv "$merged/tmp/uki.efi" "$out" || rc=1; }
	[ $rc -eq 0 ] || nr_log "ukify failed: $(tail -n2 "$work/ukify.log" 2>/dev/null | tr '\n' ' ')"
	tb_overlay_umount "$work"
	return $rc
}

nr_uki_linux() { # chroot kver: the kernel's path in CHROOT
	if [ -f "$1/boot/vmlinuz-$2" ]; then echo "/boot/vmlinuz-$2"; else echo "/usr/lib/modules/$2/vmlinuz"; fi
}

# nr_ukify_in CHROOT KVER CMDLINE [ukify option...]: CHROOT/tmp/uki.efi
# from CHROOT/tmp/initrd.img, the kernel KVER and CMDLINE, with the
# guest's ukify and the options given.
nr_ukify_in() {
	local m=$1 kver=$2
	printf '%s\n' "$3" >"$m/tmp/uki-cmdline"
	shift 3
	chroot "$m" ukify build --linux="$(nr_uki_linux "$m" "$kver")" --initrd=/tmp/initrd.img \
		--cmdline=@/tmp/uki-cmdline --uname="$kver" --output=/tmp/uki.efi "$@"
}

# nr_build_uki CHROOT KVER CMDLINE KEY-DIR LOG: nr_ukify_in with the PCR 11
# policy of the phase enter-initrd (where tlsroot unseals) signed with
# KEY-DIR's pcr-private.pem.
nr_build_uki() {
	local rc
	cp "$4/pcr-private.pem" "$4/pcr-public.pem" "$1/tmp/" || return 1
	nr_ukify_in "$1" "$2" "$3" --pcr-private-key=/tmp/pcr-private.pem \
		--pcr-public-key=/tmp/pcr-public.pem --phases=enter-initrd >"$5" 2>&1
	rc=$?
	rm -f "$1/tmp/pcr-private.pem"
	return $rc
}

# Seal (once) and build the test images (once) for a kernel.
nr_prepare() { nr_locked "$1" nr_prepare_unlocked "$@"; }
nr_prepare_unlocked() { # label payload-dir
	local d
	d=$(nr_dir "$1")
	nr_seal "$1" "$2" || return 1
	[ -s "$d/initrd-systemd.img" ] && [ -s "$d/initrd-nosystemd.img" ] && [ -s "$d/initrd-busybox.img" ] && return 0
	nr_build_images "$1" "$d" --bundle "$d/$NR_IDENTITY.bundle" --flavors "systemd nosystemd busybox"
}

# nr_boot VM LABEL INITRD [OPTION...] APPEND...: one diskless network-root
# boot with a copy of the sealed TPM state. Returns when the VM is off: 0;
# 1 if it did not start; 2 if it still ran after the timeout (killed).
# The VM is stopped once its verdict asked for power-off, unless
# --orderly-poweroff (the scenario checks the shutdown: wait for the
# guest's own power-off). Options: --timeout=S (400), --uefi (INITRD is
# an ESP directory with a unified kernel image, booted by OVMF; no
# APPEND: the image holds its command line), --stop-at=PATTERN (stop the
# VM once its console shows PATTERN, grep -E, instead), and tb_start_vm's
# --mem=, --smp=, --one-tcg-thread, --drive=, --serial-input for the client.
nr_boot() {
	local vm=$1 label=$2 initrd=$3 timeout=400 d opts=() stop=$TB_POWEROFF_REQUESTED boot=--initrd
	shift 3
	while [ $# -gt 0 ]; do
		case $1 in
		--timeout=*) timeout=${1#*=} ;;
		--orderly-poweroff) stop= ;;
		--stop-at=*) stop=${1#*=} ;;
		--uefi) boot=--uefi ;;
		--mem=* | --smp=* | --one-tcg-thread | --drive=* | --serial-input) opts+=("$1") ;;
		--*) nr_log "nr_boot $vm: unknown option '$1'"; return 1 ;;
		*) break ;;
		esac
		shift
	done
	[ $boot = --initrd ] && opts+=(--append="$*")
	d=$(nr_dir "$label")
	nr_swtpm "$TB_RUN/vm-$vm-tpm" "$d/tpm/state" || { nr_log "swtpm did not start"; return 1; }
	tb_start_vm "$vm" "$label" "$boot=$initrd" ${opts[@]+"${opts[@]}"} -- "${TB_SWTPM_ARGS[@]}" ||
		{ nr_log "client VM did not start"; return 1; }
	NR_PIDS+=("$(tb_vm_pid "$vm")")
	if ! tb_wait_exit "$vm" "$timeout" "$stop"; then
		nr_log "$vm: still running after $timeout s; killed"
		return 2
	fi
}

# The server's nfsd COMPOUND count, as last printed on its console.
nr_server_compounds() {
	tr -d '\r' <"$(tb_vm_log server)" | sed -n 's/^TLSROOT-NFSD: compound=//p' | tail -n1
}

# The COMPOUND count once it has not moved for 3 s (at most 30 s): the
# last requests of the worker's previous client can still be on their
# way to the server (seen: 3 COMPOUNDs counted during the next boot).
nr_server_quiet() {
	local was now
	now=$(nr_server_compounds)
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		was=$now
		sleep 3
		now=$(nr_server_compounds)
		[ "$now" = "$was" ] && break
	done
	echo "$now"
}

# Names of the secret patterns found in FILES: of the client key, or
# with --psk PSK.txt HOSTNQN SUBNQN of an NVMe PSK (nvmeroot.sh).
nr_find_secret() { # [--psk psk.txt hostnqn subnqn] files...
	if [ "$1" = --psk ]; then
		"$TB_HERE/find-secret.py" "$@"
	else
		"$TB_HERE/find-secret.py" "$TB_RUN/pki/client.key" "$@"
	fi
}

# No secret in the open: none of its patterns (nr_find_secret ARGS) in the
# image, the console or the root disk, which holds a copy of the client's
# /run taken by the verdict. Positive control: the canary the verdict put
# in /run is on that disk, so the scan did see the copy. Prints a FAIL
# line, or nothing.
nr_scan_secret() { # image log disk what [nr_find_secret args...]
	local img=$1 log=$2 disk=$3 what=$4 hits canary
	shift 4
	if ! hits=$(nr_find_secret "$@" "$img" "$log" "$disk"); then
		echo "FAIL $what in the open: $(echo "$hits" | head -n3 | tr '\n' ';')"
		return 1
	fi
	canary=$(tr -d '\r' <"$log" | sed -n 's/^TLSROOT-CANARY: //p' | head -n1)
	if [ -z "$canary" ] || ! grep -aqF "tlsroot-canary-$canary" "$disk"; then
		echo "FAIL the copy of the client's /run (canary ${canary:-missing}) is not on the root disk: the secret scan would not see it"
		return 1
	fi
}

# The last --NAME=VALUE among a boot helper's options.
nr_opt() { # name options...
	local n=$1 v= o
	shift
	for o; do
		case $o in --"$n"=*) v=${o#*=} ;; esac
	done
	echo "$v"
}

# The FAIL line of a boot that reached its verdict on the console, by
# nr_boot's status: a VM still running at the end of its bound is a
# failure, whatever it printed. Nothing for status 0.
nr_boot_failed() { # status timeout log
	case $1 in
	0) return 1 ;;
	2) echo "FAIL the VM printed its verdict but did not power off within $2 s (killed) [log: $3]" ;;
	*) echo "FAIL the client VM or its swtpm did not start (boot status $1)" ;;
	esac
}

# Seconds from kernel start to the root mounted (the test hook's kernel
# log line), or empty.
nr_mounted_at() { # serial-log
	tr -d '\r' <"$1" | sed -n 's/^\[ *\([0-9.]*\)\] tlsroot-test: root mounted.*/\1/p' | head -n1
}

# A boot that must reach the real root, pass its checks there and power
# off. Prints the verdict line "PASS|FAIL reason". Options: nr_boot's
# (--timeout=400 unless given).
nr_expect_root() { # vm label flavor export [option...] [extra cmdline...]
	local vm=$1 label=$2 flavor=$3 export=$4 d img rc opts=(--timeout=400)
	shift 4
	while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do opts+=("$1"); shift; done
	d=$(nr_dir "$label")
	img=$d/initrd-$flavor.img
	nr_boot "$vm" "$label" "$img" "${opts[@]}" "$(nr_append "$label" "$export" "$@")"
	rc=$?
	nr_stop_pids
	nr_judge_root $rc "$(nr_opt timeout "${opts[@]}")" "$(tb_vm_log "$vm")" "$img" \
		"$TB_RUN/server-root-$export.qcow2" "the private key's bytes are" key
}

# The verdict on a boot that had to reach its root (nr_expect_root,
# nvr_expect_root): RC and TIMEOUT of its nr_boot, its console LOG, then
# the secret scan of the image IMG, LOG and the root DISK (WHAT names the
# secret in a failure, SHORT in the PASS line; more find-secret options
# follow). Prints "PASS|FAIL reason".
nr_judge_root() { # rc timeout log img disk what short [find-secret option...]
	local rc=$1 timeout=$2 log=$3 img=$4 disk=$5 what=$6 short=$7 at
	shift 7
	# Status 1: the log may be an earlier boot's of the same VM name.
	[ "$rc" -eq 1 ] && { nr_boot_failed "$rc" - "$log"; return 1; }
	if ! grep -aq '^TLSROOT-RESULT: PASS' "$log"; then
		echo "FAIL $(grep -a -m1 '^TLSROOT-RESULT: ' "$log" | cut -c17- | tr -d '\r')$(grep -a -m1 -E 'dracut: FATAL|Kernel panic' "$log" | tr -d '\r' | cut -c1-240) (last mark: $(grep -a '^TLSROOT-MARK: ' "$log" | tail -n1 | cut -c15- | tr -d '\r')) [log: $log]"
		return 1
	fi
	nr_boot_failed "$rc" "$timeout" "$log" && return 1
	nr_scan_secret "$img" "$log" "$disk" "$what" "$@" || return 1
	at=$(nr_mounted_at "$log")
	# A host-only image has no test-bed hook to print the mount time.
	at=${at:+root mounted $at s after kernel start}
	echo "PASS $(grep -a -m1 '^TLSROOT-RESULT: PASS' "$log" | sed 's/^TLSROOT-RESULT: PASS //' | tr -d '\r'); ${at:-root mount time not measured (no test-bed hook in the image)}; no $short bytes in image, console, root or /run"
}

# A boot that must stop in the initramfs: the console shows PATTERN (one
# clear line), the VM powers itself off, the root is never mounted, and
# the server saw no NFS request (COMPOUND) at all: no plaintext attempt.
nr_expect_stop() { # vm label flavor export pattern [option...] [extra cmdline...]
	local vm=$1 label=$2 flavor=$3 export=$4 pattern=$5 d before rc opts=(--timeout=240)
	shift 5
	while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do opts+=("$1"); shift; done
	d=$(nr_dir "$label")
	before=$(nr_server_quiet)
	nr_boot "$vm" "$label" "$d/initrd-$flavor.img" "${opts[@]}" "$(nr_append "$label" "$export" "$@")"
	rc=$?
	nr_stop_pids
	sleep 2
	nr_stop_verdict "$vm" $rc "$(nr_opt timeout "${opts[@]}")" "$pattern" "$before" "$(nr_server_compounds)" \
		"the server saw NFS requests during a boot that had to stop (COMPOUND %s -> %s)" \
		"stopped in the initramfs"
}

# The verdict on a boot that had to stop: it powered off by itself (RC 0
# from the boot), the console shows a line matching PATTERN, nothing went
# past the initramfs, and the server's counter did not move (BEFORE ==
# AFTER; otherwise MOVED, a printf format given BEFORE and AFTER).
nr_stop_verdict() { # vm rc timeout pattern before after moved passed
	local log line
	log=$(tb_vm_log "$1")
	line=$(tr -d '\r' <"$log" | grep -a -m1 -E "$4" | sed 's/^\[ *[0-9.]*\] //')
	[ "$2" -ne 1 ] || { nr_boot_failed "$2" "$3" "$log"; return 1; }
	[ "$2" -eq 0 ] || { echo "FAIL the boot did not stop by itself (still running after $3 s) [log: $log]"; return 1; }
	[ -n "$line" ] || { echo "FAIL no line matching '$4' on the console; FATAL lines: $(grep -a 'FATAL' "$log" | head -n2 | tr -d '\r' | tr '\n' ';') [log: $log]"; return 1; }
	if grep -aqE 'tlsroot-test: root mounted|^TLSROOT-RESULT|Switching root' "$log"; then
		echo "FAIL the boot went on past the initramfs [log: $log]"
		return 1
	fi
	if [ "$5" != "$6" ]; then
		# shellcheck disable=SC2059
		printf "FAIL $7\n" "$5" "$6"
		return 1
	fi
	echo "PASS $8: $line"
}

# A client payload for the test-bed boot path, as tests/qemu/run.sh makes
# one (for the demo and the benchmarks, which run without the runner).
nr_base_payload() { # dir
	mkdir -p "$1/pki" "$1/bin"
	tb_guest_payload "$1"
	cp "$TB_RUN"/pki/{ca.pem,client.pem,client.key} "$1/pki/"
	cp "$TB_RUN"/guest-bin/* "$1/bin/"
}

# The host-only scenarios' exchange disk: a raw file holding a tar of this
# run's tlsroot package, the bundles in BUNDLE-DIR (as bundles/) and the
# trust anchor, which the first boot installs on its root
# (tlsroot-hostonly-verdict); that boot writes back a tar of its new
# initramfs. Prints nothing; fails with a line on stderr.
nr_hostonly_exchange() { # out.raw bundle-dir
	local x=$1 t deb
	deb=$(ls "$TB_RUN"/guest-deb/tlsroot_*.deb 2>/dev/null | head -n1)
	[ -n "$deb" ] || { nr_log "no tlsroot package in $TB_RUN/guest-deb"; return 1; }
	t=$(mktemp -d "$TB_RUN/exchange.XXXX")
	mkdir -p "$t/bundles"
	cp "$deb" "$t/" && cp "$2"/*.bundle "$t/bundles/" && cp "$TB_RUN/pki/ca.pem" "$t/" || return 1
	tar -cf "$x" -C "$t" . && truncate -s 256M "$x" || return 1
	rm -rf "$t"
}

# The image a host-only first boot wrote back to its exchange disk, into
# DIR; prints its path.
nr_hostonly_image() { # exchange.raw dir
	local img
	mkdir -p "$2"
	tar -xf "$1" -C "$2" 2>/dev/null || { nr_log "the exchange disk holds no tar"; return 1; }
	img=$(ls "$2"/initr* 2>/dev/null | head -n1)
	[ -s "$img" ] || { nr_log "no initramfs on the exchange disk: $(ls "$2")"; return 1; }
	echo "$img"
}

# The host-only scenarios' second boot and verdict: the image that the
# first boot (VM1, whose verdict was FIRST) wrote back to EXCHANGE,
# booted as VM with the command line APPEND and nr_boot's options BOOTOPTS
# (one word each), judged by nr_judge_root on the root DISK (WHAT, SHORT
# and find-secret options as there). Prints the scenario's verdict line.
nr_hostonly_boot() { # vm1 vm label exchange first append bootopts disk what short [find-secret option...]
	local vm1=$1 vm=$2 label=$3 x=$4 first=$5 append=$6 bootopts=$7 disk=$8 what=$9 short=${10}
	local log img rc second saved
	shift 10
	log=$(tb_vm_log "$vm1")
	saved=$(tr -d '\r' <"$log" | sed -n 's/^TLSROOT-HOSTONLY-CMDLINE: //p' | head -n1)
	img=$(nr_hostonly_image "$x" "$TB_RUN/$vm1.out") ||
		{ echo "FAIL the first boot wrote no image back [log: $log]"; return 1; }
	# shellcheck disable=SC2086 # one option per word
	nr_boot "$vm" "$label" "$img" --timeout=600 $bootopts "$append"
	rc=$?
	nr_stop_pids
	second=$(nr_judge_root $rc 600 "$(tb_vm_log "$vm")" "$img" "$disk" "$what" "$short" "$@") ||
		{ echo "FAIL boot of the host-only image (saved: $(echo "$saved" | head -c 400)): ${second#FAIL }"; return 1; }
	echo "PASS ${first#PASS }; saved command line: $(echo "$saved" | grep -o '55tlsroot.conf: [^;]*'); then booted it with '$append': ${second#PASS }"
}

# The busybox flavour's image holds no bash (its shell is busybox's).
nr_no_bash() { # image
	if "$TB_HERE/initrd-list.py" "$1" | grep -qE '^(usr/)?bin/bash$'; then
		echo "FAIL the busybox image $1 contains bash"
		return 1
	fi
}
