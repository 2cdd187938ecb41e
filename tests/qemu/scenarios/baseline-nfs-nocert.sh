NEEDS_TLSROOT=no
DESC="a mount without a client certificate is refused by the mtls export"
guest() {
	tb_nfs_client_modules
	tb_start_tlshd_client --no-cert
	mkdir -p /mnt/m
	tb_expect_fail "the mtls export accepted a client without a certificate" \
		timeout 90 mount -t nfs4 -o vers=4.2,xprtsec=mtls,retry=0 "$TB_SERVER_IP:/srv/mtls" /mnt/m
	tb_expect_fail "something is mounted on /mnt/m" mountpoint -q /mnt/m
	tb_pass "mount refused without a client certificate"
}
