/*
 * NETLINK_ROUTE (rtnetlink(7)) over SIS's interfaces: enough for glibc's
 * getifaddrs, busybox's and iproute2's `ip addr/link/route`.
 *
 *   RTM_GETLINK    dump, or one interface by index or IFLA_IFNAME
 *   RTM_NEWLINK    IFF_UP in ifi_change: bring an interface up or down
 *   RTM_GETADDR    dump of IPv4 addresses (primary, eth0:N aliases, lo),
 *                  then IPv6 ones (link-local, SLAAC, ip6=, ::1)
 *   RTM_NEWADDR    an interface without an address gets a primary one (DHCP
 *                  stops there); otherwise an alias (netif_alias.c)
 *   RTM_DELADDR    the primary (address 0.0.0.0 then) or an alias
 *   RTM_GETROUTE   dump of the main table (one route per interface subnet,
 *                  the default route; IPv6 too), or a lookup of RTA_DST
 *   RTM_NEWROUTE   the default route, through ifioctl.c's
 *   RTM_DELROUTE   the default route
 *
 * Changes go through ipconfig.c, netif_alias.c and ifioctl.c (never lwIP's
 * fields directly). Notifications: rtnl_sync() compares links,
 * addresses and routes with a snapshot and sends RTM_NEWLINK, RTM_NEW/DELADDR
 * and RTM_NEW/DELROUTE to RTNLGRP_LINK, _IPV4_IFADDR and _IPV4_ROUTE.
 *
 * IPv6 addresses are listed (RTM_GETADDR, RTNLGRP_IPV6_IFADDR) and IPv6
 * routes dumped (the addresses' and advertised on-link prefixes, the
 * default routers; AF_INET6 or AF_UNSPEC) but not changed here, and no
 * IPv6 route notifications are sent. Not done (answered EOPNOTSUPP):
 * changing IPv6 addresses and IPv6 routes, routes other than interface
 * subnets and the default one (lwIP routes by those only), renaming or
 * changing an interface's MTU or MAC, neighbours, rules, qdiscs.
 */
#include "netlink.h"
#include "net_private.h"
#include "ipconfig.h"
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/netdev.h>
#include <uapi/sis/sockios.h>
#include "lwip/dhcp.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip.h"
#include "lwip/netif.h"

#define LFT_FOREVER 0xffffffffU

/* ---- what there is: links, addresses, routes ---- */

/* One address as RTM_NEWADDR describes it. */
struct addr_ent {
	int ifindex;
	bool v6;
	u32 addr, mask;     /* IPv4, network order */
	u8 addr6[16];       /* IPv6 */
	u8 prefix6;
	u8 flags, scope;
	char label[16];
	u32 valid_lft, preferred_lft; /* seconds, LFT_FOREVER */
};

/* One route of the main table. */
struct route_ent {
	int ifindex;
	u32 dst, gw, src;   /* network order; gw 0: on the link */
	u8 dst_len, protocol, scope;
};

#define MAX_IFACES (NETDEV_MAX + 1)
#define MAX_ADDRS ((NETDEV_MAX + 1) * (1 + NET_ALIASES_PER_DEV + LWIP_IPV6_NUM_ADDRESSES))
#define MAX_ROUTES (MAX_ADDRS + 1)

static int iface_count(void)
{
	return netdev_count() + 1; /* ifindex 1 (lo) .. netdev_count() + 1 */
}

static u32 nif_addr(const struct netif *nif)
{
	return ip4_addr_get_u32(netif_ip4_addr(nif));
}

static u32 nif_mask(const struct netif *nif)
{
	return ip4_addr_get_u32(netif_ip4_netmask(nif));
}

static unsigned prefix_len(u32 mask)
{
	return (unsigned)__builtin_popcount(mask);
}

/* Seconds left of nif's DHCP lease, or LFT_FOREVER for a static address. */
static u32 lease_left(struct netif *nif)
{
	struct dhcp *d = netif_dhcp_data(nif);

	if (!dhcp_supplied_address(nif) || !d || !d->t0_timeout)
		return LFT_FOREVER;
	if (d->lease_used >= d->t0_timeout)
		return 0;
	return (u32)(d->t0_timeout - d->lease_used) * DHCP_COARSE_TIMER_SECS;
}

static void add_addr(struct addr_ent *e, int *n, int ifindex, struct netif *nif, u8 flags)
{
	struct addr_ent *a = &e[*n];

	if (*n >= MAX_ADDRS || !nif_addr(nif))
		return;
	memset(a, 0, sizeof(*a)); /* the arrays are reused */
	a->ifindex = ifindex;
	a->addr = nif_addr(nif);
	a->mask = nif_mask(nif);
	a->scope = ifindex == 1 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	a->valid_lft = a->preferred_lft = lease_left(nif);
	a->flags = flags | (a->valid_lft == LFT_FOREVER ? IFA_F_PERMANENT : 0);
	strncpy(a->label, net_netif_name(nif), sizeof(a->label) - 1);
	a->label[sizeof(a->label) - 1] = 0;
	(*n)++;
}

