/*
 * Interface ioctls on sockets, the Linux way (netdevice(7), route(8)'s
 * SIOCADDRT): list interfaces, read and set IPv4 address and netmask, read
 * the MAC, flags, MTU and index, bring an interface up or down, set or
 * remove the default gateway. ifconfig, ip and if_nametoindex use them.
 *
 * Interfaces are the registered NICs (eth0, eth1, ...) and lwIP's loopback
 * "lo". Indexes are Linux's: lo is 1, ethN is N + 2.
 *
 * Setting an address by hand stops DHCP on that interface (a static
 * address must not be overwritten by the next lease renewal).
 * Secondary addresses use Linux's alias labels (netif_alias.c): SIOCSIFADDR
 * on "eth0:N" adds or changes one (0.0.0.0 removes it), SIOCSIFNETMASK sets
 * its netmask, SIOCSIFFLAGS without IFF_UP removes it (as on Linux), the
 * get requests read it, and SIOCGIFCONF lists it after its device.
 * Not supported: routes other than the default one (lwIP routes by
 * interface subnet plus one default), changing the MTU or the MAC.
 */
#include <sis/ifioctl.h>
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/net.h>
#include <sis/netdev.h>
#include <sis/uaccess.h>
#include <uapi/sis/in.h>
#include <uapi/sis/sockios.h>

#include "net_private.h"
#include "lwip/netif.h"

/* One interface as the ioctls see it. */
struct iface {
	int index;          /* position: 0.. for ethN, netdev_count() for lo */
	struct netif *nif;
	struct netdev *dev; /* NULL for lo */
	const char *name;
};

/* The interface at position index (eth0.., then lo): true if it exists. */
static bool iface_at(int index, struct iface *it)
{
	it->index = index;
	it->dev = netdev_get(index);
	it->nif = net_iface_netif(index);
	if (!it->nif)
		return false;
	it->name = net_netif_name(it->nif);
	return true;
}

static bool iface_by_name(const char *name, struct iface *it)
{
	for (int i = 0; i <= netdev_count(); i++)
		if (iface_at(i, it) && strcmp(it->name, name) == 0)
			return true;
	return false;
}

static int iface_ifindex(const struct iface *it) { return it->dev ? it->index + 2 : 1; }

static bool iface_by_ifindex(int ifindex, struct iface *it)
{
	if (ifindex == 1)
		return iface_at(netdev_count(), it);
	return ifindex >= 2 && ifindex - 2 < netdev_count() && iface_at(ifindex - 2, it);
}

static u32 iface_addr(const struct iface *it)
{
	return ip4_addr_get_u32(netif_ip4_addr(it->nif));
}

static u32 iface_mask(const struct iface *it)
{
	return ip4_addr_get_u32(netif_ip4_netmask(it->nif));
}

static u32 iface_gw(const struct iface *it)
{
	return ip4_addr_get_u32(netif_ip4_gw(it->nif));
}

/* The device whose primary netif is nif, or NULL (lo, an alias). */
static struct netdev *primary_dev(const struct netif *nif)
{
	for (int i = 0; i < netdev_count(); i++)
		if (netdev_get(i)->stack == nif)
			return netdev_get(i);
	return NULL;
}

int net_ifindex(const struct netif *nif)
{
	struct netdev *dev = net_alias_dev(nif);

	if (!dev)
		dev = primary_dev(nif);
	return dev ? dev->index + 2 : 1;
}

struct netif *net_netif_by_ifindex(int ifindex)
{
	struct iface it;

	return iface_by_ifindex(ifindex, &it) ? it.nif : NULL;
}

unsigned net_iface_flags(const struct netif *nif)
{
	bool eth = net_alias_dev(nif) || primary_dev(nif);
	unsigned f = eth ? IFF_BROADCAST | IFF_MULTICAST : IFF_LOOPBACK;

	if (netif_is_up(nif)) {
		f |= IFF_UP;
		if (netif_is_link_up(nif))
			f |= IFF_RUNNING | IFF_LOWER_UP;
	}
	return f;
}

/* IFF_* flags; IFF_LOWER_UP does not fit ifr_flags (a short), as on Linux. */
static short iface_flags(const struct iface *it)
{
	return (short)(net_iface_flags(it->nif) & ~(unsigned)(IFF_LOWER_UP | IFF_MULTICAST));
}

static void put_sockaddr_in(struct sockaddr *sa, u32 addr_be)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = addr_be;
	memcpy(sa, &sin, sizeof(sin));
}

