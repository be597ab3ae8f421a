/*
 * splice_calls: splice(2), tee(2) and vmsplice(2) as a glibc program booted
 * as init on SIS (built with -DON_SIS) and run natively on Linux as the
 * reference:
 *   - splice between a pipe and a file both ways, with and without
 *     offsets (which move, and the file position does not), at the end of
 *     a file, from /proc (also vm/min_free_kbytes, which LTP's memory
 *     polluter reads) and into a sysctl (pipe-max-size, and as LTP's
 *     splice06 kernel/domainname, with sethostname/setdomainname and their
 *     errnos), a length past what fits;
 *   - pipe to pipe (moves), tee (copies, the input keeps its bytes),
 *     vmsplice of user memory into a pipe (what fits, several vectors) and
 *     out of one into user memory (consumes);
 *   - pipe <-> socket over an AF_UNIX pair and a loopback TCP connection,
 *     more than a pipe holds; SPLICE_F_MORE corks a UDP datagram;
 *   - SPLICE_F_NONBLOCK and O_NONBLOCK (EAGAIN on the pipe side; a blocking
 *     TCP socket still waits, an AF_UNIX stream does not), waits that a
 *     signal ends (EINTR) or that SA_RESTART restarts, EPIPE and SIGPIPE;
 *   - the errnos: EBADF, EINVAL (no pipe, bad flags, O_APPEND, one pipe
 *     both ways, an offset on a socket, kinds of file that cannot splice,
 *     a length negative as ssize_t), ESPIPE, EFAULT, vmsplice's IOV_MAX.
 * Prints "splice_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>
#include "glibc_check.h"

#define BIG 200000 /* more than a pipe holds */

static char tmp[256];
static volatile int sigpipes, alarms;

static char pattern(size_t i)
{
	return (char)('a' + (i * 7 + i / 251) % 26);
}

static void fill(char *buf, size_t n, size_t from)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(from + i);
}

static bool is_pattern(const char *buf, size_t n, size_t from)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != pattern(from + i))
			return false;
	return true;
}

static void path(char *out, const char *name)
{
	snprintf(out, 320, "%s/%s", tmp, name);
}

/* A file of n pattern bytes, open O_RDWR at position 0. */
static int pattern_file(const char *name, size_t n)
{
	char p[320], *buf = malloc(n);
	int fd;

	path(p, name);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	fill(buf, n, 0);
	if (fd >= 0 && write(fd, buf, n) != (ssize_t)n) {
		close(fd);
		fd = -1;
	}
	free(buf);
	if (fd >= 0)
		lseek(fd, 0, SEEK_SET);
	return fd;
}

static int queued(int fd)
{
	int n = -1;

	ioctl(fd, FIONREAD, &n);
	return n;
}

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* SIGALRM in ms milliseconds, its handler with or without SA_RESTART. */
static void alarm_in(int ms, bool restart)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = restart ? SA_RESTART : 0 };
	struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* A child that writes len pattern bytes to fd after ms milliseconds. */
static pid_t write_later(int fd, size_t len, int ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		char buf[256];

		usleep(ms * 1000);
		fill(buf, len, 0);
		_exit(write(fd, buf, len) == (ssize_t)len ? 0 : 1);
	}
	return pid;
}

static bool child_ok(pid_t pid)
{
	int st;

	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Read exactly n bytes (several reads). */
static bool read_all(int fd, char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, buf + done, n - done);

		if (r <= 0)
			return false;
		done += (size_t)r;
	}
	return true;
}

