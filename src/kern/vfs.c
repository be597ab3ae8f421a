/*
 * The VFS tree (see sis/vfs.h): inodes, directory entries, generated
 * trees, regular file contents and the kernel file API. Path lookup and
 * the calls that act on names live in vfs_namei.c, open-file operations
 * in vfs_file.c, the initial ramdisk and boot set-up in vfs_initrd.c.
 *
 * Ownership: a directory entry counts in its inode's nlink; lookups, open
 * files and working directories count in refs. A directory also holds a
 * reference on its parent so that ".." stays valid after the parent is
 * unlinked. An inode is freed when both counts reach zero; freeing a
 * directory drops its parent's reference in the same loop (inode_release_
 * chain), never by recursion. A removed directory (nlink 0) takes no new
 * entries, so a freed directory is always empty.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/timer.h>
#include <sis/vfs.h>
#include "vfs_internal.h"
#include <sis/file.h>
#include <sis/proc.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/capability.h>

/*
 * Every entry of the tree is also in one hash table keyed by its directory
 * and name (Linux's dentry hash), so a lookup costs a bucket, not a scan of
 * a directory a user may have filled with hundreds of thousands of names
 * (the kernel is not preempted: a path of 2000 such scans would stall it).
 */
#define NAME_HASH_SIZE 2048 /* buckets, a power of two */
static struct list_head name_hash[NAME_HASH_SIZE];

/* A file's contents are one kmalloc block, and the heap's largest is one
 * PAGE_MAX_ORDER block of pages (less its header): larger files are refused
 * with -EFBIG, the file system's maximum file size. */
#define VFS_FILE_MAX ((PAGE_SIZE << PAGE_MAX_ORDER) - PAGE_SIZE)

/*
 * Memory the tree may hold, like tmpfs's default size: inodes, names and
 * file contents together at most half of RAM, and never the last
 * 1/VFS_RESERVE_DIV of free memory, which the rest of the kernel needs.
 * Past either, creating and writing fail with -ENOSPC (a full file system).
 */
#define VFS_RESERVE_DIV 16
static size_t vfs_bytes; /* charged: the heap blocks of inodes, dirents, contents */

static struct inode *root_inode;
static u64 next_ino = 1;

static int charge(size_t bytes)
{
	size_t total = page_total_count() * PAGE_SIZE;
	size_t free = page_free_count() * PAGE_SIZE;

	if (vfs_bytes + bytes > total / 2 || free < bytes + total / VFS_RESERVE_DIV)
		return -ENOSPC;
	vfs_bytes += bytes;
	return 0;
}

static void uncharge(size_t bytes)
{
	BUG_ON(bytes > vfs_bytes);
	vfs_bytes -= bytes;
}

/* kmalloc charged to the tree (what the heap really gives); ERR_PTR
 * -ENOSPC or -ENOMEM. */
void *vfs_alloc(size_t size)
{
	int err = charge(size);
	void *p;

	if (err)
		return ERR_PTR(err);
	p = kmalloc(size);
	if (!p) {
		uncharge(size);
		return ERR_PTR(-ENOMEM);
	}
	vfs_bytes += kmalloc_usable_size(p) - size;
	return p;
}

void vfs_free(void *p)
{
	if (!p)
		return;
	uncharge(kmalloc_usable_size(p));
	kfree(p);
}

/* Drop a regular file's written contents (the initrd's stay where they are). */
static void reg_release(struct inode *ino)
{
	vfs_free(ino->reg.data);
	ino->reg.data = NULL;
	ino->reg.cap = 0;
}

void vfs_reg_set_ro(struct inode *ino, const char *data, size_t size)
{
	reg_release(ino);
	ino->reg.ro = data;
	ino->reg.size = size;
}

/* ---- inodes -------------------------------------------------------------- */

/* A new inode, referenced once; ERR_PTR -ENOSPC or -ENOMEM. */
struct inode *vfs_inode_new(u32 mode)
{
	struct inode *ino = vfs_alloc(sizeof(*ino));

