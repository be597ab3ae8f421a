/*
 * The check macro of the test programs in user/tests: CHECK(cond, fmt, ...)
 * counts a check and, when cond is false, prints
 *   FAIL file.c:LINE: <message> (errno N)
 * and counts a failure. Programs report `failures` in their result line and
 * exit status.
 */
#ifndef USER_TESTS_CHECK_H
#define USER_TESTS_CHECK_H

#include <errno.h>
#include <stdio.h>

static int checks, failures;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		checks++;                                                       \
		if (!(cond)) {                                                  \
			int e_ = errno;                                         \
			failures++;                                             \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);             \
			printf(__VA_ARGS__);                                    \
			printf(" (errno %d)\n", e_);                            \
		}                                                               \
	} while (0)

#endif
