#!/bin/bash
# make demo: boot a diskless client VM from an NFS root over mutual TLS,
# with its identity sealed inside its own TPM, and say what happened.
#   1. test bed: guest image (cached), test PKI, tlsroot built in the guest
#   2. server VM: nfsd exporting a client root tree with xprtsec=mtls
#   3. client VM, first boot: `tlsroot seal` inside the VM, to its swtpm
#   4. dracut initramfs with 55tlsroot and that sealed bundle
#   5. client VM, NFS-root boot from that initramfs: unseal, agent, mount
#      over mTLS, switch_root, systemd on the NFS root, checks, power off
# Artifacts: build/qemu/demo-<time>/ (serial logs, images, bundle).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/testbed.sh"
. "$here/nfsroot.sh"
label=k7
run=$TB_TOP/build/qemu/demo-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
t_start=$(date +%s)

say() { printf '%s\n' "$*"; }
step() { printf '\n[%4ds] %s\n' $(($(date +%s) - t_start)) "$*"; }
fail() { printf '\nmake demo: FAILED: %s\n(artifacts: %s)\n' "$*" "$run" >&2; exit 1; }

step "1/5 test bed: guest image, test PKI, tlsroot built inside the guest rootfs"
tb_setup "$run" 2>"$run/setup.log" || fail "test bed setup: $(tail -n 2 "$run/setup.log" | tr '\n' ' ')"
[ -z "$TB_GUEST_BUILD_ERROR" ] || fail "$TB_GUEST_BUILD_ERROR"
say "       accelerator $TB_ACCEL; image $TB_IMAGE"

step "2/5 server VM: nfsd exports a client root tree with xprtsec=mtls"
tb_start_server 2>>"$run/server.log" || fail "server VM not ready: $(tail -n 1 "$run/server.log")"
say "       192.0.2.1:/srv/root-mtls  (tlshd serves the server side; test CA)"

step "3/5 client VM, first boot: sealing identity client1 inside its own TPM"
nr_base_payload "$run/payload"
nr_seal "$label" "$run/payload" 2>>"$run/demo.log" || fail "sealing: $(tail -n 1 "$run/demo.log")"
d=$(nr_dir "$label")
say "       bundle: $d/$NR_IDENTITY.bundle ($(stat -c %s "$d/$NR_IDENTITY.bundle") bytes, not secret)"

step "4/5 dracut: initramfs with 55tlsroot and the sealed bundle"
nr_build_images "$label" "$d" --bundle "$d/$NR_IDENTITY.bundle" --flavors systemd 2>>"$run/demo.log" ||
	fail "dracut: $(tail -n 1 "$run/demo.log")"
say "       $d/initrd-systemd.img ($(( $(stat -c %s "$d/initrd-systemd.img") / 1024 / 1024 )) MiB, gzip; systemd initramfs)"

step "5/5 client VM: booting from its NFS root over mTLS (this takes a few minutes under TCG)"
verdict=$(nr_expect_root demo-client "$label" systemd mtls 2>>"$run/demo.log")
log=$(tb_vm_log demo-client)
tb_cleanup

strip() { tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'; }
summary() { strip | sed -n "s/^TLSROOT-SUMMARY: $1//p" | head -n1; }

printf '\n==== what happened ====\n'
say "Kernel command line:"
say "  $(strip | sed -n 's/^\[ *[0-9.]*\] Kernel command line: //p' | head -n1 | grep -o 'root=[^ ]*')"
say "Root mount on the client (/proc/mounts; the kernel hides the key serials):"
say "  $(summary 'root mount: ')"
say "Identity and the PCRs it is sealed to (tlsroot inspect, on the host; no TPM needed):"
if [ -x "$TB_TOP/build/tlsroot" ]; then
	"$TB_TOP/build/tlsroot" inspect "$d/$NR_IDENTITY.bundle" | sed 's/^/  /'
else
	cp "$d/$NR_IDENTITY.bundle" "$run/" && say "  (build/tlsroot missing; bundle in $run)"
fi
say "PCR values read in the client VM when sealing:"
sed 's/^/  /' "$d/pcrs.txt"
say "Unsealed in the initramfs (key serials only; never key bytes):"
say "  $(strip | sed -n 's/^\[ *\([0-9.]*\)\] tlsroot: \(name=.*\)/[\1 s] \2/p' | head -n1)"
say "Handshakes, each served by tlsroot-agent (kernel log; time since kernel start):"
mounted=$(nr_mounted_at "$log")
strip | sed -n 's/^\[ *\([0-9.]*\)\] tlsroot-agent: handshake \(.*\)/\1 \2/p' |
	while read -r at rest; do
		phase="real root"
		awk -v a="$at" -v m="${mounted:-0}" 'BEGIN { exit !(a <= m) }' && phase="initramfs, root mount"
		printf '  [%8s s] %-22s %s\n' "$at" "($phase)" "$rest"
	done
strip | grep -E '^TLSROOT-MARK: (reconnect|real root)' | sed 's/^TLSROOT-MARK: /  /'
say "Root mounted ${mounted:-?} s after kernel start (TCG: no hardware acceleration)."
say "tlsroot agent status (on the real root, just before power-off):"
status=$(summary 'agent status: ')
if command -v jq >/dev/null && echo "$status" | jq -e . >/dev/null 2>&1; then
	echo "$status" | jq -r '"  mode \(.mode), handshakes served \(.served), failed \(.failed), in flight \(.in_flight), up \(.uptime_ms / 1000 | floor) s",
		"  memory locked \(.memory.locked_kib) KiB of \(.memory.rss_kib) KiB resident; mlockall \(.hardening.mlockall), io_flusher \(.hardening.io_flusher), seccomp \(.hardening.seccomp)",
		"  last error: \(.last_error // "none")"'
fi
say "  $status"
printf '\n[%4ds] verdict: %s\n' $(($(date +%s) - t_start)) "$verdict"
say "artifacts: $run (client console: $log)"
case $verdict in PASS*) exit 0 ;; *) exit 1 ;; esac
