/*
 * files_tty: the console line discipline, driven by the QEMU test typing
 * on the serial line. Steps (each announced on stdout, the test answers):
 *   "tty: poll"   poll() sees no input, then the test types "p\n": POLLIN;
 *   "tty: canon"  the test types "hello\n": read returns "hello\n";
 *   "tty: erase"  the test types "abX\x7fc\n": read returns "abc\n";
 *   "tty: eof"    the test types Ctrl-D: read returns 0;
 *   "tty: raw"    the test types "xyz": raw mode (VMIN 1) returns bytes as
 *                 they come, without waiting for a newline, no echo;
 * plus the termios/window-size/FIONREAD ioctls. One result line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <termios.h>
#include <sys/ioctl.h>
#include "files_check.h"

static ssize_t read_line(char *buf, size_t size)
{
	ssize_t n;

	memset(buf, 0, size);
	do
		n = read(0, buf, size - 1);
	while (n < 0 && errno == EINTR);
	return n;
}

int main(void)
{
	struct termios t, raw;
	struct winsize ws;
	char buf[64];
	int avail = -1;
	size_t got = 0;

	CHECK(isatty(0) && isatty(1));
	CHECK(tcgetattr(0, &t) == 0 && (t.c_lflag & ICANON) && (t.c_lflag & ECHO));
	CHECK(ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_col == 80 && ws.ws_row == 24);
	CHECK(ioctl(0, FIONREAD, &avail) == 0 && avail == 0);
	/* Init starts in session 0 without a controlling terminal, like
	 * Linux's: job-control requests are refused until it has one. */
	CHECK(tcgetpgrp(0) == -1 && errno == ENOTTY);
	CHECK(tcsetpgrp(0, 1) == -1 && errno == ENOTTY);
	CHECK(ioctl(0, TIOCSCTTY, 0) == -1 && errno == EPERM); /* not a session leader */
	CHECK(setsid() == getpid() && ioctl(0, TIOCSCTTY, 0) == 0);
	CHECK(tcgetpgrp(0) == getpgrp());
	CHECK(tcsetpgrp(0, 0) == -1 && errno == ESRCH);
	CHECK(tcsetpgrp(0, getpgrp()) == 0 && tcgetpgrp(0) == getpgrp());

	/* poll on the console: nothing typed yet, then a line. */
	struct pollfd p = { .fd = 0, .events = POLLIN };
	CHECK(poll(&p, 1, 0) == 0);
	printf("tty: poll\n");
	fflush(stdout);
	CHECK(poll(&p, 1, 10000) == 1 && (p.revents & POLLIN));
	CHECK(ioctl(0, FIONREAD, &avail) == 0 && avail == 2);
	CHECK(read_line(buf, sizeof(buf)) == 2 && strcmp(buf, "p\n") == 0);

	printf("tty: canon\n");
	fflush(stdout);
	CHECK(read_line(buf, sizeof(buf)) == 6 && strcmp(buf, "hello\n") == 0);
	printf("tty: erase\n");
	fflush(stdout);
	CHECK(read_line(buf, sizeof(buf)) == 4 && strcmp(buf, "abc\n") == 0);
	printf("tty: eof\n");
	fflush(stdout);
	CHECK(read_line(buf, sizeof(buf)) == 0);

	raw = t;
	cfmakeraw(&raw);
	CHECK(tcsetattr(0, TCSANOW, &raw) == 0);
	CHECK(tcgetattr(0, &raw) == 0 && !(raw.c_lflag & ICANON));
	printf("tty: raw\r\n");
	fflush(stdout);
	while (got < 3) {
		ssize_t n = read(0, buf + got, sizeof(buf) - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	CHECK(got == 3 && memcmp(buf, "xyz", 3) == 0);
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	return finish("files_tty");
}
