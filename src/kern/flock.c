/*
 * Record locks: fcntl F_GETLK/F_SETLK/F_SETLKW (POSIX, owned by the
 * process's descriptor table, like Linux's files_struct, and dropped when the
 * process closes any descriptor of the file) and F_OFD_GETLK/F_OFD_SETLK/
 * F_OFD_SETLKW (owned by the open file, dropped with its last reference).
 * Advisory only, as on Linux: they bind nobody who does not ask. An owner's
 * locks never conflict with each other; a new lock replaces the owner's
 * overlapping ones (splitting them) and merges with adjacent ones of its type.
 * Each owner's locks are kept together in the order of their start, as
 * Linux's posix_lock_inode keeps them, since F_GETLK reports the first
 * conflicting lock in that order. F_SETLKW that would wait for an owner who
 * (through a chain of waiting owners) waits for the caller fails with EDEADLK
 * (POSIX locks only, as Linux's posix_locks_deadlock).
 * Not done: mandatory locking, leases, flock(2).
 *
 * All locks live on one list keyed by inode: a process holds few, and a close
 * scans it only while it is not empty. The kernel is uniprocessor and not
 * preempted: no lock is needed around the list.
 */
#include <sis/file.h>
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/proc.h>
#include <sis/uaccess.h>
#include <sis/vfs.h>
#include <sis/wait.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>

#define OFFSET_MAX 0x7fffffffffffffffL

struct file_lock {
	struct list_head node; /* in locks */
	const struct inode *inode; /* what is locked (no reference: see flock_close) */
	const void *owner;     /* POSIX: the fd table; OFD: the struct file */
	bool ofd;
	int pid;               /* F_GETLK's l_pid: the locker's pid, -1 for OFD */
	short type;            /* F_RDLCK or F_WRLCK */
	long start, end;       /* inclusive byte range */
};

static struct list_head locks = LIST_HEAD_INIT(locks);
static struct wait_queue unlocked_wq = WAIT_QUEUE_INIT(unlocked_wq); /* any lock went */

/* One lock request, from the user's struct flock and the file. */
struct lock_req {
	const struct inode *inode;
	const void *owner;
	bool ofd;
	short type;
	long start, end;
};

/* A POSIX owner sleeping in F_SETLKW, for the deadlock check; on the sleeper's stack. */
struct lock_waiter {
	struct list_head node; /* in lock_waiters */
	const struct lock_req *req;
};

static struct list_head lock_waiters = LIST_HEAD_INIT(lock_waiters);
#define DEADLOCK_DEPTH 10 /* Linux's MAX_DEADLK_ITERATIONS */

static bool overlap(const struct file_lock *l, const struct lock_req *r)
{
	return l->inode == r->inode && l->start <= r->end && r->start <= l->end;
}

/* The first lock of another owner that stops r, or NULL. */
static struct file_lock *conflict(const struct lock_req *r)
{
	struct file_lock *l;

	list_for_each_entry(l, &locks, node) {
		if (l->owner == r->owner || !overlap(l, r))
			continue;
		if (l->type == F_WRLCK || r->type == F_WRLCK)
			return l;
	}
	return NULL;
}

/* struct flock's range (whence, start, len) as [start, end]: Linux's flock_to_posix_lock. */
static int lock_range(struct file *f, const struct sis_flock *fl, long *start, long *end)
{
	long base;

	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = f->inode && S_ISREG(f->inode->mode) ? (long)f->inode->reg.size : 0;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, fl->l_start, start))
		return -EOVERFLOW;
	if (fl->l_len > 0) {
		if (__builtin_add_overflow(*start, fl->l_len - 1, end))
			return -EOVERFLOW;
	} else if (fl->l_len < 0) {
		*end = *start - 1;
		if (__builtin_add_overflow(*start, fl->l_len, start))
			return -EINVAL;
	} else {
		*end = OFFSET_MAX;
	}
	return *start < 0 ? -EINVAL : 0;
}

