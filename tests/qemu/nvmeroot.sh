# Host side of the NVMe/TCP-root scenarios (sourced by scenarios/nvmeroot-*.sh
# and bench/nvmeroot-*; needs testbed.sh and tb_setup). Reuses nfsroot.sh:
# the PSK is sealed inside the client VM to its own swtpm in a provisioning
# boot (guest/nvmeroot-seal.sh), the dracut images are built in an overlay
# of the guest rootfs, and the client boots diskless from -kernel/-initrd;
# its root is namespace 2 of the server's test subsystem (/dev/vde there,
# a copy-on-write overlay of the guest rootfs: root=UUID= of rootfs.img).
#
# Per run and kernel, in $TB_RUN/nvmeroot-<label>/: tpm/state, nvme1.bundle
# (a tar of the sealed bundles nvme1 and otherhost, as the seal VM printed
# it), b/{nvme1,otherhost}.bundle, initrd-{systemd,nosystemd}.img. Both
# bundles are in the images: the boot path must pick the PSK for its own
# host NQN; rd.tlsroot.bundle=/etc/tlsroot/bundles/otherhost.bundle
# leaves it only the other host's.

. "$TB_HERE/nfsroot.sh"
NR_IDENTITY=nvme1
# No nfs: 55tlsroot does not need it for an NVMe root.
NR_DRACUT_MODULES="bash udev-rules $NR_DRACUT_NET rootfs-block shutdown"
eval "$(grep -E '^TB_(SUBNQN|HOSTNQN|HOSTID)=' "$TB_HERE/guest/lib.sh")"

nr_dir() { echo "${TB_SHARED:-$TB_RUN}/nvmeroot-$1"; }

nvr_root_uuid() { blkid -s UUID -o value "$TB_IMAGE/rootfs.img"; }

# Kernel command line of an NVMe/TCP-root boot: the documented one. The
# host NQN and ID come from /etc/nvme/ in the image, as nvme-cli keeps
# them (nvr_prepare); no rd.neednet=1: 55tlsroot's cmdline hook sets it.
nvr_append() { # [extra...]
	echo "console=ttyS0 panic=-1 oops=panic net.ifnames=0 rd.shell=0 rw" \
		"root=UUID=$(nvr_root_uuid)" \
		"rd.tlsroot.nvme.traddr=$TB_SERVER_IP rd.tlsroot.nvme.subsysnqn=$TB_SUBNQN" \
		"rd.tlsroot.nvme.nr_io_queues=4" \
		"ip=$TB_CLIENT_IP::$TB_SERVER_IP:255.255.255.0:client:eth0:off" \
		"$@"
}

# Seal (once) and build the images (once) for a kernel.
nvr_prepare() { nr_locked "$1" nvr_prepare_unlocked "$@"; }
nvr_prepare_unlocked() { # label payload-dir
	local d
	d=$(nr_dir "$1")
	nr_seal "$1" "$2" --script=nvmeroot-seal.sh || return 1
	if [ ! -s "$d/b/otherhost.bundle" ]; then
		mkdir -p "$d/b"
		tar -xf "$d/$NR_IDENTITY.bundle" -C "$d/b" || { nr_log "the seal VM's tar of bundles is damaged"; return 1; }
	fi
	[ -s "$d/initrd-systemd.img" ] && [ -s "$d/initrd-nosystemd.img" ] && [ -s "$d/initrd-busybox.img" ] && return 0
	nvr_build_images "$1" "$d" "systemd nosystemd busybox"
}

# nvr_build_images LABEL OUTDIR FLAVORS [nr_build_images option...]: the
# NVMe-root images of nvr_prepare's seal: both hosts' bundles, the host
# NQN and ID in /etc/nvme/, ext4 for the root (no kernel-modules in the -m
# list; softdeps follow), the test-only plaintext-baseline hook
# (bench/nvmeroot-boot). The options add to these (--remove runs after
# the plants).
nvr_build_images() {
	local label=$1 out=$2 flavors=$3 d
	# dracut 112 runs /var/lib's hooks first (its own are there too).
	local plain=/var/lib/dracut/hooks/initqueue/settled/40-tlsroot-test-plain.sh
	shift 3
	d=$(nr_dir "$label")
	printf 'add_drivers+=" ext4 "\ninstall_items+=" %s "\n' "$plain" >"$d/test.conf"
	echo "$TB_HOSTNQN" >"$d/hostnqn"
	echo "$TB_HOSTID" >"$d/hostid"
	nr_build_images "$label" "$out" --flavors "$flavors" --bundle "$d/b/nvme1.bundle" \
		--plant "$d/hostnqn" /etc/nvme/hostnqn --plant "$d/hostid" /etc/nvme/hostid \
		--plant "$d/b/otherhost.bundle" /etc/tlsroot/bundles/otherhost.bundle \
		--plant "$d/test.conf" /etc/dracut.conf.d/90-tlsroot-test.conf \
		--plant "$TB_HERE/guest/nvmeroot-hook-plain.sh" "$plain" "$@"
}

