/*
 * Checks for the glibc test programs (user/tests/threads*.c, mm_calls.c,
 * dyn_check.c, ...): each CHECK prints "FAIL name: ..." when it does not
 * hold, and check_summary() prints "PROG: N checks, M failed" and gives
 * the exit status. Also the small file helpers several of them use.
 */
#ifndef GLIBC_CHECK_H
#define GLIBC_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int checks, failed;

#define CHECK(cond, ...)                                                         \
	do {                                                                     \
		checks++;                                                        \
		if (!(cond)) {                                                   \
			failed++;                                                \
			printf("FAIL %s:%d: ", __func__, __LINE__);              \
			printf(__VA_ARGS__);                                     \
			printf(" (errno %d %s)\n", errno, strerror(errno));      \
			fflush(stdout);                                          \
		}                                                                \
	} while (0)

/* A syscall result r (-1/errno convention) that should fail with e. */
#define CHECK_ERR(r, e, what) CHECK((r) == -1 && errno == (e), "%s: got %ld, want errno %d", \
				    what, (long)(r), e)

static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A file of len bytes of fill, open O_RDWR (-1 on failure). */
static inline int make_filled_file(const char *path, size_t len, char fill)
{
	char buf[4096];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	memset(buf, fill, sizeof(buf));
	for (size_t done = 0; fd >= 0 && done < len; done += sizeof(buf))
		if (write(fd, buf, len - done < sizeof(buf) ? len - done : sizeof(buf)) < 0)
			return -1;
	return fd;
}

/* The byte at off of fd (0 if there is none). */
static inline char file_byte(int fd, off_t off)
{
	char c = 0;

	return pread(fd, &c, 1, off) == 1 ? c : 0;
}

/* The start of a (/proc) file as a string in buf: its length, or -1 if
 * it could not be read or is empty. */
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

/* The number after field (as "VmLck:") in a /proc file such as
 * /proc/self/status or /proc/meminfo, or -1. */
static inline long proc_field(const char *path, const char *field)
{
	char buf[4096], *s;

	if (read_file_text(path, buf, sizeof(buf)) < 0)
		return -1;
	s = strstr(buf, field);
	return s ? strtol(s + strlen(field), NULL, 10) : -1;
}

static inline int check_summary(const char *prog)
{
	printf("%s: %d checks, %d failed\n", prog, checks, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}

#endif
