/*
 * lwIP in SIS: start-up, the network softirq, net_lock and the port
 * functions lwIP needs with NO_SYS=1 (sys_now, memory, random numbers).
 *
 * The network softirq (SOFTIRQ_NET) is the stack's only engine, and the core
 * alone decides when it runs. It is raised
 *   - by a NIC interrupt (netdev_irq: NAPI-style, the interrupt is turned
 *     off and the device marked for polling),
 *   - when lwIP's next timeout is due (a ktimer armed for
 *     sys_timeouts_sleeptime() raises it),
 *   - by net_unlock, only when the locked section queued work: a frame
 *     handed to a driver that needs a flush, or a loopback packet.
 * Each run: poll every scheduled NIC with a budget (one that finishes
 * under budget gets its interrupt back, and the ring is looked at once more
 * to close the race, virtio 2.7.7; one that used its budget keeps polling in
 * the next run), deliver loopback packets, run due lwIP timers, then notify
 * the NICs of queued TX frames once per batch and re-arm the timer. As in
 * Linux's NAPI, under load the interrupt stays off and frames are picked up
 * by polling; when idle an arriving frame interrupts at once.
 */
#include <sis/kernel.h>
#include <sis/net.h>
#include <sis/netdev.h>
#include <sis/softirq.h>
#include <sis/timer.h>
#include <sis/init.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/arch.h>
#include <sis/wait.h>
#include <sis/irq.h>

#include "lwip/init.h"
#include "lwip/igmp.h"
#include "lwip/timeouts.h"
#include "lwip/netif.h"
#include "lwip/tcp.h"
#include "net_private.h"
#include "lwip_shim.h"

#define NET_RX_BUDGET 64 /* frames per NIC per softirq run */

static bool lwip_up;         /* lwip_init done, softirq registered */
static bool softirq_running; /* inside net_softirq */
static unsigned lock_depth;  /* net_lock nesting */
static unsigned read_depth;  /* net_lock_read nesting */
static bool work_queued;     /* a locked section left work for the softirq */
static struct ktimer lwip_timer; /* fires when lwIP's next timeout is due */
static struct ktimer tx_retry_timer; /* a NIC's TX backlog waits for ring room */
static u64 rand_state;
/* Kernel threads in net_wait_until(), woken after every softirq run. */
static struct wait_queue net_waiters = WAIT_QUEUE_INIT(net_waiters);

/*
 * net_lock: bh_disable() is enough because SIS is uniprocessor, kernel code
 * is not preempted and interrupt handlers never call lwIP; the softirq is the
 * only other lwIP caller and bh_disable() keeps it from running.
 */
void net_lock(void)
{
	bh_disable();
	lock_depth++;
}

static bool loopback_pending(void);
static void arm_lwip_timer(void);

/* A locked section handed a frame to a driver (it needs a flush) or other
 * work only the softirq does: the closing net_unlock runs it. A read-side
 * section (net_lock_read) never gets here: it changes nothing. */
void net_mark_work(void)
{
	BUG_ON(read_depth && !lock_depth && !softirq_running);
	work_queued = true;
}

void net_unlock(void)
{
	BUG_ON(lock_depth == 0);
	if (--lock_depth == 0 && lwip_up && !softirq_running) {
		if (work_queued || loopback_pending()) {
			softirq_count(SOFTIRQ_STAT_NET_TX);
			softirq_raise(SOFTIRQ_NET);
		}
		arm_lwip_timer(); /* the section may have started a lwIP timer */
		if (waitq_active(&net_waiters))
			wake_up(&net_waiters); /* net_wait_until flags set in the section */
	}
	bh_enable();
}

/*
 * The read side: for sections that only look at socket and lwIP state (a
 * socket's poll op, FIONREAD) and call nothing in lwIP that sends, queues or
 * starts a timer. It holds the softirq off like net_lock, so what it reads
 * is consistent, but its end hands nothing over: no stack run is raised,
 * lwIP's timer is not re-armed and net_waiters are not woken, since a
 * section that changed nothing has nothing for any of them. A poll() or
 * epoll_wait() over many idle sockets so costs a counter up and down per
 * socket (issue 12). bh_enable at the end still runs a softirq that an
 * interrupt raised during the section: that run was due at the
 * interrupt's exit and only waited for the section (it runs at most once,
 * however many sockets are looked at).
 */
void net_lock_read(void)
{
	bh_disable();
	read_depth++;
}

void net_unlock_read(void)
{
	BUG_ON(read_depth == 0);
	read_depth--;
	bh_enable();
}

/* Schedule dev for polling with its interrupt off (NAPI's napi_schedule).
 * Any context. */
