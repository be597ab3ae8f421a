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
 *
 * Packet mode (pipe2 O_DIRECT, pipe(7)): each write through an O_DIRECT
 * file is one packet of at most PIPE_BUF bytes (a longer write makes
 * several), and a read that meets a packet returns that packet alone; what
 * does not fit the reader's buffer is discarded. As on Linux, a packet takes
 * one of the ring's slots (a page each), so a ring holds at most
 * size / PAGE_SIZE packets. The packets' bounds are kept in a small array
 * made at the first packet.
 *
 * /proc/sys/fs/pipe-max-size (writable by root) caps what F_SETPIPE_SZ
 * gives an unprivileged caller and the size of its new pipes, as on Linux;
 * pipe-user-pages-soft and -hard read the two memory limits below in pages.
 */
#include <uapi/sis/signal.h> /* first: see .coord/NOTES.md (__unused) */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/byte_ring.h>
#include <sis/file.h>
#include <sis/uaccess.h>
#include <sis/proc.h>
#include <sis/wait.h>
#include <sis/vfs.h>
#include <sis/init.h>
#include <sis/log.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/ioctl.h>
#include <uapi/sis/capability.h>

#define PIPE_SIZE_ORDER 4 /* ring of 16 pages: Linux's 64 KiB */
#define PIPE_SIZE (PAGE_SIZE << PIPE_SIZE_ORDER)
#define PIPE_BUF 4096   /* writes up to this size are atomic (POSIX) */
_Static_assert(PIPE_BUF == PAGE_SIZE, "a small ring is one page");

/*
 * Rings are kernel memory a user can pile up (FD_MAX descriptors in each of
 * proc_max() processes), so their total is bounded like Linux's pipe limits:
 * past 1/PIPE_SOFT_DIV of RAM in rings, new pipes get a PIPE_BUF ring
 * (pipe-user-pages-soft); past 1/PIPE_HARD_DIV, pipe2 fails with ENFILE
 * (pipe-user-pages-hard).
 */
#define PIPE_SOFT_DIV 16
#define PIPE_HARD_DIV 8
static size_t ring_bytes; /* sum of the live pipes' sizes */

/* A packet (see the top): its first byte's stream position and length. */
struct pipe_pkt {
	size_t start;
	size_t len;
};

struct pipe {
	/* ring.buf is ring.size bytes of pages: PIPE_SIZE, or PIPE_BUF past the
	 * soft limit; head and tail count the stream's bytes (packets' starts). */
	struct byte_ring ring;
	unsigned readers, writers;  /* open read/write-end files */
	struct wait_queue rd_wq;    /* readers: data arrived or last writer left */
	struct wait_queue wr_wq;    /* writers: room appeared or last reader left */
	u64 ino;                    /* for fstat */
	/* FIFO: the inode's pointer to us (cleared when we go), and how many
	 * read and write opens there have been (an open waiting for the other
	 * side goes on once one came, even if it left again: Linux's counters). */
	struct pipe **fifo_slot;
	unsigned r_opens, w_opens;
	/* Packets queued, oldest first: pkts[pk_tail % nslots] up to pk_head
	 * (free-running); pkts is NULL until the first packet. */
	struct pipe_pkt *pkts;
	size_t pk_head, pk_tail;
};

static u64 next_pipe_ino = 1;

/* /proc/sys/fs/pipe-max-size: F_SETPIPE_SZ's ceiling for unprivileged
 * callers (Linux's default, 1 MiB); a power of two of pages. */
static size_t pipe_max_size = 1UL << 20;

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
	return byte_ring_used(&p->ring);
}

static size_t pipe_room(const struct pipe *p)
{
	return byte_ring_room(&p->ring);
}

/* Packets the ring may hold: one per page (Linux's slots). */
static size_t pipe_slots(const struct pipe *p)
{
	return p->ring.size / PAGE_SIZE;
}

