DESC="NFS root (mTLS), agent active (rd.tlsroot.handoff=never): memory filled to just short of OOM, caches dropped every second, no swap, server link down 30 s; the root recovers, a write issued during the outage reads back intact (O_DIRECT), the agent never touched the root. 7.x, same boot, the baseline: stock tlshd (binary, configuration, trust anchor on the root) with the agent frozen, the same outage (outcome recorded, any outcome passes), then the rescue: tlshd killed, the agent thawed, the root must come back. Then poweroff: the exitrd unmounts the root with the agent alive, power-off within 120 s"
KERNELS="k7 k612"
DEFAULT_KERNELS=k7  # k612 by name (time budget)
TIMEOUT=1100
. "$TB_HERE/nfsroot.sh"
. "$TB_HERE/pressure.sh"
host_run() { # payload label
	local NR_MEM=768
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	# The baseline round on 7.x only: on 6.12 stock tlshd cannot reach
	# the identity of an NFS mTLS root (no key serials).
	pr_run "nfsroot-pressure-$2" "$2" nfs "$([ "$2" = k7 ] && echo both || echo agent)"
}
