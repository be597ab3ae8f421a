/*
 * Time and kernel timers on the Arm generic timer (virtual timer, PPI 27).
 *
 * time_ns() is monotonic since boot. ktimers fire in IRQ context (keep them
 * short: wake a task, raise a softirq). The scheduler tick is HZ per second;
 * one-shot deadlines are exact to the counter frequency, not to the tick.
 */
#ifndef SIS_TIMER_H
#define SIS_TIMER_H

#include <sis/types.h>
#include <sis/list.h>

#define HZ 100
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL

/*
 * Nanoseconds since boot. Under QEMU's TCG every counter read takes QEMU's
 * big lock (CNTVCT_EL0 is an I/O register there), so it waits while the
 * device model works: keep it off per-packet paths. time_coarse_ns() is the
 * value at the last timer interrupt (at most a scheduler tick old) and costs
 * a memory read.
 */
u64 time_ns(void);
u64 time_coarse_ns(void);
/* CLOCK_REALTIME minus time_ns(): the wall-clock time at boot, in ns. */
s64 time_realtime_offset_ns(void);

struct ktimer {
	struct list_head node; /* in the pending list, sorted by deadline */
	u64 deadline_ns;
	void (*fn)(struct ktimer *t);
	bool pending;
};

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t));
/* (Re)arm t to fire at absolute deadline (time_ns() scale). */
void ktimer_arm(struct ktimer *t, u64 deadline_ns);
/* Returns true if it was pending. */
bool ktimer_cancel(struct ktimer *t);

void timer_init(void);
/* Busy-wait; only for early boot or device resets that the spec bounds. */
void udelay(unsigned us);

#endif