	if (IS_ERR(ino))
		return ino;
	memset(ino, 0, sizeof(*ino));
	ino->ino = next_ino++;
	ino->mode = mode;
	ino->refs = 1;
	ino->atime_ns = ino->mtime_ns = ino->ctime_ns = vfs_now();
	list_init(&ino->aliases);
	if (S_ISDIR(mode)) {
		list_init(&ino->dir.entries);
		ino->dir.next_cookie = 2; /* 0 and 1 are "." and ".." */
	}
	return ino;
}

/*
 * Free an unused inode. A directory held a reference on its parent: that
 * parent is returned for the caller to put, so that a chain of removed
 * directories is released in a loop, never by recursion (a user picks its
 * length). NULL otherwise.
 */
struct inode *vfs_inode_free(struct inode *ino)
{
	struct inode *parent = NULL;

	if (S_ISDIR(ino->mode)) {
		BUG_ON(!list_empty(&ino->dir.entries)); /* dead directories take no entries */
		if (ino->dir.parent != ino)
			parent = ino->dir.parent;
	} else if (S_ISREG(ino->mode)) {
		filemap_release(ino);
		reg_release(ino);
	} else if (S_ISLNK(ino->mode)) {
		vfs_free(ino->link.target);
	}
	BUG_ON(S_ISFIFO(ino->mode) && ino->fifo.pipe); /* open ends hold the inode */
	BUG_ON(S_ISSOCK(ino->mode) && ino->sock.sk);  /* so does the bound socket */
	vfs_free(ino);
	return parent;
}

/* Free ino and then each parent it was the last holder of. */
static void inode_release_chain(struct inode *ino)
{
	while (ino) {
		ino = vfs_inode_free(ino);
		if (!ino)
			break;
		BUG_ON(ino->refs == 0);
		if (--ino->refs || ino->nlink || ino == root_inode)
			break;
	}
}

void vfs_inode_get(struct inode *ino)
{
	ino->refs++;
}

void vfs_inode_put(struct inode *ino)
{
	BUG_ON(ino->refs == 0);
	if (--ino->refs == 0 && ino->nlink == 0 && ino != root_inode)
		inode_release_chain(ino);
}

s64 vfs_now(void)
{
	return time_realtime_offset_ns() + (s64)time_ns();
}

void vfs_touch_ctime(struct inode *ino)
{
	ino->ctime_ns = vfs_now();
}

/* Contents changed: mtime and ctime. */
void vfs_touch_modified(struct inode *ino)
{
	ino->mtime_ns = ino->ctime_ns = vfs_now();
}

struct inode *vfs_root(void)
{
	if (!root_inode) {
		for (size_t i = 0; i < NAME_HASH_SIZE; i++)
			list_init(&name_hash[i]);
		root_inode = vfs_inode_new(S_IFDIR | 0755);
		BUG_ON(IS_ERR(root_inode)); /* the first allocation after heap_init */
		root_inode->dir.parent = root_inode;
		root_inode->nlink = 1;
	}
	return root_inode;
}

struct inode *vfs_cwd(void)
{
	struct proc *p = current_proc();
	struct fd_table *t = p ? proc_fds(p) : NULL;
	struct inode *cwd = t ? fd_table_cwd(t) : NULL;

	return cwd ? cwd : vfs_root();
}

/* ---- directories ----------------------------------------------------------- */

/* FNV-1a over the name, mixed with the directory's address. */
static struct list_head *hash_bucket(const struct inode *dir, const char *name, size_t len)
{
	u64 h = 0xcbf29ce484222325ULL ^ ((uintptr_t)dir >> 4);

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3ULL;
	h ^= h >> 29;
	return &name_hash[h & (NAME_HASH_SIZE - 1)];
}

struct vfs_dirent *vfs_dir_find(struct inode *dir, const char *name, size_t len)
{
	struct list_head *bucket = hash_bucket(dir, name, len);
	struct vfs_dirent *d;

