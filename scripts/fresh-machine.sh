#!/bin/bash
# scripts/fresh-machine.sh [--keep] [--commit REV] [COMMAND...]
#
# Rehearse a new user's first try: build a minimal Debian bookworm root
# with mmdebstrap (only what a user has before reading the README: make,
# git, ca-certificates), put a clean clone of this repository in it, and
# run the README's commands there, one after the other, each in a new
# root with an empty /var/cache/tlsroot and none of the host's build or
# test packages.
# Default commands: "make demo" "make check". Prints each command's exit
# status and wall time, then "N passed, N failed" over the commands.
#
#   --commit REV   clone this revision (default HEAD; uncommitted work is
#                  not part of a rehearsal, as it would not be in a clone)
#   --keep         keep the root afterwards (default: removed)
#   TLSROOT_FRESH_DIR  where the root is made (default /var/tmp)
#   TLSROOT_FRESH_TIMEOUT  bound of each command in seconds (default 7200)
#
# Needs root and mmdebstrap on the host. The root shares the host's
# network namespace (the test bed's VMs talk over 127.0.0.1 only) and its
# /dev, /proc and /sys; everything started in it is stopped by PID at the
# end (processes whose root directory is the rehearsal root).
set -euo pipefail

keep=no
rev=HEAD
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=yes; shift ;;
	--commit) rev=$2; shift 2 ;;
	--help|-h) sed -n '2,20p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "fresh-machine: unknown option '$1'; see --help" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- "make demo" "make check"

top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "fresh-machine: needs root (it builds a chroot and runs QEMU in it)" >&2; exit 2; }
command -v mmdebstrap >/dev/null ||
	{ echo "fresh-machine: mmdebstrap is missing; apt-get install mmdebstrap" >&2; exit 2; }
sha=$(git -C "$top" rev-parse --verify "$rev^{commit}") ||
	{ echo "fresh-machine: '$rev' is not a commit of $top" >&2; exit 2; }

base=${TLSROOT_FRESH_DIR:-/var/tmp}
bound=${TLSROOT_FRESH_TIMEOUT:-7200}
logdir=$(mktemp -d "$base/tlsroot-fresh-logs-XXXXXX")
root=
mounted=()
log() { echo "fresh-machine: $*" >&2; }

# Stop what a command left running: only processes whose root is ours.
stop_ours() {
	local sig=$1 p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case $r in "$root"|"$root"/*) kill "-$sig" "${p#/proc/}" 2>/dev/null || true ;; esac
	done
}
remove_root() {
	[ -n "$root" ] || return 0
	set +e
	stop_ours TERM
	sleep 2
	stop_ours KILL
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -R "${mounted[i]}" 2>/dev/null || umount -lR "${mounted[i]}"
	done
	mounted=()
	# Mounts the command made inside (the test bed's overlays) go too.
	grep -F " $root/" /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r -n1 umount -l 2>/dev/null
	if [ "$keep" = no ]; then
		rm -rf --one-file-system "$root"
	else
		log "kept $root"
	fi
	root=
	set -e
}
trap remove_root EXIT
trap 'exit 143' TERM INT

# The same Debian mirror as the host's apt sources.
mirror=$(grep -hoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list \
	/etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list \
	2>/dev/null | grep -v security | head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}

# make_root NAME: a new bookworm root with a clean clone in /root/tlsroot.
make_root() {
	local t0
	root=$(mktemp -d "$base/tlsroot-fresh-$1-XXXXXX")
	t0=$(date +%s)
	mmdebstrap --quiet --variant=minbase --include=make,git,ca-certificates \
		--aptopt='APT::Install-Recommends "false"' \
		--customize-hook='cp /etc/resolv.conf "$1/etc/resolv.conf"' \
		bookworm "$root" "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
		>"$logdir/$1.mmdebstrap.log" 2>&1 ||
		{ log "mmdebstrap failed: $(tail -n 2 "$logdir/$1.mmdebstrap.log" | tr '\n' ' ')"; return 1; }
	git clone -q --no-local "$top" "$root/root/tlsroot"
	git -C "$root/root/tlsroot" checkout -q "$sha"
	local m
	for m in proc sys dev; do
		mount --rbind "/$m" "$root/$m"
		mount --make-rslave "$root/$m"
		mounted+=("$root/$m")
	done
	log "new root $root ready in $(($(date +%s) - t0)) s (bookworm minbase + make git ca-certificates, commit ${sha:0:12})"
}

# Each command gets its own new root, so each one is a first try.
passed=0 failed=0
for cmd in "$@"; do
	name=$(echo "$cmd" | tr -c 'a-zA-Z0-9\n' '-')
	make_root "$name" || { failed=$((failed + 1)); continue; }
	log "running '$cmd' (output: $logdir/$name.log)"
	start=$(date +%s)
	set +e
	timeout --kill-after=60 "$bound" chroot "$root" /usr/bin/env -i \
		HOME=/root TERM=dumb LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/sh -c "cd /root/tlsroot && $cmd" </dev/null >"$logdir/$name.log" 2>&1
	rc=$?
	set -e
	secs=$(($(date +%s) - start))
	last=$(grep -avE '^\s*$' "$logdir/$name.log" | tail -n 1 | cut -c1-160)
	printf 'fresh-machine: %-12s exit %d, %d s (%d min %d s); last line: %s\n' \
		"'$cmd'" "$rc" "$secs" $((secs / 60)) $((secs % 60)) "$last"
	if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	cp -r "$root/root/tlsroot/build/check-logs" "$logdir/$name.check-logs" 2>/dev/null || true
	remove_root
done
log "logs in $logdir (commit $sha)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
