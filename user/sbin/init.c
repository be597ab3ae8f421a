/*
 * /sbin/init: the first process. Makes sure fds 0-2 are the console,
 * becomes a session and process-group leader, sets a basic environment, runs /etc/rc with /bin/sh if both exist, then starts
 * the shell: interactive on the console, or `sh ARGS` when the kernel
 * command line gave init arguments (after "--"). It reaps orphans while it
 * waits, and when the shell ends init exits with the shell's status (so the
 * machine powers off with it): 128+N if the shell died of signal N.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/ioctl.h>

#define SHELL "/bin/sh"
#define RC "/etc/rc"

static void open_console(void)
{
	if (fcntl(0, F_GETFD) >= 0)
		return;
	int fd = open("/dev/console", O_RDWR);

	if (fd < 0)
		return;
	while (fd < 2)
		fd = dup(fd);
}

/* Wait for pid, reaping any other child that ends meanwhile. */
static int wait_for(pid_t pid)
{
	int st;

	for (;;) {
		pid_t r = waitpid(-1, &st, 0);

		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static int exit_code(int st)
{
	if (st < 0)
		return 1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

static pid_t spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "init: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
	return pid;
}

static void run_rc(void)
{
	char *argv[] = { SHELL, RC, NULL };
	pid_t pid;

	if (access(RC, R_OK) < 0 || access(SHELL, X_OK) < 0)
		return;
	pid = spawn(argv);
	if (pid > 0)
		wait_for(pid);
}

int main(int argc, char **argv)
{
	char **sh_argv = calloc((size_t)argc + 1, sizeof(char *));
	pid_t pid;

	open_console();
	/* The kernel starts init in session 0, group 0, without a controlling
	 * terminal, like Linux; a new session then takes the console as its
	 * controlling terminal (as getty does), so Ctrl-C and job control work. */
	setsid();
	ioctl(0, TIOCSCTTY, 0);
	setenv("PATH", "/bin:/sbin", 0);
	setenv("HOME", "/root", 0);
	setenv("TERM", "vt100", 0);
	chdir("/");
	run_rc();
	if (!sh_argv)
		return 1;
	sh_argv[0] = SHELL;
	for (int i = 1; i < argc; i++)
		sh_argv[i] = argv[i];
	pid = spawn(sh_argv);
	if (pid < 0)
		return 1;
	return exit_code(wait_for(pid));
}
