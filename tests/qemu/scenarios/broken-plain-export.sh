NEEDS_TLSROOT=no
DESC="must-fail control: the client requires mtls, the export is plaintext; passes only when the mount is refused by the server"
KERNELS=k7
# The suite counts this as passed only when the scenario itself fails,
# and only for the server's refusal: a verdict of PASS, or a failure for
# any other reason (no network, a timeout), is a failure of the suite.
EXPECT=fail
EXPECT_REASON='^mount refused by the server: .*(access denied by server|Operation not permitted)'
guest() {
	local out
	tb_nfs_client_modules
	tb_start_tlshd_client
	mkdir -p /mnt/m
	if out=$(timeout 90 mount -t nfs4 -o vers=4.2,xprtsec=mtls,retry=0 "$TB_SERVER_IP:/srv/plain" /mnt/m 2>&1); then
		tb_pass "mounted /srv/plain with xprtsec=mtls although the export is plaintext"
	fi
	tb_fail "mount refused by the server: $(echo "$out" | tr '\n' ' ')"
}
