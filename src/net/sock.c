/*
 * Socket core: what every kind of socket shares. A socket is a struct file
 * whose priv is a struct sock; the file ops below turn read/write/poll/fstat/
 * close into protocol operations, so the generic file syscalls work on
 * sockets unchanged. Also: creation by family, descriptor lookup, sleeping
 * (sock_wait) and copying between the kernel and the user's buffers.
 */
#include <sis/socket.h>
#include <sis/file.h>
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/net.h>
#include <sis/proc.h>
#include <sis/irq.h>
#include <sis/timer.h>
#include <sis/uaccess.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/ioctl.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/signal.h>
#include <uapi/sis/stat.h>
#include <sis/ifioctl.h>

_Static_assert(SOCK_NONBLOCK == O_NONBLOCK, "socket() flags are open() flags");
_Static_assert(SOCK_CLOEXEC == O_CLOEXEC, "socket() flags are open() flags");

/* Sockets alive now (made by sock_init, not yet freed by sock_free). */
static unsigned long sock_live;

unsigned long sock_count(void)
{
	return sock_live;
}

/* AF_UNIX sockets come and go outside net_lock, TCP's in the softirq. */
static void sock_live_add(long d)
{
	unsigned long flags = irq_save();

	sock_live += (unsigned long)d;
	irq_restore(flags);
}

void sock_init(struct sock *sk, const struct sock_ops *ops, int family, int type, int protocol)
{
	sock_live_add(1);
	sk->ops = ops;
	sk->file = NULL;
	waitq_init(&sk->wq);
	sk->family = (u16)family;
	sk->type = (u16)type;
	sk->protocol = (u16)protocol;
	sk->listening = false;
	sk->shut = 0;
	sk->err = 0;
	memset(&sk->opt, 0, sizeof(sk->opt));
	sk->opt.rcvbuf = SOCK_RCVBUF_DEFAULT;
	sk->opt.sndbuf = SOCK_SNDBUF_DEFAULT;
	sk->opt.ttl = SOCK_TTL_DEFAULT;
	sk->opt.hops6 = -1;
	sk->opt.pmtudisc = IP_PMTUDISC_WANT;
	sk->opt.pmtudisc6 = IP_PMTUDISC_WANT;
	sk->opt.mc_ttl = 1;
	sk->opt.mc_loop = true;
	sk->opt.mc_hops6 = 1;
	sk->opt.mc_loop6 = true;
	list_init(&sk->mc_groups);
}

void sock_free(struct sock *sk)
{
	if (!list_empty(&sk->mc_groups))
		sock_mcast_release(sk); /* AF_INET/AF_INET6: net_lock is held */
	kfree(sk->rthdr6);
	sock_live_add(-1);
	kfree(sk);
}

static void ops_lock(const struct sock_ops *ops)
{
	if (ops->lock)
		ops->lock();
	else
		net_lock();
}

static void ops_unlock(const struct sock_ops *ops)
{
	if (ops->unlock)
		ops->unlock();
	else
		net_unlock();
}

void sock_lock(struct sock *sk)
{
	ops_lock(sk->ops);
}

void sock_unlock(struct sock *sk)
{
	ops_unlock(sk->ops);
}

/* A section that only looks at the socket (poll, FIONREAD): the family's
 * own lock, or the network lock's read side (sis/net.h), whose end costs
 * no stack run and wakes nothing. */
static void sock_lock_read(struct sock *sk)
{
	if (sk->ops->lock)
		sk->ops->lock();
	else
		net_lock_read();
}

static void sock_unlock_read(struct sock *sk)
{
	if (sk->ops->unlock)
		sk->ops->unlock();
	else
		net_unlock_read();
}

void sock_release(struct sock *sk)
{
	const struct sock_ops *ops = sk->ops; /* sk is gone after release */

	ops_lock(ops);
	ops->release(sk);
	ops_unlock(ops);
}

