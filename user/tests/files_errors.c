/*
 * files_errors: the file system calls reject bad arguments with Linux's
 * errors, and the runtime hands them to picolibc programs in picolibc's
 * numbering: EBADF for bad descriptors, EFAULT for bad pointers (raw system
 * calls, so the kernel itself sees the pointer), EINVAL for bad flags,
 * whence, sizes; ENOENT/ENOTDIR/EISDIR/EEXIST/ENOTEMPTY/ESPIPE/ENOTTY/
 * ENAMETOOLONG/ERANGE where Linux gives them. One result line; status 0 = pass.
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <uapi/sis/syscall.h>
#include "files_check.h"

#define BAD ((void *)1)            /* never mapped */
#define KERNEL_PTR ((void *)0xffff000040200000UL)
#define LINUX_AT_FDCWD (-100)
#define LINUX_EFAULT 14
#define LINUX_EBADF 9
#define LINUX_EINVAL 22

/* A system call without the runtime: returns -errno in Linux numbering. */
static long raw(long n, long a, long b, long c, long d, long e)
{
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c, x3 __asm__("x3") = d, x4 __asm__("x4") = e;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4)
			 : "memory");
	return x0;
}

static void test_ebadf(void)
{
	char buf[8];
	int fd = open("/tmp/e", O_CREAT | O_WRONLY | O_TRUNC, 0644);

	CHECK_ERR(read(-1, buf, 1), EBADF);
	CHECK_ERR(read(999, buf, 1), EBADF);
	CHECK_ERR(read(200, buf, 1), EBADF);
	CHECK_ERR(write(100, "x", 1), EBADF);
	CHECK_ERR(close(55), EBADF);
	CHECK_ERR(lseek(77, 0, SEEK_SET), EBADF);
	CHECK_ERR(dup(66), EBADF);
	CHECK_ERR(dup2(66, 3), EBADF);
	CHECK_ERR(fcntl(66, F_GETFD), EBADF);
	CHECK_ERR(fchdir(66), EBADF);
	CHECK_ERR(ioctl(66, TCGETS, buf), EBADF);
	CHECK(raw(__NR_fstat, 66, (long)buf, 0, 0, 0) == -LINUX_EBADF);
	CHECK(raw(__NR_getdents64, 66, (long)buf, sizeof(buf), 0, 0) == -LINUX_EBADF);
	CHECK_ERR(read(fd, buf, 1), EBADF);            /* opened write-only */
	CHECK_ERR(openat(66, "relative", O_RDONLY), EBADF);
	CHECK_ERR(mkdirat(fd, "x", 0755), ENOTDIR);   /* dirfd is not a directory */
	close(fd);
	fd = open("/etc/hosts", O_RDONLY);
	CHECK_ERR(write(fd, "x", 1), EBADF);           /* opened read-only */
	CHECK_ERR(ftruncate(fd, 0), EINVAL);
	close(fd);
}

static void test_efault(void)
{
	int fd = open("/etc/hosts", O_RDONLY), fds[2];
	int wfd = open("/tmp/e", O_WRONLY);
	struct iovec iov = { BAD, 10 };
	struct pollfd p = { .fd = 0, .events = POLLIN };

	CHECK_ERR(read(fd, BAD, 10), EFAULT);
	CHECK_ERR(read(fd, KERNEL_PTR, 10), EFAULT);
	CHECK_ERR(write(wfd, BAD, 10), EFAULT);
	CHECK_ERR(write(1, KERNEL_PTR, 10), EFAULT);
	CHECK_ERR(readv(fd, BAD, 1), EFAULT);
	CHECK_ERR(readv(fd, &iov, 1), EFAULT);
	CHECK_ERR(open(BAD, O_RDONLY), EFAULT);
	CHECK_ERR(open(NULL, O_RDONLY), EFAULT);
	CHECK_ERR(mkdir(BAD, 0755), EFAULT);
	CHECK_ERR(chdir(KERNEL_PTR), EFAULT);
	CHECK(raw(__NR_fstat, fd, (long)BAD, 0, 0, 0) == -LINUX_EFAULT);
	CHECK(raw(__NR_newfstatat, LINUX_AT_FDCWD, (long)"/etc/hosts", (long)BAD, 0, 0) ==
	      -LINUX_EFAULT);
	CHECK(raw(__NR_pipe2, (long)BAD, 0, 0, 0, 0) == -LINUX_EFAULT);
	CHECK(raw(__NR_getcwd, (long)BAD, 100, 0, 0, 0) == -LINUX_EFAULT);
	CHECK(raw(__NR_ppoll, (long)BAD, 1, 0, 0, 0) == -LINUX_EFAULT);
	CHECK(raw(__NR_ppoll, (long)&p, 1, (long)BAD, 0, 0) == -LINUX_EFAULT);
	CHECK(raw(__NR_ioctl, 0, TCGETS, (long)BAD, 0, 0) == -LINUX_EFAULT);
	fds[0] = open("/tmp", O_RDONLY | O_DIRECTORY);
	CHECK(raw(__NR_getdents64, fds[0], (long)BAD, 4096, 0, 0) == -LINUX_EFAULT);
	close(fds[0]);
	/* A pipe keeps its data when the reader's buffer is bad. */
	CHECK(pipe(fds) == 0 && write(fds[1], "ab", 2) == 2);
	CHECK_ERR(read(fds[0], BAD, 2), EFAULT);
	char two[2];
	CHECK(read(fds[0], two, 2) == 2 && two[0] == 'a');
	close(fds[0]);
	close(fds[1]);
	close(fd);
	close(wfd);
}

