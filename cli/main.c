// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef TLSROOT_VERSION
#define TLSROOT_VERSION "0.1"
#endif

static const struct cli_command commands[] = {
	{ "version", "print the version", cmd_version },
	{ "seal", "seal an identity to this machine's TPM", cmd_seal },
	{ "inspect", "show a sealed bundle's header", cmd_inspect },
	{ "unseal", "unseal bundles into the kernel keyrings, then lock", cmd_unseal },
	{ "policy", "sign a PCR policy for signed-policy bundles, or show one", cmd_policy },
	{ "lock", "invalidate the placed keys and extend the lock PCR (emergency)", cmd_lock },
	{ "cmdline", "print the boot configuration from the kernel command line", cmd_cmdline },
	{ "key", "add, list, resolve and remove identities in the kernel keyrings", cmd_key },
	{ "agent", "ask tlsroot-agent for its status, or hand off/take over", cmd_agent },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

int cli_fail(const struct tr_error *err)
{
	fprintf(stderr, "tlsroot: %s\n", err->msg[0] ? err->msg : "failed");
	return err->code ? err->code : TR_EXIT_FAILURE;
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tlsroot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	return TR_EXIT_USAGE;
}

int cli_asks_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "help");
}

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("tlsroot %s\n", TLSROOT_VERSION);
	return TR_EXIT_OK;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: tlsroot COMMAND [ARGS]...\n\n"
		     "Boot from network root storage protected by TLS.\n\n"
		     "Commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\nRun 'tlsroot COMMAND --help' for a command's options; "
		     "see tlsroot(8).\n");
}

int main(int argc, char **argv)
{
	size_t i;

	/* seal and unseal hold keys, PINs and PSKs in this process. */
	if (tr_no_core_dumps() < 0) {
		fprintf(stderr, "tlsroot: cannot disable core dumps: %s\n",
			strerror(errno));
		return TR_EXIT_FAILURE;
	}
	if (argc < 2) {
		usage(stderr);
		return TR_EXIT_USAGE;
	}
	if (cli_asks_help(argv[1])) {
		usage(stdout);
		return TR_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);
	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	return cli_usage_error("unknown command '%s'; run 'tlsroot --help' for the list",
			       argv[1]);
}
