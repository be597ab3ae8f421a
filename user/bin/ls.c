/*
 * ls [-l] [-a] [-1] [PATH...]: list directory contents, sorted by name.
 * -l: long format (type and permissions, links, size, name); -a: include
 * names starting with '.'; output is in columns on a terminal, one name per
 * line otherwise (or with -1).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

static int opt_long, opt_all, opt_one;

struct entry {
	char *name;
	struct stat st;
};

static void mode_string(mode_t m, char out[11])
{
	static const char types[] = "?pc?d?b?-?l?s???";
	static const char rwx[] = "rwxrwxrwx";

	out[0] = types[(m >> 12) & 0xf];
	for (int i = 0; i < 9; i++)
		out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
	out[10] = '\0';
}

static void print_long(const struct entry *e)
{
	char mode[11];

	mode_string(e->st.st_mode, mode);
	if (S_ISCHR(e->st.st_mode))
		printf("%s %2u %4u, %3u %s\n", mode, (unsigned)e->st.st_nlink,
		       (unsigned)((e->st.st_rdev >> 8) & 0xfff), (unsigned)(e->st.st_rdev & 0xff),
		       e->name);
	else
		printf("%s %2u %9lld %s\n", mode, (unsigned)e->st.st_nlink,
		       (long long)e->st.st_size, e->name);
}

static int terminal_width(void)
{
	struct winsize ws;

	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void print_columns(struct entry *v, size_t n)
{
	size_t width = 1, cols, rows;

	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].name) + 2 > width)
			width = strlen(v[i].name) + 2;
	cols = (size_t)terminal_width() / width;
	if (!cols)
		cols = 1;
	rows = (n + cols - 1) / cols;
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < cols; c++) {
			size_t i = c * rows + r;

			if (i >= n)
				break;
			if (c + 1 < cols && i + rows < n)
				printf("%-*s", (int)width, v[i].name);
			else
				printf("%s", v[i].name);
		}
		putchar('\n');
	}
}

static void print_entries(struct entry *v, size_t n)
{
	if (opt_long) {
		for (size_t i = 0; i < n; i++)
			print_long(&v[i]);
	} else if (opt_one || !isatty(1)) {
		for (size_t i = 0; i < n; i++)
			puts(v[i].name);
	} else if (n) {
		print_columns(v, n);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void free_entries(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Read directory path into a sorted array; -1 on error (reported). */
static int list_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	struct entry *v = NULL;
	size_t n = 0, cap = 0;

	if (!d) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char full[4096];

		if (e->d_name[0] == '.' && !opt_all)
			continue;
		if (n == cap) {
			struct entry *nv = realloc(v, (cap = cap ? 2 * cap : 32) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[n].name = strdup(e->d_name);
		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		if (!v[n].name || stat(full, &v[n].st) < 0)
			memset(&v[n].st, 0, sizeof(v[n].st));
		if (v[n].name)
			n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), by_name);
	print_entries(v, n);
	free_entries(v, n);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, status = 0, npaths;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'l')
				opt_long = 1;
			else if (*o == 'a')
				opt_all = 1;
			else if (*o == '1')
				opt_one = 1;
			else {
				fprintf(stderr, "usage: ls [-la1] [PATH...]\n");
				return 2;
			}
		}
	}
	npaths = argc - i;
	if (!npaths)
		return list_dir(".") ? 1 : 0;
	for (; i < argc; i++) {
		struct entry e = { argv[i], { 0 } };

		if (stat(argv[i], &e.st) < 0) {
			fprintf(stderr, "ls: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		} else if (S_ISDIR(e.st.st_mode)) {
			if (npaths > 1)
				printf("%s:\n", argv[i]);
			if (list_dir(argv[i]))
				status = 1;
		} else {
			print_entries(&e, 1);
		}
	}
	return status;
}
