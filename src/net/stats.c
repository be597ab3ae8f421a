/*
 * lwIP statistics: a dump to the kernel log (net_stats_dump, the `net.stats`
 * boot flag, ktest=net_stats), pool-use counts for leak checks
 * (net_pool_usage), and ktest=net_leak, which compares pool use before and
 * after whatever the host throws at the guest.
 */
#include <sis/kernel.h>
#include <sis/net.h>
#include <sis/netdev.h>
#include <sis/cmdline.h>
#include <sis/timer.h>
#include <sis/init.h>
#include <sis/log.h>

#include "lwip/stats.h"
#include "lwip/memp.h"
#include "lwip/udp.h"
#include "lwip/pbuf.h"
#include "net_private.h"

#define LEAK_TRIGGER_PORT 7777
#define LEAK_TRIGGER_WAIT_S 600
/* Frames can legitimately hold memory for a while after the last packet:
 * partial IP datagrams (IP_REASS_MAXAGE) and packets waiting on ARP
 * (ARP_MAXPENDING, 5 s). Give pools this long to drain. */
#define LEAK_SETTLE_S (IP_REASS_MAXAGE + 5 + 3)
#define MAX_POOLS (MEMP_MAX + 1)

static bool stats_at_boot;

static void copy_use(struct net_pool_use *u, const struct stats_mem *m, const char *name)
{
	u->name = name ? name : m->name;
	u->used = (u32)m->used;
	u->max = (u32)m->max;
	u->err = (u32)m->err;
}

int net_pool_usage(struct net_pool_use *out, int max)
{
	int n = 0;

	if (!net_ready())
		return 0;
	net_lock();
	if (n < max)
		copy_use(&out[n], &lwip_stats.mem, "HEAP");
	n++;
	for (int i = 0; i < MEMP_MAX; i++, n++)
		if (n < max)
			copy_use(&out[n], lwip_stats.memp[i], NULL);
	net_unlock();
	return n;
}

static void dump_proto(const char *name, const struct stats_proto *p)
{
	log_info("net-stats: %-7s xmit %u recv %u drop %u chkerr %u lenerr %u memerr %u "
		 "rterr %u proterr %u opterr %u err %u",
		 name, (unsigned)p->xmit, (unsigned)p->recv, (unsigned)p->drop,
		 (unsigned)p->chkerr, (unsigned)p->lenerr, (unsigned)p->memerr,
		 (unsigned)p->rterr, (unsigned)p->proterr, (unsigned)p->opterr,
		 (unsigned)p->err);
}

static void dump_devices(void)
{
	for (int i = 0; i < netdev_count(); i++) {
		const struct netdev *d = netdev_get(i);
		const struct netdev_stats *s = &d->stats;

		log_info("net-stats: %-7s rx %lu pkts %lu bytes err %lu drop %lu; tx %lu pkts "
			 "%lu bytes err %lu busy %lu queued %lu drop %lu%s",
			 d->name, (unsigned long)s->rx_packets, (unsigned long)s->rx_bytes,
			 (unsigned long)s->rx_errors, (unsigned long)s->rx_dropped,
			 (unsigned long)s->tx_packets, (unsigned long)s->tx_bytes,
			 (unsigned long)s->tx_errors, (unsigned long)s->tx_busy,
			 (unsigned long)s->tx_queued, (unsigned long)s->tx_dropped, d->dead ? " (dead)" : "");
	}
}

static void dump_pools(void)
{
	struct net_pool_use pools[MAX_POOLS];
	int n = net_pool_usage(pools, MAX_POOLS);

	for (int i = 0; i < n && i < MAX_POOLS; i++)
		log_info("net-stats: pool %-16s used %u max %u err %u", pools[i].name,
			 (unsigned)pools[i].used, (unsigned)pools[i].max, (unsigned)pools[i].err);
}

