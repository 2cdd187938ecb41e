#!/bin/bash
# tests/check/selftest.sh [--list]
# Self-tests of make check's count: each case runs a scratch copy of a
# stage (scripts/check.sh, and tests/qemu/ with its image, PKI and QEMU
# replaced by stand-ins) with a runner or VM that misbehaves, and checks
# that the closing line shows the failures it must. Nothing of the real
# suite runs. One line per case: SELFTEST PASS|FAIL name: reason.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cases=(qemu-runner-exits-silently tpm-runner-crashes-after-two vm-hangs-after-pass)

if [ "${1:-}" = --list ]; then
	printf '%s\n' "${cases[@]}"
	exit 0
fi

scratch=$(mktemp -d /tmp/tlsroot-check-selftest.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
failed=0

pass() { echo "SELFTEST PASS $1: $2"; }
fail() { echo "SELFTEST FAIL $1: $2"; failed=1; }

# A scratch tree holding scripts/check.sh, where a stage runs as in make
# check but writes only there.
scratch_tree() { # dir
	mkdir -p "$1/scripts" "$1/tests"
	cp "$top/scripts/check.sh" "$1/scripts/"
}

# expect_last CASE LOG LINE WHY: the closing line of LOG must be LINE.
expect_last() {
	local last
	last=$(tail -n 1 "$2")
	if [ "$last" = "$3" ]; then
		pass "$1" "closing line '$last': $4"
	else
		fail "$1" "closing line '$last', expected '$3' ($4); output: $(tail -n 8 "$2" | tr '\n' '|')"
	fi
}

case_qemu_runner_exits_silently() {
	local t=$scratch/qemu-silent name=qemu-runner-exits-silently
	scratch_tree "$t"
	cat >"$t/runner" <<-'EOF'
	#!/bin/sh
	# Knows two instances, then dies before reporting any.
	[ "${1:-}" = --list-instances ] && { echo alpha-k7; echo beta-k7; exit 0; }
	exit 1
	EOF
	chmod +x "$t/runner"
	CHECK_STAGES=qemu CHECK_QEMU_RUNNER="$t/runner" "$t/scripts/check.sh" >"$t/out" 2>&1
	expect_last "$name" "$t/out" "0 passed, 3 failed" \
		"two instances that never reported and a runner that exited 1 without a failure line"
	grep -q '^FAIL alpha-k7: expected, but it reported nothing' "$t/out" ||
		fail "$name" "the missing instance alpha-k7 is not named"
}

case_tpm_runner_crashes_after_two() {
	local t=$scratch/tpm-crash name=tpm-runner-crashes-after-two
	scratch_tree "$t"
	cat >"$t/runner" <<-'EOF'
	#!/bin/bash
	[ "${1:-}" = --list ] && { printf '%s\n' one two three four; exit 0; }
	echo "TPM PASS one"
	echo "TPM PASS two"
	kill -SEGV $$
	EOF
	chmod +x "$t/runner"
	CHECK_STAGES=tpm CHECK_TPM_RUNNER="$t/runner" "$t/scripts/check.sh" >"$t/out" 2>&1
	expect_last "$name" "$t/out" "2 passed, 3 failed" \
		"two cases passed, two never ran, and the crash (signal 11) printed no failure line"
	grep -q '^TPM FAIL tpm-runner: exited 139 without reporting a failure' "$t/out" ||
		fail "$name" "the crash is not reported with its exit status"
}

# The real tests/qemu/run.sh, copied, with stand-ins for what would boot: the
# image, the PKI, the guest build and QEMU itself. The stand-in QEMU plays
# the server (ready at once) and clients whose behaviour is chosen by the
# instance name in their serial log path.
case_vm_hangs_after_pass() {
	local t=$scratch/qemu-hang name=vm-hangs-after-pass f
	scratch_tree "$t"
	cp -r "$top/tests/qemu" "$t/tests/"
	rm -f "$t/tests/qemu/scenarios/"*
	mkdir -p "$t/image/kernels/k7" "$t/image/rootfs" "$t/fakebin" "$t/cache"
	: >"$t/image/kernels/k7/vmlinuz"
	: >"$t/image/kernels/k7/boot.cpio.gz"
	echo 0.0-selftest >"$t/image/kernels/k7/version"
	touch "$t/image/rootfs.img" "$t/image/.complete"
	for f in "$t"/tests/qemu/image/build-image*; do
		printf '#!/bin/sh\necho %s\n' "$t/image" >"$f"
	done
	for f in "$t"/tests/qemu/pki "$t"/tests/qemu/pki.sh; do
		[ -e "$f" ] || continue
		cat >"$f" <<-'EOF'
		#!/bin/sh
		mkdir -p "$1" && cd "$1" || exit 1
		for n in ca rogue-ca client server rogue-server wrongname-server; do : >"$n.pem"; done
		for n in client server rogue-server wrongname-server; do : >"$n.key"; done
		: >nvme-psk.txt; : >nvme-psk-wrong.txt
		EOF
	done
	echo 'tb_build_guest_binaries() { return 1; }' >>"$t/tests/qemu/testbed.sh"
	cat >"$t/fakebin/qemu-img" <<-'EOF'
	#!/bin/sh
	exit 0
	EOF
	cat >"$t/fakebin/qemu-system-x86_64" <<-'EOF'
	#!/bin/bash
	serial= append=
	while [ $# -gt 0 ]; do
		case $1 in
		-serial) serial=${2#file:}; shift ;;
		-append) append=$2; shift ;;
		esac
		shift
	done
	case "$append $serial" in
	*tlsroot.role=server*) echo TLSROOT-SERVER-READY >>"$serial"; exec sleep 300 ;;
	*vm-client-hangs-*) echo "TLSROOT-RESULT: PASS all checks passed" >>"$serial"; exec sleep 300 ;;
	*vm-client-mustfail-passes-*) echo "TLSROOT-RESULT: PASS mounted" >>"$serial" ;;
	*vm-client-mustfail-refused-*) echo "TLSROOT-RESULT: FAIL mount refused by the server: access denied by server" >>"$serial" ;;
	*vm-client-mustfail-other-*) echo "TLSROOT-RESULT: FAIL network unreachable" >>"$serial" ;;
	esac
	exit 0
	EOF
	chmod +x "$t/fakebin/"*
	for f in hangs mustfail-passes mustfail-refused mustfail-other; do
		{
			echo "NEEDS_TLSROOT=no KERNELS=k7 TIMEOUT=20 DESC=selftest"
			case $f in mustfail-*) echo "EXPECT=fail EXPECT_REASON='^mount refused by the server'" ;; esac
			echo 'guest() { :; }'
		} >"$t/tests/qemu/scenarios/$f.sh"
	done
	PATH="$t/fakebin:$PATH" TLSROOT_ACCEL=tcg TLSROOT_CACHE="$t/cache" TLSROOT_QEMU_JOBS=2 \
		CHECK_STAGES=qemu timeout 300 "$t/scripts/check.sh" >"$t/out" 2>&1
	expect_last "$name" "$t/out" "1 passed, 3 failed" \
		"a VM that hangs after PASS, a must-fail control that passed and one that failed for another reason all fail; only the refusal passes"
	grep -q '^FAIL hangs-k7: the VM printed .PASS all checks passed. but did not power off within' "$t/out" ||
		fail "$name" "the hanging VM's failure does not say it did not power off: $(grep -a 'hangs-k7' "$t/out")"
	grep -q '^PASS mustfail-refused-k7: failed as it must' "$t/out" ||
		fail "$name" "the refused must-fail control did not pass: $(grep -a 'mustfail-refused' "$t/out")"
	grep -q '^FAIL mustfail-other-k7: must-fail control failed for another reason' "$t/out" ||
		fail "$name" "the must-fail control with another reason is not named so: $(grep -a 'mustfail-other' "$t/out")"
}

for c in "${cases[@]}"; do
	"case_${c//-/_}"
done
exit $failed
