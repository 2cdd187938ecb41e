#!/bin/sh
# shutdown hook (exitrd): the root is unmounted now, so nothing needs a
# handshake any more; stop the agent.
if [ -r /run/tlsroot/agent.pid ]; then
	read -r _tr_pid </run/tlsroot/agent.pid
	[ -n "$_tr_pid" ] && kill -TERM "$_tr_pid" 2>/dev/null
fi
