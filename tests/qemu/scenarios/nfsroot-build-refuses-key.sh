DESC="55tlsroot refuses to build an image that would hold a plaintext private key (PEM, or DER posing as a bundle) or an untrusted-looking trust anchor"
KERNELS="k7"
TIMEOUT=600
. "$TB_HERE/nfsroot.sh"
# One dracut run per case; each must fail with the module's one line.
nr_refuse_case() { # what file path expected-regex
	local out=$TB_RUN/nfsroot-refuse-$1 line
	rm -rf "$out"
	if nr_build_images k7 "$out" --no-test --flavors nosystemd --plant "$2" "$3" 2>/dev/null; then
		echo "FAIL $1: dracut built an image although $3 holds a private key"
		return 1
	fi
	line=$(grep -a -m1 '55tlsroot: refusing' "$out/dracut-nosystemd.log")
	if ! echo "$line" | grep -qE "$4"; then
		echo "FAIL $1: no clear refusal from 55tlsroot in $out/dracut-nosystemd.log: $(grep -a -m1 -iE 'fatal|error' "$out/dracut-nosystemd.log")"
		return 1
	fi
	[ -e "$out/initrd-nosystemd.img" ] && { echo "FAIL $1: an image was left behind"; return 1; }
	echo "$line" | sed 's/.*55tlsroot: /55tlsroot: /' >&2
}
host_run() { # payload label
	local k=$TB_RUN/pki/client.key der=$TB_RUN/nfsroot-refuse-key.der
	openssl pkey -in "$k" -outform DER -out "$der" 2>/dev/null || { echo "FAIL cannot make a DER key"; return; }
	nr_refuse_case pem "$k" /etc/tlsroot/bundles/client1.bundle 'holds a plaintext private key' || return
	nr_refuse_case der "$der" /etc/tlsroot/bundles/client1.bundle 'is not a sealed tlsroot bundle' || return
	nr_refuse_case stray "$TB_RUN/pki/client.pem" /etc/tlsroot/bundles/client1.pem 'is not a \*\.bundle file' || return
	nr_refuse_case trust "$k" /etc/tlsroot/ca.pem 'holds a plaintext private key' || return
	echo "PASS dracut refused all four images (PEM key as bundle, DER key as bundle, stray file, key as trust anchor) with one line each"
}
