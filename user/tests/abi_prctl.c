/*
 * abi_prctl: prctl(2) options beyond names and capabilities, as a glibc
 * program booted as init on SIS (-DON_SIS) and run natively on Linux as the
 * reference (as root there too); what LTP's prctl01-03/08 ask for:
 *   - PR_SET/GET_PDEATHSIG: EINVAL past the last signal, not inherited by
 *     fork, the signal arrives when the parent ends;
 *   - PR_SET/GET_CHILD_SUBREAPER: not inherited; a grandchild orphaned by
 *     its parent is the subreaper's (getppid, waitpid), not init's;
 *   - PR_SET/GET_TIMERSLACK: 50000 ns by default, /proc/self/timerslack_ns,
 *     inherited by fork, 0 resets to the creator's value;
 *   - PR_SET/GET_NO_NEW_PRIVS (EINVALs, for good, kept by fork and
 *     execve, NoNewPrivs in status), PR_SET/GET_THP_DISABLE, PR_GET/
 *     SET_TIMING, an unknown option.
 * Prints "abi_prctl: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "glibc_check.h"

/* One byte from fd within ms, or -1. */
static int read_byte(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char b;

	if (poll(&p, 1, ms) != 1 || read(fd, &b, 1) != 1)
		return -1;
	return b;
}

/* ---- PR_SET_PDEATHSIG ------------------------------------------------------- */

static int death_pipe = -1;

static void on_death(int sig)
{
	unsigned char b = (unsigned char)sig;

	if (write(death_pipe, &b, 1) != 1)
		_exit(3);
	_exit(0);
}

/* The grandchild: asks for SIGUSR1 at its parent's end, says so, waits. */
static void orphan_waiting_for_death(int ready, int result)
{
	death_pipe = result;
	signal(SIGUSR1, on_death);
	if (prctl(PR_SET_PDEATHSIG, SIGUSR1) != 0 || write(ready, "r", 1) != 1)
		_exit(2);
	for (int i = 0; i < 500; i++)
		usleep(10000);
	_exit(4); /* no signal in 5 s */
}

