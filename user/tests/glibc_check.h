/*
 * Checks for the glibc test programs (user/tests/threads*.c, mm_calls.c,
 * dyn_check.c, ...): each CHECK prints "FAIL name: ..." when it does not
 * hold, and check_summary() prints "PROG: N checks, M failed" and gives
 * the exit status. Also the small file (text_file.h) and process helpers
 * several of them use.
 */
#ifndef GLIBC_CHECK_H
#define GLIBC_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "text_file.h"

#define NOBODY 65534 /* uid and gid */

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

/* fd, a file just made (-1: making it failed), mapped: size bytes from off
 * with prot and flags. NULL after a failed check that names what. */
static inline void *map_checked(int fd, size_t size, int prot, int flags, off_t off,
				const char *what)
{
	void *p;

	CHECK(fd >= 0, "create %s", what);
	p = fd >= 0 ? mmap(NULL, size, prot, flags, fd, off) : MAP_FAILED;
	CHECK(p != MAP_FAILED, "mmap %s", what);
	return p == MAP_FAILED ? NULL : p;
}

/* The byte at off of fd (0 if there is none). */
static inline char file_byte(int fd, off_t off)
{
	char c = 0;

	return pread(fd, &c, 1, off) == 1 ? c : 0;
}

/* Wait for child pid: its exit status, 128 + the signal that killed it,
 * or -1. */
static inline int reap(pid_t pid)
{
	int st = -1;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Run fn in a forked child (as uid and gid NOBODY without supplementary
 * groups if nobody; exit status 100 if it cannot): its failed checks are
 * its exit status, a failed check here unless 0. */
static inline void check_in_child_as(void (*fn)(void), bool nobody, const char *what)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		failed = 0;
		if (nobody && (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)))
			_exit(100);
		fn();
		_exit(failed);
	}
	st = pid > 0 ? reap(pid) : -1;
	CHECK(st == 0, "%s%s: child status %d", what, nobody ? " as nobody" : "", st);
}

static inline void check_in_child(void (*fn)(void), const char *what)
{
	check_in_child_as(fn, false, what);
}

static inline void check_as_nobody(void (*fn)(void), const char *what)
{
	check_in_child_as(fn, true, what);
}

static inline int check_summary(const char *prog)
{
	printf("%s: %d checks, %d failed\n", prog, checks, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}

#endif
