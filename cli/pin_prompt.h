/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Asking a person for a PIN: through systemd-ask-password when systemd
 * runs (its console and plymouth agents answer), else on the terminal or
 * the console with echo off. The PIN goes into locked memory, never into
 * argv, the environment or a file.
 */
#ifndef TLSROOT_CLI_PIN_PROMPT_H
#define TLSROOT_CLI_PIN_PROMPT_H

#include "common/common.h"

#define PIN_PROMPT_MAX 1024

/* One PIN for prompt; *pin is allocated (tr_secret_free). */
int pin_prompt(const char *prompt, struct tr_secret *pin,
	       struct tr_error *err);
/* A line to where the prompt went (a wrong PIN, the tries left). */
void pin_prompt_note(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* At a terminal: the PIN twice without echo; they must match. */
int pin_prompt_new(const char *prompt, struct tr_secret *pin,
		   struct tr_error *err);

#endif
