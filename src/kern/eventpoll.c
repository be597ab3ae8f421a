/*
 * epoll(7): epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2.
 *
 * An epoll instance keeps its items in a small hash (file, fd) and a ready
 * list. Adding an item polls its file once with a poll table whose queue
 * hook puts a callback waiter (sis/wait.h) on each wait queue the file names,
 * so the file's ordinary wake_up() calls ep_wakeup(), which moves the item to
 * the ready list and wakes the instance's sleepers. epoll_pwait therefore
 * only looks at the ready list, never at every item: each ready item is
 * polled again (without registering) for its current events; an item with
 * none leaves the list, a level-triggered one with events goes back on it,
 * an edge-triggered one waits for its next wake-up, and an EPOLLONESHOT one
 * is disabled until EPOLL_CTL_MOD. Wake-ups carry no event mask here, so an
 * edge-triggered item may be reported again after an unrelated wake-up of
 * its file (epoll(7) allows it; programs read until EAGAIN anyway). An
 * EPOLLEXCLUSIVE item's hook is an exclusive callback: of several instances
 * with exclusive items on one file, a wake-up of the file wakes the first
 * whose instance has a sleeper (Linux 4.5's thundering-herd rule), though
 * every one of them gets the item on its ready list.
 *
 * Items do not reference their file: the file's last file_put() calls
 * eventpoll_release(), which removes the file from every instance (epoll(7):
 * closing the last descriptor of a file removes it). An instance can watch
 * other instances (its file is pollable) up to EP_MAX_NESTS deep; cycles and
 * deeper chains are refused with ELOOP as on Linux (epoll_ctl(2)).
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/wait.h>
#include <sis/timer.h>
#include <sis/irq.h>
#include <sis/uaccess.h>
#include <sis/proc.h>
#include <sis/syscall.h>
#include <sis/log.h>
#include <uapi/sis/eventpoll.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/time.h>

#define EP_MAX_NESTS 4     /* Linux's bound on instance chains (fs/eventpoll.c) */
#define EP_QUEUES 3        /* wait queues one file may name in ->poll */
#define EP_BUCKETS 64
#define EP_MAX_EVENTS (0x7fffffff / (int)sizeof(struct linux_epoll_event))
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_EXCLUSIVE_OK (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | \
			 EPOLLET | EPOLLEXCLUSIVE)

struct epitem;

struct ep_hook {
	struct waiter w;
	struct wait_queue *wq;
	struct epitem *epi;
};

struct epitem {
	struct list_head hnode;  /* ep->buckets[] */
	struct list_head rdnode; /* ep->ready (or a local list) while on_ready */
	struct list_head flink;  /* file->ep_links */
	struct eventpoll *ep;
	struct file *file;
	int fd;
	bool on_ready;
	u32 events;
	u64 data;
	int nhooks;
	struct ep_hook hooks[EP_QUEUES];
};

struct eventpoll {
	struct list_head buckets[EP_BUCKETS];
	struct list_head ready;
	struct wait_queue wq; /* epoll_pwait sleepers, pollers of this instance */
	struct file *file;
};

struct ep_table {
	struct poll_table pt;
	struct epitem *epi;
};

static const struct file_ops ep_ops;

static bool is_epoll(const struct file *f)
{
	return f->ops == &ep_ops;
}

static struct list_head *ep_bucket(struct eventpoll *ep, struct file *f, int fd)
{
	uintptr_t h = ((uintptr_t)f >> 4) ^ (uintptr_t)fd;

	return &ep->buckets[h % EP_BUCKETS];
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct epitem *epi;

	list_for_each_entry(epi, ep_bucket(ep, f, fd), hnode) {
		if (epi->file == f && epi->fd == fd)
			return epi;
	}
	return NULL;
}

/* The item's file woke its queue (any context, interrupts off). For an
 * EPOLLEXCLUSIVE item, did it wake a sleeper of its instance (Linux's
 * ep_poll_callback: the file's wake-up then goes no further)? */
static bool ep_wakeup(struct waiter *w)
{
	struct epitem *epi = container_of(w, struct ep_hook, w)->epi;
	bool sleepers;

	if (!(epi->events & ~EP_PRIVATE_BITS))
		return false; /* a fired EPOLLONESHOT item, disabled until MOD */
	if (!epi->on_ready) {
		list_add_tail(&epi->rdnode, &epi->ep->ready);
		epi->on_ready = true;
	}
	sleepers = waitq_active(&epi->ep->wq);
	wake_up(&epi->ep->wq);
	return sleepers;
}