static size_t pkt_count(const struct pipe *p)
{
	return p->pk_head - p->pk_tail;
}

static struct pipe_pkt *pkt_front(struct pipe *p)
{
	return pkt_count(p) ? &p->pkts[p->pk_tail % pipe_slots(p)] : NULL;
}

/* Consume up to len queued bytes into ubuf: plain bytes up to the next
 * packet, and that packet alone (its tail past len is dropped). The bytes
 * copied; 0 if the first copy faulted (nothing consumed then). */
static size_t take_out(struct pipe *p, char *ubuf, size_t len)
{
	size_t done = 0;

	while (done < len && pipe_used(p)) {
		struct pipe_pkt *pk = pkt_front(p);
		size_t plain = pk ? pk->start - p->ring.tail : pipe_used(p);
		size_t n = MIN(len - done, plain ? plain : pk->len);

		if (byte_ring_copy_out(&p->ring, ubuf + done, n))
			break;
		done += n;
		if (plain) {
			p->ring.tail += n;
			continue;
		}
		p->ring.tail += pk->len; /* a packet: the rest of it is discarded */
		p->pk_tail++;
		break;
	}
	return done;
}

/* A reader goes on: data, or no writer left (end of file). */
static int readable(void *arg)
{
	const struct pipe *p = arg;

	return pipe_used(p) || !p->writers;
}

static long pipe_read(struct file *f, void *ubuf, size_t len)
{
	struct pipe *p = f->priv;
	size_t n;
	int err;

	if (!len)
		return 0;
	err = waitq_wait_ready(&p->rd_wq, f->flags & O_NONBLOCK, readable, p);
	if (!pipe_used(p))
		return err; /* 0 = end of file: no writer left */
	n = take_out(p, ubuf, len);
	if (n)
		wake_up(&p->wr_wq);
	return n ? (long)n : -EFAULT;
}

/* Is there room for need bytes (and, for a packet, a free slot)? */
static bool has_room(const struct pipe *p, size_t need, bool packet)
{
	return pipe_room(p) >= need && (!packet || pkt_count(p) < pipe_slots(p));
}

/* What a writer waits for: need bytes of room (and a slot for a packet). */
struct room_wait {
	const struct pipe *p;
	size_t need;
	bool packet;
};

static int writable(void *arg)
{
	const struct room_wait *rw = arg;

	if (!rw->p->readers)
		return -EPIPE;
	return has_room(rw->p, rw->need, rw->packet);
}

/* Wait until need bytes fit or no reader is left. 0, -EPIPE, -EAGAIN, -ERESTARTSYS. */
static int wait_for_room(struct file *f, struct pipe *p, size_t need, bool packet)
{
	struct room_wait rw = { p, need, packet };

	return waitq_wait_ready(&p->wr_wq, f->flags & O_NONBLOCK, writable, &rw);
}

/* The packet array, made at the first packet; false: no memory. */
static bool pkts_ready(struct pipe *p)
{
	if (!p->pkts)
		p->pkts = kmalloc(pipe_slots(p) * sizeof(*p->pkts));
	return p->pkts != NULL;
}

