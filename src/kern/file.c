/*
 * Open files (see sis/file.h): allocation, reference counting, and the
 * access-mode checks shared by read(2)/write(2)-like system calls.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <sis/sched.h>
#include <uapi/sis/fcntl.h>

/* A server holds one per connection: keep it in the heap's 64-byte class
 * (rare per-file state, like an owner, lives on the side: fown.c). */
_Static_assert(sizeof(struct file) <= 64, "struct file outgrew 64 bytes");

struct file *file_alloc(const struct file_ops *ops, void *priv, unsigned flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	f->priv = priv;
	list_init(&f->ep_links);
	return f;
}

void file_get(struct file *f)
{
	f->refs++;
}

/* The calling task's release list and hold count; boot context (no task
 * yet) has its own. */
static struct file *boot_release_list;
static unsigned boot_release_hold;

static struct file **release_list(void)
{
	struct task *t = current();

	return t ? &t->release_list : &boot_release_list;
}

static unsigned *release_hold(void)
{
	struct task *t = current();

	return t ? &t->release_hold : &boot_release_hold;
}

static void file_destroy(struct file *f)
{
	eventpoll_release(f);
	fown_release(f);
	dnotify_release(f);
	lease_file_release(f);
	vfs_file_release(f);
	flock_file_release(f);
	if (f->ops->release)
		f->ops->release(f);
	if (f->inode)
		vfs_inode_put(f->inode);
	kfree(f);
}

/* Release every queued file, including those their releases queue, in a
 * loop: the depth of a chain of files inside files costs no stack. */
static void release_queued(void)
{
	struct file **list = release_list();
	unsigned *hold = release_hold();
	struct file *f;

	++*hold; /* puts from inside a release join the list */
	while ((f = *list)) {
		*list = f->release_next;
		file_destroy(f);
	}
	--*hold;
}

void file_put(struct file *f)
{
	struct file **list = release_list();

	BUG_ON(f->refs == 0);
	if (--f->refs) {
		if (f->ops->unref)
			f->ops->unref(f);
		return;
	}
	f->release_next = *list;
	*list = f;
	if (!*release_hold())
		release_queued();
}

void file_release_hold(void)
{
	++*release_hold();
}

void file_release_unhold(void)
{
	unsigned *hold = release_hold();

	BUG_ON(*hold == 0);
	if (--*hold == 0 && *release_list())
		release_queued();
}

long file_read(struct file *f, void *ubuf, size_t len)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (f->ops->getdents64 && !f->ops->read)
		return -EISDIR;
	if (!f->ops->read)
		return -EINVAL;
	return f->ops->read(f, ubuf, len);
}

long file_write(struct file *f, const void *ubuf, size_t len)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	return f->ops->write(f, ubuf, len);
}
