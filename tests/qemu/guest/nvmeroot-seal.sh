#!/bin/bash
# Provisioning boot of the NVMe/TCP-root client (test-bed boot path, this
# VM's own swtpm): seal the NVMe PSK for this host (nvme1) and, for the
# refused-boot test, the same PSK for another host NQN (otherhost), both
# to this TPM with identity version 1, derived as this userland's nvme-cli
# (the server's) derives it: nvme-cli 2.16 and later (forky) follow RFC
# 8446 and have --compat for the old way; older ones (trixie's 2.13) know
# only the old way, hence tlsroot seal --compat there. Prints a tar of both bundles on the console
# the way nfsroot-seal.sh prints its bundle (tests/qemu/nvmeroot.sh). PCR 7
# alone, as nfsroot-seal.sh says why.
. /tlsroot-test/lib.sh
t=/tlsroot-test
tb_wait 20 test -c /dev/tpmrm0 || tb_fail "no /dev/tpmrm0 after 20 s (is the swtpm attached?)"
mkdir -p /tmp/b
compat=--compat
nvme check-tls-key --help 2>&1 | grep -q -- '--compat' && compat=
for e in "nvme1:$TB_HOSTNQN" "otherhost:nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-0000000000ff"; do
	name=${e%%:*} host=${e#*:}
	out=$($t/bin/tlsroot seal "$name" --psk-file $t/pki/nvme-psk.txt --hostnqn "$host" \
		--subnqn "$TB_SUBNQN" --identity-version 1 $compat --secure-boot-only --lock-pcr 15 \
		-o "/tmp/b/$name.bundle" 2>&1) || tb_fail "tlsroot seal $name failed: $out"
done
tar -C /tmp/b -cf /tmp/bundles.tar nvme1.bundle otherhost.bundle
tb_print_bundle /tmp/bundles.tar 7,15
tb_pass "sealed the NVMe PSK (${compat:-RFC 8446 derivation}, as $(nvme version | head -n1)) for this host (nvme1) and for another host (otherhost), PCR 7, lock PCR 15"