static void check_file_to_pipe(void)
{
	int fd = pattern_file("in", 10000), p[2];
	char buf[70000];
	loff_t off;

	CHECK(fd >= 0 && pipe(p) == 0, "set-up");
	CHECK(splice(fd, NULL, p[1], NULL, 1000, 0) == 1000, "file -> pipe at the position");
	CHECK(lseek(fd, 0, SEEK_CUR) == 1000, "the position moved");
	CHECK(read(p[0], buf, sizeof(buf)) == 1000 && is_pattern(buf, 1000, 0), "the bytes");
	off = 5000;
	CHECK(splice(fd, &off, p[1], NULL, 100, SPLICE_F_MOVE) == 100, "file -> pipe at an offset");
	CHECK(off == 5100 && lseek(fd, 0, SEEK_CUR) == 1000, "the offset moved, not the position");
	CHECK(read(p[0], buf, sizeof(buf)) == 100 && is_pattern(buf, 100, 5000), "the bytes");
	off = 10000;
	CHECK(splice(fd, &off, p[1], NULL, 100, 0) == 0 && off == 10000, "at the end: 0");
	off = 0;
	CHECK(splice(fd, &off, p[1], NULL, (size_t)1 << 40, 0) == 10000 && off == 10000,
	      "a length past the file: what is there");
	CHECK(read(p[0], buf, sizeof(buf)) == 10000 && is_pattern(buf, 10000, 0), "the bytes");
	off = 0;
	errno = 0;
	CHECK_ERR(splice(fd, &off, p[1], NULL, SIZE_MAX, 0), EINVAL, "a length negative as ssize_t");
	off = -1;
	CHECK_ERR(splice(fd, &off, p[1], NULL, 10, 0), EINVAL, "a negative offset");
	CHECK_ERR(splice(fd, (loff_t *)1, p[1], NULL, 10, 0), EFAULT, "an unreadable offset");
	close(fd);
	close(p[0]);
	close(p[1]);
}

/* A pipe filled to the brim with pattern bytes (its size returned). */
static int fill_pipe(int wfd)
{
	int size = fcntl(wfd, F_GETPIPE_SZ), fl = fcntl(wfd, F_GETFL);
	char *buf = malloc(size);

	fill(buf, size, 0);
	fcntl(wfd, F_SETFL, fl | O_NONBLOCK);
	CHECK(write(wfd, buf, size) == size, "fill the pipe");
	fcntl(wfd, F_SETFL, fl);
	free(buf);
	return size;
}

static void check_file_to_full_pipe(void)
{
	int fd = pattern_file("in", 10000), p[2], q[2];

	CHECK(fd >= 0 && pipe(p) == 0 && pipe2(q, O_NONBLOCK) == 0, "set-up");
	fill_pipe(p[1]);
	CHECK_ERR(splice(fd, NULL, p[1], NULL, 100, SPLICE_F_NONBLOCK), EAGAIN,
		  "full pipe, SPLICE_F_NONBLOCK");
	fill_pipe(q[1]);
	CHECK_ERR(splice(fd, NULL, q[1], NULL, 100, 0), EAGAIN, "full O_NONBLOCK pipe");
	alarm_in(100, false);
	CHECK_ERR(splice(fd, NULL, p[1], NULL, 100, 0), EINTR, "full pipe: a signal ends the wait");
	CHECK(alarms == 1 && lseek(fd, 0, SEEK_CUR) == 0, "the handler ran, nothing moved");
	alarms = 0;
	close(p[0]);
	close(q[0]);
	sigpipes = 0;
	CHECK_ERR(splice(fd, NULL, p[1], NULL, 100, 0), EPIPE, "no reader: EPIPE");
	CHECK(sigpipes == 1, "and SIGPIPE");
	sigpipes = 0;
	close(p[1]);
	close(q[1]);
	close(fd);
}

static void check_pipe_to_file(void)
{
	char p2[320], buf[256];
	int p[2], fd, st;
	loff_t off;

	path(p2, "out");
	fd = open(p2, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && pipe(p) == 0, "set-up");
	CHECK(write(p[1], "hello world", 11) == 11, "write");
	CHECK(splice(p[0], NULL, fd, NULL, 100, SPLICE_F_MORE) == 11, "pipe -> file: what is queued");
	CHECK(lseek(fd, 0, SEEK_CUR) == 11 && queued(p[0]) == 0, "position moved, pipe empty");
	CHECK(write(p[1], "XYZ", 3) == 3, "write");
	off = 100;
	CHECK(splice(p[0], NULL, fd, &off, 3, 0) == 3 && off == 103, "pipe -> file at an offset");
	CHECK(lseek(fd, 0, SEEK_CUR) == 11, "the position stays");
	CHECK(fstat(fd, &(struct stat){ 0 }) == 0 && pread(fd, buf, sizeof(buf), 0) == 103 &&
	      !memcmp(buf, "hello world", 11) && buf[50] == 0 && !memcmp(buf + 100, "XYZ", 3),
	      "the file's bytes");
	CHECK(write(p[1], "abcdef", 6) == 6, "write");
	CHECK(splice(p[0], NULL, fd, NULL, 2, 0) == 2 && queued(p[0]) == 4, "a short length leaves the rest");
	CHECK(splice(p[0], NULL, fd, NULL, 100, 0) == 4, "the rest");
	CHECK_ERR(splice(p[0], NULL, fd, NULL, 100, SPLICE_F_NONBLOCK), EAGAIN,
		  "empty pipe, SPLICE_F_NONBLOCK");
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	CHECK_ERR(splice(p[0], NULL, fd, NULL, 100, 0), EAGAIN, "empty O_NONBLOCK pipe");
	fcntl(p[0], F_SETFL, 0);
	alarm_in(100, false);
	CHECK_ERR(splice(p[0], NULL, fd, NULL, 100, 0), EINTR, "empty pipe: a signal ends the wait");
	CHECK(alarms == 1, "the handler ran");
	pid_t pid = write_later(p[1], 50, 300);
	alarm_in(100, true);
	CHECK(splice(p[0], NULL, fd, NULL, 100, 0) == 50, "SA_RESTART: restarted, then the bytes");
	CHECK(alarms == 2 && child_ok(pid), "the handler ran, the child wrote");
	alarms = 0;
	close(p[1]);
	CHECK(splice(p[0], NULL, fd, NULL, 100, 0) == 0, "no writer, empty: 0");
	close(p[0]);
	(void)st;
	close(fd);
}

