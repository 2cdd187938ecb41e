#!/bin/bash
# scripts/build-deb.sh OUTDIR
# Build the Debian package tlsroot (debian/) with dpkg-buildpackage -b from
# a scratch copy of this tree: as tests/qemu/testbed.sh copies it, the files
# git tracks and the untracked ones it does not ignore, as they are in the
# work tree; without git (or outside a checkout) the whole directory less
# build/ and .git. The .deb files, .buildinfo, .changes and the build log
# (build-deb.log) go to OUTDIR. The only line on stdout is the path of the
# tlsroot .deb; on failure one line on stderr says why, and the exit status
# is non-zero. Needs dpkg-dev, debhelper and the Build-Depends of
# debian/control; not root, not QEMU (the package build runs no tests).
set -u
die() { echo "build-deb: $*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: scripts/build-deb.sh OUTDIR"
src=$(cd "$(dirname "$0")/.." && pwd) || die "cannot find the source tree"
[ -f "$src/debian/control" ] || die "no debian/control in $src"
for t in dpkg-buildpackage:dpkg-dev dh:debhelper tar:tar; do
	command -v "${t%%:*}" >/dev/null ||
		die "${t%%:*} not found; apt-get install ${t#*:} (or run 'make host-setup' as root)"
done
mkdir -p "$1" && out=$(cd "$1" && pwd) || die "cannot create the output directory $1"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/tlsroot-deb.XXXXXX") || die "cannot make a scratch directory"
trap 'rm -rf "$scratch"' EXIT
# dpkg-buildpackage writes its results next to the tree: into $scratch.
tree=$scratch/tlsroot
mkdir "$tree"
log=$out/build-deb.log

files=$scratch/files
if [ -e "$src/.git" ] && command -v git >/dev/null &&
	git -C "$src" ls-files -z --cached --others --exclude-standard >"$files" 2>/dev/null && [ -s "$files" ]; then
	how="the files git tracks or does not ignore"
	# A tracked file deleted in the work tree is left out, not an error.
	tr '\0' '\n' <"$files" | while IFS= read -r f; do
		[ -e "$src/$f" ] || [ -L "$src/$f" ] && printf '%s\0' "$f"
	done >"$files.present"
	tar -C "$src" --null -T "$files.present" -cf - | tar -C "$tree" -xf - ||
		die "cannot copy the tracked files of $src to $tree"
else
	how="the directory less build/ and .git"
	tar -C "$src" --exclude=./build --exclude=./.git -cf - . | tar -C "$tree" -xf - ||
		die "cannot copy $src to $tree"
fi

start=$(date +%s)
{
	echo "build-deb: $src ($how) in $tree"
	(cd "$tree" && dpkg-buildpackage -b -us -uc -Jauto)
} >"$log" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
	why=$(grep -a -m1 -E 'Unmet build dependencies|error:|Error [0-9]+' "$log" ||
		grep -av '^\s*$' "$log" | tail -n 1)
	die "dpkg-buildpackage failed (exit $status): ${why:-no output}; log $log"
fi

deb=$(find "$scratch" -maxdepth 1 -name 'tlsroot_*.deb' | head -n 1)
[ -n "$deb" ] || die "dpkg-buildpackage made no tlsroot_*.deb; log $log"
find "$scratch" -maxdepth 1 -type f \( -name '*.deb' -o -name '*.ddeb' -o -name '*.buildinfo' \
	-o -name '*.changes' \) -exec cp {} "$out/" \; || die "cannot copy the results to $out"
echo "build-deb: built $(basename "$deb") in $(($(date +%s) - start)) s" >>"$log"
echo "$out/$(basename "$deb")"