/* The IPv4 address in a user-supplied sockaddr: 0 or -EINVAL. */
static int get_sockaddr_in(const struct sockaddr *sa, u32 *addr_be)
{
	struct sockaddr_in sin;

	memcpy(&sin, sa, sizeof(sin));
	if (sin.sin_family != AF_INET)
		return -EINVAL;
	*addr_be = sin.sin_addr.s_addr;
	return 0;
}

/* A netmask is contiguous ones then zeros. */
static bool mask_valid(u32 mask_be)
{
	u32 m = __builtin_bswap32(mask_be);

	return (m | (m - 1)) == 0xffffffffu || m == 0;
}

/* The classful netmask ifconfig falls back to for a new address (A /8, B /16, C /24). */
static u32 classful_mask(u32 addr_be)
{
	u32 a = __builtin_bswap32(addr_be);

	if ((a >> 31) == 0)
		return __builtin_bswap32(0xff000000u);
	if ((a >> 30) == 2)
		return __builtin_bswap32(0xffff0000u);
	return __builtin_bswap32(0xffffff00u);
}

static int set_addr(struct iface *it, const struct ifreq *ifr)
{
	u32 addr, mask = iface_mask(it), gw = iface_gw(it);
	int err = get_sockaddr_in(&ifr->ifr_addr, &addr);

	if (err)
		return err;
	if (!it->dev)
		return -EINVAL;   /* lo keeps 127.0.0.1 */
	if (mask == 0)
		mask = classful_mask(addr);
	if ((gw & mask) != (addr & mask))
		gw = 0;           /* the old gateway is not reachable from the new subnet */
	return net_ipconfig_set_static(it->nif, addr, mask, gw);   /* stops DHCP there */
}

static int set_netmask(struct iface *it, const struct ifreq *ifr)
{
	u32 mask;
	int err = get_sockaddr_in(&ifr->ifr_netmask, &mask);

	if (err)
		return err;
	if (!mask_valid(mask) || !it->dev)
		return -EINVAL;
	return net_ipconfig_set_static(it->nif, iface_addr(it), mask, iface_gw(it));
}

void net_iface_set_up(struct netif *nif, bool up)
{
	struct netdev *dev = primary_dev(nif);

	if (up && !netif_is_up(nif))
		netif_set_up(nif);
	else if (!up && netif_is_up(nif))
		netif_set_down(nif);
	if (dev)
		net_alias_sync(dev); /* secondary addresses go up and down with it */
}

static int set_flags(struct iface *it, const struct ifreq *ifr)
{
	net_iface_set_up(it->nif, ifr->ifr_flags & IFF_UP);
	return 0;
}

/* The "get" requests: fill ifr from the interface. */
static int get_info(unsigned long cmd, struct iface *it, struct ifreq *ifr)
{
	switch (cmd) {
	case SIOCGIFFLAGS:
		ifr->ifr_flags = iface_flags(it);
		return 0;
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
		if (iface_addr(it) == 0)
			return -EADDRNOTAVAIL;
		if (cmd == SIOCGIFADDR)
			put_sockaddr_in(&ifr->ifr_addr, iface_addr(it));
		else if (cmd == SIOCGIFNETMASK)
			put_sockaddr_in(&ifr->ifr_netmask, iface_mask(it));
		else
			put_sockaddr_in(&ifr->ifr_broadaddr, iface_addr(it) | ~iface_mask(it));
		return 0;
	case SIOCGIFHWADDR:
		memset(&ifr->ifr_hwaddr, 0, sizeof(ifr->ifr_hwaddr));
		ifr->ifr_hwaddr.sa_family = it->dev ? ARPHRD_ETHER : ARPHRD_LOOPBACK;
		if (it->dev)
			memcpy(ifr->ifr_hwaddr.sa_data, it->dev->mac, ETH_ALEN);
		return 0;
	case SIOCGIFMTU:
		/* lwIP's loopback has no MTU (0: never fragments); Linux's lo says 65536. */
		ifr->ifr_mtu = it->nif->mtu ? it->nif->mtu : 65536;
		return 0;
	case SIOCGIFINDEX:
		ifr->ifr_ifindex = iface_ifindex(it);
		return 0;
	case SIOCGIFTXQLEN:
		ifr->ifr_qlen = 1000; /* Linux's default; netlink's IFLA_TXQLEN says the same */
		return 0;
	}
	return -ENOTTY;
}