/* The IPv6 addresses of nif (lwIP's slots that hold one), as Linux lists them. */
static void add_addrs6(struct addr_ent *e, int *n, int ifindex, struct netif *nif)
{
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES && *n < MAX_ADDRS; i++) {
		const ip6_addr_t *ip = netif_ip6_addr(nif, i);
		u8 state = netif_ip6_addr_state(nif, i);
		struct addr_ent *a = &e[*n];

		if (ip6_addr_isinvalid(state))
			continue;
		memset(a, 0, sizeof(*a));
		a->ifindex = ifindex;
		a->v6 = true;
		memcpy(a->addr6, ip->addr, 16);
		a->prefix6 = (u8)net_ip6_prefix_len(nif, i);
		a->scope = ip6_addr_isloopback(ip) ? RT_SCOPE_HOST
			   : ip6_addr_islinklocal(ip) ? RT_SCOPE_LINK
			   : ip6_addr_issitelocal(ip) ? RT_SCOPE_SITE : RT_SCOPE_UNIVERSE;
		if (ip6_addr_istentative(state))
			a->flags |= IFA_F_TENTATIVE;
		if (ip6_addr_isduplicated(state))
			a->flags |= IFA_F_DADFAILED | IFA_F_TENTATIVE;
		/* lwIP's ::1 is only "valid"; Linux's is preferred */
		if (ip6_addr_isdeprecated(state) && !ip6_addr_isloopback(ip))
			a->flags |= IFA_F_DEPRECATED;
		if (netif_ip6_addr_isstatic(nif, i)) {
			a->flags |= IFA_F_PERMANENT;
			a->valid_lft = a->preferred_lft = LFT_FOREVER;
		} else {
			a->valid_lft = netif_ip6_addr_valid_life(nif, i);
			a->preferred_lft = netif_ip6_addr_pref_life(nif, i);
		}
		strncpy(a->label, net_netif_name(nif), sizeof(a->label) - 1);
		(*n)++;
	}
}

/* Every address, IPv4 ones first (as Linux dumps family by family), by
 * interface index, a device's aliases after it; then the IPv6 ones. */
static int collect_addrs(struct addr_ent *e)
{
	int n = 0;

	for (int ifindex = 1; ifindex <= iface_count(); ifindex++) {
		struct netif *nif = net_netif_by_ifindex(ifindex);
		struct netdev *dev = ifindex > 1 ? netdev_get(ifindex - 2) : NULL;

		if (!nif)
			continue;
		add_addr(e, &n, ifindex, nif, 0);
		for (struct netif *a = dev ? net_alias_next(dev, NULL) : NULL; a;
		     a = net_alias_next(dev, a)) {
			bool same = nif_addr(nif) && (nif_addr(a) & nif_mask(nif)) ==
							     (nif_addr(nif) & nif_mask(nif));

			add_addr(e, &n, ifindex, a, same ? IFA_F_SECONDARY : 0);
		}
	}
	for (int ifindex = 1; ifindex <= iface_count(); ifindex++) {
		struct netif *nif = net_netif_by_ifindex(ifindex);

		if (nif)
			add_addrs6(e, &n, ifindex, nif);
	}
	return n;
}

static void add_subnet_route(struct route_ent *r, int *n, int ifindex, struct netif *nif)
{
	u32 addr = nif_addr(nif), mask = nif_mask(nif);

	for (int i = 0; i < *n; i++)
		if (r[i].ifindex == ifindex && r[i].dst == (addr & mask) &&
		    r[i].dst_len == prefix_len(mask))
			return; /* a secondary address in the primary's subnet */
	if (*n >= MAX_ROUTES || !addr || !mask || !netif_is_up(nif))
		return;
	r[*n] = (struct route_ent){ .ifindex = ifindex, .dst = addr & mask, .src = addr,
				    .dst_len = (u8)prefix_len(mask), .protocol = RTPROT_KERNEL,
				    .scope = RT_SCOPE_LINK };
	(*n)++;
}

/* The main table: the default route first (as Linux lists it), then one
 * route per interface subnet. */
