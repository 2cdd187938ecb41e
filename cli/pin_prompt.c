// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli/pin_prompt.h"
#include "tpm/tpm.h"

/* systemd is PID 1 (sd_booted(3)), so its password agents are there. */
static int systemd_running(void)
{
	return access("/run/systemd/system", F_OK) == 0;
}

/*
 * The terminal on standard input if there is one (by name: a dracut hook
 * has the console there but no controlling terminal, so no /dev/tty),
 * else the console.
 */
static const char *prompt_device(void)
{
	const char *tty = isatty(STDIN_FILENO) ? ttyname(STDIN_FILENO) : NULL;

	return tty ? tty : "/dev/console";
}

/* Read up to a line end into pin; 0 at the end of the line or input. */
static int read_line(int fd, struct tr_secret *pin, struct tr_error *err)
{
	uint8_t c;
	ssize_t n;

	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			tr_error_set(err, TR_EXIT_PIN, "cannot read the PIN: %s",
				     strerror(errno));
			return -1;
		}
		if (n == 0 || c == '\n' || c == '\r')
			return 0;
		if (pin->len == pin->cap) {
			tr_error_set(err, TR_EXIT_PIN,
				     "the PIN is longer than %d bytes",
				     PIN_PROMPT_MAX);
			return -1;
		}
		pin->data[pin->len++] = c;
	}
}

static int ask_tty(const char *dev, const char *prompt, struct tr_secret *pin,
		   struct tr_error *err)
{
	struct termios old, quiet;
	int fd, ret, echo_off;

	fd = open(dev, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		tr_error_set(err, TR_EXIT_PIN,
			     "cannot open %s to ask for the PIN: %s", dev,
			     strerror(errno));
		return -1;
	}
	echo_off = tcgetattr(fd, &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	dprintf(fd, "%s ", prompt);
	ret = read_line(fd, pin, err);
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	dprintf(fd, "\n");
	close(fd);
	return ret;
}

/* systemd-ask-password prints the answer on its stdout: our pipe. */
static int ask_systemd(const char *prompt, struct tr_secret *pin,
		       struct tr_error *err)
{
	int fds[2], status, ret;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		goto fail;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execlp("systemd-ask-password", "systemd-ask-password",
		       "--timeout=0", "--id=tlsroot", prompt, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	ret = read_line(fds[0], pin, err);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		tr_error_set(err, TR_EXIT_PIN,
			     "systemd-ask-password gave no PIN (%s %d)",
			     WIFEXITED(status) ? "exit" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status)
					       : WTERMSIG(status));
		return -1;
	}
	return ret;
fail:
	tr_error_set(err, TR_EXIT_PIN, "cannot start systemd-ask-password: %s",
		     strerror(errno));
	return -1;
}

int pin_prompt(const char *prompt, struct tr_secret *pin, struct tr_error *err)
{
	int ret;

	if (tr_secret_alloc(pin, PIN_PROMPT_MAX, err) < 0)
		return -1;
	if (systemd_running() && !isatty(STDIN_FILENO))
		ret = ask_systemd(prompt, pin, err);
	else
		ret = ask_tty(prompt_device(), prompt, pin, err);
	if (ret == 0 && pin->len == 0) {
		tr_error_set(err, TR_EXIT_PIN, "no PIN was typed");
		ret = -1;
	}
	if (ret < 0)
		tr_secret_free(pin);
	return ret;
}

void pin_prompt_note(const char *fmt, ...)
{
	va_list ap;
	int fd;

	fd = open(prompt_device(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
	va_start(ap, fmt);
	vdprintf(fd < 0 ? STDERR_FILENO : fd, fmt, ap);
	va_end(ap);
	dprintf(fd < 0 ? STDERR_FILENO : fd, "\n");
	if (fd >= 0)
		close(fd);
}

int pin_prompt_new(const char *prompt, struct tr_secret *pin,
		   struct tr_error *err)
{
	struct tr_secret again = { 0 };
	int same;

	if (tr_secret_alloc(pin, PIN_PROMPT_MAX, err) < 0)
		return -1;
	if (ask_tty(prompt_device(), prompt, pin, err) < 0 ||
	    tr_secret_alloc(&again, PIN_PROMPT_MAX, err) < 0 ||
	    ask_tty(prompt_device(), "The same PIN again:", &again, err) < 0)
		goto fail;
	same = pin->len == again.len && !memcmp(pin->data, again.data, pin->len);
	tr_secret_free(&again);
	if (!same) {
		tr_error_set(err, TR_EXIT_USAGE,
			     "the two PINs differ; nothing sealed, run seal again");
		goto fail;
	}
	if (pin->len == 0) {
		tr_error_set(err, TR_EXIT_PIN, "no PIN was typed");
		goto fail;
	}
	return 0;
fail:
	tr_secret_free(&again);
	tr_secret_free(pin);
	return -1;
}
