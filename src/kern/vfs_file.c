/*
 * Open files of the VFS: regular files, directories (getdents64), generated
 * files (a snapshot of show()'s text taken at open), and the /dev/null and
 * /dev/zero devices; open(2) itself (vfs_open_at) and kernel_read/write.
 * Character devices supply their own file_ops (the console is in tty.c).
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/uaccess.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <sis/proc.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/dirent.h>
#include <uapi/sis/capability.h>
#include "vfs_internal.h"

/* ramfs device number in st_dev (an anonymous-device major 0 like tmpfs). */
#define VFS_DEV SIS_MKDEV(0, 1)

struct inode *file_inode(struct file *f)
{
	return f->inode;
}

/* A time in ns as seconds and nanoseconds (floor: before 1970 too). */
static void split_ns(s64 t, int64_t *sec, uint64_t *nsec)
{
	s64 s = t / 1000000000, r = t % 1000000000;

	if (r < 0) {
		s--;
		r += 1000000000;
	}
	*sec = s;
	*nsec = (u64)r;
}

void vfs_stat_inode(const struct inode *ino, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = VFS_DEV;
	st->st_ino = ino->ino;
	st->st_mode = ino->mode;
	st->st_nlink = ino->nlink;
	st->st_uid = ino->uid;
	st->st_gid = ino->gid;
	if (S_ISDIR(ino->mode) && ino->nlink) /* a removed directory has 0 */
		st->st_nlink = 2 + vfs_dir_subdirs((struct inode *)ino);
	st->st_rdev = ino->rdev;
	if (S_ISREG(ino->mode) && !vfs_inode_generated(ino))
		st->st_size = (s64)ino->reg.size;
	else if (S_ISLNK(ino->mode))
		st->st_size = ino->gen_arg_show ? 64 : (s64)ino->link.len; /* procfs says 64 */
	st->st_blksize = 4096;
	if (S_ISREG(ino->mode))
		st->st_blocks = (st->st_size + 511) / 512;
	split_ns(ino->atime_ns, &st->st_atime_sec, &st->st_atime_nsec);
	split_ns(ino->mtime_ns, &st->st_mtime_sec, &st->st_mtime_nsec);
	split_ns(ino->ctime_ns, &st->st_ctime_sec, &st->st_ctime_nsec);
}

static int inode_fstat(struct file *f, struct linux_stat *st)
{
	vfs_stat_inode(f->inode, st);
	return 0;
}

/* New position for lseek on an object of size bytes; -EINVAL if negative. */
static long seek_pos(struct file *f, long off, int whence, long size)
{
	long base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->pos; break;
	case SEEK_END: base = size; break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > __LONG_MAX__ - off) || base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

/* ---- regular files ------------------------------------------------------- */

/* Copy out of the file at off; user says whether buf is a user pointer. */
static long reg_read_at(struct inode *ino, void *buf, size_t len, long off, bool user)
{
	size_t n;

	if (off < 0)
		return -EINVAL;
	filemap_sync(ino); /* stores through shared mappings first */
	if ((size_t)off >= ino->reg.size)
		return 0;
	n = MIN(len, ino->reg.size - (size_t)off);
	if (user) {
		if (copy_to_user(buf, vfs_reg_contents(ino) + off, n))
			return -EFAULT;
	} else {
		memcpy(buf, vfs_reg_contents(ino) + off, n);
	}
	return (long)n;
}

static long reg_write_at(struct inode *ino, const void *buf, size_t len, long off, bool user)
{
	size_t old_size = ino->reg.size;
	char *dst;

	if (off < 0)
		return -EINVAL;
	if (!len)
		return 0;
	if (user && !user_range_ok(buf, len, false))
		return -EFAULT;
	dst = vfs_reg_write_area(ino, (size_t)off, len);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	if (!user) {
		memcpy(dst, buf, len);
	} else if (copy_from_user(dst, buf, len)) {
		if (ino->reg.size > old_size)
			vfs_truncate(ino, old_size);
		return -EFAULT;
	}
	filemap_written(ino, (size_t)off, len);
	dnotify_inode_event(ino, DN_MODIFY);
	return (long)len;
}

