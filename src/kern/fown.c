/*
 * File owners and signal-driven I/O (fcntl(2): F_SETOWN, F_GETOWN,
 * F_SETOWN_EX, F_GETOWN_EX, F_SETSIG, F_GETSIG; O_ASYNC).
 *
 * Few files ever get an owner, so the owner is not a field of struct file
 * (every open file would pay for it): it is a side object, made by the
 * first F_SETOWN/F_SETOWN_EX/F_SETSIG on a file, found through a small hash
 * keyed by the file, and freed when the file is released (fown_release,
 * from file_destroy; nothing to look up while no file has one).
 *
 * While a file has an owner and O_ASYNC, the owner object hangs callback
 * waiters on the wait queues the file's poll names (as epoll does), so every
 * wake-up of the file (data in, room out, a peer gone) sends the owner
 * SIGIO: si_code SI_KERNEL, as Linux's send_sigio does without F_SETSIG; or
 * F_SETSIG's signal with si_code POLL_IN (POLL_OUT on a write-only file),
 * si_band and si_fd (the descriptor O_ASYNC was set through). The signal
 * goes to a thread, a process or a process group, if the credentials of
 * whoever set the owner may signal it (Linux's sigio_perm). Files without
 * a poll op (regular files) never signal, as on Linux.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/wait.h>
#include <sis/uaccess.h>
#include <sis/log.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/poll.h>
#include "proc_internal.h"

#define FOWN_QUEUES 3 /* wait queues one file may name in ->poll (as epoll) */
#define FOWN_BUCKETS 32

struct fown;

struct fown_hook {
	struct waiter w;
	struct wait_queue *wq;
	struct fown *fo;
};

struct fown {
	struct list_head node; /* fown_buckets[] */
	struct file *file;     /* not referenced: the file's release frees us */
	int type;              /* F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP */
	int id;                /* tid, pid or pgid; 0: no owner */
	u32 uid, euid;         /* of whoever set the owner (sigio_perm) */
	int sig;               /* F_SETSIG; 0: plain SIGIO */
	int fd;                /* si_fd: the descriptor of the last F_SETFL */
	int nhooks;            /* armed: O_ASYNC and an owner */
	struct fown_hook hooks[FOWN_QUEUES];
};

struct fown_table {
	struct poll_table pt;
	struct fown *fo;
};

static struct list_head fown_buckets[FOWN_BUCKETS];
static unsigned fown_count; /* objects alive; 0: releases look nothing up */

static struct list_head *bucket(const struct file *f)
{
	static bool ready;

	if (!ready) {
		for (int i = 0; i < FOWN_BUCKETS; i++)
			list_init(&fown_buckets[i]);
		ready = true;
	}
	return &fown_buckets[((uintptr_t)f >> 6) % FOWN_BUCKETS];
}

static struct fown *fown_find(const struct file *f)
{
	struct fown *fo;

	if (!fown_count)
		return NULL;
	list_for_each_entry(fo, bucket(f), node) {
		if (fo->file == f)
			return fo;
	}
	return NULL;
}

/* The file's owner object, made if missing; NULL: no memory. */
static struct fown *fown_get(struct file *f)
{
	struct fown *fo = fown_find(f);

	if (fo)
		return fo;
	fo = kzalloc(sizeof(*fo));
	if (!fo)
		return NULL;
	fo->file = f;
	fo->type = F_OWNER_PID;
	fo->fd = -1;
	list_add_tail(&fo->node, bucket(f));
	fown_count++;
	return fo;
}

/* A wake-up of the file (any context, interrupts off): signal the owner. */
static bool fown_wakeup(struct waiter *w)
{
	struct fown *fo = container_of(w, struct fown_hook, w)->fo;
	struct sig_origin o = { .code = SI_KERNEL };
	bool out = (fo->file->flags & O_ACCMODE) == O_WRONLY;

	if (!fo->id)
		return false;
	if (fo->sig) {
		o = (struct sig_origin){
			.code = out ? POLL_OUT : POLL_IN,
			.addr = out ? POLLOUT | POLLWRNORM | POLLWRBAND : POLLIN | POLLRDNORM | POLLRDBAND,
			.fd = fo->fd,
			.kind = SIGO_POLL,
		};
	}
	signal_send_owner(fo->type, fo->id, fo->sig ? fo->sig : SIGIO, &o, fo->uid, fo->euid);
	return true;
}

static void fown_queue(struct poll_table *pt, struct wait_queue *wq)
{
	struct fown *fo = container_of(pt, struct fown_table, pt)->fo;
	struct fown_hook *h;

	if (fo->nhooks == FOWN_QUEUES) {
		log_warn("fown: a file names more than %d wait queues\n", FOWN_QUEUES);
		return;
	}
	h = &fo->hooks[fo->nhooks++];
	h->wq = wq;
	h->fo = fo;
	waitq_add_callback(wq, &h->w, fown_wakeup, false);
}

static void fown_disarm(struct fown *fo)
{
	while (fo->nhooks) {
		struct fown_hook *h = &fo->hooks[--fo->nhooks];

		waitq_remove(h->wq, &h->w);
	}
}