	list_for_each_entry(d, bucket, hash)
		if (d->dir == dir && d->name_len == len && memcmp(d->name, name, len) == 0)
			return d;
	return NULL;
}

/* A dead directory (removed: no name left) takes no new entries, so that
 * nothing can hang below it once its last reference goes. The root lives. */
bool vfs_dir_dead(const struct inode *dir)
{
	return dir->nlink == 0;
}

static void dirent_free(struct vfs_dirent *d)
{
	list_del(&d->node);
	list_del(&d->hash);
	list_del(&d->alias_node);
	vfs_free(d);
}

/* Add name -> child in dir (name must not exist). 0, -ENOENT (dir is
 * dead), -ENOSPC or -ENOMEM. */
int vfs_dir_link(struct inode *dir, const char *name, size_t len, struct inode *child)
{
	struct vfs_dirent *d;

	if (vfs_dir_dead(dir))
		return -ENOENT;
	d = vfs_alloc(sizeof(*d) + len + 1);
	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	d->dir = dir;
	d->inode = child;
	d->cookie = dir->dir.next_cookie++;
	d->name_len = len;
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	list_add_tail(&d->node, &dir->dir.entries);
	list_add_tail(&d->hash, hash_bucket(dir, name, len));
	list_add_tail(&d->alias_node, &child->aliases);
	child->nlink++;
	if (S_ISDIR(child->mode)) {
		child->dir.parent = dir;
		child->dir.self = d;
		vfs_inode_get(dir);
	}
	vfs_touch_modified(dir);
	vfs_touch_ctime(child);
	dnotify_dir_event(dir, DN_CREATE);
	return 0;
}

/* Take entry d out of dir, leaving its inode's nlink and refs alone. */
void vfs_dir_drop_entry(struct inode *dir, struct vfs_dirent *d)
{
	struct inode *child = d->inode;

	if (S_ISDIR(child->mode) && child->dir.self == d)
		child->dir.self = NULL;
	dirent_free(d);
	vfs_touch_modified(dir);
	vfs_touch_ctime(child);
	dnotify_dir_event(dir, DN_DELETE);
}

/* Remove entry d from dir; frees the inode if nothing else holds it. */
void vfs_dir_unlink(struct inode *dir, struct vfs_dirent *d)
{
	struct inode *child = d->inode;

	vfs_dir_drop_entry(dir, d);
	child->nlink--;
	if (child->nlink == 0 && child->refs == 0)
		inode_release_chain(child);
}

bool vfs_dir_empty(struct inode *dir)
{
	return list_empty(&dir->dir.entries);
}

unsigned vfs_dir_subdirs(struct inode *dir)
{
	struct vfs_dirent *d;
	unsigned n = 0;

	list_for_each_entry(d, &dir->dir.entries, node)
		n += S_ISDIR(d->inode->mode);
	return n;
}

/* The entry at or after getdents cookie pos (>= 2), or NULL. */
struct vfs_dirent *vfs_dir_seek(struct inode *dir, u64 pos)
{
	struct vfs_dirent *d;

	list_for_each_entry(d, &dir->dir.entries, node)
		if (d->cookie >= pos)
			return d;
	return NULL;
}

struct vfs_dirent *vfs_dir_next(struct inode *dir, struct vfs_dirent *d)
{
	return d->node.next == &dir->dir.entries ? NULL
		: list_entry(d->node.next, struct vfs_dirent, node);
}

void vfs_dirent_info(const struct vfs_dirent *d, const char **name, struct inode **ino,
		     u64 *cookie)
{
	*name = d->name;
	*ino = d->inode;
	*cookie = d->cookie;
}


/* A kmalloc'ed copy of an absolute path, or NULL (too long, no memory). */
static char *path_dup(const char *path)
{
	size_t n = strnlen(path, PATH_MAX);
	char *p = n < PATH_MAX ? kmalloc(n + 1) : NULL;

	if (p)
		memcpy(p, path, n + 1);
	return p;
}

