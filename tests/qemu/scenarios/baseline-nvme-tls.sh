NEEDS_TLSROOT=no
DESC="stock tlshd: NVMe/TCP connect with a TLS PSK, read a block, check tls_key"
guest() {
	tb_load_ktls || tb_fail "cannot load the kTLS modules"
	modprobe nvme-tcp || tb_fail "cannot load nvme-tcp"
	tb_insert_psk /tlsroot-test/pki/nvme-psk.txt >/tmp/psk.out 2>&1 ||
		tb_fail "nvme check-tls-key --insert failed: $(cat /tmp/psk.out)"
	tb_start_tlshd_client
	tb_expect "nvme connect --tls failed" tb_nvme_connect --tls
	tb_wait 20 test -b /dev/nvme0n1 || tb_fail "no /dev/nvme0n1 after connect"
	tb_nvme_read_marker || tb_fail "marker block not read from the namespace"
	key=$(cat /sys/class/nvme/nvme0/tls_key 2>/dev/null)
	[ -n "$key" ] || tb_fail "/sys/class/nvme/nvme0/tls_key is empty: no TLS key in use"
	keyctl show %:.nvme
	keyctl describe "0x$key" || cat /proc/keys
	desc=$(keyctl rdescribe "0x$key" 2>/dev/null)
	case $desc in
	psk\;*NVMe*"$TB_HOSTNQN $TB_SUBNQN"*) ;;
	*) tb_fail "tls_key $key is not the PSK for this host and subsystem (description '$desc')" ;;
	esac
	tb_pass "connected over TLS with PSK key $key and read the marker block"
}
