/*
 * Softirqs (see sis/softirq.h). State is a pending bitmask set from any
 * context, a bottom-half disable count (changed with interrupts on: see
 * bh_disable), and an "in softirq" flag preventing re-entry when an
 * interrupt arrives while softirqs run with IRQs enabled.
 */
#include <sis/kernel.h>
#include <sis/softirq.h>
#include <sis/irq.h>
#include <sis/log.h>

static void (*handlers[SOFTIRQ_NR])(void);
static volatile u32 pending;
static u64 stats[SOFTIRQ_STAT_NR];
static volatile unsigned bh_count; /* nesting of bh_disable(); see bh_disable */
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

/*
 * Bottom halves off and on without masking interrupts: interrupts stay
 * enabled in a bh-disabled section, only the softirq is held off.
 *
 * Why a plain (non-atomic) bh_count++ / -- is enough: SIS is uniprocessor
 * and nothing but this CPU's own code touches bh_count. An interrupt taken
 * in the middle of the read-modify-write may run softirqs on its way out
 * (softirq_run_pending, if it read bh_count as 0), and those handlers may
 * bh_disable/bh_enable in turn, but every such use is balanced: when the
 * interrupted increment resumes, bh_count holds the value it loaded, so its
 * store is right. Interrupt handlers themselves only read bh_count.
 *
 * Ordering: exceptions are precise on one PE, so an interrupt sees this
 * CPU's stores in program order and no CPU barrier is needed; only the
 * compiler must keep the section's accesses (lwIP's state) between the
 * count changes, hence the compiler barriers: after the increment (nothing
 * of the section is hoisted above it) and before the decrement (nothing
 * sinks below it). bh_count and pending are volatile, so each access is
 * one real load or store.
 *
 * The race at the end: an interrupt that raises a softirq before the
 * decrement cannot run it (bh_count != 0), and bh_enable's check after the
 * decrement sees `pending` and runs it; one that comes after the decrement
 * runs it itself on its way out, and the check then finds nothing. Either
 * way no raised softirq is left waiting for the next interrupt.
 */
void bh_disable(void)
{
	bh_count = bh_count + 1;
	compiler_barrier();
}

void bh_enable(void)
{
	compiler_barrier();
	BUG_ON(bh_count == 0);
	bh_count = bh_count - 1;
	if (!bh_count && pending)
		softirq_run_pending();
}
