DESC="NVMe/TCP root (TLS PSK), agent active (rd.tlsroot.handoff=never): memory filled to just short of OOM, caches dropped every second, no swap, target TLS port off 30 s (queues reset); the root recovers, a write issued during the outage reads back intact (O_DIRECT), the agent never touched the root. 7.x, same boot, the baseline: stock tlshd from the root with the agent frozen, the same outage (outcome recorded, any outcome passes), then the rescue: tlshd killed, the agent thawed, the root must come back. Then poweroff: systemd-shutdown remounts the root read-only with the agent alive (a system-shutdown hook reports both), power-off within 120 s"
# 6.12: nvmeroot-handoff-k612 runs the agent's round in its boot.
KERNELS="k7"
TIMEOUT=1100
. "$TB_HERE/nvmeroot.sh"
. "$TB_HERE/pressure.sh"
host_run() { # payload label
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	pr_run "nvmeroot-pressure-$2" "$2" nvme both --mem=768 --smp=1
}