/* Hooks on when the file has O_ASYNC and an owner, off otherwise. */
static void fown_update(struct fown *fo)
{
	struct file *f = fo->file;
	bool want = fo->id && (f->flags & O_ASYNC) && f->ops->poll;

	if (want && !fo->nhooks) {
		struct fown_table t = { .pt.queue = fown_queue, .fo = fo };

		f->ops->poll(f, &t.pt);
	} else if (!want) {
		fown_disarm(fo);
	}
}

void fown_setfl(struct file *f, int fd)
{
	struct fown *fo = fown_find(f);

	if (!fo)
		return;
	if (f->flags & O_ASYNC)
		fo->fd = fd;
	fown_update(fo);
}

void fown_release(struct file *f)
{
	struct fown *fo = fown_find(f);

	if (!fo)
		return;
	fown_disarm(fo);
	list_del(&fo->node);
	fown_count--;
	kfree(fo);
}

/* si_band of each POLL_* code (Linux's band_table). */
static u64 code_band(int code)
{
	switch (code) {
	case POLL_OUT:
		return POLLOUT | POLLWRNORM | POLLWRBAND;
	case POLL_MSG:
		return POLLIN | POLLRDNORM | POLLMSG;
	case POLL_ERR:
		return POLLERR;
	case POLL_PRI:
		return POLLPRI | POLLRDBAND;
	case POLL_HUP:
		return POLLHUP | POLLERR;
	}
	return POLLIN | POLLRDNORM | POLLRDBAND;
}

void fown_signal(struct file *f, int code)
{
	struct fown *fo = fown_find(f);
	struct sig_origin o = { .code = SI_KERNEL };

	if (!fo || !fo->id)
		return;
	if (fo->sig)
		o = (struct sig_origin){ .code = code, .addr = code_band(code), .fd = fo->fd,
					 .kind = SIGO_POLL };
	signal_send_owner(fo->type, fo->id, fo->sig ? fo->sig : SIGIO, &o, fo->uid, fo->euid);
}

/* The owner is (type, id), set by the caller: its credentials are what
 * the owner's signals are checked against (sigio_perm). */
static void fown_set(struct fown *fo, int type, int id)
{
	const struct proc *p = cur_proc();

	fo->type = type;
	fo->id = id;
	fo->uid = p->cred.uid[0];
	fo->euid = p->cred.uid[1];
	fown_update(fo);
}

/* The calling process becomes f's owner, unless f has one and keep says
 * to leave it; si_fd is fd either way. */
static int fown_set_self(struct file *f, int fd, bool keep)
{
	struct fown *fo = fown_get(f);

	if (!fo)
		return -ENOMEM;
	fo->fd = fd;
	if (!keep || !fo->id)
		fown_set(fo, F_OWNER_PID, cur_proc()->pid);
	return 0;
}

int fown_notify_owner(struct file *f, int fd)
{
	return fown_set_self(f, fd, false);
}

int fown_lease_owner(struct file *f, int fd)
{
	return fown_set_self(f, fd, true);
}

/* Set the owner: id 0 clears it; -ESRCH if nobody has that id. */
static long set_owner(struct file *f, int fd, int type, int id)
{
	struct fown *fo;

	if (id < 0)
		return -EINVAL;
	if (id) {
		bool found = type == F_OWNER_TID ? thread_find(id) != NULL
			   : type == F_OWNER_PID ? proc_find(id) != NULL : false;

		if (type == F_OWNER_PGRP) {
			struct proc *q;

			list_for_each_entry(q, &proc_list, all_node)
				found |= q->pgid == id && q->state == PROC_ALIVE;
		}
		if (!found)
			return -ESRCH;
	} else if (!fown_find(f)) {
		return 0; /* nothing to clear */
	}
	fo = fown_get(f);
	if (!fo)
		return -ENOMEM;
	if (f->flags & O_ASYNC)
		fo->fd = fd;
	fown_set(fo, type, id);
	return 0;
}

long fown_fcntl(struct file *f, int fd, int cmd, unsigned long arg)
{
	struct fown *fo = fown_find(f);
	struct f_owner_ex ex;
	int who = (int)arg;

	switch (cmd) {
	case F_SETOWN:
		if (who == (int)0x80000000)
			return -EINVAL; /* -INT_MIN is no group */
		return who < 0 ? set_owner(f, fd, F_OWNER_PGRP, -who)
			       : set_owner(f, fd, F_OWNER_PID, who);
	case F_GETOWN:
		if (!fo || !fo->id)
			return 0;
		return fo->type == F_OWNER_PGRP ? -fo->id : fo->id;
	case F_SETOWN_EX:
		if (copy_from_user(&ex, (void *)arg, sizeof(ex)))
			return -EFAULT;
		if (ex.type != F_OWNER_TID && ex.type != F_OWNER_PID && ex.type != F_OWNER_PGRP)
			return -EINVAL;
		return set_owner(f, fd, ex.type, ex.pid);
	case F_GETOWN_EX:
		ex.type = fo && fo->id ? fo->type : F_OWNER_PID;
		ex.pid = fo ? fo->id : 0;
		return copy_to_user((void *)arg, &ex, sizeof(ex)) ? -EFAULT : 0;
	case F_SETSIG:
		if (arg > SIS_NSIG)
			return -EINVAL;
		if (!arg && !fo)
			return 0;
		fo = fown_get(f);
		if (!fo)
			return -ENOMEM;
		fo->sig = (int)arg;
		return 0;
	case F_GETSIG:
		return fo ? fo->sig : 0;
	}
	return -EINVAL;
}
