/*
 * Wait queues and sleeping with a deadline (see sis/wait.h for the pattern).
 *
 * A waiter stays on its queue from prepare_to_wait until finish_wait; every
 * wake_up wakes all of them and they re-check their condition.
 *
 * The first prepare_to_wait "arms" the next schedule_sleep: a wake-up from
 * then on (on any of the queues joined) makes it return 0 at once. schedule_sleep without an armed task (e.g. ppoll with
 * no descriptors) sleeps until its deadline or a signal; it never returns
 * at once for lack of a wait queue. Callers
 * declare `struct waiter w;` without initialising it, so membership is
 * decided by looking for w on the queue rather than by w's own fields.
 */
#include <sis/kernel.h>
#include <sis/wait.h>
#include <sis/sched.h>
#include <sis/irq.h>
#include <sis/arch.h>
#include <sis/proc.h>
#include <sis/softirq.h>
#include <sis/timer.h>

/* Before sched_init there is no task: a wake-up sets this flag instead. */
static volatile bool early_woken;

void waitq_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
}

static bool waitq_has(struct wait_queue *wq, struct waiter *w)
{
	struct list_head *pos;

	list_for_each(pos, &wq->waiters) {
		if (pos == &w->node)
			return true;
	}
	return false;
}

void prepare_to_wait(struct wait_queue *wq, struct waiter *w)
{
	unsigned long flags = irq_save();

	if (!waitq_has(wq, w))
		list_add_tail(&w->node, &wq->waiters);
	w->task = current_task;
	w->func = NULL;
	w->exclusive = false;
	if (current_task && !current_task->sleep_armed) {
		/* First queue of this wait: from here on a wake-up counts.
		 * Further queues (poll) must not undo one that came already. */
		current_task->state = TASK_SLEEPING;
		current_task->sleep_armed = true;
	} else if (!current_task) {
		early_woken = false;
	}
	irq_restore(flags);
}

void finish_wait(struct wait_queue *wq, struct waiter *w)
{
	unsigned long flags = irq_save();

	if (waitq_has(wq, w))
		list_del(&w->node);
	if (current_task) {
		current_task->state = TASK_RUNNING;
		current_task->sleep_armed = false;
	}
	irq_restore(flags);
}

int waitq_wait_ready(struct wait_queue *wq, bool nonblock, int (*ready)(void *arg), void *arg)
{
	struct waiter w;
	int err;

	for (;;) {
		prepare_to_wait(wq, &w);
		err = ready(arg);
		if (err)
			break;
		if (nonblock) {
			err = -EAGAIN;
			break;
		}
		err = schedule_sleep_restartable(0);
		if (err)
			break;
	}
	finish_wait(wq, &w);
	return err > 0 ? 0 : err;
}

void wake_up(struct wait_queue *wq)
{
	unsigned long flags = irq_save();
	bool exclusive_woke = false;
	struct waiter *w;

	list_for_each_entry(w, &wq->waiters, node) {
		if (w->exclusive) {
			if (!exclusive_woke)
				exclusive_woke = w->func(w);
		} else if (w->func)
			w->func(w);
		else if (w->task)
			task_wake(w->task);
		else
			early_woken = true;
	}
	irq_restore(flags);
}

bool waitq_active(const struct wait_queue *wq)
{
	return !list_empty(&wq->waiters);
}

void waitq_add_callback(struct wait_queue *wq, struct waiter *w, bool (*func)(struct waiter *w),
			bool exclusive)
{
	unsigned long flags = irq_save();

	w->task = NULL;
	w->func = func;
	w->exclusive = exclusive;
	list_add_tail(&w->node, &wq->waiters);
	irq_restore(flags);
}

void waitq_remove(struct wait_queue *wq, struct waiter *w)
{
	unsigned long flags = irq_save();

	(void)wq; /* w knows its neighbours; wq documents the pairing */
	list_del(&w->node);
	irq_restore(flags);
}

static void early_timer_fired(struct ktimer *t)
{
	(void)t; /* the interrupt itself ends the wfi */
}

/* Early boot, no task to switch away from: idle here until woken. */
static int early_sleep(u64 deadline_ns)
{
	struct ktimer timer;
	int err = 0;

	ktimer_init(&timer, early_timer_fired);
	if (deadline_ns)
		ktimer_arm(&timer, deadline_ns);
	for (;;) {
		unsigned long flags = irq_save();

		if (early_woken) {
			early_woken = false;
			irq_restore(flags);
			break;
		}
		if (deadline_ns && time_ns() >= deadline_ns) {
			irq_restore(flags);
			err = -ETIMEDOUT;
			break;
		}
		if (!softirq_pending())
			wfi(); /* a pending interrupt ends it even while masked */
		irq_restore(flags);
		softirq_run_pending();
	}
	ktimer_cancel(&timer);
	return err;
}

int schedule_sleep(u64 deadline_ns, bool interruptible)
{
	struct task *t = current_task;
	unsigned long flags;
	int err = 0;

	if (!t)
		return early_sleep(deadline_ns);
	flags = irq_save();
	if (t->sleep_armed && t->state != TASK_SLEEPING) {
		t->sleep_armed = false; /* woken since prepare_to_wait */
		irq_restore(flags);
		return 0;
	}
	/* Not armed: nothing can wake us but the deadline or a signal. */
	t->sleep_armed = false;
	if (interruptible && signal_pending()) {
		err = -EINTR;
	} else if (deadline_ns && time_ns() >= deadline_ns) {
		err = -ETIMEDOUT;
	} else {
		t->state = TASK_SLEEPING;
		t->sleep_interruptible = interruptible;
		t->timed_out = false;
		t->woken_by_signal = false;
		if (deadline_ns)
			ktimer_arm(&t->sleep_timer, deadline_ns);
		schedule();
		ktimer_cancel(&t->sleep_timer);
		t->sleep_interruptible = false;
		if (t->timed_out)
			err = -ETIMEDOUT;
		else if (t->woken_by_signal)
			err = -EINTR;
	}
	t->state = TASK_RUNNING;
	irq_restore(flags);
	return err;
}