/* A new special inode (generated file, char device) at absolute path. */
static struct inode *add_special(const char *path, u32 mode)
{
	struct inode *ino;
	bool created;
	int err;

	char *copy;

	if (path[0] != '/')
		return ERR_PTR(-EINVAL);
	copy = path_dup(path);
	if (!copy)
		return ERR_PTR(-ENOMEM);
	err = vfs_make_parent_dirs(copy);
	kfree(copy);
	if (err)
		return ERR_PTR(err);
	ino = vfs_lookup_create(vfs_root(), path, mode, VFS_LC_EXCL | VFS_LC_KERNEL, &created);
	return ino;
}

int vfs_add_generated(const char *path, long (*show)(char *buf, size_t size))
{
	struct inode *ino = add_special(path, S_IFREG | 0444);

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	ino->gen = show;
	vfs_inode_put(ino);
	return 0;
}

int vfs_add_sysctl(const char *path, long (*show)(char *buf, size_t size),
		   int (*store)(const char *text))
{
	struct inode *ino = add_special(path, S_IFREG | 0644);

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	ino->gen = show;
	ino->gen_store = store;
	vfs_inode_put(ino);
	return 0;
}

/* The drivers behind the kernel's own device nodes, by number: what a
 * node mknod made opens (Linux's chrdev_open). */
#define CHRDEV_MAX 16
static struct {
	u64 rdev;
	const struct file_ops *fops;
	bool any_minor; /* every number of rdev's major */
} chrdevs[CHRDEV_MAX];
static int nchrdevs;

const struct file_ops *vfs_chrdev_fops(u64 rdev)
{
	const struct file_ops *major = NULL;

	for (int i = 0; i < nchrdevs; i++) {
		if (chrdevs[i].rdev == rdev)
			return chrdevs[i].fops;
		if (chrdevs[i].any_minor && SIS_MAJOR(chrdevs[i].rdev) == SIS_MAJOR(rdev))
			major = chrdevs[i].fops;
	}
	return major;
}

static int add_chrdev(u64 rdev, const struct file_ops *fops, bool any_minor)
{
	if (nchrdevs == CHRDEV_MAX) {
		log_warn("vfs: no room to register device %u:%u", SIS_MAJOR(rdev), SIS_MINOR(rdev));
		return -ENOSPC;
	}
	chrdevs[nchrdevs].rdev = rdev;
	chrdevs[nchrdevs].any_minor = any_minor;
	chrdevs[nchrdevs++].fops = fops;
	return 0;
}

int vfs_add_chrdev_major(unsigned major, const struct file_ops *fops)
{
	return add_chrdev(SIS_MKDEV(major, 0), fops, true);
}

int vfs_add_chardev_node(const char *path, const struct file_ops *fops, u64 rdev)
{
	struct inode *ino = add_special(path, S_IFCHR | 0666);

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	ino->chr.fops = fops;
	ino->rdev = rdev;
	vfs_inode_put(ino);
	return 0;
}

int vfs_add_chardev(const char *path, const struct file_ops *fops, u64 rdev)
{
	int err = vfs_add_chardev_node(path, fops, rdev);

	if (err || vfs_chrdev_fops(rdev))
		return err;
	add_chrdev(rdev, fops, false); /* a node mknod makes then gives ENXIO */
	return 0;
}

void vfs_for_each_parent(const struct inode *ino, void (*fn)(const struct inode *dir, u32 arg),
			 u32 arg)
{
	struct vfs_dirent *d;

	list_for_each_entry(d, &ino->aliases, alias_node)
		fn(d->dir, arg);
}

struct inode *vfs_sibling(const struct inode *ino, const char *name)
{
	struct vfs_dirent *d;

	list_for_each_entry(d, &ino->aliases, alias_node) {
		struct vfs_dirent *s = vfs_dir_find(d->dir, name, strlen(name));

		if (s)
			return s->inode;
	}
	return NULL;
}

