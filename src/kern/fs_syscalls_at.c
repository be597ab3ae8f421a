/*
 * File-system system calls about names and inode attributes, Linux
 * semantics and -errno: symlinkat, linkat, readlinkat, mknodat (FIFOs,
 * sockets, regular files, device nodes), renameat2, utimensat and statx. The descriptor
 * and I/O calls are in fs_syscalls.c.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <sis/uaccess.h>
#include <sis/proc.h>
#include <sis/syscall.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/time.h>
#include <uapi/sis/capability.h>
#include "fs_internal.h"

/* symlinkat(target, newdirfd, linkpath) */
SYSCALL_DEFINE3(symlinkat, const char *, utarget, int, newdirfd, const char *, ulink)
{
	struct fs_at_call c;
	char *target;
	long err;

	target = fs_get_path(utarget);
	if (IS_ERR(target))
		return PTR_ERR(target);
	err = fs_at_begin(&c, newdirfd, ulink);
	if (!err) {
		err = vfs_symlink_at(c.base, c.path, target);
		fs_at_done(&c);
	}
	kfree(target);
	return err;
}

/* linkat(olddirfd, oldpath, newdirfd, newpath, flags): the old name's
 * symbolic link itself unless AT_SYMLINK_FOLLOW; AT_EMPTY_PATH links
 * olddirfd's file. */
