/*
 * The network stack (lwIP 2.1.3, raw API, NO_SYS=1) as the rest of the
 * kernel sees it.
 *
 * Serialization: every lwIP call happens either in the network softirq or
 * between net_lock() and net_unlock(). SIS is uniprocessor and kernel code is
 * not preempted, and interrupt handlers never call lwIP, so the only other
 * lwIP caller a locked section can race with is the network softirq:
 * net_lock() is bh_disable(), which keeps softirqs from running until the
 * matching net_unlock(). Sections nest. Never sleep while holding it.
 *
 * net_unlock() of the outermost section (outside the softirq) re-arms
 * lwIP's timer for whatever the section scheduled and raises SOFTIRQ_NET
 * only if the section queued work (frames to flush to a NIC, loopback
 * packets): a section that only looked (a poll, a getsockopt) costs no run
 * of the stack.
 */
#ifndef SIS_NET_H
#define SIS_NET_H

#include <sis/types.h>

void net_lock(void);
void net_unlock(void);
/*
 * The read side, for sections that only look (a socket's poll op): the
 * softirq is held off as by net_lock, but the end raises no stack run,
 * re-arms no timer and wakes nothing. Nothing in it may send, queue or
 * start a lwIP timer. Nests inside net_lock and itself.
 */
void net_lock_read(void);
void net_unlock_read(void);

/*
 * Before powering off: give queued traffic up to max_ms to leave the
 * machine (every TCP connection's data and FIN acknowledged, every NIC's
 * TX ring completed), so a program's last reply is not lost when QEMU
 * exits. Any context that may enable interrupts; does not sleep.
 */
void net_quiesce(unsigned max_ms);

/* True once lwIP is initialised (INIT_NET ran). */
bool net_ready(void);

/* Usage of one lwIP memory pool (or "HEAP" for lwIP's kmalloc'd heap). */
struct net_pool_use {
	const char *name;
	u32 used;  /* elements (bytes for HEAP) in use now */
	u32 max;   /* high-water mark */
	u32 err;   /* failed allocations */
};
/*
 * Fill up to max entries; returns how many pools there are (may exceed max).
 * Takes net_lock itself. For leak checks: compare 'used' before and after.
 */
int net_pool_usage(struct net_pool_use *out, int max);
/* Print lwIP's protocol and memory statistics to the kernel log. */
void net_stats_dump(void);

/* DNS servers learned from DHCP or given on the command line (up to max);
 * returns the count. */
int net_dns_servers(u32 *out, int max);

#endif
