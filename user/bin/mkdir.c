/* mkdir [-p] DIR...: make directories (-p: with parents, no error if present). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

int main(int argc, char **argv)
{
	int parents = 0, status = 0, i = 1;

	if (i < argc && strcmp(argv[i], "-p") == 0)
		parents = 1, i++;
	if (i >= argc) {
		fprintf(stderr, "usage: mkdir [-p] DIR...\n");
		return 1;
	}
	for (; i < argc; i++) {
		if ((parents ? make_parents(argv[i]) : mkdir(argv[i], 0777)) < 0) {
			fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
