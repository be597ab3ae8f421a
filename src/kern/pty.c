/*
 * Pseudo-terminals, Linux's Unix 98 ptys (drivers/tty/pty.c, devpts):
 * opening /dev/ptmx (5,2) makes a pair and gives its master side;
 * /dev/pts/N (136,N) is the slave, a terminal with the line discipline of
 * tty.c. glibc's posix_openpt/grantpt/unlockpt/ptsname and openpty work on
 * it: TIOCGPTN gives N, TIOCSPTLCK locks/unlocks the slave (locked at
 * first: opening it gives EIO), TIOCGPTPEER opens the slave from the
 * master. Termios and window-size requests on the master act on the slave.
 *
 * Data: master writes are the slave's input (echo included), slave writes
 * (OPOST/ONLCR applied) queue in the pair's output buffer for master
 * reads. A full input side blocks master writers, a full output buffer
 * blocks slave writers. Closing the master hangs the slave up (its session
 * gets SIGHUP; reads see end of file, writes EIO) and removes /dev/pts/N;
 * once every slave file is closed, master reads return EIO after the
 * queued output, and poll says POLLHUP. Not done: packet mode (TIOCPKT),
 * flow control (^S/^Q), a devpts mount (the nodes live in the ramfs's
 * /dev/pts, mode 0620 not enforced: one user).
 */
#include <uapi/sis/signal.h> /* first: see .coord/NOTES.md (__unused) */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/irq.h>
#include <sis/init.h>
#include <sis/wait.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <sis/mm.h>
#include <sis/byte_ring.h>
#include <sis/uaccess.h>
#include <sis/proc.h>
#include <sis/sched.h>
#include <uapi/sis/ioctl.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/fcntl.h>
#include "tty_internal.h"

#define PTY_MAX 64          /* pairs at once (Linux: kernel.pty.max, 4096) */
#define PTY_OBUF 4096       /* slave output queued for the master, a power of two */
#define PTS_MAJOR 136

struct pty {
	struct tty slave;       /* the slave terminal; slave.pty points back here */
	int index;              /* N of /dev/pts/N */
	unsigned refs;          /* master file + slave files + session lookups */
	bool master_open;       /* until the master file's release */
	bool locked;            /* TIOCSPTLCK: the slave cannot be opened */
	unsigned slave_files;   /* open slave files: 0 after the last close = EIO */
	bool slave_opened;      /* a slave file existed at some point */
	struct byte_ring obuf;  /* slave output not yet read by the master */
	char obuf_bytes[PTY_OBUF]; /* obuf's buffer */
	struct wait_queue master_wq; /* master readers/pollers: output, slave closed */
	struct wait_queue out_wq;    /* slave writers: room in obuf */
};

static struct pty *ptys[PTY_MAX];

static struct pty *pty_of_tty(struct tty *t)
{
	return container_of(t, struct pty, slave);
}

static size_t obuf_used(const struct pty *p)
{
	return byte_ring_used(&p->obuf);
}


static void pts_path(int index, char *buf, size_t size)
{
	ksnprintf(buf, size, "/dev/pts/%d", index);
}

static void pty_free(struct pty *p)
{
	ptys[p->index] = NULL;
	kfree(p);
}

static void pty_put(struct pty *p)
{
	if (--p->refs == 0)
		pty_free(p);
}

/* A session lookup is done with t. */
void pty_slave_put(struct tty *t)
{
	pty_put(pty_of_tty(t));
}

/* A slave file was made on t (its reference already taken). */
void pty_slave_file_add(struct tty *t)
{
	struct pty *p = pty_of_tty(t);

	p->slave_files++;
	p->slave_opened = true;
}

void pty_slave_file_release(struct tty *t)
{
	struct pty *p = pty_of_tty(t);

	if (--p->slave_files == 0)
		wake_up(&p->master_wq); /* master reads: EIO once drained */
	pty_put(p);
}

struct tty *pty_session_tty(int sid)
{
	for (int i = 0; i < PTY_MAX; i++) {
		struct pty *p = ptys[i];

		if (p && sid && p->slave.session == sid) {
			p->refs++;
			return &p->slave;
		}
	}
	return NULL;
}

void pty_session_end(int sid)
{
	struct tty *t = pty_session_tty(sid);

	if (!t)
		return;
	t->session = 0;
	if (t->fg_pgrp > 0)
		signal_tty_pgrp(t->fg_pgrp, SIGHUP);
	t->fg_pgrp = 0;
	pty_slave_put(t);
}

/* ---- the slave side -------------------------------------------------------- */

bool pty_slave_writable(struct tty *t)
{
	struct pty *p = pty_of_tty(t);

	return t->hung_up || obuf_used(p) + 2 <= PTY_OBUF;
}

/* Put one output byte (with ONLCR's CR) into obuf if both fit. */
static bool put_output(struct pty *p, char c)
{
	const struct linux_termios *tio = &p->slave.tio;
	bool crlf = c == '\n' && (tio->c_oflag & OPOST) && (tio->c_oflag & ONLCR);

	if (byte_ring_room(&p->obuf) < 1u + crlf)
		return false;
	if (crlf)
		byte_ring_put(&p->obuf, '\r');
	byte_ring_put(&p->obuf, c);
	return true;
}

