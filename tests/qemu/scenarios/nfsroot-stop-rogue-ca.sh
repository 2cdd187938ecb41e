DESC="stopped boot: the server certificate is from a CA the client does not trust -> the agent's reason on the console, no plaintext mount"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_expect_stop "nfsroot-stop-rogue-ca-$2" "$2" systemd mtls \
		'FATAL: tlsroot: the TLS root was not mounted; last handshake failure: .*(certificate|trust)' \
		rd.tlsroot.truststore=/etc/tlsroot-test/rogue-ca.pem rd.retry=10
}
