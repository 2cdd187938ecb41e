#!/bin/bash
# make check: build, unit tests plain and under ASan+UBSan, fuzzers, TPM
# tests, QEMU scenarios, and the self-tests of this count; the Debian
# package after the build. The last line is the total "N passed, N failed".
#   CHECK_STAGES="build package unit asan fuzz tpm qemu selftest"   (default: all;
#   spaces or commas)
#
# The count is honest by construction: every stage knows the cases it
# expects before it runs them (the unit binaries, the fuzz harnesses,
# `run-tpm-tests.sh --list`, `tests/qemu/run.sh --list-instances`). An expected
# case that reported nothing is a failure with its name; a runner that
# exits non-zero without printing a failure line adds a failure saying so.
set -u
cd "$(dirname "$0")/.." || exit 1

all_stages="build package unit asan fuzz tpm qemu selftest"
stages=${CHECK_STAGES:-$all_stages}
stages=${stages//,/ }
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

# The Debian package: scripts/build-deb.sh into a scratch directory, then
# lintian and the file list. Cases: package-build, package-lintian,
# package-contents; "PASS|FAIL name: reason" each.
package_cases=(package-build package-lintian package-contents)
package_stage() {
	local out=build/check-package deb changes start lv st e w problems list n_svc mode path sec
	rm -rf "$out" && mkdir -p "$out" || { echo "FAIL package-build: cannot make $out"; return 1; }
	start=$(date +%s)
	if ! deb=$(scripts/build-deb.sh "$out" 2>"$out/build-deb.err") || [ ! -f "$deb" ]; then
		echo "FAIL package-build: $(tail -n 1 "$out/build-deb.err")"
		echo "FAIL package-lintian: no package (package-build failed)"
		echo "FAIL package-contents: no package (package-build failed)"
		return 1
	fi
	echo "PASS package-build: dpkg-buildpackage -b made ${deb##*/} ($(stat -c %s "$deb") bytes) in $(($(date +%s) - start)) s"

	changes=$(find "$out" -maxdepth 1 -name 'tlsroot_*.changes' | head -n 1)
	if ! command -v lintian >/dev/null; then
		echo "FAIL package-lintian: lintian not found; apt-get install lintian (or make host-setup as root)"
	else
		lv=$(lintian --version 2>/dev/null | sed -n 's/^Lintian v//p')
		lintian --fail-on error "${changes:-$deb}" >"$out/lintian.txt" 2>"$out/lintian.err"
		st=$?
		e=$(grep -c '^E: ' "$out/lintian.txt")
		w=$(grep -c '^W: ' "$out/lintian.txt")
		if [ "$st" -eq 0 ] && [ "$e" -eq 0 ]; then
			echo "PASS package-lintian: lintian $lv on ${changes##*/}: 0 errors, $w warnings"
		elif [ "$e" -eq 0 ]; then
			echo "FAIL package-lintian: lintian $lv exited $st: $(grep -v 'root privileges' "$out/lintian.err" | tail -n 1)"
		else
			grep '^E: ' "$out/lintian.txt"
			echo "FAIL package-lintian: lintian $lv on ${changes##*/}: $e errors, $w warnings (listed above; $out/lintian.txt)"
		fi
	fi

	# "mode path" per entry; a path is checked with its mode.
	list=$(dpkg-deb -c "$deb" | awk '{ sub(/^\./, "", $6); print $1, $6 }')
	problems=
	pkg_has() { # mode path what
		grep -qxF -e "$1 $2" <<<"$list" || problems="$problems; $3 $2 is not there with mode $1"
	}
	pkg_has -rwxr-xr-x /usr/sbin/tlsroot binary
	pkg_has -rwxr-xr-x /usr/sbin/tlsroot-agent binary
	pkg_has -rwxr-xr-x /usr/lib/dracut/modules.d/55tlsroot/module-setup.sh "dracut module"
	pkg_has -rw-r--r-- /usr/lib/systemd/system/tlshd.service.d/tlsroot.conf "tlshd drop-in"
	n_svc=$(grep -c '\.service$' <<<"$list")
	[ "$n_svc" -gt 0 ] || problems="$problems; no *.service file"
	while read -r mode path; do
		problems="$problems; $path has mode ${mode#-}, not rw-r--r--"
	done < <(grep -E '\.(service|conf)$' <<<"$list" | grep -v '^-rw-r--r-- ')
	for sec in 5 7 8; do
		grep -qE "^-rw-r--r-- /usr/share/man/man$sec/[^/]+\.$sec\.gz$" <<<"$list" ||
			problems="$problems; no gzipped man page in section $sec"
	done
	if [ -z "$problems" ]; then
		echo "PASS package-contents: $(grep -c '^-' <<<"$list") files; /usr/sbin/tlsroot{,-agent} and 55tlsroot/module-setup.sh rwxr-xr-x, $n_svc *.service and every *.conf rw-r--r--, the tlshd drop-in, man pages in sections 5 ($(grep -cE ' /usr/share/man/man5/.+\.gz$' <<<"$list")), 7 ($(grep -cE ' /usr/share/man/man7/.+\.gz$' <<<"$list")), 8 ($(grep -cE ' /usr/share/man/man8/.+\.gz$' <<<"$list"))"
	else
		echo "FAIL package-contents: ${problems#; }"
	fi
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
	package)
		run_stage package "$logdir/package.log" package_stage
		count_cases package '' "$logdir/package.log" $? "${package_cases[@]}" ;;
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
		echo "check: unknown stage '$s'; stages are $all_stages" >&2
		count "$s" 0 1 ;;
	esac
done

printf '%d passed, %d failed\n' "$total_pass" "$total_fail"
[ "$total_fail" -eq 0 ]
