/*
 * Small (/proc, /sys-like) files read whole, for the test programs of
 * either C library: glibc_check.h's (abi_*.c, mm_calls.c, ...),
 * sock_napi.c, bound_proc.c and vfs_calls.c. Plain POSIX.
 */
#ifndef TEXT_FILE_H
#define TEXT_FILE_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* The start of a file (one read(2) of up to size - 1 bytes) as a string in
 * buf: its length, or -1 if it could not be read or is empty. */
static inline ssize_t read_file_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The number in base after field (as "VmLck:" in /proc/self/status, or
 * "NET_TX:" in /proc/softirqs; "" for the file's first number), or -1. */
static inline long long file_number(const char *path, const char *field, int base)
{
	char buf[4096], *s;

	if (read_file_text(path, buf, sizeof(buf)) < 0)
		return -1;
	s = strstr(buf, field);
	return s ? strtoll(s + strlen(field), NULL, base) : -1;
}

#endif
