/*
 * abi_calls: Linux calls from issue 17's last part, as a glibc program
 * booted as init on SIS (built with -DON_SIS) and run natively on Linux as
 * the reference:
 *   - /proc/sys/kernel/tainted, /proc/sys/fs/pipe-max-size (on SIS also
 *     written: it caps an unprivileged F_SETPIPE_SZ and new pipes; the
 *     host's is left alone), pipe-user-pages-soft and -hard;
 *   - fcntl F_SETOWN/F_GETOWN/F_SETOWN_EX/F_GETOWN_EX/F_SETSIG/F_GETSIG, and
 *     SIGIO (or F_SETSIG's signal with si_code/si_fd) on O_ASYNC pipes and
 *     sockets;
 *   - pipe2(O_DIRECT) packet mode;
 *   - leases: F_SETLEASE/F_GETLEASE and their EAGAIN cases, a break by a
 *     conflicting open or truncate (SIGIO, F_SETSIG's signal with POLL_MSG,
 *     O_NONBLOCK's EWOULDBLOCK, downgrade), and on SIS lease-break-time;
 *   - /proc/self/fd/N as magic links: open reopens the inode (also once
 *     unlinked) or the pipe, a walk goes through a directory's, readlink
 *     names "pipe:[ino]" and "socket:[ino]"; the *xattr calls (EBADF for
 *     an O_PATH descriptor; SIS's ramfs has none: EOPNOTSUPP).
 * Prints "abi_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/wait.h>
#include <unistd.h>
#include "glibc_check.h"

/* A sysctl file's number, or -1. */
static long read_long(const char *path)
{
	return file_number(path, "", 10);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

static void nobody_pipe_size(void)
{
	int p[2];

	CHECK(pipe(p) == 0, "pipe");
	CHECK(fcntl(p[0], F_GETPIPE_SZ) == 4096, "a new pipe is capped to pipe-max-size: %d",
	      fcntl(p[0], F_GETPIPE_SZ));
	CHECK_ERR(fcntl(p[0], F_SETPIPE_SZ, 8192), EPERM, "F_SETPIPE_SZ past pipe-max-size");
	CHECK(fcntl(p[0], F_SETPIPE_SZ, 100) == 4096, "F_SETPIPE_SZ within it");
	CHECK(write_str("/proc/sys/fs/pipe-max-size", "8192") == -EACCES,
	      "pipe-max-size is root's to write");
	close(p[0]);
	close(p[1]);
}

static void check_sysctl(void)
{
	long max = read_long("/proc/sys/fs/pipe-max-size");
	int p[2];

	CHECK(read_long("/proc/sys/kernel/tainted") >= 0, "tainted");
	CHECK(max >= 4096 && (max & (max - 1)) == 0, "pipe-max-size %ld", max);
	CHECK(read_long("/proc/sys/fs/pipe-user-pages-soft") > 0, "pipe-user-pages-soft");
	CHECK(read_long("/proc/sys/fs/pipe-user-pages-hard") >= 0, "pipe-user-pages-hard");
#ifdef ON_SIS
	CHECK(max == 1048576, "pipe-max-size defaults to Linux's 1 MiB: %ld", max);
	CHECK(write_str("/proc/sys/fs/pipe-max-size", "4000\n") == 0, "write pipe-max-size");
	CHECK(read_long("/proc/sys/fs/pipe-max-size") == 4096, "rounded up to a page");
	CHECK(write_str("/proc/sys/fs/pipe-max-size", "abc") == -EINVAL, "not a number");
	CHECK(write_str("/proc/sys/fs/pipe-max-size", "4294967296") == -EINVAL, "past 2^31");
	CHECK(write_str("/proc/sys/kernel/tainted", "1") == -EACCES, "tainted is read-only");
	check_as_nobody(nobody_pipe_size, "pipe-max-size");
	CHECK(pipe(p) == 0, "pipe");
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 65536) == 65536, "root may pass pipe-max-size");
	close(p[0]);
	close(p[1]);
	CHECK(write_str("/proc/sys/fs/pipe-max-size", "1048576") == 0, "restore pipe-max-size");