static void napi_schedule(struct netdev *dev)
{
	unsigned long flags = irq_save();

	if (!dev->napi_scheduled) {
		dev->napi_scheduled = true;
		if (dev->ops->irq_disable)
			dev->ops->irq_disable(dev);
	}
	irq_restore(flags);
	softirq_raise(SOFTIRQ_NET);
}

void netdev_irq(struct netdev *dev)
{
	softirq_count(SOFTIRQ_STAT_NET_RX);
	napi_schedule(dev);
}

bool net_ready(void)
{
	return lwip_up;
}

/* ---- lwIP port (NO_SYS) ---- */

/*
 * lwIP's clock is the coarse one, like Linux's jiffies for its TCP timers:
 * at most a scheduler tick (10 ms) behind, against lwIP's 250 ms TCP timer,
 * and free, where a counter read per softirq run waited for QEMU's big lock
 * in up to a quarter of an upload's samples (see sis/timer.h). lwIP's timer
 * interrupt refreshes it before the softirq looks.
 */
u32_t sys_now(void)
{
	return (u32_t)(time_coarse_ns() / NSEC_PER_MSEC);
}

void *sis_lwip_malloc(size_t size)
{
	return kmalloc(size);
}

void sis_lwip_free(void *p)
{
	kfree(p);
}

void *sis_lwip_calloc(size_t n, size_t size)
{
	return kcalloc(n, size);
}

/* xorshift64*: DHCP transaction ids, DNS ids, ephemeral ports. Not secret. */
unsigned int sis_lwip_rand(void)
{
	rand_state ^= rand_state >> 12;
	rand_state ^= rand_state << 25;
	rand_state ^= rand_state >> 27;
	return (unsigned int)((rand_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static void seed_rand(void)
{
	rand_state = read_sysreg(cntvct_el0) | 1;
	for (int i = 0; i < netdev_count(); i++)
		for (int b = 0; b < ETH_ALEN; b++)
			rand_state = rand_state * 31 + netdev_get(i)->mac[b];
	if (!rand_state)
		rand_state = 0x9e3779b97f4a7c15ULL;
}

/* ---- the softirq ---- */

static void stack_timer_fired(struct ktimer *t)
{
	(void)t;
	softirq_count(SOFTIRQ_STAT_NET_TIMER);
	softirq_raise(SOFTIRQ_NET); /* IRQ context: only raise */
}

/* Fire when lwIP's next timeout is due (whole ms, as lwIP counts). */
static void arm_lwip_timer(void)
{
	u32 sleep_ms = sys_timeouts_sleeptime();
	u64 due;

	if (sleep_ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE) {
		ktimer_cancel(&lwip_timer);
		return;
	}
	due = (time_coarse_ns() / NSEC_PER_MSEC + sleep_ms) * NSEC_PER_MSEC;
	if (!lwip_timer.pending || lwip_timer.deadline_ns != due)
		ktimer_arm(&lwip_timer, due);
}

/*
 * NAPI's rule (napi_complete_done): a poll that used its whole budget leaves
 * the interrupt off and dev scheduled (true: poll again); one that finished
 * under budget turns the interrupt back on, and if frames arrived while it
 * was off (they raise no interrupt, virtio 2.7.7) takes dev back.
 */
static bool napi_poll(struct netdev *dev)
{
	unsigned long flags;
	bool again;

	if (!dev->napi_scheduled)
		return false;
	again = !dev->dead && dev->ops->poll(dev, NET_RX_BUDGET) >= NET_RX_BUDGET;
	net_netif_sync_link(dev);
	if (again)
		return true;
	flags = irq_save();
	dev->napi_scheduled = false;
	if (!dev->dead && dev->ops->irq_enable && dev->ops->irq_enable(dev)) {
		dev->napi_scheduled = true;
		dev->ops->irq_disable(dev);
		again = true;
	}
	irq_restore(flags);
	return again;
}

static bool poll_devices(void)
{
	bool more = false;

	for (int i = 0; i < netdev_count(); i++)
		more |= napi_poll(netdev_get(i));
	return more;
}

static void tx_retry_fired(struct ktimer *t)
{
	(void)t;
	softirq_raise(SOFTIRQ_NET); /* IRQ context: only raise */
}

/* Frames that found a TX ring full wait in the stack's backlog (netif.c).
 * The device raises no TX-completion interrupt, so while some wait the
 * softirq comes back every NET_TX_RETRY_NS to hand them over (xmit reclaims
 * the slots the device has finished with). */
#define NET_TX_RETRY_NS (1 * NSEC_PER_MSEC)

static void drain_devices(void)
{
	bool waiting = false;

	for (int i = 0; i < netdev_count(); i++)
		waiting |= net_netif_tx_drain(netdev_get(i));
	if (waiting && !tx_retry_timer.pending)
		ktimer_arm(&tx_retry_timer, time_ns() + NET_TX_RETRY_NS);
}

static void schedule_all(void)
{
	for (int i = 0; i < netdev_count(); i++)
		napi_schedule(netdev_get(i));
}

static void flush_devices(void)
{
	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);

		if (!dev->dead)
			dev->ops->flush(dev);
	}
}

/* Loopback packets queued during this run (e.g. replies to loopback
 * traffic) need another pass. */
static bool loopback_pending(void)
{
	struct netif *nif;

	NETIF_FOREACH(nif)
	{
		if (nif->loop_first)
			return true;
	}
	return false;
}

static void net_softirq(void)
{
	bool more;

	softirq_running = true;
	work_queued = false;
	more = poll_devices();
	drain_devices();
	netif_poll_all();
	sys_check_timeouts();
	tcp_sock_tw_limit();
	flush_devices();
	more |= loopback_pending();
	arm_lwip_timer();
	softirq_running = false;
	if (waitq_active(&net_waiters))
		wake_up(&net_waiters);
	if (more) {
		softirq_count(SOFTIRQ_STAT_NET_RX);
		softirq_raise(SOFTIRQ_NET); /* after IRQs had a chance: no starvation */
	}
}

/*
 * Sleep (schedule_sleep) until *flag is set or the deadline passes. The flags
 * are set by lwIP callbacks, which run only in the network softirq or in
 * net_lock()ed sections (whose net_unlock runs the softirq), and every
 * softirq run ends by waking net_waiters: so the condition is re-checked
 * after anything that could have changed it. The prepare/check/sleep order
 * of sis/wait.h makes a wake-up between check and sleep harmless.
 */
void net_wait_until(volatile bool *flag, u64 deadline_ns)
{
	struct waiter w;

	for (;;) {
		prepare_to_wait(&net_waiters, &w);
		if (*flag || time_ns() >= deadline_ns)
			break;
		if (schedule_sleep(deadline_ns, false) == -ETIMEDOUT)
			break;
	}
	finish_wait(&net_waiters, &w);
}

/* Nothing left to send: no unsent/unacked TCP data, no frame in a TX ring. */
static bool net_idle(void)
{
	struct tcp_pcb *pcb;

	for (pcb = lwip_shim_tcp_first(LWIP_SHIM_TCP_ACTIVE); pcb; pcb = lwip_shim_tcp_next(pcb))
		if (lwip_shim_tcp_has_unsent(pcb) || lwip_shim_tcp_has_unacked(pcb))
			return false;
	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);
		if (!dev->dead && dev->link_up && (dev->tx_inflight || net_netif_tx_queued(dev)))
			return false;
	}
	return true;
}