static int collect_routes(struct route_ent *r)
{
	struct netif *def = netif_default;
	int n = 0;

	if (def && ip4_addr_get_u32(netif_ip4_gw(def)) && netif_is_up(def))
		r[n++] = (struct route_ent){ .ifindex = net_ifindex(def),
					     .gw = ip4_addr_get_u32(netif_ip4_gw(def)),
					     .protocol = dhcp_supplied_address(def) ? RTPROT_DHCP
										    : RTPROT_BOOT,
					     .scope = RT_SCOPE_UNIVERSE };
	for (int ifindex = 2; ifindex <= iface_count(); ifindex++) {
		struct netif *nif = net_netif_by_ifindex(ifindex);
		struct netdev *dev = netdev_get(ifindex - 2);

		if (!nif)
			continue;
		add_subnet_route(r, &n, ifindex, nif);
		for (struct netif *a = net_alias_next(dev, NULL); a; a = net_alias_next(dev, a))
			add_subnet_route(r, &n, ifindex, a);
	}
	return n;
}

/* ---- messages ---- */

static void link_msg(struct nl_msg *m, u16 type, u16 flags, u32 seq, u32 pid, int ifindex,
		     unsigned change)
{
	static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u8 zero[ETH_ALEN];
	struct netif *nif = net_netif_by_ifindex(ifindex);
	struct netdev *dev = ifindex > 1 ? netdev_get(ifindex - 2) : NULL;
	struct ifinfomsg *ifi = nl_msg_start(m, type, flags, seq, pid, sizeof(*ifi));
	unsigned iff = net_iface_flags(nif);
	u8 oper = !dev ? IF_OPER_UNKNOWN : (iff & IFF_LOWER_UP) ? IF_OPER_UP : IF_OPER_DOWN;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = dev ? ARPHRD_ETHER : ARPHRD_LOOPBACK;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = iff;
	ifi->ifi_change = change;
	nl_attr_str(m, IFLA_IFNAME, net_netif_name(nif));
	nl_attr_u32(m, IFLA_TXQLEN, 1000);
	nl_attr_u8(m, IFLA_OPERSTATE, oper);
	nl_attr_u8(m, IFLA_LINKMODE, 0);
	/* lwIP's loopback has no MTU (0: never fragments); Linux's lo says 65536. */
	nl_attr_u32(m, IFLA_MTU, nif->mtu ? nif->mtu : 65536);
	nl_attr_u32(m, IFLA_GROUP, 0);
	nl_attr_u32(m, IFLA_NUM_TX_QUEUES, 1);
	nl_attr_u32(m, IFLA_NUM_RX_QUEUES, 1);
	nl_attr_u8(m, IFLA_CARRIER, (iff & IFF_LOWER_UP) || !dev);
	nl_attr_str(m, IFLA_QDISC, dev ? "pfifo_fast" : "noqueue");
	nl_attr(m, IFLA_ADDRESS, dev ? dev->mac : zero, ETH_ALEN);
	nl_attr(m, IFLA_BROADCAST, dev ? bcast : zero, ETH_ALEN);
	nl_msg_end(m);
}

static void addr_msg(struct nl_msg *m, u16 type, u16 flags, u32 seq, u32 pid,
		     const struct addr_ent *a)
{
	struct ifaddrmsg *ifa = nl_msg_start(m, type, flags, seq, pid, sizeof(*ifa));
	struct ifa_cacheinfo ci = { .ifa_prefered = a->preferred_lft, .ifa_valid = a->valid_lft };
	u32 bcast = a->addr | ~a->mask;

	if (a->v6) {
		ifa->ifa_family = AF_INET6;
		ifa->ifa_prefixlen = a->prefix6;
		ifa->ifa_flags = a->flags;
		ifa->ifa_scope = a->scope;
		ifa->ifa_index = (u32)a->ifindex;
		nl_attr(m, IFA_ADDRESS, a->addr6, 16);
		nl_attr_u32(m, IFA_FLAGS, a->flags);
		nl_attr(m, IFA_CACHEINFO, &ci, sizeof(ci));
		nl_msg_end(m);
		return;
	}
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (u8)prefix_len(a->mask);
	ifa->ifa_flags = a->flags;
	ifa->ifa_scope = a->scope;
	ifa->ifa_index = (u32)a->ifindex;
	nl_attr(m, IFA_ADDRESS, &a->addr, 4);
	nl_attr(m, IFA_LOCAL, &a->addr, 4);
	if (a->ifindex != 1 && prefix_len(a->mask) < 31)
		nl_attr(m, IFA_BROADCAST, &bcast, 4);
	nl_attr_str(m, IFA_LABEL, a->label);
	nl_attr_u32(m, IFA_FLAGS, a->flags);
	nl_attr(m, IFA_CACHEINFO, &ci, sizeof(ci));
	nl_msg_end(m);
}

