NEEDS_TLSROOT=no
DESC="stock tlshd with file-based client certificate mounts the mtls export"
guest() {
	tb_nfs_client_modules
	tb_start_tlshd_client
	mkdir -p /mnt/m
	tb_expect "NFS mount with xprtsec=mtls failed" \
		mount -t nfs4 -o vers=4.2,xprtsec=mtls "$TB_SERVER_IP:/srv/mtls" /mnt/m
	tb_expect "marker file not read over mtls" \
		grep -q "marker on the mtls export" /mnt/m/marker
	tb_expect "/proc/mounts does not show xprtsec=mtls" \
		grep -q " /mnt/m nfs4 .*xprtsec=mtls" /proc/mounts
	tb_pass "mounted with xprtsec=mtls and read the marker"
}