void net_quiesce(unsigned max_ms)
{
	u64 deadline = time_ns() + (u64)max_ms * NSEC_PER_MSEC;
	unsigned long flags;
	bool idle;

	if (!lwip_up || softirq_running || in_irq())
		return;
	flags = irq_save();
	irq_enable_local(); /* NIC and timer interrupts drive the softirq */
	for (;;) {
		net_lock();
		idle = net_idle();
		schedule_all(); /* TX completions are reclaimed by polling */
		net_unlock(); /* runs the softirq: polls NICs, lwIP timers, TX kick */
		if (idle || time_ns() >= deadline)
			break;
		/* Until the next interrupt (at worst the 10 ms scheduler tick). */
		irq_disable_local();
		wfi();
		irq_enable_local();
	}
	irq_restore(flags);
}

static void add_interfaces(void)
{
	int n = netdev_count();

	if (n == 0)
		log_info("net: no network device; loopback only");
	for (int i = 0; i < n; i++) {
		int err = net_netif_add(netdev_get(i));
		if (err)
			log_err("net: %s: cannot add interface (%d)", netdev_get(i)->name, err);
	}
}

/* INIT_NET: lwIP, one netif per NIC (+ lo), the softirq, then addresses. */
static int net_init(void)
{
	log_info("NET: INIT INTERFACE");
	seed_rand();
	ktimer_init(&lwip_timer, stack_timer_fired);
	ktimer_init(&tx_retry_timer, tx_retry_fired);
	net_lock();
	lwip_init();
	/* lwip_init adds lo (the only netif yet) before igmp_init has set
	 * 224.0.0.1, so lo's all-systems group is 0.0.0.0: start lo's IGMP again. */
	igmp_stop(netif_list);
	igmp_start(netif_list);
	add_interfaces();
	softirq_register(SOFTIRQ_NET, net_softirq);
	lwip_up = true;
	schedule_all(); /* drain what arrived before the interrupts were ours */
	net_unlock(); /* first softirq run: drains what arrived, arms the timer */
	log_info("NET: INTERFACE READY");
	return net_ipconfig_boot();
}
INITCALL(INIT_NET, net_init);