int sock_create(int family, int type, int protocol, struct sock **out)
{
	int err;

	if (type < SOCK_STREAM || type > SOCK_SEQPACKET)
		return -EINVAL;
	switch (family) {
	case AF_INET:
		net_lock();
		err = sock_inet_create(type, protocol, out);
		net_unlock();
		return err;
	case AF_INET6:
		net_lock();
		err = sock_inet6_create(type, protocol, out);
		net_unlock();
		return err;
	case AF_UNIX:
		return unix_sock_create(type, protocol, out);
	case AF_NETLINK:
		net_lock();
		err = netlink_sock_create(type, protocol, out);
		net_unlock();
		return err;
	default:
		return -EAFNOSUPPORT;
	}
}

/* ---- the file side ---- */

static struct sock *file_sock(struct file *f)
{
	return f->priv;
}

struct sock *sock_from_file(struct file *f)
{
	return f->ops == &sock_file_ops ? file_sock(f) : NULL;
}

bool sock_file_nonblock(const struct sock *sk)
{
	return sk->file && (sk->file->flags & O_NONBLOCK);
}

/* A one-segment message over a plain read()/write() buffer. */
static void msg_single(struct sock_msg *m, struct iovec *iov, void *ubuf, size_t len,
		       bool nonblock)
{
	memset(m, 0, sizeof(*m));
	iov->iov_base = ubuf;
	iov->iov_len = len;
	m->it.iov = iov;
	m->it.nr_segs = 1;
	m->it.left = len;
	m->nonblock = nonblock;
}

static long sock_file_read(struct file *f, void *ubuf, size_t len)
{
	struct sock *sk = file_sock(f);
	struct sock_msg m;
	struct iovec iov;
	long ret;

	if (!sk->ops->recvmsg)
		return -EINVAL;
	msg_single(&m, &iov, ubuf, len, f->flags & O_NONBLOCK);
	sock_lock(sk);
	ret = sk->ops->recvmsg(sk, &m);
	sock_unlock(sk);
	return ret;
}

static long sock_file_write(struct file *f, const void *ubuf, size_t len)
{
	struct sock *sk = file_sock(f);
	struct sock_msg m;
	struct iovec iov;
	long ret;

	if (!sk->ops->sendmsg)
		return -EINVAL;
	msg_single(&m, &iov, (void *)ubuf, len, f->flags & O_NONBLOCK);
	sock_lock(sk);
	ret = sk->ops->sendmsg(sk, &m);
	sock_unlock(sk);
	return ret;
}

long sock_file_write_kernel(struct file *f, const void *kbuf, size_t len, int msg_flags)
{
	struct sock *sk = sock_from_file(f);
	struct sock_msg m;
	struct iovec iov;
	long ret;

	if (!sk || !sk->ops->sendmsg)
		return -EINVAL;
	msg_single(&m, &iov, (void *)kbuf, len, f->flags & O_NONBLOCK);
	m.it.kernel = true;
	m.flags = msg_flags;
	sock_lock(sk);
	ret = sk->ops->sendmsg(sk, &m);
	sock_unlock(sk);
	return ret;
}

long sock_file_read_kernel(struct file *f, void *kbuf, size_t len, bool nonblock)
{
	struct sock *sk = sock_from_file(f);
	struct sock_msg m;
	struct iovec iov;
	long ret;

	if (!sk || !sk->ops->recvmsg)
		return -EINVAL;
	msg_single(&m, &iov, kbuf, len, nonblock || (f->flags & O_NONBLOCK));
	m.it.kernel = true;
	sock_lock(sk);
	ret = sk->ops->recvmsg(sk, &m);
	sock_unlock(sk);
	return ret;
}

static unsigned sock_file_poll(struct file *f, struct poll_table *pt)
{
	struct sock *sk = file_sock(f);
	unsigned mask;

	if (pt)
		poll_wait(pt, &sk->wq);
	sock_lock_read(sk);
	mask = sk->ops->poll(sk);
	sock_unlock_read(sk);
	return mask;
}

static int sock_file_fstat(struct file *f, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | 0777;
	st->st_nlink = 1;
	st->st_blksize = PAGE_SIZE;
	/* Sockets have no inode; the address is unique while the socket lives. */
	st->st_ino = (u64)(uintptr_t)f->priv >> 4;
	return 0;
}

