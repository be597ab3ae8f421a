/*
 * grep [-E | -F] [-i] [-v] [-c | -l | -q] [-n] [-H | -h] [-s] [-x] [-w]
 *      (PATTERN | -e PATTERN...) [FILE...]
 * Lines of each FILE (or stdin, or "-") that match: basic regular
 * expressions by default (POSIX regcomp), extended with -E, fixed strings
 * with -F. -i ignores case, -v selects non-matching lines, -c counts them,
 * -l names the files, -q prints nothing, -n numbers lines, -x/-w match the
 * whole line/word; several files prefix each line with its name (-H/-h
 * force/suppress). Exit status 0 if a line was selected, 1 if none, 2 on an
 * error (as POSIX says, even when a line was selected, unless -q matched).
 */
#include <ctype.h>
#include <regex.h>
#include <stdbool.h>
#include <strings.h>
#include <unistd.h>
#include "textutil.h"

#define MAX_PATTERNS 32

static bool opt_fixed, opt_icase, opt_invert, opt_count, opt_list, opt_quiet, opt_number;
static bool opt_silent, opt_line, opt_word, opt_extended;
static int opt_names = -1; /* -1: when several files; 0 -h; 1 -H */
static const char *patterns[MAX_PATTERNS];
static regex_t regs[MAX_PATTERNS];
static int npatterns;

static int usage(void)
{
	fputs("usage: grep [-EFivclqnHhsxw] PATTERN | -e PATTERN... [FILE...]\n", stderr);
	return 2;
}

/* Does s[0..n) equal pattern p at a word/line boundary as asked? */
static bool bounded(const char *line, size_t len, size_t start, size_t n)
{
	if (opt_line)
		return start == 0 && n == len;
	if (opt_word) {
		bool left = start == 0 || !(isalnum((unsigned char)line[start - 1]) ||
					    line[start - 1] == '_');
		bool right = start + n == len || !(isalnum((unsigned char)line[start + n]) ||
						   line[start + n] == '_');
		return left && right;
	}
	return true;
}

static bool fixed_match(const char *p, const char *line, size_t len)
{
	size_t plen = strlen(p);

	for (size_t i = 0; i + plen <= len; i++) {
		bool eq = opt_icase ? !strncasecmp(line + i, p, plen) : !strncmp(line + i, p, plen);

		if (eq && bounded(line, len, i, plen))
			return true;
		if (opt_line)
			break;
	}
	return false;
}

static bool regex_match(regex_t *re, const char *line, size_t len)
{
	regmatch_t m;
	size_t off = 0;

	while (off <= len) {
		if (regexec(re, line + off, 1, &m, off ? REG_NOTBOL : 0))
			return false;
		if (bounded(line, len, off + (size_t)m.rm_so, (size_t)(m.rm_eo - m.rm_so)))
			return true;
		if (opt_line)
			return false;
		off += m.rm_so + 1; /* a later match may be a whole word */
	}
	return false;
}

/* line without its '\n', len bytes. */
static bool selected(const char *line, size_t len)
{
	bool hit = false;

	for (int i = 0; i < npatterns && !hit; i++)
		hit = opt_fixed ? fixed_match(patterns[i], line, len)
				: regex_match(&regs[i], line, len);
	return hit != opt_invert;
}

/* Lines of f selected: their count (-1 on a read error). */
static long grep_file(FILE *f, const char *name, bool show_name)
{
	char *line = NULL;
	size_t cap = 0;
	long len, hits = 0, lineno = 0;

	while ((len = text_getline(f, &line, &cap)) >= 0) {
		size_t n = (size_t)len - (line[len - 1] == '\n');

		lineno++;
		line[n] = '\0';
		if (!selected(line, n))
			continue;
		hits++;
		if (opt_quiet || opt_list)
			break;
		if (opt_count)
			continue;
		if (show_name)
			printf("%s:", name);
		if (opt_number)
			printf("%ld:", lineno);
		printf("%s\n", line);
	}
	free(line);
	return ferror(f) ? -1 : hits;
}

static int compile(void)
{
	int flags = (opt_icase ? REG_ICASE : 0) | (opt_extended ? REG_EXTENDED : 0);

	for (int i = 0; i < npatterns && !opt_fixed; i++) {
		int err = regcomp(&regs[i], patterns[i], flags);

		if (err) {
			char msg[128];

			regerror(err, &regs[i], msg, sizeof(msg));
			fprintf(stderr, "grep: %s: %s\n", patterns[i], msg);
			return -1;
		}
	}
	return 0;
}

static int add_pattern(const char *p)
{
	if (npatterns == MAX_PATTERNS) {
		fprintf(stderr, "grep: more than %d patterns\n", MAX_PATTERNS);
		return -1;
	}
	patterns[npatterns++] = p;
	return 0;
}

static int options(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "EFGivclqnHhsxwe:")) != -1) {
		switch (opt) {
		case 'E': opt_extended = true; opt_fixed = false; break;
		case 'F': opt_fixed = true; break;
		case 'G': opt_extended = opt_fixed = false; break;
		case 'i': opt_icase = true; break;
		case 'v': opt_invert = true; break;
		case 'c': opt_count = true; break;
		case 'l': opt_list = true; break;
		case 'q': opt_quiet = true; break;
		case 'n': opt_number = true; break;
		case 'H': opt_names = 1; break;
		case 'h': opt_names = 0; break;
		case 's': opt_silent = true; break;
		case 'x': opt_line = true; break;
		case 'w': opt_word = true; break;
		case 'e':
			if (add_pattern(optarg))
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (!npatterns && (optind == argc || add_pattern(argv[optind++])))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	int status = 1;
	bool error = false, show_name;

	if (options(argc, argv))
		return usage();
	if (compile())
		return 2;
	if (optind == argc)
		argv[--optind] = "-";
	show_name = opt_names == 1 || (opt_names == -1 && argc - optind > 1);
	for (int i = optind; i < argc; i++) {
		const char *name = strcmp(argv[i], "-") ? argv[i] : "(standard input)";
		FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;
		long hits;

		if (!f) {
			if (!opt_silent)
				fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
			error = true;
			continue;
		}
		hits = grep_file(f, name, show_name);
		text_close(f);
		if (hits < 0) {
			if (!opt_silent)
				fprintf(stderr, "grep: %s: read error\n", argv[i]);
			error = true;
			continue;
		}
		if (hits)
			status = 0;
		if (opt_count && !opt_quiet && !opt_list) {
			if (show_name)
				printf("%s:", name);
			printf("%ld\n", hits);
		}
		if (opt_list && hits && !opt_quiet)
			printf("%s\n", name);
		if (opt_quiet && hits)
			return 0;
	}
	return error ? 2 : status;
}