static void route_msg(struct nl_msg *m, u16 type, u16 flags, u32 seq, u32 pid,
		      const struct route_ent *r)
{
	struct rtmsg *rtm = nl_msg_start(m, type, flags, seq, pid, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = r->dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_scope = r->scope;
	rtm->rtm_type = RTN_UNICAST;
	nl_attr_u32(m, RTA_TABLE, RT_TABLE_MAIN);
	if (r->dst_len)
		nl_attr(m, RTA_DST, &r->dst, 4);
	if (r->src)
		nl_attr(m, RTA_PREFSRC, &r->src, 4);
	if (r->gw)
		nl_attr(m, RTA_GATEWAY, &r->gw, 4);
	nl_attr_u32(m, RTA_OIF, (u32)r->ifindex);
	nl_msg_end(m);
}

static void done_msg(struct nl_reply *r, const struct nlmsghdr *h)
{
	struct nl_msg m;
	int *status = nl_msg_start(&m, NLMSG_DONE, NLM_F_MULTI, h->nlmsg_seq,
				   netlink_portid(r->ns), sizeof(int));

	*status = 0;
	nl_msg_end(&m);
	nl_reply_add(r, &m);
}

/* ---- parsing requests ---- */

/* The attributes after a request's fixed header of hdr_len bytes: tb[type]
 * points at each one's payload (last one wins), tb_len its length. */
#define MAX_ATTR 64
struct attrs {
	const u8 *tb[MAX_ATTR];
	u16 len[MAX_ATTR];
};

static int parse_attrs(const struct nlmsghdr *h, size_t hdr_len, struct attrs *at)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hdr_len);
	const u8 *base = (const u8 *)h;

	memset(at, 0, sizeof(*at));
	if (h->nlmsg_len < NLMSG_HDRLEN + hdr_len)
		return -EINVAL;
	while (off + NLA_HDRLEN <= h->nlmsg_len) {
		struct nlattr a;

		memcpy(&a, base + off, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || off + a.nla_len > h->nlmsg_len)
			return -EINVAL;
		a.nla_type &= 0x3fff; /* NLA_F_NESTED, NLA_F_NET_BYTEORDER */
		if (a.nla_type < MAX_ATTR) {
			at->tb[a.nla_type] = base + off + NLA_HDRLEN;
			at->len[a.nla_type] = (u16)(a.nla_len - NLA_HDRLEN);
		}
		off += NLA_ALIGN(a.nla_len);
	}
	return 0;
}

/* A 4-byte attribute (an IPv4 address, a u32): 0 if present and sized right. */
static int attr_u32(const struct attrs *at, int type, u32 *v)
{
	if (!at->tb[type] || at->len[type] < 4)
		return -EINVAL;
	memcpy(v, at->tb[type], 4);
	return 0;
}

/* ---- links ---- */

static int get_link(struct nl_reply *r, const struct nlmsghdr *h)
{
	struct ifinfomsg ifi;
	struct attrs at;
	struct nl_msg m;
	int ifindex = 0, err = parse_attrs(h, sizeof(ifi), &at);

	if (err)
		return err;
	memcpy(&ifi, NLMSG_DATA(h), sizeof(ifi));
	if (ifi.ifi_index > 0) {
		ifindex = net_netif_by_ifindex(ifi.ifi_index) ? ifi.ifi_index : 0;
	} else if (at.tb[IFLA_IFNAME]) {
		const char *want = (const char *)at.tb[IFLA_IFNAME];
		size_t wl = strnlen(want, at.len[IFLA_IFNAME]);

		for (int i = 1; i <= iface_count() && !ifindex; i++) {
			struct netif *nif = net_netif_by_ifindex(i);
			const char *name = nif ? net_netif_name(nif) : "";

			if (nif && wl == strlen(name) && !memcmp(want, name, wl))
				ifindex = i;
		}
	} else {
		return -EINVAL;
	}
	if (!ifindex)
		return -ENODEV;
	link_msg(&m, RTM_NEWLINK, 0, h->nlmsg_seq, netlink_portid(r->ns), ifindex, 0);
	nl_reply_add(r, &m);
	return 0;
}

static int dump_links(struct nl_reply *r, const struct nlmsghdr *h)
{
	struct nl_msg m;

	for (int i = 1; i <= iface_count(); i++) {
		if (!net_netif_by_ifindex(i))
			continue;
		link_msg(&m, RTM_NEWLINK, NLM_F_MULTI, h->nlmsg_seq, netlink_portid(r->ns), i, 0);
		nl_reply_add(r, &m);
	}
	return 0;
}

/* RTM_NEWLINK/SETLINK: up or down (IFF_UP in ifi_change, or any flags with
 * ifi_change 0, as old tools send). */
