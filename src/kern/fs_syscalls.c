/*
 * File-system and descriptor system calls, Linux semantics and -errno:
 * read/write/readv/writev/pread64/pwrite64, openat/close/lseek, fstat and
 * newfstatat, getdents64, dup/dup3/fcntl, pipe2, ioctl, getcwd/chdir/fchdir,
 * mkdirat/unlinkat/renameat, faccessat, ftruncate, modes and owners, statfs, fsync
 * (links, mknodat, utimensat, statx: fs_syscalls_at.c). Every user pointer is
 * checked through sis/uaccess.h (-EFAULT); bad descriptors give -EBADF.
 * ppoll/pselect6 are in poll.c.
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
#include <uapi/sis/uio.h>
#include <uapi/sis/ioctl.h>
#include <uapi/sis/statfs.h>
#include <uapi/sis/capability.h>
#include "fs_internal.h"
#include "proc_internal.h"

#define IO_MAX 0x7ffff000UL  /* largest single transfer (Linux MAX_RW_COUNT) */
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

/* ---- helpers ------------------------------------------------------------ */

/* Copy a user path into a new PATH_MAX kernel buffer (kfree it), or ERR_PTR. */
char *fs_get_path(const char *upath)
{
	char *p = kmalloc(PATH_MAX);
	long n;

	if (!p)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(p, upath, PATH_MAX);
	if (n < 0) {
		kfree(p);
		return ERR_PTR(n);
	}
	return p;
}

/*
 * The directory a relative path starts from: NULL for AT_FDCWD or an
 * absolute path (the walk handles both), else dirfd's inode, referenced
 * through *held (file_put it). -EBADF / -ENOTDIR.
 */
int fs_at_base(int dirfd, const char *path, struct inode **base, struct file **held)
{
	struct file *f;
	struct inode *ino;

	*base = NULL;
	*held = NULL;
	if (dirfd == AT_FDCWD || path[0] == '/')
		return 0;
	f = fd_get_raw(dirfd);
	if (!f)
		return -EBADF;
	ino = file_inode(f);
	if (!ino || !S_ISDIR(ino->mode)) {
		file_put(f);
		return -ENOTDIR;
	}
	*base = ino;
	*held = f;
	return 0;
}

int fs_at_begin(struct fs_at_call *c, int dirfd, const char *upath)
{
	int err;

	c->held = NULL;
	c->path = fs_get_path(upath);
	if (IS_ERR(c->path))
		return (int)PTR_ERR(c->path);
	err = fs_at_base(dirfd, c->path, &c->base, &c->held);
	if (err)
		kfree(c->path);
	return err;
}

void fs_at_done(struct fs_at_call *c)
{
	if (c->held)
		file_put(c->held);
	kfree(c->path);
}

/* The inode a non-empty kernel path names from dirfd, referenced, or ERR_PTR. */
static struct inode *lookup_at(int dirfd, const char *path, bool follow)
{
	struct inode *base, *ino;
	struct file *held;
	int err = fs_at_base(dirfd, path, &base, &held);

	if (err)
		return ERR_PTR(err);
	ino = follow ? vfs_lookup_at(base, path) : vfs_lookup_nofollow(base, path);
	if (held)
		file_put(held);
	return ino;
}

/* ---- read/write --------------------------------------------------------- */

SYSCALL_DEFINE3(read, int, fd, void *, ubuf, size_t, count)
{
	struct file *f = fd_get(fd);
	long n;

	if (!f)
		return -EBADF;
	n = file_read(f, ubuf, MIN(count, IO_MAX));
	file_put(f);
	return n;
}

SYSCALL_DEFINE3(write, int, fd, const void *, ubuf, size_t, count)
{
	struct file *f = fd_get(fd);
	long n;

	if (!f)
		return -EBADF;
	n = file_write(f, ubuf, MIN(count, IO_MAX));
	file_put(f);
	return n;
}

