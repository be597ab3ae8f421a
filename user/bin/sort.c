/*
 * sort [-r] [-n] [-u] [-f] [-o FILE] [FILE...]: the lines of all FILEs (or
 * stdin, or "-") in order: bytewise, or by leading number with -n (then
 * bytewise among equal numbers), case-folded with -f (then bytewise); -r
 * reverses, -u keeps the first of each run of lines equal by the key (-n's
 * number, -f's folded text). The input is held in memory.
 */
#include <ctype.h>
#include <stdbool.h>
#include <strings.h>
#include <unistd.h>
#include "textutil.h"

struct line {
	char *text;   /* without '\n' */
	size_t index; /* input order, for stability */
	double num;   /* -n key */
};

static bool opt_reverse, opt_numeric, opt_unique, opt_fold;

/* The leading number of s (blanks, sign, digits, decimal point), 0 if none. */
static double leading_number(const char *s)
{
	char *end;
	double v;

	while (*s == ' ' || *s == '\t')
		s++;
	v = strtod(s, &end);
	return end == s ? 0 : v;
}

/* The ordering in use, without reversal or the stability tie-break. */
static int key_cmp(const struct line *a, const struct line *b)
{
	if (opt_numeric) {
		if (a->num != b->num)
			return a->num < b->num ? -1 : 1;
		if (opt_unique)
			return 0;
	}
	if (opt_fold) {
		int c = strcasecmp(a->text, b->text);

		if (c || opt_unique)
			return c;
	}
	return strcmp(a->text, b->text); /* GNU's last resort: the bytes */
}

static int line_cmp(const void *pa, const void *pb)
{
	const struct line *a = pa, *b = pb;
	int c = key_cmp(a, b);

	if (opt_reverse)
		c = -c;
	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Append f's lines to *lines: 0, or -1 (out of memory). */
static int read_lines(FILE *f, struct line **lines, size_t *n, size_t *cap)
{
	char *buf = NULL;
	size_t bcap = 0;
	long len;

	while ((len = text_getline(f, &buf, &bcap)) >= 0) {
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 256;
			struct line *nl = realloc(*lines, ncap * sizeof(**lines));

			if (!nl)
				goto out_of_memory;
			*lines = nl;
			*cap = ncap;
		}
		if (buf[len - 1] == '\n')
			buf[len - 1] = '\0';
		(*lines)[*n].text = strdup(buf);
		if (!(*lines)[*n].text)
			goto out_of_memory;
		(*lines)[*n].index = *n;
		(*lines)[*n].num = opt_numeric ? leading_number(buf) : 0;
		(*n)++;
	}
	free(buf);
	return 0;
out_of_memory:
	free(buf);
	fputs("sort: out of memory\n", stderr);
	return -1;
}

int main(int argc, char **argv)
{
	struct line *lines = NULL;
	size_t n = 0, cap = 0;
	const char *out = NULL;
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "rnufo:")) != -1) {
		switch (opt) {
		case 'r': opt_reverse = true; break;
		case 'n': opt_numeric = true; break;
		case 'u': opt_unique = true; break;
		case 'f': opt_fold = true; break;
		case 'o': out = optarg; break;
		default:
			fputs("usage: sort [-rnuf] [-o FILE] [FILE...]\n", stderr);
			return 2;
		}
	}
	if (optind == argc)
		argv[--optind] = "-";
	for (int i = optind; i < argc; i++) {
		FILE *f = text_open("sort", argv[i]);

		if (!f)
			return 2;
		status = read_lines(f, &lines, &n, &cap);
		text_close(f);
		if (status)
			return 2;
	}
	qsort(lines, n, sizeof(*lines), line_cmp);
	if (out && !freopen(out, "w", stdout)) {
		fprintf(stderr, "sort: %s: %s\n", out, strerror(errno));
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		if (opt_unique && i && !key_cmp(&lines[i - 1], &lines[i]))
			continue;
		printf("%s\n", lines[i].text);
	}
	return fflush(stdout) ? 2 : 0;
}