static int set_link(const struct nlmsghdr *h)
{
	struct ifinfomsg ifi;
	struct attrs at;
	struct netif *nif;
	int err = parse_attrs(h, sizeof(ifi), &at);

	if (err)
		return err;
	memcpy(&ifi, NLMSG_DATA(h), sizeof(ifi));
	nif = ifi.ifi_index > 0 ? net_netif_by_ifindex(ifi.ifi_index) : NULL;
	if (!nif)
		return (h->nlmsg_flags & NLM_F_CREATE) ? -EOPNOTSUPP : -ENODEV;
	if (at.tb[IFLA_IFNAME] || at.tb[IFLA_MTU] || at.tb[IFLA_ADDRESS])
		return -EOPNOTSUPP;
	if ((ifi.ifi_change & IFF_UP) || ifi.ifi_change == 0)
		net_iface_set_up(nif, ifi.ifi_flags & IFF_UP);
	return 0;
}

/* ---- addresses ---- */

static int dump_addrs(struct nl_reply *r, const struct nlmsghdr *h)
{
	static struct addr_ent e[MAX_ADDRS];
	struct nl_msg m;
	u8 family = h->nlmsg_len >= NLMSG_LENGTH(1) ? *(const u8 *)NLMSG_DATA(h) : AF_UNSPEC;
	int n;

	n = collect_addrs(e);
	for (int i = 0; i < n; i++) {
		if (family != AF_UNSPEC && family != (e[i].v6 ? AF_INET6 : AF_INET))
			continue;
		addr_msg(&m, RTM_NEWADDR, NLM_F_MULTI, h->nlmsg_seq, netlink_portid(r->ns), &e[i]);
		nl_reply_add(r, &m);
	}
	return 0;
}

/* The request's address, interface and netmask (RTM_NEWADDR/DELADDR). */
struct addr_req {
	struct netif *nif;
	struct netdev *dev;
	u32 addr, mask;
	int label;          /* from IFA_LABEL "eth0:N", else 0 */
};

static int addr_request(const struct nlmsghdr *h, struct addr_req *q)
{
	struct ifaddrmsg ifa;
	struct attrs at;
	int err = parse_attrs(h, sizeof(ifa), &at);

	if (err)
		return err;
	memcpy(&ifa, NLMSG_DATA(h), sizeof(ifa));
	if (ifa.ifa_family != AF_INET)
		return -EAFNOSUPPORT;
	if (ifa.ifa_prefixlen > 32)
		return -EINVAL;
	if (attr_u32(&at, IFA_LOCAL, &q->addr) && attr_u32(&at, IFA_ADDRESS, &q->addr))
		return -EINVAL;
	q->mask = lwip_htonl(ipconfig_netmask(ifa.ifa_prefixlen));
	q->nif = net_netif_by_ifindex((int)ifa.ifa_index);
	if (!q->nif)
		return -ENODEV;
	q->dev = ifa.ifa_index > 1 ? netdev_get((int)ifa.ifa_index - 2) : NULL;
	q->label = 0;
	if (at.tb[IFA_LABEL] && q->dev) {
		const char *s = (const char *)at.tb[IFA_LABEL], *end = s + at.len[IFA_LABEL];
		size_t dl = strlen(q->dev->name);

		if ((size_t)(end - s) > dl + 1 && !memcmp(s, q->dev->name, dl) && s[dl] == ':')
			for (s += dl + 1; s < end && *s >= '0' && *s <= '9' && q->label < 1000; s++)
				q->label = q->label * 10 + (*s - '0');
	}
	return 0;
}

/* The alias of dev holding addr: its label, or 0. */
static int alias_label_of(struct netdev *dev, u32 addr)
{
	for (int l = 1; l <= 999; l++) {
		struct netif *a = net_alias_netif(dev, l);

		if (a && nif_addr(a) == addr)
			return l;
	}
	return 0;
}

static int free_label(struct netdev *dev)
{
	for (int l = 1; l <= 999; l++)
		if (!net_alias_netif(dev, l))
			return l;
	return -ENOSPC;
}

static int new_addr(const struct nlmsghdr *h)
{
	struct addr_req q;
	int err = addr_request(h, &q), label;
	u32 gw;

	if (err)
		return err;
	if (!q.dev)
		return -EOPNOTSUPP; /* lo keeps 127.0.0.1/8 */
	label = alias_label_of(q.dev, q.addr);
	if (nif_addr(q.nif) == q.addr || label) {
		if ((h->nlmsg_flags & NLM_F_EXCL) || !(h->nlmsg_flags & NLM_F_REPLACE))
			return -EEXIST;
		if (label)
			return net_alias_set(q.dev, label, q.addr, q.mask);
	} else if (nif_addr(q.nif)) {
		label = q.label && !net_alias_netif(q.dev, q.label) ? q.label : free_label(q.dev);
		return label < 0 ? label : net_alias_set(q.dev, label, q.addr, q.mask);
	}
	gw = ip4_addr_get_u32(netif_ip4_gw(q.nif));
	if ((gw & q.mask) != (q.addr & q.mask))
		gw = 0; /* the old gateway is not reachable from the new subnet */
	return net_ipconfig_set_static(q.nif, q.addr, q.mask, gw);
}