/* One transfer of a vector: at the file position, or at off (>= 0). */
static long iov_one(struct file *f, const struct iovec *v, long off, bool writing)
{
	if (off < 0)
		return writing ? file_write(f, v->iov_base, v->iov_len)
			       : file_read(f, v->iov_base, v->iov_len);
	return writing ? f->ops->pwrite(f, v->iov_base, v->iov_len, off)
		       : f->ops->pread(f, v->iov_base, v->iov_len, off);
}

struct iovec *fs_iov_copy_in(const struct iovec *uiov, unsigned cnt)
{
	struct iovec *iov;
	size_t total = 0;

	if (cnt > UIO_MAXIOV)
		return ERR_PTR(-EINVAL);
	iov = kmalloc((size_t)cnt * sizeof(*iov) + 1);
	if (!iov)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(iov, uiov, (size_t)cnt * sizeof(*iov))) {
		kfree(iov);
		return ERR_PTR(-EFAULT);
	}
	for (unsigned i = 0; i < cnt; i++) {
		if (iov[i].iov_len > IO_MAX - total) {
			kfree(iov);
			return ERR_PTR(-EINVAL);
		}
		total += iov[i].iov_len;
	}
	return iov;
}

/* May f do positional I/O in this direction? 0, -EBADF, -ESPIPE, -EISDIR. */
static int pio_check(struct file *f, bool writing)
{
	unsigned acc = f->flags & O_ACCMODE;

	if (writing ? acc == O_RDONLY : acc == O_WRONLY)
		return -EBADF;
	if (writing ? !f->ops->pwrite : !f->ops->pread)
		return f->ops->getdents64 ? -EISDIR : -ESPIPE;
	return 0;
}

/*
 * readv/writev (off -1: at the file position) and preadv/pwritev (at off):
 * one transfer per vector until a short one or an error.
 */
static long do_iov(int fd, const struct iovec *uiov, unsigned cnt, long off, bool writing)
{
	struct file *f = fd_get(fd);
	struct iovec *iov;
	long done = 0;

	if (!f)
		return -EBADF;
	if (off >= 0) {
		done = pio_check(f, writing);
		if (done)
			goto out_put;
	}
	iov = fs_iov_copy_in(uiov, cnt);
	if (IS_ERR(iov)) {
		done = PTR_ERR(iov);
		goto out_put;
	}
	for (unsigned i = 0; i < cnt; i++) {
		long n;

		if (!iov[i].iov_len)
			continue;
		n = iov_one(f, &iov[i], off < 0 ? -1 : off + done, writing);
		if (n < 0) {
			if (!done)
				done = n;
			break;
		}
		done += n;
		if ((size_t)n < iov[i].iov_len)
			break;
	}
	kfree(iov);
out_put:
	file_put(f);
	return done;
}

/* vlen: Linux declares it unsigned long, but import_iovec takes an unsigned. */
SYSCALL_DEFINE3(readv, int, fd, const struct iovec *, uiov, unsigned, vlen)
{
	return do_iov(fd, uiov, vlen, -1, false);
}

SYSCALL_DEFINE3(writev, int, fd, const struct iovec *, uiov, unsigned, vlen)
{
	return do_iov(fd, uiov, vlen, -1, true);
}

/*
 * preadv(fd, iov, vlen, pos_l, pos_h) and preadv2(..., flags): on a 64-bit
 * kernel pos_l is the whole offset (Linux's pos_from_hilo) and pos_h is
 * ignored. preadv2 takes -1 for the file position, like readv.
 */
static long pv(int fd, const struct iovec *uiov, unsigned vlen, long pos, int flags,
	       bool writing, bool v2)
{
	if (flags & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC))
		return -EOPNOTSUPP; /* RWF_NOWAIT, RWF_APPEND and unknown ones */
	if (pos < 0 && !(v2 && pos == -1))
		return -EINVAL;
	return do_iov(fd, uiov, vlen, pos, writing);
}

SYSCALL_DEFINE4(preadv, int, fd, const struct iovec *, uiov, unsigned, vlen, long, pos)
{
	return pv(fd, uiov, vlen, pos, 0, false, false);
}

SYSCALL_DEFINE4(pwritev, int, fd, const struct iovec *, uiov, unsigned, vlen, long, pos)
{
	return pv(fd, uiov, vlen, pos, 0, true, false);
}

