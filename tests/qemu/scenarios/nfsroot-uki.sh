DESC="measured UEFI boot, signed PCR 11 policy: the client's identity sealed (on the host, to the client's TPM) with --policy-key = the owner's PCR key and --policy-pcrs 11; a unified kernel image made by the guest's ukify (systemd-stub, the systemd dracut image with systemd-pcrphase, PCR 11 of the initrd phase signed with that key) booted by OVMF with swtpm. (1) the owner's UKI mounts the NFS mTLS root, unsealed with the UKI's own signature (/.extra); (2) a UKI whose initramfs was changed (a service added that watches for keys from before the unseal on) and not re-signed (the original .pcrsig and .pcrpkey copied in) stops in the initramfs with a line naming the policy, before any NFS request, and the added service finds no key; (3) a new UKI of that changed initramfs, signed with the same key, mounts the root with the same bundle (no reseal), and there the added service sees the keys (the control of (2)); (4) the owner's UKI started from OVMF's UEFI shell with its own command line (rd.break=pre-mount added): systemd-stub measures it into PCR 12, which the bundle binds directly at its empty value, and the boot stops naming PCR 12 before any NFS request; no key byte in the UKIs or on the consoles"
KERNELS="k7"
TIMEOUT=1800
. "$TB_HERE/nfsroot.sh"

# uki_esp UKI DIR: an ESP directory with UKI at the removable-media path,
# which OVMF boots when it has no boot entry of its own.
uki_esp() {
	rm -rf "$2"
	mkdir -p "$2/EFI/BOOT" && cp "$1" "$2/EFI/BOOT/BOOTX64.EFI"
}

# The change nobody signed: a step added to the initramfs, a service
# that watches the keys from before the unseal on (a cpio appended, as
# the kernel unpacks concatenated archives).
uki_tamper() { # initrd out
	local t u
	t=$(mktemp -d)
	u=$t/etc/systemd/system
	mkdir -p "$u/initrd.target.wants" "$t/usr/local/sbin"
	install -m 0755 "$TB_HERE/guest/uki-observer.sh" "$t/usr/local/sbin/tlsroot-test-observer"
	printf '%s\n' '[Unit]' 'DefaultDependencies=no' 'After=systemd-pcrphase-initrd.service' \
		'Before=tlsroot-unseal.service' '[Service]' 'ExecStart=/usr/local/sbin/tlsroot-test-observer' \
		>"$u/tlsroot-test-observer.service"
	ln -s ../tlsroot-test-observer.service "$u/initrd.target.wants/tlsroot-test-observer.service"
	{ cat "$1"; (cd "$t" && find . | cpio -o -H newc --quiet -R 0:0 | gzip -1); } >"$2"
	rm -rf "$t"
}

# uki_boot_to_root VM LABEL UKI ESP-DIR: OVMF boots UKI (from ESP-DIR)
# until the test hook says the root is mounted; the UKI and the console
# hold no byte of the client key. The whole systemd root is judged
# elsewhere (nfsroot-pin, the host-only and handoff scenarios): here the
# point is which image may unseal. Prints what it saw, or the failure.
uki_boot_to_root() {
	local rc log hits
	uki_esp "$3" "$4"
	nr_boot "$1" "$2" "$4" --uefi --timeout=600 --stop-at='tlsroot-test: root mounted'
	rc=$?
	nr_stop_pids
	log=$(tb_vm_log "$1")
	if [ $rc -ne 0 ] || ! grep -aq 'tlsroot-test: root mounted' "$log"; then
		echo "the UKI did not mount the root (boot status $rc): $(tr -d '\r' <"$log" | grep -a -m1 -E 'FATAL|tlsroot: ' | cut -c1-300) [log: $log]"
		return 1
	fi
	hits=$(nr_find_secret "$3" "$log") || { echo "the private key's bytes are in the open: $(echo "$hits" | head -n3 | tr '\n' ';')"; return 1; }
	grep -aq 'client1: unsealed through the signed policy /.extra/tpm2-pcr-signature.json entry 1' "$log" ||
		{ echo "the unseal did not say it used the UKI's own signature (/.extra/tpm2-pcr-signature.json entry 1): $(tr -d '\r' <"$log" | grep -a -m1 -o 'tlsroot: locked pcr=.*' | cut -c1-300) [log: $log]"; return 1; }
	echo "the NFS mTLS root mounted $(nr_mounted_at "$log") s after kernel start, unsealed through the UKI's signature (/.extra/tpm2-pcr-signature.json entry 1); no key byte in the UKI or on the console"
}

