/*
 * Interval timers: setitimer(2) and getitimer(2) for ITIMER_REAL, the
 * wall-clock timer that sends SIGALRM (alarm(3) is built on it in the user
 * runtime). One ktimer per process, armed at the absolute expiry; on expiry
 * (IRQ context) it sends SIGALRM and, with an interval, re-arms itself one
 * interval after the expiry it served (or after now, if it fell behind).
 * Not inherited by fork, kept across execve, disarmed at exit (POSIX).
 * ITIMER_VIRTUAL and ITIMER_PROF (CPU-time timers) are not provided: EINVAL.
 *
 * The interval is rounded up to whole scheduler ticks, and every re-arm
 * lands on a tick boundary: the timer's resolution is the tick (as on
 * Linux with jiffies), so a periodic timer costs no interrupt beyond the
 * tick's own however short its interval and however many processes have
 * one; a 1 us interval cannot turn into an interrupt storm. The first
 * expiry (it_value) stays exact: a one-shot fires once.
 */
#include <sis/kernel.h>
#include <sis/syscall.h>
#include <sis/timer.h>
#include <sis/uaccess.h>
#include <sis/irq.h>
#include <uapi/sis/time.h>
#include "proc_internal.h"

#define USEC_NS 1000ULL
#define TICK_NS (NSEC_PER_SEC / HZ)
#define ITIMER_MAX_SEC (100ULL * 365 * 24 * 3600) /* far enough: no overflow */

static u64 round_up_ticks(u64 ns)
{
	return (ns + TICK_NS - 1) / TICK_NS * TICK_NS;
}

/* The next expiry of a periodic timer that served prev: a tick boundary
 * one interval on; if that has passed already (the machine was busy),
 * one interval from now: missed expiries are dropped, not replayed. */
static u64 next_expiry(u64 prev, u64 interval, u64 now)
{
	u64 next = prev + interval;

	if (next <= now)
		next = now + interval;
	return round_up_ticks(next);
}

static void real_fired(struct ktimer *t)
{
	struct proc *p = container_of(t, struct proc, real_timer);
	struct sig_origin o = { .code = SI_KERNEL };

	signal_send_proc(p, SIGALRM, &o);
	if (p->real_interval_ns)
		ktimer_arm(t, next_expiry(t->deadline_ns, p->real_interval_ns, time_ns()));
}

void itimer_init_proc(struct proc *p)
{
	ktimer_init(&p->real_timer, real_fired);
	p->real_interval_ns = 0;
}

void itimer_exit(struct proc *p)
{
	unsigned long flags = irq_save();

	ktimer_cancel(&p->real_timer);
	p->real_interval_ns = 0;
	irq_restore(flags);
}

static bool tv_to_ns(const struct linux_timeval *tv, u64 *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return false;
	/* Linux clamps absurd values rather than failing; so do we. */
	*ns = (u64)MIN((u64)tv->tv_sec, ITIMER_MAX_SEC) * NSEC_PER_SEC +
	      (u64)tv->tv_usec * USEC_NS;
	return true;
}

static struct linux_timeval ns_to_tv(u64 ns)
{
	/* A pending expiry less than 1 us away still reads as armed. */
	u64 us = (ns + USEC_NS - 1) / USEC_NS;

	return (struct linux_timeval){ .tv_sec = (s64)(us / 1000000),
				       .tv_usec = (s64)(us % 1000000) };
}

/* The current setting of p's real timer (interrupts masked by the caller). */
static struct linux_itimerval real_get(struct proc *p)
{
	struct linux_itimerval v = { 0 };
	u64 now = time_ns();

	if (p->real_timer.pending)
		v.it_value = ns_to_tv(p->real_timer.deadline_ns > now ?
				      p->real_timer.deadline_ns - now : 1);
	v.it_interval = ns_to_tv(p->real_interval_ns);
	return v;
}

SYSCALL_DEFINE2(getitimer, int, which, void *, ucur)
{
	struct linux_itimerval v;
	unsigned long flags;

	if (which != LINUX_ITIMER_REAL)
		return -EINVAL;
	flags = irq_save();
	v = real_get(cur_proc());
	irq_restore(flags);
	return copy_to_user(ucur, &v, sizeof(v)) ? -EFAULT : 0;
}

/* setitimer(which, new, old): new NULL disarms, as Linux still allows. */
SYSCALL_DEFINE3(setitimer, int, which, const void *, unew, void *, uold)
{
	struct linux_itimerval nv = { 0 }, ov;
	struct proc *p = cur_proc();
	u64 value_ns, interval_ns;
	unsigned long flags;

	if (which != LINUX_ITIMER_REAL)
		return -EINVAL;
	if (unew && copy_from_user(&nv, unew, sizeof(nv)))
		return -EFAULT;
	if (!tv_to_ns(&nv.it_value, &value_ns) || !tv_to_ns(&nv.it_interval, &interval_ns))
		return -EINVAL;
	if (uold && !user_range_ok(uold, sizeof(ov), true))
		return -EFAULT;
	flags = irq_save();
	ov = real_get(p);
	ktimer_cancel(&p->real_timer);
	p->real_interval_ns = value_ns ? round_up_ticks(interval_ns) : 0;
	if (value_ns)
		ktimer_arm(&p->real_timer, time_ns() + value_ns);
	irq_restore(flags);
	if (uold)
		copy_to_user(uold, &ov, sizeof(ov)); /* checked above */
	return 0;
}
