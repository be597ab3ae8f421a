/*
 * Softirqs: deferred work run with interrupts enabled, outside IRQ handlers.
 *
 * An interrupt handler calls softirq_raise(); the softirq runs on the way out
 * of the outermost interrupt, or in the idle loop, or when bh_enable() drops
 * the last bottom-half lock. SIS is uniprocessor and kernel code is not
 * preempted, so bh_disable() is enough to exclude softirqs from a section:
 * the network stack's single lock (net_lock) is built on it.
 */
#ifndef SIS_SOFTIRQ_H
#define SIS_SOFTIRQ_H

#include <sis/types.h>

enum softirq_nr {
	SOFTIRQ_TIMER = 0, /* expired ktimer work that may take time */
	SOFTIRQ_NET = 1,   /* network: RX drain, lwIP timers, TX flush */
	SOFTIRQ_NR
};

void softirq_register(enum softirq_nr nr, void (*fn)(void));
void softirq_raise(enum softirq_nr nr);
/* Runs pending softirqs now if allowed (not in IRQ, not bh-disabled). */
void softirq_run_pending(void);
bool softirq_pending(void);

/*
 * Polled mode. A softirq whose source keeps its interrupt off while it
 * expects more work soon (the network's, while frames it sent are in flight:
 * the answers are picked up by the next run, which every socket call
 * triggers) says so with softirq_set_polled(). While polled, the softirq is
 * raised at every scheduler tick (so nothing waits longer than a tick), and
 * before the CPU idles the idle hook registered for it runs (interrupts
 * masked) to turn the source's interrupt back on; a hook returns true if
 * work arrived meanwhile, and the CPU then runs the softirq instead of
 * sleeping. Under QEMU's TCG this matters: taking an interrupt waits for the
 * device model's lock, which it holds while it works through our frames.
 */
void softirq_set_polled(enum softirq_nr nr, bool polled);
void softirq_register_idle(enum softirq_nr nr, bool (*idle_hook)(void));
bool softirq_before_idle(void); /* idle loop, IRQs masked: true = do not sleep */
void softirq_tick(void);        /* the timer tick, IRQ context */

void bh_disable(void);
void bh_enable(void); /* runs pending softirqs when the count drops to 0 */
bool in_softirq(void);

#endif
