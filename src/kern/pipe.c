/*
 * Pipes: a byte ring shared by a read-end file and a write-end file.
 * Linux semantics: reads block until data or until every writer is gone
 * (then 0 = EOF); writes block for room and write up to PIPE_BUF bytes
 * atomically; writing with no reader left gives -EPIPE and SIGPIPE;
 * O_NONBLOCK turns waiting into -EAGAIN. Readers and writers sleep on one
 * wait queue each; poll() uses the same queues. The rings' total memory is
 * bounded (see ring_bytes).
 *
 * A FIFO (mknod S_IFIFO) is a pipe made at the first open of its inode and
 * dropped (data and all) when the last end closes, as on Linux (fifo(7)):
 * opening for reading waits for a writer and for writing waits for a
 * reader; O_NONBLOCK makes a read end at once and a write end -ENXIO
 * without a reader; O_RDWR never waits.
 */
#include <uapi/sis/signal.h> /* first: see .coord/NOTES.md (__unused) */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/uaccess.h>
#include <sis/proc.h>
#include <sis/wait.h>
#include <sis/vfs.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/ioctl.h>

#define PIPE_SIZE_ORDER 2 /* ring of 4 pages */
#define PIPE_SIZE (PAGE_SIZE << PIPE_SIZE_ORDER)
#define PIPE_BUF 4096   /* writes up to this size are atomic (POSIX) */
_Static_assert(PIPE_BUF == PAGE_SIZE, "a small ring is one page");

/*
 * Rings are kernel memory a user can pile up (FD_MAX descriptors in each of
 * PROC_MAX processes), so their total is bounded like Linux's pipe limits:
 * past 1/PIPE_SOFT_DIV of RAM in rings, new pipes get a PIPE_BUF ring
 * (pipe-user-pages-soft); past 1/PIPE_HARD_DIV, pipe2 fails with ENFILE
 * (pipe-user-pages-hard).
 */
#define PIPE_SOFT_DIV 16
#define PIPE_HARD_DIV 8
static size_t ring_bytes; /* sum of the live pipes' sizes */

struct pipe {
	char *ring;                 /* size bytes */
	size_t size;                /* PIPE_SIZE, or PIPE_BUF past the soft limit */
	size_t head, tail;          /* free-running: bytes queued = head - tail */
	unsigned readers, writers;  /* open read/write-end files */
	struct wait_queue rd_wq;    /* readers: data arrived or last writer left */
	struct wait_queue wr_wq;    /* writers: room appeared or last reader left */
	u64 ino;                    /* for fstat */
	/* FIFO: the inode's pointer to us (cleared when we go), and how many
	 * read and write opens there have been (an open waiting for the other
	 * side goes on once one came, even if it left again: Linux's counters). */
	struct pipe **fifo_slot;
	unsigned r_opens, w_opens;
};

static u64 next_pipe_ino = 1;

/* F_SETPIPE_SZ's ceiling (Linux's /proc/sys/fs/pipe-max-size). */
#define PIPE_MAX_SIZE (1UL << 20)

/* Rings are whole pages, a power of two of them (a kmalloc of 16 KiB would
 * take 32 with its header). */
static unsigned ring_order(size_t size)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static size_t pipe_used(const struct pipe *p)
{
	return p->head - p->tail;
}

static size_t pipe_room(const struct pipe *p)
{
	return p->size - pipe_used(p);
}

/* Copy n queued bytes to user memory without consuming them. */
static int copy_out(struct pipe *p, char *ubuf, size_t n)
{
	size_t at = p->tail & (p->size - 1);
	size_t first = MIN(n, p->size - at);

	if (copy_to_user(ubuf, p->ring + at, first))
		return -EFAULT;
	if (n > first && copy_to_user(ubuf + first, p->ring, n - first))
		return -EFAULT;
	return 0;
}

/* Copy n bytes from user (or, for sendfile, kernel) memory into the ring's
 * free space (not yet queued). */
