/*
 * timerfd_create/settime/gettime(2): a timer whose expirations are read as
 * a u64 count. CLOCK_MONOTONIC (and BOOTTIME: the machine never suspends)
 * or CLOCK_REALTIME; TFD_TIMER_ABSTIME takes an absolute time on that
 * clock (a realtime one is turned into uptime when set, so a later
 * clock_settime does not move it; TFD_TIMER_CANCEL_ON_SET is accepted and
 * has no effect). Expirations are counted from the timer's schedule, so a
 * late interrupt or reader loses none.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/wait.h>
#include <sis/timer.h>
#include <sis/irq.h>
#include <sis/uaccess.h>
#include <sis/syscall.h>
#include <uapi/sis/eventpoll.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/time.h>

struct timerfd {
	int clock;
	u64 next;     /* time_ns() of the next expiry; 0: disarmed */
	u64 interval; /* 0: one-shot */
	u64 ticks;    /* expirations not yet read */
	struct ktimer timer;
	struct wait_queue wq;
};

static const struct file_ops tfd_ops;

/* Count expirations up to now (interrupts off). */
static void tfd_update(struct timerfd *t, u64 now)
{
	u64 n;

	if (!t->next || now < t->next)
		return;
	if (!t->interval) {
		t->ticks++;
		t->next = 0;
		return;
	}
	n = 1 + (now - t->next) / t->interval;
	t->ticks += n;
	t->next += n * t->interval;
}

static void tfd_fired(struct ktimer *kt)
{
	struct timerfd *t = container_of(kt, struct timerfd, timer);

	tfd_update(t, time_ns());
	if (t->next)
		ktimer_arm(kt, t->next);
	if (t->ticks)
		wake_up(&t->wq);
}

static bool tfd_take(struct timerfd *t, u64 *ticks)
{
	unsigned long flags = irq_save();

	tfd_update(t, time_ns());
	*ticks = t->ticks;
	t->ticks = 0;
	irq_restore(flags);
	return *ticks != 0;
}

/* A read's wait: expirations taken into ticks. */
struct tfd_take_arg {
	struct timerfd *t;
	u64 ticks;
};

static int tfd_took(void *arg)
{
	struct tfd_take_arg *a = arg;

	return tfd_take(a->t, &a->ticks);
}

static long tfd_read(struct file *f, void *ubuf, size_t len)
{
	struct timerfd *t = f->priv;
	struct tfd_take_arg a = { t, 0 };
	u64 ticks;
	int err;

	if (len < sizeof(ticks))
		return -EINVAL;
	err = waitq_wait_ready(&t->wq, f->flags & O_NONBLOCK, tfd_took, &a);
	if (err)
		return err;
	ticks = a.ticks;
	if (copy_to_user(ubuf, &ticks, sizeof(ticks))) {
		unsigned long flags = irq_save();

		t->ticks += ticks; /* not consumed */
		irq_restore(flags);
		return -EFAULT;
	}
	return sizeof(ticks);
}

static unsigned tfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *t = f->priv;
	unsigned long flags;
	bool ready;

	poll_wait(pt, &t->wq);
	flags = irq_save();
	tfd_update(t, time_ns());
	ready = t->ticks != 0;
	irq_restore(flags);
	return ready ? POLLIN | POLLRDNORM : 0;
}

static void tfd_release(struct file *f)
{
	struct timerfd *t = f->priv;

	ktimer_cancel(&t->timer);
	kfree(t);
}

static const struct file_ops tfd_ops = {
	.read = tfd_read,
	.poll = tfd_poll,
	.release = tfd_release,
};

SYSCALL_DEFINE2(timerfd_create, int, clock, int, flags)
{
	struct timerfd *t;
	struct file *f;
	long fd;

	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->clock = clock;
	ktimer_init(&t->timer, tfd_fired);
	waitq_init(&t->wq);
	f = file_alloc(&tfd_ops, t, O_RDONLY | (flags & TFD_NONBLOCK));
	if (!f) {
		kfree(t);
		return -ENOMEM;
	}
	fd = fd_install(f, flags & TFD_CLOEXEC);
	file_put(f);
	return fd;
}

