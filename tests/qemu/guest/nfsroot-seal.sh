#!/bin/bash
# Provisioning boot of an NFS-root client (test-bed boot path, this VM's
# own swtpm): seal the client identity to this TPM and print the bundle on
# the console (base64 between markers) for the host, which builds the
# dracut initramfs with it. The private key never leaves this disk.
. /tlsroot-test/lib.sh
t=/tlsroot-test
tb_wait 20 test -c /dev/tpmrm0 || tb_fail "no /dev/tpmrm0 after 20 s (is the swtpm attached?)"
# PCR 7 alone, said explicitly: the test bed boots under SeaBIOS with
# -kernel/-initrd, where nothing measures the kernel, the initramfs or the
# command line (tlsroot-seal(8)).
out=$($t/bin/tlsroot seal client1 --cert $t/pki/client.pem --key $t/pki/client.key \
	--secure-boot-only --lock-pcr 15 -o /tmp/client1.bundle 2>&1) ||
	tb_fail "tlsroot seal failed: $out"
tb_print_bundle /tmp/client1.bundle 7,15
tb_pass "sealed client1 to PCR 7 (lock PCR 15)"