static int copy_in(struct pipe *p, const char *buf, size_t n, bool kernel)
{
	size_t at = p->head & (p->size - 1);
	size_t first = MIN(n, p->size - at);

	if (kernel) {
		memcpy(p->ring + at, buf, first);
		memcpy(p->ring, buf + first, n - first);
		return 0;
	}
	if (copy_from_user(p->ring + at, buf, first))
		return -EFAULT;
	if (n > first && copy_from_user(p->ring, buf + first, n - first))
		return -EFAULT;
	return 0;
}

static long pipe_read(struct file *f, void *ubuf, size_t len)
{
	struct pipe *p = f->priv;
	struct waiter w;
	size_t n;
	int err = 0;

	if (!len)
		return 0;
	for (;;) {
		prepare_to_wait(&p->rd_wq, &w);
		if (pipe_used(p) || !p->writers)
			break;
		if (f->flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		err = schedule_sleep_restartable(0);
		if (err)
			break;
	}
	finish_wait(&p->rd_wq, &w);
	if (!pipe_used(p))
		return err; /* 0 = end of file: no writer left */
	n = MIN(len, pipe_used(p));
	if (copy_out(p, ubuf, n))
		return -EFAULT;
	p->tail += n;
	wake_up(&p->wr_wq);
	return (long)n;
}

/* Wait until need bytes fit or no reader is left. 0, -EPIPE, -EAGAIN, -ERESTARTSYS. */
static int wait_for_room(struct file *f, struct pipe *p, size_t need)
{
	struct waiter w;
	int err = 0;

	for (;;) {
		prepare_to_wait(&p->wr_wq, &w);
		if (!p->readers) {
			err = -EPIPE;
			break;
		}
		if (pipe_room(p) >= need)
			break;
		if (f->flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		err = schedule_sleep_restartable(0);
		if (err)
			break;
	}
	finish_wait(&p->wr_wq, &w);
	return err;
}

static long do_pipe_write(struct file *f, const void *ubuf, size_t len, bool kernel)
{
	struct pipe *p = f->priv;
	size_t done = 0;

	while (done < len) {
		size_t left = len - done;
		/* A small write goes in whole or not at all (PIPE_BUF atomicity). */
		size_t need = (done == 0 && len <= PIPE_BUF) ? len : 1;
		size_t n;
		int err = wait_for_room(f, p, need);

		if (err == -EPIPE && !done)
			signal_send(proc_pid(current_proc()), SIGPIPE);
		if (err)
			return done ? (long)done : err;
		n = MIN(left, pipe_room(p));
		if (copy_in(p, (const char *)ubuf + done, n, kernel))
			return done ? (long)done : -EFAULT;
		p->head += n;
		done += n;
		wake_up(&p->rd_wq);
	}
	return (long)done;
}

static long pipe_write(struct file *f, const void *ubuf, size_t len)
{
	return do_pipe_write(f, ubuf, len, false);
}

static unsigned pipe_poll_rd(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	unsigned mask = 0;

	poll_wait(pt, &p->rd_wq);
	if (pipe_used(p))
		mask |= POLLIN | POLLRDNORM;
	if (!p->writers)
		mask |= POLLHUP;
	return mask;
}

static unsigned pipe_poll_wr(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	unsigned mask = 0;

	poll_wait(pt, &p->wr_wq);
	if (pipe_room(p) >= PIPE_BUF) /* a whole atomic write fits (also in a PIPE_BUF ring) */
		mask |= POLLOUT | POLLWRNORM;
	if (!p->readers)
		mask |= POLLERR;
	return mask;
}

static int pipe_fstat(struct file *f, struct linux_stat *st)
{
	struct pipe *p = f->priv;

	if (f->inode) { /* a FIFO: its inode */
		vfs_stat_inode(f->inode, st);
		return 0;
	}
	memset(st, 0, sizeof(*st));
	st->st_dev = SIS_MKDEV(0, 2);
	st->st_ino = p->ino;
	st->st_mode = S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_blksize = PIPE_BUF;
	return 0;
}

static long pipe_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct pipe *p = f->priv;
	int n = (int)pipe_used(p);

	if (cmd != FIONREAD)
		return -ENOTTY;
	return copy_to_user((void *)arg, &n, sizeof(n)) ? -EFAULT : 0;
}

static void pipe_free_if_unused(struct pipe *p)
{
	if (p->readers || p->writers)
		return;
	if (p->fifo_slot)
		*p->fifo_slot = NULL;
	ring_bytes -= p->size;
	page_free(p->ring, ring_order(p->size));
	kfree(p);
}

static void pipe_release_rd(struct file *f)
{
	struct pipe *p = f->priv;

	p->readers--;
	wake_up(&p->wr_wq);
	pipe_free_if_unused(p);
}

static void pipe_release_wr(struct file *f)
{
	struct pipe *p = f->priv;

	p->writers--;
	wake_up(&p->rd_wq);
	pipe_free_if_unused(p);
}

/* A FIFO opened O_RDWR: both ends in one file. */
static unsigned pipe_poll_rdwr(struct file *f, struct poll_table *pt)
{
	return pipe_poll_rd(f, pt) | pipe_poll_wr(f, pt);
}

static void pipe_release_rdwr(struct file *f)
{
	struct pipe *p = f->priv;

	p->readers--;
	p->writers--;
	wake_up(&p->rd_wq);
	wake_up(&p->wr_wq);
	pipe_free_if_unused(p);
}

static const struct file_ops pipe_rdwr_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll_rdwr,
	.fstat = pipe_fstat,
	.ioctl = pipe_ioctl,
	.release = pipe_release_rdwr,
};