/* Does l overlap r's range or border on it? */
static bool touches(const struct file_lock *l, const struct lock_req *r)
{
	long after = r->end == OFFSET_MAX ? r->end : r->end + 1;
	long before = r->start == 0 ? 0 : r->start - 1;

	return l->inode == r->inode && l->start <= after && before <= l->end;
}

/* Put a new lock among its owner's, before the first that starts after it. */
static void lock_insert(struct file_lock *add)
{
	struct list_head *before = &locks;
	struct file_lock *l;
	bool owners = false;

	list_for_each_entry(l, &locks, node) {
		bool same = l->owner == add->owner && l->inode == add->inode;

		if ((same && l->start > add->start) || (!same && owners)) {
			before = &l->node;
			break;
		}
		owners |= same;
	}
	list_add_tail(&add->node, before);
}

static struct file_lock *lock_new(const struct lock_req *r, long start, long end)
{
	struct file_lock *l = kzalloc(sizeof(*l));

	if (!l)
		return NULL;
	l->inode = r->inode;
	l->owner = r->owner;
	l->ofd = r->ofd;
	l->pid = r->ofd ? -1 : proc_pid(current_proc());
	l->type = r->type;
	l->start = start;
	l->end = end;
	return l;
}

/*
 * Apply r to its owner's locks (no conflict is left): cut [start, end] out
 * of the owner's locks, then (unless F_UNLCK) add it, merged with the
 * owner's locks of the same type it touches. Allocates first, so failure
 * (-ENOMEM) changes nothing.
 */
static int lock_apply(struct lock_req *r)
{
	struct file_lock *add = NULL, *split = lock_new(r, 0, 0), *l, *n;

	if (!split)
		return -ENOMEM;
	if (r->type != F_UNLCK) {
		add = lock_new(r, r->start, r->end);
		if (!add) {
			kfree(split);
			return -ENOMEM;
		}
	}
	list_for_each_entry_safe(l, n, &locks, node) {
		if (l->owner != r->owner || !touches(l, r))
			continue;
		if (add && l->type == r->type) { /* same type, overlapping or adjacent: merge */
			add->start = MIN(add->start, l->start);
			add->end = MAX(add->end, l->end);
			list_del(&l->node);
			kfree(l);
			continue;
		}
		if (l->start > r->end || l->end < r->start)
			continue; /* only adjacent, of another type: stays */
		if (l->start < r->start && l->end > r->end && split) {
			*split = *l; /* the part right of r */
			split->start = r->end + 1;
			list_add(&split->node, &l->node);
			split = NULL;
			l->end = r->start - 1;
		} else if (l->start < r->start) {
			l->end = r->start - 1;
		} else if (l->end > r->end) {
			l->start = r->end + 1;
		} else {
			list_del(&l->node);
			kfree(l);
		}
	}
	kfree(split);
	if (add)
		lock_insert(add);
	wake_up(&unlocked_wq);
	return 0;
}

/* Would r's owner, by waiting for blocker, close a cycle of waiting owners? */
static bool would_deadlock(const struct lock_req *r, const struct file_lock *blocker)
{
	for (int depth = 0; blocker && !blocker->ofd && depth < DEADLOCK_DEPTH; depth++) {
		const struct lock_waiter *w, *found = NULL;

		list_for_each_entry(w, &lock_waiters, node) {
			if (w->req->owner == blocker->owner) {
				found = w;
				break;
			}
		}
		if (!found)
			return false;
		blocker = conflict(found->req);
		if (blocker && blocker->owner == r->owner)
			return true;
	}
	return false;
}

