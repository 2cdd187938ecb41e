DESC="Baseline of nvmeroot-pressure: the same outage under memory pressure with the agent stopped and stock tlshd (files on the NVMe root) serving; records the outcome, fails only if its own setup breaks"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nvmeroot.sh"
. "$TB_HERE/pressure.sh"
host_run() { # payload label
	local NR_MEM=768 NVR_SMP=1
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	pr_run "nvmeroot-pressure-baseline-$2" "$2" nvme baseline
}
