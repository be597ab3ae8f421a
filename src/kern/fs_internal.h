/*
 * Helpers shared by the file-system system calls (fs_syscalls.c,
 * fs_syscalls_at.c, splice.c). Private to src/kern.
 */
#ifndef SIS_KERN_FS_INTERNAL_H
#define SIS_KERN_FS_INTERNAL_H

#include <sis/types.h>

struct file;
struct inode;

/* The vectors of a readv-like call in kernel memory (kfree), or ERR_PTR:
 * -EINVAL for a count past UIO_MAXIOV or a total past Linux's
 * MAX_RW_COUNT, -EFAULT, -ENOMEM. */
struct iovec;
struct iovec *fs_iov_copy_in(const struct iovec *uiov, unsigned cnt);

/* Copy a user path into a new PATH_MAX kernel buffer (kfree it), or ERR_PTR. */
char *fs_get_path(const char *upath);

/*
 * The directory a relative path starts from: NULL for AT_FDCWD or an
 * absolute path (the walk handles both), else dirfd's inode, referenced
 * through *held (file_put it). -EBADF / -ENOTDIR.
 */
int fs_at_base(int dirfd, const char *path, struct inode **base, struct file **held);

/* Path and base of an *at() call in one step; release with fs_at_done(). */
struct fs_at_call {
	char *path;
	struct inode *base;
	struct file *held;
};
int fs_at_begin(struct fs_at_call *c, int dirfd, const char *upath);
void fs_at_done(struct fs_at_call *c);

/* The inode named by (dirfd, upath), referenced, or ERR_PTR; an empty path
 * with empty_ok is dirfd itself (AT_EMPTY_PATH); follow: a symbolic link in
 * the last component is followed. */
struct inode *fs_at_inode(int dirfd, const char *upath, bool empty_ok, bool follow);
/* The inode behind descriptor fd, referenced; NULL with *err 0 for one
 * without (socket, pipe), NULL with -EBADF for a bad fd; raw: O_PATH
 * descriptors count too. */
struct inode *fs_fd_inode(int fd, bool raw, int *err);

/* newfstatat's stat of (dirfd, upath): AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. */
struct linux_stat;
int fs_stat_user(int dirfd, const char *upath, unsigned flags, struct linux_stat *st);

#endif