/* More than a pipe holds, file -> pipe -> file in a loop. */
static void check_big_copy(void)
{
	int in = pattern_file("big", BIG), out, p[2];
	char p2[320], *buf = malloc(BIG);
	size_t done = 0;
	loff_t off = 0;

	path(p2, "big2");
	out = open(p2, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(in >= 0 && out >= 0 && pipe(p) == 0, "set-up");
	while (done < BIG) {
		ssize_t n = splice(in, NULL, p[1], NULL, BIG, 0), m;

		if (n <= 0)
			break;
		CHECK(n <= fcntl(p[1], F_GETPIPE_SZ), "no more than the pipe holds: %zd", n);
		m = splice(p[0], NULL, out, &off, (size_t)n, 0);
		CHECK(m == n, "all of it out: %zd of %zd", m, n);
		if (m != n)
			break;
		done += (size_t)n;
	}
	CHECK(done == BIG && off == BIG && lseek(out, 0, SEEK_CUR) == 0, "copied %zu", done);
	CHECK(pread(out, buf, BIG, 0) == BIG && is_pattern(buf, BIG, 0), "the copy's bytes");
	free(buf);
	close(in);
	close(out);
	close(p[0]);
	close(p[1]);
}

/* /proc and a sysctl: splice reads the text read() gives, and a sysctl
 * takes a value spliced into it (its own value: nothing changes). */
static void check_proc(void)
{
	const char *max = "/proc/sys/fs/pipe-max-size";
	char a[64] = "", b[64] = "";
	int fd = open(max, O_RDONLY), p[2];
	ssize_t n;

	CHECK(fd >= 0 && pipe(p) == 0 && read(fd, a, sizeof(a) - 1) > 0, "set-up");
	lseek(fd, 0, SEEK_SET);
	n = splice(fd, NULL, p[1], NULL, sizeof(b) - 1, 0);
	CHECK(n == (ssize_t)strlen(a) && read(p[0], b, sizeof(b) - 1) == n && !strcmp(a, b),
	      "/proc text through splice: %zd '%s' '%s'", n, a, b);
	close(fd);
	fd = open("/proc/sys/vm/min_free_kbytes", O_RDONLY);
	memset(b, 0, sizeof(b));
	CHECK(fd >= 0 && splice(fd, NULL, p[1], NULL, sizeof(b) - 1, 0) > 0 &&
	      read(p[0], b, sizeof(b) - 1) > 0 && atol(b) > 0, "/proc/sys/vm/min_free_kbytes: '%s'", b);
	close(fd);
	if (geteuid() == 0) {
		fd = open(max, O_WRONLY);
		CHECK(write(p[1], a, strlen(a)) == (ssize_t)strlen(a), "write");
		CHECK(fd >= 0 && splice(p[0], NULL, fd, NULL, 64, 0) == (ssize_t)strlen(a),
		      "a sysctl takes spliced text");
		close(fd);
	}
	close(p[0]);
	close(p[1]);
}

/* Write text to path through a pipe and splice: what splice returned. */
static ssize_t splice_text_to(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), p[2];
	ssize_t n = -1;

	if (fd >= 0 && pipe(p) == 0) {
		if (write(p[1], text, strlen(text)) == (ssize_t)strlen(text))
			n = splice(p[0], NULL, fd, NULL, 100, 0);
		close(p[0]);
		close(p[1]);
	}
	if (fd >= 0)
		close(fd);
	return n;
}

