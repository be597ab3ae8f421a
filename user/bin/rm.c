/* rm [-f] [-r] PATH...: remove files (-r: directories and their contents). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static int force, recursive;

static int remove_path(const char *path);

static int remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int status = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char child[4096];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s/%s", dir, e->d_name);
		/* Removing entries does not disturb the getdents64 position. */
		if (remove_path(child))
			status = -1;
	}
	closedir(d);
	if (rmdir(dir) < 0) {
		fprintf(stderr, "rm: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return status;
}

static int remove_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (force && errno == ENOENT)
			return 0;
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (recursive)
			return remove_tree(path);
		fprintf(stderr, "rm: %s: is a directory\n", path);
		return -1;
	}
	if (unlink(path) < 0) {
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, status = 0;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
		for (const char *o = argv[i] + 1; *o; o++)
			if (*o == 'f')
				force = 1;
			else if (*o == 'r' || *o == 'R')
				recursive = 1;
	if (i >= argc && !force) {
		fprintf(stderr, "usage: rm [-f] [-r] PATH...\n");
		return 1;
	}
	for (; i < argc; i++)
		if (remove_path(argv[i]))
			status = 1;
	return status;
}
