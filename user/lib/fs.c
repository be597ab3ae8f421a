/*
 * File-system wrappers: stat family (the kernel's struct stat converted to
 * picolibc's), mkdir/unlink/rmdir/access and their *at forms, chdir,
 * fchdir, getcwd, readlink, rename/renameat. picolibc's AT_* values are
 * translated.
 */

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <uapi/sis/stat.h>
#include "sis_syscall.h"
#include "xlat.h"

static void stat_from_linux(struct stat *st, const struct linux_stat *ls)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = ls->st_dev;
	st->st_ino = ls->st_ino;
	st->st_mode = ls->st_mode;
	st->st_nlink = (nlink_t)ls->st_nlink;
	st->st_uid = ls->st_uid;
	st->st_gid = ls->st_gid;
	st->st_rdev = ls->st_rdev;
	st->st_size = ls->st_size;
	st->st_blksize = ls->st_blksize;
	st->st_blocks = ls->st_blocks;
	st->st_atim.tv_sec = ls->st_atime_sec;
	st->st_atim.tv_nsec = (long)ls->st_atime_nsec;
	st->st_mtim.tv_sec = ls->st_mtime_sec;
	st->st_mtim.tv_nsec = (long)ls->st_mtime_nsec;
	st->st_ctim.tv_sec = ls->st_ctime_sec;
	st->st_ctim.tv_nsec = (long)ls->st_ctime_nsec;
}

int fstat(int fd, struct stat *st)
{
	struct linux_stat ls;

	if (sis_call(__NR_fstat, fd, &ls) < 0)
		return -1;
	stat_from_linux(st, &ls);
	return 0;
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct linux_stat ls;

	if (sis_call(__NR_newfstatat, __sis_dirfd(dirfd), path, &ls, __sis_at_flags(flags)) < 0)
		return -1;
	stat_from_linux(st, &ls);
	return 0;
}

int stat(const char *path, struct stat *st)
{
	return fstatat(AT_FDCWD, path, st, 0);
}

/* There are no symbolic links: lstat is stat. */
int lstat(const char *path, struct stat *st)
{
	return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	return (int)sis_call(__NR_mkdirat, __sis_dirfd(dirfd), path, mode);
}

int mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	return (int)sis_call(__NR_unlinkat, __sis_dirfd(dirfd), path, __sis_at_flags(flags));
}

int unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

/* The faccessat system call has no flags argument; there are no users, so
 * AT_EACCESS changes nothing. */
int faccessat(int dirfd, const char *path, int mode, int flags)
{
	(void)flags;
	return (int)sis_call(__NR_faccessat, __sis_dirfd(dirfd), path, mode);
}

int access(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, 0);
}

int chdir(const char *path)
{
	return (int)sis_call(__NR_chdir, path);
}

int fchdir(int fd)
{
	return (int)sis_call(__NR_fchdir, fd);
}

/* getcwd(NULL, 0) allocates, as glibc and musl do. */
char *getcwd(char *buf, size_t size)
{
	char *mine = NULL;

	if (!buf) {
		size = size ? size : 4096;
		buf = mine = malloc(size);
		if (!buf)
			return NULL;
	}
	if (sis_call(__NR_getcwd, buf, size) < 0) {
		free(mine);
		return NULL;
	}
	return buf;
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
	return sis_call(__NR_readlinkat, __sis_linux_consts.at_fdcwd, path, buf, size);
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	return (int)sis_call(__NR_renameat, __sis_dirfd(olddirfd), oldpath, __sis_dirfd(newdirfd),
			     newpath);
}

int rename(const char *oldpath, const char *newpath)
{
	return renameat(AT_FDCWD, oldpath, AT_FDCWD, newpath);
}