static void test_einval(void)
{
	int fd = open("/etc/hosts", O_RDONLY), fds[2];
	char buf[8];
	struct { long sec, nsec; } bad_ts = { 0, 1000000000L };
	struct pollfd p = { .fd = fd, .events = POLLIN };

	CHECK(raw(__NR_openat, LINUX_AT_FDCWD, (long)"/etc/hosts", 3, 0, 0) == -LINUX_EINVAL);
	CHECK_ERR(lseek(fd, 0, 99), EINVAL);
	CHECK_ERR(lseek(fd, -5, SEEK_SET), EINVAL);
	CHECK(raw(__NR_pipe2, (long)fds, 1, 0, 0, 0) == -LINUX_EINVAL);   /* O_WRONLY: not a pipe2 flag */
	CHECK_ERR(dup3(fd, fd, 0), EINVAL);
	CHECK(raw(__NR_dup3, fd, 30, 1, 0, 0) == -LINUX_EINVAL);
	CHECK_ERR(fcntl(fd, 9999), EINVAL);
	CHECK_ERR(readlink("/etc/hosts", buf, sizeof(buf)), EINVAL);   /* not a symlink */
	CHECK(raw(__NR_unlinkat, LINUX_AT_FDCWD, (long)"/tmp/e", 0x1, 0, 0) == -LINUX_EINVAL);
	CHECK(raw(__NR_ppoll, (long)&p, 100000, 0, 0, 0) == -LINUX_EINVAL);
	CHECK(raw(__NR_ppoll, (long)&p, 1, (long)&bad_ts, 0, 0) == -LINUX_EINVAL);
	CHECK(raw(__NR_pselect6, -1, 0, 0, 0, 0) == -LINUX_EINVAL);
	fds[0] = open("/", O_RDONLY | O_DIRECTORY);
	CHECK(raw(__NR_getdents64, fds[0], (long)buf, sizeof(buf), 0, 0) == -LINUX_EINVAL);
	close(fds[0]);
	errno = 0;
	CHECK(getcwd(buf, 1) == NULL && errno == ERANGE);
	close(fd);
}

static void test_other(void)
{
	char name[300], buf[8];
	int fd, fds[2];

	CHECK_ERR(open("/no/such/file", O_RDONLY), ENOENT);
	CHECK_ERR(open("", O_RDONLY), ENOENT);
	CHECK_ERR(open("/etc/hosts/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(chdir("/etc/hosts"), ENOTDIR);
	fd = open("/tmp", O_RDONLY);
	CHECK_ERR(read(fd, buf, 1), EISDIR);
	close(fd);
	CHECK_ERR(unlink("/tmp"), EISDIR);
	CHECK_ERR(rmdir("/etc/hosts"), ENOTDIR);
	CHECK_ERR(mkdir("/etc", 0755), EEXIST);
	CHECK(mkdir("/tmp/full", 0755) == 0 && close(open("/tmp/full/f", O_CREAT | O_WRONLY, 0644)) == 0);
	CHECK_ERR(rmdir("/tmp/full"), ENOTEMPTY);        /* Linux 39, picolibc 90 */
	CHECK(strcmp(strerror(ENOTEMPTY), "Directory not empty") == 0);
	unlink("/tmp/full/f");
	rmdir("/tmp/full");
	CHECK(pipe(fds) == 0);
	CHECK_ERR(lseek(fds[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERR(pread(fds[0], buf, 1, 0), ESPIPE);
	close(fds[0]);
	close(fds[1]);
	fd = open("/etc/hosts", O_RDONLY);
	CHECK_ERR(ioctl(fd, TCGETS, buf), ENOTTY);
	CHECK(!isatty(fd) && errno == ENOTTY);
	close(fd);
	memset(name, 'n', sizeof(name));
	memcpy(name, "/tmp/", 5);
	name[sizeof(name) - 1] = '\0';
	CHECK_ERR(open(name, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG); /* Linux 36, picolibc 91 */
	unlink("/tmp/e");
}

int main(void)
{
	test_ebadf();
	test_efault();
	test_einval();
	test_other();
	return finish("files_errors");
}
