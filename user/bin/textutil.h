/*
 * Shared bits of the small text tools (head, tail, grep, wc, sort): reading
 * lines of any length, opening FILE or "-" (stdin), numeric options.
 */
#ifndef SIS_USER_TEXTUTIL_H
#define SIS_USER_TEXTUTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One line, its '\n' kept, into *buf (grown as needed): its length, or -1
 * at end of input (or out of memory, with errno). */
static inline long text_getline(FILE *f, char **buf, size_t *cap)
{
	size_t len = 0;
	int c;

	while ((c = getc(f)) != EOF) {
		if (len + 2 > *cap) {
			size_t ncap = *cap ? *cap * 2 : 128;
			char *nb = realloc(*buf, ncap);

			if (!nb)
				return -1;
			*buf = nb;
			*cap = ncap;
		}
		(*buf)[len++] = (char)c;
		if (c == '\n')
			break;
	}
	if (!len)
		return -1;
	(*buf)[len] = '\0';
	return (long)len;
}

/* FILE, or stdin for "-": NULL with a message naming prog. */
static inline FILE *text_open(const char *prog, const char *name)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;

	if (f)
		return f;
	if (!strcmp(prog, "head") || !strcmp(prog, "tail")) /* GNU's wording */
		fprintf(stderr, "%s: cannot open '%s' for reading: %s\n", prog, name,
			strerror(errno));
	else
		fprintf(stderr, "%s: %s: %s\n", prog, name, strerror(errno));
	return NULL;
}

static inline void text_close(FILE *f)
{
	if (f != stdin)
		fclose(f);
}

/* A count option's value: 0 and *out, or -1 (not a number >= 0). */
static inline int text_count(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return (end == s || *end || *out < 0 || errno) ? -1 : 0;
}

/*
 * head's and tail's options after the leading -N form: -n N, -c N (count
 * parses N and returns 0 or -1), -q and -v. Sets *bytes and *mode ('q', 'v'
 * or 0) and returns the index of the first FILE in argv (with no FILE
 * named, one "-" is put there), or -1 for a usage error.
 */
static inline int text_count_opts(int argc, char **argv, int (*count)(const char *),
				  bool *bytes, int *mode)
{
	int opt;

	while ((opt = getopt(argc, argv, "n:c:qv")) != -1) {
		if ((opt == 'n' || opt == 'c') && count(optarg))
			return -1;
		if (opt == 'n' || opt == 'c')
			*bytes = opt == 'c';
		else if (opt == 'q' || opt == 'v')
			*mode = opt;
		else
			return -1;
	}
	if (optind == argc)
		argv[--optind] = "-";
	return optind;
}

#endif
