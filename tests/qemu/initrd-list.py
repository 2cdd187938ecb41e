#!/usr/bin/env python3
"""initrd-list.py IMAGE: print the paths in a dracut initramfs, one per
line, whatever dracut made: uncompressed early cpio archives first
(microcode), then the main archive compressed with gzip, zstd, xz or not
at all. Exit 1 with one line on stderr if the image cannot be read."""
import gzip
import lzma
import subprocess
import sys


def newc_entries(data, pos):
    """Yield (name, next position) of the newc cpio archive at pos."""
    while data[pos:pos + 6] in (b"070701", b"070702"):
        namesize = int(data[pos + 94:pos + 102], 16)
        filesize = int(data[pos + 54:pos + 62], 16)
        name = data[pos + 110:pos + 110 + namesize - 1].decode("utf-8", "replace")
        pos = (pos + 110 + namesize + 3) & ~3
        pos = (pos + filesize + 3) & ~3
        if name == "TRAILER!!!":
            yield None, pos
            return
        yield name, pos


def decompress(data):
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:4] == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-dcq"], input=data, capture_output=True,
                              check=True).stdout
    if data[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(data)
    raise ValueError("unknown compression (magic %s)" % data[:6].hex())


def main():
    data = open(sys.argv[1], "rb").read()
    pos, names = 0, []
    while data[pos:pos + 6] in (b"070701", b"070702"):
        for name, pos in newc_entries(data, pos):
            if name:
                names.append(name)
        while pos < len(data) and data[pos] == 0:
            pos += 1
    if pos < len(data):
        rest, p = decompress(data[pos:]), 0
        for name, p in newc_entries(rest, 0):
            if name:
                names.append(name)
    print("\n".join(names))


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError, subprocess.CalledProcessError) as e:
        print("initrd-list: %s: %s" % (sys.argv[1] if len(sys.argv) > 1 else "?", e), file=sys.stderr)
        sys.exit(1)