/* ---- AF_UNIX socket names -------------------------------------------------- */

struct inode *vfs_sock_bind(const char *path, u32 mode, void *sk)
{
	struct inode *ino;
	bool created;

	ino = vfs_lookup_create(NULL, path, S_IFSOCK | (mode & 07777), VFS_LC_EXCL, &created);
	if (IS_ERR(ino))
		return PTR_ERR(ino) == -EEXIST ? ERR_PTR(-EADDRINUSE) : ino;
	ino->sock.sk = sk;
	return ino;
}

void vfs_sock_unbind(struct inode *ino)
{
	ino->sock.sk = NULL; /* the name may stay: connecting to it is refused */
	vfs_inode_put(ino);
}

void *vfs_sock_lookup(const char *path, int *err)
{
	struct inode *ino = vfs_lookup_at(NULL, path);
	void *sk;

	if (IS_ERR(ino)) {
		*err = (int)PTR_ERR(ino);
		return NULL;
	}
	*err = vfs_permission(ino, MAY_WRITE); /* Linux's unix_find_bsd */
	if (*err) {
		vfs_inode_put(ino);
		return NULL;
	}
	sk = S_ISSOCK(ino->mode) ? ino->sock.sk : NULL;
	vfs_inode_put(ino);
	*err = sk ? 0 : -ECONNREFUSED;
	return sk;
}

/* ---- generated trees (procfs) ------------------------------------------------ */

/* A new inode named name in dir, referenced by its name only. */
static struct inode *gen_new(struct inode *dir, const char *name, u32 mode)
{
	size_t len = strlen(name);
	struct inode *ino;
	int err;

	if (vfs_dir_find(dir, name, len))
		return ERR_PTR(-EEXIST);
	ino = vfs_inode_new(mode);
	if (IS_ERR(ino))
		return ino;
	err = vfs_dir_link(dir, name, len, ino);
	if (err) {
		vfs_inode_free(ino);
		return ERR_PTR(err);
	}
	ino->refs--; /* its name holds it */
	return ino;
}

struct inode *vfs_gen_dir(struct inode *dir, const char *name, void (*refresh)(struct inode *),
			  long arg)
{
	struct inode *ino = gen_new(dir, name, S_IFDIR | 0555);

	if (!IS_ERR(ino)) {
		ino->dir.refresh = refresh;
		ino->dir.generated = true;
		ino->gen_arg = arg;
	}
	return ino;
}

static int gen_leaf(struct inode *dir, const char *name, u32 mode,
		    long (*show)(long, char *, size_t), long arg)
{
	struct inode *ino = gen_new(dir, name, mode);

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	ino->gen_arg_show = show;
	ino->gen_arg = arg;
	return 0;
}

int vfs_gen_file(struct inode *dir, const char *name, long (*show)(long, char *, size_t),
		 long arg)
{
	return gen_leaf(dir, name, S_IFREG | 0444, show, arg);
}

int vfs_gen_link(struct inode *dir, const char *name, long (*show)(long, char *, size_t),
		 long arg)
{
	return gen_leaf(dir, name, S_IFLNK | 0777, show, arg);
}

int vfs_gen_magic_link(struct inode *dir, const char *name, long (*show)(long, char *, size_t),
		       struct file *(*resolve)(long arg), long arg)
{
	int err = gen_leaf(dir, name, S_IFLNK | 0777, show, arg);

	if (!err)
		vfs_gen_find(dir, name)->link.resolve = resolve;
	return err;
}

struct inode *vfs_gen_find(struct inode *dir, const char *name)
{
	struct vfs_dirent *d = vfs_dir_find(dir, name, strlen(name));

	return d ? d->inode : NULL;
}

/* Drop entry top of dir and everything below it: the deepest first, found
 * again from top each time (no recursion; generated trees are shallow and
 * users add nothing to them). */