/* F_SETLK(W), F_OFD_SETLK(W): EAGAIN on a conflict, or wait for it to go. */
static int lock_set(struct lock_req *r, bool wait)
{
	struct lock_waiter lw = { .req = r };
	struct file_lock *blocker;
	struct waiter w;
	int err = 0;

	if (r->type == F_UNLCK)
		return lock_apply(r);
	if (wait && !r->ofd)
		list_add_tail(&lw.node, &lock_waiters);
	for (;;) {
		prepare_to_wait(&unlocked_wq, &w);
		blocker = conflict(r);
		if (!blocker)
			break;
		if (!wait) {
			err = -EAGAIN;
			break;
		}
		if (!r->ofd && would_deadlock(r, blocker)) {
			err = -EDEADLK;
			break;
		}
		err = schedule_sleep_restartable(0);
		if (err)
			break;
	}
	finish_wait(&unlocked_wq, &w);
	if (wait && !r->ofd)
		list_del(&lw.node);
	return err ? err : lock_apply(r);
}

/* F_GETLK: describe the first conflicting lock, or say F_UNLCK. */
static void lock_get(const struct lock_req *r, struct sis_flock *fl)
{
	struct file_lock *l = conflict(r);

	if (!l) {
		fl->l_type = F_UNLCK;
		return;
	}
	fl->l_type = l->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = l->start;
	fl->l_len = l->end == OFFSET_MAX ? 0 : l->end - l->start + 1;
	fl->l_pid = l->pid;
}

static bool is_ofd(int cmd)
{
	return cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
}

/*
 * A POSIX lock got after a wait: if another thread of the owner closed fd
 * meanwhile, the close already dropped the owner's locks on the file and
 * this one would outlive every descriptor (nothing would ever drop it, and
 * it holds no reference on the inode). Drop it as that close would have
 * and say EBADF (Linux's fcntl_setlk does the same).
 */
static int lock_recheck_fd(struct file *f, int fd, const void *owner)
{
	struct file *now = fd_get_raw(fd);

	if (now)
		file_put(now);
	if (now == f)
		return 0;
	flock_close(owner, f);
	return -EBADF;
}

long flock_fcntl(struct file *f, int fd, const void *owner, int cmd, void *ufl)
{
	struct sis_flock fl;
	struct lock_req r;
	int err;

	if (copy_from_user(&fl, ufl, sizeof(fl)))
		return -EFAULT;
	if (!f->inode)
		return -EINVAL; /* a pipe or socket: Linux has nothing to lock there either */
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
		return -EINVAL;
	r.ofd = is_ofd(cmd);
	if (r.ofd && fl.l_pid != 0)
		return -EINVAL; /* Linux: OFD requests must leave l_pid 0 */
	r.inode = f->inode;
	r.owner = r.ofd ? (const void *)f : owner;
	r.type = fl.l_type;
	err = lock_range(f, &fl, &r.start, &r.end);
	if (err)
		return err;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		if (fl.l_type == F_UNLCK)
			return -EINVAL;
		lock_get(&r, &fl);
		return copy_to_user(ufl, &fl, sizeof(fl)) ? -EFAULT : 0;
	}
	if ((fl.l_type == F_RDLCK && (f->flags & O_ACCMODE) == O_WRONLY) ||
	    (fl.l_type == F_WRLCK && (f->flags & O_ACCMODE) == O_RDONLY))
		return -EBADF;
	err = lock_set(&r, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
	if (!err && cmd == F_SETLKW && r.type != F_UNLCK)
		err = lock_recheck_fd(f, fd, owner);
	return err;
}

/* Drop every lock matching (inode, owner) (NULL inode: any). */
static void drop_locks(const struct inode *inode, const void *owner)
{
	struct file_lock *l, *n;
	bool any = false;

	list_for_each_entry_safe(l, n, &locks, node) {
		if (l->owner != owner || (inode && l->inode != inode))
			continue;
		list_del(&l->node);
		kfree(l);
		any = true;
	}
	if (any)
		wake_up(&unlocked_wq);
}

void flock_close(const void *owner, struct file *f)
{
	if (!list_empty(&locks) && f->inode)
		drop_locks(f->inode, owner);
}

void flock_file_release(struct file *f)
{
	if (!list_empty(&locks) && f->inode)
		drop_locks(f->inode, f);
}