/* Echo from the line discipline, with output processing as Linux's echoes
 * get it: what fits (IRQs masked by the caller). */
static void pty_output(struct tty *t, const char *s, size_t n)
{
	struct pty *p = pty_of_tty(t);

	for (size_t i = 0; i < n && put_output(p, s[i]); i++)
		;
	wake_up(&p->master_wq);
}

/*
 * One chunk of a write into the pair, copied in from the user: slave
 * output (into obuf) or master input (into the slave's line discipline).
 * put: how much of it went in so far.
 */
struct pty_chunk {
	struct pty *p;
	const char *buf;
	size_t n, put;
};

/*
 * A write of len bytes at ubuf in chunks of 256: each goes in as
 * put_some(chunk) moves it (waiting on wq, see waitq_wait_ready). The
 * bytes written, or an error if none were.
 */
static long pty_write(struct file *f, struct pty *p, const void *ubuf, size_t len,
		      struct wait_queue *wq, int (*put_some)(void *chunk))
{
	size_t done = 0;
	char buf[256];

	while (done < len) {
		struct pty_chunk c = { p, buf, MIN(len - done, sizeof(buf)), 0 };
		int err;

		if (copy_from_user(buf, (const char *)ubuf + done, c.n))
			return done ? (long)done : -EFAULT;
		err = waitq_wait_ready(wq, f->flags & O_NONBLOCK, put_some, &c);
		done += c.put;
		if (err || c.put < c.n)
			return done ? (long)done : err;
	}
	return (long)done;
}

/* Slave output: what fits into obuf; done when all of it went in. */
static int put_slave_output(void *arg)
{
	struct pty_chunk *c = arg;
	struct pty *p = c->p;
	unsigned long flags;
	size_t before = c->put;

	if (p->slave.hung_up)
		return -EIO;
	flags = irq_save();
	while (c->put < c->n && put_output(p, c->buf[c->put]))
		c->put++;
	irq_restore(flags);
	if (c->put > before)
		wake_up(&p->master_wq);
	return c->put == c->n;
}

long pty_slave_write(struct file *f, struct tty *t, const void *ubuf, size_t len)
{
	struct pty *p = pty_of_tty(t);

	return pty_write(f, p, ubuf, len, &p->out_wq, put_slave_output);
}

/* Open of /dev/pts/N: its pair by the minor number. */
static int pts_open(struct file *f, unsigned open_flags)
{
	unsigned minor = SIS_MINOR(f->inode->rdev);
	struct pty *p = minor < PTY_MAX ? ptys[minor] : NULL;

	if (!p || !p->master_open || p->locked || p->slave.hung_up)
		return -EIO;
	p->refs++;
	pty_slave_file_add(&p->slave);
	f->ops = &tty_slave_fops;
	f->priv = &p->slave;
	tty_open_ctty(&p->slave, open_flags);
	return 0;
}

static const struct file_ops pts_fops = {
	.open = pts_open,
};

/* A node of the slaves' major made by mknod (never one of /dev/pts): the
 * slave is found by its /dev/pts entry, so Linux's pts_unix98_lookup finds
 * none and open gives EIO, whether or not that pty exists. */
static int pts_stray_open(struct file *f, unsigned open_flags)
{
	(void)f, (void)open_flags;
	return -EIO;
}

static const struct file_ops pts_stray_fops = {
	.open = pts_stray_open,
};

/* ---- the master side ---------------------------------------------------------- */

static bool slave_gone(const struct pty *p)
{
	return p->slave_opened && p->slave_files == 0;
}

/* What a master read takes out of obuf, at most len bytes into buf. */
struct pty_take {
	struct pty *p;
	char *buf;
	size_t len, n;
};

/* Output to take (done), or the slave gone (-EIO, Linux's other side closed). */
static int take_output(void *arg)
{
	struct pty_take *tk = arg;
	unsigned long flags = irq_save();

	while (tk->n < tk->len && obuf_used(tk->p))
		tk->buf[tk->n++] = byte_ring_get(&tk->p->obuf);
	irq_restore(flags);
	if (tk->n)
		return 1;
	return slave_gone(tk->p) ? -EIO : 0;
}

static long master_read(struct file *f, void *ubuf, size_t len)
{
	struct pty *p = f->priv;
	char buf[256];
	struct pty_take tk = { p, buf, MIN(len, sizeof(buf)), 0 };
	int err;

	if (!len)
		return 0;
	err = waitq_wait_ready(&p->master_wq, f->flags & O_NONBLOCK, take_output, &tk);
	if (err)
		return err;
	wake_up(&p->out_wq);
	return copy_to_user(ubuf, buf, tk.n) ? -EFAULT : (long)tk.n;
}

/* Master writes are typed at the slave: byte by byte through its line
 * discipline, waiting while its input side is full. */
/* Master input: what the slave's input side takes; done once any of it
 * went in (the write then returns that much instead of waiting for room). */
