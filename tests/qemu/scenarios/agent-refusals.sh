DESC="tlsroot-agent refuses a server from another CA, a name mismatch and a wrong PSK, with a clear log line"
guest() {
	tb_nfs_client_modules
	modprobe nvme-tcp || tb_fail "cannot load nvme-tcp"
	tb_add_client_identity
	mkdir -p /mnt/m
	opts=$(tb_mtls_options)

	# 1. Trusting only another CA: the server's certificate must be refused.
	tb_start_agent --trust "$TB_PKI/rogue-ca.pem" --identity client1
	tb_expect_fail "mounted although the server's CA is not trusted" \
		timeout 100 mount -t nfs4 -o "$opts,retry=0" "$TB_SERVER_IP:/srv/mtls" /mnt/m
	grep -E "result=EACCES.*(issuer|signer|CA|trusted)" /run/agent.log ||
		tb_fail "no clear log line for the untrusted CA: $(tr '\n' '|' </run/agent.log)"
	tb_stop_agent

	# 2. Right CA, but the server is reached by a name its certificate lacks.
	tb_start_agent --trust "$TB_PKI/ca.pem" --identity client1
	tb_expect_fail "mounted although the server's name does not match" \
		timeout 100 mount -t nfs4 -o "$opts,retry=0" "192.0.2.3:/srv/mtls" /mnt/m
	grep -E "result=EACCES.*(name|host)" /run/agent.log ||
		tb_fail "no clear log line for the name mismatch: $(tr '\n' '|' </run/agent.log)"
	tb_expect_fail "something is mounted after refused handshakes" mountpoint -q /mnt/m
	grep -q " nfs4 " /proc/mounts && tb_fail "an NFS mount exists after refused handshakes"

	# 3. A PSK the target does not have.
	tb_add_psk wrong "$TB_PKI/nvme-psk-wrong.txt"
	key=$(tlsroot key resolve wrong)
	tb_expect_fail "NVMe connect succeeded with a wrong PSK" \
		timeout 60 nvme connect -t tcp -a "$TB_SERVER_IP" -s 4420 -n "$TB_SUBNQN" \
		--hostnqn="$TB_HOSTNQN" --hostid="$TB_HOSTID" --tls --tls_key="$((${key#tls_key=}))" --ctrl-loss-tmo=0
	grep -E "kind=psk result=(EKEYREJECTED|EACCES|ETIMEDOUT)" /run/agent.log ||
		tb_fail "no clear log line for the wrong PSK: $(tr '\n' '|' </run/agent.log)"
	test -b /dev/nvme0n1 && tb_fail "a namespace appeared with a wrong PSK"
	cat /run/agent.log
	tlsroot agent status
	[ "$(tb_status .served)" = 0 ] || tb_fail "the agent reports a successful handshake during refusals"
	tb_pass "untrusted CA, name mismatch and wrong PSK all refused with log lines"
}
