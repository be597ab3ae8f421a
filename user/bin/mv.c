/* mv SRC DST | mv SRC... DIR: rename files (no copying: one file system). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int move(const char *src, const char *dst)
{
	if (rename(src, dst) < 0) {
		fprintf(stderr, "mv: %s -> %s: %s\n", src, dst, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *target = argv[argc - 1];
	struct stat st;
	int status = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: mv SRC DST | mv SRC... DIR\n");
		return 1;
	}
	if (stat(target, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (argc > 3) {
			fprintf(stderr, "mv: %s: not a directory\n", target);
			return 1;
		}
		return move(argv[1], target);
	}
	for (int i = 1; i < argc - 1; i++) {
		char path[4096], copy[4096];

		snprintf(copy, sizeof(copy), "%s", argv[i]);
		snprintf(path, sizeof(path), "%s/%s", target, basename(copy));
		status |= move(argv[i], path);
	}
	return status;
}