SYSCALL_DEFINE5(linkat, int, olddirfd, const char *, uold, int, newdirfd, const char *, unew,
		int, flags)
{
	struct fs_at_call c;
	struct inode *ino;
	long err;

	if (flags & ~(unsigned)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	ino = fs_at_inode(olddirfd, uold, flags & AT_EMPTY_PATH, flags & AT_SYMLINK_FOLLOW);
	if (IS_ERR(ino))
		return PTR_ERR(ino);
	err = fs_at_begin(&c, newdirfd, unew);
	if (!err) {
		err = vfs_link_at(ino, c.base, c.path);
		fs_at_done(&c);
	}
	vfs_inode_put(ino);
	return err;
}

/* readlinkat(dirfd, path, buf, bufsiz): the target, not NUL-terminated. */
SYSCALL_DEFINE4(readlinkat, int, dirfd, const char *, upath, void *, ubuf, int, bufsiz)
{
	long size = bufsiz;
	struct inode *ino;
	char *buf;
	long n;

	if (size <= 0)
		return -EINVAL;
	ino = fs_at_inode(dirfd, upath, false, false);
	if (IS_ERR(ino))
		return PTR_ERR(ino);
	size = MIN(size, (long)PATH_MAX);
	buf = kmalloc((size_t)size);
	n = buf ? vfs_readlink(ino, buf, (size_t)size) : -ENOMEM;
	vfs_inode_put(ino);
	if (n > 0 && copy_to_user(ubuf, buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

/* mknodat(dirfd, path, mode, dev): FIFOs, sockets, regular files and,
 * with CAP_MKNOD, device nodes (dev in Linux's new_encode_dev form, which
 * is SIS_MKDEV's): a character device with the number of one of the
 * kernel's own (null, zero, random, urandom, tty, console, ptmx) opens its
 * driver, any other (and every block device) gives ENXIO at open. */
SYSCALL_DEFINE4(mknodat, int, dirfd, const char *, upath, u32, mode, u32, dev)
{
	struct fs_at_call c;
	long err;

	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	err = fs_at_begin(&c, dirfd, upath);
	if (err)
		return err;
	err = vfs_mknod_at(c.base, c.path, (mode & S_IFMT) | (mode & 07777 & ~proc_umask()), dev);
	fs_at_done(&c);
	return err;
}

#define RENAME_NOREPLACE 1u
#define RENAME_EXCHANGE 2u
#define RENAME_WHITEOUT 4u

/* renameat2(olddirfd, oldpath, newdirfd, newpath, flags): RENAME_NOREPLACE
 * and RENAME_EXCHANGE (not both). RENAME_WHITEOUT is not done (-EINVAL, what
 * Linux says for a file system without it). */
SYSCALL_DEFINE5(renameat2, int, olddirfd, const char *, uold, int, newdirfd, const char *, unew,
		unsigned, flags)
{
	struct fs_at_call from, to;
	long err;

	if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
	    (flags & (RENAME_NOREPLACE | RENAME_EXCHANGE)) == (RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	err = fs_at_begin(&from, olddirfd, uold);
	if (err)
		return err;
	err = fs_at_begin(&to, newdirfd, unew);
	if (!err) {
		err = vfs_rename_at(from.base, from.path, to.base, to.path,
				    ((flags & RENAME_NOREPLACE) ? VFS_RENAME_NOREPLACE : 0) |
				    ((flags & RENAME_EXCHANGE) ? VFS_RENAME_EXCHANGE : 0));
		fs_at_done(&to);
	}
	fs_at_done(&from);
	return err;
}

/* ---- utimensat -------------------------------------------------------------- */

static bool utime_valid(const struct linux_timespec *t)
{
	return t->tv_nsec == SIS_UTIME_NOW || t->tv_nsec == SIS_UTIME_OMIT ||
	       (t->tv_nsec >= 0 && t->tv_nsec < 1000000000);
}

static s64 utime_ns(const struct linux_timespec *t, s64 now)
{
	if (t->tv_nsec == SIS_UTIME_NOW)
		return now;
	if (t->tv_sec > INT64_MAX / 1000000000 - 1)
		return INT64_MAX;
	if (t->tv_sec < INT64_MIN / 1000000000 + 1)
		return INT64_MIN;
	return t->tv_sec * 1000000000 + t->tv_nsec;
}

/*
 * Set the times of ino: both now without t; UTIME_OMIT leaves one. Linux's
 * rules: CAP_FOWNER or the owner may set any time; setting both to now would also
 * do for a writer, which here is the owner again (one user).
 */
static int inode_utimes(struct inode *ino, const struct linux_timespec *t)
{
	s64 now = vfs_now();
	u32 euid = proc_euid();

	if (vfs_inode_generated(ino))
		return -EPERM;
	if (!proc_capable(CAP_FOWNER) && euid != ino->uid)
		return (!t || (t[0].tv_nsec == SIS_UTIME_NOW && t[1].tv_nsec == SIS_UTIME_NOW))
			? -EACCES : -EPERM;
	if (!t || t[0].tv_nsec != SIS_UTIME_OMIT)
		ino->atime_ns = t ? utime_ns(&t[0], now) : now;
	if (!t || t[1].tv_nsec != SIS_UTIME_OMIT)
		ino->mtime_ns = t ? utime_ns(&t[1], now) : now;
	ino->ctime_ns = now;
	dnotify_inode_event(ino, DN_ATTRIB);
	return 0;
}

/* utimensat(dirfd, path, times[2], flags): a NULL path is dirfd itself
 * (futimens); NULL times is now for both. */
SYSCALL_DEFINE4(utimensat, int, dirfd, const char *, upath, const void *, utimes, int, flags)
{
	struct linux_timespec t[2];
	struct inode *ino;
	int err;

	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (utimes && copy_from_user(t, utimes, sizeof(t)))
		return -EFAULT;
	if (utimes && (!utime_valid(&t[0]) || !utime_valid(&t[1])))
		return -EINVAL;
	if (utimes && t[0].tv_nsec == SIS_UTIME_OMIT && t[1].tv_nsec == SIS_UTIME_OMIT)
		return 0; /* Linux returns before looking the file up */
	if (!upath) {
		if (flags & AT_SYMLINK_NOFOLLOW)
			return -EINVAL;
		if (dirfd == AT_FDCWD)
			return -EFAULT;
		ino = fs_fd_inode(dirfd, false, &err);
		if (!ino)
			return err ? err : -EPERM; /* a pipe or socket has no times to set here */
	} else {
		ino = fs_at_inode(dirfd, upath, flags & AT_EMPTY_PATH,
				  !(flags & AT_SYMLINK_NOFOLLOW));
		if (IS_ERR(ino))
			return PTR_ERR(ino);
	}
	err = inode_utimes(ino, utimes ? t : NULL);
	vfs_inode_put(ino);
	return err;
}

/* ---- statx ------------------------------------------------------------------- */

static void statx_time(struct linux_statx_timestamp *x, s64 sec, u64 nsec)
{
	x->tv_sec = sec;
	x->tv_nsec = (u32)nsec;
}

/* What statx(2) reports from a struct stat: everything basic (no btime). */
static void statx_fill(struct linux_statx *x, const struct linux_stat *st)
{
	memset(x, 0, sizeof(*x));
	x->stx_mask = SIS_STATX_BASIC_STATS;
	x->stx_blksize = (u32)st->st_blksize;
	x->stx_nlink = st->st_nlink;
	x->stx_uid = st->st_uid;
	x->stx_gid = st->st_gid;
	x->stx_mode = (u16)st->st_mode;
	x->stx_ino = st->st_ino;
	x->stx_size = (u64)st->st_size;
	x->stx_blocks = (u64)st->st_blocks;
	statx_time(&x->stx_atime, st->st_atime_sec, st->st_atime_nsec);
	statx_time(&x->stx_mtime, st->st_mtime_sec, st->st_mtime_nsec);
	statx_time(&x->stx_ctime, st->st_ctime_sec, st->st_ctime_nsec);
	x->stx_rdev_major = SIS_MAJOR(st->st_rdev);
	x->stx_rdev_minor = SIS_MINOR(st->st_rdev);
	x->stx_dev_major = SIS_MAJOR(st->st_dev);
	x->stx_dev_minor = SIS_MINOR(st->st_dev);
}

/* statx(dirfd, path, flags, mask, buf) */
SYSCALL_DEFINE5(statx, int, dirfd, const char *, upath, unsigned, flags, unsigned, mask,
		void *, ubuf)
{
	struct linux_statx x;
	struct linux_stat st;
	long err;

	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
				SIS_AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & SIS_AT_STATX_SYNC_TYPE) == SIS_AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & SIS_STATX__RESERVED)
		return -EINVAL;
	err = fs_stat_user(dirfd, upath, flags, &st);
	if (err)
		return err;
	statx_fill(&x, &st);
	return copy_to_user(ubuf, &x, sizeof(x)) ? -EFAULT : 0;
}
