#!/bin/bash
# pki.sh DIR: a fresh test PKI per run (certtool), plus NVMe PSKs.
#   ca.{pem,key}              the trusted test CA
#   server.{pem,key}          IP SAN 192.0.2.1 and DNS server.test
#   client.{pem,key}          EKU clientAuth, CN client1
#   rogue-ca.*, rogue-server.* the same names from an untrusted CA
#   wrongname-server.*        trusted CA, SAN 192.0.2.99 only
#   nvme-psk.txt              NVMeTLSkey-1:01:…: configured PSK (hash SHA-256)
#   nvme-psk-wrong.txt        another PSK for the same identity
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077

template() { # file cn extra-lines...
	local f=$1 cn=$2
	shift 2
	{
		echo "cn = \"$cn\""
		echo "expiration_days = 30"
		printf '%s\n' "$@"
	} >"$f"
}

key() { certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$1" 2>/dev/null; }

ca() { # name
	key "$1.key"
	template "$1.tmpl" "tlsroot test $1" "ca" "cert_signing_key"
	certtool --generate-self-signed --load-privkey "$1.key" \
		--template "$1.tmpl" --outfile "$1.pem" 2>/dev/null
}

leaf() { # name ca template-lines...
	local name=$1 issuer=$2
	shift 2
	key "$name.key"
	template "$name.tmpl" "$@"
	certtool --generate-certificate --load-privkey "$name.key" \
		--load-ca-certificate "$issuer.pem" --load-ca-privkey "$issuer.key" \
		--template "$name.tmpl" --outfile "$name.pem" 2>/dev/null
}

ca ca
ca rogue-ca
server_lines=("ip_address = 192.0.2.1" "dns_name = server.test" "tls_www_server" "signing_key" "encryption_key")
leaf server ca server.test "${server_lines[@]}"
leaf rogue-server rogue-ca server.test "${server_lines[@]}"
leaf wrongname-server ca wrong.test "ip_address = 192.0.2.99" "dns_name = wrong.test" "tls_www_server" "signing_key"
leaf client ca client1 "dns_name = client1.test" "tls_www_client" "signing_key"
rm -f ./*.tmpl

# The owner's PCR signing key of the measured-boot scenarios: RSA-2048,
# what ukify --pcr-private-key and systemd-measure sign with.
certtool --generate-privkey --key-type=rsa --bits=2048 --no-text --outfile pcr-private.pem 2>/dev/null
certtool --load-privkey pcr-private.pem --pubkey-info --no-text --outfile pcr-public.pem 2>/dev/null

interchange() { # hash-id psk-bytes-file: NVMeTLSkey-1:HH:base64(PSK || CRC32 LE):
	python3 -c 'import base64,sys,zlib
k=open(sys.argv[2],"rb").read()
print("NVMeTLSkey-1:%s:%s:" % (sys.argv[1], base64.b64encode(k+zlib.crc32(k).to_bytes(4,"little")).decode()))' "$1" "$2"
}
head -c 32 /dev/urandom >psk.bin
interchange 01 psk.bin >nvme-psk.txt
head -c 32 /dev/urandom >psk.bin
interchange 01 psk.bin >nvme-psk-wrong.txt
rm -f psk.bin