/* relatime (Linux's default mount option): a read updates the access time
 * when it is not newer than the last change or is a day old. */
static void touch_accessed(struct inode *ino)
{
	s64 now = vfs_now();

	if (ino->atime_ns > ino->mtime_ns && ino->atime_ns > ino->ctime_ns &&
	    now - ino->atime_ns < 24LL * 3600 * 1000000000)
		return;
	ino->atime_ns = now;
}

static long reg_pread(struct file *f, void *ubuf, size_t len, long off)
{
	long n = reg_read_at(f->inode, ubuf, len, off, true);

	if (n >= 0 && !(f->flags & O_NOATIME))
		touch_accessed(f->inode);
	if (n > 0)
		dnotify_inode_event(f->inode, DN_ACCESS);
	return n;
}

static long reg_pwrite(struct file *f, const void *ubuf, size_t len, long off)
{
	return reg_write_at(f->inode, ubuf, len, off, true);
}

static long reg_read(struct file *f, void *ubuf, size_t len)
{
	long n = reg_pread(f, ubuf, len, f->pos);

	if (n > 0)
		f->pos += n;
	return n;
}

static long reg_write(struct file *f, const void *ubuf, size_t len)
{
	long n;

	if (f->flags & O_APPEND)
		f->pos = (long)f->inode->reg.size;
	n = reg_pwrite(f, ubuf, len, f->pos);
	if (n > 0)
		f->pos += n;
	return n;
}

static long reg_lseek(struct file *f, long off, int whence)
{
	return seek_pos(f, off, whence, (long)f->inode->reg.size);
}

static const struct file_ops reg_fops = {
	.read = reg_read,
	.write = reg_write,
	.pread = reg_pread,
	.pwrite = reg_pwrite,
	.lseek = reg_lseek,
	.fstat = inode_fstat,
};

/* ---- directories --------------------------------------------------------- */

static unsigned char dirent_type(u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return DT_DIR;
	case S_IFREG: return DT_REG;
	case S_IFCHR: return DT_CHR;
	case S_IFIFO: return DT_FIFO;
	case S_IFSOCK: return DT_SOCK;
	case S_IFLNK: return DT_LNK;
	default: return DT_UNKNOWN;
	}
}

/* A getdents64 cursor: "." and ".." (positions 0 and 1), then the entries,
 * found by one seek and then followed along the list. */
struct dir_cursor {
	struct inode *dir;
	u64 pos;
	struct vfs_dirent *d; /* the entry at pos once past "..", or NULL */
};

/* The entry at the cursor: name, inode and the position after it. */
static bool cursor_entry(struct dir_cursor *c, const char **name, struct inode **ino, u64 *next)
{
	u64 cookie;

	if (c->pos == 0 || c->pos == 1) {
		*name = c->pos == 0 ? "." : "..";
		*ino = c->pos == 0 ? c->dir : c->dir->dir.parent;
		*next = c->pos + 1;
		return true;
	}
	if (!c->d)
		c->d = vfs_dir_seek(c->dir, c->pos);
	if (!c->d)
		return false;
	vfs_dirent_info(c->d, name, ino, &cookie);
	*next = cookie + 1;
	return true;
}

static void cursor_advance(struct dir_cursor *c, u64 next)
{
	if (c->d)
		c->d = vfs_dir_next(c->dir, c->d);
	c->pos = next;
}

/* One linux_dirent64 record at ubuf + used; its length, 0 if it does not
 * fit in len, or -EFAULT. */
