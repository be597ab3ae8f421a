/*
 * System-call argument widths, each result and errno checked against Linux:
 * a register's upper 32 bits are ignored where Linux declares an int or
 * unsigned int argument (fds, flags, lengths, whence, fcntl commands) and
 * count where it declares a long, size_t or unsigned long (mprotect's prot,
 * mremap's flags, sigset sizes). mmap drops the unknown bits of prot and
 * flags in either half, as Linux does.
 *
 * A glibc program: built with aarch64-linux-gnu-gcc -static for SIS and
 * with the host's gcc for Linux, where test_linux.py runs it as the
 * reference. Every call goes through syscall(2) with 64-bit arguments.
 * Prints "sc_width: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "eq_err.h"

#define HI (1L << 32) /* a bit only a 64-bit argument sees */

static char dir[256];

static long sc(long nr, long a, long b, long c, long d, long e, long f)
{
	return syscall(nr, a, b, c, d, e, f);
}

static void files(void)
{
	char path[300], link[300], buf[512];
	struct iovec iov = { buf, 1 };
	long fd, dfd;

	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	/* openat's flags and the fd of write/lseek/readv: int and unsigned int. */
	fd = sc(SYS_openat, AT_FDCWD | HI, (long)path, O_RDWR | O_CREAT | O_TRUNC | HI, 0600, 0, 0);
	EQ(fd >= 0, 1);
	EQ(sc(SYS_write, fd | HI, (long)"abc", 3, 0, 0, 0), 3);
	EQ(sc(SYS_lseek, fd, 0, SEEK_SET | HI, 0, 0, 0), 0);
	EQ(sc(SYS_fcntl, fd, F_GETFD | HI, 0, 0, 0, 0), 0);
	/* readv's vlen: Linux takes it as an unsigned int. */
	EQ(sc(SYS_readv, fd, (long)&iov, 1 | HI, 0, 0, 0), 1);
	ERR(sc(SYS_readv, fd, (long)&iov, 0xffffffffL, 0, 0, 0), EINVAL);
	/* pread64's offset is 64-bit: past the end, nothing to read. */
	EQ(sc(SYS_pread64, fd, (long)buf, 1, HI, 0, 0), 0);
	EQ(sc(SYS_dup3, fd, 100 | HI, O_CLOEXEC | HI, 0, 0, 0), 100);
	EQ(sc(SYS_close, 100 | HI, 0, 0, 0, 0, 0), 0);

	/* readlinkat's bufsiz is an int: HI alone is 0 (EINVAL). */
	EQ(symlink("abcdef", link), 0);
	ERR(sc(SYS_readlinkat, AT_FDCWD, (long)link, (long)buf, HI, 0, 0), EINVAL);
	EQ(sc(SYS_readlinkat, AT_FDCWD, (long)link, (long)buf, HI | 4, 0, 0), 4);
	EQ(unlink(link), 0);

	/* getdents64's count is an unsigned int: HI alone is 0 (EINVAL). */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	EQ(dfd >= 0, 1);
	ERR(sc(SYS_getdents64, dfd, (long)buf, HI, 0, 0, 0), EINVAL);
	EQ(sc(SYS_getdents64, dfd, (long)buf, HI | sizeof(buf), 0, 0, 0) > 0, 1);
	close(dfd);
	close(fd);
	EQ(unlink(path), 0);
}

static void memory(void)
{
	long p = sc(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE | HI,
		    MAP_PRIVATE | MAP_ANONYMOUS | HI, -1, 0);

	EQ(p != -1, 1);
	/* mprotect's prot and mremap's flags are unsigned long. */
	ERR(sc(SYS_mprotect, p, 4096, PROT_READ | HI, 0, 0, 0), EINVAL);
	EQ(sc(SYS_mprotect, p, 4096, PROT_READ, 0, 0, 0), 0);
	ERR(sc(SYS_mremap, p, 4096, 4096, HI, 0, 0), EINVAL);
	EQ(sc(SYS_mremap, p, 4096, 4096, 0, 0, 0), p);
	EQ(sc(SYS_munmap, p, 4096, 0, 0, 0, 0), 0);
}

static void processes(void)
{
	/* sigsetsize is a size_t; pids and signal numbers are ints. */
	ERR(sc(SYS_rt_sigprocmask, SIG_BLOCK, 0, 0, 8 | HI, 0, 0), EINVAL);
	EQ(sc(SYS_rt_sigprocmask, SIG_BLOCK | HI, 0, 0, 8, 0, 0), 0);
	EQ(sc(SYS_kill, getpid() | HI, 0 | HI, 0, 0, 0, 0), 0);
	EQ(sc(SYS_personality, 0xffffffffL | HI, 0, 0, 0, 0, 0),
	   sc(SYS_personality, 0xffffffffL, 0, 0, 0, 0, 0));
}

static void sockets(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int one = 1;
	long fd = sc(SYS_socket, AF_INET | HI, SOCK_DGRAM | HI, 0 | HI, 0, 0, 0);
	char c;

	EQ(fd >= 0, 1);
	/* address and option lengths are ints, send/recv flags unsigned ints. */
	EQ(sc(SYS_setsockopt, fd, SOL_SOCKET | HI, SO_REUSEADDR | HI, (long)&one,
	      sizeof(one) | HI, 0), 0);
	EQ(sc(SYS_bind, fd | HI, (long)&a, sizeof(a) | HI, 0, 0, 0), 0);
	EQ(getsockname((int)fd, (struct sockaddr *)&a, &len), 0);
	EQ(sc(SYS_sendto, fd, (long)"x", 1, HI, (long)&a, sizeof(a) | HI), 1);
	EQ(sc(SYS_recvfrom, fd, (long)&c, 1, MSG_DONTWAIT | HI, 0, 0), 1);
	EQ(c, 'x');
	EQ(sc(SYS_shutdown, fd, SHUT_RDWR | HI, 0, 0, 0, 0) == 0 || errno == ENOTCONN, 1);
	close((int)fd);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/sc_width.%d", tmp ? tmp : "/tmp", getpid());
	mkdir(tmp ? tmp : "/tmp", 0777);
	if (mkdir(dir, 0700)) {
		perror(dir);
		return 1;
	}
	files();
	memory();
	processes();
	sockets();
	rmdir(dir);
	printf("sc_width: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
