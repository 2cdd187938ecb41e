#!/bin/bash
# Host tests of tlsroot seal/inspect/unseal against real TPM emulators
# (swtpm), no mocks. Prints "TPM PASS name" or "TPM FAIL name: reason" per
# case; exits 1 if any failed.
#   run-tpm-tests.sh [TLSROOT_BINARY]     (default: build/tlsroot)
#   run-tpm-tests.sh --list               the case names, one a line
# Needs swtpm, tpm2-tools, certtool, keyctl, python3, openssl, and
# systemd-measure (Debian's systemd package) for systemd's PCR signatures.
#
# Every output of every case is scanned for the secrets being sealed (the
# x509 private key and the NVMe PSK, raw, hex and base64, by
# tests/qemu/find-secret.py): the stdout and stderr of each tlsroot run, kept
# apart, and every file written under the work directory while the case
# ran (bundles, TMPDIR, the TPM's state). A case's verdicts are printed
# after that scan; secret bytes in its outputs turn them into failures
# naming the hits. The first case plants the secrets in files of each form
# and requires the scan to find every one (and nothing in a clean file).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cases="secret-scan-finds-planted x509-round-trip psk-round-trip
pcr-extended-refused flipped-byte-refused truncated-refused
unknown-version-refused other-tpm-refused wrong-pin-refused
missing-pin-refused right-pin-works crlf-pin-works pin-kdf-v3
second-unseal-refused
locked-before-placed lock-pcr-16-refused lock-pcr-23-refused
lock-pcr-mismatch-refused foreign-bundle-skipped emergency-lock-keys
emergency-lock-before-unseal foreign-srk-no-lockout no-tpm-timeout
predictive-seal-matching predictive-seal-other-values dictionary-lockout
inspect-json no-secret-bytes-written no-policy-refused pcr7-alone-refused
pcr7-and-lock-refused pcr7-predicted-alone-refused
secure-boot-only-with-others-refused secure-boot-only-sealed
secure-boot-only-unseals policy-coverage-printed pcr9-circularity-noted
revocable-unseals revoke-older-refuses-old revoke-older-new-unseals
revocable-same-generation-unseals revoked-beside-replacement-noted
revoked-without-replacement-refused inspect-shows-generation
revocation-owner-password-refused counter-gone-refused seal-pin-typed-twice
seal-pin-mismatch-refused ask-pin-retries ask-pin-tries-exhausted
ask-pin-lockout-counted ask-pin-with-pin-file-refused signed-policy-pcr7-alone-refused
signed-policy-lock-pcr-refused signed-policy-coverage-printed signed-policy-unseals signed-policy-pcr-changed-refused
signed-policy-new-signature-unseals signed-policy-other-key-refused
signed-policy-bad-signature-refused signed-policy-missing-refused
signed-policy-lock-holds signed-policy-inspect signed-policy-rsa-pin-unseals
pcrsig-unseals pcrsig-inspect pcrsig-other-key-refused
pcrsig-bad-signature-refused pcrsig-malformed-refused pcrsig-no-sha256-refused
pcrsig-pcr-changed-refused pcrsig-phases-unseals pcrsig-ecdsa-unseals
pcrsig-cmdline-bound-unseals pcrsig-cmdline-override-refused pcrsig-both-ways-refused"
if [ "${1:-}" = --list ]; then
	printf '%s\n' $cases
	exit 0
fi
bin=$(realpath "${1:-$top/build/tlsroot}")
work=$(mktemp -d /tmp/tlsroot-tpm-tests.XXXXXX)
# Inputs (the secrets themselves) apart from everything the cases write.
in=$work/in
mkdir -p "$in" "$work/out" "$work/tmp"
export TMPDIR=$work/tmp
# The scanner shared with the QEMU test bed.
find_secret=$top/tests/qemu/find-secret.py
failed=0
# shellcheck source=swtpm.sh
. "$here/swtpm.sh"

cleanup() {
	local k
	for k in "${!PID[@]}"; do stop_tpm "$k"; done
	rm -rf "$work"
}
trap cleanup EXIT

# A case's verdicts wait in pending until its outputs have been scanned.
pending=()
pass() { pending+=("PASS $1${2:+ ($2)}"); }
fail() { pending+=("FAIL $1: $2"); }

# tlsroot ARGS...: run it, its stdout and stderr kept in files of their own
# under $work/out (for the scan); both in $out, its status in $rc.
nrun=0
tlsroot() {
	local o
	nrun=$((nrun + 1))
	o=$work/out/$(printf %03d $nrun)
	timeout 60 "$bin" "$@" >"$o.stdout" 2>"$o.stderr"
	rc=$?
	out=$(cat "$o.stdout" "$o.stderr")
}

# run NAME ARGS...: tlsroot against TPM NAME, output in $out, status in $rc.
run() {
	local name=$1
	shift
	tlsroot "$@" --tcti "$(tcti "$name")" --tpm-timeout 5
}

# secret_hits FILE...: the secrets' patterns found in FILEs, one a line
# ("FILE: PATTERN"); status 0 if there was any, 1 if none, 2 if the
# scanner failed (then the lines say why).
secret_hits() {
	local r1 r2 hits
	[ $# -gt 0 ] || return 1
	hits=$("$find_secret" "$in/key.pem" "$@" 2>&1)
	r1=$?
	hits="$hits${hits:+$'\n'}$("$find_secret" --raw "$in/psk.raw" "$@" 2>&1)"
	r2=$?
	hits=$(sed '/^$/d' <<<"$hits")
	[ -n "$hits" ] && echo "$hits"
	if [ $r1 -ge 2 ] || [ $r2 -ge 2 ]; then
		return 2
	elif [ $r1 -eq 1 ] || [ $r2 -eq 1 ]; then
		return 0
	fi
	return 1
}

# The files written under $work (since STAMP), but the inputs and the
# scan's planted control files.
written_since() { # [stamp]
	find "$work" -path "$in" -prune -o -path "$work/control" -prune -o -name .stamp -o \
		-type f ${1:+-newer "$1"} -print | sort
}

# run_case FUNCTION: run it, scan what it wrote, print its verdicts.
run_case() {
	local stamp=$work/.stamp files hits st v name
	: >"$stamp"
	sleep 0.01
	pending=()
	"case_$1"
	mapfile -t files < <(written_since "$stamp")
	hits=$(secret_hits "${files[@]}")
	st=$?
	hits=$(sed "s|$work/||g" <<<"$hits" | head -n 5 | tr '\n' ';')
	for v in "${pending[@]}"; do
		name=${v#* }
		name=${name%%[ :]*}
		case $st$v in
		0PASS*) v="FAIL $name: secret bytes in its outputs: $hits (its check had passed:${v#PASS $name})" ;;
		2PASS*) v="FAIL $name: the secret scan of its outputs failed: $hits" ;;
		0FAIL*) v="$v; and secret bytes in its outputs: $hits" ;;
		1PASS*) v="$v (${#files[@]} outputs scanned, no secret)" ;;
		esac
		echo "TPM $v"
		[ "${v%% *}" = FAIL ] && failed=1
	done
}

