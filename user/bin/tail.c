/*
 * tail [-n [+]N | -N] [-c [+]N] [-q | -v] [FILE...]: the last N lines
 * (default 10) or bytes of each FILE (or stdin, or "-"); +N starts at line
 * (byte) N instead. Several files get "==> FILE <==" headers as in GNU tail.
 * The input is read into memory first. No -f.
 */
#include <stdbool.h>
#include <unistd.h>
#include "textutil.h"

static long long count = 10;
static bool bytes, from_start;

static int usage(void)
{
	fputs("usage: tail [-n [+]LINES | -c [+]BYTES | -LINES] [-q | -v] [FILE...]\n", stderr);
	return 1;
}

static int set_count(const char *s)
{
	from_start = *s == '+';
	return text_count(s + (*s == '+' || *s == '-'), &count);
}

/* All of f in a malloc'ed buffer: its length, or -1 (message printed). */
static long slurp(FILE *f, const char *name, char **out)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	size_t n;

	do {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 : 8192);

			if (!nb) {
				fprintf(stderr, "tail: %s: out of memory\n", name);
				free(buf);
				return -1;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	*out = buf;
	return (long)len;
}

/* Where the output starts in buf[0..len). */
static size_t start_of(const char *buf, size_t len)
{
	size_t pos, lines = 0;

	if (bytes) {
		if (from_start)
			return count ? ((size_t)count - 1 < len ? (size_t)count - 1 : len) : 0;
		return len > (size_t)count ? len - (size_t)count : 0;
	}
	if (from_start) {
		for (pos = 0; pos < len && lines + 1 < (size_t)count; pos++)
			lines += buf[pos] == '\n';
		return pos;
	}
	pos = len;
	if (pos && buf[pos - 1] == '\n')
		pos--; /* the last line's own newline */
	while (pos > 0) {
		if (buf[pos - 1] == '\n' && ++lines == (size_t)count)
			break;
		pos--;
	}
	return count ? pos : len;
}

int main(int argc, char **argv)
{
	int first, status = 0, mode = 0;

	if (argc > 1 && (argv[1][0] == '-' || argv[1][0] == '+') && argv[1][1] >= '0' &&
	    argv[1][1] <= '9') {
		if (set_count(argv[1]))
			return usage();
		argv[1] = argv[0];
		argv++, argc--;
	}
	if ((first = text_count_opts(argc, argv, set_count, &bytes, &mode)) < 0)
		return usage();
	for (int i = first; i < argc; i++) {
		FILE *f = text_open("tail", argv[i]);
		char *buf;
		long len;

		if (!f) {
			status = 1;
			continue;
		}
		len = slurp(f, argv[i], &buf);
		text_close(f);
		if (len < 0) {
			status = 1;
			continue;
		}
		if (mode == 'v' || (mode == 0 && argc - first > 1))
			printf("%s==> %s <==\n", i > first ? "\n" : "",
			       strcmp(argv[i], "-") ? argv[i] : "standard input");
		size_t start = start_of(buf, (size_t)len);
		fwrite(buf + start, 1, (size_t)len - start, stdout);
		free(buf);
	}
	return status;
}