static long put_dirent(void *ubuf, size_t used, size_t len, const char *name,
		       const struct inode *ino, u64 next)
{
	union {
		struct linux_dirent64 d;
		char bytes[sizeof(struct linux_dirent64) + NAME_MAX + 1 + 8];
	} rec;
	size_t nlen = strlen(name);
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + nlen + 1, 8);

	if (used + reclen > len)
		return 0;
	memset(&rec, 0, reclen);
	rec.d.d_ino = ino->ino;
	rec.d.d_off = (s64)next;
	rec.d.d_reclen = (unsigned short)reclen;
	rec.d.d_type = dirent_type(ino->mode);
	memcpy(rec.d.d_name, name, nlen);
	if (copy_to_user((char *)ubuf + used, &rec, reclen))
		return -EFAULT;
	return (long)reclen;
}

/* Records one getdents64 call returns at most: a directory can hold
 * hundreds of thousands of names and the kernel is not preempted, so a huge
 * buffer gets a short (still valid) answer; callers loop until 0. */
#define GETDENTS_MAX (64 * 1024)

static long dir_getdents64(struct file *f, void *ubuf, size_t len)
{
	struct dir_cursor c = { .dir = f->inode, .pos = (u64)f->pos, .d = NULL };
	size_t used = 0;

	len = MIN(len, (size_t)GETDENTS_MAX);

	if (c.dir->nlink == 0)
		return -ENOENT; /* removed: Linux's iterate_dir on a dead directory */
	vfs_dir_refresh(c.dir);
	for (;;) {
		const char *name;
		struct inode *ino;
		u64 next;
		long n;

		if (!cursor_entry(&c, &name, &ino, &next))
			break;
		n = put_dirent(ubuf, used, len, name, ino, next);
		if (n <= 0) {
			if (used)
				break;
			return n ? n : -EINVAL;
		}
		used += (size_t)n;
		cursor_advance(&c, next);
		f->pos = (long)next;
	}
	return (long)used;
}

static long dir_read(struct file *f, void *ubuf, size_t len)
{
	(void)f, (void)ubuf, (void)len;
	return -EISDIR;
}

/* Only rewinding and returning to a position getdents64 reported make sense. */
static long dir_lseek(struct file *f, long off, int whence)
{
	if (whence != SEEK_SET && !(whence == SEEK_CUR && off == 0))
		return -EINVAL;
	return seek_pos(f, off, whence, 0);
}

static const struct file_ops dir_fops = {
	.read = dir_read,
	.lseek = dir_lseek,
	.fstat = inode_fstat,
	.getdents64 = dir_getdents64,
};

/* ---- generated files ------------------------------------------------------ */

struct gen_text {
	size_t len;
	char text[];
};

/* Run the inode's show() until its text fits; NULL on no memory or a
 * show() error. */
static struct gen_text *gen_snapshot(const struct inode *ino)
{
	size_t size = 4096;

	for (int tries = 0; tries < 4; tries++) {
		struct gen_text *g = kmalloc(sizeof(*g) + size);
		long n;

		if (!g)
			return NULL;
		n = ino->gen ? ino->gen(g->text, size)
			     : ino->gen_arg_show(ino->gen_arg, g->text, size);
		if (n >= 0 && (size_t)n < size) { /* < : room for snprintf's NUL */
			g->len = (size_t)n;
			return g;
		}
		kfree(g);
		if (n < 0)
			return NULL;
		size = (size_t)n + 1;
	}
	return NULL;
}

/* Copy out of the snapshot at off; user says whether buf is a user pointer. */
static long gen_read_at(struct file *f, void *buf, size_t len, long off, bool user)
{
	struct gen_text *g = f->priv;
	size_t n;

	if (off < 0)
		return -EINVAL;
	if ((size_t)off >= g->len)
		return 0;
	n = MIN(len, g->len - (size_t)off);
	if (!user)
		memcpy(buf, g->text + off, n);
	else if (copy_to_user(buf, g->text + off, n))
		return -EFAULT;
	return (long)n;
}

static long gen_pread(struct file *f, void *ubuf, size_t len, long off)
{
	return gen_read_at(f, ubuf, len, off, true);
}

static long gen_read(struct file *f, void *ubuf, size_t len)
{
	long n = gen_pread(f, ubuf, len, f->pos);

	if (n > 0)
		f->pos += n;
	return n;
}