static void check_pdeathsig(void)
{
	int sig = -1, ready[2], result[2], st;
	pid_t mid, kid;

	CHECK(prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == 0, "no death signal at first: %d", sig);
	CHECK_ERR(prctl(PR_SET_PDEATHSIG, 65), EINVAL, "PR_SET_PDEATHSIG 65");
	CHECK(prctl(PR_SET_PDEATHSIG, SIGUSR2) == 0 && prctl(PR_GET_PDEATHSIG, &sig) == 0 &&
		      sig == SIGUSR2,
	      "PR_GET_PDEATHSIG: %d", sig);
	kid = fork();
	if (kid == 0) {
		sig = -1;
		_exit(prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == 0 ? 0 : 1);
	}
	CHECK(kid > 0 && waitpid(kid, &st, 0) == kid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "fork does not pass it on: %#x", st);
	CHECK(prctl(PR_SET_PDEATHSIG, 0) == 0, "PR_SET_PDEATHSIG 0");
	CHECK(pipe(ready) == 0 && pipe(result) == 0, "pipes");
	mid = fork();
	if (mid == 0) {
		if (fork() == 0)
			orphan_waiting_for_death(ready[1], result[1]);
		_exit(read_byte(ready[0], 5000) == 'r' ? 0 : 1); /* then the grandchild's parent ends */
	}
	CHECK(mid > 0 && waitpid(mid, &st, 0) == mid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the middle process: %#x", st);
	CHECK(read_byte(result[0], 5000) == SIGUSR1, "the orphan got its death signal");
	close(ready[0]), close(ready[1]), close(result[0]), close(result[1]);
}

/* ---- PR_SET_CHILD_SUBREAPER --------------------------------------------------- */

/* In a child (not init, which adopts orphans anyway): the grandchild whose
 * parent ended is ours. */
static void subreaper_adopts(void)
{
	int on = -1, up[2], st;
	pid_t me = getpid(), mid, kid;

	CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 && prctl(PR_GET_CHILD_SUBREAPER, &on) == 0 &&
		      on == 1,
	      "PR_GET_CHILD_SUBREAPER: %d", on);
	CHECK(pipe(up) == 0, "pipe");
	mid = fork();
	if (mid == 0) {
		on = -1;
		if (prctl(PR_GET_CHILD_SUBREAPER, &on) || on != 0)
			_exit(1); /* not inherited */
		kid = fork();
		if (kid == 0) {
			for (int i = 0; i < 500 && getppid() != me; i++)
				usleep(10000); /* until the middle one has ended */
			_exit(getppid() == me ? 0 : 2);
		}
		_exit(kid > 0 && write(up[1], &kid, sizeof(kid)) == sizeof(kid) ? 0 : 3);
	}
	CHECK(mid > 0 && waitpid(mid, &st, 0) == mid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the middle process: %#x", st);
	CHECK(read(up[0], &kid, sizeof(kid)) == sizeof(kid), "the grandchild's pid");
	CHECK(waitpid(kid, &st, 0) == kid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the subreaper reaps its grandchild, whose parent it became: %#x", st);
}

static void check_subreaper(void)
{
	int on = -1;

	CHECK(prctl(PR_GET_CHILD_SUBREAPER, &on) == 0 && on == 0, "not a subreaper: %d", on);
	check_in_child(subreaper_adopts, "PR_SET_CHILD_SUBREAPER");
}

/* ---- PR_SET_TIMERSLACK --------------------------------------------------------- */

static long slack_file(void)
{
	char buf[64];

	return read_file_text("/proc/self/timerslack_ns", buf, sizeof(buf)) > 0 ?
		       strtol(buf, NULL, 10) : -1;
}

static void slack_in_child(void)
{
	CHECK(prctl(PR_GET_TIMERSLACK) == 70000, "inherited: %d", prctl(PR_GET_TIMERSLACK));
	CHECK(prctl(PR_SET_TIMERSLACK, 0) == 0 && prctl(PR_GET_TIMERSLACK) == 70000,
	      "0 resets to the parent's slack at fork: %d", prctl(PR_GET_TIMERSLACK));
}

static void check_timerslack(void)
{
	CHECK(prctl(PR_GET_TIMERSLACK) == 50000 && slack_file() == 50000, "the default: %d %ld",
	      prctl(PR_GET_TIMERSLACK), slack_file());
	CHECK(prctl(PR_SET_TIMERSLACK, 70000) == 0 && prctl(PR_GET_TIMERSLACK) == 70000 &&
		      slack_file() == 70000,
	      "70000: %ld", slack_file());
	check_in_child(slack_in_child, "timer slack and fork");
	CHECK(prctl(PR_SET_TIMERSLACK, 1) == 0 && prctl(PR_GET_TIMERSLACK) == 1, "1");
	CHECK(prctl(PR_SET_TIMERSLACK, 0) == 0 && prctl(PR_GET_TIMERSLACK) == 50000, "0: back to 50000");
}

/* ---- one-flag options ------------------------------------------------------------ */

static void nnp_set(void)
{
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
		      prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1,
	      "PR_SET_NO_NEW_PRIVS");
	CHECK(file_number("/proc/self/status", "NoNewPrivs:", 10) == 1, "NoNewPrivs: 1 in status");
	CHECK_ERR(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL, "no way back");
	execl("/proc/self/exe", "abi_prctl", "--nnp", (char *)NULL);
	CHECK(0, "exec");
}

static void check_flags(void)
{
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0, "no_new_privs 0");
	CHECK_ERR(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), EINVAL, "PR_SET_NO_NEW_PRIVS with arg3");
	CHECK_ERR(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), EINVAL, "PR_GET_NO_NEW_PRIVS with arg2");
	check_in_child(nnp_set, "no_new_privs kept by execve");
	CHECK(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 0, "THP not disabled");
	CHECK_ERR(prctl(PR_SET_THP_DISABLE, 0, 1, 0, 0), EINVAL, "PR_SET_THP_DISABLE with arg3");
	CHECK_ERR(prctl(PR_GET_THP_DISABLE, 1, 0, 0, 0), EINVAL, "PR_GET_THP_DISABLE with arg2");
	CHECK(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0 &&
		      prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1 &&
		      prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0) == 0,
	      "PR_SET_THP_DISABLE");
	CHECK(prctl(PR_GET_TIMING) == PR_TIMING_STATISTICAL && prctl(PR_SET_TIMING, 0) == 0,
	      "PR_TIMING_STATISTICAL");
	CHECK_ERR(prctl(PR_SET_TIMING, 1), EINVAL, "PR_TIMING_TIMESTAMP");
	CHECK_ERR(prctl(999, 1, 0, 0, 0), EINVAL, "an unknown option");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--nnp"))
		return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_pdeathsig();
	check_subreaper();
	check_timerslack();
	check_flags();
	return check_summary("abi_prctl");
}
