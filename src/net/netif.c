/*
 * One lwIP netif per struct netdev (lwIP's "ethernetif" role): frames from
 * the driver become pbufs of their own size fed to ethernet_input; frames
 * lwIP sends are handed to the driver's xmit as fragments (it copies them).
 * Interface names: the netdev's ("eth0"); lwIP's own two-letter name is "en".
 */
#include <sis/kernel.h>
#include <sis/net.h>
#include <sis/netdev.h>
#include <sis/log.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/etharp.h"
#include "lwip/ip.h"
#include "lwip/ethip6.h"
#include "netif/ethernet.h"
#include "net_private.h"

#define TX_MAX_FRAGS 16
#define RX_FRAME_MAX (ETH_FRAME_LEN + 4) /* room for one VLAN tag */

static struct netif netifs[NETDEV_MAX];

struct netif *net_netif_of(struct netdev *dev)
{
	return dev->stack;
}

/* The netif an ARP frame in p is for: a secondary address's own netif when
 * the frame's target is that address (it answers and learns there), else
 * the device's primary one. */
static struct netif *arp_netif(struct netdev *dev, struct pbuf *p)
{
	u8 h[ETH_HLEN + 28];
	struct netif *alias;
	u32 target;

	if (pbuf_copy_partial(p, h, sizeof(h), 0) != sizeof(h) || h[12] != 0x08 || h[13] != 0x06)
		return dev->stack;
	memcpy(&target, h + ETH_HLEN + 24, 4);
	alias = net_alias_for_arp(dev, target);
	return alias ? alias : dev->stack;
}

/* The netif's checksum flags outside netdev_receive (lwIP's per-netif
 * control): everything on, except what the driver offloads (netdev.h). */
static u16 csum_flags_of(struct netdev *dev)
{
	u16 flags = NETIF_CHECKSUM_ENABLE_ALL;

	if (dev->features & NETDEV_F_TX_TCP_CSUM)
		flags &= (u16)~(NETIF_CHECKSUM_GEN_TCP | NETIF_CHECKSUM_CHECK_TCP);
	return flags;
}

/* Feed p to INPUT on nif; TCP/UDP checksums are checked unless the driver
 * vouched for them. */
static void input_frame(struct netif *nif, struct pbuf *p, unsigned flags, netif_input_fn input)
{
	u16 base = nif->chksum_flags;
	u16 l4 = NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP;

	NETIF_SET_CHECKSUM_CTRL(nif, (flags & NETDEV_RX_CSUM_OK) ? base & (u16)~l4 : base | l4);
	if (input(p, nif) != ERR_OK)
		pbuf_free(p);
	NETIF_SET_CHECKSUM_CTRL(nif, base);
}

/* A large TCP segment (netdev.h NETDEV_RX_GSO): its IP packet, without the
 * Ethernet header, straight to ip_input (no ARP, no alias netif involved). */
static void receive_gso(struct netdev *dev, const struct netdev_frag *frags, unsigned n,
			size_t total, unsigned flags)
{
	struct netif *nif = dev->stack;
	size_t skip = ETH_HLEN;
	struct pbuf *p;
	u16 off = 0;

	if (!nif || !netif_is_up(nif) ||
	    !(p = pbuf_alloc(PBUF_RAW, (u16)(total - ETH_HLEN), PBUF_RAM))) {
		dev->stats.rx_dropped++;
		LINK_STATS_INC(link.memerr);
		LINK_STATS_INC(link.drop);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		size_t k = MIN(skip, frags[i].len);

		pbuf_take_at(p, (const u8 *)frags[i].data + k, (u16)(frags[i].len - k), off);
		off = (u16)(off + frags[i].len - k);
		skip -= k;
	}
	LINK_STATS_INC(link.recv);
	input_frame(nif, p, flags, ip_input);
}

