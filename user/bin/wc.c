/*
 * wc [-l] [-w] [-c] [FILE...]: newline, word and byte counts of each FILE
 * (or stdin, or "-"), then a total line for several files. Without options
 * all three, in that order. Columns are as wide as the largest number (GNU
 * wc's layout; a lone count of stdin is printed bare).
 */
#include <ctype.h>
#include <stdbool.h>
#include <unistd.h>
#include "textutil.h"

#define MAX_FILES 256

struct counts {
	unsigned long long lines, words, bytes;
	const char *name;
	bool ok;
};

static bool show_lines, show_words, show_bytes;

static void count(FILE *f, struct counts *c)
{
	bool in_word = false;
	int ch;

	while ((ch = getc(f)) != EOF) {
		c->bytes++;
		if (ch == '\n')
			c->lines++;
		if (isspace(ch)) {
			in_word = false;
		} else if (!in_word) {
			in_word = true;
			c->words++;
		}
	}
}

static int digits(unsigned long long v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void print(const struct counts *c, int width)
{
	const char *sep = "";

	if (show_lines) {
		printf("%*llu", width, c->lines);
		sep = " ";
	}
	if (show_words) {
		printf("%s%*llu", sep, width, c->words);
		sep = " ";
	}
	if (show_bytes)
		printf("%s%*llu", sep, width, c->bytes);
	if (c->name)
		printf(" %s", c->name);
	putchar('\n');
}

int main(int argc, char **argv)
{
	static struct counts files[MAX_FILES + 1];
	struct counts *total;
	int opt, n, width, status = 0;
	bool stdin_used = false;

	while ((opt = getopt(argc, argv, "lwc")) != -1) {
		if (opt == 'l')
			show_lines = true;
		else if (opt == 'w')
			show_words = true;
		else if (opt == 'c')
			show_bytes = true;
		else {
			fputs("usage: wc [-lwc] [FILE...]\n", stderr);
			return 1;
		}
	}
	if (!show_lines && !show_words && !show_bytes)
		show_lines = show_words = show_bytes = true;
	n = argc - optind;
	if (n > MAX_FILES) {
		fprintf(stderr, "wc: more than %d files\n", MAX_FILES);
		return 1;
	}
	for (int i = 0; i < (n ? n : 1); i++) {
		const char *arg = n ? argv[optind + i] : "-";
		FILE *f = text_open("wc", arg);

		files[i].name = n ? arg : NULL;
		stdin_used |= !strcmp(arg, "-");
		if (!f) {
			status = 1;
			continue;
		}
		count(f, &files[i]);
		files[i].ok = true;
		text_close(f);
	}
	total = &files[n ? n : 1];
	total->name = "total";
	for (int i = 0; i < (n ? n : 1); i++) {
		total->lines += files[i].lines;
		total->words += files[i].words;
		total->bytes += files[i].bytes;
	}
	width = digits(total->bytes > total->lines ? total->bytes : total->lines);
	if (stdin_used && width < 7)
		width = 7; /* GNU: stdin's size is unknown in advance */
	if (n <= 1 && show_lines + show_words + show_bytes == 1)
		width = 1;
	for (int i = 0; i < (n ? n : 1); i++)
		if (files[i].ok)
			print(&files[i], width);
	if (n > 1)
		print(total, width);
	return status;
}
