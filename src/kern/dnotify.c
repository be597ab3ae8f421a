/*
 * dnotify (fcntl(2) F_NOTIFY, Linux's fs/notify/dnotify): a watch on an
 * open directory sends the file's owner SIGIO (or F_SETSIG's signal with
 * si_code POLL_MSG and si_fd) when one of the events asked for happens:
 *   - DN_CREATE, DN_DELETE, DN_RENAME: a name made, removed, or renamed
 *     in the directory itself (a move to another directory is DN_DELETE
 *     here and DN_CREATE there, as Linux's FS_MOVED_FROM/TO);
 *   - DN_MODIFY, DN_ACCESS, DN_ATTRIB: on the directory itself or on any
 *     inode it names (Linux reports these to the parent too).
 * F_NOTIFY makes the caller the file's owner; a second one on the same
 * descriptor adds to the mask; without DN_MULTISHOT a watch fires once;
 * a mask of 0 (DN_MULTISHOT alone) removes it, and so does closing the
 * file. Watches are few: one global list, looked at only while it has any.
 */
#include <sis/kernel.h>
#include <sis/list.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/signal.h>

struct dnotify {
	struct list_head node; /* in watches */
	struct file *file;     /* not referenced: dnotify_release drops us first */
	struct inode *dir;     /* the file's inode */
	int fd;
	u32 mask;              /* DN_*, with DN_MULTISHOT */
};

static LIST_HEAD(watches);
static unsigned nwatches;

static struct dnotify *watch_find(const struct file *f, int fd)
{
	struct dnotify *dn;

	list_for_each_entry(dn, &watches, node) {
		if (dn->file == f && (fd < 0 || dn->fd == fd))
			return dn;
	}
	return NULL;
}

static void watch_free(struct dnotify *dn)
{
	list_del(&dn->node);
	nwatches--;
	kfree(dn);
}

/* Drop f's watches (fd -1: every one). */
static void watches_drop(const struct file *f, int fd)
{
	struct dnotify *dn;

	while (nwatches && (dn = watch_find(f, fd)))
		watch_free(dn);
}

long dnotify_fcntl(struct file *f, int fd, unsigned long arg)
{
	struct inode *ino = file_inode(f);
	struct dnotify *dn;
	u32 mask = (u32)arg;
	int err;

	if (!(mask & ~DN_MULTISHOT)) {
		watches_drop(f, fd);
		return 0;
	}
	if (!ino || !S_ISDIR(ino->mode))
		return -ENOTDIR;
	err = fown_notify_owner(f, fd);
	if (err)
		return err;
	dn = watch_find(f, fd);
	if (dn) {
		dn->mask |= mask;
		return 0;
	}
	dn = kzalloc(sizeof(*dn));
	if (!dn)
		return -ENOMEM;
	*dn = (struct dnotify){ .file = f, .dir = ino, .fd = fd, .mask = mask };
	list_add_tail(&dn->node, &watches);
	nwatches++;
	return 0;
}

void dnotify_release(struct file *f)
{
	watches_drop(f, -1);
}

/* Signal the watches of dir that ask for one of mask's events. */
static void notify_dir(const struct inode *dir, u32 mask)
{
	struct dnotify *dn, *n;

	list_for_each_entry_safe(dn, n, &watches, node) {
		if (dn->dir != dir || !(dn->mask & mask))
			continue;
		fown_signal(dn->file, POLL_MSG);
		if (!(dn->mask & DN_MULTISHOT))
			watch_free(dn);
	}
}

void dnotify_dir_event(const struct inode *dir, u32 mask)
{
	if (nwatches)
		notify_dir(dir, mask);
}

void dnotify_inode_event(const struct inode *ino, u32 mask)
{
	if (!nwatches)
		return;
	if (S_ISDIR(ino->mode))
		notify_dir(ino, mask);
	vfs_for_each_parent(ino, notify_dir, mask);
}
