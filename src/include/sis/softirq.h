/*
 * Softirqs: deferred work run with interrupts enabled, outside IRQ handlers.
 *
 * An interrupt handler calls softirq_raise(); the softirq runs on the way out
 * of the outermost interrupt, or in the idle loop, or when bh_enable() drops
 * the last bottom-half lock. SIS is uniprocessor and kernel code is not
 * preempted, so bh_disable() is enough to exclude softirqs from a section:
 * the network stack's single lock (net_lock) is built on it. bh_disable()
 * and bh_enable() leave interrupts enabled: only the softirq is held off
 * (the ordering argument is in softirq.c).
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

/* Counters behind /proc/softirqs (why a softirq was raised or ran). */
enum softirq_stat {
	SOFTIRQ_STAT_TIMER,
	SOFTIRQ_STAT_NET_TX,
	SOFTIRQ_STAT_NET_RX,
	SOFTIRQ_STAT_NET_TIMER,
	SOFTIRQ_STAT_NR
};
void softirq_count(enum softirq_stat st); /* any context */
long softirq_show(char *buf, size_t size);

void bh_disable(void);
void bh_enable(void); /* runs pending softirqs when the count drops to 0 */

#endif
