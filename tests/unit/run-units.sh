#!/bin/bash
# Run cmocka test binaries. Per binary one line for scripts/check.sh:
#   UNIT-DONE name passed=N failed=M     (from cmocka's summary)
#   UNIT-CRASHED name (exit S, …)        (no summary: a crash, a sanitizer abort)
# Exits 1 if any binary failed or crashed.
set -u
rc=0
for t in "$@"; do
	name=$(basename "$t")
	echo "== $t"
	out=$(mktemp)
	"$t" 2>&1 | tee "$out"
	status=${PIPESTATUS[0]}
	passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n1)
	failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n1)
	if [ -z "$passed" ]; then
		echo "UNIT-CRASHED $name (exit $status, no cmocka summary)"
		rc=1
	else
		echo "UNIT-DONE $name passed=$passed failed=${failed:-0}"
		# A binary that exits non-zero with no failed test still failed.
		if [ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then
			echo "UNIT-CRASHED $name (exit $status after its summary)"
		fi
		[ "$status" -eq 0 ] || rc=1
	fi
	rm -f "$out"
done
exit $rc