static void remove_tree(struct inode *dir, struct vfs_dirent *top)
{
	for (;;) {
		struct inode *pdir = dir, *ino = top->inode;
		struct vfs_dirent *d = top;

		while (S_ISDIR(ino->mode) && !list_empty(&ino->dir.entries)) {
			pdir = ino;
			d = list_first_entry(&ino->dir.entries, struct vfs_dirent, node);
			ino = d->inode;
		}
		vfs_dir_unlink(pdir, d);
		if (d == top)
			return;
	}
}

int vfs_gen_remove(struct inode *dir, const char *name)
{
	struct vfs_dirent *d = vfs_dir_find(dir, name, strlen(name));

	if (!d)
		return -ENOENT;
	remove_tree(dir, d);
	return 0;
}

void vfs_gen_prune(struct inode *dir, bool (*keep)(const char *name, struct inode *ino))
{
	struct vfs_dirent *d, *next;

	list_for_each_entry_safe(d, next, &dir->dir.entries, node)
		if (!keep(d->name, d->inode))
			remove_tree(dir, d);
}

int vfs_set_refresh(const char *path, void (*refresh)(struct inode *))
{
	struct inode *dir = vfs_lookup(path);
	int err;

	if (IS_ERR(dir))
		return (int)PTR_ERR(dir);
	err = S_ISDIR(dir->mode) ? 0 : -ENOTDIR;

	if (!err)
		dir->dir.refresh = refresh;
	vfs_inode_put(dir);
	return err;
}

/* ---- working directory path ------------------------------------------------ */

long vfs_dir_path(struct inode *dir, char *buf, size_t size)
{
	size_t pos = size;

	if (size < 2)
		return -ERANGE;
	buf[--pos] = '\0';
	while (dir != vfs_root()) {
		const struct vfs_dirent *d = dir->dir.self;

		if (!d)
			return -ENOENT; /* removed directory */
		if (pos < d->name_len + 1)
			return -ERANGE;
		pos -= d->name_len;
		memcpy(buf + pos, d->name, d->name_len);
		buf[--pos] = '/';
		dir = d->dir;
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	memmove(buf, buf + pos, size - pos);
	return (long)(size - pos - 1);
}

long vfs_inode_path(struct inode *ino, char *buf, size_t size)
{
	const struct vfs_dirent *d;
	long n;

	if (S_ISDIR(ino->mode))
		return vfs_dir_path(ino, buf, size);
	if (list_empty(&ino->aliases))
		return -ENOENT;
	d = list_first_entry(&ino->aliases, struct vfs_dirent, alias_node);
	n = vfs_dir_path(d->dir, buf, size);
	if (n < 0)
		return n;
	if (n == 1)
		n = 0; /* the root: "/" + name */
	if ((size_t)n + 1 + d->name_len + 1 > size)
		return -ERANGE;
	buf[n++] = '/';
	memcpy(buf + n, d->name, d->name_len + 1);
	return n + (long)d->name_len;
}

/* ---- regular file contents ------------------------------------------------- */

/* Make the contents writable kernel memory of at least want bytes:
 * 0, -EFBIG, -ENOSPC (the tree's memory is used up) or -ENOMEM. */
static int reg_reserve(struct inode *ino, size_t want)
{
	size_t cap;
	char *data;

	if (want > VFS_FILE_MAX)
		return -EFBIG;
	if (ino->reg.data && want <= ino->reg.cap)
		return 0;
	cap = MIN(MAX(want, MAX(ino->reg.cap * 2, (size_t)64)), VFS_FILE_MAX);
	data = vfs_alloc(cap);
	if (IS_ERR(data) && cap > want)
		data = vfs_alloc(want); /* doubling was only a guess at what comes next */
	if (IS_ERR(data))
		return (int)PTR_ERR(data);
	if (ino->reg.size)
		memcpy(data, ino->reg.data ? ino->reg.data : ino->reg.ro, ino->reg.size);
	reg_release(ino);
	ino->reg.data = data;
	ino->reg.ro = NULL;
	ino->reg.cap = kmalloc_usable_size(data);
	return 0;
}

const char *vfs_reg_contents(const struct inode *ino)
{
	return ino->reg.data ? ino->reg.data : ino->reg.ro;
}

const void *vfs_reg_peek(struct inode *ino, size_t *size)
{
	const char *bytes;

	if (!S_ISREG(ino->mode) || ino->gen)
		return NULL;
	filemap_sync(ino);
	*size = ino->reg.size;
	bytes = vfs_reg_contents(ino);
	return bytes ? bytes : ""; /* an empty file */
}

int vfs_truncate(struct inode *ino, size_t size)
{
	int err;

	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode) || ino->gen)
		return -EINVAL;
	if (size > ino->reg.size) {
		size_t old = ino->reg.size;

		err = reg_reserve(ino, size);
		if (err)
			return err;
		memset(ino->reg.data + ino->reg.size, 0, size - ino->reg.size);
		ino->reg.size = size;
		filemap_written(ino, old, size - old);
	} else if (size == 0) {
		reg_release(ino); /* an emptied file gives its memory back, as on tmpfs */
		ino->reg.ro = NULL;
	}
	ino->reg.size = size;
	filemap_truncated(ino, size);
	vfs_touch_modified(ino);
	dnotify_inode_event(ino, DN_MODIFY);
	return 0;
}

