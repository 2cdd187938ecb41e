// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tlsroot agent status|handoff|takeover: talk to tlsroot-agent(8) over its
 * control socket and print its JSON answer.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "handshake/handshake.h"

#define AGENT_SOCKET "/run/tlsroot/agent.sock"

static void agent_usage(FILE *out)
{
	fprintf(out,
		"Usage: tlsroot agent status|handoff|takeover [--socket PATH]\n\n"
		"  status     print the agent's state as JSON\n"
		"  handoff    switch to standby: serve only what another agent leaves pending\n"
		"  takeover   switch to active: serve every request at once\n"
		"  --socket   control socket (default " AGENT_SOCKET ")\n\n"
		"See tlsroot-agent(8).\n");
}

int cmd_agent(int argc, char **argv)
{
	const char *path = AGENT_SOCKET, *verb = NULL;
	char reply[4096];
	struct tr_error err;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			agent_usage(stdout);
			return TR_EXIT_OK;
		}
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			path = argv[++i];
		else if (argv[i][0] == '-' || verb)
			return cli_usage_error("agent: unexpected argument '%s'; see 'tlsroot agent --help'",
					       argv[i]);
		else
			verb = argv[i];
	}
	if (!verb)
		return cli_usage_error("agent: say status, handoff or takeover");
	if (strcmp(verb, "status") && strcmp(verb, "handoff") &&
	    strcmp(verb, "takeover"))
		return cli_usage_error("agent: unknown action '%s'; use status, handoff or takeover",
				       verb);
	if (hs_ctl_request(path, verb, reply, sizeof(reply), &err) < 0)
		return cli_fail(&err);
	/* The agent answers refusals as {"error": ...}. */
	if (!strncmp(reply, "{\"error\"", 8)) {
		fprintf(stderr, "tlsroot: agent %s: %s\n", verb, reply);
		return TR_EXIT_AGENT;
	}
	printf("%s\n", reply);
	return TR_EXIT_OK;
}
