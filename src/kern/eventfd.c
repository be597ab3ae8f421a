/*
 * eventfd2(2): a 64-bit counter as a file. write adds (blocking while the
 * sum would pass 0xfffffffffffffffe), read returns the counter and zeroes it
 * or, with EFD_SEMAPHORE, returns 1 and decrements it; both block unless
 * O_NONBLOCK. Readable while the counter is non-zero, writable while 1 more
 * fits. Buffers shorter than 8 bytes and a write of 2^64-1 are EINVAL.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/wait.h>
#include <sis/uaccess.h>
#include <sis/syscall.h>
#include <uapi/sis/eventpoll.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/poll.h>

#define EFD_MAX 0xfffffffffffffffeULL

struct eventfd {
	u64 count;
	bool semaphore;
	struct wait_queue wq; /* readers, writers, pollers */
};

/* What efd_wait waits for: ready(efd, v). */
struct efd_cond {
	struct eventfd *efd;
	bool (*ready)(struct eventfd *efd, u64 v);
	u64 v;
};

static int efd_cond_holds(void *arg)
{
	const struct efd_cond *c = arg;

	return c->ready(c->efd, c->v);
}

/* Sleep on efd's queue until ready() holds: 0, -EAGAIN or -ERESTARTSYS. */
static int efd_wait(struct file *f, bool (*ready)(struct eventfd *, u64), u64 v)
{
	struct eventfd *efd = f->priv;
	struct efd_cond c = { efd, ready, v };

	return waitq_wait_ready(&efd->wq, f->flags & O_NONBLOCK, efd_cond_holds, &c);
}

static bool efd_readable(struct eventfd *efd, u64 v)
{
	(void)v;
	return efd->count != 0;
}

static bool efd_fits(struct eventfd *efd, u64 v)
{
	return EFD_MAX - efd->count >= v;
}

static long efd_read(struct file *f, void *ubuf, size_t len)
{
	struct eventfd *efd = f->priv;
	u64 v;
	int err;

	if (len < sizeof(v))
		return -EINVAL;
	err = efd_wait(f, efd_readable, 0);
	if (err)
		return err;
	v = efd->semaphore ? 1 : efd->count;
	if (copy_to_user(ubuf, &v, sizeof(v)))
		return -EFAULT;
	efd->count -= v;
	wake_up(&efd->wq);
	return sizeof(v);
}

static long efd_write(struct file *f, const void *ubuf, size_t len)
{
	struct eventfd *efd = f->priv;
	u64 v;
	int err;

	if (len < sizeof(v))
		return -EINVAL;
	if (copy_from_user(&v, ubuf, sizeof(v)))
		return -EFAULT;
	if (v == ~0ULL)
		return -EINVAL;
	err = efd_wait(f, efd_fits, v);
	if (err)
		return err;
	efd->count += v;
	if (v)
		wake_up(&efd->wq);
	return sizeof(v);
}

static unsigned efd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *efd = f->priv;
	unsigned mask = 0;

	poll_wait(pt, &efd->wq);
	if (efd->count)
		mask |= POLLIN | POLLRDNORM;
	if (efd->count < EFD_MAX)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static void efd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops efd_ops = {
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.release = efd_release,
};

/* eventfd2(initval, flags) */
SYSCALL_DEFINE2(eventfd2, unsigned, initval, int, flags)
{
	struct eventfd *efd;
	struct file *f;
	long fd;

	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	efd = kzalloc(sizeof(*efd));
	if (!efd)
		return -ENOMEM;
	efd->count = initval;
	efd->semaphore = flags & EFD_SEMAPHORE;
	waitq_init(&efd->wq);
	f = file_alloc(&efd_ops, efd, O_RDWR | (flags & EFD_NONBLOCK));
	if (!f) {
		kfree(efd);
		return -ENOMEM;
	}
	fd = fd_install(f, flags & EFD_CLOEXEC);
	file_put(f);
	return fd;
}