static int del_addr(const struct nlmsghdr *h)
{
	struct addr_req q;
	int err = addr_request(h, &q), label;

	if (err)
		return err;
	if (!q.dev)
		return -EOPNOTSUPP;
	label = alias_label_of(q.dev, q.addr);
	if (label)
		return net_alias_remove(q.dev, label);
	if (!q.addr || nif_addr(q.nif) != q.addr)
		return -EADDRNOTAVAIL;
	return net_ipconfig_set_static(q.nif, 0, 0, 0);
}

/* ---- routes ---- */

/* One IPv6 route of ifindex's (net_ipconfig6_routes), as Linux's
 * rt6_fill_node: universe scope, a metric, RTA_PREF medium, the time left. */
static void route6_msg(struct nl_msg *m, u32 seq, u32 pid, int ifindex,
		       const struct net_route6 *r)
{
	struct rtmsg *rtm = nl_msg_start(m, RTM_NEWROUTE, NLM_F_MULTI, seq, pid, sizeof(*rtm));
	struct rta_cacheinfo ci = { .rta_expires = (int)(r->expires * 100) };
	u8 pref = 0; /* ICMPV6_ROUTER_PREF_MEDIUM */

	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = r->dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	nl_attr_u32(m, RTA_TABLE, RT_TABLE_MAIN);
	if (r->dst_len)
		nl_attr(m, RTA_DST, r->dst, 16);
	nl_attr_u32(m, RTA_PRIORITY, r->metric);
	if (r->has_gw)
		nl_attr(m, RTA_GATEWAY, r->gw, 16);
	nl_attr_u32(m, RTA_OIF, (u32)ifindex);
	nl_attr(m, RTA_CACHEINFO, &ci, sizeof(ci));
	nl_attr(m, RTA_PREF, &pref, 1);
	nl_msg_end(m);
}

/* The IPv6 main table: each interface's prefixes, then the default routes
 * (Linux lists by prefix, ::/0 last). */
static void dump_routes6(struct nl_reply *r, const struct nlmsghdr *h)
{
	static struct net_route6 e[MAX_ADDRS + LWIP_ND6_NUM_PREFIXES + LWIP_ND6_NUM_ROUTERS];
	static int owner[ARRAY_SIZE(e)];
	struct nl_msg m;
	int n = 0;

	for (int ifindex = 1; ifindex <= iface_count(); ifindex++) {
		struct netif *nif = ifindex == 1 ? net_iface_netif(netdev_count())
						 : net_netif_by_ifindex(ifindex);
		int k;

		if (!nif)
			continue;
		k = net_ipconfig6_routes(nif, e + n, (int)ARRAY_SIZE(e) - n);
		for (int i = 0; i < k; i++)
			owner[n + i] = ifindex;
		n += k;
	}
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			if (e[i].has_gw != (pass == 1))
				continue;
			route6_msg(&m, h->nlmsg_seq, netlink_portid(r->ns), owner[i], &e[i]);
			nl_reply_add(r, &m);
		}
}

static int dump_routes(struct nl_reply *r, const struct nlmsghdr *h)
{
	static struct route_ent e[MAX_ROUTES];
	struct nl_msg m;
	u8 family = h->nlmsg_len >= NLMSG_LENGTH(1) ? *(const u8 *)NLMSG_DATA(h) : AF_UNSPEC;
	int n;

	if (family == AF_INET6 || family == AF_UNSPEC)
		dump_routes6(r, h);
	if (family != AF_UNSPEC && family != AF_INET)
		return 0;
	n = collect_routes(e);
	for (int i = 0; i < n; i++) {
		route_msg(&m, RTM_NEWROUTE, NLM_F_MULTI, h->nlmsg_seq, netlink_portid(r->ns),
			  &e[i]);
		nl_reply_add(r, &m);
	}
	return 0;
}

