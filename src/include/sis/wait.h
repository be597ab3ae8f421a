/*
 * Wait queues: how kernel code sleeps until something happens.
 *
 * The pattern (uniprocessor, kernel not preempted; wakers run in IRQ or
 * softirq context):
 *
 *	struct waiter w;
 *	for (;;) {
 *		prepare_to_wait(&wq, &w);   // marks the task sleeping first
 *		if (condition)
 *			break;
 *		(drop locks such as net_unlock() here)
 *		err = schedule_sleep(deadline_ns, true);
 *		(retake locks)
 *		if (err)
 *			break;              // -ETIMEDOUT or -EINTR
 *	}
 *	finish_wait(&wq, &w);
 *
 * A wake_up() between prepare_to_wait() and schedule_sleep() is not lost:
 * the task is already runnable and schedule_sleep() returns 0 at once.
 * A task may wait on several queues at once (poll) with one waiter each.
 */
#ifndef SIS_WAIT_H
#define SIS_WAIT_H

#include <sis/types.h>
#include <sis/errno.h>
#include <sis/list.h>

struct task;

struct wait_queue {
	struct list_head waiters; /* struct waiter.node */
};

struct waiter {
	struct list_head node;
	struct task *task;
	/* Instead of waking task: called by wake_up, in the waker's context
	 * with interrupts off (epoll's ready-list hook). NULL for sleepers.
	 * Its result says whether it woke somebody. */
	bool (*func)(struct waiter *w);
	/* A callback of EPOLLEXCLUSIVE: a wake_up calls the exclusive ones in
	 * queue order only until one has woken somebody (the others all). */
	bool exclusive;
};

#define WAIT_QUEUE_INIT(name) { LIST_HEAD_INIT((name).waiters) }
void waitq_init(struct wait_queue *wq);
void prepare_to_wait(struct wait_queue *wq, struct waiter *w);
void finish_wait(struct wait_queue *wq, struct waiter *w);
/* Wake every waiter (of the exclusive callbacks, the first that wakes
 * somebody). Any context. */
void wake_up(struct wait_queue *wq);
bool waitq_active(const struct wait_queue *wq);
/* A callback waiter (epoll): joins wq without arming any task's sleep;
 * wake_up calls func(w). waitq_remove takes it off again. */
void waitq_add_callback(struct wait_queue *wq, struct waiter *w, bool (*func)(struct waiter *w),
			bool exclusive);
void waitq_remove(struct wait_queue *wq, struct waiter *w);

/*
 * Sleep until woken (0), the absolute deadline passes (-ETIMEDOUT; 0 means
 * no deadline) or, if interruptible, a signal is pending (-EINTR).
 * Outside any task (early boot) it idles with wfi until one of those.
 * Called without a prepare_to_wait since the last sleep, it waits for the
 * deadline or a signal only (pure timed sleeps, ppoll with no descriptors).
 */
int schedule_sleep(u64 deadline_ns, bool interruptible);

/* An interruptible sleep of a call that SA_RESTART may restart (read, write,
 * accept, wait4...): -ERESTARTSYS instead of -EINTR (see sis/errno.h). */
static inline int schedule_sleep_restartable(u64 deadline_ns)
{
	int err = schedule_sleep(deadline_ns, true);

	return err == -EINTR ? -ERESTARTSYS : err;
}

/*
 * The pattern above for a blocking file call (read, write): wait on wq
 * until ready(arg) says so. ready runs before each sleep, after
 * prepare_to_wait, and may do the work itself (move bytes): it returns > 0
 * when done, 0 to go on waiting, or -errno to stop with that error.
 * Returns 0 once ready, ready's error, -EAGAIN instead of sleeping when
 * nonblock, or -ERESTARTSYS on a signal.
 */
int waitq_wait_ready(struct wait_queue *wq, bool nonblock, int (*ready)(void *arg), void *arg);

#endif
