DESC="tlsroot-agent serves an NFS xprtsec=tls mount (server verified, no client certificate)"
# A VM of its own: an NFSv4.1 client finds the same server behind every
# address (trunking) and would carry a tls export over an earlier mtls
# transport, which a tls-only export refuses.
guest() {
	tb_nfs_client_modules
	tb_start_agent --trust "$TB_PKI/ca.pem"
	echo "$TB_SERVER_IP server.test" >>/etc/hosts
	mkdir -p /mnt/t
	tb_expect "tls mount served by the agent failed" \
		mount -t nfs4 -o vers=4.2,xprtsec=tls "server.test:/srv/tls" /mnt/t
	tb_expect "marker not read over tls" grep -q "marker on the tls export" /mnt/t/marker
	tb_expect "/proc/mounts does not show xprtsec=tls" grep -q " /mnt/t nfs4 .*xprtsec=tls" /proc/mounts
	echo "written over tls" >/mnt/t/client-file && sync
	tb_expect "write over tls not read back" grep -q "written over tls" /mnt/t/client-file
	cat /run/agent.log
	tlsroot agent status
	anon=$(tb_status .kinds.anon.served)
	[ "$anon" -ge 1 ] || tb_fail "agent status counts no anonymous handshake"
	grep -q "peer=server.test kind=anon result=ok" /run/agent.log ||
		tb_fail "no log line for the anonymous handshake with server.test"
	tb_agent_no_failures
	tb_pass "tls mount by DNS name served by the agent ($anon anonymous handshakes, 0 failed)"
}
