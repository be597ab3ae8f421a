/*
 * Value and errno checks for the test programs that also run on Linux as the
 * reference (netsock_calls.c, inet6_calls.c): EQ(call, want) and
 * ERR(call, errno) print a FAIL line with the source line and count checks
 * and failures.
 */
#ifndef USER_TESTS_EQ_ERR_H
#define USER_TESTS_EQ_ERR_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int checks, failures;

/* call must return want (a value, not an error). */
#define EQ(call, want)                                                                    \
	do {                                                                              \
		long r_ = (long)(call), w_ = (long)(want);                                \
		checks++;                                                                 \
		if (r_ != w_) {                                                           \
			failures++;                                                       \
			printf("FAIL line %d: %s = %ld (errno %d), want %ld\n", __LINE__, \
			       #call, r_, errno, w_);                                     \
		}                                                                         \
	} while (0)
/* call must fail with errno e. */
#define ERR(call, e)                                                                      \
	do {                                                                              \
		errno = 0;                                                                \
		long r_ = (long)(call);                                                   \
		int e_ = errno;                                                           \
		checks++;                                                                 \
		if (r_ != -1 || e_ != (e)) {                                              \
			failures++;                                                       \
			printf("FAIL line %d: %s = %ld errno %d (%s), want %s\n", __LINE__, \
			       #call, r_, e_, strerror(e_), #e);                          \
		}                                                                         \
	} while (0)

#endif
