DESC="tlsroot-agent serves an NFS xprtsec=mtls mount (no tlshd)"
guest() {
	tb_nfs_client_modules
	tb_add_client_identity
	tb_start_agent --trust "$TB_PKI/ca.pem" --identity client1
	mkdir -p /mnt/m
	opts=$(tb_mtls_options)
	tb_expect "mtls mount served by the agent failed ($opts): $(tail -n2 /run/agent.log | tr '\n' '|')" \
		mount -t nfs4 -o "$opts" "$TB_SERVER_IP:/srv/mtls" /mnt/m
	tb_expect "marker not read over mtls" grep -q "marker on the mtls export" /mnt/m/marker
	tb_expect "/proc/mounts does not show xprtsec=mtls" grep -q " /mnt/m nfs4 .*xprtsec=mtls" /proc/mounts
	if [ "$TB_KERNEL" = k7 ]; then
		tb_expect "/proc/mounts does not show the cert serial" grep -q " /mnt/m nfs4 .*cert_serial=" /proc/mounts
	fi
	echo "written over mtls" >/mnt/m/client-file && sync
	tb_expect "write over mtls not read back" grep -q "written over mtls" /mnt/m/client-file
	cat /run/agent.log
	tlsroot agent status
	x509=$(tb_status .kinds.x509.served)
	[ "$x509" -ge 1 ] || tb_fail "agent status counts no x509 handshake"
	tb_agent_no_failures
	grep -q "kind=x509 result=ok" /run/agent.log || tb_fail "no per-handshake log line for x509"
	tb_pass "mtls mount served by the agent ($x509 x509 handshakes, 0 failed)"
}
