/*
 * Host unit test helpers: CHECK macros that report and count failures
 * without stopping, and the kernel symbols the code under test calls
 * (log_msg, log_set_level, panic) provided by support.c.
 */
#ifndef SIS_TEST_UNIT_H
#define SIS_TEST_UNIT_H

#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <sis/log.h>

extern int unit_failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);   \
			unit_failures++;                                                           \
		}                                                                                  \
	} while (0)

/* Compare two integers, printing both on mismatch. */
#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		unsigned long long a_ = (unsigned long long)(a);                                   \
		unsigned long long b_ = (unsigned long long)(b);                                   \
		if (a_ != b_) {                                                                    \
			fprintf(stderr, "%s:%d: CHECK_EQ(%s, %s) failed: 0x%llx != 0x%llx\n",      \
				__FILE__, __LINE__, #a, #b, a_, b_);                               \
			unit_failures++;                                                           \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!a_ || !b_ || strcmp(a_, b_)) {                                                \
			fprintf(stderr, "%s:%d: CHECK_STR(%s, %s) failed: \"%s\" != \"%s\"\n",     \
				__FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)",                    \
				b_ ? b_ : "(null)");                                               \
			unit_failures++;                                                           \
		}                                                                                  \
	} while (0)

/* Messages logged through log_msg() per level since the last reset. */
int unit_log_count(enum log_level lvl);
void unit_log_reset(void);
/* Hide expected log lines (they are still counted). */
void unit_log_quiet(bool quiet);
/* The level last passed to log_set_level(), -1 if never called. */
int unit_log_level(void);

/* Deterministic pseudo-random numbers (xorshift64*), seeded per test. */
void unit_srand(unsigned long long seed);
unsigned long long unit_rand(void);

/* Read a whole file into malloc'ed memory of exactly its size; exits on error. */
void *unit_read_file(const char *path, size_t *len);

/* Print a summary; the process exit status for main(). */
int unit_finish(const char *name);

#endif
