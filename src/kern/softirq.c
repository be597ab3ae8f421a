/*
 * Softirqs (see sis/softirq.h). State is a pending bitmask set from any
 * context, a bottom-half disable count, and an "in softirq" flag preventing
 * re-entry when an interrupt arrives while softirqs run with IRQs enabled.
 */
#include <sis/kernel.h>
#include <sis/softirq.h>
#include <sis/irq.h>

static void (*handlers[SOFTIRQ_NR])(void);
static bool (*idle_hooks[SOFTIRQ_NR])(void);
static volatile u32 pending;
static volatile u32 polled;  /* softirqs in polled mode (see sis/softirq.h) */
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

void softirq_register_idle(enum softirq_nr nr, bool (*idle_hook)(void))
{
	idle_hooks[nr] = idle_hook;
}

void softirq_set_polled(enum softirq_nr nr, bool on)
{
	unsigned long flags = irq_save();

	if (on)
		polled |= 1u << nr;
	else
		polled &= ~(1u << nr);
	irq_restore(flags);
}

void softirq_tick(void)
{
	pending |= polled;
}

bool softirq_before_idle(void)
{
	u32 was = polled;

	polled = 0;
	for (int nr = 0; nr < SOFTIRQ_NR; nr++)
		if ((was & (1u << nr)) && idle_hooks[nr] && idle_hooks[nr]())
			pending |= 1u << nr;
	return pending != 0;
}

bool softirq_pending(void)
{
	return pending != 0;
}

bool in_softirq(void)
{
	return running;
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
