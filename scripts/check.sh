#!/bin/bash
# make check: build, unit tests plain and under ASan+UBSan, fuzzers, TPM
# tests, QEMU scenarios, and the self-tests of this count. The last line
# is the total "N passed, N failed".
#   CHECK_STAGES="build unit asan fuzz tpm qemu selftest"   (default: all)
#
# The count is honest by construction: every stage knows the cases it
# expects before it runs them (the unit binaries, the fuzz harnesses,
# `run-tpm-tests.sh --list`, `tests/qemu/run.sh --list-instances`). An expected
# case that reported nothing is a failure with its name; a runner that
# exits non-zero without printing a failure line adds a failure saying so.
set -u
cd "$(dirname "$0")/.." || exit 1

stages=${CHECK_STAGES:-"build unit asan fuzz tpm qemu selftest"}
logdir=build/check-logs
mkdir -p "$logdir"
total_pass=0
total_fail=0

count() { # stage passed failed
	printf '%s: %d passed, %d failed\n' "$1" "$2" "$3"
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
}

run_stage() { # name log command...
	local name=$1 log=$2
	shift 2
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	return "${PIPESTATUS[0]}"
}

# count_cases STAGE PREFIX LOG STATUS EXPECTED...: result lines are
# "<PREFIX>PASS name…" and "<PREFIX>FAIL name: reason"; each line counts.
# Then every expected name without a line is a failure, and a non-zero
# STATUS with no failure line at all is one more.
count_cases() {
	local stage=$1 prefix=$2 log=$3 status=$4 p f name reported
	shift 4
	p=$(grep -acE "^${prefix}PASS " "$log")
	f=$(grep -acE "^${prefix}FAIL " "$log")
	reported=$f
	for name in "$@"; do
		grep -aqE "^${prefix}(PASS|FAIL) ${name}( |:|\$)" "$log" && continue
		echo "${prefix}FAIL $name: expected, but it reported nothing" | tee -a "$log"
		f=$((f + 1))
	done
	if [ "$status" -ne 0 ] && [ "$reported" -eq 0 ]; then
		echo "${prefix}FAIL $stage-runner: exited $status without reporting a failure" | tee -a "$log"
		f=$((f + 1))
	fi
	count "$stage" "$p" "$f"
}

# cmocka: tests/unit/run-units.sh prints "UNIT-DONE name passed=N failed=M"
# per binary (or UNIT-CRASHED); each cmocka test counts, and an expected
# binary without a summary (not built, crashed) is one failure.
count_units() { # stage log status
	local stage=$1 log=$2 status=$3 p f t
	p=$(sed -n 's/^UNIT-DONE .* passed=\([0-9]*\) .*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
	f=$(sed -n 's/^UNIT-DONE .* failed=\([0-9]*\)$/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
	for t in tests/unit/test_*.c; do
		t=$(basename "$t" .c)
		grep -aqE "^UNIT-DONE $t " "$log" && continue
		echo "UNIT-FAIL $t: no cmocka summary ($(grep -a -m1 -E "^UNIT-CRASHED $t " "$log" | cut -d' ' -f3- || true))" |
			tee -a "$log"
		f=$((f + 1))
	done
	f=$((f + $(grep -ac '^UNIT-CRASHED .* after its summary' "$log")))
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "UNIT-FAIL $stage-runner: exited $status without reporting a failure" | tee -a "$log"
		f=$((f + 1))
	fi
	count "$stage" "$p" "$f"
}

# The runners; the self-tests point these at broken stand-ins.
tpm_runner=${CHECK_TPM_RUNNER:-tests/tpm/run-tpm-tests.sh}
qemu_runner=${CHECK_QEMU_RUNNER:-tests/qemu/run.sh}

for s in $stages; do
	case $s in
	build)
		if run_stage build "$logdir/build.log" make --no-print-directory all; then
			count build 1 0
		else
			count build 0 1
		fi ;;
	unit)
		run_stage unit "$logdir/unit.log" make --no-print-directory unit
		count_units unit "$logdir/unit.log" $? ;;
	asan)
		run_stage asan "$logdir/asan.log" make --no-print-directory unit-asan
		count_units "unit (asan+ubsan)" "$logdir/asan.log" $? ;;
	fuzz)
		run_stage fuzz "$logdir/fuzz.log" make --no-print-directory fuzz
		mapfile -t expected < <(for f in tests/fuzz/fuzz_*.c; do f=$(basename "$f" .c); echo "${f#fuzz_}"; done)
		count_cases fuzz 'FUZZ ' "$logdir/fuzz.log" $? "${expected[@]}" ;;
	tpm)
		list=$("$tpm_runner" --list) || list="tpm-case-list"
		mapfile -t expected <<<"$list"
		run_stage tpm "$logdir/tpm.log" "$tpm_runner" build/tlsroot
		count_cases tpm 'TPM ' "$logdir/tpm.log" $? "${expected[@]}" ;;
	qemu)
		# The selection is the runner's own (TLSROOT_QEMU_ALL_KERNELS).
		list=$("$qemu_runner" --list-instances) || list="qemu-instance-list"
		mapfile -t expected <<<"$list"
		run_stage qemu "$logdir/qemu.log" "$qemu_runner"
		count_cases qemu '' "$logdir/qemu.log" $? "${expected[@]}" ;;
	selftest)
		run_stage selftest "$logdir/selftest.log" tests/check/selftest.sh
		status=$?
		list=$(tests/check/selftest.sh --list) || list="selftest-case-list"
		mapfile -t expected <<<"$list"
		count_cases selftest 'SELFTEST ' "$logdir/selftest.log" "$status" "${expected[@]}" ;;
	*)
		echo "check: unknown stage '$s'; stages are build unit asan fuzz tpm qemu selftest" >&2
		count "$s" 0 1 ;;
	esac
done

printf '%d passed, %d failed\n' "$total_pass" "$total_fail"
[ "$total_fail" -eq 0 ]
