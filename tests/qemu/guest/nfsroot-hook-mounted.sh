#!/bin/sh
# Test-only dracut pre-pivot hook: mark the moment the root is mounted in
# the kernel log (its timestamp counts from kernel start; bench/nfsroot-boot).
echo "<29>tlsroot-test: root mounted" >/dev/kmsg