pcr_extend() { # tpm pcr
	timeout 30 tpm2_pcrextend -T "$(tcti "$1")" \
		"$2:sha256=$(printf 'tlsroot-test' | sha256sum | cut -c1-64)" \
		>/dev/null 2>&1
}

pcr_value() { # tpm pcr -> hex
	timeout 30 tpm2_pcrread -T "$(tcti "$1")" -o "$work/pcr.bin" "sha256:$2" \
		>/dev/null 2>&1 && od -An -tx1 -v "$work/pcr.bin" | tr -d ' \n'
}

expect() { # case status message-substring...
	local c=$1 st=$2 m
	shift 2
	if [ "$rc" -ne "$st" ]; then
		fail "$c" "exit $rc, expected $st: $out"
		return
	fi
	for m in "$@"; do
		if [ -n "$m" ] && ! grep -qF -- "$m" <<<"$out"; then
			fail "$c" "message lacks '$m': $out"
			return
		fi
	done
	m=$(printf "'%s', " "$@")
	pass "$c" "exit $rc${1:+, ${m%, }}"
}

make_identities() {
	certtool --generate-privkey --key-type=ecdsa \
		--outfile "$in/key.pem" >/dev/null 2>&1
	printf 'cn = tlsroot-test\nexpiration_days = 30\ntls_www_client\n' \
		>"$in/cert.tmpl"
	certtool --generate-self-signed --load-privkey "$in/key.pem" \
		--template "$in/cert.tmpl" --outfile "$in/cert.pem" \
		>/dev/null 2>&1
	certtool --key-info --inder --outder --load-privkey "$in/key.pem" \
		--outfile "$in/key.der" >/dev/null 2>&1 ||
		openssl pkey -in "$in/key.pem" -outform DER -out "$in/key.der"
	openssl pkcs8 -topk8 -nocrypt -in "$in/key.pem" -outform DER \
		-out "$in/key.p8" 2>/dev/null
	# NVMe interchange format: base64(PSK || CRC-32 LE), hash 01
	python3 - "$in" <<'EOF'
import base64, os, sys, zlib
psk = os.urandom(32)
open(sys.argv[1] + "/psk.raw", "wb").write(psk)
crc = zlib.crc32(psk).to_bytes(4, "little")
open(sys.argv[1] + "/psk.key", "w").write(
    "NVMeTLSkey-1:01:" + base64.b64encode(psk + crc).decode() + ":\n")
EOF
	printf '1234\n' >"$in/pin"
	printf '4321\n' >"$in/badpin"
}

# seal TPM NAME [args]: x509 bundle $work/NAME.bundle, PCRs 4 and 7 (the
# policy cases choose their own).
seal_x509() {
	local tpm=$1 name=$2
	shift 2
	run "$tpm" seal "$name" --cert "$in/cert.pem" --key "$in/key.pem" \
		-o "$work/$name.bundle" --pcrs 4,7 "$@"
	[ "$rc" -eq 0 ] || echo "seal $name failed: $out" >&2
}

# The positive control of the scan: each secret planted in a file in one
# of the forms the scan knows, at an odd offset among other bytes, must be
# found; a file with the certificate and text only must not.
case_scan_control() {
	local d=$work/control f hits st found= missed=
	mkdir -p "$d"
	python3 - "$in" "$d" <<'EOF'
import base64, os, sys
i, d = sys.argv[1], sys.argv[2]
r = lambda n: os.urandom(n)
get = lambda f: open(os.path.join(i, f), "rb").read()
pem = get("key.pem")
planted = {
    "psk-interchange.stdout": b"psk from " + get("psk.key") + b"sealed\n",
    "psk-raw.bundle": r(7) + get("psk.raw") + r(9),
    "psk-hex.stderr": b"debug: psk=" + get("psk.raw").hex().encode() + b"\n",
    "psk-base64.json": b'{"k":"' + base64.b64encode(b"xy" + get("psk.raw")) + b'"}',
    "key-pkcs8.bundle": r(5) + get("key.p8") + r(11),
    "key-der-base64.stdout": base64.b64encode(b"z" + get("key.der")) + b"\n",
    "key-der-HEX.stderr": get("key.der").hex().upper().encode(),
    "key-pem-line.stderr": b"read " + pem[pem.index(b"-----\n", pem.index(b"-----BEGIN")) + 6:].split(b"\n")[0] + b"\n",
}
for name, data in planted.items():
    open(os.path.join(d, "planted-" + name), "wb").write(data)
open(os.path.join(d, "clean.stdout"), "wb").write(
    get("cert.pem") + b"cert_serial=123 privkey_serial=456\n" + r(64).hex().encode())
EOF
	for f in "$d"/planted-*; do
		hits=$(secret_hits "$f")
		st=$?
		case $st in
		0) found="$found ${f##*/planted-}($(head -n1 <<<"$hits" | sed 's/^[^:]*: //'))" ;;
		1) missed="$missed ${f##*/planted-}" ;;
		*) fail secret-scan-finds-planted "the scanner failed: $(tr '\n' ';' <<<"$hits")"; return ;;
		esac
	done
	hits=$(secret_hits "$d/clean.stdout")
	st=$?
	if [ -n "$missed" ]; then
		fail secret-scan-finds-planted "the scan missed the secret planted in:$missed"
	elif [ $st -ne 1 ]; then
		fail secret-scan-finds-planted "the scan reports a secret in a clean file (status $st): $(tr '\n' ';' <<<"$hits")"
	else
		pass secret-scan-finds-planted "found every plant:$found; clean file clean"
	fi
}

case_x509_round_trip() {
	local serial
	reboot_tpm a
	seal_x509 a web
	run a unseal "$work/web.bundle"
	if [ "$rc" -ne 0 ]; then
		fail x509-round-trip "unseal exit $rc: $out"
		return
	fi
	serial=$(sed -n 's/.*cert_serial=\([0-9]*\).*/\1/p' <<<"$out")
	if ! keyctl describe "$serial" 2>/dev/null | grep -q 'nfs:x509:web:cert'; then
		fail x509-round-trip "no key nfs:x509:web:cert at serial '$serial': $out"
	elif ! keyctl pipe "$serial" 2>/dev/null | cmp -s - <(certtool --certificate-info --outder --infile "$in/cert.pem" 2>/dev/null); then
		fail x509-round-trip "key $serial does not hold the DER certificate"
	else
		pass x509-round-trip
	fi
	keyctl unlink "$serial" >/dev/null 2>&1
	serial=$(sed -n 's/.*privkey_serial=\([0-9]*\).*/\1/p' <<<"$out")
	keyctl unlink "$serial" >/dev/null 2>&1
}