#else
	(void)p;
	(void)nobody_pipe_size;
#endif
}

static volatile sig_atomic_t sigio_count, rt_count, rt_code, rt_fd;

static void on_sigio(int sig)
{
	(void)sig;
	sigio_count++;
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	rt_count++;
	rt_code = si->si_code;
	rt_fd = si->si_fd;
}

static void check_owner(void)
{
	struct f_owner_ex ex = { 0 };
	int p[2];

	CHECK(pipe(p) == 0, "pipe");
	CHECK(fcntl(p[0], F_GETOWN) == 0, "no owner at first");
	CHECK(fcntl(p[0], F_SETOWN, getpid()) == 0 && fcntl(p[0], F_GETOWN) == getpid(),
	      "F_SETOWN pid");
	CHECK(fcntl(p[0], F_GETOWN_EX, &ex) == 0 && ex.type == F_OWNER_PID && ex.pid == getpid(),
	      "F_GETOWN_EX: %d %d", ex.type, ex.pid);
	CHECK(fcntl(p[0], F_SETOWN, -getpgrp()) == 0 && fcntl(p[0], F_GETOWN) == -getpgrp(),
	      "F_SETOWN -pgrp");
	CHECK(fcntl(p[0], F_GETOWN_EX, &ex) == 0 && ex.type == F_OWNER_PGRP && ex.pid == getpgrp(),
	      "F_GETOWN_EX of a group");
	ex = (struct f_owner_ex){ F_OWNER_TID, gettid() };
	CHECK(fcntl(p[0], F_SETOWN_EX, &ex) == 0, "F_SETOWN_EX tid");
	ex.type = -1;
	CHECK(fcntl(p[0], F_GETOWN_EX, &ex) == 0 && ex.type == F_OWNER_TID && ex.pid == gettid(),
	      "F_GETOWN_EX tid");
	ex = (struct f_owner_ex){ 7, getpid() };
	CHECK_ERR(fcntl(p[0], F_SETOWN_EX, &ex), EINVAL, "F_SETOWN_EX type 7");
	CHECK_ERR(fcntl(p[0], F_SETOWN_EX, (void *)8), EFAULT, "F_SETOWN_EX bad pointer");
	CHECK_ERR(fcntl(p[0], F_SETOWN, 4000000), ESRCH, "F_SETOWN to nobody");
	CHECK(fcntl(p[0], F_SETOWN, 0) == 0 && fcntl(p[0], F_GETOWN) == 0, "F_SETOWN 0 clears");
	CHECK(fcntl(p[0], F_GETSIG) == 0, "F_GETSIG default");
	CHECK_ERR(fcntl(p[0], F_SETSIG, 65), EINVAL, "F_SETSIG 65");
	CHECK(fcntl(p[0], F_SETSIG, SIGRTMIN + 1) == 0 && fcntl(p[0], F_GETSIG) == SIGRTMIN + 1,
	      "F_SETSIG");
	close(p[0]);
	close(p[1]);
}

/* O_ASYNC on fd (the reading side of a pipe or socket pair whose other side
 * is wfd): a write sends the owner SIGIO. */
static void check_sigio_on(int fd, int wfd, const char *what)
{
	int flags = fcntl(fd, F_GETFL);
	int before;

	CHECK(fcntl(fd, F_SETOWN, getpid()) == 0, "%s: F_SETOWN", what);
	CHECK(fcntl(fd, F_SETFL, flags | O_ASYNC) == 0, "%s: O_ASYNC", what);
	CHECK(fcntl(fd, F_GETFL) & O_ASYNC, "%s: F_GETFL shows O_ASYNC", what);
	before = sigio_count;
	CHECK(write(wfd, "x", 1) == 1, "%s: write", what);
	for (int i = 0; i < 100 && sigio_count == before; i++)
		usleep(1000);
	CHECK(sigio_count > before, "%s: no SIGIO after a write", what);
	CHECK(fcntl(fd, F_SETFL, flags) == 0, "%s: O_ASYNC off", what);
	before = sigio_count;
	CHECK(write(wfd, "y", 1) == 1, "%s: write", what);
	usleep(20000);
	CHECK(sigio_count == before, "%s: SIGIO without O_ASYNC", what);
}