/* A string sysctl through splice (LTP's splice06): kernel/domainname, and
 * sethostname/setdomainname with their errnos. On Linux in a UTS namespace
 * of its own (the host's names stay); skipped where there is none. */
static void check_uts(void)
{
	const char *dom = "/proc/sys/kernel/domainname";
	char long_name[70], text[80] = "";
	struct utsname u;
	pid_t pid;

#ifndef ON_SIS
	if (geteuid() != 0 || unshare(CLONE_NEWUTS))
		return;
#endif
	CHECK(splice_text_to(dom, "LTP_TEST") == 8, "splice into kernel/domainname");
	CHECK(uname(&u) == 0 && !strcmp(u.domainname, "LTP_TEST"), "uname: '%s'", u.domainname);
	CHECK(read_file_text(dom, text, sizeof(text)) > 0 && !strcmp(text, "LTP_TEST\n"),
	      "read back: '%s'", text);
	CHECK(splice_text_to("/proc/sys/kernel/hostname", "box\n") == 4, "hostname, a newline");
	CHECK(uname(&u) == 0 && !strcmp(u.nodename, "box"), "uname: '%s'", u.nodename);
	CHECK(sethostname("sis-host", 8) == 0 && uname(&u) == 0 && !strcmp(u.nodename, "sis-host"),
	      "sethostname: '%s'", u.nodename);
	CHECK(setdomainname("d", 1) == 0 && uname(&u) == 0 && !strcmp(u.domainname, "d"),
	      "setdomainname: '%s'", u.domainname);
	memset(long_name, 'x', sizeof(long_name));
	CHECK_ERR(sethostname(long_name, 65), EINVAL, "65 bytes");
	CHECK(sethostname(long_name, 64) == 0 && uname(&u) == 0 && strlen(u.nodename) == 64, "64");
	CHECK_ERR(syscall(SYS_sethostname, long_name, -1), EINVAL, "a negative length");
	CHECK_ERR(syscall(SYS_setdomainname, 8L, 4), EFAULT, "unreadable");
	pid = fork();
	if (pid == 0)
		_exit(setuid(65534) == 0 && sethostname("x", 1) == -1 && errno == EPERM ? 0 : 1);
	CHECK(child_ok(pid), "EPERM without CAP_SYS_ADMIN");
	sethostname("sis", 3);
	setdomainname("(none)", 6);
}

