/*
 * Ctrl-C on the console: the tty sends SIGINT to the foreground process
 * group. Phase 1: nobody set a foreground group, so init's group gets it
 * and this program's handler runs (it waits in sigsuspend, i.e. ppoll with a
 * temporary mask: pause() would race with the signal). Phase 2: a child in its own group made
 * the foreground group (tcsetpgrp) is killed by SIGINT while this program,
 * which ignores SIGINT, sees the child's status. test/qemu/test_proc.py
 * types ^C after each "ready" line.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t got_int;

static void on_int(int sig)
{
	(void)sig;
	got_int = 1;
}

int main(void)
{
	int status = 0, ready[2];
	sigset_t block, unblocked;
	pid_t pid;
	char c;

	/* SIGINT stays blocked except inside sigsuspend, so it cannot land
	 * between the got_int check and the sleep (pause() would race). */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGINT);
	signal(SIGINT, on_int);
	setsid(); /* init has no controlling terminal (Linux): take the console */
	ioctl(0, TIOCSCTTY, 0);
	printf("proc_sigint: ready 1\n");
	fflush(stdout);
	while (!got_int)
		sigsuspend(&unblocked);
	printf("proc_sigint: handler got SIGINT\n");
	sigprocmask(SIG_SETMASK, &unblocked, NULL);

	/* The child says when it is in its own group with SIGINT's default
	 * action, so the ^C the test types cannot arrive too early. */
	signal(SIGINT, SIG_IGN);
	if (pipe(ready))
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		setpgid(0, 0);
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	setpgid(pid, pid);
	read(ready[0], &c, 1);
	if (tcsetpgrp(0, pid)) {
		printf("proc_sigint: FAIL tcsetpgrp\n");
		return 1;
	}
	printf("proc_sigint: ready 2\n");
	fflush(stdout);
	waitpid(pid, &status, 0);
	tcsetpgrp(0, getpgrp());
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGINT) {
		printf("proc_sigint: FAIL child status 0x%x\n", status);
		return 1;
	}
	printf("proc_sigint: foreground child killed by SIGINT\n");
	printf("proc_sigint: PASS\n");
	return 0;
}
