/*
 * Network devices: the line between NIC drivers (src/drivers/) and the
 * network stack (src/net/). No lwIP type crosses it.
 *
 * A driver fills a struct netdev (MAC, MTU, ops) and calls netdev_register()
 * from its INIT_DEV probe; devices are named eth0, eth1, ... in registration
 * order (drivers probe in address order). Its interrupt handler only
 * acknowledges the device and calls netdev_irq(); the network core owns the
 * polling policy (NAPI-style, see src/net/core.c): it turns the device's
 * interrupt off, polls with a budget in the network softirq and turns the
 * interrupt back on only when a poll finished under budget.
 *
 * All ops are called from the network softirq or under net_lock(), never
 * concurrently with each other:
 *   poll(dev, budget)  reclaim TX completions, note link changes, and pass up
 *                      to budget received frames to netdev_receive(); returns
 *                      the number of frames passed up (budget = maybe more).
 *   xmit(dev, frags, n) queue one Ethernet frame (without FCS) given as n
 *                      fragments; 0, -EAGAIN (ring full: the stack queues
 *                      it and retries after the next poll), -EMSGSIZE, -EIO (device dead).
 *                      The data is copied; nothing is kept after return.
 *   flush(dev)         tell the device about frames queued since the last
 *                      flush (one notification per batch).
 *   irq_disable(dev)   suppress the device's receive interrupt (advisory,
 *                      virtio 2.7.7); also called from IRQ context.
 *   irq_enable(dev)    turn it back on, then look at the ring once more:
 *                      true if frames arrived meanwhile (they would raise no
 *                      interrupt, so the core polls again).
 *
 * Checksum offload (dev->features, set before netdev_register):
 *   NETDEV_F_TX_TCP_CSUM  the driver completes the TCP checksum of every
 *                         IPv4/IPv6 TCP frame it is given (the device or the
 *                         driver computes it): the stack leaves it out. The
 *                         stack then does not check TCP checksums of its own
 *                         looped-back packets either (as Linux does not).
 *   NETDEV_F_RX_CSUM      the driver may pass NETDEV_RX_CSUM_OK with a frame
 *                         whose TCP/UDP checksum the device vouched for;
 *                         every other frame is checked by the stack.
 * Large receive (NETDEV_RX_GSO with a frame): an IPv4 or IPv6 TCP segment
 * the host did not cut to the MTU (up to 64 KiB), checked by the driver to
 * be TCP (IPv6: no extension headers), its IP length exactly the frame's;
 * the stack takes it as one segment (lwIP's 16-bit pbuf lengths: the
 * Ethernet header is dropped first).
 */
#ifndef SIS_NETDEV_H
#define SIS_NETDEV_H

#include <sis/types.h>

#define NETDEV_NAME_LEN 8
#define NETDEV_MAX 8
#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_DATA_LEN 1500
#define ETH_FRAME_LEN (ETH_HLEN + ETH_DATA_LEN) /* 1514, no FCS */

struct netdev;

struct netdev_frag {
	const void *data;
	size_t len;
};

struct netdev_ops {
	int (*poll)(struct netdev *dev, unsigned budget);
	int (*xmit)(struct netdev *dev, const struct netdev_frag *frags, unsigned n);
	void (*flush)(struct netdev *dev);
	void (*irq_disable)(struct netdev *dev);
	bool (*irq_enable)(struct netdev *dev);
};

/* Counters kept by drivers (and by the stack for rx_dropped and for
 * tx_queued/tx_dropped: frames that waited in its TX backlog because the
 * ring was full (tx_busy), and frames that backlog had no room for). */
#define NETDEV_F_TX_TCP_CSUM 0x1
#define NETDEV_F_RX_CSUM 0x2
#define NETDEV_RX_CSUM_OK 0x1 /* netdev_receive flag: TCP/UDP checksum verified */
#define NETDEV_RX_GSO 0x2     /* netdev_receive flag: a large TCP segment */
#define NETDEV_GSO_MAX (ETH_HLEN + 65535) /* the largest such frame */

struct netdev_stats {
	u64 rx_packets, rx_bytes, rx_errors, rx_dropped;
	u64 tx_packets, tx_bytes, tx_errors, tx_busy;
	u64 tx_queued, tx_dropped;
};

struct netdev {
	char name[NETDEV_NAME_LEN]; /* "eth0": set by netdev_register */
	int index;                  /* 0 for eth0: set by netdev_register */
	u8 mac[ETH_ALEN];
	u16 mtu;                    /* IP MTU, normally 1500 */
	bool link_up;               /* driver-maintained carrier state */
	bool dead;                  /* the driver gave up on the device */
	u32 features;               /* NETDEV_F_*: what the driver offloads */
	paddr_t base;               /* where it was found, for log lines */
	unsigned tx_inflight;       /* frames handed to the device, not yet completed */
	bool napi_scheduled;        /* core: interrupt off, softirq polls it */
	const struct netdev_ops *ops;
	void *priv;                 /* the driver's */
	void *stack;                /* the network stack's (its netif) */
	struct netdev_stats stats;
};

/* Name and record dev. 0, or -ENOSPC past NETDEV_MAX devices. */
int netdev_register(struct netdev *dev);
int netdev_count(void);
struct netdev *netdev_get(int index); /* NULL if out of range */

/*
 * Called by a driver's poll for each received frame (Ethernet header first,
 * no FCS), possibly split over several buffers. The stack copies it; the
 * buffers may be reused on return. flags: NETDEV_RX_CSUM_OK or 0.
 */
void netdev_receive(struct netdev *dev, const struct netdev_frag *frags, unsigned n,
		    unsigned flags);

/* From a driver's interrupt handler (IRQ context): the core turns the
 * interrupt off and schedules a poll. */
void netdev_irq(struct netdev *dev);

/* "52:54:00:12:34:56" into buf (at least 18 bytes). */
void netdev_format_mac(const u8 mac[ETH_ALEN], char *buf);

#endif