/*
 * Room for len bytes at off: grows the file (zero-filling any hole) and
 * returns a pointer to write at, or ERR_PTR. The caller fills it; on a
 * failed copy it restores the old size with vfs_truncate.
 */
char *vfs_reg_write_area(struct inode *ino, size_t off, size_t len)
{
	int err;

	if (off > VFS_FILE_MAX || len > VFS_FILE_MAX - off)
		return ERR_PTR(-EFBIG);
	err = reg_reserve(ino, off + len);
	if (err)
		return ERR_PTR(err);
	if (off > ino->reg.size)
		memset(ino->reg.data + ino->reg.size, 0, off - ino->reg.size);
	if (off + len > ino->reg.size)
		ino->reg.size = off + len;
	vfs_touch_modified(ino);
	return ino->reg.data + off;
}

/* ---- kernel API ---------------------------------------------------------- */

int vfs_read_whole(const char *path, void **data, size_t *len)
{
	struct inode *ino = vfs_lookup(path);
	char *buf;
	int err = 0;

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	if (S_ISDIR(ino->mode)) {
		err = -EISDIR;
		goto out_put;
	}
	if (!S_ISREG(ino->mode) || ino->gen) {
		err = -EACCES;
		goto out_put;
	}
	filemap_sync(ino); /* a store through a shared mapping is part of the file */
	buf = kmalloc(ino->reg.size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out_put;
	}
	if (ino->reg.size)
		memcpy(buf, vfs_reg_contents(ino), ino->reg.size);
	buf[ino->reg.size] = '\0';
	*data = buf;
	*len = ino->reg.size;
out_put:
	vfs_inode_put(ino);
	return err;
}

int vfs_write_whole(const char *path, const void *data, size_t len)
{
	struct inode *ino;
	bool created;
	char *dst;
	int err;

	ino = vfs_lookup_create(NULL, path, S_IFREG | 0644, VFS_LC_FOLLOW | VFS_LC_KERNEL, &created);
	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	err = vfs_truncate(ino, 0);
	if (!err && len) {
		dst = vfs_reg_write_area(ino, 0, len);
		if (IS_ERR(dst)) {
			err = (int)PTR_ERR(dst);
		} else {
			memcpy(dst, data, len);
			filemap_written(ino, 0, len);
		}
	}
	vfs_inode_put(ino);
	return err;
}

struct file *vfs_open_kernel(const char *path, unsigned flags)
{
	return vfs_open_at(NULL, path, flags, 0644);
}