# Controllers nvmet created so far (its kernel log on the server console).
nvr_server_ctrls() {
	grep -ac 'nvmet: Created nvm controller' "$(tb_vm_log server)"
}

# One boot; returns as nr_boot. Options: nr_boot's, and --initrd=FILE
# (another image than the kernel's initrd-FLAVOR.img); the client has 4
# vCPUs (4 I/O queues) on one TCG thread unless --smp= says otherwise.
nvr_boot() { # vm label flavor [option...] [extra...]
	local vm=$1 label=$2 flavor=$3 initrd opts=(--smp=4 --one-tcg-thread)
	shift 3
	initrd=$(nr_dir "$label")/initrd-$flavor.img
	while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do
		case $1 in
		--initrd=*) initrd=${1#*=} ;;
		*) opts+=("$1") ;;
		esac
		shift
	done
	nr_boot "$vm" "$label" "$initrd" "${opts[@]}" "$(nvr_append "$@")"
}

# A boot that must reach the NVMe root, pass the verdict there and power
# off, with the PSK (configured, retained, TLS PSK) in none of the image,
# the console and the root disk. Prints "PASS|FAIL reason"; the console
# log is tb_vm_log VM. Options: nvr_boot's (--timeout=600 unless given).
nvr_expect_root() { # vm label flavor [option...] [extra...]
	local vm=$1 label=$2 flavor=$3 rc opts=(--timeout=600)
	shift 3
	while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do opts+=("$1"); shift; done
	nvr_boot "$vm" "$label" "$flavor" "${opts[@]}" "$@"
	rc=$?
	nr_stop_pids
	nr_judge_root $rc "$(nr_opt timeout "${opts[@]}")" "$(tb_vm_log "$vm")" \
		"$(nr_dir "$label")/initrd-$flavor.img" "$TB_RUN/server-root-nvme.qcow2" \
		"the NVMe PSK is" PSK --psk "$TB_RUN/pki/nvme-psk.txt" "$TB_HOSTNQN" "$TB_SUBNQN"
}

# A boot that must stop in the initramfs with a line matching PATTERN,
# power off by itself, never mount the root, and make the target create
# no controller at all (so nothing connected, with TLS or without).
nvr_expect_stop() { # vm label flavor pattern [option...] [extra...]
	local vm=$1 label=$2 flavor=$3 pattern=$4 before rc opts=(--timeout=400)
	shift 4
	while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do opts+=("$1"); shift; done
	before=$(nvr_server_ctrls)
	nvr_boot "$vm" "$label" "$flavor" "${opts[@]}" "$@"
	rc=$?
	nr_stop_pids
	sleep 2
	nr_stop_verdict "$vm" $rc "$(nr_opt timeout "${opts[@]}")" "$pattern" "$before" "$(nvr_server_ctrls)" \
		"the target created controllers during a boot that had to stop (count %s -> %s)" \
		"stopped in the initramfs, no controller on the target"
}

# nvr_variant_image LABEL NAME [nvr_build_images option...]: a systemd
# image like the kernel's own, changed by the OPTIONs, built once into
# nr_dir/NAME; prints its path, or a FAIL line and fails.
nvr_variant_image() {
	local label=$1 d
	d=$(nr_dir "$1")/$2
	shift 2
	mkdir -p "$d"
	nvr_build_images "$label" "$d" systemd "$@" >&2 ||
		{ echo "FAIL dracut for the image $d failed: $(grep -a -m1 -iE 'fatal|error' "$d/dracut-systemd.log")"; return 1; }
	echo "$d/initrd-systemd.img"
}
