/*
 * Terminal job control (Linux's rules, run as init): this program takes the
 * console as its foreground group, then a child in a group of its own (the
 * background) touches the terminal:
 *   read                  -> stopped by SIGTTIN (seen with WUNTRACED), and
 *                            after SIGCONT stopped again (the read restarts)
 *   read, SIGTTIN ignored -> EIO
 *   write                 -> written (TOSTOP off)
 *   write with TOSTOP     -> stopped by SIGTTOU
 *   write with TOSTOP, SIGTTOU ignored -> written
 *   tcsetattr             -> stopped by SIGTTOU
 * Prints "lan_jobctl: ok" and exits 0, or names the first failure.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/ioctl.h>

enum { DO_READ, DO_READ_IGN, DO_WRITE, DO_WRITE_IGN, DO_TCSETATTR };

static int fail(const char *what)
{
	printf("lan_jobctl: FAIL %s (errno %d)\n", what, errno);
	return 1;
}

/* The child: into the background, then one terminal access; the exit
 * status says what the call returned (0 ok, else errno). */
static void child(int what, int go)
{
	struct termios t;
	char c;

	setpgid(0, 0);
	if (read(go, &c, 1) != 1)
		_exit(100);
	if (what == DO_READ_IGN)
		signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, what == DO_WRITE_IGN ? SIG_IGN : SIG_DFL); /* the parent ignores it */
	switch (what) {
	case DO_READ:
	case DO_READ_IGN:
		_exit(read(0, &c, 1) < 0 ? errno : 0);
	case DO_WRITE:
	case DO_WRITE_IGN:
		_exit(write(1, "lan_jobctl: background write\n", 29) == 29 ? 0 : errno);
	default:
		tcgetattr(0, &t);
		_exit(tcsetattr(0, TCSANOW, &t) < 0 ? errno : 0);
	}
}

/* Run one case; *st gets the child's first wait status (WUNTRACED). */
static pid_t start(int what, int *st)
{
	int go[2];
	pid_t pid;

	if (pipe(go))
		return -1;
	pid = fork();
	if (pid == 0)
		child(what, go[0]);
	setpgid(pid, pid);
	write(go[1], "x", 1);
	close(go[0]);
	close(go[1]);
	if (waitpid(pid, st, WUNTRACED) != pid)
		return -1;
	return pid;
}

static int expect_stop(int what, int sig, bool twice)
{
	int st;
	pid_t pid = start(what, &st);

	if (pid < 0 || !WIFSTOPPED(st) || WSTOPSIG(st) != sig)
		return fail(sig == SIGTTIN ? "background read not stopped by SIGTTIN"
					   : "background access not stopped by SIGTTOU");
	if (twice) {
		kill(-pid, SIGCONT);
		if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st) ||
		    WSTOPSIG(st) != sig)
			return fail("restarted read not stopped again");
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 0;
}

static int expect_exit(int what, int code, const char *msg)
{
	int st;
	pid_t pid = start(what, &st);

	if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != code)
		return fail(msg);
	return 0;
}

static int set_tostop(bool on)
{
	struct termios t;

	if (tcgetattr(0, &t))
		return -1;
	t.c_lflag = on ? t.c_lflag | TOSTOP : t.c_lflag & ~(tcflag_t)TOSTOP;
	return tcsetattr(0, TCSANOW, &t);
}

int main(void)
{
	signal(SIGTTOU, SIG_IGN); /* as a shell: giving the terminal back */
	setsid(); /* init has no controlling terminal (Linux): take the console */
	ioctl(0, TIOCSCTTY, 0);
	if (tcsetpgrp(0, getpgrp()))
		return fail("tcsetpgrp");
	if (expect_stop(DO_READ, SIGTTIN, true) ||
	    expect_exit(DO_READ_IGN, EIO, "read with SIGTTIN ignored: not EIO") ||
	    expect_exit(DO_WRITE, 0, "background write without TOSTOP failed"))
		return 1;
	if (set_tostop(true))
		return fail("TOSTOP");
	if (expect_stop(DO_WRITE, SIGTTOU, false) ||
	    expect_exit(DO_WRITE_IGN, 0, "write with SIGTTOU ignored failed") ||
	    expect_stop(DO_TCSETATTR, SIGTTOU, false))
		return 1;
	set_tostop(false);
	printf("lan_jobctl: ok\n");
	return 0;
}
