/*
 * Softirqs (see sis/softirq.h). State is a pending bitmask set from any
 * context, a bottom-half disable count, and an "in softirq" flag preventing
 * re-entry when an interrupt arrives while softirqs run with IRQs enabled.
 */
#include <sis/kernel.h>
#include <sis/softirq.h>
#include <sis/irq.h>
#include <sis/log.h>

static void (*handlers[SOFTIRQ_NR])(void);
static volatile u32 pending;
static u64 stats[SOFTIRQ_STAT_NR];
static unsigned bh_count;   /* nesting of bh_disable() */
static bool running;        /* a softirq handler is on the stack */
static unsigned irq_depth;  /* maintained by gic_handle_irq() */

void softirq_register(enum softirq_nr nr, void (*fn)(void))
{
	handlers[nr] = fn;
}

void softirq_raise(enum softirq_nr nr)
{
	unsigned long flags = irq_save();

	pending |= 1u << nr;
	irq_restore(flags);
}

void softirq_count(enum softirq_stat st)
{
	unsigned long flags = irq_save();

	stats[st]++;
	irq_restore(flags);
}

/* /proc/softirqs, in Linux's layout (one CPU). NET_RX: runs raised by a NIC
 * interrupt or a poll that used its budget; NET_TX: by a locked section that
 * queued work; NET_TIMER: by lwIP's timer; TIMER: ktimer softirq runs. */
long softirq_show(char *buf, size_t size)
{
	static const char *const names[SOFTIRQ_STAT_NR] = {
		[SOFTIRQ_STAT_TIMER] = "TIMER",
		[SOFTIRQ_STAT_NET_TX] = "NET_TX",
		[SOFTIRQ_STAT_NET_RX] = "NET_RX",
		[SOFTIRQ_STAT_NET_TIMER] = "NET_TIMER",
	};
	long n = ksnprintf(buf, size, "%12s%-10s\n", "", "CPU0");

	for (int i = 0; i < SOFTIRQ_STAT_NR; i++)
		n += ksnprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, "%10s: %10lu\n",
			       names[i], (unsigned long)stats[i]);
	return n;
}

bool softirq_pending(void)
{
	return pending != 0;
}

void irq_enter(void)
{
	irq_depth++;
}

void irq_exit(void)
{
	irq_depth--;
}

bool in_irq(void)
{
	return irq_depth != 0;
}

/*
 * Run every pending softirq with interrupts enabled, until none is pending.
 * Called on the way out of interrupts, from idle and from bh_enable().
 */
void softirq_run_pending(void)
{
	unsigned long flags;

	if (irq_depth || bh_count || running)
		return;
	flags = irq_save();
	running = true;
	while (pending) {
		u32 work = pending;

		pending = 0;
		irq_enable_local();
		if (work & (1u << SOFTIRQ_TIMER))
			stats[SOFTIRQ_STAT_TIMER]++;
		for (int nr = 0; nr < SOFTIRQ_NR; nr++)
			if ((work & (1u << nr)) && handlers[nr])
				handlers[nr]();
		irq_disable_local();
	}
	running = false;
	irq_restore(flags);
}

void bh_disable(void)
{
	unsigned long flags = irq_save();

	bh_count++;
	irq_restore(flags);
}

void bh_enable(void)
{
	unsigned long flags = irq_save();

	BUG_ON(bh_count == 0);
	bh_count--;
	irq_restore(flags);
	if (!bh_count && pending)
		softirq_run_pending();
}