static void check_errors(void)
{
	int rd, wr, app, p[2], q[2], efd = eventfd(0, 0), dir, sv[2];
	char p1[320], p2[320], p3[320];
	loff_t off = 0;

	path(p1, "e1");
	path(p2, "e2");
	path(p3, "e3");
	close(pattern_file("e1", 100));
	rd = open(p1, O_RDONLY);
	wr = open(p2, O_WRONLY | O_CREAT, 0644);
	app = open(p3, O_RDWR | O_CREAT | O_APPEND, 0644);
	dir = open(tmp, O_RDONLY | O_DIRECTORY);
	CHECK(rd >= 0 && wr >= 0 && app >= 0 && dir >= 0 && efd >= 0 && pipe(p) == 0 && pipe(q) == 0 &&
	      socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "set-up");
	CHECK(write(p[1], "abcdefghij", 10) == 10, "write");
	CHECK(splice(-1, NULL, -1, NULL, 0, ~0u) == 0, "length 0 first: 0");
	CHECK_ERR(splice(p[0], NULL, wr, NULL, 1, 0x10), EINVAL, "unknown flag");
	CHECK_ERR(splice(-1, NULL, p[1], NULL, 1, 0), EBADF, "bad fd_in");
	CHECK_ERR(splice(p[0], NULL, 99, NULL, 1, 0), EBADF, "bad fd_out");
	CHECK_ERR(splice(wr, NULL, p[1], NULL, 1, 0), EBADF, "input not open for reading");
	CHECK_ERR(splice(p[1], NULL, q[1], NULL, 1, 0), EBADF, "a pipe's write end as input");
	CHECK_ERR(splice(p[0], NULL, q[0], NULL, 1, 0), EBADF, "a pipe's read end as output");
	CHECK_ERR(splice(p[0], NULL, rd, NULL, 1, 0), EBADF, "output not open for writing");
	CHECK_ERR(splice(p[0], NULL, app, NULL, 1, 0), EINVAL, "O_APPEND output");
	CHECK_ERR(splice(rd, NULL, wr, NULL, 1, 0), EINVAL, "no pipe");
	CHECK_ERR(splice(p[0], &off, wr, NULL, 1, 0), ESPIPE, "an offset for the input pipe");
	CHECK_ERR(splice(rd, NULL, p[1], &off, 1, 0), ESPIPE, "an offset for the output pipe");
	CHECK_ERR(splice(p[1], &off, wr, NULL, 1, 0), ESPIPE, "ESPIPE before EBADF");
	CHECK_ERR(splice(p[0], NULL, p[1], NULL, 1, 0), EINVAL, "one pipe both ways");
	CHECK_ERR(splice(p[0], NULL, q[1], &off, 1, 0), ESPIPE, "pipe -> pipe with an offset");
	CHECK_ERR(splice(p[0], NULL, efd, NULL, 1, 0), EINVAL, "pipe -> eventfd");
	CHECK_ERR(splice(efd, NULL, q[1], NULL, 1, 0), EINVAL, "eventfd -> pipe");
	CHECK_ERR(splice(dir, NULL, q[1], NULL, 1, 0), EINVAL, "directory -> pipe");
	CHECK_ERR(splice(p[0], NULL, sv[0], &off, 1, 0), EINVAL, "an offset for a socket output");
	CHECK_ERR(splice(sv[0], &off, q[1], NULL, 1, 0), EINVAL, "an offset for a socket input");
	CHECK_ERR(splice(p[0], NULL, wr, (loff_t *)1, 1, 0), EFAULT, "an unreadable offset");
	CHECK(queued(p[0]) == 10 && queued(q[0]) == 0, "nothing moved");
	close(rd);
	close(wr);
	close(app);
	close(dir);
	close(efd);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

static void check_pipe_to_pipe(void)
{
	int p[2], q[2];
	char buf[256], page[4096];
	pid_t pid;

	CHECK(pipe(p) == 0 && pipe(q) == 0, "set-up");
	CHECK(write(p[1], "0123456789", 10) == 10, "write");
	CHECK(splice(p[0], NULL, q[1], NULL, 4, 0) == 4 && queued(p[0]) == 6 && queued(q[0]) == 4,
	      "pipe -> pipe moves 4");
	CHECK(splice(p[0], NULL, q[1], NULL, SIZE_MAX, 0) == 6, "a huge length: what is queued");
	CHECK(read(q[0], buf, sizeof(buf)) == 10 && !memcmp(buf, "0123456789", 10), "the bytes");
	CHECK_ERR(splice(p[0], NULL, q[1], NULL, 10, SPLICE_F_NONBLOCK), EAGAIN, "empty input");
	fill_pipe(q[1]);
	CHECK(write(p[1], "x", 1) == 1, "write");
	CHECK_ERR(splice(p[0], NULL, q[1], NULL, 10, SPLICE_F_NONBLOCK), EAGAIN, "full output");
	fcntl(q[1], F_SETFL, O_NONBLOCK);
	CHECK_ERR(splice(p[0], NULL, q[1], NULL, 10, 0), EAGAIN, "full O_NONBLOCK output");
	fcntl(q[1], F_SETFL, 0);
	CHECK(read_all(q[0], page, sizeof(page)), "make room: a page");
	CHECK(splice(p[0], NULL, q[1], NULL, 10, 0) == 1, "then it goes");
	close(q[0]);
	CHECK(pipe(q) == 0, "a new output");
	pid = write_later(p[1], 20, 200);
	CHECK(splice(p[0], NULL, q[1], NULL, 100, 0) == 20 && child_ok(pid), "waits for input");
	close(q[0]);
	sigpipes = 0;
	CHECK(write(p[1], "y", 1) == 1, "write");
	CHECK_ERR(splice(p[0], NULL, q[1], NULL, 10, 0), EPIPE, "no reader: EPIPE");
	CHECK(sigpipes == 1 && queued(p[0]) == 1, "SIGPIPE, input kept");
	sigpipes = 0;
	close(q[1]);
	CHECK(pipe(q) == 0 && read(p[0], buf, 1) == 1, "set-up");
	close(p[1]);
	CHECK(splice(p[0], NULL, q[1], NULL, 10, 0) == 0, "no writer, empty: 0");
	close(p[0]);
	close(q[0]);
	close(q[1]);
}

static void check_tee(void)
{
	int p[2], q[2], fd = pattern_file("tee", 10);
	char buf[64];

	CHECK(fd >= 0 && pipe(p) == 0 && pipe(q) == 0, "set-up");
	CHECK(write(p[1], "abcdef", 6) == 6, "write");
	CHECK(tee(p[0], q[1], 100, 0) == 6 && queued(p[0]) == 6 && queued(q[0]) == 6,
	      "tee copies, the input keeps its bytes");
	CHECK(tee(p[0], q[1], 3, SPLICE_F_NONBLOCK) == 3 && queued(q[0]) == 9, "a shorter tee");
	CHECK(read(q[0], buf, sizeof(buf)) == 9 && !memcmp(buf, "abcdefabc", 9), "the bytes");
	CHECK(read(p[0], buf, sizeof(buf)) == 6 && !memcmp(buf, "abcdef", 6), "the input's own");
	CHECK(tee(-1, -1, 0, 0) == 0, "length 0: 0");
	CHECK_ERR(tee(-1, -1, 0, 0x10), EINVAL, "unknown flag before length 0");
	CHECK_ERR(tee(-1, q[1], 1, 0), EBADF, "bad fd");
	CHECK_ERR(tee(p[1], q[1], 1, 0), EBADF, "a write end as input");
	CHECK_ERR(tee(fd, q[1], 1, 0), EINVAL, "a file as input");
	CHECK_ERR(tee(p[0], fd, 1, 0), EINVAL, "a file as output");
	CHECK_ERR(tee(p[0], p[1], 1, 0), EINVAL, "one pipe both ways");
	CHECK_ERR(tee(p[0], q[1], 1, SPLICE_F_NONBLOCK), EAGAIN, "empty input");
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	CHECK_ERR(tee(p[0], q[1], 1, 0), EAGAIN, "empty O_NONBLOCK input");
	fcntl(p[0], F_SETFL, 0);
	alarm_in(100, false);
	CHECK_ERR(tee(p[0], q[1], 1, 0), EINTR, "a signal ends the wait");
	alarms = 0;
	close(p[1]);
	CHECK(tee(p[0], q[1], 1, 0) == 0, "no writer, empty: 0");
	close(fd);
	close(p[0]);
	close(q[0]);
	close(q[1]);
}

static void check_vmsplice(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), big = 1 << 17;
	char *mem = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char a[] = "abc", b[] = "defg", out1[4], out2[100];
	struct iovec v[3] = { { a, 3 }, { b, 0 }, { b, 4 } }, w[2] = { { out1, 4 }, { out2, 100 } };
	int p[2], q[2], fd, size;
	char p1[320];

	path(p1, "vm");
	fd = open(p1, O_WRONLY | O_CREAT, 0644);
	CHECK(mem != MAP_FAILED && fd >= 0 && pipe(p) == 0, "set-up");
	CHECK(vmsplice(p[1], v, 3, SPLICE_F_GIFT) == 7, "three vectors in");
	CHECK(read(p[0], out2, sizeof(out2)) == 7 && !memcmp(out2, "abcdefg", 7), "the bytes");
	size = fcntl(p[1], F_GETPIPE_SZ);
	fill(mem, big, 0);
	CHECK(vmsplice(p[1], &(struct iovec){ mem, big }, 1, 0) == size, "what fits: %d", size);
	CHECK_ERR(vmsplice(p[1], &(struct iovec){ mem, page }, 1, SPLICE_F_NONBLOCK), EAGAIN,
		  "full pipe, SPLICE_F_NONBLOCK");
	alarm_in(100, false);
	CHECK_ERR(vmsplice(p[1], &(struct iovec){ mem, page }, 1, 0), EINTR, "full pipe waits");
	CHECK(pipe2(q, O_NONBLOCK) == 0, "set-up");
	fill_pipe(q[1]);
	alarm_in(100, false);
	CHECK_ERR(vmsplice(q[1], &(struct iovec){ mem, page }, 1, 0), EINTR,
		  "a full O_NONBLOCK pipe waits too (O_NONBLOCK is not vmsplice's)");
	CHECK(alarms == 2, "the handler ran");
	alarms = 0;
	close(q[0]);
	close(q[1]);
	/* (Linux's pipe holds the very pages: mem stays as it is until read) */
	CHECK(read_all(p[0], mem + size, (size_t)size) && is_pattern(mem + size, (size_t)size, 0),
	      "the bytes");
	CHECK(write(p[1], "0123456789", 10) == 10, "write");
	CHECK(vmsplice(p[0], w, 2, 0) == 10 && !memcmp(out1, "0123", 4) && !memcmp(out2, "456789", 6),
	      "out into two vectors");
	CHECK(queued(p[0]) == 0, "vmsplice out consumes");
	CHECK_ERR(vmsplice(p[0], w, 2, SPLICE_F_NONBLOCK), EAGAIN, "empty pipe, SPLICE_F_NONBLOCK");
	CHECK_ERR(vmsplice(-1, v, 1, 0), EBADF, "bad fd");
	CHECK_ERR(vmsplice(fd, v, 1, 0), EBADF, "a file");
	CHECK(vmsplice(fd, v + 1, 1, 0) == 0, "a file, nothing to move: 0");
	CHECK_ERR(vmsplice(p[1], v, IOV_MAX + 1, 0), EINVAL, "past IOV_MAX");
	CHECK_ERR(vmsplice(p[1], v, 1, 0x10), EINVAL, "unknown flag");
	CHECK_ERR(vmsplice(p[1], (struct iovec *)8, 1, 0), EFAULT, "an unreadable vector");
	CHECK_ERR(vmsplice(p[1], &(struct iovec){ (void *)8, 10 }, 1, 0), EFAULT, "unreadable memory");
	CHECK(queued(p[0]) == 0, "nothing queued");
	close(p[1]);
	CHECK(vmsplice(p[0], w, 2, 0) == 0, "no writer, empty: 0");
	CHECK(pipe(p + 0) == 0, "set-up");
	close(p[0]);
	sigpipes = 0;
	CHECK_ERR(vmsplice(p[1], v, 1, 0), EPIPE, "no reader: EPIPE");
	CHECK(sigpipes == 1, "and SIGPIPE");
	sigpipes = 0;
	close(p[1]);
	close(fd);
	munmap(mem, big);
}