case_psk_round_trip() {
	local want="NVMe0R01 nqn.2014-08.org.nvmexpress:uuid:host1 nqn.2026-11.test:sub1"
	reboot_tpm a
	run a seal nvme0 --psk-file "$in/psk.key" \
		--hostnqn nqn.2014-08.org.nvmexpress:uuid:host1 \
		--subnqn nqn.2026-11.test:sub1 --pcrs 4,7 -o "$work/nvme0.bundle"
	[ "$rc" -eq 0 ] || { fail psk-round-trip "seal exit $rc: $out"; return; }
	# The host kernel has no .nvme keyring or psk key type: verify only.
	run a unseal --verify "$work/nvme0.bundle"
	expect psk-round-trip 0 "identity=\"$want\""
}

# The PCR policy: none given, or PCR 7 alone, is refused unless
# --secure-boot-only says it is meant; seal says what the PCRs bind.
seal_policy() { # name [args]
	local name=$1
	shift
	run a seal "$name" --cert "$in/cert.pem" --key "$in/key.pem" -o "$work/$name.bundle" "$@"
}
expect_no_bundle() { # case name
	[ -e "$work/$2.bundle" ] && fail "$1" "a bundle was written anyway"
}
case_policy() {
	local v7 args
	reboot_tpm a
	seal_policy nopolicy
	expect no-policy-refused 2 "seal needs a PCR policy: --pcrs LIST"
	expect_no_bundle no-policy-refused nopolicy
	v7=$(pcr_value a 7)
	for args in "pcr7-alone-refused --pcrs 7" "pcr7-and-lock-refused --pcrs 7,15" \
		"pcr7-predicted-alone-refused --pcr 7=sha256:$v7"; do
		# shellcheck disable=SC2086 # options after the case name
		seal_policy only7 ${args#* }
		expect "${args%% *}" 2 "PCR 7 alone binds only the Secure Boot state"
		expect_no_bundle "${args%% *}" only7
	done
	seal_policy mixed --secure-boot-only --pcrs 4,7
	expect secure-boot-only-with-others-refused 2 "--secure-boot-only binds PCR 7 alone"
	expect_no_bundle secure-boot-only-with-others-refused mixed
	seal_policy sbonly --secure-boot-only
	expect secure-boot-only-sealed 0 "not bound: kernel image (PCR 4 or 11), initramfs (PCR 9 or 11), kernel command line (PCR 8, 9 or 12)"
	grep -qF "PCR 7 (Secure Boot state and the keys that admitted the boot chain), PCR 15 (the lock" <<<"$out" ||
		fail secure-boot-only-sealed "no coverage line for PCRs 7 and 15: $out"
	run a unseal --verify "$work/sbonly.bundle"
	expect secure-boot-only-unseals 0 "verified"
	seal_policy chain --pcrs 4,7,12
	if [ "$rc" -eq 0 ] && [ "$(grep "not bound:" <<<"$out")" = "tlsroot: not bound: initramfs (PCR 9 or 11); see tlsroot-seal(8)" ]; then
		pass policy-coverage-printed "--pcrs 4,7,12: 'not bound: initramfs (PCR 9 or 11)' and nothing else"
	else
		fail policy-coverage-printed "--pcrs 4,7,12: exit $rc: $out"
	fi
	seal_policy initrd --pcrs 7,9
	expect pcr9-circularity-noted 0 "a bundle inside the image it measures can never match"
}

case_pcr_mismatch() {
	reboot_tpm a
	seal_x509 a pcr7
	pcr_extend a 7
	run a unseal "$work/pcr7.bundle"
	expect pcr-extended-refused 11 "PCR 7 differs from the value it was sealed to"
}

case_corrupt() {
	reboot_tpm a
	seal_x509 a flip
	cp "$work/flip.bundle" "$work/flip2.bundle"
	python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[-30]^=1; open(p,"wb").write(b)' "$work/flip2.bundle"
	run a unseal --verify "$work/flip2.bundle"
	expect flipped-byte-refused 15 "corrupt"
	head -c 200 "$work/flip.bundle" >"$work/trunc.bundle"
	run a unseal --verify "$work/trunc.bundle"
	expect truncated-refused 15 "truncated"
	cp "$work/flip.bundle" "$work/v5.bundle"
	printf '\x05' | dd of="$work/v5.bundle" bs=1 seek=8 conv=notrunc status=none
	run a unseal --verify "$work/v5.bundle"
	expect unknown-version-refused 16 "bundle has format version 5, this tlsroot reads versions 1 to 4"
}

case_other_tpm() {
	start_tpm b || { fail other-tpm-refused "no second swtpm"; return; }
	seal_x509 b elsewhere
	reboot_tpm a
	run a unseal --verify "$work/elsewhere.bundle"
	expect other-tpm-refused 14 "another TPM"
}

case_pin() {
	local sealed
	reboot_tpm a
	seal_x509 a pinned --pin-file "$in/pin"
	run a unseal --verify "$work/pinned.bundle" --pin-file "$in/badpin"
	expect wrong-pin-refused 12 "wrong PIN"
	run a unseal --verify "$work/pinned.bundle"
	expect missing-pin-refused 12 "needs a PIN"
	run a unseal --verify "$work/pinned.bundle" --pin-file - <"$in/pin"
	expect right-pin-works 0 "verified"
	# The same PIN written with a DOS line ending.
	run a unseal --verify "$work/pinned.bundle" --pin-file - < <(printf '1234\r\n')
	expect crlf-pin-works 0 "verified"
	# A PIN bundle is version 3: its authValue is PBKDF2 of the PIN.
	tlsroot inspect "$work/pinned.bundle"
	sealed=$out
	tlsroot inspect --json "$work/pinned.bundle"
	out="$sealed"$'\n'"$out"
	expect pin-kdf-v3 0 "version:  3" "pin:      yes, pbkdf2-sha256, 600000 iterations" \
		'{"version":3,"name":"pinned","kind":"x509","pin":true,"pin_kdf":"pbkdf2-sha256","pin_iterations":600000,"pcr_bank"'
}

# tty_run TPM [PROMPT-REGEX ANSWER]... -- ARGS: tlsroot ARGS at a terminal
# (a pseudo-terminal), a person typing each ANSWER after its PROMPT.
tty_run() {
	local name=$1 o pairs=()
	shift
	while [ "$1" != -- ]; do
		pairs+=("$1")
		shift
	done
	shift
	nrun=$((nrun + 1))
	o=$work/out/$(printf %03d $nrun)
	timeout 120 "$here/pty-answer.py" "${pairs[@]}" -- "$bin" "$@" --tcti "$(tcti "$name")" \
		--tpm-timeout 5 >"$o.stdout" 2>"$o.stderr"
	rc=$?
	out=$(cat "$o.stdout" "$o.stderr")
}

lockout_counter() { # tpm
	timeout 30 tpm2_getcap -T "$(tcti "$1")" properties-variable 2>/dev/null |
		sed -n 's/^TPM2_PT_LOCKOUT_COUNTER: *//p'
}

# The PIN typed by a person: seal asks twice without echo; unseal
# --ask-pin asks per PIN bundle, a bounded number of times, each wrong PIN
# counted by the TPM's dictionary-attack protection.
case_pin_prompt() {
	local before after
	reboot_tpm a
	timeout 30 tpm2_dictionarylockout -T "$(tcti a)" -c >/dev/null 2>&1
	timeout 30 tpm2_dictionarylockout -T "$(tcti a)" -s -n 10 -t 600 -l 600 >/dev/null 2>&1 ||
		{ fail ask-pin-retries "cannot set DA parameters"; return; }
	tty_run a "New PIN:" 5678 "same PIN again:" 5678 -- seal typed --cert "$in/cert.pem" \
		--key "$in/key.pem" --pcrs 4,7 --pin-file - -o "$work/typed.bundle"
	if grep -q 5678 <<<"$out"; then
		fail seal-pin-typed-twice "the PIN was echoed: $out"
	else
		expect seal-pin-typed-twice 0 "sealed typed (x509)"
	fi
	tty_run a "New PIN:" 5678 "same PIN again:" 5679 -- seal typo --cert "$in/cert.pem" \
		--key "$in/key.pem" --pcrs 4,7 --pin-file - -o "$work/typo.bundle"
	expect seal-pin-mismatch-refused 2 "the two PINs differ; nothing sealed"
	expect_no_bundle seal-pin-mismatch-refused typo
	before=$(lockout_counter a)
	tty_run a "PIN for typed .try 1 of 3.:" 0000 "try 2 of 3" 5678 -- \
		unseal --verify --ask-pin "$work/typed.bundle"
	if grep -q 5678 <<<"$out"; then
		fail ask-pin-retries "the PIN was echoed: $out"
	else
		expect ask-pin-retries 0 "tlsroot: wrong PIN for typed" "name=typed kind=x509 verified"
	fi
	tty_run a "try 1 of 2" 1 "try 2 of 2" 2 -- \
		unseal --verify --ask-pin --pin-tries 2 "$work/typed.bundle"
	expect ask-pin-tries-exhausted 12 "bundle typed: wrong PIN 2 times; the TPM counted each against its dictionary-attack lockout"
	after=$(lockout_counter a)
	if [ -n "$before" ] && [ -n "$after" ] && [ $((after - before)) -eq 3 ]; then
		pass ask-pin-lockout-counted "TPM2_PT_LOCKOUT_COUNTER $before -> $after: the 3 wrong PINs"
	else
		fail ask-pin-lockout-counted "TPM2_PT_LOCKOUT_COUNTER '$before' -> '$after', want +3"
	fi
	timeout 30 tpm2_dictionarylockout -T "$(tcti a)" -c >/dev/null 2>&1
	tty_run a -- unseal --verify --ask-pin --pin-file "$in/pin" "$work/typed.bundle"
	expect ask-pin-with-pin-file-refused 2 "give --pin-file or --ask-pin, not both"
}

# An own bundle and one sealed on TPM b in one call (an image shared by
# two machines): the foreign one is a note, the call succeeds.
case_foreign() {
	reboot_tpm a
	seal_x509 a mine
	run a unseal --verify "$work/mine.bundle" "$work/elsewhere.bundle"
	if [ "$rc" -eq 0 ] && grep -q 'name=mine kind=x509 verified' <<<"$out" &&
		grep -q 'note: skipped: .*another TPM' <<<"$out"; then
		pass foreign-bundle-skipped "exit 0, mine verified, 'note: skipped: ... another TPM'"
	else
		fail foreign-bundle-skipped "exit $rc: $out"
	fi
}

# A lock PCR that can be reset (16, 23) locks nothing: refused.
case_lock_range() {
	local p
	for p in 16 23; do
		run a seal bad$p --cert "$in/cert.pem" --key "$in/key.pem" \
			--lock-pcr $p -o "$work/bad$p.bundle"
		expect lock-pcr-$p-refused 2 "16 and 23 can be reset without a reboot"
		[ -e "$work/bad$p.bundle" ] && fail lock-pcr-$p-refused "a bundle was written anyway"
	done
	run a unseal --verify --lock-pcr 14 "$work/mine.bundle"
	expect lock-pcr-mismatch-refused 3 "sealed with lock PCR 15, but --lock-pcr (rd.tlsroot.lock_pcr) says 14"
}

# Unlink the keys the unseal in $out placed.
unlink_placed() {
	local s
	for s in $(sed -n 's/.*serial=\([0-9]*\).*/\1/p; s/.*cert_serial=\([0-9]*\) privkey_serial=\([0-9]*\).*/\1 \2/p' <<<"$out"); do
		keyctl unlink "$s" >/dev/null 2>&1
	done
}

case_lock() {
	reboot_tpm a
	seal_x509 a once --lock-pcr 15
	run a unseal "$work/once.bundle"
	if [ "$rc" -ne 0 ] || ! grep -q 'locked pcr=15' <<<"$out"; then
		fail second-unseal-refused "first unseal: exit $rc: $out"
		return
	fi
	# The lock is extended before any key reaches a keyring.
	if grep -n 'locked pcr=15\|^name=once' "$work/out/$(printf %03d $nrun).stdout" | head -n 1 | grep -q 'locked pcr=15'; then
		pass locked-before-placed "'locked pcr=15' printed before 'name=once ... cert_serial='"
	else
		fail locked-before-placed "the key was placed before the lock: $out"
	fi
	unlink_placed
	run a unseal --verify "$work/once.bundle"
	expect second-unseal-refused 11 "lock PCR 15 has moved"
}

# tlsroot lock, as the initramfs's emergency hook runs it: after an
# unseal every placed key is invalidated and the bundle cannot be
# unsealed again; before any unseal, the lock alone keeps a shell from it.
case_emergency() {
	local serials s left=
	reboot_tpm a
	run a unseal "$work/mine.bundle"
	serials=$(sed -n 's/.*cert_serial=\([0-9]*\) privkey_serial=\([0-9]*\).*/\1 \2/p' <<<"$out")
	[ -n "$serials" ] || { fail emergency-lock-keys "unseal placed nothing: exit $rc: $out"; return; }
	run a lock
	for s in $serials; do
		keyctl describe "$s" >/dev/null 2>&1 && left="$left $s"
	done
	if [ "$rc" -ne 0 ] || ! grep -q 'invalidated keys=[1-9]' <<<"$out" || [ -n "$left" ]; then
		fail emergency-lock-keys "exit $rc, keys still there:${left:- none}: $out"
	else
		run a unseal --verify "$work/mine.bundle"
		expect emergency-lock-keys 11 "lock PCR 15 has moved"
	fi
	reboot_tpm a
	run a lock "$work/mine.bundle"
	[ "$rc" -eq 0 ] && grep -q 'locked pcr=15' <<<"$out" ||
		{ fail emergency-lock-before-unseal "lock exit $rc: $out"; return; }
	run a unseal "$work/mine.bundle"
	expect emergency-lock-before-unseal 11 "lock PCR 15 has moved"
}

# A key that is not the standard SRK at 0x81000001 (RSA, with an auth
# value, counted by dictionary-attack protection): seal and unseal use
# the standard SRK derived from the owner seed, and no failed
# authorization is counted.
case_foreign_srk() {
	local T counter
	start_tpm c || { fail foreign-srk-no-lockout "no third swtpm"; return; }
	T=$(tcti c)
	if ! timeout 30 tpm2_createprimary -T "$T" -C o -G rsa2048 -p foreign-secret -c "$work/foreign.ctx" >/dev/null 2>&1 ||
		! timeout 30 tpm2_evictcontrol -T "$T" -C o -c "$work/foreign.ctx" 0x81000001 >/dev/null 2>&1; then
		fail foreign-srk-no-lockout "cannot place a foreign key at 0x81000001"
		return
	fi
	rm -f "$work/foreign.ctx"
	# No resource manager in between: tpm2-tools left its objects loaded.
	timeout 30 tpm2_flushcontext -T "$T" -t >/dev/null 2>&1
	seal_x509 c oddsrk
	[ "$rc" -eq 0 ] || { fail foreign-srk-no-lockout "seal exit $rc: $out"; return; }
	grep -q 'not the standard SRK' <<<"$out" || { fail foreign-srk-no-lockout "seal said nothing of the key at 0x81000001: $out"; return; }
	run c unseal --verify "$work/oddsrk.bundle"
	[ "$rc" -eq 0 ] || { fail foreign-srk-no-lockout "unseal exit $rc: $out"; return; }
	counter=$(timeout 30 tpm2_getcap -T "$T" properties-variable 2>/dev/null | sed -n 's/^TPM2_PT_LOCKOUT_COUNTER: *//p')
	if [ "$counter" = 0x0 ] || [ "$counter" = 0 ]; then
		pass foreign-srk-no-lockout "sealed and unsealed with the standard SRK, lockout counter $counter"
	else
		fail foreign-srk-no-lockout "lockout counter '$counter' after seal and unseal"
	fi
}

case_no_tpm() {
	local p start elapsed
	p=$((20000 + RANDOM % 20000 * 2 + 1))
	while ! port_free "$p"; do p=$((p + 2)); done
	start=$(date +%s%N)
	tlsroot unseal --verify --tcti "swtpm:host=127.0.0.1,port=$p" \
		--tpm-timeout 1 "$work/once.bundle"
	elapsed=$((($(date +%s%N) - start) / 1000000))
	if [ "$elapsed" -lt 900 ] || [ "$elapsed" -gt 5000 ]; then
		fail no-tpm-timeout "gave up after $elapsed ms, expected about 1000"
		return
	fi
	expect no-tpm-timeout 10 "no TPM answered"
}

case_predictive() {
	local v7
	reboot_tpm a
	pcr_extend a 7
	v7=$(pcr_value a 7)
	[ ${#v7} -eq 64 ] || { fail predictive-seal "cannot read PCR 7"; return; }
	seal_x509 a predicted --pcr "7=sha256:$v7"
	run a unseal --verify "$work/predicted.bundle"
	expect predictive-seal-matching 0 "verified"
	seal_x509 a mispredicted --pcr "7=sha256:$(printf 'x' | sha256sum | cut -c1-64)"
	run a unseal --verify "$work/mispredicted.bundle"
	expect predictive-seal-other-values 11 "PCR 7 differs from the value it was sealed to"
}

case_lockout() {
	# A TPM that locks out after one failure (on the second swtpm).
	timeout 30 tpm2_dictionarylockout -T "$(tcti b)" -s -n 1 -t 600 -l 600 \
		>/dev/null 2>&1 || { fail dictionary-lockout "cannot set DA parameters"; return; }
	seal_x509 b dapin --pin-file "$in/pin"
	run b unseal --verify "$work/dapin.bundle" --pin-file "$in/badpin"
	run b unseal --verify "$work/dapin.bundle" --pin-file "$in/pin"
	expect dictionary-lockout 13 "lockout"
}

# Every file the cases wrote, scanned once more as a whole (the per-case
# scans see only what changed during their case).
case_no_secret_on_disk() {
	local files hits st
	mapfile -t files < <(written_since)
	hits=$(secret_hits "${files[@]}")
	st=$?
	case $st in
	0) fail no-secret-bytes-written "secret bytes found: $(sed "s|$work/||g" <<<"$hits" | head -n 5 | tr '\n' ';')" ;;
	1) pass no-secret-bytes-written "${#files[@]} files" ;;
	*) fail no-secret-bytes-written "the scan failed: $(tr '\n' ';' <<<"$hits")" ;;
	esac
}

