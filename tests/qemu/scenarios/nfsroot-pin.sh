DESC="PIN at boot: the client's identity sealed with a PIN (on the host, to a copy of the client's TPM state, PCR 7 predicted), in the image instead of the PIN-less bundle. (1) systemd image: at systemd-ask-password's prompt on the serial console a wrong PIN, then the right one: the NFS mTLS root boots (every check of nfsroot-mtls-systemd), and the TPM's lockout counter there is one above the sealed state's; (2) image without systemd: three wrong PINs at tlsroot's own console prompt: the boot stops with 'wrong PIN 3 times' before any NFS request"
KERNELS="k7"
TIMEOUT=1200
. "$TB_HERE/nfsroot.sh"

PIN_RIGHT=2468
PIN_WRONG=1357

# pin_seal LABEL OUT-DIR: the PIN bundle OUT-DIR/client1.bundle, sealed
# on the host to the client's TPM (nr_host_seal) for the PCR 7 value the
# seal boot read (PCR 15, the lock, at zero); prints the TPM's lockout
# counter of that state.
pin_seal() {
	local pcr7 rc
	pcr7=$(sed -n 's/^ *7 *: *0x//p' "$(nr_dir "$1")/pcrs.txt" | tr 'A-F' 'a-f')
	[ ${#pcr7} -eq 64 ] || { nr_log "no PCR 7 value from the seal boot: '$pcr7'"; return 1; }
	mkdir -p "$2"
	printf '%s\n' "$PIN_RIGHT" >"$2/pin"
	nr_host_seal "$1" "$2" --pcr "7=sha256:$pcr7" --secure-boot-only --pin-file "$2/pin"
	rc=$?
	rm -f "$2/pin"
	return $rc
}

# pin_boot VM LABEL IMAGE TIMEOUT APPEND [PATTERN TEXT]...: one boot with
# a person typing each TEXT at its PATTERN on the serial console (tb_type);
# returns nr_boot's status.
pin_boot() {
	local vm=$1 label=$2 img=$3 timeout=$4 append=$5 typist rc
	shift 5
	tb_type "$vm" 400 "$@" &
	typist=$!
	nr_boot "$vm" "$label" "$img" --timeout="$timeout" --serial-input "$append"
	rc=$?
	nr_stop_pids
	kill "$typist" 2>/dev/null
	wait "$typist" 2>/dev/null
	return $rc
}

host_run() { # payload label
	local p vm=nfsroot-pin-$2 rc counter first second log n
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	p=$TB_RUN/$vm
	counter=$(pin_seal "$2" "$p") || { echo "FAIL setup: the PIN bundle could not be sealed (see the runner's log)"; return; }
	nr_build_images "$2" "$p" --bundle "$p/$NR_IDENTITY.bundle" --flavors "systemd nosystemd" ||
		{ echo "FAIL setup: dracut images with the PIN bundle"; return; }
	grep -q 'systemd-ask-password' "$p/dracut-systemd.log" ||
		grep -aq 'systemd-ask-password' <(lsinitrd "$p/initrd-systemd.img" 2>/dev/null) ||
		{ echo "FAIL the systemd image with a PIN bundle has no systemd-ask-password"; return; }

	# (1) A wrong PIN, then the right one, at systemd-ask-password's prompt.
	pin_boot "$vm-ask" "$2" "$p/initrd-systemd.img" 600 "$(nr_append "$2" mtls tb.pin=1)" \
		'PIN for client1 \(try 1 of 3\)' "$PIN_WRONG" 'PIN for client1 \(try 2 of 3\)' "$PIN_RIGHT"
	rc=$?
	log=$(tb_vm_log "$vm-ask")
	first=$(nr_judge_root $rc 600 "$log" "$p/initrd-systemd.img" "$TB_RUN/server-root-mtls.qcow2" \
		"the private key's bytes are" key) || { echo "$first"; return; }
	grep -aq 'tlsroot: wrong PIN for client1' "$log" ||
		{ echo "FAIL (1): no 'wrong PIN' line after the wrong PIN [log: $log]"; return; }
	n=$(tr -d '\r' <"$log" | sed -n 's/^TLSROOT-PIN: lockout_counter=//p' | head -n1)
	[ "$n" = $((counter + 1)) ] ||
		{ echo "FAIL (1): TPM lockout counter '$n' on the root, want $((counter + 1)) (sealed state $counter + the one wrong PIN) [log: $log]"; return; }

	# (2) Three wrong PINs at tlsroot's console prompt (no systemd).
	local before
	before=$(nr_server_quiet)
	pin_boot "$vm-wrong" "$2" "$p/initrd-nosystemd.img" 300 "$(nr_append "$2" mtls)" \
		'PIN for client1 \(try 1 of 3\)' "$PIN_WRONG" 'PIN for client1 \(try 2 of 3\)' "$PIN_WRONG" \
		'PIN for client1 \(try 3 of 3\)' "$PIN_WRONG"
	rc=$?
	sleep 2
	second=$(nr_stop_verdict "$vm-wrong" $rc 300 'tlsroot: .*bundle client1: wrong PIN 3 times' "$before" \
		"$(nr_server_compounds)" "the server saw NFS requests during a boot that had to stop (COMPOUND %s -> %s)" \
		"stopped in the initramfs") || { echo "$second"; return; }
	echo "PASS (1) systemd-ask-password, a wrong PIN then the right one: ${first#PASS }; TPM lockout counter $counter -> $n; (2) no systemd, three wrong PINs: ${second#PASS }"
}