static const struct file_ops pipe_rd_fops = {
	.read = pipe_read,
	.poll = pipe_poll_rd,
	.fstat = pipe_fstat,
	.ioctl = pipe_ioctl,
	.release = pipe_release_rd,
};

static const struct file_ops pipe_wr_fops = {
	.write = pipe_write,
	.poll = pipe_poll_wr,
	.fstat = pipe_fstat,
	.ioctl = pipe_ioctl,
	.release = pipe_release_wr,
};

/* F_SETPIPE_SZ: a ring of the next power-of-two pages >= want, keeping
 * what is queued. The new size, -EINVAL, -EPERM (past PIPE_MAX_SIZE or
 * the rings' hard limit, as for an unprivileged Linux user), -EBUSY (more
 * is queued than fits), -ENOMEM. */
static long pipe_set_size(struct pipe *p, unsigned long want)
{
	size_t ram = page_total_count() * PAGE_SIZE, used = pipe_used(p), size;
	char *ring;

	want = (u32)want; /* Linux takes an unsigned int */
	if (want > (1UL << 31))
		return -EINVAL; /* Linux's round_pipe_size gives up */
	if (want > PIPE_MAX_SIZE)
		return -EPERM;
	size = PAGE_SIZE << ring_order(want ? want : 1);
	if (size == p->size)
		return (long)size;
	if (size > p->size && ring_bytes + (size - p->size) > ram / PIPE_HARD_DIV)
		return -EPERM;
	if (used > size)
		return -EBUSY;
	ring = page_alloc(ring_order(size));
	if (!ring)
		return -ENOMEM;
	for (size_t i = 0; i < used; i++) /* linearize: the old tail goes to 0 */
		ring[i] = p->ring[(p->tail + i) & (p->size - 1)];
	page_free(p->ring, ring_order(p->size));
	ring_bytes = ring_bytes - p->size + size;
	p->ring = ring;
	p->size = size;
	p->tail = 0;
	p->head = used;
	wake_up(&p->wr_wq);
	return (long)size;
}

bool pipe_is_write_end(const struct file *f)
{
	return f->ops == &pipe_wr_fops || f->ops == &pipe_rdwr_fops;
}

long pipe_write_kernel(struct file *f, const void *kbuf, size_t len)
{
	if (!pipe_is_write_end(f))
		return -EINVAL;
	return do_pipe_write(f, kbuf, len, true);
}

long pipe_fcntl(struct file *f, int cmd, unsigned long arg)
{
	struct pipe *p = f->priv;

	if (f->ops != &pipe_rd_fops && f->ops != &pipe_wr_fops && f->ops != &pipe_rdwr_fops)
		return -EBADF;
	if (cmd == F_GETPIPE_SZ)
		return (long)p->size;
	return pipe_set_size(p, arg);
}

