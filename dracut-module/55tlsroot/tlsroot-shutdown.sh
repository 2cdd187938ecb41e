#!/bin/sh
# shutdown hook (exitrd): the root is unmounted now, so nothing needs a
# handshake any more; stop the agent. One kernel log line says what
# state it found (root unmounted or not, agent alive), so that a console
# shows the agent outlived the root.
_tr_pid=
[ -r /run/tlsroot/agent.pid ] && read -r _tr_pid </run/tlsroot/agent.pid
if [ -z "$_tr_pid" ]; then
	for _tr_c in /proc/[0-9]*/comm; do
		read -r _tr_n <"$_tr_c" 2>/dev/null || continue
		[ "$_tr_n" = tlsroot-agent ] || continue
		_tr_pid=${_tr_c#/proc/}
		_tr_pid=${_tr_pid%/comm}
		break
	done
fi
_tr_root="the root is unmounted"
while read -r _ _tr_mp _tr_fs _; do
	case $_tr_mp in /oldroot | /oldroot/*)
		_tr_root="$_tr_mp ($_tr_fs) is still mounted"
		break ;;
	esac
done </proc/mounts
if [ -n "$_tr_pid" ] && kill -0 "$_tr_pid" 2>/dev/null; then
	echo "<5>tlsroot: shutdown: $_tr_root; agent pid $_tr_pid alive, stopping it" >/dev/kmsg 2>/dev/null
	kill -TERM "$_tr_pid" 2>/dev/null
else
	echo "<5>tlsroot: shutdown: $_tr_root; no running agent${_tr_pid:+ (pid $_tr_pid gone)}" >/dev/kmsg 2>/dev/null
fi
unset _tr_pid _tr_c _tr_n _tr_root _tr_mp _tr_fs