static void check_sigio(void)
{
	struct sigaction sa = { .sa_handler = on_sigio };
	int p[2], sv[2], before;
	char buf[8];

	sigaction(SIGIO, &sa, NULL);
	CHECK(pipe(p) == 0, "pipe");
	check_sigio_on(p[0], p[1], "pipe");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	check_sigio_on(sv[0], sv[1], "unix socket");

	/* F_SETSIG: a real-time signal with si_code POLL_IN and si_fd */
	sa.sa_handler = NULL;
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN + 2, &sa, NULL);
	CHECK(fcntl(p[0], F_SETSIG, SIGRTMIN + 2) == 0, "F_SETSIG");
	CHECK(fcntl(p[0], F_SETFL, O_ASYNC) == 0, "O_ASYNC");
	CHECK(write(p[1], "z", 1) == 1, "write");
	for (int i = 0; i < 100 && !rt_count; i++)
		usleep(1000);
	CHECK(rt_count > 0 && rt_code == POLL_IN && rt_fd == p[0],
	      "F_SETSIG's signal: count %d code %d fd %d", rt_count, rt_code, rt_fd);
	close(p[0]);
	close(p[1]);

	/* FIOASYNC does what O_ASYNC does */
	CHECK(pipe(p) == 0, "pipe");
	CHECK(fcntl(p[0], F_SETOWN, getpid()) == 0, "F_SETOWN");
	before = 1;
	CHECK(ioctl(p[0], FIOASYNC, &before) == 0 && (fcntl(p[0], F_GETFL) & O_ASYNC), "FIOASYNC");
	before = sigio_count;
	CHECK(write(p[1], "x", 1) == 1 && read(p[0], buf, sizeof(buf)) == 1, "write");
	for (int i = 0; i < 100 && sigio_count == before; i++)
		usleep(1000);
	CHECK(sigio_count > before, "no SIGIO with FIOASYNC");
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	signal(SIGIO, SIG_DFL);
}

static void check_packets(void)
{
	static char big[10000];
	char buf[8192];
	int p[2];

	CHECK(pipe2(p, O_DIRECT) == 0, "pipe2(O_DIRECT)");
	CHECK(!(fcntl(p[0], F_GETFL) & O_DIRECT) && (fcntl(p[1], F_GETFL) & O_DIRECT),
	      "F_GETFL shows O_DIRECT on the write end only");
	CHECK(write(p[1], "a", 1) == 1 && write(p[1], "bb", 2) == 2 && write(p[1], "ccc", 3) == 3,
	      "three packets");
	CHECK(read(p[0], buf, sizeof(buf)) == 1 && buf[0] == 'a', "first packet alone");
	CHECK(read(p[0], buf, sizeof(buf)) == 2 && !memcmp(buf, "bb", 2), "second");
	CHECK(read(p[0], buf, sizeof(buf)) == 3 && !memcmp(buf, "ccc", 3), "third");
	CHECK(write(p[1], "hello", 5) == 5 && write(p[1], "world", 5) == 5, "write two");
	CHECK(read(p[0], buf, 2) == 2 && !memcmp(buf, "he", 2), "a short read");
	CHECK(read(p[0], buf, sizeof(buf)) == 5 && !memcmp(buf, "world", 5),
	      "the short read dropped the rest of its packet");
	memset(big, 'q', sizeof(big));
	CHECK(write(p[1], big, sizeof(big)) == (ssize_t)sizeof(big), "a long write");
	CHECK(read(p[0], buf, sizeof(buf)) == 4096, "is packets of PIPE_BUF");
	CHECK(read(p[0], buf, sizeof(buf)) == 4096, "second of them");
	CHECK(read(p[0], buf, sizeof(buf)) == 10000 - 8192, "last of them");
	close(p[0]);
	close(p[1]);
	/* a plain pipe still streams */
	CHECK(pipe2(p, 0) == 0, "pipe2(0)");
	CHECK(write(p[1], "ab", 2) == 2 && write(p[1], "cd", 2) == 2, "writes");
	CHECK(read(p[0], buf, sizeof(buf)) == 4, "a plain pipe joins writes");
	close(p[0]);
	close(p[1]);
	CHECK_ERR(pipe2(p, O_ASYNC), EINVAL, "pipe2(O_ASYNC)");
}

