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
#include <uapi/sis/capability.h>

/* A name in a directory. */
struct vfs_dirent {
	struct list_head node;   /* in dir->dir.entries, creation order */
	struct list_head hash;   /* in name_hash[], found by (dir, name) */
	struct inode *dir;       /* the directory holding it */
	struct inode *inode;     /* counted in inode->nlink */
	struct list_head alias_node; /* in inode->aliases */
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

s64 vfs_now(void)
{
	return time_realtime_offset_ns() + (s64)time_ns();
}

void vfs_touch_ctime(struct inode *ino)
{
	ino->ctime_ns = vfs_now();
}

/* Contents changed: mtime and ctime. */
static void touch_modified(struct inode *ino)
{
	ino->mtime_ns = ino->ctime_ns = vfs_now();
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
	list_del(&d->alias_node);
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
	list_add_tail(&d->alias_node, &child->aliases);
	child->nlink++;
	if (S_ISDIR(child->mode)) {
		child->dir.parent = dir;
		child->dir.self = d;
		vfs_inode_get(dir);
	}
	touch_modified(dir);
	vfs_touch_ctime(child);
	dnotify_dir_event(dir, DN_CREATE);
	return 0;
}

/* Take entry d out of dir, leaving its inode's nlink and refs alone. */
static void dir_drop_entry(struct inode *dir, struct vfs_dirent *d)
{
	struct inode *child = d->inode;

	if (S_ISDIR(child->mode) && child->dir.self == d)
		child->dir.self = NULL;
	dirent_free(d);
	touch_modified(dir);
	vfs_touch_ctime(child);
	dnotify_dir_event(dir, DN_DELETE);
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

/* Bring a generated directory's entries up to date before looking in it. */
static void dir_refresh(struct inode *dir)
{
	if (S_ISDIR(dir->mode) && dir->dir.refresh && !dir_dead(dir))
		dir->dir.refresh(dir);
}

/* dir_find for what a user names: a generated directory is refreshed first. */
static struct vfs_dirent *dir_find_fresh(struct inode *dir, const char *name, size_t len)
{
	dir_refresh(dir);
	return dir_find(dir, name, len);
}

void vfs_dir_refresh(struct inode *dir)
{
	dir_refresh(dir);
}

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
	d = dir_find_fresh(dir, name, len);
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

/*
 * A walk along a path. It holds no references while it runs (nothing
 * sleeps, nothing is removed under it); the callers below reference what
 * they keep. After a symbolic link the rest of the path lives in buf.
 */
struct walk {
	struct inode *dir;  /* the directory holding the last component */
	const char *name;   /* the last component (not NUL-terminated) */
	size_t len;         /* its length; 0: the path has none ("/") and dir is the result */
	bool slash;         /* the last component is followed by '/': a directory */
	char *buf;          /* kmalloc'ed expansion of the links followed, or NULL */
	unsigned links;     /* symbolic links followed so far (VFS_SYMLOOP_MAX) */
	/* The path ended at a magic link to a file without an inode (a
	 * pipe): that file (not referenced); the walk says -ENXIO. */
	struct file *magic;
};

#define WALK_FOLLOW 1u /* follow a symbolic link in the last component */

static void walk_done(struct walk *w)
{
	kfree(w->buf);
	w->buf = NULL;
}

/* A symbolic link's target into buf (size >= 1): the length the whole
 * target has (it is cut at size), or -errno. */
static long link_read(struct inode *link, char *buf, size_t size)
{
	if (link->gen_arg_show)
		return link->gen_arg_show(link->gen_arg, buf, size);
	memcpy(buf, link->link.target, MIN(size, link->link.len));
	return (long)link->link.len;
}

/*
 * Continue the walk through the link found in *cur: the rest of the path
 * (rest, which may point into w->buf) goes after its target, from the root
 * for an absolute target, else from *cur.
 */
static int walk_follow(struct walk *w, struct inode **cur, struct inode *link, const char *rest)
{
	size_t rlen = strlen(rest);
	char *buf;
	long n;

	if (++w->links > VFS_SYMLOOP_MAX)
		return -ELOOP;
	buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	n = link_read(link, buf, PATH_MAX);
	if (n >= 0 && (size_t)n + rlen >= PATH_MAX)
		n = -ENAMETOOLONG;
	else if (n == 0)
		n = -ENOENT; /* Linux: an empty target names nothing */
	if (n < 0) {
		kfree(buf);
		return (int)n;
	}
	memcpy(buf + n, rest, rlen + 1);
	kfree(w->buf);
	w->buf = buf;
	if (buf[0] == '/')
		*cur = vfs_root();
	return 0;
}

/*
 * Go through the magic link found in *cur (/proc/PID/fd/N): on from the
 * open file's inode. At the end of the path (last) that inode is the
 * result (w->len 0, as for "/"); a file without an inode ends the walk
 * with -ENXIO and w->magic.
 */
static int walk_magic(struct walk *w, struct inode **cur, struct inode *link, bool last)
{
	struct file *f = link->link.resolve(link->gen_arg);

	if (++w->links > VFS_SYMLOOP_MAX)
		return -ELOOP;
	if (IS_ERR_OR_NULL(f))
		return f ? (int)PTR_ERR(f) : -ENOENT;
	if (!f->inode) {
		w->magic = f;
		return -ENXIO;
	}
	*cur = f->inode;
	if (last) {
		if (w->slash && !S_ISDIR(f->inode->mode))
			return -ENOTDIR;
		w->dir = *cur;
		w->name = NULL;
		w->len = 0;
		w->slash = false;
	}
	return 0;
}

/*
 * Walk path from base (NULL: the cwd; absolute paths start at the root) up
 * to its last component, following every symbolic link on the way, and the
 * last one too with WALK_FOLLOW or a trailing '/'. Fills *w (walk_done it,
 * also on error). -ENOENT, -ENOTDIR, -ENAMETOOLONG, -ELOOP, -ENOMEM.
 */
static int walk_path(struct walk *w, struct inode *base, const char *path, unsigned flags)
{
	struct inode *cur, *child;
	const char *p = path;
	int err;

	memset(w, 0, sizeof(*w));
	if (!path[0])
		return -ENOENT;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	cur = (*p == '/') ? vfs_root() : (base ? base : vfs_cwd());
	for (;;) {
		const char *next;
		long len;

		while (*p == '/')
			p++;
		if (!*p) {
			w->dir = cur; /* no last component */
			return 0;
		}
		len = component_len(p);
		if (len < 0)
			return (int)len;
		if (S_ISDIR(cur->mode)) {
			err = vfs_permission(cur, MAY_EXEC); /* search, on every directory */
			if (err)
				return err;
		}
		for (next = p + len; *next == '/'; next++)
			;
		if (!*next) {
			if (!S_ISDIR(cur->mode))
				return -ENOTDIR;
			w->dir = cur;
			w->name = p;
			w->len = (size_t)len;
			w->slash = p[len] == '/';
			if (!(flags & WALK_FOLLOW) && !w->slash)
				return 0;
		}
		child = step(cur, p, (size_t)len);
		if (!*next && (IS_ERR(child) || !S_ISLNK(child->mode)))
			return 0; /* the caller looks at the last component */
		if (IS_ERR(child))
			return (int)PTR_ERR(child);
		if (S_ISLNK(child->mode) && child->link.resolve) {
			err = walk_magic(w, &cur, child, !*next);
			if (err || !*next)
				return err;
			p = next;
			continue;
		}
		if (S_ISLNK(child->mode)) {
			err = walk_follow(w, &cur, child, p + len);
			if (err)
				return err;
			p = w->buf;
			continue;
		}
		cur = child;
		p = next;
	}
}

/* The inode path names, referenced, or ERR_PTR. */
static struct inode *lookup_magic(struct inode *base, const char *path, unsigned flags,
				  struct file **magic)
{
	struct inode *ino;
	struct walk w;
	int err = walk_path(&w, base, path, flags);

	if (err == -ENXIO && w.magic && magic) {
		file_get(w.magic);
		*magic = w.magic;
	} else if (err == -ENXIO && w.magic) {
		err = -ENOENT; /* "pipe:[ino]" names nothing in the tree */
	}
	if (err) {
		ino = ERR_PTR(err);
		goto out;
	}
	ino = w.len ? step(w.dir, w.name, w.len) : w.dir;
	if (!IS_ERR(ino) && w.slash && !S_ISDIR(ino->mode))
		ino = ERR_PTR(-ENOTDIR);
	if (!IS_ERR(ino))
		vfs_inode_get(ino);
out:
	walk_done(&w);
	return ino;
}

static struct inode *lookup(struct inode *base, const char *path, unsigned flags)
{
	return lookup_magic(base, path, flags, NULL);
}

struct inode *vfs_lookup_open(struct inode *base, const char *path, bool follow,
			      struct file **magic)
{
	*magic = NULL;
	return lookup_magic(base, path, follow ? WALK_FOLLOW : 0, magic);
}

struct inode *vfs_lookup_at(struct inode *base, const char *path)
{
	return lookup(base, path, WALK_FOLLOW);
}

struct inode *vfs_lookup_nofollow(struct inode *base, const char *path)
{
	return lookup(base, path, 0);
}

struct inode *vfs_lookup(const char *path)
{
	return vfs_lookup_at(NULL, path);
}

/*
 * The walk of a call that acts on a name (create, remove, rename): w->dir
 * is referenced (walk_parent_done drops it). A path without a last
 * component ("/") is -EEXIST here.
 */
static int walk_parent(struct walk *w, struct inode *base, const char *path, unsigned flags)
{
	int err = walk_path(w, base, path, flags);

	if (!err && !w->len)
		err = -EEXIST;
	if (err) {
		walk_done(w);
		return err;
	}
	vfs_inode_get(w->dir);
	return 0;
}

static void walk_parent_done(struct walk *w)
{
	vfs_inode_put(w->dir);
	walk_done(w);
}

/* Is this last component "." or ".."? (cannot be created or removed) */
static bool is_dot_name(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* A new inode of mode linked as w's last component; ERR_PTR on failure. */
/* How lookup_create works. */
#define LC_EXCL 1u    /* the name must not exist (-EEXIST) */
#define LC_FOLLOW 2u  /* follow a symbolic link in the last component (not with LC_EXCL) */
#define LC_KERNEL 4u  /* the kernel's own names: also in generated directories */

/*
 * The mode of a new inode in dir, as Linux's inode_init_owner: in a setgid
 * directory a new directory is setgid too (its group is the directory's);
 * a new file keeps S_ISGID only if its creator is root or in that group.
 */
static u32 setgid_mode(const struct inode *dir, u32 mode)
{
	u32 gid = (dir->mode & S_ISGID) ? dir->gid : proc_egid();

	if ((dir->mode & S_ISGID) && S_ISDIR(mode))
		return mode | S_ISGID;
	if ((mode & S_ISGID) && !S_ISDIR(mode) && !proc_capable(CAP_FSETID) &&
	    !proc_access_in_group(false, gid))
		return mode & ~(u32)S_ISGID;
	return mode;
}

static struct inode *create_last(struct walk *w, u32 mode, unsigned how)
{
	struct inode *ino;
	int err;

	if (w->slash && !S_ISDIR(mode))
		return ERR_PTR(-EISDIR);
	if (dir_dead(w->dir))
		return ERR_PTR(-ENOENT); /* removed: see dir_dead */
	if (!(how & LC_KERNEL) && (w->dir->dir.generated || w->dir->dir.refresh))
		return ERR_PTR(-EACCES); /* procfs: the kernel's names only */
	if (!(how & LC_KERNEL)) {
		err = vfs_may_create(w->dir);
		if (err)
			return ERR_PTR(err);
		if ((S_ISCHR(mode) || S_ISBLK(mode)) && !proc_capable(CAP_MKNOD))
			return ERR_PTR(-EPERM); /* Linux's vfs_mknod, after may_create */
	}
	ino = inode_new(setgid_mode(w->dir, mode));
	if (IS_ERR(ino))
		return ino;
	ino->uid = proc_euid();
	ino->gid = (w->dir->mode & S_ISGID) ? w->dir->gid : proc_egid();
	err = dir_link(w->dir, w->name, w->len, ino);
	if (err) {
		inode_free(ino); /* never linked: holds no parent */
		return ERR_PTR(err);
	}
	return ino;
}

/*
 * Find or create the last component of path under its parent. mode carries
 * the type of a new object. *created tells whether it is new. Returns the
 * inode referenced, or ERR_PTR (-EEXIST if excl and it exists). Without
 * excl a symbolic link in the last component is followed with follow (and
 * a dangling one creates its target, as open(O_CREAT) does on Linux).
 */
static struct inode *lookup_create(struct inode *base, const char *path, u32 mode, unsigned how,
				   bool *created)
{
	bool excl = how & LC_EXCL;
	struct inode *ino;
	struct vfs_dirent *d;
	struct walk w;
	int err;

	*created = false;
	err = walk_parent(&w, base, path, !excl && (how & LC_FOLLOW) ? WALK_FOLLOW : 0);
	if (err) {
		/* "/" (exists, and is a directory), or a magic link's file */
		if (err == -EEXIST && !excl)
			return lookup(base, path, (how & LC_FOLLOW) ? WALK_FOLLOW : 0);
		return ERR_PTR(err);
	}
	if (is_dot_name(w.name, w.len)) {
		ino = excl ? ERR_PTR(-EEXIST) : step(w.dir, w.name, w.len);
		if (!IS_ERR(ino))
			vfs_inode_get(ino);
		goto out_done;
	}
	d = dir_find_fresh(w.dir, w.name, w.len);
	if (d) {
		ino = d->inode;
		if (excl)
			ino = ERR_PTR(-EEXIST);
		else if (w.slash && !S_ISDIR(ino->mode))
			ino = ERR_PTR(-ENOTDIR);
		else
			vfs_inode_get(ino);
		goto out_done;
	}
	ino = create_last(&w, mode, how);
	*created = !IS_ERR(ino);
out_done:
	walk_parent_done(&w);
	return ino;
}

struct inode *vfs_create_at(struct inode *base, const char *path, u32 mode, bool excl,
			    bool *created)
{
	return lookup_create(base, path, mode, (excl ? LC_EXCL : 0) | LC_FOLLOW, created);
}

struct inode *vfs_create_nofollow(struct inode *base, const char *path, u32 mode, bool excl,
				  bool *created)
{
	return lookup_create(base, path, mode, excl ? LC_EXCL : 0, created);
}

int vfs_mkdir_at(struct inode *base, const char *path, u32 mode)
{
	bool created;
	struct inode *ino = lookup_create(base, path, S_IFDIR | (mode & 07777), LC_EXCL, &created);

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	vfs_inode_put(ino);
	return 0;
}

/* Generated names (procfs) are the kernel's: a user cannot remove or move them. */
static bool entry_generated(const struct vfs_dirent *d)
{
	const struct inode *ino = d->inode;

	return vfs_inode_generated(ino) || (S_ISDIR(ino->mode) && ino->dir.refresh);
}

int vfs_unlink_at(struct inode *base, const char *path, bool rmdir)
{
	struct vfs_dirent *d;
	struct inode *ino;
	struct walk w;
	int err;

	err = walk_parent(&w, base, path, 0);
	if (err == -EEXIST) /* "/": Linux's LAST_ROOT */
		return rmdir ? -EBUSY : -EISDIR;
	if (err)
		return err;
	if (is_dot_name(w.name, w.len)) {
		err = rmdir ? (w.len == 1 ? -EINVAL : -ENOTEMPTY) : -EISDIR;
		goto out_done;
	}
	d = dir_find_fresh(w.dir, w.name, w.len);
	if (!d) {
		err = -ENOENT;
		goto out_done;
	}
	ino = d->inode;
	err = vfs_may_delete(w.dir, ino);
	if (err)
		goto out_done;
	if (rmdir && !S_ISDIR(ino->mode))
		err = -ENOTDIR;
	else if (!rmdir && S_ISDIR(ino->mode))
		err = -EISDIR;
	else if (!rmdir && w.slash)
		err = -ENOTDIR;
	else if (rmdir && !vfs_dir_empty(ino))
		err = -ENOTEMPTY;
	else if (entry_generated(d))
		err = -EPERM;
	if (!err)
		dir_unlink(w.dir, d);
out_done:
	walk_parent_done(&w);
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
	if (entry_generated(nd))
		return -EPERM;
	return 0;
}

/*
 * Move the entry od of odir to the name nl in ndir, replacing nd if given.
 * The new name is made first, so running out of memory changes nothing.
 */
static int move_entry(struct inode *odir, struct vfs_dirent *od, struct walk *nl,
		      struct vfs_dirent *nd)
{
	struct inode *ino = od->inode, *ndir = nl->dir;
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

/* Entry d of dir now names ino (RENAME_EXCHANGE): its alias, and for a
 * directory its parent (and the reference on it) and self. */
static void entry_set_inode(struct inode *dir, struct vfs_dirent *d, struct inode *ino)
{
	d->inode = ino;
	list_del(&d->alias_node);
	list_add_tail(&d->alias_node, &ino->aliases);
	if (S_ISDIR(ino->mode)) {
		if (ino->dir.parent != dir) {
			vfs_inode_get(dir);
			vfs_inode_put(ino->dir.parent); /* still named: never the last */
			ino->dir.parent = dir;
		}
		ino->dir.self = d;
	}
	touch_modified(dir);
	vfs_touch_ctime(ino);
}

/* renameat2(RENAME_EXCHANGE): the two names swap their inodes. */
static int exchange_entries(struct walk *ol, struct vfs_dirent *od, struct walk *nl,
			    struct vfs_dirent *nd)
{
	struct inode *a = od->inode, *b = nd->inode;

	if (entry_generated(nd))
		return -EPERM;
	if (a == b)
		return 0;
	if ((S_ISDIR(a->mode) && is_ancestor(a, nl->dir)) ||
	    (S_ISDIR(b->mode) && is_ancestor(b, ol->dir)))
		return -EINVAL;
	entry_set_inode(ol->dir, od, b);
	entry_set_inode(nl->dir, nd, a);
	if (ol->dir == nl->dir) {
		dnotify_dir_event(ol->dir, DN_RENAME);
	} else {
		dnotify_dir_event(ol->dir, DN_DELETE | DN_CREATE);
		dnotify_dir_event(nl->dir, DN_DELETE | DN_CREATE);
	}
	return 0;
}

/* Linux's may_delete on both names (may_create for a new one), and write
 * permission on a directory that moves to another parent (its ".."). */
static int rename_permission(struct walk *ol, struct vfs_dirent *od, struct walk *nl,
			     struct vfs_dirent *nd)
{
	int err = vfs_may_delete(ol->dir, od->inode);

	if (!err)
		err = nd ? vfs_may_delete(nl->dir, nd->inode) : vfs_may_create(nl->dir);
	if (!err && S_ISDIR(od->inode->mode) && ol->dir != nl->dir)
		err = vfs_permission(od->inode, MAY_WRITE);
	return err;
}

/* The checks and the move of vfs_rename_at, with both parents looked up. */
static int rename_entries(struct walk *ol, struct walk *nl, unsigned flags)
{
	struct inode *odir = ol->dir, *ndir = nl->dir, *ino;
	struct vfs_dirent *od, *nd;
	int err;

	if (is_dot_name(ol->name, ol->len) || is_dot_name(nl->name, nl->len))
		return -EINVAL;
	od = dir_find_fresh(odir, ol->name, ol->len);
	if (!od)
		return -ENOENT;
	ino = od->inode;
	if ((ol->slash || nl->slash) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	if (dir_dead(ndir))
		return -ENOENT;
	if (entry_generated(od))
		return -EPERM;
	nd = dir_find_fresh(ndir, nl->name, nl->len);
	err = rename_permission(ol, od, nl, nd);
	if (err)
		return err;
	if (flags & VFS_RENAME_EXCHANGE)
		return nd ? exchange_entries(ol, od, nl, nd) : -ENOENT;
	if (nd && (flags & VFS_RENAME_NOREPLACE))
		return -EEXIST;
	if (nd && nd->inode == ino)
		return 0; /* the same file: nothing to do (POSIX) */
	if (S_ISDIR(ino->mode) && is_ancestor(ino, ndir))
		return -EINVAL; /* into its own subtree */
	if (nd) {
		err = may_replace(ino, nd);
		if (err)
			return err;
	}
	err = move_entry(odir, od, nl, nd);
	if (!err && odir == ndir)
		dnotify_dir_event(odir, DN_RENAME); /* Linux's FS_RENAME, same parent only */
	return err;
}

int vfs_rename_at(struct inode *obase, const char *opath, struct inode *nbase, const char *npath,
		  unsigned flags)
{
	struct walk ol, nl;
	int err;

	err = walk_parent(&ol, obase, opath, 0);
	if (err)
		return err == -EEXIST ? -EBUSY : err;
	err = walk_parent(&nl, nbase, npath, 0);
	if (err) {
		err = err == -EEXIST ? -EBUSY : err;
		goto out_put_old;
	}
	err = rename_entries(&ol, &nl, flags);
	walk_parent_done(&nl);
out_put_old:
	walk_parent_done(&ol);
	return err;
}

/* ---- links and special files ---------------------------------------------- */

int vfs_symlink_at(struct inode *base, const char *path, const char *target)
{
	size_t len = strnlen(target, PATH_MAX);
	struct inode *ino;
	struct walk w;
	char *copy;
	int err;

	if (!len)
		return -ENOENT;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	err = walk_parent(&w, base, path, 0);
	if (err)
		return err;
	if (is_dot_name(w.name, w.len) || dir_find_fresh(w.dir, w.name, w.len)) {
		err = -EEXIST;
		goto out_done;
	}
	copy = vfs_alloc(len + 1);
	if (IS_ERR(copy)) {
		err = (int)PTR_ERR(copy);
		goto out_done;
	}
	memcpy(copy, target, len + 1);
	w.slash = false; /* "link/" names a directory to be: Linux creates the link anyway */
	ino = create_last(&w, S_IFLNK | 0777, 0);
	if (IS_ERR(ino)) {
		vfs_free(copy);
		err = (int)PTR_ERR(ino);
		goto out_done;
	}
	ino->link.target = copy;
	ino->link.len = len;
	vfs_inode_put(ino);
out_done:
	walk_parent_done(&w);
	return err;
}

int vfs_link_at(struct inode *ino, struct inode *base, const char *path)
{
	struct walk w;
	int err;

	if (S_ISDIR(ino->mode))
		return -EPERM;
	if (vfs_inode_generated(ino))
		return -EXDEV; /* procfs is another file system on Linux */
	err = walk_parent(&w, base, path, 0);
	if (err)
		return err;
	if (is_dot_name(w.name, w.len) || dir_find_fresh(w.dir, w.name, w.len))
		err = -EEXIST;
	else if (w.slash)
		err = -ENOENT;
	else if (ino->nlink == 0 && !ino->linkable)
		err = -ENOENT; /* Linux: an unlinked file gets no new name (without O_TMPFILE) */
	else if (dir_dead(w.dir))
		err = -ENOENT;
	else if (!(err = vfs_may_create(w.dir)))
		err = dir_link(w.dir, w.name, w.len, ino);
	if (!err)
		ino->linkable = false; /* Linux clears I_LINKABLE once named */
	walk_parent_done(&w);
	return err;
}

struct inode *vfs_tmpfile(struct inode *dir, u32 mode, bool excl)
{
	struct inode *ino;
	int err;

	if (!S_ISDIR(dir->mode))
		return ERR_PTR(-ENOTDIR);
	err = vfs_may_create(dir); /* Linux's vfs_tmpfile asks this first */
	if (err)
		return ERR_PTR(err);
	if (dir->dir.generated || dir->dir.refresh)
		return ERR_PTR(-EOPNOTSUPP); /* procfs has no ->tmpfile */
	if (dir_dead(dir))
		return ERR_PTR(-ENOENT);
	ino = inode_new(setgid_mode(dir, S_IFREG | (mode & 07777)));
	if (IS_ERR(ino))
		return ino;
	ino->uid = proc_euid();
	ino->gid = (dir->mode & S_ISGID) ? dir->gid : proc_egid();
	ino->linkable = !excl;
	return ino;
}

long vfs_readlink(struct inode *ino, char *buf, size_t size)
{
	char *tmp;
	long n;

	if (!S_ISLNK(ino->mode))
		return -EINVAL;
	if (!ino->gen_arg_show)
		return MIN(link_read(ino, buf, size), (long)size);
	tmp = kmalloc(PATH_MAX); /* show() writes a NUL that buf may have no room for */
	if (!tmp)
		return -ENOMEM;
	n = link_read(ino, tmp, PATH_MAX);
	if (n >= PATH_MAX)
		n = -ENAMETOOLONG;
	if (n > 0) {
		n = MIN(n, (long)size);
		memcpy(buf, tmp, (size_t)n);
	}
	kfree(tmp);
	return n;
}

int vfs_mknod_at(struct inode *base, const char *path, u32 mode, u64 rdev)
{
	struct inode *ino;
	bool created;

	ino = lookup_create(base, path, mode, LC_EXCL, &created);
	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	if (S_ISCHR(mode) || S_ISBLK(mode))
		ino->rdev = rdev;
	vfs_inode_put(ino);
	return 0;
}

long vfs_realpath(struct inode *base, const char *path, char *buf, size_t size)
{
	struct inode *ino;
	struct walk w;
	long n;
	int err = walk_path(&w, base, path, WALK_FOLLOW);

	if (err)
		goto out_done;
	ino = w.len ? step(w.dir, w.name, w.len) : w.dir;
	if (IS_ERR(ino)) {
		err = (int)PTR_ERR(ino);
		goto out_done;
	}
	if (S_ISDIR(ino->mode) || is_dot_name(w.name, w.len)) {
		n = vfs_dir_path(S_ISDIR(ino->mode) ? ino : w.dir, buf, size);
		walk_done(&w);
		return n;
	}
	n = vfs_dir_path(w.dir, buf, size);
	if (n >= 0 && (size_t)n + (n > 1) + w.len + 1 > size)
		n = -ERANGE;
	if (n >= 0) {
		if (n > 1)
			buf[n++] = '/';
		memcpy(buf + n, w.name, w.len);
		n += (long)w.len;
		buf[n] = '\0';
	}
	walk_done(&w);
	return n;
out_done:
	walk_done(&w);
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
		ino = lookup_create(vfs_root(), path, S_IFDIR | 0755, LC_FOLLOW | LC_KERNEL, &created);
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
	ino = lookup_create(vfs_root(), path, mode, LC_EXCL | LC_KERNEL, &created);
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
} chrdevs[CHRDEV_MAX];
static int nchrdevs;

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
		struct vfs_dirent *s = dir_find(d->dir, name, strlen(name));

		if (s)
			return s->inode;
	}
	return NULL;
}

const struct file_ops *vfs_chrdev_fops(u64 rdev)
{
	for (int i = 0; i < nchrdevs; i++)
		if (chrdevs[i].rdev == rdev)
			return chrdevs[i].fops;
	return NULL;
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
	if (nchrdevs == CHRDEV_MAX) {
		log_warn("vfs: no room to register device %u:%u", SIS_MAJOR(rdev), SIS_MINOR(rdev));
		return 0;
	}
	chrdevs[nchrdevs].rdev = rdev;
	chrdevs[nchrdevs++].fops = fops;
	return 0;
}

/* ---- AF_UNIX socket names -------------------------------------------------- */

struct inode *vfs_sock_bind(const char *path, u32 mode, void *sk)
{
	struct inode *ino;
	bool created;

	ino = lookup_create(NULL, path, S_IFSOCK | (mode & 07777), LC_EXCL, &created);
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
	struct inode *ino = lookup(NULL, path, WALK_FOLLOW);
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

	if (dir_find(dir, name, len))
		return ERR_PTR(-EEXIST);
	ino = inode_new(mode);
	if (IS_ERR(ino))
		return ino;
	err = dir_link(dir, name, len, ino);
	if (err) {
		inode_free(ino);
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
	struct vfs_dirent *d = dir_find(dir, name, strlen(name));

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
		dir_unlink(pdir, d);
		if (d == top)
			return;
	}
}

int vfs_gen_remove(struct inode *dir, const char *name)
{
	struct vfs_dirent *d = dir_find(dir, name, strlen(name));

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
	touch_modified(ino);
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
	touch_modified(ino);
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

	ino = lookup_create(NULL, path, S_IFREG | 0644, LC_FOLLOW | LC_KERNEL, &created);
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
