/*
 * Kernel symbols for host unit tests: the code under test logs through
 * log_msg() and may call panic(); here they print to stderr, count log lines
 * so tests can assert that a bad call was reported, and abort on panic.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

int unit_failures;
static int log_counts[LOG_DEBUG + 1];
static bool log_quiet;
static int last_level = -1;
static unsigned long long rand_state = 88172645463325252ULL;

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
	va_list ap;

	if ((unsigned)lvl > LOG_DEBUG) {
		fprintf(stderr, "log_msg: bad level %d\n", (int)lvl);
		unit_failures++;
		return;
	}
	log_counts[lvl]++;
	if (log_quiet)
		return;
	fprintf(stderr, "[%s] ", names[lvl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void log_set_level(enum log_level lvl)
{
	last_level = (int)lvl;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	fputs("PANIC: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int unit_log_count(enum log_level lvl)
{
	return log_counts[lvl];
}

void unit_log_reset(void)
{
	memset(log_counts, 0, sizeof(log_counts));
}

void unit_log_quiet(bool quiet)
{
	log_quiet = quiet;
}

int unit_log_level(void)
{
	return last_level;
}

void unit_srand(unsigned long long seed)
{
	rand_state = seed ? seed : 1;
}

unsigned long long unit_rand(void)
{
	rand_state ^= rand_state >> 12;
	rand_state ^= rand_state << 25;
	rand_state ^= rand_state >> 27;
	return rand_state * 2685821657736338717ULL;
}

void *unit_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long size;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto fail;
	buf = malloc(size ? (size_t)size : 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size)
		goto fail;
	fclose(f);
	*len = (size_t)size;
	return buf;
fail:
	perror(path);
	free(buf);
	if (f)
		fclose(f);
	exit(2);
}

int unit_finish(const char *name)
{
	if (unit_failures) {
		fprintf(stderr, "%s: %d check(s) FAILED\n", name, unit_failures);
		return 1;
	}
	printf("%s: all checks passed\n", name);
	return 0;
}
