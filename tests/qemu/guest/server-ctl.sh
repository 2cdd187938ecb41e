#!/bin/bash
# One control request from a client scenario: a line in, a line out.
. /tlsroot-test/lib.sh
read -r cmd arg rest
cfg=/sys/kernel/config/nvmet
case $cmd in
ping) echo "OK pong" ;;
nfsd-stop) rpc.nfsd 0 && echo "OK nfsd stopped" || echo "ERR rpc.nfsd 0 failed" ;;
nfsd-start) rpc.nfsd -N 3 8 && echo Y >/proc/fs/nfsd/v4_end_grace 2>/dev/null; echo "OK nfsd started" ;;
nvmet-port-off)
	rm -f $cfg/ports/1/subsystems/$TB_SUBNQN && echo "OK port 1 unlinked" || echo "ERR unlink" ;;
nvmet-port-on)
	ln -s $cfg/subsystems/$TB_SUBNQN $cfg/ports/1/subsystems/ && echo "OK port 1 linked" || echo "ERR link" ;;
nvmet-outage) # SECS: port 1 off (no listener, its connections reset) for SECS s
	case $arg in [1-9] | [1-9][0-9]) ;; *) echo "ERR nvmet-outage SECS (1-99)"; exit 0 ;; esac
	rm -f $cfg/ports/1/subsystems/$TB_SUBNQN || { echo "ERR unlink"; exit 0; }
	# Disabling the port closes only the listener: reset the queues too.
	ss -K state established '( sport = :4420 )' >/dev/null 2>&1
	setsid bash -c "sleep $arg; ln -s $cfg/subsystems/$TB_SUBNQN $cfg/ports/1/subsystems/ &&
		echo 'TLSROOT-NVMET: port 1 linked again' >/dev/console" </dev/null >/dev/null 2>&1 &
	echo "TLSROOT-NVMET: port 1 unlinked for $arg s" >/dev/console
	echo "OK port 1 unlinked for $arg s" ;;
link-outage) # SECS: the server's link down for SECS s (nothing answers, no
	# reset); it comes back without its NFS connections, as after a reboot:
	# the client's next segment on an old one gets a reset. They are
	# dropped while the link is still down: a reset after its return could
	# kill the client's new connection in the middle of its handshake.
	case $arg in [1-9] | [1-9][0-9]) ;; *) echo "ERR link-outage SECS (1-99)"; exit 0 ;; esac
	setsid bash -c "sleep 0.5; ip link set eth0 down && echo 'TLSROOT-LINK: eth0 down for $arg s' >/dev/console
		sleep $arg; ss -K state established '( sport = :2049 )' >/dev/null 2>&1; ip link set eth0 up
		echo 'TLSROOT-LINK: eth0 up, its old NFS connections gone' >/dev/console" </dev/null >/dev/null 2>&1 &
	echo "OK link down in 0.5 s for $arg s" ;;
tlshd-lines) echo "OK $(wc -l </run/tlshd.log)" ;;
tlshd-log) # [N]: the server tlshd's log after its first N lines (what a
	# client scenario caused since it asked tlshd-lines), its first 6000 bytes
	case $arg in '' | *[!0-9]*) arg=0 ;; esac
	echo "OK $(tail -n +$((arg + 1)) /run/tlshd.log | tr "\n" "|" | head -c 6000)" ;;
*) echo "ERR unknown command '$cmd'" ;;
esac
