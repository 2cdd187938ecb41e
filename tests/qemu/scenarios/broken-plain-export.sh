NEEDS_TLSROOT=no
DESC="broken on purpose: the client requires mtls but the export is plaintext (must FAIL)"
DEFAULT=no
KERNELS=k7
guest() {
	tb_nfs_client_modules
	tb_start_tlshd_client
	mkdir -p /mnt/m
	tb_expect "mount with xprtsec=mtls of the plaintext export /srv/plain failed" \
		timeout 90 mount -t nfs4 -o vers=4.2,xprtsec=mtls,retry=0 "$TB_SERVER_IP:/srv/plain" /mnt/m
	tb_pass "mounted (this should not happen)"
}