void netdev_receive(struct netdev *dev, const struct netdev_frag *frags, unsigned n,
		    unsigned flags)
{
	struct netif *nif = dev->stack;
	struct pbuf *p;
	size_t total = 0;
	u16 off = 0;

	for (unsigned i = 0; i < n; i++)
		total += frags[i].len;
	if ((flags & NETDEV_RX_GSO) && total > ETH_HLEN && total <= NETDEV_GSO_MAX) {
		receive_gso(dev, frags, n, total, flags);
		return;
	}
	if (total > RX_FRAME_MAX) {
		dev->stats.rx_errors++;
		LINK_STATS_INC(link.lenerr);
		LINK_STATS_INC(link.drop);
		return;
	}
	/* PBUF_RAM: one allocation the frame's size (an ACK takes 128 bytes
	 * of heap, not a 1536-byte pool buffer). */
	if (!nif || !netif_is_up(nif) || !(p = pbuf_alloc(PBUF_RAW, (u16)total, PBUF_RAM))) {
		dev->stats.rx_dropped++;
		LINK_STATS_INC(link.memerr);
		LINK_STATS_INC(link.drop);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		pbuf_take_at(p, frags[i].data, (u16)frags[i].len, off);
		off = (u16)(off + frags[i].len);
	}
	LINK_STATS_INC(link.recv);
	nif = arp_netif(dev, p);
	input_frame(nif, p, flags, nif->input);
}

/* A chain longer than TX_MAX_FRAGS is copied into this buffer first. */
static u8 tx_bounce[2048];

/* Describe p as driver fragments; 0 if it cannot be sent. */
static unsigned frags_from_pbuf(struct pbuf *p, struct netdev_frag *frags)
{
	unsigned n = 0;

	for (struct pbuf *q = p; q; q = q->next) {
		if (!q->len)
			continue;
		if (n == TX_MAX_FRAGS) {
			if (p->tot_len > sizeof(tx_bounce))
				return 0;
			pbuf_copy_partial(p, tx_bounce, p->tot_len, 0);
			frags[0] = (struct netdev_frag){ tx_bounce, p->tot_len };
			return 1;
		}
		frags[n++] = (struct netdev_frag){ q->payload, q->len };
	}
	return n;
}

/*
 * An IPv4 frame whose source is neither 0.0.0.0 nor an address of the
 * device (primary or secondary) comes from a socket whose address went away
 * (a lease replaced it): Linux finds no route for such a source and sends
 * nothing, so neither do we. For TCP the segment is as good as lost: the
 * connection retransmits and ends with its timeout, as on Linux.
 */
static bool stale_source(struct netdev *dev, struct pbuf *p)
{
	u8 h[ETH_HLEN + 16];
	u32 src;

	if (pbuf_copy_partial(p, h, sizeof(h), 0) != sizeof(h) || h[12] != 0x08 || h[13] != 0)
		return false;
	memcpy(&src, h + ETH_HLEN + 12, 4);
	return src && !net_netdev_owns_addr(dev, src);
}

/*
 * TX backlog: a frame the driver has no ring slot for (-EAGAIN) is copied
 * and queued here, in order, and sent when the ring drains (after each poll,
 * and before any newer frame), as Linux's qdisc queues behind a full NIC
 * ring. Bounded: past TX_BACKLOG_MAX frames are dropped and counted
 * (stats.tx_dropped), the case Linux's txqueuelen overflow covers.
 */
#define TX_BACKLOG_MAX 1024

struct tx_backlog {
	struct pbuf *q[TX_BACKLOG_MAX];
	unsigned head, count;
};

static struct tx_backlog tx_backlogs[NETDEV_MAX];

static void link_err(int err)
{
	LINK_STATS_INC(link.drop);
	if (err == -EAGAIN)
		LINK_STATS_INC(link.memerr);
	else
		LINK_STATS_INC(link.err);
}

/* Hand p to the driver: 0 or the driver's -errno. */
static int xmit_pbuf(struct netdev *dev, struct pbuf *p)
{
	struct netdev_frag frags[TX_MAX_FRAGS];
	unsigned n = frags_from_pbuf(p, frags);

	return n ? dev->ops->xmit(dev, frags, n) : -EMSGSIZE;
}

/* Send queued frames while the ring takes them; true if some remain. */
bool net_netif_tx_drain(struct netdev *dev)
{
	struct tx_backlog *b = &tx_backlogs[dev->index];

	while (b->count) {
		struct pbuf *p = b->q[b->head];
		int err = dev->dead ? -EIO : xmit_pbuf(dev, p);

		if (err == -EAGAIN)
			return true;
		if (err)
			link_err(err);
		else
			LINK_STATS_INC(link.xmit);
		pbuf_free(p);
		b->q[b->head] = NULL;
		b->head = (b->head + 1) % TX_BACKLOG_MAX;
		b->count--;
	}
	return false;
}

unsigned net_netif_tx_queued(const struct netdev *dev)
{
	return tx_backlogs[dev->index].count;
}