static int fd_link(int fd, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = 0;
	return n > 0 ? 0 : -1;
}

static int fd_open(int fd, const char *rest, int flags)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/self/fd/%d%s", fd, rest);
	return open(path, flags, 0644);
}

static void check_fd_links(void)
{
	struct stat a, b;
	char buf[256], want[64];
	int fd, fd2, d, p[2], sv[2];

	unlink("/tmp/abi_fd");
	fd = open("/tmp/abi_fd", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "hello", 5) == 5, "make /tmp/abi_fd");
	CHECK(fd_link(fd, buf, sizeof(buf)) == 0 && strcmp(buf, "/tmp/abi_fd") == 0,
	      "readlink of a file's fd: %s", buf);
	fd2 = fd_open(fd, "", O_RDONLY);
	CHECK(fd2 >= 0, "open /proc/self/fd/N");
	CHECK(fstat(fd, &a) == 0 && fstat(fd2, &b) == 0 && a.st_ino == b.st_ino &&
	      a.st_dev == b.st_dev, "the same inode");
	CHECK(read(fd2, buf, 5) == 5 && !memcmp(buf, "hello", 5),
	      "a new open file: its own offset");
	CHECK((fcntl(fd2, F_GETFL) & O_ACCMODE) == O_RDONLY, "with its own flags");
	close(fd2);
	CHECK(unlink("/tmp/abi_fd") == 0, "unlink");
	fd2 = fd_open(fd, "", O_RDWR);
	CHECK(fd2 >= 0 && pread(fd2, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5),
	      "an unlinked file reopens");
	CHECK(fd_link(fd, buf, sizeof(buf)) == 0 && strstr(buf, " (deleted)"),
	      "readlink says deleted: %s", buf);
	close(fd2);
	close(fd);

	d = open("/tmp", O_RDONLY | O_DIRECTORY);
	fd = open("/tmp/abi_fd2", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(d >= 0 && fd >= 0, "open /tmp and a file in it");
	close(fd);
	fd = fd_open(d, "/abi_fd2", O_RDONLY);
	CHECK(fd >= 0, "a walk through a directory's /proc/self/fd/N");
	close(fd);
	CHECK(stat("/tmp/abi_fd2", &a) == 0 && fstat(d, &b) == 0 && a.st_ino != b.st_ino, "stat");
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", d);
	CHECK(stat(buf, &a) == 0 && a.st_ino == b.st_ino && S_ISDIR(a.st_mode),
	      "stat follows the magic link");
	unlink("/tmp/abi_fd2");
	close(d);

	CHECK(pipe(p) == 0, "pipe");
	CHECK(fstat(p[0], &a) == 0, "fstat pipe");
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)a.st_ino);
	CHECK(fd_link(p[0], buf, sizeof(buf)) == 0 && strcmp(buf, want) == 0,
	      "readlink of a pipe: %s, want %s", buf, want);
	fd = fd_open(p[1], "", O_WRONLY);
	CHECK(fd >= 0 && write(fd, "via", 3) == 3, "a pipe's end reopened: a new writer");
	CHECK(read(p[0], buf, sizeof(buf)) == 3 && !memcmp(buf, "via", 3), "reaches the reader");
	close(fd);
	close(p[0]);
	close(p[1]);

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	CHECK(fstat(sv[0], &a) == 0, "fstat socket");
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)a.st_ino);
	CHECK(fd_link(sv[0], buf, sizeof(buf)) == 0 && strcmp(buf, want) == 0,
	      "readlink of a socket: %s, want %s", buf, want);
	CHECK_ERR(fd_open(sv[0], "", O_RDWR), ENXIO, "a socket does not reopen");
	close(sv[0]);
	close(sv[1]);
	CHECK_ERR(fd_open(999, "", O_RDONLY), ENOENT, "no such descriptor");

	/* extended attributes of an O_PATH descriptor: EBADF (open13) */
	fd = open("/tmp", O_PATH);
	CHECK_ERR(fgetxattr(fd, "user.x", buf, sizeof(buf)), EBADF, "fgetxattr of O_PATH");
	CHECK_ERR(fsetxattr(fd, "user.x", "v", 1, 0), EBADF, "fsetxattr of O_PATH");
	CHECK_ERR(flistxattr(fd, buf, sizeof(buf)), EBADF, "flistxattr of O_PATH");
	close(fd);
	CHECK_ERR(getxattr("/nonexistent/x", "user.x", buf, sizeof(buf)), ENOENT, "getxattr ENOENT");