/* The timerfd behind fd (referenced in *fp), or -EBADF/-EINVAL. */
static struct timerfd *tfd_get(int fd, struct file **fp)
{
	struct file *f = fd_get(fd);

	if (!f)
		return ERR_PTR(-EBADF);
	if (f->ops != &tfd_ops) {
		file_put(f);
		return ERR_PTR(-EINVAL);
	}
	*fp = f;
	return f->priv;
}

static bool ts_valid(s64 sec, s64 nsec)
{
	return sec >= 0 && nsec >= 0 && nsec < (s64)NSEC_PER_SEC;
}

static u64 ts_ns(s64 sec, s64 nsec)
{
	if ((u64)sec > (~0ULL / 4) / NSEC_PER_SEC)
		return ~0ULL / 4;
	return (u64)sec * NSEC_PER_SEC + (u64)nsec;
}

/* The current setting as Linux reports it: time left and interval. */
static void tfd_current(struct timerfd *t, struct linux_itimerspec *its)
{
	unsigned long flags = irq_save();
	u64 now = time_ns(), left;

	tfd_update(t, now);
	left = t->next ? (t->next > now ? t->next - now : 1) : 0;
	its->it_value_sec = (s64)(left / NSEC_PER_SEC);
	its->it_value_nsec = (s64)(left % NSEC_PER_SEC);
	its->it_interval_sec = (s64)(t->interval / NSEC_PER_SEC);
	its->it_interval_nsec = (s64)(t->interval % NSEC_PER_SEC);
	irq_restore(flags);
}

/* Arm t for value (relative, or absolute on its clock) and interval. */
static void tfd_arm(struct timerfd *t, const struct linux_itimerspec *its, bool abs)
{
	u64 value = ts_ns(its->it_value_sec, its->it_value_nsec);
	u64 now = time_ns();
	unsigned long flags;
	s64 at;

	ktimer_cancel(&t->timer);
	flags = irq_save();
	t->ticks = 0;
	t->interval = ts_ns(its->it_interval_sec, its->it_interval_nsec);
	t->next = 0;
	if (value) {
		at = abs ? (s64)value : (s64)(now + value);
		if (abs && t->clock == CLOCK_REALTIME)
			at -= time_realtime_offset_ns();
		t->next = at > 0 ? (u64)at : 1;
		ktimer_arm(&t->timer, t->next);
	}
	irq_restore(flags);
}

/* timerfd_settime(fd, flags, new, old) */
SYSCALL_DEFINE4(timerfd_settime, int, fd, int, flags, const void *, unew, void *, uold)
{
	struct linux_itimerspec its, old;
	struct timerfd *t;
	struct file *f;
	long ret = 0;

	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&its, unew, sizeof(its)))
		return -EFAULT;
	if (!ts_valid(its.it_value_sec, its.it_value_nsec) ||
	    !ts_valid(its.it_interval_sec, its.it_interval_nsec))
		return -EINVAL;
	t = tfd_get(fd, &f);
	if (IS_ERR(t))
		return PTR_ERR(t);
	tfd_current(t, &old);
	tfd_arm(t, &its, flags & TFD_TIMER_ABSTIME);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		ret = -EFAULT;
	file_put(f);
	return ret;
}

SYSCALL_DEFINE2(timerfd_gettime, int, fd, void *, ucur)
{
	struct linux_itimerspec cur;
	struct timerfd *t;
	struct file *f;
	long ret = 0;

	t = tfd_get(fd, &f);
	if (IS_ERR(t))
		return PTR_ERR(t);
	tfd_current(t, &cur);
	if (copy_to_user(ucur, &cur, sizeof(cur)))
		ret = -EFAULT;
	file_put(f);
	return ret;
}
