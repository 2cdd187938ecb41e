# Helpers of the verdict scripts that run on the client's network root
# (nfsroot-root/tlsroot-verdict.sh, -handoff-verdict.sh,
# -pressure-verdict.sh, nvmeroot-root/tlsroot-nvme-verdict.sh); sourced
# (bash) from /usr/local/lib/tlsroot-test/, where nfsroot-export.sh and
# nvmeroot-export.sh install it beside lib.sh. The host reads the
# verdict from the console: TLSROOT-MARK, TLSROOT-RESULT, TLSROOT-CANARY.
# shellcheck shell=bash disable=SC2034 # variables for the verdicts
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${BASH_SOURCE[0]%/*}/lib.sh"
# lib.sh puts the payload's bin first: the root has none, and a lookup
# there would walk the network root, also while it must not be touched.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
state=/run/tlsroot-test
# Copies of bash and its libraries (tb_stage_ram) for what must run while
# the root is away.
ram=/run/tlsroot-test-ram
boot=$(cat /proc/sys/kernel/random/boot_id)
mkdir -p $state
exec >/dev/console 2>&1

# The verdict, once; systemd powers the machine off. The host times the
# power-off from the kernel-log line (pressure.sh).
result() {
	echo "TLSROOT-RESULT: $*"
	sync
	echo "<5>tlsroot-test: poweroff requested" >/dev/kmsg
	systemctl --no-block poweroff
	exit 0
}
# A verdict script may define fail_context to print what explains a
# failure (before the verdict line, which ends the console output).
fail() {
	declare -F fail_context >/dev/null && fail_context
	result "FAIL $*"
}

agent_json() { tlsroot agent status 2>/dev/null; }
agent_field() { agent_json | jq -r "$1" 2>/dev/null; }

# cmdline_has PATTERN: a word of the kernel command line matches PATTERN.
cmdline_has() {
	# shellcheck disable=SC2254 # $1 is a pattern
	case " $(cat /proc/cmdline) " in *\ $1\ *) return 0 ;; esac
	return 1
}
# cmdline_arg NAME: the value of the last NAME= of the kernel command
# line; fails if there is none.
cmdline_arg() {
	local w v='' found=1
	for w in $(cat /proc/cmdline); do
		case $w in "$1"=*) v=${w#*=} found=0 ;; esac
	done
	echo "$v"
	return $found
}

# The agent the initramfs started still runs on the real root; sets pid.
agent_running() {
	pid=$(cat /run/tlsroot/agent.pid 2>/dev/null)
	[ -n "$pid" ] && [ -d /proc/$pid ] || fail "the tlsroot agent is not running on the real root"
}
# '@' in argv[0] is what makes systemd's shutdown spare a root storage
# daemon.
agent_argv0_at() {
	local argv0
	argv0=$(tr '\0' '\n' </proc/$pid/cmdline | head -n1)
	case $argv0 in @*) ;; *) fail "agent argv[0] is '$argv0', not @...: systemd would kill it at shutdown" ;; esac
}

# The agent's unit refuses a manual stop (RefuseManualStop=yes): a
# `systemctl stop` on the booted system must not end the agent. Checked
# where the agent runs as a unit: the systemd initramfs, whose pre-pivot
# hook copies the unit to /run/systemd/system.
agent_refuses_stop() {
	local out
	[ -f /run/systemd/system/tlsroot-agent.service ] || return 0
	systemctl -q is-active tlsroot-agent.service ||
		fail "tlsroot-agent.service is $(systemctl is-active tlsroot-agent.service) on the real root"
	if out=$(systemctl stop tlsroot-agent.service 2>&1); then
		fail "systemctl stop tlsroot-agent.service succeeded: the unit must refuse a manual stop"
	fi
	case $out in *[Rr]efuse*) ;; *) fail "systemctl stop tlsroot-agent.service failed, but not as refused: $out" ;; esac
	[ -d /proc/$pid ] || fail "the agent (pid $pid) is gone after a refused systemctl stop"
	tb_mark "systemctl stop tlsroot-agent.service refused: $(echo "$out" | head -n1)"
}

# rw_check TEXT: a file written on the root and synced reads back (with
# the boot id) after the page cache is dropped, i.e. from the server.
rw_check() {
	local f=/var/lib/tlsroot-test/rw-$boot
	echo "$1 $boot" >$f && sync "$f" || fail "cannot write $f on the root"
	echo 3 >/proc/sys/vm/drop_caches
	grep -qx "$1 $boot" "$f" || fail "read back of $f differs"
}

# A copy of /run on the root: the host scans the exported disk for the
# private key's bytes (none may appear in /run or on the root). The
# canary in /run shows the host that its scan does see this copy.
run_copy() {
	local canary
	canary=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
	echo "tlsroot-canary-$canary" >$state/canary
	tar -C /run --one-file-system -cf /var/lib/tlsroot-test/run-$boot.tar . 2>/dev/null
	sync
	echo "TLSROOT-CANARY: $canary"
}

# The 55tlsroot drop-in's condition says in the kernel log why it did not
# start tlshd: that line, or failure without one.
tlshd_skipped() {
	local line
	line=$(dmesg | grep -m1 'tlsroot: tlshd not started: ') || return 1
	echo "${line#*] }"
}