static int put_master_input(void *arg)
{
	struct pty_chunk *c = arg;
	struct tty *t = &c->p->slave;

	while (c->put < c->n && tty_input_room(t))
		tty_ldisc_input(t, c->buf[c->put++]);
	return c->put > 0;
}

static long master_write(struct file *f, const void *ubuf, size_t len)
{
	struct pty *p = f->priv;

	return pty_write(f, p, ubuf, len, &p->slave.room_wq, put_master_input);
}

static unsigned master_poll(struct file *f, struct poll_table *pt)
{
	struct pty *p = f->priv;
	unsigned mask = 0;

	poll_wait(pt, &p->master_wq);
	poll_wait(pt, &p->slave.room_wq);
	if (obuf_used(p))
		mask |= POLLIN | POLLRDNORM;
	if (tty_input_room(&p->slave))
		mask |= POLLOUT | POLLWRNORM;
	if (slave_gone(p))
		mask |= POLLHUP;
	return mask;
}

/* TIOCGPTPEER: the slave as a new descriptor, opened with FLAGS. */
static long open_peer(struct pty *p, unsigned long flags)
{
	char path[32];
	struct file *f;
	long fd;

	if (flags & ~(unsigned long)(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	pts_path(p->index, path, sizeof(path));
	f = vfs_open_kernel(path, (unsigned)flags & ~(unsigned)O_CLOEXEC);
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->priv != &p->slave) {
		file_put(f); /* someone replaced the node */
		return -EIO;
	}
	fd = fd_install(f, flags & O_CLOEXEC);
	file_put(f);
	return fd;
}

static long master_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct pty *p = f->priv;
	int v;

	switch (cmd) {
	case TIOCGPTN:
		v = p->index;
		return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
	case TIOCSPTLCK:
		if (copy_from_user(&v, (void *)arg, sizeof(v)))
			return -EFAULT;
		p->locked = v != 0;
		return 0;
	case TIOCGPTPEER:
		return open_peer(p, arg);
	case FIONREAD:
		v = (int)obuf_used(p);
		return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
	default:
		return tty_ioctl_on(&p->slave, cmd, arg, true);
	}
}

static void master_release(struct file *f)
{
	struct pty *p = f->priv;
	char path[32];

	p->master_open = false;
	pts_path(p->index, path, sizeof(path));
	vfs_unlink_at(vfs_root(), path, false);
	tty_hangup(&p->slave);
	wake_up(&p->out_wq);
	pty_put(p);
}

static const struct file_ops ptmx_master_fops = {
	.read = master_read,
	.write = master_write,
	.ioctl = master_ioctl,
	.poll = master_poll,
	.release = master_release,
};

/* Make /dev/pts/N for the first free N whose name can be had (a user may
 * have put something there: a stale file is replaced, a directory skipped). */
static int add_slave_node(void)
{
	char path[32];

	for (int i = 0; i < PTY_MAX; i++) {
		if (ptys[i])
			continue;
		pts_path(i, path, sizeof(path));
		vfs_unlink_at(vfs_root(), path, false);
		if (!vfs_add_chardev_node(path, &pts_fops, SIS_MKDEV(PTS_MAJOR, i)))
			return i;
	}
	return -ENOSPC; /* Linux: kernel.pty.max reached */
}

static bool beside_pts(const struct inode *ino)
{
	struct inode *pts = vfs_lookup("/dev/pts");
	bool yes = !IS_ERR(pts) && vfs_sibling(ino, "pts") == pts;

	if (!IS_ERR(pts))
		vfs_inode_put(pts);
	return yes;
}

/* Open of /dev/ptmx: a new pair, its slave node made and locked. A ptmx
 * node made elsewhere by mknod opens only beside /dev/pts (Linux's
 * devpts_ptmx_path looks for "pts" in the node's directory: ENOENT). */
static int ptmx_open(struct file *f, unsigned open_flags)
{
	struct pty *p;
	int i;

	(void)open_flags;
	if (!f->inode->chr.fops && !beside_pts(f->inode))
		return -ENOENT;
	p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	i = add_slave_node();
	if (i < 0) {
		kfree(p);
		return i;
	}
	p->obuf = (struct byte_ring){ .buf = p->obuf_bytes, .size = PTY_OBUF };
	tty_init(&p->slave, pty_output);
	p->slave.pty = p;
	p->index = i;
	p->refs = 1; /* the master file's */
	p->master_open = true;
	p->locked = true;
	waitq_init(&p->master_wq);
	waitq_init(&p->out_wq);
	ptys[i] = p;
	f->ops = &ptmx_master_fops;
	f->priv = p;
	return 0;
}

static const struct file_ops ptmx_fops = {
	.open = ptmx_open,
};

static int pty_init(void)
{
	int err = vfs_add_chardev("/dev/ptmx", &ptmx_fops, SIS_MKDEV(5, 2));

	if (!err)
		err = vfs_add_chrdev_major(PTS_MAJOR, &pts_stray_fops);
	if (!err)
		err = vfs_mkdir_at(vfs_root(), "/dev/pts", 0755);
	return err == -EEXIST ? 0 : err;
}
INITCALL(INIT_DEV, pty_init);
