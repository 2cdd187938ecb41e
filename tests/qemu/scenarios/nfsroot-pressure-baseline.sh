DESC="Baseline of nfsroot-pressure: the same outage under memory pressure with the agent stopped and stock tlshd (binary, configuration, trust anchor on the NFS root) serving; records recovered/stalled/deadlocked and when, passes on any outcome, fails only if its own setup breaks"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"
. "$TB_HERE/pressure.sh"
host_run() { # payload label
	local NR_MEM=768
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	pr_run "nfsroot-pressure-baseline-$2" "$2" nfs baseline
}