/* "eth0:N": the device's iface in *it and N, or -ENODEV. */
static int parse_alias(const char *name, struct iface *it)
{
	const char *colon = strchr(name, ':');
	char dev_name[IFNAMSIZ];
	int label = 0;

	if (!colon || colon == name || (size_t)(colon - name) >= sizeof(dev_name) || !colon[1])
		return -ENODEV;
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9' || label > 999)
			return -ENODEV;
		label = label * 10 + (*p - '0');
	}
	memcpy(dev_name, name, (size_t)(colon - name));
	dev_name[colon - name] = '\0';
	if (!label || !iface_by_name(dev_name, it) || !it->dev)
		return -ENODEV;
	return label;
}

/* Requests on an alias label (see the header comment), under net_lock. */
static long alias_ioctl(unsigned long cmd, struct ifreq *ifr)
{
	struct iface it;
	int label = parse_alias(ifr->ifr_name, &it);
	struct netif *nif;
	u32 addr, mask;
	int err;

	if (label < 0)
		return label;
	nif = net_alias_netif(it.dev, label);
	switch (cmd) {
	case SIOCSIFADDR:
		err = get_sockaddr_in(&ifr->ifr_addr, &addr);
		if (err)
			return err;
		if (!addr)
			return nif ? net_alias_remove(it.dev, label) : 0;
		/* A new label: the primary's netmask if addr is in its subnet
		 * (ip addr add sets the one asked for next), else classful. */
		mask = nif ? ip4_addr_get_u32(netif_ip4_netmask(nif)) : iface_mask(&it);
		if (!nif && (!mask || (addr & mask) != (iface_addr(&it) & mask)))
			mask = classful_mask(addr);
		return net_alias_set(it.dev, label, addr, mask);
	case SIOCSIFNETMASK:
		err = get_sockaddr_in(&ifr->ifr_netmask, &mask);
		if (err)
			return err;
		if (!mask_valid(mask))
			return -EINVAL;
		if (!nif)
			return -EADDRNOTAVAIL;
		return net_alias_set(it.dev, label, ip4_addr_get_u32(netif_ip4_addr(nif)), mask);
	case SIOCSIFFLAGS:
		return nif && !(ifr->ifr_flags & IFF_UP) ? net_alias_remove(it.dev, label) : 0;
	}
	if (!nif)
		return -EADDRNOTAVAIL;
	it.nif = nif;
	it.name = net_netif_name(nif);
	return get_info(cmd, &it, ifr);
}

/* Requests on one struct ifreq, under net_lock. */
static long ifreq_ioctl(unsigned long cmd, struct ifreq *ifr)
{
	struct iface it;

	if (cmd == SIOCGIFNAME) {
		if (!iface_by_ifindex(ifr->ifr_ifindex, &it))
			return -ENODEV;
		strcpy(ifr->ifr_name, it.name);
		return 0;
	}
	ifr->ifr_name[IFNAMSIZ - 1] = 0;
	if (strchr(ifr->ifr_name, ':'))
		return alias_ioctl(cmd, ifr);
	if (!iface_by_name(ifr->ifr_name, &it))
		return -ENODEV;
	switch (cmd) {
	case SIOCSIFADDR:
		return set_addr(&it, ifr);
	case SIOCSIFNETMASK:
		return set_netmask(&it, ifr);
	case SIOCSIFFLAGS:
		return set_flags(&it, ifr);
	}
	return get_info(cmd, &it, ifr);
}

/* One SIOCGIFCONF entry at *used: 0, 1 (no room left) or -EFAULT. */
static int ifconf_put(struct ifconf *ifc, int *used, const char *name, u32 addr)
{
	struct ifreq ifr;

	if (ifc->ifc_buf) {
		if (ifc->ifc_len - *used < (int)sizeof(ifr))
			return 1;
		memset(&ifr, 0, sizeof(ifr));
		strcpy(ifr.ifr_name, name);
		put_sockaddr_in(&ifr.ifr_addr, addr);
		if (copy_to_user(ifc->ifc_buf + *used, &ifr, sizeof(ifr)))
			return -EFAULT;
	}
	*used += sizeof(ifr);   /* with a NULL buffer: the size needed */
	return 0;
}

/* SIOCGIFCONF: an ifreq (name, address) per interface that has an address,
 * each device's secondary addresses ("eth0:1") after it. */