case_inspect() {
	tlsroot inspect --json "$work/web.bundle"
	expect inspect-json 0 '"name":"web","kind":"x509","pin":false'
}

# Revocation: --revocable binds a bundle to its identity's NV counter,
# --revoke-older advances the counter first; older bundles then fail (18).
case_revocation() {
	local T idx gen sealed
	reboot_tpm a
	T=$(tcti a)
	seal_x509 a rev --revocable -o "$work/rev1.bundle"
	idx=$(sed -n 's/^revocable: counter \(0x[0-9a-f]*\) at generation.*/\1/p' <<<"$out")
	gen=$(sed -n 's/^revocable: counter 0x[0-9a-f]* at generation \([0-9]*\).*/\1/p' <<<"$out")
	run a unseal --verify "$work/rev1.bundle"
	expect revocable-unseals 0 "name=rev kind=x509 verified"
	seal_x509 a rev --revoke-older -o "$work/rev2.bundle"
	sealed=$out
	run a unseal --verify "$work/rev1.bundle"
	expect revoke-older-refuses-old 18 "bundle rev was revoked: sealed at generation $gen, this TPM's counter $idx is at $((gen + 1)); use the newer bundle"
	run a unseal --verify "$work/rev2.bundle"
	out="$sealed"$'\n'"$out"
	expect revoke-older-new-unseals 0 "revocable: counter $idx at generation $((gen + 1)) (older bundles revoked)" \
		"name=rev kind=x509 verified"
	# Another bundle after the rotation binds the same generation.
	seal_x509 a rev --revocable --pin-file "$in/pin" -o "$work/rev3.bundle"
	run a unseal --verify "$work/rev3.bundle" --pin-file "$in/pin"
	sealed=$out
	# With a PIN: version 3, the counter fields as in version 2.
	tlsroot inspect --json "$work/rev3.bundle"
	out="$sealed"$'\n'"$out"
	expect revocable-same-generation-unseals 0 "name=rev kind=x509 verified" \
		'{"version":3,' '"pin_kdf":"pbkdf2-sha256"' "\"revocation\":{\"nv_index\":\"$idx\",\"generation\":$((gen + 1))}"
	# The revoked bundle left in the image beside its replacement: a note.
	run a unseal --verify "$work/rev1.bundle" "$work/rev2.bundle"
	expect revoked-beside-replacement-noted 0 "name=rev kind=x509 verified" \
		"note: skipped: bundle rev was revoked: sealed at generation $gen"
	# Beside another identity only: that one does not replace it.
	run a unseal --verify "$work/rev1.bundle" "$work/web.bundle"
	expect revoked-without-replacement-refused 18 "tlsroot: bundle rev was revoked: sealed at generation $gen"
	tlsroot inspect --json "$work/web.bundle"
	if [ "$rc" -ne 0 ] || grep -qF revocation <<<"$out" || ! grep -qF '"version":1,' <<<"$out"; then
		fail inspect-shows-generation "a version-1 bundle: exit $rc: $out"
	else
		tlsroot inspect "$work/rev2.bundle"
		sealed=$out
		tlsroot inspect --json "$work/rev2.bundle"
		out="$sealed"$'\n'"$out"
		expect inspect-shows-generation 0 "revocation: counter $idx, generation $((gen + 1))" \
			"{\"version\":2," "\"revocation\":{\"nv_index\":\"$idx\",\"generation\":$((gen + 1))}"
	fi
	# An owner password: the counter can be neither defined nor advanced.
	if timeout 30 tpm2_changeauth -T "$T" -c o ownerpass >/dev/null 2>&1; then
		seal_x509 a rev --revoke-older -o "$work/rev4.bundle" 2>/dev/null
		expect revocation-owner-password-refused 17 "the TPM's owner hierarchy has a password; tlsroot cannot define or advance the revocation counter"
		expect_no_bundle revocation-owner-password-refused rev4
		timeout 30 tpm2_changeauth -T "$T" -c o -p ownerpass >/dev/null 2>&1 ||
			fail revocation-owner-password-refused "cannot clear the owner password again"
	else
		fail revocation-owner-password-refused "cannot set an owner password"
	fi
	# The counter gone (undefined; as after a TPM clear): refused.
	if timeout 30 tpm2_nvundefine -T "$T" -C o "$idx" >/dev/null 2>&1; then
		run a unseal --verify "$work/rev2.bundle"
		expect counter-gone-refused 18 "its revocation counter $idx is not on this TPM (TPM cleared?); seal the identity again"
	else
		fail counter-gone-refused "tpm2_nvundefine $idx failed"
	fi
}

