/*
 * Pseudo-terminals and controlling terminals as glibc programs see them
 * (posix_openpt, grantpt, unlockpt, ptsname, TIOCGPTN, TIOCSPTLCK,
 * TIOCGPTPEER, TIOCSCTTY, /dev/tty, termios, hangup). Built glibc-static
 * for SIS (test_deb.py runs it as init) and natively for this host's Linux,
 * the reference: the same checks must pass on both. The checks run in a
 * child that makes a new session (init on SIS and a process on Linux start
 * in different kinds of session). Prints "pty_calls: N checks, M failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include "eq_err.h"

static volatile sig_atomic_t got_hup;

static void on_hup(int sig)
{
	(void)sig;
	got_hup++;
}

/* Read exactly n bytes from fd (the pty may hand them over in pieces). */
static long read_n(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		long r = read(fd, buf + got, n - got);

		if (r <= 0)
			return r < 0 ? -1 : (long)got;
		got += (size_t)r;
	}
	return (long)got;
}

static int new_pair(char *name, size_t size)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0 || grantpt(m) || ptsname_r(m, name, size))
		return -1;
	return m;
}

/* Pair A: numbering, the lock, data both ways, termios, the master's EIO. */
static void pair_data(void)
{
	char name[64], want[64], buf[16];
	struct winsize ws = { .ws_row = 30, .ws_col = 100 }, ws2;
	struct termios t;
	struct stat st, st2;
	int m, s, s2, n = -1;
	struct pollfd p;

	m = new_pair(name, sizeof(name));
	EQ(m >= 0, 1);
	EQ(isatty(m), 1);
	EQ(ioctl(m, TIOCGPTN, &n), 0);
	snprintf(want, sizeof(want), "/dev/pts/%d", n);
	EQ(strcmp(name, want), 0);
	ERR(open(name, O_RDWR | O_NOCTTY), EIO); /* locked until unlockpt */
	EQ(unlockpt(m), 0);
	s = open(name, O_RDWR | O_NOCTTY);
	EQ(s >= 0, 1);
	EQ(stat(name, &st), 0);
	EQ(S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143, 1);
	EQ(minor(st.st_rdev), (unsigned)n);
	ERR(tcgetpgrp(s), ENOTTY); /* not the caller's controlling terminal */

	/* Canonical input with echo, ONLCR on output. */
	EQ(write(m, "hi\n", 3), 3);
	memset(buf, 0, sizeof(buf));
	EQ(read(s, buf, sizeof(buf)), 3);
	EQ(memcmp(buf, "hi\n", 3), 0);
	EQ(read_n(m, buf, 4), 4);
	EQ(memcmp(buf, "hi\r\n", 4), 0);
	EQ(write(s, "a\nb", 3), 3);
	EQ(read_n(m, buf, 4), 4);
	EQ(memcmp(buf, "a\r\nb", 4), 0);

	/* Raw mode: bytes as they come, no echo, no output processing. */
	EQ(tcgetattr(s, &t), 0);
	EQ((t.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO), 1);
	cfmakeraw(&t);
	EQ(tcsetattr(s, TCSANOW, &t), 0);
	EQ(write(m, "xy", 2), 2);
	EQ(read_n(s, buf, 2), 2);
	EQ(memcmp(buf, "xy", 2), 0);
	EQ(write(s, "z\n", 2), 2);
	EQ(read_n(m, buf, 2), 2);
	EQ(memcmp(buf, "z\n", 2), 0); /* no "xy" echo before it, no CR */

	/* The master's window size is the slave's. */
	EQ(ioctl(m, TIOCSWINSZ, &ws), 0);
	EQ(ioctl(s, TIOCGWINSZ, &ws2), 0);
	EQ(ws2.ws_row == 30 && ws2.ws_col == 100, 1);

	/* TIOCGPTPEER: the same slave as a new descriptor. */
	s2 = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	EQ(s2 >= 0, 1);
	EQ(fstat(s2, &st2), 0);
	EQ(st2.st_rdev == st.st_rdev, 1);

	/* Every slave closed: the master reads EIO and polls POLLHUP. */
	close(s);
	close(s2);
	p.fd = m;
	p.events = POLLIN;
	EQ(poll(&p, 1, 1000), 1);
	EQ((p.revents & POLLHUP) != 0, 1);
	ERR(read(m, buf, sizeof(buf)), EIO);
	close(m);
	ERR(open(name, O_RDWR | O_NOCTTY), ENOENT); /* the node went with the pair */
}

/* Pair B: a controlling terminal, job control on it, and its hangup. */
static void pair_ctty(void)
{
	char name[64], buf[8];
	int m, s, tty, sid = -1;

	ERR(open("/dev/tty", O_RDWR), ENXIO); /* a new session has none */
	m = new_pair(name, sizeof(name));
	EQ(m >= 0 && unlockpt(m) == 0, 1);
	s = open(name, O_RDWR | O_NOCTTY);
	EQ(s >= 0, 1);
	EQ(ioctl(s, TIOCSCTTY, 0), 0);
	EQ(tcgetpgrp(s), getpgrp());
	EQ(ioctl(s, TIOCGSID, &sid), 0);
	EQ(sid, getsid(0));
	tty = open("/dev/tty", O_RDWR);
	EQ(tty >= 0, 1);
	EQ(write(tty, "t", 1), 1); /* /dev/tty is this slave */
	EQ(read_n(m, buf, 1), 1);
	EQ(buf[0], 't');
	EQ(tcsetpgrp(s, getpgrp()), 0);
	ERR(tcsetpgrp(s, 0x7ffffff0), ESRCH);
	close(tty);

	/* The master goes: SIGHUP for the session leader, end of file on the
	 * slave, EIO for its writes, and no node. */
	signal(SIGHUP, on_hup);
	close(m);
	EQ(got_hup > 0, 1);
	EQ(read(s, buf, sizeof(buf)), 0);
	ERR(write(s, "x", 1), EIO);
	ERR(open(name, O_RDWR | O_NOCTTY), ENOENT);
	close(s);
}

int main(void)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		alarm(30);
		EQ(setsid(), getpid());
		pair_data();
		pair_ctty();
		printf("pty_calls: %d checks, %d failed\n", checks, failures);
		fflush(stdout);
		_exit(failures ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		printf("pty_calls: child ended badly (status 0x%x)\n", status);
		return 1;
	}
	return WEXITSTATUS(status);
}