SYSCALL_DEFINE6(preadv2, int, fd, const struct iovec *, uiov, unsigned, vlen, long, pos,
		unsigned long, pos_h, int, flags)
{
	(void)pos_h;
	return pv(fd, uiov, vlen, pos, flags, false, true);
}

SYSCALL_DEFINE6(pwritev2, int, fd, const struct iovec *, uiov, unsigned, vlen, long, pos,
		unsigned long, pos_h, int, flags)
{
	(void)pos_h;
	return pv(fd, uiov, vlen, pos, flags, true, true);
}

/* pread64/pwrite64(fd, buf, count, pos): the file, referenced, if it can do
 * I/O at pos (>= 0) in this direction; else NULL and *err. */
static struct file *pio_get(int fd, long pos, bool writing, long *err)
{
	struct file *f = fd_get(fd);

	*err = f ? pio_check(f, writing) : -EBADF;
	if (!*err && pos < 0)
		*err = -EINVAL;
	if (*err && f) {
		file_put(f);
		f = NULL;
	}
	return f;
}

SYSCALL_DEFINE4(pread64, int, fd, void *, ubuf, size_t, count, long, pos)
{
	long n;
	struct file *f = pio_get(fd, pos, false, &n);

	if (!f)
		return n;
	n = f->ops->pread(f, ubuf, MIN(count, IO_MAX), pos);
	file_put(f);
	return n;
}

SYSCALL_DEFINE4(pwrite64, int, fd, const void *, ubuf, size_t, count, long, pos)
{
	long n;
	struct file *f = pio_get(fd, pos, true, &n);

	if (!f)
		return n;
	n = f->ops->pwrite(f, ubuf, MIN(count, IO_MAX), pos);
	file_put(f);
	return n;
}

/* ---- open/close/seek ---------------------------------------------------- */

#define OPEN_FLAGS_KNOWN (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | \
			  O_NONBLOCK | O_DSYNC | O_DIRECTORY | O_NOFOLLOW | O_DIRECT | \
			  O_LARGEFILE | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | __O_TMPFILE)
/* What O_PATH keeps (Linux's O_PATH_FLAGS): the rest is ignored. */
#define OPEN_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)

/* openat(dirfd, path, flags, mode) */
SYSCALL_DEFINE4(openat, int, dirfd, const char *, upath, int, flags, u32, mode)
{
	struct fs_at_call c;
	struct file *f;
	long fd;

	if (flags & O_PATH)
		flags &= OPEN_PATH_FLAGS;
	if ((flags & O_ACCMODE) == 3)
		return -EINVAL;
	/* Linux's build_open_flags: O_TMPFILE is with O_DIRECTORY, without
	 * O_CREAT, and writable. */
	if ((flags & __O_TMPFILE) &&
	    ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE || (flags & O_ACCMODE) == O_RDONLY))
		return -EINVAL;
	fd = fs_at_begin(&c, dirfd, upath);
	if (fd)
		return fd;
	f = vfs_open_at(c.base, c.path, flags & OPEN_FLAGS_KNOWN,
			mode & 07777 & ~proc_umask());
	fs_at_done(&c);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fd = fd_install(f, flags & O_CLOEXEC);
	file_put(f);
	return fd;
}

SYSCALL_DEFINE1(close, int, fd)
{
	return fd_close(fd);
}

SYSCALL_DEFINE3(lseek, int, fd, long, offset, unsigned, whence)
{
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	r = f->ops->lseek ? f->ops->lseek(f, offset, whence) : -ESPIPE;
	file_put(f);
	return r;
}

SYSCALL_DEFINE2(ftruncate, int, fd, long, len)
{
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	if (len < 0 || (f->flags & O_ACCMODE) == O_RDONLY)
		r = -EINVAL;
	else if (!f->inode || !S_ISREG(f->inode->mode))
		r = -EINVAL;
	else
		r = vfs_truncate(f->inode, (size_t)len);
	file_put(f);
	return r;
}

