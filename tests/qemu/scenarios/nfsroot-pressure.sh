DESC="NFS root (mTLS), agent active (rd.tlsroot.handoff=never): memory filled to just short of OOM, caches dropped every second, no swap, server link down 30 s; the root recovers, a write issued during the outage reads back intact (O_DIRECT), the agent never touched the root; then poweroff: the exitrd unmounts the root with the agent alive, power-off within 120 s"
KERNELS="k7 k612"
DEFAULT_KERNELS=k7  # k612 by name (time budget)
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"
. "$TB_HERE/pressure.sh"
host_run() { # payload label
	local NR_MEM=768
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	pr_run "nfsroot-pressure-$2" "$2" nfs agent
}
