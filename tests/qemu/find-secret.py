#!/usr/bin/env python3
"""find-secret KEY.pem|--raw SECRET FILE...: report where a secret appears.

Patterns of KEY.pem: the raw private value, the PKCS#8 and the traditional
(SEC1 or PKCS#1) DER encodings, their base64 forms, and every line of the
PEM body. With --raw, SECRET is a file of raw secret bytes (a PSK). The raw
value (of either) is also sought in hex (lower and upper case) and in
base64 at each of the three byte alignments, so it is found inside a
longer hex or base64 text too (a DER encoding of it, say).
find-secret --psk PSK.txt HOSTNQN SUBNQN FILE...: PSK.txt holds an NVMe/TCP
configured PSK in interchange format; patterns: that text, its base64
field, and as raw values the configured PSK, the retained PSK and the TLS
PSK derived for HOSTNQN and SUBNQN (TP 8018: identity versions 0 and 1,
RFC 8446 and nvme-cli <= 2.15 label layouts).
FILEs are searched raw and, when they are initramfs images (cpio, gzip,
zstd, or those concatenated), decompressed. Prints one line per hit,
"FILE: PATTERN", and exits 1 if there was any; 0 if none; 2 on errors.
"""
import base64
import gzip
import hashlib
import hmac
import re
import struct
import subprocess
import sys
import zlib


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True,
                          capture_output=True).stdout


def patterns(keyfile):
    pem = open(keyfile, "rb").read()
    pats = {}
    m = re.search(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----(.*?)-----END", pem,
                  re.S)
    if not m:
        raise SystemExit("find-secret: no PEM private key in %s" % keyfile)
    body = [l.strip() for l in m.group(1).splitlines() if l.strip()]
    for i, line in enumerate(body):
        if len(line) >= 16:
            pats["PEM line %d" % (i + 1)] = line
    pkcs8 = openssl("pkey", "-in", keyfile, "-outform", "DER")
    pats["PEM body joined"] = b"".join(body)
    pats["PKCS#8 DER"] = pkcs8
    pats["PKCS#8 DER base64"] = base64.b64encode(pkcs8)
    for kind in ("ec", "rsa"):
        try:
            trad = openssl(kind, "-in", keyfile, "-outform", "DER")
        except subprocess.CalledProcessError:
            continue
        pats["%s DER" % kind] = trad
        pats["%s DER base64" % kind] = base64.b64encode(trad)
    text = openssl("pkey", "-in", keyfile, "-noout", "-text").decode()
    m = re.search(r"priv(?:ateExponent)?:\s*\n((?:\s+[0-9a-f:]+\n)+)", text)
    if m:
        raw = bytes.fromhex(re.sub(r"[\s:]", "", m.group(1)))
        raw = raw.lstrip(b"\0") if len(raw) > 32 else raw
        pats.update(raw_patterns("raw private value", raw))
    return pats