/* truncate(2): as Linux's vfs_truncate, write permission and a lease break. */
SYSCALL_DEFINE2(truncate, const char *, upath, long, len)
{
	char *path = fs_get_path(upath);
	struct inode *ino;
	long err;

	if (IS_ERR(path))
		return PTR_ERR(path);
	ino = vfs_lookup(path);
	kfree(path);
	if (IS_ERR(ino))
		return PTR_ERR(ino);
	if (len < 0)
		err = -EINVAL;
	else if (S_ISDIR(ino->mode))
		err = -EISDIR;
	else if (!S_ISREG(ino->mode) || vfs_inode_generated(ino))
		err = -EINVAL;
	else
		err = vfs_permission(ino, MAY_WRITE);
	if (!err)
		err = lease_break(ino, true, false);
	if (!err)
		err = vfs_truncate(ino, (size_t)len);
	vfs_inode_put(ino);
	return err;
}

/* ---- stat ------------------------------------------------------------------ */

static int stat_file(struct file *f, struct linux_stat *st)
{
	if (f->ops->fstat)
		return f->ops->fstat(f, st);
	if (f->inode) {
		vfs_stat_inode(f->inode, st);
		return 0;
	}
	return -EBADF;
}

SYSCALL_DEFINE2(fstat, int, fd, void *, ustat)
{
	struct file *f = fd_get_raw(fd);
	struct linux_stat st;
	int err;

	if (!f)
		return -EBADF;
	err = stat_file(f, &st);
	file_put(f);
	if (err)
		return err;
	return copy_to_user(ustat, &st, sizeof(st)) ? -EFAULT : 0;
}

/* fstat of dirfd itself (AT_EMPTY_PATH), or of the cwd for AT_FDCWD. */
static int stat_dirfd(int dirfd, struct linux_stat *st)
{
	struct file *f;
	int err;

	if (dirfd == AT_FDCWD) {
		vfs_stat_inode(vfs_cwd(), st);
		return 0;
	}
	f = fd_get_raw(dirfd);
	if (!f)
		return -EBADF;
	err = stat_file(f, st);
	file_put(f);
	return err;
}

/* stat of path relative to dirfd (lstat without follow). */
static int stat_path(int dirfd, const char *path, struct linux_stat *st, bool follow)
{
	struct inode *ino = lookup_at(dirfd, path, follow);

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	vfs_stat_inode(ino, st);
	vfs_inode_put(ino);
	return 0;
}

int fs_stat_user(int dirfd, const char *upath, unsigned flags, struct linux_stat *st)
{
	char *path = fs_get_path(upath);
	int err;

	if (IS_ERR(path))
		return (int)PTR_ERR(path);
	if (!path[0])
		err = (flags & AT_EMPTY_PATH) ? stat_dirfd(dirfd, st) : -ENOENT;
	else
		err = stat_path(dirfd, path, st, !(flags & AT_SYMLINK_NOFOLLOW));
	kfree(path);
	return err;
}

/* newfstatat(dirfd, path, statbuf, flags): AT_SYMLINK_NOFOLLOW is lstat,
 * AT_EMPTY_PATH stats dirfd itself. */
SYSCALL_DEFINE4(newfstatat, int, dirfd, const char *, upath, void *, ustat, int, flags)
{
	struct linux_stat st;
	long err;

	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	err = fs_stat_user(dirfd, upath, flags, &st);
	if (!err && copy_to_user(ustat, &st, sizeof(st)))
		err = -EFAULT;
	return err;
}

SYSCALL_DEFINE3(getdents64, int, fd, void *, ubuf, unsigned, count)
{
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	r = f->ops->getdents64 ? f->ops->getdents64(f, ubuf, count) : -ENOTDIR;
	file_put(f);
	return r;
}

/* ---- descriptors ------------------------------------------------------------ */

SYSCALL_DEFINE1(dup, int, fd)
{
	struct file *f = fd_get_raw(fd);
	long nfd;

	if (!f)
		return -EBADF;
	nfd = fd_install(f, false);
	file_put(f);
	return nfd;
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, int, flags)
{
	struct file *f;
	long r;

	if (flags & ~(unsigned)O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	f = fd_get_raw(oldfd);
	if (!f)
		return -EBADF;
	r = fd_install_at(f, newfd, flags & O_CLOEXEC);
	file_put(f);
	return r;
}

/* Flags F_SETFL may change (Linux SETFL_MASK, minus what SIS ignores anyway). */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | O_ASYNC)

