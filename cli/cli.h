/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tlsroot(8): one entry point per command group. Each group lives in its
 * own cli/cmd_<group>.c and returns an enum tr_exit value.
 */
#ifndef TLSROOT_CLI_H
#define TLSROOT_CLI_H

#include "common/common.h"

struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);  /* argv[0] is the command name */
};

/* Print err->msg as one line on stderr and return its exit code. */
int cli_fail(const struct tr_error *err);

/* Print "tlsroot: <message>" and return TR_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True for "--help", "-h" and "help": the ways to ask for a usage text. */
int cli_asks_help(const char *arg);

/* Command groups; add one line here and one in cli/main.c per group. */
int cmd_version(int argc, char **argv);
int cmd_seal(int argc, char **argv);     /* cli/cmd_seal.c */
int cmd_inspect(int argc, char **argv);  /* cli/cmd_inspect.c */
int cmd_unseal(int argc, char **argv);   /* cli/cmd_unseal.c */
int cmd_lock(int argc, char **argv);     /* cli/cmd_lock.c */
int cmd_cmdline(int argc, char **argv);
int cmd_key(int argc, char **argv);      /* cli/cmd_key.c */
int cmd_agent(int argc, char **argv);    /* cli/cmd_agent.c */
int cmd_policy(int argc, char **argv);   /* cli/cmd_policy.c */

#endif