def raw_patterns(name, raw):
    """raw, its hex, and its base64 at offsets 0-2 of a longer stream
    (only the groups made of its own bytes)."""
    pats = {name: raw, name + " hex": raw.hex().encode(),
            name + " HEX": raw.hex().upper().encode()}
    for k in range(3):
        enc = base64.b64encode(b"\0" * k + raw)
        pats["%s base64 (offset %d)" % (name, k)] = \
            enc[4 if k else 0:4 * ((len(raw) + k) // 3)]
    return pats


def decompress(data):
    """Yield the decompressed parts of an initramfs-like blob."""
    while data:
        if data[:6] in (b"070701", b"070702"):
            end = data.find(b"TRAILER!!!")
            if end < 0:
                return
            data = data[end + 10:].lstrip(b"\0")
            continue
        if data[:2] == b"\x1f\x8b":
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            yield d.decompress(data)
            data = d.unused_data.lstrip(b"\0")
            continue
        if data[:4] == b"\x28\xb5\x2f\xfd":
            yield subprocess.run(["zstd", "-dc"], input=data, check=True,
                                 capture_output=True).stdout
            return
        return


# --psk: an NVMe/TCP configured PSK and what a host derives from it.
def hkdf_label(hashname, compat, ikm, label, ctx, length):
    """HKDF-Extract (zero salt), then HKDF-Expand-Label as keys/psk.c
    builds its info (compat: nvme-cli <= 2.15's layout)."""
    prk = hmac.new(bytes(hashlib.new(hashname).digest_size), ikm,
                   hashname).digest()
    label = b"tls13 " + label
    if compat:
        info = struct.pack("<H", length) + label + ctx
    else:
        info = (struct.pack(">HB", length, len(label)) + label +
                bytes([len(ctx)]) + ctx)
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashname).digest()
        out += t
        i += 1
    return out[:length]


def psk_secrets(text, hostnqn, subnqn):
    """Name -> bytes: the configured PSK, the retained PSK and the TLS PSK
    for both identity versions and both label layouts (whichever the boot
    is configured with, each is a secret)."""
    m = re.fullmatch(r"NVMeTLSkey-1:(0[0-2]):([A-Za-z0-9+/=]+):", text)
    if not m:
        raise SystemExit("find-secret: no configured PSK in interchange "
                         "format (NVMeTLSkey-1:HH:...:)")
    hid = int(m.group(1))
    cfg = base64.b64decode(m.group(2))[:-4]
    out = {"configured PSK": cfg}
    # Hash id 0: the configured PSK is the retained one, its length
    # picks the hash.
    eff = hid or (2 if len(cfg) == 48 else 1)
    hname = "sha384" if eff == 2 else "sha256"
    for compat in (0, 1):
        how = "nvme-cli <= 2.15 labels" if compat else "RFC 8446 labels"
        ret = cfg
        if hid:
            ret = hkdf_label(hname, compat, cfg, b"HostNQN",
                             hostnqn.encode(), len(cfg))
            out["retained PSK (%s)" % how] = ret
        digest = base64.b64encode(hmac.new(
            ret, ("%s %s NVMe-over-Fabrics" % (hostnqn, subnqn)).encode(),
            hname).digest())
        ctxs = (("NVMe0R%02d %s %s" % (eff, hostnqn, subnqn)).encode(),
                b"%02d " % eff + digest)
        for ver, ctx in enumerate(ctxs):
            out["TLS PSK (identity %d, %s)" % (ver, how)] = hkdf_label(
                hname, compat, ret, b"nvme-tls-psk", ctx, len(cfg))
    return out


def psk_patterns(pskfile, hostnqn, subnqn):
    text = open(pskfile).read().strip()
    pats = {"PSK interchange text": text.encode(),
            "PSK interchange base64": text.split(":")[2].encode()}
    for name, raw in psk_secrets(text, hostnqn, subnqn).items():
        pats.update(raw_patterns(name, raw))
    return pats


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    if sys.argv[1] == "--raw":
        if len(sys.argv) < 4:
            print(__doc__.strip().splitlines()[0], file=sys.stderr)
            return 2
        raw = open(sys.argv.pop(2), "rb").read()
        if len(raw) < 12:
            raise SystemExit("find-secret: a raw secret of %d bytes is too "
                             "short to search for" % len(raw))
        pats = raw_patterns("raw secret", raw)
    elif sys.argv[1] == "--psk":
        if len(sys.argv) < 6:
            print(__doc__.strip().splitlines()[0], file=sys.stderr)
            return 2
        pats = psk_patterns(*sys.argv[2:5])
        del sys.argv[2:5]
    else:
        pats = patterns(sys.argv[1])
    hits = 0
    for name in sys.argv[2:]:
        data = open(name, "rb").read()
        parts = [("", data)]
        try:
            parts += [(" (decompressed part %d)" % i, p)
                      for i, p in enumerate(decompress(data))]
        except Exception as e:  # a file that only looks compressed
            print("%s: cannot decompress: %s" % (name, e), file=sys.stderr)
        for where, blob in parts:
            for pname, pat in pats.items():
                if pat in blob:
                    print("%s%s: %s" % (name, where, pname))
                    hits += 1
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