/* Queue a copy of p (lwIP reuses its segments' pbufs for retransmission). */
static err_t tx_enqueue(struct netdev *dev, struct pbuf *p)
{
	struct tx_backlog *b = &tx_backlogs[dev->index];
	struct pbuf *copy;

	if (b->count == TX_BACKLOG_MAX || !(copy = pbuf_clone(PBUF_RAW, PBUF_RAM, p))) {
		dev->stats.tx_dropped++;
		link_err(-EAGAIN);
		return ERR_MEM;
	}
	b->q[(b->head + b->count++) % TX_BACKLOG_MAX] = copy;
	dev->stats.tx_queued++;
	return ERR_OK;
}

static err_t sis_linkoutput(struct netif *nif, struct pbuf *p)
{
	struct netdev *dev = nif->state;
	int err;

	if (stale_source(dev, p)) {
		LINK_STATS_INC(link.drop);
		return ERR_OK;
	}
	/* The driver's flush (and a backlog's retry timer) come at net_unlock
	 * or in the softirq. */
	net_mark_work();
	if (net_netif_tx_drain(dev))
		return tx_enqueue(dev, p);
	err = xmit_pbuf(dev, p);
	if (err == -EAGAIN)
		return tx_enqueue(dev, p);
	if (err) {
		link_err(err);
		return ERR_IF;
	}
	LINK_STATS_INC(link.xmit);
	return ERR_OK;
}

static void status_changed(struct netif *nif)
{
	net_ipconfig_status_changed(nif);
	rtnl_sync(); /* after ipconfig: it may have moved the default route */
}

static err_t sis_netif_init(struct netif *nif)
{
	struct netdev *dev = nif->state;

	nif->name[0] = 'e';
	nif->name[1] = 'n';
	nif->hwaddr_len = ETH_ALEN;
	memcpy(nif->hwaddr, dev->mac, ETH_ALEN);
	nif->mtu = dev->mtu;
	/* IGMP/MLD: the device receives every multicast frame (virtio_net.c). */
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		     NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
	nif->output = etharp_output;
	nif->output_ip6 = ethip6_output;
	nif->linkoutput = sis_linkoutput;
	NETIF_SET_CHECKSUM_CTRL(nif, csum_flags_of(dev));
	netif_set_hostname(nif, "sis");
	netif_set_status_callback(nif, status_changed);
	netif_set_link_callback(nif, status_changed);
	return ERR_OK;
}

/* Create and bring up the netif of dev, with no address yet (lwIP locked). */
int net_netif_add(struct netdev *dev)
{
	struct netif *nif = &netifs[dev->index];
	char mac[18];

	netdev_format_mac(dev->mac, mac);
	if (dev->index == 0)
		log_info("net: Initializing interface with MAC %s", mac);
	else
		log_info("net: Initializing interface with MAC %s (%s)", mac, dev->name);
	if (!netif_add(nif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, dev, sis_netif_init,
		       ethernet_input))
		return -EIO;
	dev->stack = nif;
	if (dev->index == 0)
		netif_set_default(nif);
	net_ipconfig6_netif_added(dev);
	if (dev->link_up)
		netif_set_link_up(nif);
	netif_set_up(nif);
	return 0;
}

void net_netif_sync_link(struct netdev *dev)
{
	struct netif *nif = dev->stack;
	bool up = dev->link_up && !dev->dead;

	if (!nif || up == !!netif_is_link_up(nif))
		return;
	log_info("net: %s link %s", dev->name, up ? "up" : "down");
	if (up)
		netif_set_link_up(nif);
	else
		netif_set_link_down(nif);
	net_alias_sync(dev);
}

/* The netdev behind an lwIP netif (its primary or a secondary address's),
 * or NULL (lo). */
static struct netdev *netdev_of(const struct netif *nif)
{
	for (int i = 0; i < netdev_count(); i++)
		if (netdev_get(i)->stack == nif)
			return netdev_get(i);
	return net_alias_dev(nif);
}

/* lwIP's own loopback interface ("lo", 127.0.0.1). */
static struct netif *loopback_netif(void)
{
	struct netif *nif;

	NETIF_FOREACH(nif)
	{
		if (nif->name[0] == 'l' && nif->name[1] == 'o')
			return nif;
	}
	return NULL;
}

struct netif *net_iface_netif(int index)
{
	struct netdev *dev = netdev_get(index);

	if (dev)
		return dev->stack;
	return index == netdev_count() ? loopback_netif() : NULL;
}

const char *net_netif_name(const struct netif *nif)
{
	struct netdev *dev = netdev_of(nif);
	const char *alias = net_alias_name(nif);

	return alias ? alias : dev ? dev->name : "lo";
}