/* ip route get: the route lwIP takes to RTA_DST. */
static int lookup_route(struct nl_reply *r, const struct nlmsghdr *h)
{
	struct route_ent e = { .protocol = RTPROT_UNSPEC, .scope = RT_SCOPE_UNIVERSE,
			       .dst_len = 32 };
	struct rtmsg rtm;
	struct attrs at;
	struct nl_msg m;
	struct netif *nif;
	ip4_addr_t dst;
	int err = parse_attrs(h, sizeof(rtm), &at);

	if (err)
		return err;
	if (attr_u32(&at, RTA_DST, &e.dst))
		return -EINVAL;
	ip4_addr_set_u32(&dst, e.dst);
	nif = ip4_route(&dst);
	if (!nif)
		return -ENETUNREACH;
	e.ifindex = net_ifindex(nif);
	e.src = nif_addr(nif);
	if (!ip4_addr_netcmp(&dst, netif_ip4_addr(nif), netif_ip4_netmask(nif)) &&
	    !ip4_addr_isloopback(&dst))
		e.gw = ip4_addr_get_u32(netif_ip4_gw(nif));
	route_msg(&m, RTM_NEWROUTE, 0, h->nlmsg_seq, netlink_portid(r->ns), &e);
	nl_reply_add(r, &m);
	return 0;
}

/* The interface a gateway is reached by: the one whose subnet holds it. */
static struct netif *gateway_iface(u32 gw)
{
	for (int ifindex = 2; ifindex <= iface_count(); ifindex++) {
		struct netif *nif = net_netif_by_ifindex(ifindex);

		if (nif && nif_addr(nif) && (nif_addr(nif) & nif_mask(nif)) == (gw & nif_mask(nif)))
			return nif;
	}
	return NULL;
}

static bool is_subnet_route(u32 dst, u8 dst_len)
{
	static struct route_ent e[MAX_ROUTES];
	int n = collect_routes(e);

	for (int i = 0; i < n; i++)
		if (e[i].dst_len == dst_len && e[i].dst == dst && dst_len)
			return true;
	return false;
}

static int change_route(const struct nlmsghdr *h, bool add)
{
	struct rtmsg rtm;
	struct attrs at;
	struct netif *nif = NULL, *def = netif_default;
	u32 gw = 0, oif = 0, dst = 0;
	int err = parse_attrs(h, sizeof(rtm), &at);

	if (err)
		return err;
	memcpy(&rtm, NLMSG_DATA(h), sizeof(rtm));
	if (rtm.rtm_family != AF_INET)
		return -EAFNOSUPPORT;
	if (rtm.rtm_dst_len > 32)
		return -EINVAL;
	attr_u32(&at, RTA_GATEWAY, &gw);
	attr_u32(&at, RTA_DST, &dst);
	if (rtm.rtm_dst_len) /* not the default route */
		return add && is_subnet_route(dst, rtm.rtm_dst_len) ? -EEXIST : -EOPNOTSUPP;
	if (!add)
		return net_route_default_del();
	if (def && ip4_addr_get_u32(netif_ip4_gw(def)) && (h->nlmsg_flags & NLM_F_EXCL))
		return -EEXIST;
	if (!attr_u32(&at, RTA_OIF, &oif)) {
		nif = net_netif_by_ifindex((int)oif);
		if (!nif || oif == 1)
			return -ENODEV;
	} else if (gw) {
		nif = gateway_iface(gw);
	}
	if (!nif)
		return -ENETUNREACH;
	return net_route_default_set(nif, gw);
}

/* ---- the entry ---- */

int rtnl_request(struct nl_reply *r, const struct nlmsghdr *h)
{
	bool dump = h->nlmsg_flags & NLM_F_DUMP;
	int err;

	switch (h->nlmsg_type) {
	case RTM_GETLINK:
		if (!dump)
			return get_link(r, h);
		err = dump_links(r, h);
		break;
	case RTM_GETADDR:
		err = dump_addrs(r, h);
		break;
	case RTM_GETROUTE:
		if (!dump)
			return lookup_route(r, h);
		err = dump_routes(r, h);
		break;
	case RTM_NEWLINK:
	case RTM_SETLINK:
		return set_link(h);
	case RTM_NEWADDR:
		return new_addr(h);
	case RTM_DELADDR:
		return del_addr(h);
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return change_route(h, h->nlmsg_type == RTM_NEWROUTE);
	default:
		return -EOPNOTSUPP;
	}
	if (err)
		return err;
	done_msg(r, h);
	return NL_NO_ACK;
}

/* ---- notifications ---- */

/* What listeners were last told. */
static struct {
	bool valid;
	unsigned link_flags[MAX_IFACES + 1]; /* by ifindex; 0: no such interface */
	struct addr_ent addrs[MAX_ADDRS];
	int n_addrs;
	struct route_ent routes[MAX_ROUTES];
	int n_routes;
} told;