/* pipe -> socket -> pipe over a connected pair s (writer) and t (reader). */
static void pipe_sock_pipe(int s, int t, const char *what)
{
	int p[2], q[2];
	char *buf = malloc(BIG), *got = malloc(BIG);
	size_t sent = 0, recvd = 0;

	CHECK(pipe(p) == 0 && pipe(q) == 0, "set-up");
	fill(buf, BIG, 0);
	while (recvd < BIG) {
		if (sent < BIG) {
			ssize_t w = write(p[1], buf + sent, MIN(BIG - sent, 30000));
			ssize_t n = splice(p[0], NULL, s, NULL, BIG, 0);

			CHECK(w > 0 && n == w, "%s: pipe -> socket %zd of %zd", what, n, w);
			if (w <= 0 || n != w)
				break;
			sent += (size_t)n;
		}
		ssize_t m = splice(t, NULL, q[1], NULL, BIG, 0);

		CHECK(m > 0 && m <= 65536, "%s: socket -> pipe %zd", what, m);
		if (m <= 0)
			break;
		CHECK(read_all(q[0], got + recvd, (size_t)m), "%s: read", what);
		recvd += (size_t)m;
	}
	CHECK(recvd == BIG && is_pattern(got, BIG, 0), "%s: %zu bytes through", what, recvd);
	free(buf);
	free(got);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

static void check_unix(void)
{
	int sv[2], p[2], u = socket(AF_UNIX, SOCK_STREAM, 0);

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0 && u >= 0, "set-up");
	pipe_sock_pipe(sv[0], sv[1], "AF_UNIX");
	CHECK_ERR(splice(sv[1], NULL, p[1], NULL, 100, SPLICE_F_NONBLOCK), EAGAIN,
		  "AF_UNIX stream: SPLICE_F_NONBLOCK reaches the socket");
	CHECK_ERR(splice(u, NULL, p[1], NULL, 100, 0), EINVAL, "unconnected AF_UNIX stream");
	CHECK(write(p[1], "z", 1) == 1, "write");
	close(sv[1]);
	sigpipes = 0;
	CHECK_ERR(splice(p[0], NULL, sv[0], NULL, 1, 0), EPIPE, "peer gone: EPIPE");
	CHECK(sigpipes == 1 && queued(p[0]) == 1, "SIGPIPE, the byte stays");
	sigpipes = 0;
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv + 0) == 0, "set-up");
	close(sv[0]);
	CHECK(splice(sv[1], NULL, p[1], NULL, 100, 0) == 0, "peer gone: end of file");
	close(sv[1]);
	close(u);
	close(p[0]);
	close(p[1]);
}

