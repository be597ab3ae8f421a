/*
 * Tiny check helpers for the files test programs (user/tests/files_*.c):
 * each CHECK prints a line on failure and counts it; finish() prints one
 * result line "NAME: N checks, M failed" and returns the exit status.
 */
#ifndef FILES_CHECK_H
#define FILES_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int checks, failures;

#define CHECK(cond)                                                               \
	do {                                                                      \
		checks++;                                                         \
		if (!(cond)) {                                                    \
			failures++;                                               \
			printf("FAIL %s:%d: %s (errno %d %s)\n", __FILE__, __LINE__, \
			       #cond, errno, strerror(errno));                    \
		}                                                                 \
	} while (0)

/* The call returned -1 with errno == e. */
#define CHECK_ERR(call, e)                                                        \
	do {                                                                      \
		long r_;                                                          \
		errno = 0;                                                        \
		r_ = (long)(call);                                                \
		checks++;                                                         \
		if (r_ != -1 || errno != (e)) {                                   \
			failures++;                                               \
			printf("FAIL %s:%d: %s = %ld errno %d (%s), want -1 %s\n",  \
			       __FILE__, __LINE__, #call, r_, errno, strerror(errno), #e); \
		}                                                                 \
	} while (0)

static int finish(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, checks, failures);
	fflush(stdout);
	return failures ? 1 : 0;
}

#endif
