#!/bin/bash
# Run each libFuzzer harness in DIR for SECONDS, starting from its seed
# corpus in tests/fuzz/corpus/<name>/ (copied, so runs never write to the
# tree). Prints "FUZZ PASS name" or "FUZZ FAIL name: reason" per harness.
set -u
dir=$1
seconds=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
rc=0
shopt -s nullglob
for bin in "$dir"/fuzz_*; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	work=$(mktemp -d)
	mkdir -p "$work/corpus" "$work/artifacts"
	[ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$work/corpus/"
	if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/artifacts/" "$work/corpus" \
		>"$work/log" 2>&1; then
		runs=$(grep -aoE 'Done [0-9]+ runs' "$work/log" | tail -n1)
		echo "FUZZ PASS $name (${runs:-no run count}, ${seconds}s)"
	else
		echo "FUZZ FAIL $name: crash or leak; log follows"
		tail -n 40 "$work/log"
		mkdir -p build/fuzz-artifacts
		cp "$work"/artifacts/* build/fuzz-artifacts/ 2>/dev/null
		rc=1
	fi
	rm -rf "$work"
done
exit $rc