/* A loopback TCP connection: *c connected to *a. */
static bool tcp_pair(int *c, int *a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&sin, &len))
		return false;
	*c = socket(AF_INET, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (struct sockaddr *)&sin, sizeof(sin)))
		return false;
	*a = accept(l, NULL, NULL);
	close(l);
	return *a >= 0;
}

static void check_tcp(void)
{
	int c = -1, a = -1, p[2], u = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	CHECK(tcp_pair(&c, &a) && pipe(p) == 0 && u >= 0, "set-up");
	pipe_sock_pipe(c, a, "TCP c->a");
	pipe_sock_pipe(a, c, "TCP a->c");
	alarm_in(200, false);
	CHECK_ERR(splice(a, NULL, p[1], NULL, 100, SPLICE_F_NONBLOCK), EINTR,
		  "TCP: SPLICE_F_NONBLOCK does not reach a blocking socket; a signal ends it");
	alarms = 0;
	fcntl(a, F_SETFL, O_NONBLOCK);
	CHECK_ERR(splice(a, NULL, p[1], NULL, 100, 0), EAGAIN, "O_NONBLOCK socket");
	fcntl(a, F_SETFL, 0);
	pid = write_later(c, 77, 200);
	CHECK(splice(a, NULL, p[1], NULL, 100, 0) == 77 && child_ok(pid), "waits for the peer");
	CHECK(queued(p[0]) == 77, "queued");
	CHECK_ERR(splice(u, NULL, p[1], NULL, 100, 0), ENOTCONN, "unconnected TCP");
	shutdown(c, SHUT_WR);
	CHECK(splice(a, NULL, p[1], NULL, 100, 0) == 0, "peer's FIN: end of file");
	close(c);
	close(a);
	close(u);
	close(p[0]);
	close(p[1]);
}

