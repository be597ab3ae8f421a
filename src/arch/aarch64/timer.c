/*
 * Arm generic timer (Arm ARM D11), EL1 virtual timer: CNTV_CVAL_EL0 /
 * CNTV_CTL_EL0, interrupt PPI 27 on QEMU `virt`. One comparator serves both
 * the scheduler tick (HZ) and the sorted list of ktimers: it is always set to
 * whichever comes first, so sleeps are exact to the counter, not the tick.
 */
#include <sis/kernel.h>
#include <sis/timer.h>
#include <sis/irq.h>
#include <sis/log.h>
#include <sis/arch.h>
#include <sis/trap.h>
#include <sis/devtree.h>
#include <sis/softirq.h>

static u64 freq;          /* counter ticks per second */
static u64 ns_mult;       /* ns = (ticks * ns_mult) >> 32: no division per read */
static u64 programmed;    /* CNTV_CVAL_EL0 as last written, 0 = not yet */
static u64 coarse_ns;     /* time_ns() at the last timer interrupt */
static u64 boot_count;    /* counter value at timer_init */
static u64 next_tick_ns;  /* next scheduler tick */
static LIST_HEAD(pending_timers);

static u64 counter(void)
{
	isb(); /* Arm ARM D11.2.2: reads of CNTVCT can be speculated */
	return read_sysreg(cntvct_el0);
}

static u64 ns_to_count(u64 ns)
{
	return (ns / NSEC_PER_SEC) * freq + (ns % NSEC_PER_SEC) * freq / NSEC_PER_SEC;
}

u64 time_ns(void)
{
	u64 c;

	if (!freq)
		return 0;
	c = counter() - boot_count;
	return (u64)(((unsigned __int128)c * ns_mult) >> 32);
}

static void program_comparator(void)
{
	u64 deadline = next_tick_ns, cval;

	if (!list_empty(&pending_timers)) {
		struct ktimer *t = list_first_entry(&pending_timers, struct ktimer, node);
		deadline = MIN(deadline, t->deadline_ns);
	}
	/* Rewriting an unchanged comparator is not free under emulation (QEMU
	 * re-queues its timer and wakes its main loop), and ktimer_arm runs
	 * after every network softirq pass: write only what changed. */
	cval = boot_count + ns_to_count(deadline);
	if (cval == programmed)
		return;
	programmed = cval;
	write_sysreg(cntv_cval_el0, cval);
	write_sysreg(cntv_ctl_el0, 1); /* ENABLE, not masked */
	isb();
}

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t))
{
	list_init(&t->node);
	t->fn = fn;
	t->pending = false;
	t->deadline_ns = 0;
}

void ktimer_arm(struct ktimer *t, u64 deadline_ns)
{
	unsigned long flags = irq_save();
	struct list_head *pos;

	if (t->pending)
		list_del(&t->node);
	t->deadline_ns = deadline_ns;
	t->pending = true;
	list_for_each(pos, &pending_timers) {
		if (list_entry(pos, struct ktimer, node)->deadline_ns > deadline_ns)
			break;
	}
	__list_add(&t->node, pos->prev, pos);
	if (freq)
		program_comparator();
	irq_restore(flags);
}

bool ktimer_cancel(struct ktimer *t)
{
	unsigned long flags = irq_save();
	bool was = t->pending;

	if (was) {
		list_del(&t->node);
		t->pending = false;
	}
	irq_restore(flags);
	return was;
}

u64 time_coarse_ns(void)
{
	return *(volatile u64 *)&coarse_ns; /* one aligned load: no tearing */
}

static void timer_irq(unsigned intid, void *arg)
{
	u64 now = time_ns();

	coarse_ns = now;
	(void)intid;
	(void)arg;
	while (!list_empty(&pending_timers)) {
		struct ktimer *t = list_first_entry(&pending_timers, struct ktimer, node);
		if (t->deadline_ns > now)
			break;
		list_del(&t->node);
		t->pending = false;
		t->fn(t);
	}
	if (now >= next_tick_ns) {
		u64 period = NSEC_PER_SEC / HZ;
		next_tick_ns = (now / period + 1) * period;
		sched_tick();
	}
	program_comparator();
}

void udelay(unsigned us)
{
	u64 end = time_ns() + (u64)us * 1000;

	while (time_ns() < end)
		;
}

void timer_init(void)
{
	freq = read_sysreg(cntfrq_el0);
	if (!freq)
		freq = boot_dt.timer_freq ? boot_dt.timer_freq : 62500000;
	ns_mult = ((u64)NSEC_PER_SEC << 32) / freq; /* fits: 10^9 < 2^32 */
	boot_count = read_sysreg(cntvct_el0);
	next_tick_ns = NSEC_PER_SEC / HZ;
	if (irq_register(boot_dt.timer_intid, timer_irq, NULL, false))
		panic("timer: cannot register interrupt %u", boot_dt.timer_intid);
	program_comparator();
	log_info("timer: generic timer at %lu Hz, tick %u Hz", (unsigned long)freq, HZ);
}