/*
 * FIONREAD here; FIONBIO is the file layer's (any fd). Interface ioctls
 * (SIOC*, 0x89xx) go to the network configuration code.
 */
#define SOCK_IOC_FIRST 0x8900
#define SOCK_IOC_LAST 0x89ff

static long sock_file_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct sock *sk = file_sock(f);
	unsigned long inq = 0;
	int v;

	if (cmd == FIONREAD) {
		sock_lock_read(sk);
		if (sk->ops->inq)
			inq = sk->ops->inq(sk);
		sock_unlock_read(sk);
		v = (int)MIN(inq, 0x7fffffffUL);
		return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
	}
	if (cmd >= SOCK_IOC_FIRST && cmd <= SOCK_IOC_LAST)
		return ifioctl(cmd, (void *)arg);
	return -ENOTTY;
}

static void sock_file_release(struct file *f)
{
	struct sock *sk = file_sock(f);
	const struct sock_ops *ops = sk->ops; /* sk is gone after release */

	ops_lock(ops);
	sk->file = NULL;
	ops->release(sk);
	ops_unlock(ops);
}

static void sock_file_unref(struct file *f)
{
	struct sock *sk = file_sock(f);

	if (sk->ops->file_unref)
		sk->ops->file_unref(sk);
}

const struct file_ops sock_file_ops = {
	.read = sock_file_read,
	.write = sock_file_write,
	.ioctl = sock_file_ioctl,
	.poll = sock_file_poll,
	.fstat = sock_file_fstat,
	.release = sock_file_release,
	.unref = sock_file_unref,
};

int sock_install(struct sock *sk, unsigned sock_flags)
{
	struct file *f;
	int fd;

	f = file_alloc(&sock_file_ops, sk, O_RDWR | (sock_flags & SOCK_NONBLOCK));
	if (IS_ERR_OR_NULL(f)) {
		sock_release(sk);
		return f ? (int)PTR_ERR(f) : -ENFILE;
	}
	sk->file = f;
	fd = fd_install(f, sock_flags & SOCK_CLOEXEC);
	file_put(f); /* the descriptor holds the file now, or nothing does */
	return fd;
}

struct sock *sock_lookup(int fd, struct file **filep)
{
	struct file *f = fd_get(fd);

	if (!f)
		return ERR_PTR(-EBADF);
	if (f->ops != &sock_file_ops) {
		file_put(f);
		return ERR_PTR(-ENOTSOCK);
	}
	*filep = f;
	return file_sock(f);
}

/* ---- sleeping and waking ---- */

int sock_wait_arg(struct sock *sk, bool (*ready)(struct sock *sk, const void *arg),
		  const void *arg, bool nonblock, u64 deadline_ns)
{
	struct waiter w;
	int err = 0;

	if (ready(sk, arg))
		return 0;
	if (nonblock)
		return -EAGAIN;
	for (;;) {
		prepare_to_wait(&sk->wq, &w);
		if (ready(sk, arg))
			break;
		/* Files let go meanwhile are released after the call, not in
		 * this unlock: a release may sleep, and we are about to. */
		file_release_hold();
		sock_unlock(sk);
		/* With a timeout set, Linux says EINTR: no restart. */
		err = deadline_ns ? schedule_sleep(deadline_ns, true) : schedule_sleep_restartable(0);
		sock_lock(sk);
		file_release_unhold();
		if (err)
			break;
	}
	finish_wait(&sk->wq, &w);
	if (err && ready(sk, arg))
		err = 0; /* woken and timed out at once: the event wins */
	return err == -ETIMEDOUT ? -EAGAIN : err;
}

struct plain_ready {
	bool (*ready)(struct sock *sk);
};

static bool plain_ready(struct sock *sk, const void *arg)
{
	return ((const struct plain_ready *)arg)->ready(sk);
}

int sock_wait(struct sock *sk, bool (*ready)(struct sock *sk), bool nonblock, u64 deadline_ns)
{
	struct plain_ready p = { ready };

	return sock_wait_arg(sk, plain_ready, &p, nonblock, deadline_ns);
}