static long gen_lseek(struct file *f, long off, int whence)
{
	struct gen_text *g = f->priv;

	return seek_pos(f, off, whence, (long)g->len);
}

int vfs_sysctl_parse(const char *text, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *c = text;

	while (*c == ' ' || *c == '\t')
		c++;
	if (*c < '0' || *c > '9')
		return -EINVAL;
	for (; *c >= '0' && *c <= '9'; c++) {
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > max)
			return -EINVAL;
	}
	while (*c == ' ' || *c == '\n' || *c == '\t')
		c++;
	if (*c)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A sysctl's write: the whole text at once (Linux's strict mode); user
 * says whether buf is a user pointer. */
static long gen_store(struct file *f, const void *buf, size_t len, bool user)
{
	char text[64];
	int err;

	if (!f->inode->gen_store)
		return -EINVAL;
	if (len >= sizeof(text))
		return -EINVAL;
	if (!user)
		memcpy(text, buf, len);
	else if (copy_from_user(text, buf, len))
		return -EFAULT;
	text[len] = 0;
	err = f->inode->gen_store(text);
	return err ? err : (long)len;
}

static long gen_write(struct file *f, const void *ubuf, size_t len)
{
	return gen_store(f, ubuf, len, true);
}

static void gen_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops gen_fops = {
	.read = gen_read,
	.write = gen_write,
	.pread = gen_pread,
	.lseek = gen_lseek,
	.fstat = inode_fstat,
	.release = gen_release,
};

/* ---- /dev/null and /dev/zero ------------------------------------------------ */

static long null_read(struct file *f, void *ubuf, size_t len)
{
	(void)f, (void)ubuf, (void)len;
	return 0;
}

static long null_write(struct file *f, const void *ubuf, size_t len)
{
	(void)f, (void)ubuf;
	return (long)len;
}

static long null_lseek(struct file *f, long off, int whence)
{
	(void)off, (void)whence;
	f->pos = 0;
	return 0;
}

static const struct file_ops null_fops = {
	.read = null_read,
	.write = null_write,
	.lseek = null_lseek,
	.fstat = inode_fstat,
};

