/*
 * The VFS tree (see sis/vfs.h): inodes, directory entries, path lookup,
 * creating, renaming and removing names, and the kernel file API.
 * Open-file operations live in vfs_file.c, the initial ramdisk and boot
 * set-up in vfs_initrd.c.
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

/* A name in a directory. */
struct vfs_dirent {
	struct list_head node;   /* in dir->dir.entries, creation order */
	struct list_head hash;   /* in name_hash[], found by (dir, name) */
	struct inode *dir;       /* the directory holding it */
	struct inode *inode;     /* counted in inode->nlink */
	u64 cookie;              /* getdents64 position of this entry (>= 2) */
	size_t name_len;
	char name[];             /* NUL-terminated */
};

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
static void *vfs_alloc(size_t size)
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

static void vfs_free(void *p)
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
static struct inode *inode_new(u32 mode)
{
	struct inode *ino = vfs_alloc(sizeof(*ino));

	if (IS_ERR(ino))
		return ino;
	memset(ino, 0, sizeof(*ino));
	ino->ino = next_ino++;
	ino->mode = mode;
	ino->refs = 1;
	ino->mtime_ns = (s64)time_ns();
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
static struct inode *inode_free(struct inode *ino)
{
	struct inode *parent = NULL;

	if (S_ISDIR(ino->mode)) {
		BUG_ON(!list_empty(&ino->dir.entries)); /* dead directories take no entries */
		if (ino->dir.parent != ino)
			parent = ino->dir.parent;
	} else if (S_ISREG(ino->mode)) {
		filemap_release(ino);
		reg_release(ino);
	}
	vfs_free(ino);
	return parent;
}

/* Free ino and then each parent it was the last holder of. */
static void inode_release_chain(struct inode *ino)
{
	while (ino) {
		ino = inode_free(ino);
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

struct inode *vfs_root(void)
{
	if (!root_inode) {
		for (size_t i = 0; i < NAME_HASH_SIZE; i++)
			list_init(&name_hash[i]);
		root_inode = inode_new(S_IFDIR | 0755);
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

static struct vfs_dirent *dir_find(struct inode *dir, const char *name, size_t len)
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
static bool dir_dead(const struct inode *dir)
{
	return dir->nlink == 0;
}

static void dirent_free(struct vfs_dirent *d)
{
	list_del(&d->node);
	list_del(&d->hash);
	vfs_free(d);
}

/* Add name -> child in dir (name must not exist). 0, -ENOENT (dir is
 * dead), -ENOSPC or -ENOMEM. */
static int dir_link(struct inode *dir, const char *name, size_t len, struct inode *child)
{
	struct vfs_dirent *d;

	if (dir_dead(dir))
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
	child->nlink++;
	if (S_ISDIR(child->mode)) {
		child->dir.parent = dir;
		child->dir.self = d;
		vfs_inode_get(dir);
	}
	dir->mtime_ns = (s64)time_ns();
	return 0;
}

/* Take entry d out of dir, leaving its inode's nlink and refs alone. */
static void dir_drop_entry(struct inode *dir, struct vfs_dirent *d)
{
	struct inode *child = d->inode;

	if (S_ISDIR(child->mode) && child->dir.self == d)
		child->dir.self = NULL;
	dirent_free(d);
	dir->mtime_ns = (s64)time_ns();
}

/* Remove entry d from dir; frees the inode if nothing else holds it. */
static void dir_unlink(struct inode *dir, struct vfs_dirent *d)
{
	struct inode *child = d->inode;

	dir_drop_entry(dir, d);
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

/* ---- path lookup ------------------------------------------------------------ */

/*
 * One step of a walk: the child called name (len bytes) of dir, not
 * referenced. Handles "." and "..". -ENOTDIR if dir is not a directory.
 */
static struct inode *step(struct inode *dir, const char *name, size_t len)
{
	struct vfs_dirent *d;

	if (!S_ISDIR(dir->mode))
		return ERR_PTR(-ENOTDIR);
	if (len == 1 && name[0] == '.')
		return dir;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return dir->dir.parent;
	d = dir_find(dir, name, len);
	return d ? d->inode : ERR_PTR(-ENOENT);
}

/* Length of the component at p, or -ENAMETOOLONG. */
static long component_len(const char *p)
{
	size_t n = 0;

	while (p[n] && p[n] != '/')
		n++;
	return n > NAME_MAX ? -ENAMETOOLONG : (long)n;
}

/* The last component of a path, when a walk stops at its parent. */
struct last_name {
	const char *name;    /* inside the path, not NUL-terminated */
	size_t len;
	bool slash;          /* followed by '/': must be a directory */
};

/*
 * Walk path from base (NULL: the cwd; absolute paths start at the root) and
 * return the final inode, referenced. With last, stop before the last
 * component instead: return the directory holding it (referenced) and
 * describe the component in *last. A path without a last component ("/",
 * "a/.." is fine: ".." is one) gives -EEXIST in that mode.
 */
static struct inode *walk(struct inode *base, const char *path, struct last_name *last)
{
	struct inode *cur;
	const char *p = path;

	if (!path[0])
		return ERR_PTR(-ENOENT);
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	cur = (*p == '/') ? vfs_root() : (base ? base : vfs_cwd());
	for (;;) {
		long len;
		const char *next;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		len = component_len(p);
		if (len < 0)
			return ERR_PTR(len);
		next = p + len;
		while (*next == '/')
			next++;
		if (last && !*next) {
			if (!S_ISDIR(cur->mode))
				return ERR_PTR(-ENOTDIR);
			last->name = p;
			last->len = (size_t)len;
			last->slash = p[len] == '/';
			vfs_inode_get(cur);
			return cur;
		}
		cur = step(cur, p, (size_t)len);
		if (IS_ERR(cur))
			return cur;
		p = next;
	}
	if (last)
		return ERR_PTR(S_ISDIR(cur->mode) ? -EEXIST : -ENOTDIR);
	if (path[strlen(path) - 1] == '/' && !S_ISDIR(cur->mode))
		return ERR_PTR(-ENOTDIR);
	vfs_inode_get(cur);
	return cur;
}

struct inode *vfs_lookup_at(struct inode *base, const char *path)
{
	return walk(base, path, NULL);
}

struct inode *vfs_lookup(const char *path)
{
	return vfs_lookup_at(NULL, path);
}

/* Is this last component "." or ".."? (cannot be created or removed) */
static bool is_dot_name(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/*
 * Find or create the last component of path under its parent. mode carries
 * the type of a new object. *created tells whether it is new. Returns the
 * inode referenced, or ERR_PTR (-EEXIST if excl and it exists).
 */
static struct inode *lookup_create(struct inode *base, const char *path, u32 mode, bool excl,
				   bool *created)
{
	struct inode *dir, *ino;
	struct last_name last;
	struct vfs_dirent *d;
	int err;

	*created = false;
	dir = walk(base, path, &last);
	if (IS_ERR(dir)) {
		/* "/": exists, and is a directory */
		if (PTR_ERR(dir) == -EEXIST && !excl)
			return walk(base, path, NULL);
		return dir;
	}
	if (is_dot_name(last.name, last.len)) {
		ino = excl ? ERR_PTR(-EEXIST) : step(dir, last.name, last.len);
		if (!IS_ERR(ino))
			vfs_inode_get(ino);
		goto out_put_dir;
	}
	d = dir_find(dir, last.name, last.len);
	if (d) {
		ino = d->inode;
		if (excl)
			ino = ERR_PTR(-EEXIST);
		else if (last.slash && !S_ISDIR(ino->mode))
			ino = ERR_PTR(-ENOTDIR);
		else
			vfs_inode_get(ino);
		goto out_put_dir;
	}
	if (last.slash && !S_ISDIR(mode)) {
		ino = ERR_PTR(-EISDIR);
		goto out_put_dir;
	}
	if (dir_dead(dir)) {
		ino = ERR_PTR(-ENOENT); /* removed: see dir_dead */
		goto out_put_dir;
	}
	ino = inode_new(mode);
	if (IS_ERR(ino))
		goto out_put_dir;
	err = dir_link(dir, last.name, last.len, ino);
	if (err) {
		inode_free(ino); /* never linked: holds no parent */
		ino = ERR_PTR(err);
		goto out_put_dir;
	}
	*created = true;
out_put_dir:
	vfs_inode_put(dir);
	return ino;
}

struct inode *vfs_create_at(struct inode *base, const char *path, u32 mode, bool excl,
			    bool *created)
{
	return lookup_create(base, path, mode, excl, created);
}

int vfs_mkdir_at(struct inode *base, const char *path, u32 mode)
{
	bool created;
	struct inode *ino = lookup_create(base, path, S_IFDIR | (mode & 07777), true, &created);

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	vfs_inode_put(ino);
	return 0;
}

int vfs_unlink_at(struct inode *base, const char *path, bool rmdir)
{
	struct inode *dir, *ino;
	struct last_name last;
	struct vfs_dirent *d;
	int err = 0;

	dir = walk(base, path, &last);
	if (IS_ERR(dir) && PTR_ERR(dir) == -EEXIST) /* "/": Linux's LAST_ROOT */
		return rmdir ? -EBUSY : -EISDIR;
	if (IS_ERR(dir))
		return (int)PTR_ERR(dir);
	if (is_dot_name(last.name, last.len)) {
		err = rmdir ? (last.len == 1 ? -EINVAL : -ENOTEMPTY) : -EISDIR;
		goto out_put_dir;
	}
	d = dir_find(dir, last.name, last.len);
	if (!d) {
		err = -ENOENT;
		goto out_put_dir;
	}
	ino = d->inode;
	if (rmdir && !S_ISDIR(ino->mode))
		err = -ENOTDIR;
	else if (!rmdir && S_ISDIR(ino->mode))
		err = -EISDIR;
	else if (!rmdir && last.slash)
		err = -ENOTDIR;
	else if (rmdir && !vfs_dir_empty(ino))
		err = -ENOTEMPTY;
	if (!err)
		dir_unlink(dir, d);
out_put_dir:
	vfs_inode_put(dir);
	return err;
}

/* Is anc (a directory) dir itself or one of dir's ancestors? */
static bool is_ancestor(const struct inode *anc, struct inode *dir)
{
	for (;;) {
		if (dir == anc)
			return true;
		if (dir == vfs_root())
			return false;
		dir = dir->dir.parent;
	}
}

/* Can entry nd (about to be replaced) be replaced by ino? 0 or -errno. */
static int may_replace(const struct inode *ino, const struct vfs_dirent *nd)
{
	const struct inode *old = nd->inode;

	if (S_ISDIR(ino->mode) && !S_ISDIR(old->mode))
		return -ENOTDIR;
	if (!S_ISDIR(ino->mode) && S_ISDIR(old->mode))
		return -EISDIR;
	if (S_ISDIR(old->mode) && !list_empty(&old->dir.entries))
		return -ENOTEMPTY;
	return 0;
}

/*
 * Move the entry od of odir to the name nl in ndir, replacing nd if given.
 * The new name is made first, so running out of memory changes nothing.
 */
static int move_entry(struct inode *odir, struct vfs_dirent *od, struct inode *ndir,
		      const struct last_name *nl, struct vfs_dirent *nd)
{
	struct inode *ino = od->inode;
	int err = dir_link(ndir, nl->name, nl->len, ino);

	if (err)
		return err;
	dir_drop_entry(odir, od); /* a directory's self already names the new entry */
	ino->nlink--;
	if (S_ISDIR(ino->mode))
		vfs_inode_put(odir); /* dir_link took a reference on the new parent */
	if (nd)
		dir_unlink(ndir, nd);
	return 0;
}

/* The checks and the move of vfs_rename_at, with both parents looked up. */
static int rename_entries(struct inode *odir, const struct last_name *ol, struct inode *ndir,
			  const struct last_name *nl)
{
	struct vfs_dirent *od, *nd;
	struct inode *ino;
	int err;

	if (is_dot_name(ol->name, ol->len) || is_dot_name(nl->name, nl->len))
		return -EINVAL;
	od = dir_find(odir, ol->name, ol->len);
	if (!od)
		return -ENOENT;
	ino = od->inode;
	if ((ol->slash || nl->slash) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	if (dir_dead(ndir))
		return -ENOENT;
	nd = dir_find(ndir, nl->name, nl->len);
	if (nd && nd->inode == ino)
		return 0; /* the same file: nothing to do (POSIX) */
	if (S_ISDIR(ino->mode) && is_ancestor(ino, ndir))
		return -EINVAL; /* into its own subtree */
	if (nd) {
		err = may_replace(ino, nd);
		if (err)
			return err;
	}
	return move_entry(odir, od, ndir, nl, nd);
}

int vfs_rename_at(struct inode *obase, const char *opath, struct inode *nbase, const char *npath)
{
	struct last_name ol, nl;
	struct inode *odir, *ndir;
	int err;

	odir = walk(obase, opath, &ol);
	if (IS_ERR(odir))
		return PTR_ERR(odir) == -EEXIST ? -EBUSY : (int)PTR_ERR(odir);
	ndir = walk(nbase, npath, &nl);
	if (IS_ERR(ndir)) {
		err = PTR_ERR(ndir) == -EEXIST ? -EBUSY : (int)PTR_ERR(ndir);
		goto out_put_odir;
	}
	err = rename_entries(odir, &ol, ndir, &nl);
	vfs_inode_put(ndir);
out_put_odir:
	vfs_inode_put(odir);
	return err;
}

/*
 * mkdir -p: every directory along the absolute path, made as needed. The
 * path is cut at each '/' in turn and restored, so it must be writable.
 */
struct inode *vfs_mkdir_parents(char *path)
{
	size_t n = strlen(path);
	struct inode *ino;
	bool created;

	for (size_t i = 1; i <= n; i++) {
		char saved = path[i];

		if (saved != '/' && saved != '\0')
			continue;
		path[i] = '\0';
		ino = lookup_create(vfs_root(), path, S_IFDIR | 0755, false, &created);
		path[i] = saved;
		if (IS_ERR(ino))
			return ino;
		if (!S_ISDIR(ino->mode)) {
			vfs_inode_put(ino);
			return ERR_PTR(-ENOTDIR);
		}
		if (i == n)
			return ino;
		vfs_inode_put(ino);
	}
	vfs_inode_get(vfs_root());
	return vfs_root();
}

/* The directory part of an absolute (writable) path, made with mkdir -p. */
int vfs_make_parent_dirs(char *path)
{
	char *slash = strrchr(path, '/');
	struct inode *dir;

	if (!slash || slash == path)
		return 0;
	*slash = '\0';
	dir = vfs_mkdir_parents(path);
	*slash = '/';
	if (IS_ERR(dir))
		return (int)PTR_ERR(dir);
	vfs_inode_put(dir);
	return 0;
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
	ino = lookup_create(vfs_root(), path, mode, true, &created);
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

int vfs_add_chardev(const char *path, const struct file_ops *fops, u64 rdev)
{
	struct inode *ino = add_special(path, S_IFCHR | 0666);

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	ino->chr.fops = fops;
	ino->rdev = rdev;
	vfs_inode_put(ino);
	return 0;
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
	ino->mtime_ns = (s64)time_ns();
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
	ino->mtime_ns = (s64)time_ns();
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

	ino = lookup_create(NULL, path, S_IFREG | 0644, false, &created);
	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	err = vfs_truncate(ino, 0);
	if (!err && len) {
		dst = vfs_reg_write_area(ino, 0, len);
		if (IS_ERR(dst))
			err = (int)PTR_ERR(dst);
		else
			memcpy(dst, data, len);
	}
	vfs_inode_put(ino);
	return err;
}

struct file *vfs_open_kernel(const char *path, unsigned flags)
{
	return vfs_open_at(NULL, path, flags, 0644);
}