static void ep_queue(struct poll_table *pt, struct wait_queue *wq)
{
	struct epitem *epi = container_of(pt, struct ep_table, pt)->epi;
	struct ep_hook *h;

	if (epi->nhooks == EP_QUEUES) {
		log_warn("epoll: a file names more than %d wait queues\n", EP_QUEUES);
		return;
	}
	h = &epi->hooks[epi->nhooks++];
	h->wq = wq;
	h->epi = epi;
	waitq_add_callback(wq, &h->w, ep_wakeup, epi->events & EPOLLEXCLUSIVE);
}

/* The item's current events (those asked for, plus ERR and HUP). */
static u32 ep_item_poll(struct epitem *epi, struct poll_table *pt)
{
	return epi->file->ops->poll(epi->file, pt) & (epi->events | EPOLLERR | EPOLLHUP);
}

static void ep_make_ready(struct epitem *epi)
{
	unsigned long flags = irq_save();

	if (!epi->on_ready) {
		list_add_tail(&epi->rdnode, &epi->ep->ready);
		epi->on_ready = true;
	}
	irq_restore(flags);
	wake_up(&epi->ep->wq);
}

static void ep_remove(struct epitem *epi)
{
	unsigned long flags;

	for (int i = 0; i < epi->nhooks; i++)
		waitq_remove(epi->hooks[i].wq, &epi->hooks[i].w);
	flags = irq_save();
	if (epi->on_ready)
		list_del(&epi->rdnode);
	irq_restore(flags);
	list_del(&epi->hnode);
	list_del(&epi->flink);
	kfree(epi);
}

void eventpoll_release(struct file *f)
{
	while (!list_empty(&f->ep_links))
		ep_remove(list_first_entry(&f->ep_links, struct epitem, flink));
}

/* ---- nesting --------------------------------------------------------------- */

/* Instances below ep (0 if it watches none); true in *loop if target is one. */
static int ep_depth_down(struct eventpoll *ep, struct eventpoll *target, bool *loop)
{
	int depth = 0;

	if (ep == target) {
		*loop = true;
		return 0;
	}
	for (int b = 0; b < EP_BUCKETS && !*loop; b++) {
		struct epitem *epi;

		list_for_each_entry(epi, &ep->buckets[b], hnode) {
			if (is_epoll(epi->file)) {
				int d = 1 + ep_depth_down(epi->file->priv, target, loop);

				depth = d > depth ? d : depth;
			}
		}
	}
	return depth;
}

/* Instances above ep (that watch it, directly or not). */
static int ep_depth_up(struct eventpoll *ep)
{
	struct epitem *epi;
	int depth = 0;

	list_for_each_entry(epi, &ep->file->ep_links, flink) {
		int d = 1 + ep_depth_up(epi->ep);

		depth = d > depth ? d : depth;
	}
	return depth;
}

/* Adding instance sub to ep: -ELOOP for a cycle or a chain too deep. */
static int ep_check_nest(struct eventpoll *ep, struct eventpoll *sub)
{
	bool loop = false;
	int down = ep_depth_down(sub, ep, &loop);

	if (loop || ep_depth_up(ep) + 1 + down > EP_MAX_NESTS)
		return -ELOOP;
	return 0;
}

/* ---- epoll_ctl ------------------------------------------------------------- */

static int ep_insert(struct eventpoll *ep, struct file *f, int fd, const struct linux_epoll_event *ev)
{
	struct ep_table t = { .pt.queue = ep_queue };
	struct epitem *epi;

	if (is_epoll(f)) {
		int err = ep_check_nest(ep, f->priv);

		if (err)
			return err;
	}
	epi = kzalloc(sizeof(*epi));
	if (!epi)
		return -ENOMEM;
	epi->ep = ep;
	epi->file = f;
	epi->fd = fd;
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	epi->data = ev->data;
	list_add_tail(&epi->hnode, ep_bucket(ep, f, fd));
	list_add_tail(&epi->flink, &f->ep_links);
	t.epi = epi;
	if (ep_item_poll(epi, &t.pt))
		ep_make_ready(epi);
	return 0;
}

