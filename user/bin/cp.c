/*
 * cp [-r | -R] [-f] SOURCE DEST / cp [-rRf] SOURCE... DIRECTORY
 * Copy files; with -r/-R directories and what they hold. A DEST that is a
 * directory receives SOURCE under its own name. A new file or directory gets
 * the source's permission bits (less the umask), as GNU cp without -p; -f
 * removes a DEST that cannot be opened and tries again. A directory is never
 * copied into itself. No -p: SIS has no chmod or utimes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

static bool opt_recursive, opt_force;

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "cp: %s '%s': %s\n", what, path, strerror(errno));
	return 1;
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static int copy_data(int in, int out)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(out, buf, (size_t)n))
			return -1;
	}
	return 0;
}

static int open_dest(const char *dst, mode_t mode)
{
	int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 && opt_force && unlink(dst) == 0)
		fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode);
	return fd;
}

static int copy_file(const char *src, const char *dst, const struct stat *st)
{
	int in, out, err = 0;

	in = open(src, O_RDONLY);
	if (in < 0)
		return fail("cannot open", src);
	out = open_dest(dst, st->st_mode & 07777);
	if (out < 0) {
		err = fail("cannot create regular file", dst);
		goto out_close_in;
	}
	if (copy_data(in, out))
		err = fail("error copying to", dst);
	if (close(out) < 0 && !err)
		err = fail("error writing", dst);
out_close_in:
	close(in);
	return err;
}

static int copy_path(const char *src, const char *dst);

/* Join dir and name into buf: 0, or -1 if too long. */
static int join(char *buf, const char *dir, const char *name)
{
	size_t n = strlen(dir);
	int len = snprintf(buf, PATH_MAX, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);

	return len < 0 || len >= PATH_MAX ? -1 : 0;
}

static int copy_dir(const char *src, const char *dst, const struct stat *st)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct dirent *e;
	int err = 0;
	DIR *d;

	if (mkdir(dst, (st->st_mode & 07777) | 0700) < 0 && errno != EEXIST)
		return fail("cannot create directory", dst);
	d = opendir(src);
	if (!d)
		return fail("cannot open directory", src);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (join(from, src, e->d_name) || join(to, dst, e->d_name)) {
			errno = ENAMETOOLONG;
			err |= fail("cannot copy", e->d_name);
			continue;
		}
		err |= copy_path(from, to);
	}
	closedir(d);
	return err;
}

/* Is dst src itself or below it (by path)? */
static bool inside(const char *src, const char *dst)
{
	size_t n = strlen(src);

	while (n > 1 && src[n - 1] == '/')
		n--;
	return !strncmp(src, dst, n) && (dst[n] == '\0' || dst[n] == '/');
}

static int copy_path(const char *src, const char *dst)
{
	struct stat st;

	if (stat(src, &st) < 0)
		return fail("cannot stat", src);
	if (S_ISDIR(st.st_mode)) {
		if (!opt_recursive) {
			fprintf(stderr, "cp: -r not specified; omitting directory '%s'\n", src);
			return 1;
		}
		if (inside(src, dst)) {
			fprintf(stderr, "cp: cannot copy a directory, '%s', into itself, '%s'\n",
				src, dst);
			return 1;
		}
		return copy_dir(src, dst, &st);
	}
	return copy_file(src, dst, &st);
}

static const char *base_name(const char *path, char *buf)
{
	size_t n = strlen(path);
	const char *slash;

	while (n > 1 && path[n - 1] == '/')
		n--;
	snprintf(buf, PATH_MAX, "%.*s", (int)n, path);
	slash = strrchr(buf, '/');
	return slash && slash[1] ? slash + 1 : buf;
}

int main(int argc, char **argv)
{
	char target[PATH_MAX], name[PATH_MAX];
	struct stat st;
	bool to_dir;
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "rRf")) != -1) {
		if (opt == 'r' || opt == 'R')
			opt_recursive = true;
		else if (opt == 'f')
			opt_force = true;
		else
			goto usage;
	}
	if (argc - optind == 1) {
		fprintf(stderr, "cp: missing destination file operand after '%s'\n"
				"Try 'cp --help' for more information.\n", argv[optind]);
		return 1;
	}
	if (argc - optind < 2)
		goto usage;
	to_dir = stat(argv[argc - 1], &st) == 0 && S_ISDIR(st.st_mode);
	if (argc - optind > 2 && !to_dir) {
		fprintf(stderr, "cp: target '%s' is not a directory\n", argv[argc - 1]);
		return 1;
	}
	for (int i = optind; i < argc - 1; i++) {
		const char *dst = argv[argc - 1];

		if (to_dir) {
			if (join(target, dst, base_name(argv[i], name))) {
				errno = ENAMETOOLONG;
				status |= fail("cannot copy", argv[i]);
				continue;
			}
			dst = target;
		}
		status |= copy_path(argv[i], dst);
	}
	return status;
usage:
	fputs("usage: cp [-rRf] SOURCE DEST | cp [-rRf] SOURCE... DIRECTORY\n", stderr);
	return 1;
}