/* The ring size a new pipe gets under the limits above; 0: -ENFILE. */
static size_t ring_size(void)
{
	size_t ram = page_total_count() * PAGE_SIZE;

	if (ring_bytes + PIPE_SIZE <= ram / PIPE_SOFT_DIV)
		return PIPE_SIZE;
	if (ring_bytes + PIPE_BUF <= ram / PIPE_HARD_DIV)
		return PIPE_BUF;
	return 0;
}

/* A new pipe with no ends open; NULL and *err (-ENFILE, -ENOMEM) on failure. */
static struct pipe *pipe_alloc(int *err)
{
	size_t size = ring_size();
	struct pipe *p;

	*err = -ENFILE;
	if (!size)
		return NULL;
	*err = -ENOMEM;
	p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->size = size;
	p->ring = page_alloc(ring_order(size));
	if (!p->ring) {
		kfree(p);
		return NULL;
	}
	waitq_init(&p->rd_wq);
	waitq_init(&p->wr_wq);
	p->ino = next_pipe_ino++;
	ring_bytes += size;
	return p;
}

int pipe_create(struct file **rd, struct file **wr, unsigned flags)
{
	unsigned nb = flags & O_NONBLOCK;
	struct pipe *p;
	int err;

	p = pipe_alloc(&err);
	if (!p)
		return err;
	*rd = file_alloc(&pipe_rd_fops, p, O_RDONLY | nb);
	if (!*rd)
		goto out_free_pipe;
	*wr = file_alloc(&pipe_wr_fops, p, O_WRONLY | nb);
	if (!*wr)
		goto out_free_rd;
	p->readers = 1;
	p->writers = 1;
	return 0;

out_free_rd:
	kfree(*rd); /* never used: no release to run */
out_free_pipe:
	pipe_free_if_unused(p);
	return -ENOMEM;
}

/* FIFO open: wait until the other side has had an open since ours
 * (*opens moved) or is open now. 0 or -ERESTARTSYS. */
static int fifo_wait_partner(struct wait_queue *wq, const unsigned *count, const unsigned *opens)
{
	unsigned seen = *opens;
	struct waiter w;
	int err = 0;

	for (;;) {
		prepare_to_wait(wq, &w);
		if (*count || *opens != seen)
			break;
		err = schedule_sleep_restartable(0);
		if (err)
			break;
	}
	finish_wait(wq, &w);
	return err;
}

struct file *pipe_open_fifo(struct pipe **slot, unsigned flags)
{
	unsigned acc = flags & O_ACCMODE;
	bool nb = flags & O_NONBLOCK;
	struct pipe *p = *slot;
	struct file *f;
	int err;

	if (acc == O_WRONLY && nb && (!p || !p->readers))
		return ERR_PTR(-ENXIO);
	if (!p) {
		p = pipe_alloc(&err);
		if (!p)
			return ERR_PTR(err);
		p->fifo_slot = slot;
		*slot = p;
	}
	f = file_alloc(acc == O_RDONLY ? &pipe_rd_fops
		       : acc == O_WRONLY ? &pipe_wr_fops : &pipe_rdwr_fops, p, flags);
	if (!f) {
		pipe_free_if_unused(p);
		return ERR_PTR(-ENOMEM);
	}
	if (acc != O_WRONLY) {
		p->readers++;
		p->r_opens++;
		wake_up(&p->wr_wq);
	}
	if (acc != O_RDONLY) {
		p->writers++;
		p->w_opens++;
		wake_up(&p->rd_wq);
	}
	err = 0;
	if (acc == O_RDONLY && !nb)
		err = fifo_wait_partner(&p->rd_wq, &p->writers, &p->w_opens);
	else if (acc == O_WRONLY)
		err = fifo_wait_partner(&p->wr_wq, &p->readers, &p->r_opens);
	if (err) {
		file_put(f); /* its release takes our count back */
		return ERR_PTR(err);
	}
	return f;
}
