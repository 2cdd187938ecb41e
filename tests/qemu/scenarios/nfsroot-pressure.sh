DESC="NFS root (mTLS), agent active (rd.tlsroot.handoff=never): memory filled to just short of OOM, caches dropped every second, no swap, server link down 30 s; the root recovers, a write issued during the outage reads back intact (O_DIRECT), the agent never touched the root. 7.x, same boot, the baseline: stock tlshd (binary, configuration, trust anchor on the root) with the agent frozen, the same outage (outcome recorded, any outcome passes), then the rescue: tlshd killed, the agent thawed, the root must come back. Then poweroff: the exitrd unmounts the root with the agent alive, power-off within 120 s"
# 6.12: nfsroot-handoff-k612 runs the agent's round in its boot.
KERNELS="k7"
TIMEOUT=1100
. "$TB_HERE/nfsroot.sh"
. "$TB_HERE/pressure.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	pr_run "nfsroot-pressure-$2" "$2" nfs both --mem=768
}
