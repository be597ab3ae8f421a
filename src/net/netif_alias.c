/*
 * Secondary IPv4 addresses ("eth0:1", Linux's alias labels). lwIP 2.1.3
 * keeps one IPv4 address per netif, so each secondary address is a netif of
 * its own on the same device: the device's MAC and transmit path (netif.c's
 * linkoutput, state = the netdev), no DHCP. How traffic finds it:
 *   - in: IPv4 frames all go to the device's primary netif, and lwIP's
 *     ip4_input takes a destination that is any netif's address; an ARP
 *     frame asking for (or answering) a secondary address goes to that
 *     netif, so it answers ARP and learns its own neighbours;
 *   - out: sockets bound to a secondary address route through its netif
 *     (LWIP_HOOK_IP4_ROUTE_SRC), which sends from it; everything else
 *     routes as before, the primary netif first (aliases sit at the end of
 *     lwIP's netif list), so new connections use the primary address as
 *     Linux picks it.
 * An alias follows its device's link and up/down state and the primary's
 * gateway. Removing one leaves sockets bound to it alone (they stall), as
 * Linux does when an address goes away. All calls: lwIP locked.
 */
#include <sis/kernel.h>
#include <sis/net.h>
#include <sis/netdev.h>
#include <sis/log.h>

#include "lwip/netif.h"
#include "lwip/etharp.h"
#include "lwip/def.h"
#include "netif/ethernet.h"
#include "ipconfig.h"
#include "net_private.h"

#define ALIASES_MAX (NETDEV_MAX * NET_ALIASES_PER_DEV)

struct alias {
	struct netif nif;   /* lwIP's; state = dev, as the primary's */
	struct netdev *dev; /* NULL: free slot */
	int label;          /* N of "ethX:N", 1.. */
	char name[16];      /* "eth0:1" */
};

static struct alias aliases[ALIASES_MAX];

static struct netif *primary_of(const struct netdev *dev)
{
	return dev->stack;
}

static struct alias *alias_of_netif(const struct netif *nif)
{
	for (int i = 0; i < ALIASES_MAX; i++)
		if (aliases[i].dev && &aliases[i].nif == nif)
			return &aliases[i];
	return NULL;
}

static struct alias *find_label(const struct netdev *dev, int label)
{
	for (int i = 0; i < ALIASES_MAX; i++)
		if (aliases[i].dev == dev && aliases[i].label == label)
			return &aliases[i];
	return NULL;
}

struct netif *net_alias_netif(const struct netdev *dev, int label)
{
	struct alias *a = find_label(dev, label);

	return a ? &a->nif : NULL;
}

const char *net_alias_name(const struct netif *nif)
{
	struct alias *a = alias_of_netif(nif);

	return a ? a->name : NULL;
}

struct netdev *net_alias_dev(const struct netif *nif)
{
	struct alias *a = alias_of_netif(nif);

	return a ? a->dev : NULL;
}

struct netif *net_alias_next(const struct netdev *dev, const struct netif *prev)
{
	int i = 0;

	if (prev) {
		struct alias *a = alias_of_netif(prev);

		if (!a)
			return NULL;
		i = (int)(a - aliases) + 1;
	}
	for (; i < ALIASES_MAX; i++)
		if (aliases[i].dev && aliases[i].dev == dev)
			return &aliases[i].nif;
	return NULL;
}

static err_t alias_netif_init(struct netif *nif)
{
	struct netdev *dev = nif->state;
	struct netif *primary = dev->stack;

	nif->name[0] = 'e';
	nif->name[1] = 'a';
	nif->hwaddr_len = ETH_ALEN;
	memcpy(nif->hwaddr, dev->mac, ETH_ALEN);
	nif->mtu = primary->mtu;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	nif->output = etharp_output;
	nif->linkoutput = primary->linkoutput;
	return ERR_OK;
}

/* lwIP's netif_add puts a netif first; routes must keep finding the
 * primary first, so an alias moves to the end of the list. */
static void move_to_tail(struct netif *nif)
{
	struct netif **pp = &netif_list;

	while (*pp && *pp != nif)
		pp = &(*pp)->next;
	if (!*pp)
		return;
	*pp = nif->next;
	while (*pp)
		pp = &(*pp)->next;
	*pp = nif;
	nif->next = NULL;
}

/* Up and link as the device's primary netif. */
static void follow_primary(struct alias *a)
{
	struct netif *primary = a->dev->stack;

	if (netif_is_link_up(primary) != netif_is_link_up(&a->nif)) {
		if (netif_is_link_up(primary))
			netif_set_link_up(&a->nif);
		else
			netif_set_link_down(&a->nif);
	}
	if (netif_is_up(primary) != netif_is_up(&a->nif)) {
		if (netif_is_up(primary))
			netif_set_up(&a->nif);
		else
			netif_set_down(&a->nif);
	}
}