host_run() { # payload label
	local p vm=nfsroot-uki-$2 cmdline rc log first second third fourth before observed refused pki=$TB_RUN/pki
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	p=$TB_RUN/$vm
	# PCR 12 bound directly at its value for the UKI's own command line
	# (nothing measured there): OVMF has no Secure Boot keys, and
	# systemd-stub would take a command line from the boot loader.
	nr_host_seal "$2" "$p" --policy-key "$pki/pcr-public.pem" --policy-pcrs 11 \
		--pcr "12=sha256:$(printf '0%.0s' $(seq 64))" >/dev/null ||
		{ echo "FAIL setup: the signed-policy bundle could not be sealed (see the runner's log)"; return; }
	cmdline="$(nr_append "$2" mtls) no_timer_check"
	nr_build_images "$2" "$p" --bundle "$p/$NR_IDENTITY.bundle" --flavors systemd \
		--add-modules systemd-pcrphase --uki "$cmdline" "$pki" ||
		{ echo "FAIL setup: the dracut image or the UKI (see the runner's log)"; return; }

	# (1) The owner's UKI: the root is mounted.
	first=$(uki_boot_to_root "$vm-signed" "$2" "$p/uki-systemd.efi" "$p/esp-signed") || { echo "FAIL (1) $first"; return; }

	# (4, run here while the owner's UKI is at hand) The owner's UKI
	# started from the UEFI shell with a command line of its own:
	# systemd-stub measures it into PCR 12, which the bundle binds.
	mkdir -p "$p/esp-shell/EFI/tlsroot"
	cp "$p/uki-systemd.efi" "$p/esp-shell/EFI/tlsroot/uki.efi"
	printf 'fs0:\\EFI\\tlsroot\\uki.efi %s rd.break=pre-mount\r\n' "$cmdline" >"$p/esp-shell/startup.nsh"
	before=$(nr_server_quiet)
	nr_boot "$vm-override" "$2" "$p/esp-shell" --uefi --timeout=400
	rc=$?
	nr_stop_pids
	sleep 2
	fourth=$(nr_stop_verdict "$vm-override" $rc 400 \
		'FATAL: tlsroot: cannot unseal the identity: bundle client1: PCR 12 differs from the value it was sealed to' \
		"$before" "$(nr_server_compounds)" \
		"the server saw NFS requests during a boot that had to stop (COMPOUND %s -> %s)" \
		"stopped in the initramfs") || { echo "FAIL (4) ${fourth#FAIL }"; return; }
	grep -aq 'Command line: .*rd.break=pre-mount' "$(tb_vm_log "$vm-override")" ||
		{ echo "FAIL (4) the kernel did not get the shell's command line [log: $(tb_vm_log "$vm-override")]"; return; }

	# (2) Changed initramfs, signature copied from the owner's UKI.
	uki_tamper "$p/initrd-systemd.img" "$p/initrd-tampered.img"
	nr_ukify "$2" "$p/ukify-tampered" "$p/uki-tampered.efi" "$p/initrd-tampered.img" "$cmdline" \
		--copy-signature "$p/uki-systemd.efi" "$pki/pcr-public.pem" ||
		{ echo "FAIL setup: the unsigned UKI (see the runner's log)"; return; }
	uki_esp "$p/uki-tampered.efi" "$p/esp-tampered"
	before=$(nr_server_quiet)
	nr_boot "$vm-tampered" "$2" "$p/esp-tampered" --uefi --timeout=400
	rc=$?
	nr_stop_pids
	sleep 2
	second=$(nr_stop_verdict "$vm-tampered" $rc 400 'FATAL: tlsroot: cannot unseal the identity: .*tpm2-pcr-signature\.json' \
		"$before" "$(nr_server_compounds)" \
		"the server saw NFS requests during a boot that had to stop (COMPOUND %s -> %s)" \
		"stopped in the initramfs") || { echo "FAIL (2) ${second#FAIL }"; return; }
	log=$(tb_vm_log "$vm-tampered")
	observed=$(tr -d '\r' <"$log" | grep -a -m1 '^TLSROOT-OBSERVER: ' | cut -c19-)
	case $observed in
	"placed=0 valid=0 keys=0 from="*) ;;
	*) echo "FAIL (2) the service added to the initramfs found keys: '${observed:-it did not report}' [log: $log]"; return ;;
	esac
	# It watched from before the refusal to after it.
	refused=$(tr -d '\r' <"$log" | sed -n 's/^\[ *\([0-9.]*\)\] dracut: FATAL: tlsroot: .*/\1/p' | head -n1)
	awk -v o="$observed" -v r="$refused" 'BEGIN { split(o, w, /[ =]/); exit !(r != "" && w[8] + 0 < r + 0 && w[10] + 0 > r + 0) }' ||
		{ echo "FAIL (2) the added service did not watch across the refusal (at ${refused:-?} s): $observed [log: $log]"; return; }
	second="${second#PASS }; the service added to the initramfs, watching across the refusal at $refused s, found $observed"

	# (3) The same change, signed by the owner: boots, same bundle.
	nr_ukify "$2" "$p/ukify-resigned" "$p/uki-resigned.efi" "$p/initrd-tampered.img" "$cmdline" --sign "$pki" ||
		{ echo "FAIL setup: the re-signed UKI (see the runner's log)"; return; }
	third=$(uki_boot_to_root "$vm-resigned" "$2" "$p/uki-resigned.efi" "$p/esp-resigned") || { echo "FAIL (3) $third"; return; }
	log=$(tb_vm_log "$vm-resigned")
	# The control of (2): in a boot that unsealed, the same added service
	# sees the keys in /proc/keys (so its "keys=0" there meant something).
	# It reports at the first key, which can be before the unseal's
	# serials reach /run/tlsroot/unsealed: placed may still be 0.
	observed=$(tr -d '\r' <"$log" | grep -a -m1 '^TLSROOT-OBSERVER: ' | cut -c19-)
	case $observed in
	*" keys="[1-9]*) ;;
	*) echo "FAIL (3) the service added to the initramfs did not see the placed keys: '${observed:-no report}' [log: $log]"; return ;;
	esac
	third="$third; the added service saw $observed"
	echo "PASS (1) $first; (2) changed initramfs, not re-signed: $second; (3) the change re-signed, same bundle: $third; (4) the owner's UKI with rd.break=pre-mount given at the UEFI shell: ${fourth#PASS }"
}