# Signed policies (PolicyAuthorize): sealed once with --policy-key; any
# .tpol the key signed for the PCRs as they are unseals, others do not.
signed_seal() { # name key.pub [args]
	local name=$1 key=$2
	shift 2
	seal_policy "$name" --policy-key "$key" "$@"
}
signed_unseal() { # bundle [args]
	local b=$1
	shift
	run a unseal --verify "$work/$b.bundle" "$@"
}
case_signed_policy() {
	local fpr pkfp sealed p="$work/pol" v4 v7
	reboot_tpm a
	mkdir -p "$p" "$work/pol-other"
	openssl ecparam -name prime256v1 -genkey -noout -out "$in/pol.key" 2>/dev/null
	openssl ec -in "$in/pol.key" -pubout -out "$in/pol.pub" 2>/dev/null
	openssl ecparam -name prime256v1 -genkey -noout -out "$in/other.key" 2>/dev/null
	signed_seal only7 "$in/pol.pub" --policy-pcrs 7
	expect signed-policy-pcr7-alone-refused 2 "PCR 7 alone binds only the Secure Boot state"
	expect_no_bundle signed-policy-pcr7-alone-refused only7
	signed_seal lockin "$in/pol.pub" --policy-pcrs 4,15
	expect signed-policy-lock-pcr-refused 2 "--policy-pcrs must not include the lock PCR 15"
	expect_no_bundle signed-policy-lock-pcr-refused lockin
	signed_seal signed "$in/pol.pub" --policy-pcrs 4,7
	sealed=$out
	expect signed-policy-coverage-printed 0 "PCR 4 (boot loader and kernel images (a UKI with its initramfs); through signed policies)" \
		"PCR 15 (the lock: reset value, extended at unseal)" "not bound: initramfs (PCR 9 or 11), kernel command line (PCR 8, 9 or 12)"
	run a policy sign --key "$in/pol.key" --pcrs 4,7 -o "$p/boot1.tpol"
	signed_unseal signed --policy-dir "$p"
	expect signed-policy-unseals 0 "name=signed kind=x509 verified" \
		"note: signed: unsealed through the signed policy $p/boot1.tpol"
	pcr_extend a 4
	v4=$(pcr_value a 4)
	v7=$(pcr_value a 7)
	signed_unseal signed --policy-dir "$p"
	# PCR 7 still holds the signed value: only PCR 4 is named.
	expect signed-policy-pcr-changed-refused 19 "bundle signed: no signed policy for this boot's PCRs 4,7 (the TPM shows 4=sha256:$v4); 1 signed by the bundle's key: $p/boot1.tpol; sign this boot state (tlsroot policy sign;"
	# The owner's side needs no TPM: predicted values.
	tlsroot policy sign --key "$in/pol.key" --pcr "4=sha256:$v4" --pcr "7=sha256:$v7" -o "$p/boot2.tpol"
	signed_unseal signed --policy-dir "$p"
	expect signed-policy-new-signature-unseals 0 "name=signed kind=x509 verified"
	tlsroot policy sign --key "$in/other.key" --pcr "4=sha256:$v4" --pcr "7=sha256:$v7" -o "$work/pol-other/other.tpol"
	fpr=$(timeout 30 tpm2_loadexternal -T "$(tcti a)" -C o -G ecc -u "$in/pol.pub" -n "$work/pol.name" -c "$work/pol.ctx" >/dev/null 2>&1 &&
		od -An -tx1 -v "$work/pol.name" | tr -d ' \n')
	signed_unseal signed --policy "$work/pol-other/other.tpol"
	pkfp=$(openssl ec -pubin -in "$in/pol.pub" -outform DER 2>/dev/null | tail -c 65 | sha256sum | cut -c1-64)
	expect signed-policy-other-key-refused 19 "bundle signed: no signed policy by the bundle's key (Name $fpr, pkfp $pkfp) among 1 signed policy: $work/pol-other/other.tpol;"
	cp "$p/boot2.tpol" "$work/bad.tpol"
	python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[-1]^=1; open(p,"wb").write(b)' "$work/bad.tpol"
	signed_unseal signed --policy "$work/bad.tpol"
	expect signed-policy-bad-signature-refused 19 "the signature of signed policy $work/bad.tpol does not verify with the bundle's key"
	signed_unseal signed
	expect signed-policy-missing-refused 19 "bundle signed needs a signed policy for PCRs 4,7 by key $fpr (pkfp $pkfp); pass --policy FILE (a .tpol, or systemd's tpm2-pcr-signature.json) or --policy-dir D"
	tlsroot inspect --json "$work/signed.bundle"
	sealed=$out
	tlsroot policy inspect "$p/boot2.tpol"
	out="$sealed"$'\n'"$out"
	expect signed-policy-inspect 0 '{"version":4,' '"pcrs":[15],"lock_pcr":15,' \
		"\"signed_policy\":{\"pcrs\":[4,7],\"key_name\":\"$fpr\",\"pkfp\":\"$pkfp\"}" "key:      $fpr" "pcr 4 :   sha256:$v4"
	run a unseal "$work/signed.bundle" --policy-dir "$p"
	if [ "$rc" -ne 0 ] || ! grep -q 'locked pcr=15' <<<"$out"; then
		fail signed-policy-lock-holds "first unseal: exit $rc: $out"
	else
		unlink_placed
		signed_unseal signed --policy-dir "$p"
		expect signed-policy-lock-holds 11 "lock PCR 15 has moved"
	fi
	# RSA-2048, with a PIN (version 4 with the KDF fields) and a counter.
	reboot_tpm a
	openssl genrsa -out "$in/rsa.key" 2048 2>/dev/null
	openssl rsa -in "$in/rsa.key" -pubout -out "$in/rsa.pub" 2>/dev/null
	signed_seal rsapin "$in/rsa.pub" --policy-pcrs 4,7 --pin-file "$in/pin" --revocable
	run a policy sign --key "$in/rsa.key" --pcrs 4,7 -o "$p/rsa.tpol"
	signed_unseal rsapin --policy-dir "$p" --pin-file "$in/pin"
	sealed=$out
	tlsroot inspect --json "$work/rsapin.bundle"
	out="$sealed"$'\n'"$out"
	expect signed-policy-rsa-pin-unseals 0 "name=rsapin kind=x509 verified" '"version":4,' '"pin_kdf":"pbkdf2-sha256"' '"revocation":{'
}

