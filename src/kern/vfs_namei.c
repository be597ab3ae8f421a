/*
 * Names in the VFS tree (see sis/vfs.h): path lookup (walking components,
 * following symbolic and magic links) and the calls that act on a name:
 * create, mkdir, unlink, rename, symlink, link, mknod, realpath. The tree
 * itself (inodes, directory entries, their ownership) is vfs.c's.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/vfs.h>
#include "vfs_internal.h"
#include <sis/file.h>
#include <sis/proc.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/capability.h>

/* ---- path lookup ------------------------------------------------------------ */

/* Bring a generated directory's entries up to date before looking in it. */
static void dir_refresh(struct inode *dir)
{
	if (S_ISDIR(dir->mode) && dir->dir.refresh && !vfs_dir_dead(dir))
		dir->dir.refresh(dir);
}

/* vfs_dir_find for what a user names: a generated directory is refreshed first. */
static struct vfs_dirent *dir_find_fresh(struct inode *dir, const char *name, size_t len)
{
	dir_refresh(dir);
	return vfs_dir_find(dir, name, len);
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

/* A new inode of mode linked as w's last component; ERR_PTR on failure. */
static struct inode *create_last(struct walk *w, u32 mode, unsigned how)
{
	struct inode *ino;
	int err;

	if (w->slash && !S_ISDIR(mode))
		return ERR_PTR(-EISDIR);
	if (vfs_dir_dead(w->dir))
		return ERR_PTR(-ENOENT); /* removed: see vfs_dir_dead */
	if (!(how & VFS_LC_KERNEL) && (w->dir->dir.generated || w->dir->dir.refresh))
		return ERR_PTR(-EACCES); /* procfs: the kernel's names only */
	if (!(how & VFS_LC_KERNEL)) {
		err = vfs_may_create(w->dir);
		if (err)
			return ERR_PTR(err);
		if ((S_ISCHR(mode) || S_ISBLK(mode)) && !proc_capable(CAP_MKNOD))
			return ERR_PTR(-EPERM); /* Linux's vfs_mknod, after may_create */
	}
	ino = vfs_inode_new(setgid_mode(w->dir, mode));
	if (IS_ERR(ino))
		return ino;
	ino->uid = proc_euid();
	ino->gid = (w->dir->mode & S_ISGID) ? w->dir->gid : proc_egid();
	err = vfs_dir_link(w->dir, w->name, w->len, ino);
	if (err) {
		vfs_inode_free(ino); /* never linked: holds no parent */
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
struct inode *vfs_lookup_create(struct inode *base, const char *path, u32 mode, unsigned how,
				   bool *created)
{
	bool excl = how & VFS_LC_EXCL;
	struct inode *ino;
	struct vfs_dirent *d;
	struct walk w;
	int err;

	*created = false;
	err = walk_parent(&w, base, path, !excl && (how & VFS_LC_FOLLOW) ? WALK_FOLLOW : 0);
	if (err) {
		/* "/" (exists, and is a directory), or a magic link's file */
		if (err == -EEXIST && !excl)
			return lookup(base, path, (how & VFS_LC_FOLLOW) ? WALK_FOLLOW : 0);
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
	return vfs_lookup_create(base, path, mode, (excl ? VFS_LC_EXCL : 0) | VFS_LC_FOLLOW, created);
}

struct inode *vfs_create_nofollow(struct inode *base, const char *path, u32 mode, bool excl,
				  bool *created)
{
	return vfs_lookup_create(base, path, mode, excl ? VFS_LC_EXCL : 0, created);
}

int vfs_mkdir_at(struct inode *base, const char *path, u32 mode)
{
	bool created;
	struct inode *ino = vfs_lookup_create(base, path, S_IFDIR | (mode & 07777), VFS_LC_EXCL, &created);

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
		vfs_dir_unlink(w.dir, d);
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
	int err = vfs_dir_link(ndir, nl->name, nl->len, ino);

	if (err)
		return err;
	vfs_dir_drop_entry(odir, od); /* a directory's self already names the new entry */
	ino->nlink--;
	if (S_ISDIR(ino->mode))
		vfs_inode_put(odir); /* vfs_dir_link took a reference on the new parent */
	if (nd)
		vfs_dir_unlink(ndir, nd);
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
	vfs_touch_modified(dir);
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
	if (vfs_dir_dead(ndir))
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
	else if (vfs_dir_dead(w.dir))
		err = -ENOENT;
	else if (!(err = vfs_may_create(w.dir)))
		err = vfs_dir_link(w.dir, w.name, w.len, ino);
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
	if (vfs_dir_dead(dir))
		return ERR_PTR(-ENOENT);
	ino = vfs_inode_new(setgid_mode(dir, S_IFREG | (mode & 07777)));
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

	ino = vfs_lookup_create(base, path, mode, VFS_LC_EXCL, &created);
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
		ino = vfs_lookup_create(vfs_root(), path, S_IFDIR | 0755,
					VFS_LC_FOLLOW | VFS_LC_KERNEL, &created);
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