static int ep_modify(struct epitem *epi, const struct linux_epoll_event *ev)
{
	if ((ev->events | epi->events) & EPOLLEXCLUSIVE)
		return -EINVAL; /* epoll_ctl(2): no MOD with or of an exclusive item */
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	epi->data = ev->data;
	if (ep_item_poll(epi, NULL))
		ep_make_ready(epi);
	return 0;
}

static int ep_ctl(struct eventpoll *ep, int op, struct file *f, int fd,
		  const struct linux_epoll_event *ev)
{
	struct epitem *epi = ep_find(ep, f, fd);

	switch (op) {
	case EPOLL_CTL_ADD:
		if (epi)
			return -EEXIST;
		if ((ev->events & EPOLLEXCLUSIVE) &&
		    ((ev->events & ~EP_EXCLUSIVE_OK) || is_epoll(f)))
			return -EINVAL;
		return ep_insert(ep, f, fd, ev);
	case EPOLL_CTL_DEL:
		if (!epi)
			return -ENOENT;
		ep_remove(epi);
		return 0;
	case EPOLL_CTL_MOD:
		if (!epi)
			return -ENOENT;
		return ep_modify(epi, ev);
	}
	return -EINVAL;
}

/* epoll_ctl(epfd, op, fd, event) */
SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, const void *, uev)
{
	struct linux_epoll_event ev = { 0 };
	struct file *epf, *f;
	long ret;

	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	epf = fd_get(epfd);
	if (!epf)
		return -EBADF;
	f = fd_get(fd);
	ret = -EBADF;
	if (!f)
		goto out_put_ep;
	ret = -EPERM; /* epoll_ctl(2): the target does not support epoll */
	if (f->ops->poll)
		ret = (!is_epoll(epf) || epf == f) ? -EINVAL : ep_ctl(epf->priv, op, f, fd, &ev);
	file_put(f);
out_put_ep:
	file_put(epf);
	return ret;
}

/* ---- waiting --------------------------------------------------------------- */

static struct epitem *ep_pop_ready(struct eventpoll *ep)
{
	unsigned long flags = irq_save();
	struct epitem *epi = NULL;

	if (!list_empty(&ep->ready)) {
		epi = list_first_entry(&ep->ready, struct epitem, rdnode);
		list_del(&epi->rdnode);
		epi->on_ready = false;
	}
	irq_restore(flags);
	return epi;
}

/* Level-triggered items that had events go back on the ready list. */
static void ep_requeue(struct eventpoll *ep, struct list_head *again)
{
	unsigned long flags = irq_save();

	while (!list_empty(again)) {
		struct epitem *epi = list_first_entry(again, struct epitem, rdnode);

		list_del(&epi->rdnode);
		list_add_tail(&epi->rdnode, &ep->ready);
	}
	irq_restore(flags);
}

/* Report up to max ready items into uev: their count, or -EFAULT. */
static int ep_send_events(struct eventpoll *ep, struct linux_epoll_event *uev, int max)
{
	struct list_head again;
	struct epitem *epi;
	int n = 0, err = 0;

	list_init(&again);
	while (n < max && (epi = ep_pop_ready(ep))) {
		struct linux_epoll_event ev = { .events = ep_item_poll(epi, NULL), .data = epi->data };
		unsigned long flags;

		if (!ev.events)
			continue;
		if (copy_to_user(&uev[n], &ev, sizeof(ev))) {
			ep_make_ready(epi);
			err = -EFAULT;
			break;
		}
		n++;
		if (epi->events & EPOLLONESHOT)
			epi->events &= EP_PRIVATE_BITS;
		else if (!(epi->events & EPOLLET)) {
			flags = irq_save();
			if (!epi->on_ready) {
				list_add_tail(&epi->rdnode, &again);
				epi->on_ready = true;
			}
			irq_restore(flags);
		}
	}
	ep_requeue(ep, &again);
	return n ? n : err;
}

static bool ep_ready_empty(struct eventpoll *ep)
{
	unsigned long flags = irq_save();
	bool empty = list_empty(&ep->ready);

	irq_restore(flags);
	return empty;
}

/* Wait for events until the absolute deadline (0: forever; now_only: do
 * not wait). Events, 0 on time-out, -EINTR (never restarted, epoll(7)). */