static long fcntl_setfl(struct file *f, int fd, unsigned arg)
{
	unsigned flags = (f->flags & ~(unsigned)SETFL_MASK) | (arg & SETFL_MASK);
	int err = f->ops->setfl ? f->ops->setfl(f, flags) : 0;

	if (!err && (flags & O_NOATIME) && !(f->flags & O_NOATIME) && f->inode &&
	    !proc_capable(CAP_FOWNER) && proc_euid() != f->inode->uid)
		return -EPERM; /* as open's */

	if (!err) {
		f->flags = flags;
		fown_setfl(f, fd);
	}
	return err;
}

SYSCALL_DEFINE3(fcntl, int, fd, unsigned, cmd, unsigned long, arg)
{
	struct file *f = fd_get_raw(fd);
	long r;

	if (!f)
		return -EBADF;
	if ((f->flags & O_PATH) && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC && cmd != F_GETFD &&
	    cmd != F_SETFD && cmd != F_GETFL) {
		file_put(f);
		return -EBADF; /* Linux's check_fcntl_cmd */
	}
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		r = arg >= FD_MAX ? -EINVAL : fd_install_min(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		r = fd_get_cloexec(fd) > 0 ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		r = fd_set_cloexec(fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		r = f->flags;
		break;
	case F_SETFL:
		r = fcntl_setfl(f, fd, (unsigned)arg);
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = flock_fcntl(f, fd, fd_lock_owner(), cmd, (void *)arg);
		break;
	case F_SETOWN:
	case F_GETOWN:
	case F_SETOWN_EX:
	case F_GETOWN_EX:
	case F_SETSIG:
	case F_GETSIG:
		r = fown_fcntl(f, fd, cmd, arg);
		break;
	case F_NOTIFY:
		r = dnotify_fcntl(f, fd, arg);
		break;
	case F_SETLEASE:
	case F_GETLEASE:
		r = lease_fcntl(f, fd, cmd, arg);
		break;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		r = pipe_fcntl(f, cmd, arg);
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

/* pipe2(fds[2], flags) */
SYSCALL_DEFINE2(pipe2, int *, ufds, int, flags)
{
	struct file *rd, *wr;
	int fds[2];
	long err;

	if (flags & ~(unsigned)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!user_range_ok(ufds, sizeof(fds), true))
		return -EFAULT;
	err = pipe_create(&rd, &wr, flags);
	if (err)
		return err;
	fds[0] = fd_install(rd, flags & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -1 : fd_install(wr, flags & O_CLOEXEC);
	file_put(rd);
	file_put(wr);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			fd_close(fds[0]);
		return fds[0] < 0 ? fds[0] : fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* ioctl: FIONBIO/FIOASYNC/FIOCLEX/FIONCLEX work on any fd; the rest is the file's. */
SYSCALL_DEFINE3(ioctl, int, fd, unsigned, cmd, unsigned long, arg)
{
	struct file *f = fd_get(fd);
	int on;
	long r;

	if (!f)
		return -EBADF;
	if (cmd == FIONBIO) {
		r = copy_from_user(&on, (void *)arg, sizeof(on)) ? -EFAULT
			: fcntl_setfl(f, fd, on ? f->flags | O_NONBLOCK : f->flags & ~(unsigned)O_NONBLOCK);
	} else if (cmd == FIOASYNC) {
		r = copy_from_user(&on, (void *)arg, sizeof(on)) ? -EFAULT
			: fcntl_setfl(f, fd, on ? f->flags | O_ASYNC : f->flags & ~(unsigned)O_ASYNC);
	} else if (cmd == FIOCLEX || cmd == FIONCLEX) {
		r = fd_set_cloexec(fd, cmd == FIOCLEX);
	} else {
		r = f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
	}
	file_put(f);
	return r;
}

/* ---- directories and names ---------------------------------------------- */

/* getcwd(buf, size): the length including the NUL, like the Linux syscall;
 * -ENOENT for a removed directory, -ENAMETOOLONG past PATH_MAX. */
SYSCALL_DEFINE2(getcwd, void *, ubuf, size_t, size)
{
	char *kbuf = kmalloc(PATH_MAX);
	long n;

	if (!kbuf)
		return -ENOMEM;
	n = vfs_dir_path(vfs_cwd(), kbuf, PATH_MAX);
	if (n == -ERANGE)
		n = -ENAMETOOLONG; /* longer than PATH_MAX, whatever the buffer (Linux) */
	if (n >= 0 && (size_t)n + 1 > size)
		n = -ERANGE;
	if (n >= 0 && copy_to_user(ubuf, kbuf, (size_t)n + 1))
		n = -EFAULT;
	if (n >= 0)
		n++;
	kfree(kbuf);
	return n;
}

static long set_cwd(struct inode *dir)
{
	struct proc *p = current_proc();

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!p || !proc_fds(p))
		return -ESRCH;
	fd_table_set_cwd(proc_fds(p), dir);
	return 0;
}

SYSCALL_DEFINE1(chdir, const char *, upath)
{
	char *path = fs_get_path(upath);
	struct inode *dir;
	long err;

	if (IS_ERR(path))
		return PTR_ERR(path);
	dir = vfs_lookup(path);
	kfree(path);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	err = S_ISDIR(dir->mode) ? vfs_permission(dir, MAY_EXEC) : -ENOTDIR;
	if (!err)
		err = set_cwd(dir);
	vfs_inode_put(dir);
	return err;
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct file *f = fd_get_raw(fd);
	long err;

	if (!f)
		return -EBADF;
	err = !f->inode || !S_ISDIR(f->inode->mode) ? -ENOTDIR
	      : vfs_permission(f->inode, MAY_EXEC);
	if (!err)
		err = set_cwd(f->inode);
	file_put(f);
	return err;
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, const char *, upath, u32, mode)
{
	struct fs_at_call c;
	long err = fs_at_begin(&c, dirfd, upath);

	if (err)
		return err;
	err = vfs_mkdir_at(c.base, c.path, mode & 07777 & ~proc_umask());
	fs_at_done(&c);
	return err;
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, const char *, upath, int, flags)
{
	struct fs_at_call c;
	long err;

	if (flags & ~(unsigned)AT_REMOVEDIR)
		return -EINVAL;
	err = fs_at_begin(&c, dirfd, upath);
	if (err)
		return err;
	err = vfs_unlink_at(c.base, c.path, flags & AT_REMOVEDIR);
	fs_at_done(&c);
	return err;
}

/* renameat(olddirfd, oldpath, newdirfd, newpath) */
SYSCALL_DEFINE4(renameat, int, olddirfd, const char *, uold, int, newdirfd, const char *, unew)
{
	struct fs_at_call from, to;
	long err = fs_at_begin(&from, olddirfd, uold);

	if (err)
		return err;
	err = fs_at_begin(&to, newdirfd, unew);
	if (!err) {
		err = vfs_rename_at(from.base, from.path, to.base, to.path, 0);
		fs_at_done(&to);
	}
	fs_at_done(&from);
	return err;
}

/*
 * faccessat2(dirfd, path, mode, flags), as Linux's do_faccessat: the file's
 * permission bits for the real ids (the effective ones with AT_EACCESS),
 * the walk to it included; root passes but for X_OK on a file without any
 * execute bit. The read-only generated files refuse W_OK to everybody.
 */
static long do_faccessat(int dirfd, const char *upath, int mode, unsigned flags)
{
	bool real = !(flags & AT_EACCESS);
	struct inode *ino;
	long err;

	if (mode & ~(F_OK | R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(unsigned)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	vfs_perm_real(real);
	ino = fs_at_inode(dirfd, upath, flags & AT_EMPTY_PATH, !(flags & AT_SYMLINK_NOFOLLOW));
	err = IS_ERR(ino) ? PTR_ERR(ino) : 0;
	if (!err && mode != F_OK)
		err = vfs_permission(ino, ((mode & R_OK) ? MAY_READ : 0) |
					  ((mode & W_OK) ? MAY_WRITE : 0) |
					  ((mode & X_OK) ? MAY_EXEC : 0));
	if (!err && (mode & W_OK) && vfs_inode_generated(ino) && !ino->gen_store)
		err = -EACCES;
	vfs_perm_real(false);
	if (!IS_ERR(ino))
		vfs_inode_put(ino);
	return err;
}

SYSCALL_DEFINE3(faccessat, int, dirfd, const char *, path, int, mode)
{
	return do_faccessat(dirfd, path, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, const char *, path, int, mode, unsigned, flags)
{
	return do_faccessat(dirfd, path, mode, flags);
}

/* ---- ownership, mode, statfs ---------------------------------------------- */

#define ID_KEEP 0xffffffffu

/* chmod(2): the owner or CAP_FOWNER may change the permission bits. */
static int inode_chmod(struct inode *ino, u32 mode)
{
	if (!proc_capable(CAP_FOWNER) && proc_euid() != ino->uid)
		return -EPERM;
	ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
	vfs_touch_ctime(ino);
	dnotify_inode_event(ino, DN_ATTRIB);
	return 0;
}

/* chown(2) as Linux's chown_ok/chgrp_ok: CAP_CHOWN changes anything; the
 * owner may "change" the owner to itself and the group to one of its own
 * (effective or supplementary). -1 keeps an id. A file that is not a
 * directory loses S_ISUID, and S_ISGID when group-executable (else it
 * marks mandatory locking and stays unless the caller is outside the
 * group without CAP_FSETID), whoever calls, as Linux's notify_change. */
static int inode_chown(struct inode *ino, u32 uid, u32 gid)
{
	bool cap = proc_capable(CAP_CHOWN), owner = proc_euid() == ino->uid;

	if (uid != ID_KEEP && uid != ino->uid && !cap)
		return -EPERM;
	if (uid != ID_KEEP && !owner && !cap)
		return -EPERM;
	if (gid != ID_KEEP && !cap &&
	    (!owner || (gid != ino->gid && !proc_access_in_group(false, gid))))
		return -EPERM;
	if (!S_ISDIR(ino->mode)) {
		ino->mode &= ~(u32)S_ISUID;
		if ((ino->mode & S_ISGID) &&
		    ((ino->mode & 0010) ||
		     (!proc_capable(CAP_FSETID) && !proc_access_in_group(false, ino->gid))))
			ino->mode &= ~(u32)S_ISGID;
	}
	if (uid != ID_KEEP)
		ino->uid = uid;
	if (gid != ID_KEEP)
		ino->gid = gid;
	vfs_touch_ctime(ino);
	dnotify_inode_event(ino, DN_ATTRIB);
	return 0;
}

/* The inode behind descriptor fd, referenced; NULL for one without
 * (socket, pipe: there is nothing to keep a mode in). -EBADF. */
struct inode *fs_fd_inode(int fd, bool raw, int *err)
{
	struct file *f = raw ? fd_get_raw(fd) : fd_get(fd);
	struct inode *ino;

	*err = f ? 0 : -EBADF;
	if (!f)
		return NULL;
	ino = file_inode(f);
	if (ino)
		vfs_inode_get(ino);
	file_put(f);
	return ino;
}

/* dirfd itself for AT_EMPTY_PATH, referenced, or ERR_PTR. */
static struct inode *dirfd_inode(int dirfd)
{
	struct inode *ino;
	int err;

	if (dirfd == AT_FDCWD) {
		ino = vfs_cwd();
		vfs_inode_get(ino);
		return ino;
	}
	ino = fs_fd_inode(dirfd, true, &err);
	return ino ? ino : ERR_PTR(err ? err : -EINVAL);
}

/* The inode named by (dirfd, upath), referenced (vfs_inode_put), or ERR_PTR;
 * an empty path with empty_ok is dirfd itself (AT_EMPTY_PATH). */
struct inode *fs_at_inode(int dirfd, const char *upath, bool empty_ok, bool follow)
{
	char *path = fs_get_path(upath);
	struct inode *ino;

	if (IS_ERR(path))
		return (struct inode *)path;
	if (!path[0])
		ino = empty_ok ? dirfd_inode(dirfd) : ERR_PTR(-ENOENT);
	else
		ino = lookup_at(dirfd, path, follow);
	kfree(path);
	return ino;
}

SYSCALL_DEFINE2(fchmod, int, fd, u32, mode)
{
	int err;
	struct inode *ino = fs_fd_inode(fd, false, &err);

	if (!ino)
		return err;
	err = inode_chmod(ino, mode);
	vfs_inode_put(ino);
	return err;
}

/* fchmodat(dirfd, path, mode): the system call has no flags argument. */
SYSCALL_DEFINE3(fchmodat, int, dirfd, const char *, upath, u32, mode)
{
	struct inode *ino = fs_at_inode(dirfd, upath, false, true);
	int err;

	if (IS_ERR(ino))
		return PTR_ERR(ino);
	err = inode_chmod(ino, mode);
	vfs_inode_put(ino);
	return err;
}

SYSCALL_DEFINE3(fchown, int, fd, u32, uid, u32, gid)
{
	int err;
	struct inode *ino = fs_fd_inode(fd, false, &err);

	if (!ino)
		return err;
	err = inode_chown(ino, uid, gid);
	vfs_inode_put(ino);
	return err;
}

/* fchownat(dirfd, path, uid, gid, flags): AT_SYMLINK_NOFOLLOW changes the
 * link itself (lchown); other flags are EINVAL. */
SYSCALL_DEFINE5(fchownat, int, dirfd, const char *, upath, u32, uid, u32, gid, int, flags)
{
	struct inode *ino;
	int err;

	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	ino = fs_at_inode(dirfd, upath, flags & AT_EMPTY_PATH, !(flags & AT_SYMLINK_NOFOLLOW));
	if (IS_ERR(ino))
		return PTR_ERR(ino);
	err = inode_chown(ino, uid, gid);
	vfs_inode_put(ino);
	return err;
}

/* Is ino procfs's (generated by the kernel), as /proc/mounts lists it? */
static bool inode_in_procfs(const struct inode *ino)
{
	return vfs_inode_generated(ino) ||
	       (S_ISDIR(ino->mode) && (ino->dir.refresh || ino->dir.generated));
}

/* One ramfs: its blocks are the machine's pages, the free ones free; procfs
 * has none (so df leaves it out, as on Linux). */
static long put_statfs(void *ubuf, const struct inode *ino)
{
	struct linux_statfs sf;

	memset(&sf, 0, sizeof(sf));
	sf.f_bsize = sf.f_frsize = PAGE_SIZE;
	sf.f_namelen = 255;
	if (ino && inode_in_procfs(ino)) {
		sf.f_type = SIS_PROC_SUPER_MAGIC;
	} else {
		sf.f_type = SIS_RAMFS_MAGIC;
		sf.f_blocks = page_total_count();
		sf.f_bfree = sf.f_bavail = page_free_count();
	}
	return copy_to_user(ubuf, &sf, sizeof(sf)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(statfs, const char *, upath, void *, ubuf)
{
	struct inode *ino = fs_at_inode(AT_FDCWD, upath, false, true);
	long err;

	if (IS_ERR(ino))
		return PTR_ERR(ino);
	err = put_statfs(ubuf, ino);
	vfs_inode_put(ino);
	return err;
}

SYSCALL_DEFINE2(fstatfs, int, fd, void *, ubuf)
{
	struct file *f = fd_get_raw(fd);
	long err;

	if (!f)
		return -EBADF;
	err = put_statfs(ubuf, f->inode);
	file_put(f);
	return err;
}

/* ---- fsync ----------------------------------------------------------------- */

/* fsync/fdatasync: the ramfs has nothing to write back; a bad fd -EBADF. */
SYSCALL_DEFINE1(fsync, int, fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return sys_fsync(fd);
}

SYSCALL_DEFINE0(sync)
{
	return 0;
}
