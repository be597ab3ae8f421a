/*
 * Open files (see sis/file.h): allocation, reference counting, and the
 * access-mode checks shared by read(2)/write(2)-like system calls.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <uapi/sis/fcntl.h>

struct file *file_alloc(const struct file_ops *ops, void *priv, unsigned flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	f->priv = priv;
	return f;
}

void file_get(struct file *f)
{
	f->refs++;
}

void file_put(struct file *f)
{
	BUG_ON(f->refs == 0);
	if (--f->refs)
		return;
	if (f->ops->release)
		f->ops->release(f);
	if (f->inode)
		vfs_inode_put(f->inode);
	kfree(f);
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