static long zero_read(struct file *f, void *ubuf, size_t len)
{
	static const char zeros[256];
	size_t done = 0;

	(void)f;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(zeros));

		if (copy_to_user((char *)ubuf + done, zeros, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

static const struct file_ops zero_fops = {
	.read = zero_read,
	.write = null_write,
	.lseek = null_lseek,
	.fstat = inode_fstat,
};

int vfs_devices_init(void)
{
	int err = vfs_add_chardev("/dev/null", &null_fops, SIS_MKDEV(1, 3));

	if (!err)
		err = vfs_add_chardev("/dev/zero", &zero_fops, SIS_MKDEV(1, 5));
	return err;
}

/* ---- open ------------------------------------------------------------------ */

/* May an object of this mode be opened with these flags? */
static int open_check(const struct inode *ino, unsigned flags)
{
	unsigned acc = flags & O_ACCMODE;

	if (acc == 3)
		return -EINVAL;
	if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	if (S_ISDIR(ino->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR; /* O_TRUNC asks for write access (Linux) */
	if (vfs_inode_generated(ino) && acc != O_RDONLY && (!S_ISREG(ino->mode) || !ino->gen_store))
		return -EACCES;
	if (S_ISLNK(ino->mode))
		return -ELOOP; /* only reached with O_NOFOLLOW */
	if (!S_ISDIR(ino->mode) && !S_ISREG(ino->mode) && !S_ISCHR(ino->mode) &&
	    !S_ISFIFO(ino->mode))
		return -ENXIO; /* a socket: Linux's no_open */
	return 0;
}

/* Flags an open file keeps (open-time ones are gone). */
#define OPEN_ONLY_FLAGS (O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW)

static struct file *fifo_open(struct inode *ino, unsigned flags)
{
	struct file *f;

	vfs_inode_get(ino); /* across the sleep for the other side */
	f = pipe_open_fifo(&ino->fifo.pipe, flags & ~(unsigned)OPEN_ONLY_FLAGS);
	if (IS_ERR(f)) {
		vfs_inode_put(ino);
		return f;
	}
	f->inode = ino;
	return f;
}

/* An O_PATH file: names the inode, does no I/O (fd_get refuses it). */
static const struct file_ops path_fops = {
	.fstat = inode_fstat,
};

/* An open regular file that may write its inode (inode->writers). */
static bool counts_as_writer(const struct file *f)
{
	return S_ISREG(f->inode->mode) && !(f->flags & O_PATH) &&
	       (f->flags & O_ACCMODE) != O_RDONLY;
}

/* Linux's may_open: read and/or write permission as the access mode asks
 * (O_TRUNC asks for write). */
static int open_permission(const struct inode *ino, unsigned flags)
{
	unsigned acc = flags & O_ACCMODE;
	int mask = (acc != O_WRONLY ? MAY_READ : 0) | (acc != O_RDONLY ? MAY_WRITE : 0);

	if (flags & O_TRUNC)
		mask |= MAY_WRITE;
	if ((flags & O_NOATIME) && !proc_capable(CAP_FOWNER) && proc_euid() != ino->uid)
		return -EPERM; /* Linux: the owner's (or CAP_FOWNER's) */
	return vfs_permission(ino, mask);
}

/* vfs_open_inode, with open(2)'s permission check if check_perm. */
static struct file *open_inode(struct inode *ino, unsigned flags, bool check_perm)
{
	const struct file_ops *ops;
	void *priv = NULL;
	struct file *f;
	int err = (flags & O_PATH) ? ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode) ? -ENOTDIR : 0)
				   : open_check(ino, flags);

	if (!err && check_perm && !(flags & O_PATH))
		err = open_permission(ino, flags);
	if (!err && check_perm && !(flags & O_PATH) && S_ISREG(ino->mode))
		err = lease_break(ino, (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC),
				  flags & O_NONBLOCK);
	if (err)
		return ERR_PTR(err);
	if (flags & O_PATH) {
		ops = &path_fops;
		flags = O_PATH;
	} else if (S_ISFIFO(ino->mode)) {
		return fifo_open(ino, flags);
	} else if (S_ISDIR(ino->mode)) {
		ops = &dir_fops;
	} else if (S_ISCHR(ino->mode)) {
		ops = ino->chr.fops ? ino->chr.fops : vfs_chrdev_fops(ino->rdev);
		if (!ops)
			return ERR_PTR(-ENXIO); /* a number no driver has (mknod) */
	} else if (vfs_inode_generated(ino)) {
		ops = &gen_fops;
		priv = gen_snapshot(ino);
		if (!priv)
			return ERR_PTR(-ENOMEM);
	} else {
		ops = &reg_fops;
	}
	f = file_alloc(ops, priv, flags & ~(unsigned)OPEN_ONLY_FLAGS);
	if (!f) {
		if (ops == &gen_fops)
			kfree(priv);
		return ERR_PTR(-ENOMEM);
	}
	vfs_inode_get(ino);
	f->inode = ino;
	if (S_ISCHR(ino->mode) && ops->open) {
		err = ops->open(f, flags);
		if (err) {
			f->ops = &path_fops; /* nothing to release */
			file_put(f);
			return ERR_PTR(err);
		}
	}
	if (counts_as_writer(f))
		ino->writers++;
	return f;
}

void vfs_file_release(struct file *f)
{
	if (f->inode && counts_as_writer(f))
		f->inode->writers--;
}

struct file *vfs_open_inode(struct inode *ino, unsigned flags)
{
	return open_inode(ino, flags, false);
}

/* open(O_TMPFILE): the directory at path gets an unnamed file. */
static struct file *open_tmpfile(struct inode *base, const char *path, unsigned flags, u32 mode)
{
	struct file *magic = NULL, *f;
	struct inode *dir = vfs_lookup_open(base, path, !(flags & O_NOFOLLOW), &magic);
	struct inode *ino;

	if (magic) {
		file_put(magic);
		return ERR_PTR(-ENOTDIR); /* a pipe's /proc/PID/fd/N */
	}
	if (IS_ERR(dir))
		return (struct file *)dir;
	ino = vfs_tmpfile(dir, mode, flags & O_EXCL);
	vfs_inode_put(dir);
	if (IS_ERR(ino))
		return (struct file *)ino;
	f = open_inode(ino, flags & ~(unsigned)(O_TMPFILE | O_EXCL), false);
	vfs_inode_put(ino); /* the file holds it now, or it goes */
	return f;
}

struct file *vfs_open_at(struct inode *base, const char *path, unsigned flags, u32 mode)
{
	struct file *f, *magic = NULL;
	struct inode *ino;
	bool created = false;

	if (flags & __O_TMPFILE)
		return open_tmpfile(base, path, flags, mode);
	if (flags & O_CREAT)
		ino = ((flags & O_NOFOLLOW) ? vfs_create_nofollow : vfs_create_at)(
			base, path, S_IFREG | (mode & 07777), flags & O_EXCL, &created);
	else
		ino = vfs_lookup_open(base, path, !(flags & O_NOFOLLOW), &magic);
	if (magic) { /* /proc/PID/fd/N of a pipe: a new file on it */
		f = (flags & O_PATH) ? ERR_PTR(-ENXIO)
				     : pipe_reopen(magic, flags & ~(unsigned)OPEN_ONLY_FLAGS);
		file_put(magic);
		return f;
	}
	if (IS_ERR(ino))
		return (struct file *)ino;
	if ((flags & O_CREAT) && S_ISDIR(ino->mode)) {
		vfs_inode_put(ino); /* Linux: O_CREAT never opens a directory */
		return ERR_PTR(-EISDIR);
	}
	f = open_inode(ino, flags, !created); /* who creates a file may open it */
	if (!IS_ERR(f) && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY &&
	    S_ISREG(ino->mode) && !vfs_inode_generated(ino)) {
		int err = vfs_truncate(ino, 0);

		if (err) {
			file_put(f);
			f = ERR_PTR(err);
		}
	}
	vfs_inode_put(ino);
	return f;
}

/* ---- kernel I/O ----------------------------------------------------------- */

long kernel_read(struct file *f, void *buf, size_t len)
{
	long n;

	if (f->ops != &reg_fops)
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	n = reg_read_at(f->inode, buf, len, f->pos, false);
	if (n > 0)
		f->pos += n;
	return n;
}

bool vfs_file_kernel_io(const struct file *f, bool writing)
{
	if (f->ops == &reg_fops || f->ops == &null_fops || f->ops == &zero_fops)
		return true;
	return f->ops == &gen_fops && (!writing || f->inode->gen_store);
}

long kernel_pread(struct file *f, void *buf, size_t len, long off)
{
	if (f->ops == &gen_fops)
		return gen_read_at(f, buf, len, off, false);
	if (f->ops == &zero_fops) {
		memset(buf, 0, len);
		return (long)len;
	}
	if (f->ops == &null_fops)
		return 0;
	if (f->ops != &reg_fops)
		return -EINVAL;
	return reg_read_at(f->inode, buf, len, off, false);
}

long kernel_pwrite(struct file *f, const void *buf, size_t len, long off)
{
	if (f->ops == &gen_fops)
		return gen_store(f, buf, len, false);
	if (f->ops == &null_fops || f->ops == &zero_fops)
		return (long)len;
	if (f->ops != &reg_fops)
		return -EINVAL;
	return reg_write_at(f->inode, buf, len, off, false);
}

bool vfs_file_is_regular(const struct file *f)
{
	return f->ops == &reg_fops;
}

long kernel_write(struct file *f, const void *buf, size_t len)
{
	long n;

	if (f->ops != &reg_fops)
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (f->flags & O_APPEND)
		f->pos = (long)f->inode->reg.size;
	n = reg_write_at(f->inode, buf, len, f->pos, false);
	if (n > 0)
		f->pos += n;
	return n;
}
