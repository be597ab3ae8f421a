/*
 * Per-process descriptor tables (see sis/file.h): fd -> struct file, the
 * close-on-exec bits, and the working directory. A table belongs to exactly
 * one process (fork clones it), so no sharing rules beyond file refcounts.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <sis/proc.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/resource.h>

/*
 * The arrays grow (fd_table_grow) as descriptors are installed, up to
 * RLIMIT_NOFILE and FD_MAX, like Linux's expand_files: a small program
 * costs one small table, a server with thousands of sockets pays for them.
 */
struct fd_table {
	struct file **files;             /* [cap], referenced; NULL = free */
	u64 *cloexec;                    /* [cap / 64], bit fd: close at execve */
	int cap;                         /* slots, a multiple of 64 (FD_TABLE_MIN..FD_MAX) */
	struct inode *cwd;               /* referenced directory */
};

#define FD_TABLE_MIN 64

static bool cloexec_test(const struct fd_table *t, int fd)
{
	return t->cloexec[fd / 64] & (1ULL << (fd % 64));
}

static void cloexec_assign(struct fd_table *t, int fd, bool on)
{
	if (on)
		t->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

/* Arrays for cap slots holding t's descriptors (t's own are freed); 0 or -ENOMEM. */
static int fd_table_resize(struct fd_table *t, int cap)
{
	struct file **files = kzalloc((size_t)cap * sizeof(*files));
	u64 *cloexec = kzalloc((size_t)cap / 64 * sizeof(*cloexec));

	if (!files || !cloexec) {
		kfree(files);
		kfree(cloexec);
		return -ENOMEM;
	}
	if (t->cap) {
		memcpy(files, t->files, (size_t)t->cap * sizeof(*files));
		memcpy(cloexec, t->cloexec, (size_t)t->cap / 64 * sizeof(*cloexec));
	}
	kfree(t->files);
	kfree(t->cloexec);
	t->files = files;
	t->cloexec = cloexec;
	t->cap = cap;
	return 0;
}

/* Make slot fd exist (fd < FD_MAX): the capacity doubles until it fits. */
static int fd_table_grow(struct fd_table *t, int fd)
{
	int cap = t->cap;

	if (fd < cap)
		return 0;
	while (cap <= fd)
		cap *= 2;
	return fd_table_resize(t, MIN(cap, FD_MAX));
}

struct fd_table *fd_table_new(void)
{
	struct fd_table *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	if (fd_table_resize(t, FD_TABLE_MIN)) {
		kfree(t);
		return NULL;
	}
	t->cwd = vfs_root();
	vfs_inode_get(t->cwd);
	return t;
}

struct fd_table *fd_table_clone(struct fd_table *src)
{
	struct fd_table *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	if (fd_table_resize(t, src->cap)) {
		kfree(t);
		return NULL;
	}
	memcpy(t->files, src->files, (size_t)src->cap * sizeof(*t->files));
	memcpy(t->cloexec, src->cloexec, (size_t)src->cap / 64 * sizeof(*t->cloexec));
	for (int fd = 0; fd < t->cap; fd++)
		if (t->files[fd])
			file_get(t->files[fd]);
	t->cwd = src->cwd;
	vfs_inode_get(t->cwd);
	return t;
}

/* Remove fd from t and drop its reference (may release the file). */
static void table_close(struct fd_table *t, int fd)
{
	struct file *f = t->files[fd];

	t->files[fd] = NULL;
	cloexec_assign(t, fd, false);
	flock_close(t, f);
	file_put(f);
}

void fd_table_release(struct fd_table *t)
{
	for (int fd = 0; fd < t->cap; fd++)
		if (t->files[fd])
			table_close(t, fd);
	vfs_inode_put(t->cwd);
	kfree(t->files);
	kfree(t->cloexec);
	kfree(t);
}

void fd_table_close_on_exec(struct fd_table *t)
{
	for (int fd = 0; fd < t->cap; fd++)
		if (t->files[fd] && cloexec_test(t, fd))
			table_close(t, fd);
}

struct inode *fd_table_cwd(struct fd_table *t)
{
	return t->cwd;
}

void fd_table_set_cwd(struct fd_table *t, struct inode *dir)
{
	vfs_inode_get(dir);
	vfs_inode_put(t->cwd);
	t->cwd = dir;
}

/* The current process's table, or NULL in kernel-only context. */
static struct fd_table *current_table(void)
{
	struct proc *p = current_proc();

	return p ? proc_fds(p) : NULL;
}

/* New descriptors stay below RLIMIT_NOFILE (and the table's FD_MAX). */
static int fd_limit(void)
{
	struct proc *p = current_proc();
	u64 lim = p ? proc_rlimit_cur(p, RLIMIT_NOFILE) : FD_MAX;

	return (int)MIN(lim, (u64)FD_MAX);
}

int fd_install_min(struct file *f, int min, bool cloexec)
{
	struct fd_table *t = current_table();
	int limit = fd_limit();

	if (!t)
		return -EBADF;
	if (min < 0 || min >= limit)
		return -EINVAL;
	for (int fd = min; fd < limit; fd++) {
		if (fd >= t->cap && fd_table_grow(t, fd))
			return -ENOMEM;
		if (!t->files[fd]) {
			file_get(f);
			t->files[fd] = f;
			cloexec_assign(t, fd, cloexec);
			return fd;
		}
	}
	return -EMFILE;
}

int fd_install(struct file *f, bool cloexec)
{
	return fd_install_min(f, 0, cloexec);
}

int fd_install_at(struct file *f, int fd, bool cloexec)
{
	struct fd_table *t = current_table();
	struct file *old;

	if (!t || fd < 0 || fd >= fd_limit())
		return -EBADF;
	if (fd_table_grow(t, fd))
		return -ENOMEM;
	file_get(f);
	old = t->files[fd];
	t->files[fd] = f;
	cloexec_assign(t, fd, cloexec);
	/* Released after the swap: a release that sleeps sees a consistent table. */
	if (old) {
		flock_close(t, old);
		file_put(old);
	}
	return fd;
}

struct file *fd_get_raw(int fd)
{
	struct fd_table *t = current_table();
	struct file *f;

	if (!t || fd < 0 || fd >= t->cap)
		return NULL;
	f = t->files[fd];
	if (f)
		file_get(f);
	return f;
}

const void *fd_lock_owner(void)
{
	return current_table();
}

struct file *fd_get(int fd)
{
	struct file *f = fd_get_raw(fd);

	if (f && (f->flags & O_PATH)) {
		file_put(f); /* Linux's fdget(): an O_PATH descriptor does no I/O */
		return NULL;
	}
	return f;
}

int fd_close(int fd)
{
	struct fd_table *t = current_table();

	if (!t || fd < 0 || fd >= t->cap || !t->files[fd])
		return -EBADF;
	table_close(t, fd);
	return 0;
}

int fd_get_cloexec(int fd)
{
	struct fd_table *t = current_table();

	if (!t || fd < 0 || fd >= t->cap || !t->files[fd])
		return -EBADF;
	return cloexec_test(t, fd);
}

int fd_set_cloexec(int fd, bool on)
{
	struct fd_table *t = current_table();

	if (!t || fd < 0 || fd >= t->cap || !t->files[fd])
		return -EBADF;
	cloexec_assign(t, fd, on);
	return 0;
}

int fd_table_open_console(struct fd_table *t)
{
	struct file *f = vfs_open_kernel("/dev/console", O_RDWR);

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	for (int fd = 0; fd < 3; fd++) {
		if (t->files[fd])
			table_close(t, fd);
		file_get(f);
		t->files[fd] = f;
	}
	file_put(f);
	return 0;
}

int fd_table_slots(struct fd_table *t)
{
	return t->cap;
}

struct file *fd_table_peek(struct fd_table *t, int fd)
{
	return fd >= 0 && fd < t->cap ? t->files[fd] : NULL;
}