static void remove_files(void)
{
	static const char *const names[] = { "in", "out", "big", "big2", "e1", "e2", "e3", "tee", "vm" };
	char p[320];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path(p, names[i]);
		unlink(p);
	}
	rmdir(tmp);
}

/* UDP: SPLICE_F_MORE is MSG_MORE (the datagram waits for the next send),
 * without it each splice is a datagram. */
static void check_udp_more(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0), p[2];
	char buf[64];

	CHECK(r >= 0 && s >= 0 && pipe(p) == 0 && bind(r, (struct sockaddr *)&a, len) == 0 &&
	      getsockname(r, (struct sockaddr *)&a, &len) == 0 &&
	      connect(s, (struct sockaddr *)&a, len) == 0, "set-up");
	CHECK(write(p[1], "abc", 3) == 3 && splice(p[0], NULL, s, NULL, 3, SPLICE_F_MORE) == 3,
	      "pipe -> UDP, SPLICE_F_MORE");
	CHECK_ERR(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN, "corked: nothing sent yet");
	CHECK(send(s, "def", 3, 0) == 3, "send");
	CHECK(recv(r, buf, sizeof(buf), MSG_DONTWAIT) == 6 && !memcmp(buf, "abcdef", 6),
	      "one datagram of both");
	CHECK(write(p[1], "ghi", 3) == 3 && splice(p[0], NULL, s, NULL, 3, 0) == 3, "without");
	CHECK(recv(r, buf, sizeof(buf), 0) == 3 && !memcmp(buf, "ghi", 3), "a datagram of its own");
	close(r);
	close(s);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, on_sigpipe);
	snprintf(tmp, sizeof(tmp), "%s/splice_calls.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(tmp) != NULL, "mkdtemp");
	check_file_to_pipe();
	check_file_to_full_pipe();
	check_pipe_to_file();
	check_big_copy();
	check_proc();
	check_uts();
	check_errors();
	check_pipe_to_pipe();
	check_tee();
	check_vmsplice();
	check_unix();
	check_tcp();
	check_udp_more();
	remove_files();
	return check_summary("splice_calls");
}