void net_alias_sync(struct netdev *dev)
{
	for (int i = 0; i < ALIASES_MAX; i++)
		if (aliases[i].dev == dev)
			follow_primary(&aliases[i]);
}

static struct alias *alias_create(struct netdev *dev, int label, const ip4_addr_t *addr,
				  const ip4_addr_t *mask)
{
	struct alias *a = NULL;

	for (int i = 0; i < ALIASES_MAX && !a; i++)
		if (!aliases[i].dev)
			a = &aliases[i];
	if (!a)
		return NULL;
	memset(a, 0, sizeof(*a));
	if (!netif_add(&a->nif, addr, mask, netif_ip4_gw(primary_of(dev)), dev, alias_netif_init,
		       ethernet_input))
		return NULL;
	a->dev = dev;
	a->label = label;
	ksnprintf(a->name, sizeof(a->name), "%s:%d", dev->name, label);
	move_to_tail(&a->nif);
	follow_primary(a);
	return a;
}

int net_alias_set(struct netdev *dev, int label, u32 addr, u32 mask)
{
	struct alias *a = find_label(dev, label);
	ip4_addr_t ia, im;
	char s[16];

	if (!dev->stack || label < 1 || !addr)
		return -EINVAL;
	if (net_netdev_owns_addr(dev, addr) && !(a && ip4_addr_get_u32(netif_ip4_addr(&a->nif)) == addr))
		return -EEXIST;
	if (a && ip4_addr_get_u32(netif_ip4_addr(&a->nif)) == addr &&
	    ip4_addr_get_u32(netif_ip4_netmask(&a->nif)) == mask)
		return 0;
	ip4_addr_set_u32(&ia, addr);
	ip4_addr_set_u32(&im, mask);
	if (!a) {
		a = alias_create(dev, label, &ia, &im);
		if (!a)
			return -ENOSPC;
	} else {
		netif_set_addr(&a->nif, &ia, &im, netif_ip4_gw(primary_of(dev)));
	}
	log_info("net: %s: secondary address %s/%u", a->name,
		 ipconfig_format_addr(lwip_ntohl(addr), s), (unsigned)__builtin_popcount(mask));
	rtnl_sync();
	return 0;
}

int net_alias_remove(struct netdev *dev, int label)
{
	struct alias *a = find_label(dev, label);

	if (!a)
		return -EADDRNOTAVAIL;
	/* Address to 0.0.0.0 first: lwIP then leaves sockets on it alone
	 * (tools/patches/lwip-addr-change.patch); removing the netif with its
	 * address would abort them. */
	netif_set_ipaddr(&a->nif, IP4_ADDR_ANY4);
	netif_remove(&a->nif);
	log_info("net: %s: secondary address removed", a->name);
	a->dev = NULL;
	rtnl_sync();
	return 0;
}

bool net_netdev_owns_addr(const struct netdev *dev, u32 addr)
{
	if (dev->stack && ip4_addr_get_u32(netif_ip4_addr(primary_of(dev))) == addr)
		return true;
	for (int i = 0; i < ALIASES_MAX; i++)
		if (aliases[i].dev == dev && ip4_addr_get_u32(netif_ip4_addr(&aliases[i].nif)) == addr)
			return true;
	return false;
}

struct netif *net_alias_for_arp(const struct netdev *dev, u32 target)
{
	for (int i = 0; i < ALIASES_MAX; i++)
		if (aliases[i].dev == dev && netif_is_up(&aliases[i].nif) &&
		    ip4_addr_get_u32(netif_ip4_addr(&aliases[i].nif)) == target)
			return &aliases[i].nif;
	return NULL;
}

/* LWIP_HOOK_IP4_ROUTE_SRC: traffic from, or to, a secondary address goes
 * through its netif (to: so that it loops back inside). Else NULL. */
struct netif *net_alias_route_src(const ip4_addr_t *src, const ip4_addr_t *dest)
{
	for (int i = 0; i < ALIASES_MAX; i++) {
		struct alias *a = &aliases[i];
		u32 own;

		if (!a->dev || !netif_is_up(&a->nif) || !netif_is_link_up(&a->nif))
			continue;
		own = ip4_addr_get_u32(netif_ip4_addr(&a->nif));
		if ((src && ip4_addr_get_u32(src) == own) || ip4_addr_get_u32(dest) == own) {
			/* off-subnet traffic uses the device's current gateway */
			ip4_addr_copy(*ip_2_ip4(&a->nif.gw), *netif_ip4_gw(primary_of(a->dev)));
			return &a->nif;
		}
	}
	return NULL;
}