static long ifconf_ioctl(void *uarg)
{
	struct ifconf ifc;
	struct iface it;
	int used = 0, r = 0;

	if (copy_from_user(&ifc, uarg, sizeof(ifc)))
		return -EFAULT;
	for (int i = 0; i <= netdev_count() && !r; i++) {
		if (!iface_at(i, &it))
			continue;
		if (iface_addr(&it))
			r = ifconf_put(&ifc, &used, it.name, iface_addr(&it));
		for (struct netif *a = it.dev ? net_alias_next(it.dev, NULL) : NULL; a && !r;
		     a = net_alias_next(it.dev, a))
			r = ifconf_put(&ifc, &used, net_netif_name(a),
				       ip4_addr_get_u32(netif_ip4_addr(a)));
	}
	if (r < 0)
		return r;
	ifc.ifc_len = used;
	return copy_to_user(uarg, &ifc, sizeof(ifc)) ? -EFAULT : 0;
}

/* The interface a default route goes out of: rt_dev if named, else the one whose subnet
 * holds the gateway. */
static int route_iface(const struct rtentry *rt, u32 gw, struct iface *it)
{
	char name[IFNAMSIZ];

	if (rt->rt_dev) {
		long n = strncpy_from_user(name, rt->rt_dev, sizeof(name));
		if (n < 0)
			return n == -ENAMETOOLONG ? -ENODEV : (int)n;
		return iface_by_name(name, it) ? 0 : -ENODEV;
	}
	for (int i = 0; i < netdev_count(); i++)
		if (iface_at(i, it) && iface_addr(it) &&
		    (iface_addr(it) & iface_mask(it)) == (gw & iface_mask(it)))
			return 0;
	return -ENETUNREACH;
}

/* Is rt the default route, 0.0.0.0/0? (An unset genmask counts as /0.) */
static bool route_is_default(const struct rtentry *rt)
{
	u32 dst, mask = 0;

	if (get_sockaddr_in(&rt->rt_dst, &dst) || dst != 0)
		return false;
	if (rt->rt_genmask.sa_family == AF_INET && get_sockaddr_in(&rt->rt_genmask, &mask) == 0)
		return mask == 0;
	return true;
}

/*
 * SIOCADDRT/SIOCDELRT for the default route. Adding one sets the gateway of
 * the interface it goes out of and makes that the default interface; DHCP,
 * if running there, keeps running (a renewal brings its own gateway back).
 */
static long route_ioctl(unsigned long cmd, void *uarg)
{
	struct rtentry rt;
	struct iface it;
	u32 gw = 0;
	int err;

	if (copy_from_user(&rt, uarg, sizeof(rt)))
		return -EFAULT;
	if (!route_is_default(&rt))
		return -EOPNOTSUPP;
	if (cmd == SIOCDELRT)
		return net_route_default_del();
	if (!(rt.rt_flags & RTF_GATEWAY) || get_sockaddr_in(&rt.rt_gateway, &gw) || gw == 0)
		return -EINVAL;
	err = route_iface(&rt, gw, &it);
	if (err)
		return err;
	return net_route_default_set(it.nif, gw);
}

int net_route_default_del(void)
{
	if (!netif_default || ip4_addr_isany_val(*netif_ip4_gw(netif_default)))
		return -ESRCH;
	netif_set_gw(netif_default, IP4_ADDR_ANY4);
	log_info("NET: default route removed");
	rtnl_sync();
	return 0;
}

int net_route_default_set(struct netif *nif, u32 gw)
{
	ip4_addr_t gw_addr;

	ip4_addr_set_u32(&gw_addr, gw);
	netif_set_gw(nif, &gw_addr);
	netif_set_default(nif);
	log_info("NET: default route via %u.%u.%u.%u dev %s", gw & 0xff, (gw >> 8) & 0xff,
		 (gw >> 16) & 0xff, gw >> 24, net_netif_name(nif));
	rtnl_sync();
	return 0;
}

long ifioctl(unsigned long cmd, void *uarg)
{
	struct ifreq ifr;
	long r;

	if (!net_ready())
		return -ENODEV;
	if (cmd != SIOCGIFCONF && cmd != SIOCADDRT && cmd != SIOCDELRT &&
	    copy_from_user(&ifr, uarg, sizeof(ifr)))
		return -EFAULT;
	net_lock();
	if (cmd == SIOCGIFCONF)
		r = ifconf_ioctl(uarg);
	else if (cmd == SIOCADDRT || cmd == SIOCDELRT)
		r = route_ioctl(cmd, uarg);
	else
		r = ifreq_ioctl(cmd, &ifr);
	net_unlock();
	if (r == 0 && cmd != SIOCGIFCONF && cmd != SIOCADDRT && cmd != SIOCDELRT &&
	    copy_to_user(uarg, &ifr, sizeof(ifr)))
		return -EFAULT;
	return r;
}
