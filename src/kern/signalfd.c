/*
 * signalfd4(2): signals as a file. read takes pending signals of the file's
 * mask from the reading thread (its own, then its process's) as 128-byte
 * struct signalfd_siginfo records, blocking while there are none unless
 * O_NONBLOCK; poll and epoll report POLLIN while one is pending for the
 * polling thread. The signals are normally blocked, so no handler takes
 * them first.
 *
 * Wake-ups come from the creating process's signalfd_wait, which every
 * queued signal wakes; the file holds a reference on that process so an
 * epoll set that outlives it never waits on freed memory. Not done: a
 * signalfd inherited across fork reads the child's signals (as Linux), but
 * pollers sleeping on it are woken only by the creator's.
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
#include "proc_internal.h"

#define SFD_UNBLOCKABLE (SIS_SIGBIT(SIGKILL) | SIS_SIGBIT(SIGSTOP))

struct signalfd {
	k_sigset_t mask;     /* the signals it reads */
	struct proc *owner;  /* the creator (referenced): whose queue wakes pollers */
};

static const struct file_ops sfd_ops;

static bool sfd_ready(const struct signalfd *sfd)
{
	struct thread *t = cur_thread();

	return t && (signal_thread_pending(t) & sfd->mask);
}

static int sfd_pending(void *arg)
{
	return sfd_ready(arg);
}

/* Until a signal of the mask is pending: 0, -EAGAIN or -ERESTARTSYS. */
static int sfd_wait(struct file *f)
{
	return waitq_wait_ready(&cur_proc()->signalfd_wait, f->flags & O_NONBLOCK, sfd_pending,
				f->priv);
}

static void fill(struct signalfd_siginfo *si, int sig, const struct sig_origin *o)
{
	memset(si, 0, sizeof(*si));
	si->ssi_signo = (u32)sig;
	si->ssi_code = o->code;
	if (o->kind == SIGO_POLL) {
		si->ssi_band = (u32)o->addr;
		si->ssi_fd = o->fd;
	} else if (o->kind == SIGO_VALUE) {
		si->ssi_pid = (u32)o->pid;
		si->ssi_uid = o->uid;
		si->ssi_int = (s32)o->addr;
		si->ssi_ptr = o->addr;
	} else if (o->code == SI_USER || o->code == SI_TKILL) {
		si->ssi_pid = (u32)o->pid;
		si->ssi_uid = o->uid;
	} else if (o->code != SI_KERNEL)
		si->ssi_addr = o->addr;
	else
		si->ssi_pid = (u32)o->pid; /* SIGCHLD: the child */
}

static long sfd_read(struct file *f, void *ubuf, size_t len)
{
	struct signalfd *sfd = f->priv;
	struct signalfd_siginfo si;
	struct sig_origin o;
	size_t done = 0;
	int sig, err;

	if (len < sizeof(si))
		return -EINVAL;
	err = sfd_wait(f);
	if (err)
		return err;
	while (done + sizeof(si) <= len) {
		sig = signal_dequeue(cur_thread(), sfd->mask, &o);
		if (!sig)
			break;
		fill(&si, sig, &o);
		if (copy_to_user((char *)ubuf + done, &si, sizeof(si)))
			return done ? (long)done : -EFAULT;
		done += sizeof(si);
	}
	return done ? (long)done : -EAGAIN;
}

static unsigned sfd_poll(struct file *f, struct poll_table *pt)
{
	struct signalfd *sfd = f->priv;

	poll_wait(pt, &sfd->owner->signalfd_wait);
	return sfd_ready(sfd) ? POLLIN | POLLRDNORM : 0;
}

static void sfd_release(struct file *f)
{
	struct signalfd *sfd = f->priv;

	proc_put(sfd->owner);
	kfree(sfd);
}

static const struct file_ops sfd_ops = {
	.read = sfd_read,
	.poll = sfd_poll,
	.release = sfd_release,
};

/* A new signalfd for mask: its descriptor. */
static long sfd_create(k_sigset_t mask, int flags)
{
	struct signalfd *sfd = kzalloc(sizeof(*sfd));
	struct file *f;
	long fd;

	if (!sfd)
		return -ENOMEM;
	sfd->mask = mask;
	sfd->owner = cur_proc();
	proc_get(sfd->owner);
	f = file_alloc(&sfd_ops, sfd, O_RDONLY | (flags & SFD_NONBLOCK));
	if (!f) {
		proc_put(sfd->owner);
		kfree(sfd);
		return -ENOMEM;
	}
	fd = fd_install(f, flags & SFD_CLOEXEC);
	file_put(f);
	return fd;
}

/* signalfd4(fd, mask, sizemask, flags): fd -1 makes a new one, else fd's
 * mask is replaced (EINVAL if fd is not a signalfd). */
SYSCALL_DEFINE4(signalfd4, int, fd, const k_sigset_t *, umask, size_t, sizemask, int, flags)
{
	k_sigset_t mask;
	struct file *f;

	if (sizemask != sizeof(k_sigset_t) || (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~SFD_UNBLOCKABLE;
	if (fd == -1)
		return sfd_create(mask, flags);
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->ops != &sfd_ops) {
		file_put(f);
		return -EINVAL;
	}
	((struct signalfd *)f->priv)->mask = mask;
	wake_up(&cur_proc()->signalfd_wait); /* pollers re-check the new mask */
	file_put(f);
	return fd;
}