#ifdef ON_SIS
	CHECK_ERR(getxattr("/tmp", "user.x", buf, sizeof(buf)), EOPNOTSUPP, "ramfs has no xattrs");
#endif
}

#define LEASE_FILE "/tmp/abi_lease"

/* A child that opens LEASE_FILE with flags (or truncates it, flags -1):
 * exits 0 if that worked, 1 + errno's low bits otherwise. */
static pid_t breaker(int flags)
{
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	if (flags == -1)
		_exit(truncate(LEASE_FILE, 0) ? 1 : 0);
	fd = open(LEASE_FILE, flags);
	_exit(fd < 0 ? (errno == EWOULDBLOCK ? 2 : 1) : 0);
}

static void nobody_lease(void)
{
	int fd = open(LEASE_FILE, O_RDONLY);

	CHECK_ERR(fcntl(fd, F_SETLEASE, F_RDLCK), EACCES, "a lease on another's file");
	close(fd);
}

static void check_leases(void)
{
	struct timespec ts = { 5, 0 };
	sigset_t set;
	siginfo_t si;
	int fd, fd2, p[2];
	pid_t pid;

	unlink(LEASE_FILE);
	fd = open(LEASE_FILE, O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0 && write(fd, "lease", 5) == 5, "make %s", LEASE_FILE);
	CHECK_ERR(fcntl(fd, F_SETLEASE, F_RDLCK), EAGAIN, "a read lease on a file open to write");
	CHECK(fcntl(fd, F_SETLEASE, F_WRLCK) == 0 && fcntl(fd, F_GETLEASE) == F_WRLCK,
	      "a write lease on the only open");
	CHECK(fcntl(fd, F_SETLEASE, F_UNLCK) == 0 && fcntl(fd, F_GETLEASE) == F_UNLCK, "F_UNLCK");
	CHECK_ERR(fcntl(fd, F_SETLEASE, F_UNLCK), EAGAIN, "F_UNLCK without a lease");
	CHECK_ERR(fcntl(fd, F_SETLEASE, 7), EINVAL, "lease type 7");
	close(fd);
	fd = open(LEASE_FILE, O_RDONLY);
	fd2 = open(LEASE_FILE, O_RDONLY);
	CHECK(fcntl(fd, F_SETLEASE, F_RDLCK) == 0 && fcntl(fd, F_GETLEASE) == F_RDLCK,
	      "a read lease");
	CHECK(fcntl(fd2, F_SETLEASE, F_RDLCK) == 0, "a second read lease");
	CHECK_ERR(fcntl(fd2, F_SETLEASE, F_WRLCK), EAGAIN, "a write lease with two opens");
	close(fd2);
	CHECK(fcntl(fd, F_SETLEASE, F_UNLCK) == 0, "unlock");
	check_as_nobody(nobody_lease, "lease");
	CHECK(pipe(p) == 0, "pipe");
	CHECK_ERR(fcntl(p[0], F_SETLEASE, F_RDLCK), EINVAL, "a lease on a pipe");
	close(p[0]);
	close(p[1]);

	/* a reader breaks a write lease down to a read lease */
	sigemptyset(&set);
	sigaddset(&set, SIGIO);
	sigaddset(&set, SIGRTMIN + 3);
	sigprocmask(SIG_BLOCK, &set, NULL);
	CHECK(fcntl(fd, F_SETLEASE, F_WRLCK) == 0, "a write lease on a read-only open");
	CHECK(reap(breaker(O_RDONLY | O_NONBLOCK)) == 2, "O_NONBLOCK: EWOULDBLOCK");
	CHECK(sigtimedwait(&set, &si, &ts) == SIGIO, "SIGIO for the break");
	CHECK(fcntl(fd, F_GETLEASE) == F_RDLCK, "F_GETLEASE says the target: %d",
	      fcntl(fd, F_GETLEASE));
	pid = breaker(O_RDONLY);
	usleep(100000);
	CHECK(fcntl(fd, F_SETLEASE, F_RDLCK) == 0, "downgrade");
	CHECK(reap(pid) == 0, "the reader goes on");
	/* a writer breaks it all */
	pid = breaker(O_WRONLY);
	CHECK(sigtimedwait(&set, &si, &ts) == SIGIO, "SIGIO for the writer");
	CHECK(fcntl(fd, F_GETLEASE) == F_UNLCK, "target F_UNLCK");
	CHECK_ERR(fcntl(fd, F_SETLEASE, F_RDLCK), EAGAIN, "no downgrade for a writer");
	CHECK(fcntl(fd, F_SETLEASE, F_UNLCK) == 0, "give the lease up");
	CHECK(reap(pid) == 0, "the writer goes on");
	/* F_SETSIG: truncate breaks it, a signal with si_code POLL_MSG and si_fd */
	CHECK(fcntl(fd, F_SETSIG, SIGRTMIN + 3) == 0, "F_SETSIG");
	CHECK(fcntl(fd, F_SETLEASE, F_WRLCK) == 0, "a write lease again");
	pid = breaker(-1);
	CHECK(sigtimedwait(&set, &si, &ts) == SIGRTMIN + 3 && si.si_code == POLL_MSG &&
	      si.si_fd == fd, "F_SETSIG's signal: code %d fd %d", si.si_code, si.si_fd);
	CHECK(fcntl(fd, F_SETLEASE, F_UNLCK) == 0, "give it up"); /* the child has fd too */
	CHECK(reap(pid) == 0, "truncate goes on");
	close(fd);
	/* a lease goes with its file */
	fd = open(LEASE_FILE, O_RDONLY);
	CHECK(fcntl(fd, F_SETLEASE, F_WRLCK) == 0, "a write lease");
	close(fd);
	fd = open(LEASE_FILE, O_RDONLY);
	CHECK(fcntl(fd, F_GETLEASE) == F_UNLCK && fcntl(fd, F_SETLEASE, F_WRLCK) == 0,
	      "closed with its file");
	close(fd);
#ifdef ON_SIS
	/* nobody answers: lease-break-time later the kernel takes the lease */
	CHECK(write_str("/proc/sys/fs/lease-break-time", "1") == 0, "lease-break-time 1");
	fd = open(LEASE_FILE, O_RDONLY);
	CHECK(fcntl(fd, F_SETLEASE, F_WRLCK) == 0, "a write lease");
	CHECK(reap(breaker(O_RDWR)) == 0, "the writer goes on after lease-break-time");
	CHECK(fcntl(fd, F_GETLEASE) == F_UNLCK, "and the lease is gone");
	close(fd);
	CHECK(write_str("/proc/sys/fs/lease-break-time", "45") == 0 &&
	      read_long("/proc/sys/fs/lease-break-time") == 45, "lease-break-time 45");
#endif
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	unlink(LEASE_FILE);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	setpgid(0, 0); /* a group of our own (init's is 0), for F_SETOWN -pgrp */
	check_sysctl();
	check_owner();
	check_sigio();
	check_packets();
	check_fd_links();
	check_leases();
	return check_summary("abi_calls");
}