static int ep_wait(struct eventpoll *ep, struct linux_epoll_event *uev, int max, u64 deadline,
		   bool now_only)
{
	int err = 0;

	for (;;) {
		struct waiter w;
		int n = ep_send_events(ep, uev, max);

		if (n || now_only || err == -ETIMEDOUT)
			return n;
		prepare_to_wait(&ep->wq, &w);
		if (ep_ready_empty(ep))
			err = schedule_sleep(deadline, true);
		finish_wait(&ep->wq, &w);
		if (err == -EINTR)
			return -EINTR;
	}
}

/* The arguments epoll_pwait and epoll_pwait2 share. */
struct ep_wait_args {
	int epfd;
	struct linux_epoll_event *uev;
	int max;
	const void *umask;
	size_t sigsetsize;
};

static long ep_pwait_common(const struct ep_wait_args *a, u64 deadline, bool now_only)
{
	struct file *epf;
	u64 mask;
	long ret;

	if (a->max <= 0 || a->max > EP_MAX_EVENTS)
		return -EINVAL;
	if (!user_range_ok(a->uev, (size_t)a->max * sizeof(*a->uev), true))
		return -EFAULT;
	if (a->umask) {
		if (a->sigsetsize != sizeof(mask))
			return -EINVAL;
		if (copy_from_user(&mask, a->umask, sizeof(mask)))
			return -EFAULT;
	}
	epf = fd_get(a->epfd);
	if (!epf)
		return -EBADF;
	ret = -EINVAL;
	if (is_epoll(epf)) {
		if (a->umask)
			signal_set_temp_mask(mask);
		ret = ep_wait(epf->priv, a->uev, a->max, deadline, now_only);
	}
	file_put(epf);
	return ret;
}

/* epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize) */
SYSCALL_DEFINE6(epoll_pwait, int, epfd, struct linux_epoll_event *, uev, int, max, int, ms,
		const void *, umask, size_t, sigsetsize)
{
	struct ep_wait_args a = { epfd, uev, max, umask, sigsetsize };
	u64 deadline = ms > 0 ? time_ns() + (u64)ms * NSEC_PER_MSEC : 0;

	return ep_pwait_common(&a, deadline, ms == 0);
}

/* epoll_pwait2(epfd, events, maxevents, timeout timespec, sigmask, sigsetsize) */
SYSCALL_DEFINE6(epoll_pwait2, int, epfd, struct linux_epoll_event *, uev, int, max,
		const void *, uts, const void *, umask, size_t, sigsetsize)
{
	struct ep_wait_args a = { epfd, uev, max, umask, sigsetsize };
	struct linux_timespec ts;
	u64 ns;

	if (!uts)
		return ep_pwait_common(&a, 0, false);
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec > (~0ULL / 4) / NSEC_PER_SEC)
		return ep_pwait_common(&a, 0, false);
	ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return ep_pwait_common(&a, time_ns() + ns, ns == 0);
}

/* ---- the instance as a file ------------------------------------------------ */

/* Readable if some ready item really has events (nested instances). */
static unsigned ep_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->priv;
	struct epitem *epi;

	poll_wait(pt, &ep->wq);
	list_for_each_entry(epi, &ep->ready, rdnode) {
		if (ep_item_poll(epi, NULL))
			return POLLIN | POLLRDNORM;
	}
	return 0;
}

static void ep_release(struct file *f)
{
	struct eventpoll *ep = f->priv;

	for (int b = 0; b < EP_BUCKETS; b++)
		while (!list_empty(&ep->buckets[b]))
			ep_remove(list_first_entry(&ep->buckets[b], struct epitem, hnode));
	kfree(ep);
}

static const struct file_ops ep_ops = {
	.poll = ep_poll,
	.release = ep_release,
};

SYSCALL_DEFINE1(epoll_create1, int, flags)
{
	struct eventpoll *ep;
	struct file *f;
	long fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	for (int b = 0; b < EP_BUCKETS; b++)
		list_init(&ep->buckets[b]);
	list_init(&ep->ready);
	waitq_init(&ep->wq);
	f = file_alloc(&ep_ops, ep, O_RDWR);
	if (!f) {
		kfree(ep);
		return -ENOMEM;
	}
	ep->file = f;
	fd = fd_install(f, flags & EPOLL_CLOEXEC);
	file_put(f);
	return fd;
}