# systemd's signed PCR policies, the JSON of a UKI's .pcrsig. The swtpm's
# PCR 11 is extended as systemd-stub measures a UKI whose one section is
# .linux (SHA-256 of the name with its NUL, then of the contents) and as
# systemd-pcrphase measures boot phases (SHA-256 of the word). systemd's
# own systemd-measure (bookworm: systemd 252) predicts that value and signs
# it (it asks the swtpm only for a trial PolicyPCR): no JSON is made here.
measure=
for m in /usr/lib/systemd/systemd-measure /lib/systemd/systemd-measure; do
	[ -x "$m" ] && { measure=$m; break; }
done
pcr11_extend() { # tpm hex
	timeout 30 tpm2_pcrextend -T "$(tcti "$1")" "11:sha256=$2" >/dev/null 2>&1
}
stub_measure_linux() { # tpm file
	pcr11_extend "$1" "$(printf '.linux\0' | sha256sum | cut -c1-64)" &&
		pcr11_extend "$1" "$(sha256sum <"$2" | cut -c1-64)"
}
phase_measure() { # tpm word
	pcr11_extend "$1" "$(printf '%s' "$2" | sha256sum | cut -c1-64)"
}
# measure_sign OUT KEY BANK PHASE...: systemd-measure sign for the UKI.
measure_sign() {
	local out=$1 key=$2 bank=$3 ph args=()
	shift 3
	for ph in "$@"; do args+=("--phase=$ph"); done
	timeout 60 "$measure" sign --no-pager --linux="$work/uki/linux" \
		--bank="$bank" "${args[@]}" --private-key="$key" \
		--tpm2-device="$(tcti a)" >"$out" 2>"$out.err"
}
# flip_sig IN OUT: the first sha256 entry's signature with one bit flipped.
flip_sig() {
	python3 -c '
import base64, json, sys
j = json.load(open(sys.argv[1]))
s = bytearray(base64.b64decode(j["sha256"][0]["sig"]))
s[-1] ^= 1
j["sha256"][0]["sig"] = base64.b64encode(bytes(s)).decode()
json.dump(j, open(sys.argv[2], "w"))' "$1" "$2"
}
pcrsig_cases="pcrsig-unseals pcrsig-inspect pcrsig-other-key-refused
pcrsig-bad-signature-refused pcrsig-malformed-refused pcrsig-no-sha256-refused
pcrsig-pcr-changed-refused pcrsig-phases-unseals pcrsig-ecdsa-unseals
pcrsig-cmdline-bound-unseals pcrsig-cmdline-override-refused pcrsig-both-ways-refused"
case_pcrsig() {
	local p=$work/pcrsig d=$work/pcrsig-dir v11 want pkfp pol sealed c shown
	if [ -z "$measure" ]; then
		for c in $pcrsig_cases; do
			fail "$c" "no systemd-measure in /usr/lib/systemd (apt-get install systemd)"
		done
		return
	fi
	reboot_tpm a
	mkdir -p "$p" "$d" "$work/uki"
	head -c 4096 /dev/urandom >"$work/uki/linux"
	openssl genrsa -out "$in/uki.key" 2048 2>/dev/null
	openssl rsa -in "$in/uki.key" -pubout -out "$in/uki.pub" 2>/dev/null
	openssl genrsa -out "$in/uki-other.key" 2048 2>/dev/null
	openssl ecparam -name prime256v1 -genkey -noout -out "$in/uki-ec.key" 2>/dev/null
	openssl ec -in "$in/uki-ec.key" -pubout -out "$in/uki-ec.pub" 2>/dev/null
	# systemd's pkfp: SHA-256 of the PKCS#1 RSAPublicKey DER.
	pkfp=$(openssl rsa -pubin -in "$in/uki.pub" -RSAPublicKey_out -outform DER 2>/dev/null |
		sha256sum | cut -c1-64)
	signed_seal pcrsig "$in/uki.pub" --policy-pcrs 11
	sealed=$out
	# The boot: systemd-stub measures the UKI, systemd-pcrphase enters the initrd.
	stub_measure_linux a "$work/uki/linux" && phase_measure a enter-initrd
	v11=$(pcr_value a 11)
	want=$(timeout 60 "$measure" calculate --no-pager --linux="$work/uki/linux" \
		--bank=sha256 --phase=enter-initrd 2>/dev/null | sed -n 's/^11:sha256=//p')
	measure_sign "$p/enter.json" "$in/uki.key" sha256 enter-initrd
	signed_unseal pcrsig --policy "$p/enter.json"
	if [ -z "$v11" ] || [ "$v11" != "$want" ]; then
		fail pcrsig-unseals "the swtpm's PCR 11 '$v11' is not systemd-measure calculate's '$want'"
	elif ! grep -qF "\"pkfp\":\"$pkfp\"" "$p/enter.json"; then
		fail pcrsig-unseals "systemd-measure's pkfp is not $pkfp: $(cat "$p/enter.json" "$p/enter.json.err")"
	else
		expect pcrsig-unseals 0 "name=pcrsig kind=x509 verified" \
			"note: pcrsig: unsealed through the signed policy $p/enter.json entry 1"
	fi
	# PCR 12 bound directly beside the signed PCR 11 (systemd-cryptenroll's
	# --tpm2-pcrs=12 with --tpm2-public-key): at its value for a UKI's own
	# command line; one given by the boot loader (measured there by
	# systemd-stub when Secure Boot is off) must not unseal.
	seal_policy pcrsig-12 --policy-key "$in/uki.pub" --policy-pcrs 11 --pcr "12=sha256:$(pcr_value a 12)"
	signed_unseal pcrsig-12 --policy "$p/enter.json"
	expect pcrsig-cmdline-bound-unseals 0 "name=pcrsig-12 kind=x509 verified"
	seal_policy pcrsig-both --policy-key "$in/uki.pub" --policy-pcrs 11 --pcr "11=sha256:$v11"
	expect pcrsig-both-ways-refused 2 "PCR 11 is in --policy-pcrs and in --pcrs/--pcr: bind each PCR one way"
	timeout 30 tpm2_pcrextend -T "$(tcti a)" "12:sha256=$(printf 'rd.break=pre-mount' | sha256sum | cut -c1-64)" >/dev/null 2>&1
	signed_unseal pcrsig-12 --policy "$p/enter.json"
	expect pcrsig-cmdline-override-refused 11 "bundle pcrsig-12: PCR 12 differs from the value it was sealed to: the boot state changed"
	pol=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["sha256"][0]["pol"])' \
		"$p/enter.json" 2>/dev/null)
	tlsroot policy inspect "$p/enter.json"
	shown=$out
	tlsroot policy inspect --json "$p/enter.json"
	shown=$shown$'\n'$out
	tlsroot inspect "$work/pcrsig.bundle"
	out=$sealed$'\n'$shown$'\n'$out
	expect pcrsig-inspect 0 "(systemd pkfp $pkfp)" \
		"format:   systemd PCR signature (JSON), 1 sha256 entry" \
		"entry 1:  pcrs sha256:11" "  pkfp:     $pkfp" "  approved: ${pol:-?}" \
		"\"entries\":[{\"entry\":1,\"pcrs\":[11],\"pkfp\":\"$pkfp\",\"signature\":\"rsassa-sha256\",\"approved\":\"${pol:-?}\"}]}"
	measure_sign "$p/other.json" "$in/uki-other.key" sha256 enter-initrd
	signed_unseal pcrsig --policy "$p/other.json"
	expect pcrsig-other-key-refused 19 "bundle pcrsig: no signed policy by the bundle's key (Name 000b" \
		", pkfp $pkfp) among 1 signed policy: $p/other.json (1 entry);"
	flip_sig "$p/enter.json" "$p/bad-sig.json"
	signed_unseal pcrsig --policy "$p/bad-sig.json"
	expect pcrsig-bad-signature-refused 19 \
		"bundle pcrsig: the signature of signed policy $p/bad-sig.json entry 1 does not verify with the bundle's key; sign it again (systemd-measure sign, ukify --pcr-private-key)"
	# pol one hex digit short
	sed 's/\("pol":"[0-9a-f]*\)[0-9a-f]"/\1"/' "$p/enter.json" >"$p/short-pol.json"
	signed_unseal pcrsig --policy "$p/short-pol.json"
	expect pcrsig-malformed-refused 3 \
		"$p/short-pol.json: systemd PCR signature is malformed (sha256 entry 1: \"pol\" is not 64 hex digits)"
	measure_sign "$p/sha1.json" "$in/uki.key" sha1 enter-initrd
	signed_unseal pcrsig --policy "$p/sha1.json"
	expect pcrsig-no-sha256-refused 3 \
		"$p/sha1.json: systemd PCR signature has no \"sha256\" entries; tlsroot binds SHA-256 PCRs: sign with systemd-measure sign --bank=sha256"
	# The initrd is left: the enter-initrd signature no longer fits.
	phase_measure a leave-initrd
	v11=$(pcr_value a 11)
	signed_unseal pcrsig --policy "$p/enter.json"
	expect pcrsig-pcr-changed-refused 19 \
		"bundle pcrsig: no signed policy for this boot's PCRs 11 (the TPM shows 11=sha256:$v11); 1 signed by the bundle's key: $p/enter.json (1 entry); sign this boot state"
	# One entry per phase; in a directory beside another key's and a broken file.
	measure_sign "$d/uki.json" "$in/uki.key" sha256 enter-initrd enter-initrd:leave-initrd
	head -c 100 "$d/uki.json" >"$d/broken.json"
	cp "$p/other.json" "$d/0-other.json"
	tlsroot policy inspect "$d/uki.json"
	shown=$out
	signed_unseal pcrsig --policy-dir "$d"
	out=$out$'\n'$shown
	expect pcrsig-phases-unseals 0 "name=pcrsig kind=x509 verified" \
		"note: skipped $d/broken.json: systemd PCR signature is malformed (JSON ends early)" \
		"2 sha256 entries"
	# ECDSA P-256: what systemd-measure signs with an ECC key.
	signed_seal pcrsig-ec "$in/uki-ec.pub" --policy-pcrs 11
	measure_sign "$p/ec.json" "$in/uki-ec.key" sha256 enter-initrd:leave-initrd
	tlsroot policy inspect "$p/ec.json"
	shown=$out
	signed_unseal pcrsig-ec --policy "$p/ec.json"
	out=$out$'\n'$shown
	expect pcrsig-ecdsa-unseals 0 "name=pcrsig-ec kind=x509 verified" "signature: ecdsa-sha256"
}

setup_fail() { echo "TPM FAIL setup: $1"; exit 1; }
command -v swtpm >/dev/null || setup_fail "swtpm not installed"
[ -x "$bin" ] || setup_fail "no $bin; run make first"
[ -x "$find_secret" ] || setup_fail "no secret scanner at $find_secret"
export TSS2_LOG=all+none
make_identities
start_tpm a || setup_fail "cannot start swtpm"
for c in scan_control x509_round_trip psk_round_trip policy pcr_mismatch corrupt \
	 other_tpm pin foreign lock_range emergency foreign_srk lock no_tpm predictive lockout inspect \
	 revocation pin_prompt signed_policy pcrsig no_secret_on_disk; do
	run_case "$c"
done
exit $failed
