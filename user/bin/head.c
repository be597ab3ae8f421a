/*
 * head [-n N | -N] [-c N] [-q | -v] [FILE...]: the first N lines (default
 * 10) or bytes of each FILE (or stdin, or "-"); with several files each gets
 * a "==> FILE <==" header, as GNU head prints it.
 */
#include <stdbool.h>
#include <unistd.h>
#include "textutil.h"

static long long count = 10;
static bool bytes;

static int set_count(const char *s)
{
	return text_count(s, &count);
}

static int usage(void)
{
	fputs("usage: head [-n LINES | -c BYTES | -LINES] [-q | -v] [FILE...]\n", stderr);
	return 1;
}

static void head(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	long len;
	int c;

	if (bytes) {
		for (long long i = 0; i < count && (c = getc(f)) != EOF; i++)
			putchar(c);
		return;
	}
	for (long long i = 0; i < count && (len = text_getline(f, &line, &cap)) >= 0; i++)
		fwrite(line, 1, (size_t)len, stdout);
	free(line);
}

int main(int argc, char **argv)
{
	int first, status = 0, mode = 0; /* 'q', 'v' or 0 (headers for several files) */

	if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
		if (set_count(argv[1] + 1))
			return usage();
		argv[1] = argv[0];
		argv++, argc--;
	}
	if ((first = text_count_opts(argc, argv, set_count, &bytes, &mode)) < 0)
		return usage();
	for (int i = first; i < argc; i++) {
		FILE *f = text_open("head", argv[i]);

		if (!f) {
			status = 1;
			continue;
		}
		if (mode == 'v' || (mode == 0 && argc - first > 1))
			printf("%s==> %s <==\n", i > first ? "\n" : "",
			       strcmp(argv[i], "-") ? argv[i] : "standard input");
		head(f);
		text_close(f);
	}
	return status;
}