void net_stats_dump(void)
{
	if (!net_ready()) {
		log_info("net-stats: network stack not started");
		return;
	}
	dump_devices();
	net_lock();
	dump_proto("link", &lwip_stats.link);
	dump_proto("etharp", &lwip_stats.etharp);
	dump_proto("ip", &lwip_stats.ip);
	dump_proto("ipfrag", &lwip_stats.ip_frag);
	dump_proto("icmp", &lwip_stats.icmp);
	dump_proto("udp", &lwip_stats.udp);
	dump_proto("tcp", &lwip_stats.tcp);
	net_unlock();
	dump_pools();
}

/* `net.stats` on the command line: dump once the boot configuration is done. */
static int stats_option(const char *value)
{
	if (value)
		return -EINVAL;
	stats_at_boot = true;
	return 0;
}
CMDLINE_OPTION("net.stats", stats_option);

static int stats_late(void)
{
	if (stats_at_boot)
		net_stats_dump();
	return 0;
}
INITCALL(INIT_LATE, stats_late);

static int ktest_net_stats(void)
{
	net_stats_dump();
	return net_ready() ? 0 : 1;
}
KTEST("net_stats", ktest_net_stats);

/* ---- ktest=net_leak ---- */

static volatile bool trigger_seen;

static void trigger_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
			 u16_t port)
{
	(void)arg;
	(void)pcb;
	(void)addr;
	(void)port;
	pbuf_free(p);
	trigger_seen = true;
}

static struct udp_pcb *trigger_open(void)
{
	struct udp_pcb *pcb;

	net_lock();
	pcb = udp_new();
	if (pcb && udp_bind(pcb, IP_ANY_TYPE, LEAK_TRIGGER_PORT) != ERR_OK) {
		udp_remove(pcb);
		pcb = NULL;
	}
	if (pcb)
		udp_recv(pcb, trigger_recv, NULL);
	net_unlock();
	return pcb;
}

/* Pools whose use differs from the baseline; logs them if report. */
static int pools_changed(const struct net_pool_use *before, int n, bool report)
{
	struct net_pool_use now[MAX_POOLS];
	int changed = 0;

	net_pool_usage(now, MAX_POOLS);
	for (int i = 0; i < n; i++) {
		if (now[i].used == before[i].used)
			continue;
		changed++;
		if (report)
			log_err("ktest: net_leak: pool %s used %u, was %u", now[i].name,
				(unsigned)now[i].used, (unsigned)before[i].used);
	}
	return changed;
}

/* Wait for pools to drain back to the baseline; returns how many did not. */
static int settle(const struct net_pool_use *before, int n)
{
	u64 deadline = time_ns() + LEAK_SETTLE_S * NSEC_PER_SEC;
	bool never = false;

	while (pools_changed(before, n, false) && time_ns() < deadline)
		net_wait_until(&never, MIN(deadline, time_ns() + 250 * NSEC_PER_MSEC));
	return pools_changed(before, n, true);
}

/*
 * Baseline the pools, wait for a UDP datagram to port 7777 (the host's "I am
 * done"), let transient state expire, compare. Exit status: pools that leaked.
 */
static int ktest_net_leak(void)
{
	struct net_pool_use before[MAX_POOLS];
	struct udp_pcb *pcb = trigger_open();
	int n, leaked;

	if (!pcb) {
		log_err("ktest: net_leak: cannot bind UDP port %d", LEAK_TRIGGER_PORT);
		return 100;
	}
	n = MIN(net_pool_usage(before, MAX_POOLS), MAX_POOLS);
	log_info("ktest: net_leak: baseline taken; waiting for a datagram to UDP port %d",
		 LEAK_TRIGGER_PORT);
	net_wait_until(&trigger_seen, time_ns() + LEAK_TRIGGER_WAIT_S * NSEC_PER_SEC);
	if (!trigger_seen)
		log_warn("ktest: net_leak: no trigger datagram; comparing anyway");
	leaked = settle(before, n);
	net_stats_dump();
	net_lock();
	udp_remove(pcb);
	net_unlock();
	log_info("ktest: net_leak: %d pool(s) differ from the baseline", leaked);
	return leaked;
}
KTEST("net_leak", ktest_net_leak);