u64 sock_deadline(u64 timeout_ns)
{
	return timeout_ns ? time_ns() + timeout_ns : 0;
}

void sock_wake(struct sock *sk)
{
	wake_up(&sk->wq);
}

int sock_take_err(struct sock *sk)
{
	int err = sk->err;

	sk->err = 0;
	return -err;
}

int sock_epipe(int flags)
{
	struct proc *p = current_proc();

	if (!(flags & MSG_NOSIGNAL) && p)
		signal_send(proc_pid(p), SIGPIPE);
	return -EPIPE;
}

/* ---- user buffers ---- */

/* The next non-empty segment, or NULL when the iterator is used up. */
static const struct iovec *iter_seg(struct sock_iter *it)
{
	while (it->seg < it->nr_segs && it->seg_off >= it->iov[it->seg].iov_len) {
		it->seg++;
		it->seg_off = 0;
	}
	return it->seg < it->nr_segs ? &it->iov[it->seg] : NULL;
}

long sock_iter_to_user(struct sock_iter *it, const void *kbuf, size_t n)
{
	const struct iovec *v;
	size_t done = 0, c;

	n = MIN(n, it->left);
	while (done < n && (v = iter_seg(it))) {
		c = MIN(v->iov_len - it->seg_off, n - done);
		if (it->kernel)
			memcpy((char *)v->iov_base + it->seg_off, (const char *)kbuf + done, c);
		else if (copy_to_user((char *)v->iov_base + it->seg_off, (const char *)kbuf + done, c))
			return -EFAULT;
		it->seg_off += c;
		it->left -= c;
		done += c;
	}
	return (long)done;
}

long sock_iter_from_user(struct sock_iter *it, void *kbuf, size_t n)
{
	const struct iovec *v;
	size_t done = 0, c;

	n = MIN(n, it->left);
	while (done < n && (v = iter_seg(it))) {
		c = MIN(v->iov_len - it->seg_off, n - done);
		if (it->kernel)
			memcpy((char *)kbuf + done, (const char *)v->iov_base + it->seg_off, c);
		else if (copy_from_user((char *)kbuf + done, (const char *)v->iov_base + it->seg_off, c))
			return -EFAULT;
		it->seg_off += c;
		it->left -= c;
		done += c;
	}
	return (long)done;
}

/*
 * The user memory the iterator points at next, without copying: at most max
 * bytes of one segment, checked readable (sis/uaccess.h: a checked range
 * stays valid until the caller sleeps), *len 0 at the end. Not consumed:
 * sock_iter_skip() does that once the bytes are taken. 0 or -EFAULT.
 */
int sock_iter_peek_user(struct sock_iter *it, size_t max, const void **p, size_t *len)
{
	const struct iovec *v = iter_seg(it);

	*len = 0;
	*p = NULL;
	if (!v)
		return 0;
	*len = MIN(MIN(v->iov_len - it->seg_off, max), it->left);
	*p = (const char *)v->iov_base + it->seg_off;
	return *len && !it->kernel && !user_range_ok(*p, *len, false) ? -EFAULT : 0;
}

void sock_iter_skip(struct sock_iter *it, size_t n)
{
	const struct iovec *v;
	size_t c;

	n = MIN(n, it->left);
	while (n && (v = iter_seg(it))) {
		c = MIN(v->iov_len - it->seg_off, n);
		it->seg_off += c;
		it->left -= c;
		n -= c;
	}
}

/* ---- files in flight (SCM_RIGHTS) ---- */

void sock_fds_put(struct sock_fds *fds)
{
	if (!fds)
		return;
	for (unsigned i = 0; i < fds->n; i++)
		file_put(fds->f[i]);
	kfree(fds);
}

struct sock_fds *sock_fds_dup(const struct sock_fds *fds)
{
	struct sock_fds *d = kmalloc(sizeof(*d) + fds->n * sizeof(d->f[0]));

	if (!d)
		return NULL;
	d->n = fds->n;
	for (unsigned i = 0; i < fds->n; i++) {
		d->f[i] = fds->f[i];
		file_get(d->f[i]);
	}
	return d;
}
