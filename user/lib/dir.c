/*
 * Directory streams over getdents64: opendir/fdopendir/readdir/closedir,
 * rewinddir/telldir/seekdir (positions are getdents64 offsets), dirfd,
 * scandir and alphasort.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sis_syscall.h"

DIR *fdopendir(int fd)
{
	DIR *d;

	if (fcntl(fd, F_GETFD) < 0)
		return NULL;
	d = malloc(sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->fd = fd;
	d->pos = d->len = 0;
	d->next_off = 0;
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

int closedir(DIR *d)
{
	int r = close(d->fd);

	free(d);
	return r;
}

int dirfd(DIR *d)
{
	return d->fd;
}

struct dirent *readdir(DIR *d)
{
	const struct linux_dirent64 *ld;
	size_t n;

	if (d->pos >= d->len) {
		long got = sis_call(__NR_getdents64, d->fd, d->buf, sizeof(d->buf));

		if (got <= 0)
			return NULL; /* end (errno untouched) or error (errno set) */
		d->len = (int)got;
		d->pos = 0;
	}
	ld = (const struct linux_dirent64 *)(d->buf + d->pos);
	d->pos += ld->d_reclen;
	d->next_off = ld->d_off;
	d->ent.d_ino = ld->d_ino;
	d->ent.d_off = ld->d_off;
	d->ent.d_type = ld->d_type;
	n = strnlen(ld->d_name, MAXNAMLEN);
	memcpy(d->ent.d_name, ld->d_name, n);
	d->ent.d_name[n] = '\0';
	d->ent.d_reclen = sizeof(d->ent);
	return &d->ent;
}

int readdir_r(DIR *d, struct dirent *entry, struct dirent **result)
{
	int saved = errno;
	struct dirent *e;

	errno = 0;
	e = readdir(d);
	if (!e && errno)
		return errno;
	errno = saved;
	if (e)
		memcpy(entry, e, sizeof(*entry));
	*result = e ? entry : NULL;
	return 0;
}

void seekdir(DIR *d, long pos)
{
	if (lseek(d->fd, pos, SEEK_SET) >= 0) {
		d->pos = d->len = 0;
		d->next_off = pos;
	}
}

void rewinddir(DIR *d)
{
	seekdir(d, 0);
}

long telldir(DIR *d)
{
	return (long)d->next_off;
}

int alphasort(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int (*scandir_cmp)(const struct dirent **, const struct dirent **);

static int scandir_qsort_cmp(const void *a, const void *b)
{
	return scandir_cmp((const struct dirent **)a, (const struct dirent **)b);
}

int scandir(const char *path, struct dirent ***list, int (*filter)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **))
{
	DIR *d = opendir(path);
	struct dirent **v = NULL, *e;
	size_t n = 0, cap = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (filter && !filter(e))
			continue;
		if (n == cap) {
			struct dirent **nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

			if (!nv)
				goto out_nomem;
			v = nv;
		}
		v[n] = malloc(sizeof(*e));
		if (!v[n])
			goto out_nomem;
		memcpy(v[n++], e, sizeof(*e));
	}
	closedir(d);
	if (cmp && n) {
		scandir_cmp = cmp;
		qsort(v, n, sizeof(*v), scandir_qsort_cmp);
	}
	*list = v;
	return (int)n;

out_nomem:
	while (n)
		free(v[--n]);
	free(v);
	closedir(d);
	errno = ENOMEM;
	return -1;
}
