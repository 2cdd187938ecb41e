DESC="tlsroot key on a real kernel: .nfs/.nvme (or the stand-in), possessor-only keys, identities equal to nvme-cli's (v0, v1, --compat), import of an nvme-cli key file"
guest() {
	tb_load_ktls || tb_fail "cannot load the kTLS modules"
	modprobe nvme-tcp || tb_fail "cannot load nvme-tcp"
	psk=$TB_PKI/nvme-psk.txt

	# Identities: tlsroot's derivation against nvme-cli 2.13 (legacy
	# label encoding, hence --compat) for both identity versions.
	for v in 0 1; do
		ours=$(tlsroot key identity --hostnqn "$TB_HOSTNQN" --subnqn "$TB_SUBNQN" \
			--psk-file "$psk" --identity-version $v --compat) ||
			tb_fail "tlsroot key identity v$v failed"
		theirs=$(nvme check-tls-key --keydata="$(cat "$psk")" --hostnqn="$TB_HOSTNQN" \
			--subsysnqn="$TB_SUBNQN" --identity=$v 2>&1 | grep -o 'NVMe.*')
		[ "$ours" = "$theirs" ] || tb_fail "identity v$v differs: tlsroot '$ours', nvme-cli '$theirs'"
	done

	# The kernel's psk keys cannot be read back, so the TLS PSK bytes are
	# compared where it matters: agent-nvme handshakes with this PSK against
	# the server's copy, which nvme-cli derived.
	tb_add_psk boot "$psk"
	serial=$(tlsroot key resolve boot --json | jq -r .tls_key)
	desc=$(keyctl rdescribe "$serial") || tb_fail "cannot describe key $serial"
	case $desc in
	"psk;0;0;3f010000;NVMe1R01 $TB_HOSTNQN $TB_SUBNQN "*) ;;
	*) tb_fail "PSK key has an unexpected type, owner or permissions: $desc" ;;
	esac
	keyctl show %:.nvme | grep -q "$serial" || tb_fail "PSK $serial is not on .nvme"

	# x509: on .nfs where the kernel has it (7.x), else the stand-in.
	tb_add_client_identity
	list=$(tlsroot key list --json) || tb_fail "tlsroot key list failed"
	echo "$list"
	kr=$(echo "$list" | jq -r '.[] | select(.name=="client1" and .kind=="x509") | .keyring' | head -n1)
	if [ "$TB_KERNEL" = k7 ]; then
		[ "$kr" = ".nfs" ] || tb_fail "x509 identity is on '$kr', want .nfs on 7.x"
	else
		[ "$kr" = "tlsroot" ] || tb_fail "x509 identity is on '$kr', want the tlsroot stand-in on 6.12"
	fi
	echo "$list" | grep -qiE 'BEGIN|PRIVATE' && tb_fail "key list shows key material"
	res=$(tlsroot key resolve client1)
	case $res in cert_serial=[0-9]*,privkey_serial=[0-9]*) ;; *) tb_fail "resolve printed '$res'" ;; esac
	pk=${res#*privkey_serial=}
	# Possessor-only: a process in a fresh session (no possession) is
	# refused the read with EACCES, not for another reason (no such key,
	# a type that cannot be read); the same process with the key's keyring
	# linked into its session (a possessor: .nfs by serial; the stand-in
	# through @u) reads it (positive control). The key's bytes are only
	# counted, never printed.
	ring=$(awk -v d="$kr:" '$8 == "keyring" && $9 == d {print $1; exit}' /proc/keys)
	[ -n "$ring" ] || tb_fail "keyring $kr not in /proc/keys"
	n=$(keyctl session - sh -c "keyctl link @u @s; keyctl link $((16#$ring)) @s; keyctl pipe $pk | wc -c" 2>/tmp/possessor.err)
	[ "${n:-0}" -gt 0 ] 2>/dev/null ||
		tb_fail "a possessor (keyring $kr linked into its session) cannot read the private key: read '${n}' bytes: $(tr '\n' ' ' </tmp/possessor.err)"
	tb_expect_refusal "the private key is readable without possession" 'Permission denied' \
		keyctl session - sh -c "keyctl unlink @u @s 2>/dev/null; keyctl pipe $pk >/dev/null"
	refusal=$TB_REFUSAL

	# Import an nvme-cli key file: nvme-cli writes it, tlsroot reads it.
	# (nvme-cli 2.13 writes the file only along with --insert: into a
	# throwaway keyring of a session of its own.)
	export K="$(cat "$TB_PKI/nvme-psk-wrong.txt")" TB_HOSTNQN
	keyctl session - bash -c '
		keyctl newring scratch @s >/dev/null || exit 1
		nvme check-tls-key --keydata="$K" --hostnqn="$TB_HOSTNQN" \
			--subsysnqn=nqn.2026-11.test.tlsroot:other --identity=1 \
			--insert --keyring=scratch --keytype=user --keyfile=/run/tls-keys' \
		>/tmp/keyfile.out 2>&1 || tb_fail "nvme-cli could not write a key file: $(tr '\n' ' ' </tmp/keyfile.out)"
	[ -s /run/tls-keys ] || tb_fail "nvme-cli wrote an empty key file"
	tlsroot key import-nvme /run/tls-keys || tb_fail "tlsroot key import-nvme failed"
	# The identity is the line without its last field, the key.
	id=$(head -n1 /run/tls-keys | sed 's/ [^ ]*$//')
	tlsroot key resolve "$id" >/dev/null || tb_fail "imported identity '$id' cannot be resolved"
	tlsroot key remove "$id" || tb_fail "tlsroot key remove failed"
	tlsroot key resolve "$id" >/dev/null 2>&1 && tb_fail "identity still resolves after remove"
	tb_pass "identities equal nvme-cli's, x509 on $kr, possessor-only (a possessor read $n bytes; a non-possessor got '$refusal'), key file imported and removed"
}