static bool addr_same(const struct addr_ent *a, const struct addr_ent *b)
{
	if (a->ifindex != b->ifindex || a->v6 != b->v6)
		return false;
	if (a->v6) /* a change of state (DAD done) is news too */
		return !memcmp(a->addr6, b->addr6, 16) && a->prefix6 == b->prefix6 &&
		       a->flags == b->flags;
	return a->addr == b->addr && a->mask == b->mask;
}

static bool route_same(const struct route_ent *a, const struct route_ent *b)
{
	return a->ifindex == b->ifindex && a->dst == b->dst && a->dst_len == b->dst_len &&
	       a->gw == b->gw;
}

static bool addr_in(const struct addr_ent *a, const struct addr_ent *set, int n)
{
	for (int i = 0; i < n; i++)
		if (addr_same(a, &set[i]))
			return true;
	return false;
}

static bool route_in(const struct route_ent *a, const struct route_ent *set, int n)
{
	for (int i = 0; i < n; i++)
		if (route_same(a, &set[i]))
			return true;
	return false;
}

static void notify_links(void)
{
	struct nl_msg m;

	for (int i = 1; i <= iface_count() && i <= MAX_IFACES; i++) {
		struct netif *nif = net_netif_by_ifindex(i);
		unsigned now = nif ? net_iface_flags(nif) : 0;

		if (nif && now != told.link_flags[i] && told.valid &&
		    netlink_has_listeners(RTNLGRP_LINK)) {
			link_msg(&m, RTM_NEWLINK, 0, 0, 0, i, now ^ told.link_flags[i]);
			netlink_broadcast(RTNLGRP_LINK, &m);
		}
		told.link_flags[i] = now;
	}
}

static unsigned addr_group(const struct addr_ent *a)
{
	return a->v6 ? RTNLGRP_IPV6_IFADDR : RTNLGRP_IPV4_IFADDR;
}

/* An IPv6 address still there in another state: Linux says RTM_NEWADDR
 * (with the new flags) and no RTM_DELADDR. */
static bool addr_replaced(const struct addr_ent *a, const struct addr_ent *set, int n)
{
	for (int i = 0; i < n; i++)
		if (set[i].v6 && set[i].ifindex == a->ifindex &&
		    !memcmp(set[i].addr6, a->addr6, 16))
			return true;
	return false;
}

static void notify_addrs(void)
{
	static struct addr_ent now[MAX_ADDRS];
	int n = collect_addrs(now);
	bool tell = told.valid && (netlink_has_listeners(RTNLGRP_IPV4_IFADDR) ||
				   netlink_has_listeners(RTNLGRP_IPV6_IFADDR));
	struct nl_msg m;

	for (int i = 0; tell && i < told.n_addrs; i++) {
		if (addr_in(&told.addrs[i], now, n) ||
		    (told.addrs[i].v6 && addr_replaced(&told.addrs[i], now, n)))
			continue;
		addr_msg(&m, RTM_DELADDR, 0, 0, 0, &told.addrs[i]);
		netlink_broadcast(addr_group(&told.addrs[i]), &m);
	}
	for (int i = 0; tell && i < n; i++) {
		if (addr_in(&now[i], told.addrs, told.n_addrs))
			continue;
		addr_msg(&m, RTM_NEWADDR, 0, 0, 0, &now[i]);
		netlink_broadcast(addr_group(&now[i]), &m);
	}
	memcpy(told.addrs, now, sizeof(now[0]) * (size_t)n);
	told.n_addrs = n;
}

static void notify_routes(void)
{
	static struct route_ent now[MAX_ROUTES];
	int n = collect_routes(now);
	bool tell = told.valid && netlink_has_listeners(RTNLGRP_IPV4_ROUTE);
	struct nl_msg m;

	for (int i = 0; tell && i < told.n_routes; i++) {
		if (route_in(&told.routes[i], now, n))
			continue;
		route_msg(&m, RTM_DELROUTE, 0, 0, 0, &told.routes[i]);
		netlink_broadcast(RTNLGRP_IPV4_ROUTE, &m);
	}
	for (int i = 0; tell && i < n; i++) {
		if (route_in(&now[i], told.routes, told.n_routes))
			continue;
		route_msg(&m, RTM_NEWROUTE, 0, 0, 0, &now[i]);
		netlink_broadcast(RTNLGRP_IPV4_ROUTE, &m);
	}
	memcpy(told.routes, now, sizeof(now[0]) * (size_t)n);
	told.n_routes = n;
}

void rtnl_sync(void)
{
	if (!told.valid)
		return; /* nobody has listened yet: nothing to compare with */
	notify_links();
	notify_addrs();
	notify_routes();
}

void rtnl_listener_added(void)
{
	if (told.valid)
		return;
	notify_links();
	notify_addrs();
	notify_routes();
	told.valid = true;
}