static long do_pipe_write(struct file *f, const void *ubuf, size_t len, bool kernel)
{
	struct pipe *p = f->priv;
	bool packet = f->flags & O_DIRECT;
	size_t done = 0;

	if (packet && !pkts_ready(p))
		return -ENOMEM;
	while (done < len) {
		size_t left = len - done;
		/* A small write goes in whole or not at all (PIPE_BUF atomicity);
		 * a packet is whole too. */
		size_t need = packet ? MIN(left, PIPE_BUF) : (done == 0 && len <= PIPE_BUF) ? len : 1;
		size_t n;
		int err = wait_for_room(f, p, need, packet);

		if (err == -EPIPE && !done)
			signal_send(proc_pid(current_proc()), SIGPIPE);
		if (err)
			return done ? (long)done : err;
		n = packet ? need : MIN(left, pipe_room(p));
		if (byte_ring_copy_in(&p->ring, (const char *)ubuf + done, n, kernel))
			return done ? (long)done : -EFAULT;
		if (packet)
			p->pkts[p->pk_head++ % pipe_slots(p)] = (struct pipe_pkt){ p->ring.head, n };
		p->ring.head += n;
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
	/* a whole atomic write fits (also in a PIPE_BUF ring), or a packet */
	if (has_room(p, PIPE_BUF, f->flags & O_DIRECT))
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
	ring_bytes -= p->ring.size;
	page_free(p->ring.buf, ring_order(p->ring.size));
	kfree(p->pkts);
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

/* Move the packets' bounds to a new ring of size bytes whose stream starts
 * at the old tail; false: no memory (nothing changed). */
static bool pkts_resize(struct pipe *p, size_t size)
{
	size_t n = pkt_count(p), slots = size / PAGE_SIZE;
	struct pipe_pkt *pkts;

	if (!p->pkts)
		return true;
	pkts = kmalloc(slots * sizeof(*pkts));
	if (!pkts)
		return false;
	for (size_t i = 0; i < n; i++) {
		pkts[i] = p->pkts[(p->pk_tail + i) % pipe_slots(p)];
		pkts[i].start -= p->ring.tail;
	}
	kfree(p->pkts);
	p->pkts = pkts;
	p->pk_tail = 0;
	p->pk_head = n;
	return true;
}

/* F_SETPIPE_SZ: a ring of the next power-of-two pages >= want, keeping
 * what is queued. The new size, -EINVAL, -EPERM (an unprivileged caller
 * past pipe-max-size, anybody past the rings' hard limit), -EBUSY (more is
 * queued than fits, bytes or packets), -ENOMEM. */
static long pipe_set_size(struct pipe *p, unsigned long want)
{
	size_t ram = page_total_count() * PAGE_SIZE, used = pipe_used(p), size;
	char *ring;

	want = (u32)want; /* Linux takes an unsigned int */
	if (want > (1UL << 31))
		return -EINVAL; /* Linux's round_pipe_size gives up */
	size = PAGE_SIZE << ring_order(want ? want : 1);
	if (size > p->ring.size && size > pipe_max_size && !proc_capable(CAP_SYS_RESOURCE))
		return -EPERM;
	if (size == p->ring.size)
		return (long)size;
	if (size > p->ring.size && ring_bytes + (size - p->ring.size) > ram / PIPE_HARD_DIV)
		return -EPERM;
	if (used > size || pkt_count(p) > size / PAGE_SIZE)
		return -EBUSY;
	ring = page_alloc(ring_order(size));
	if (!ring)
		return -ENOMEM;
	if (!pkts_resize(p, size)) {
		page_free(ring, ring_order(size));
		return -ENOMEM;
	}
	for (size_t i = 0; i < used; i++) /* linearize: the old tail goes to 0 */
		ring[i] = byte_ring_get(&p->ring);
	page_free(p->ring.buf, ring_order(p->ring.size));
	ring_bytes = ring_bytes - p->ring.size + size;
	p->ring = (struct byte_ring){ .buf = ring, .size = size, .head = used, .tail = 0 };
	wake_up(&p->wr_wq);
	return (long)size;
}

static bool is_pipe(const struct file *f)
{
	return f->ops == &pipe_rd_fops || f->ops == &pipe_wr_fops || f->ops == &pipe_rdwr_fops;
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

/* ---- splice, tee and vmsplice (splice.c) ---- */

bool pipe_is_end(const struct file *f)
{
	return is_pipe(f);
}

bool pipe_same(const struct file *a, const struct file *b)
{
	return a->priv == b->priv;
}

long pipe_wait_data(struct file *f, bool nonblock)
{
	struct pipe *p = f->priv;
	int err = waitq_wait_ready(&p->rd_wq, nonblock, readable, p);

	if (pipe_used(p))
		return (long)pipe_used(p);
	return err; /* 0: no writer left */
}

long pipe_wait_room(struct file *f, bool nonblock)
{
	struct pipe *p = f->priv;
	struct room_wait rw = { p, 1, false };
	int err = waitq_wait_ready(&p->wr_wq, nonblock, writable, &rw);

	if (err == -EPIPE)
		signal_send(proc_pid(current_proc()), SIGPIPE);
	return err ? err : (long)pipe_room(p);
}

size_t pipe_peek(struct file *f, void *kbuf, size_t n)
{
	struct pipe *p = f->priv;

	n = MIN(n, pipe_used(p));
	byte_ring_peek(&p->ring, kbuf, n);
	return n;
}

/* Drop n queued bytes (at most what is queued): the packets they cover go,
 * one they cut into keeps its rest. */
static void consume(struct pipe *p, size_t n)
{
	struct pipe_pkt *pk;

	p->ring.tail += MIN(n, pipe_used(p));
	while ((pk = pkt_front(p)) && pk->start + pk->len <= p->ring.tail)
		p->pk_tail++;
	if (pk && pk->start < p->ring.tail) {
		pk->len -= p->ring.tail - pk->start;
		pk->start = p->ring.tail;
	}
	wake_up(&p->wr_wq);
}

void pipe_consume(struct file *f, size_t n)
{
	consume(f->priv, n);
}

long pipe_take_user(struct file *f, void *ubuf, size_t len)
{
	struct pipe *p = f->priv;
	size_t n;

	if (!pipe_used(p) || !len)
		return 0;
	n = take_out(p, ubuf, len);
	if (n)
		wake_up(&p->wr_wq);
	return n ? (long)n : -EFAULT;
}

long pipe_put_user(struct file *f, const void *ubuf, size_t len)
{
	struct pipe *p = f->priv;
	size_t n = MIN(len, pipe_room(p));

	if (!n)
		return 0;
	if (byte_ring_copy_in(&p->ring, ubuf, n, false))
		return -EFAULT;
	p->ring.head += n;
	wake_up(&p->rd_wq);
	return (long)n;
}

/* Queue a copy of src's first n bytes (n <= used) in dst (n <= room). */
static void ring_copy(struct pipe *dst, const struct pipe *src, size_t n)
{
	size_t at = src->ring.tail & (src->ring.size - 1);
	size_t first = MIN(n, src->ring.size - at);

	byte_ring_copy_in(&dst->ring, src->ring.buf + at, first, true);
	dst->ring.head += first;
	byte_ring_copy_in(&dst->ring, src->ring.buf, n - first, true);
	dst->ring.head += n - first;
	wake_up(&dst->rd_wq);
}

long pipe_splice_pipe(struct file *in, struct file *out, size_t len, bool nonblock, bool keep)
{
	struct pipe *src = in->priv, *dst = out->priv;
	long ret;
	size_t n;

	for (;;) { /* Linux's ipipe_prep, then opipe_prep */
		ret = pipe_wait_data(in, nonblock);
		if (ret <= 0)
			return ret;
		ret = pipe_wait_room(out, nonblock);
		if (ret < 0)
			return ret;
		if (pipe_used(src))
			break; /* both still hold: nothing slept since the first wait, or it refilled */
	}
	n = MIN(len, MIN(pipe_used(src), pipe_room(dst)));
	ring_copy(dst, src, n);
	if (!keep)
		consume(src, n);
	return (long)n;
}

long pipe_fcntl(struct file *f, int cmd, unsigned long arg)
{
	struct pipe *p = f->priv;

	if (!is_pipe(f))
		return -EBADF;
	if (cmd == F_GETPIPE_SZ)
		return (long)p->ring.size;
	return pipe_set_size(p, arg);
}

/* The ring size a new pipe gets under the limits above; 0: -ENFILE. */
static size_t ring_size(void)
{
	size_t ram = page_total_count() * PAGE_SIZE;
	size_t want = proc_capable(CAP_SYS_RESOURCE) ? PIPE_SIZE : MIN(PIPE_SIZE, pipe_max_size);

	if (ring_bytes + want <= ram / PIPE_SOFT_DIV)
		return want;
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
	p->ring.buf = page_alloc(ring_order(size));
	if (!p->ring.buf && size > PIPE_BUF) { /* no free run that long: a page will do */
		size = PIPE_BUF;
		p->ring.buf = page_alloc(0);
	}
	if (!p->ring.buf) {
		kfree(p);
		return NULL;
	}
	p->ring.size = size;
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
	/* O_DIRECT (packets) is the writer's, as on Linux */
	*wr = file_alloc(&pipe_wr_fops, p, O_WRONLY | nb | (flags & O_DIRECT));
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

struct file *pipe_reopen(struct file *old, unsigned flags)
{
	unsigned acc = flags & O_ACCMODE;
	struct pipe *p = old->priv;
	struct file *f;

	if (!is_pipe(old))
		return ERR_PTR(-ENXIO);
	if (acc == 3)
		return ERR_PTR(-EINVAL);
	f = file_alloc(acc == O_RDONLY ? &pipe_rd_fops
		       : acc == O_WRONLY ? &pipe_wr_fops : &pipe_rdwr_fops, p,
		       flags & (O_ACCMODE | O_NONBLOCK | O_APPEND | O_DIRECT));
	if (!f)
		return ERR_PTR(-ENOMEM);
	if (acc != O_WRONLY)
		p->readers++;
	if (acc != O_RDONLY)
		p->writers++;
	if (old->inode) { /* a FIFO's end keeps its inode */
		vfs_inode_get(old->inode);
		f->inode = old->inode;
	}
	return f;
}

/* The other side of a FIFO: its open ends, its opens so far, and how many
 * there had been when we began to wait. */
struct fifo_partner {
	const unsigned *count, *opens;
	unsigned seen;
};

static int partner_came(void *arg)
{
	const struct fifo_partner *fp = arg;

	return *fp->count || *fp->opens != fp->seen;
}

/* FIFO open: wait until the other side has had an open since ours
 * (*opens moved) or is open now. 0 or -ERESTARTSYS. */
static int fifo_wait_partner(struct wait_queue *wq, const unsigned *count, const unsigned *opens)
{
	struct fifo_partner fp = { count, opens, *opens };

	return waitq_wait_ready(wq, false, partner_came, &fp);
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

/* ---- /proc/sys/fs ---- */

static long pipe_max_size_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%lu\n", (unsigned long)pipe_max_size);
}

/* As Linux's proc_dopipe_max_size: rounded up to a power of two of pages,
 * at least one page; past 2^31 (or not a number) -EINVAL. */
static int pipe_max_size_store(const char *text)
{
	unsigned long v;
	int err = vfs_sysctl_parse(text, 1UL << 31, &v);

	if (err)
		return err;
	pipe_max_size = PAGE_SIZE << ring_order(v ? v : 1);
	return 0;
}

static long pages_soft_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%lu\n",
			 (unsigned long)(page_total_count() / PIPE_SOFT_DIV));
}

static long pages_hard_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%lu\n",
			 (unsigned long)(page_total_count() / PIPE_HARD_DIV));
}

static int pipe_sysctl_init(void)
{
	int err = vfs_add_sysctl("/proc/sys/fs/pipe-max-size", pipe_max_size_show,
				 pipe_max_size_store);

	if (!err)
		err = vfs_add_generated("/proc/sys/fs/pipe-user-pages-soft", pages_soft_show);
	if (!err)
		err = vfs_add_generated("/proc/sys/fs/pipe-user-pages-hard", pages_hard_show);
	if (err)
		log_warn("pipe: cannot add /proc/sys/fs files: %d", err);
	return err;
}
INITCALL(INIT_LATE, pipe_sysctl_init);
