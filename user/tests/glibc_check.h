/*
 * Checks for the glibc-static test programs (user/tests/threads*.c): each
 * CHECK prints "FAIL name: ..." when it does not hold, and check_summary()
 * prints "PROG: N checks, M failed" and gives the exit status.
 */
#ifndef GLIBC_CHECK_H
#define GLIBC_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

static inline int check_summary(const char *prog)
{
	printf("%s: %d checks, %d failed\n", prog, checks, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}

#endif
