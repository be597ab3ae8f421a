/*
 * File leases: fcntl F_SETLEASE/F_GETLEASE (fcntl(2) "Leases"), with
 * Linux's rules (fs/locks.c generic_setlease, __break_lease):
 *   - on a regular file, by its owner or root (else EACCES); a read lease
 *     only while nobody (the caller's own file included) has the file open
 *     for writing, a write lease only while no other open file refers to it
 *     (else EAGAIN); one lease per open file, replaced by the next
 *     F_SETLEASE; F_UNLCK without a lease is EAGAIN;
 *   - an open for writing (or with O_TRUNC) or a truncate(2) conflicts with
 *     any lease, an open for reading with a write lease. It breaks the
 *     lease: the holder's owner gets SIGIO (F_SETSIG's signal with si_code
 *     POLL_MSG; F_SETLEASE made the caller the owner if there was none) and
 *     F_GETLEASE reports the type the lease must go to (F_RDLCK for a
 *     reader breaking a write lease, else F_UNLCK). The opener waits until
 *     the holder moves there, closes the file, or lease-break-time seconds
 *     (/proc/sys/fs/lease-break-time, 45 by default) pass, when the kernel
 *     moves the lease itself; with O_NONBLOCK the open fails EWOULDBLOCK at
 *     once (the break still goes on). During a break F_SETLEASE may only go
 *     to the target type or to F_UNLCK.
 * Leases live on one small list (few files have one); a lease goes with
 * its file (lease_file_release from file_destroy). Process context.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <sis/wait.h>
#include <sis/timer.h>
#include <sis/init.h>
#include <sis/log.h>
#include <sis/proc.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/signal.h>
#include <uapi/sis/capability.h>

#define NO_BREAK (-1)

struct lease {
	struct list_head node; /* leases */
	struct inode *inode;   /* f->inode (the file references it) */
	struct file *file;     /* the holder: not referenced, its release drops us */
	int type;              /* F_RDLCK or F_WRLCK */
	int target;            /* while breaking: F_RDLCK or F_UNLCK; else NO_BREAK */
	u64 deadline_ns;       /* while breaking: when the kernel moves it itself */
};

static LIST_HEAD(leases);
static struct wait_queue lease_wq = WAIT_QUEUE_INIT(lease_wq); /* any lease changed */
static unsigned long lease_break_time = 45; /* seconds */

/* How much a lease type allows: F_UNLCK < F_RDLCK < F_WRLCK. */
static int rank(int type)
{
	return type == F_WRLCK ? 2 : type == F_RDLCK ? 1 : 0;
}

static struct lease *lease_of(const struct file *f)
{
	struct lease *l;

	list_for_each_entry(l, &leases, node) {
		if (l->file == f)
			return l;
	}
	return NULL;
}

static void lease_free(struct lease *l)
{
	list_del(&l->node);
	kfree(l);
	wake_up(&lease_wq);
}

/* The lease goes to type (F_UNLCK: gone); the break, if any, is over. */
static void lease_set_type(struct lease *l, int type)
{
	if (type == F_UNLCK) {
		lease_free(l);
		return;
	}
	l->type = type;
	l->target = NO_BREAK;
	wake_up(&lease_wq);
}

void lease_file_release(struct file *f)
{
	struct lease *l;

	if (list_empty(&leases))
		return;
	l = lease_of(f);
	if (l)
		lease_free(l);
}

static int set_lease(struct file *f, int fd, int type)
{
	struct inode *ino = f->inode;
	struct lease *l = lease_of(f);
	unsigned acc = f->flags & O_ACCMODE;

	if (type == F_UNLCK) {
		if (!l)
			return -EAGAIN;
		lease_free(l);
		return 0;
	}
	if (l && l->target != NO_BREAK && rank(type) > rank(l->target))
		return -EAGAIN; /* while breaking, only down to the target */
	if (type == F_RDLCK && (acc != O_RDONLY || ino->writers))
		return -EAGAIN;
	if (type == F_WRLCK && ino->refs > 1)
		return -EAGAIN; /* another open file (or mapping) of it */
	if (!l) {
		l = kzalloc(sizeof(*l));
		if (!l)
			return -ENOMEM;
		l->inode = ino;
		l->file = f;
		l->target = NO_BREAK;
		list_add_tail(&l->node, &leases);
	}
	lease_set_type(l, type);
	return fown_lease_owner(f, fd);
}

long lease_fcntl(struct file *f, int fd, int cmd, unsigned long arg)
{
	struct lease *l;

	if (!f->inode || !S_ISREG(f->inode->mode) || vfs_inode_generated(f->inode))
		return -EINVAL;
	if (cmd == F_GETLEASE) {
		l = lease_of(f);
		if (!l)
			return F_UNLCK;
		return l->target != NO_BREAK ? l->target : l->type;
	}
	if (arg != F_RDLCK && arg != F_WRLCK && arg != F_UNLCK)
		return -EINVAL;
	if (!proc_capable(CAP_LEASE) && proc_euid() != f->inode->uid)
		return -EACCES;
	return set_lease(f, fd, (int)arg);
}

/* The first lease on ino that an open for writing (write) or reading
 * conflicts with, or NULL. */
static struct lease *conflicting(const struct inode *ino, bool write)
{
	struct lease *l;

	list_for_each_entry(l, &leases, node) {
		if (l->inode == ino && (write || l->type == F_WRLCK))
			return l;
	}
	return NULL;
}

/* Start breaking l for an opener (write or not): the holder hears of it. */
static void start_break(struct lease *l, bool write)
{
	int target = write ? F_UNLCK : F_RDLCK;

	if (l->target != NO_BREAK && rank(l->target) <= rank(target))
		return; /* already breaking at least this far */
	if (l->target == NO_BREAK)
		l->deadline_ns = time_ns() + lease_break_time * NSEC_PER_SEC;
	l->target = target;
	fown_signal(l->file, POLL_MSG);
}

int lease_break(struct inode *ino, bool write, bool nonblock)
{
	struct waiter w;
	int err = 0;

	if (list_empty(&leases))
		return 0;
	vfs_inode_get(ino); /* across the sleep */
	for (;;) {
		struct lease *l;
		u64 deadline = 0;

		prepare_to_wait(&lease_wq, &w);
		list_for_each_entry(l, &leases, node) {
			if (l->inode != ino || !(write || l->type == F_WRLCK))
				continue;
			start_break(l, write);
			if (!deadline || l->deadline_ns < deadline)
				deadline = l->deadline_ns;
		}
		l = conflicting(ino, write);
		if (!l)
			break;
		if (nonblock) {
			err = -EWOULDBLOCK;
			break;
		}
		if (time_ns() >= l->deadline_ns) {
			lease_set_type(l, l->target); /* the holder took too long */
			continue;
		}
		err = schedule_sleep_restartable(deadline);
		if (err == -ETIMEDOUT)
			err = 0;
		if (err)
			break;
	}
	finish_wait(&lease_wq, &w);
	vfs_inode_put(ino);
	return err;
}

/* ---- /proc/sys/fs/lease-break-time ---- */

static long break_time_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%lu\n", lease_break_time);
}

static int break_time_store(const char *text)
{
	return vfs_sysctl_parse(text, 0x7fffffff, &lease_break_time);
}

static int lease_sysctl_init(void)
{
	int err = vfs_add_sysctl("/proc/sys/fs/lease-break-time", break_time_show,
				 break_time_store);

	if (err)
		log_warn("lease: cannot add /proc/sys/fs/lease-break-time: %d", err);
	return err;
}
INITCALL(INIT_LATE, lease_sysctl_init);
