/*
 * File-descriptor I/O wrappers over the SIS system calls: read/write and
 * their vector and positional forms, open/openat/creat (O_* flags
 * translated from picolibc's numbering), close, lseek, dup*, fcntl, pipe*,
 * ioctl, isatty, ftruncate/truncate, fsync/sync.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include "sis_syscall.h"
#include "xlat.h"

ssize_t read(int fd, void *buf, size_t len)
{
	return sis_call(__NR_read, fd, buf, len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return sis_call(__NR_write, fd, buf, len);
}

ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	return sis_call(__NR_readv, fd, iov, iovcnt);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	return sis_call(__NR_writev, fd, iov, iovcnt);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return sis_call(__NR_pread64, fd, buf, len, off);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return sis_call(__NR_pwrite64, fd, buf, len, off);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	unsigned mode = 0;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, unsigned);
		va_end(ap);
	}
	return (int)sis_call(__NR_openat, __sis_dirfd(dirfd), path,
			     __sis_flags_to_linux((unsigned)flags), mode);
}

int open(const char *path, int flags, ...)
{
	unsigned mode = 0;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, unsigned);
		va_end(ap);
	}
	return openat(AT_FDCWD, path, flags, mode);
}

int creat(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int close(int fd)
{
	return (int)sis_call(__NR_close, fd);
}

off_t lseek(int fd, off_t off, int whence)
{
	return sis_call(__NR_lseek, fd, off, whence);
}

int dup(int fd)
{
	return (int)sis_call(__NR_dup, fd);
}

int dup3(int oldfd, int newfd, int flags)
{
	return (int)sis_call(__NR_dup3, oldfd, newfd, __sis_flags_to_linux((unsigned)flags));
}

/* dup2 has no system call on arm64: dup3 refuses oldfd == newfd. */
int dup2(int oldfd, int newfd)
{
	if (oldfd == newfd)
		return fcntl(oldfd, F_GETFD) < 0 ? -1 : newfd;
	return dup3(oldfd, newfd, 0);
}

int fcntl(int fd, int cmd, ...)
{
	long arg;
	long r;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	switch (cmd) {
	case F_DUPFD_CLOEXEC:
		return (int)sis_call(__NR_fcntl, fd, __sis_linux_consts.f_dupfd_cloexec, arg);
	case F_GETFL:
		r = sis_call(__NR_fcntl, fd, F_GETFL, 0);
		return r < 0 ? -1 : (int)__sis_flags_to_pico((unsigned)r);
	case F_SETFL:
		return (int)sis_call(__NR_fcntl, fd, F_SETFL, __sis_flags_to_linux((unsigned)arg));
	default: /* F_DUPFD, F_GETFD, F_SETFD and FD_CLOEXEC are Linux's values */
		return (int)sis_call(__NR_fcntl, fd, cmd, arg);
	}
}

int pipe2(int fds[2], int flags)
{
	return (int)sis_call(__NR_pipe2, fds, __sis_flags_to_linux((unsigned)flags));
}

int pipe(int fds[2])
{
	return pipe2(fds, 0);
}

int ioctl(int fd, unsigned long request, ...)
{
	void *arg;
	va_list ap;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	return (int)sis_call(__NR_ioctl, fd, request, arg);
}

int isatty(int fd)
{
	struct linux_termios t;

	if (sis_syscall(__NR_ioctl, fd, TCGETS, &t) == 0)
		return 1;
	errno = ENOTTY;
	return 0;
}

int ftruncate(int fd, off_t len)
{
	return (int)sis_call(__NR_ftruncate, fd, len);
}

int truncate(const char *path, off_t len)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -1;
	r = ftruncate(fd, len);
	close(fd);
	return r;
}

/* Everything lives in RAM: there is nothing to write back. */
int fsync(int fd)
{
	return fcntl(fd, F_GETFD) < 0 ? -1 : 0;
}

void sync(void)
{
}
