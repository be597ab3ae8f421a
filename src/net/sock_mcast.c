/*
 * Multicast on AF_INET and AF_INET6 sockets, as Linux does it
 * (net/ipv4/igmp.c ip_mc_join_group/ip_mc_leave_group, net/ipv6/mcast.c
 * ipv6_sock_mc_join/drop, and the IP_MULTICAST_* / IPV6_MULTICAST_*
 * options of ip_sockglue.c and ipv6_sockglue.c).
 *
 * A socket's memberships (struct sock_mc on sk->mc_groups) each hold one
 * reference on lwIP's per-interface group (igmp_joingroup_netif,
 * mld6_joingroup_netif: lwIP counts users and sends the IGMPv2/MLDv1
 * report for the first and the leave for the last). Datagrams to a joined
 * group go, as on Linux, to every socket bound to the port (lwIP's
 * SO_REUSE_RXTOALL), whichever socket joined. sock_free leaves what is left.
 *
 * Errnos are Linux's: a short option EINVAL; a group that is not multicast
 * EINVAL (IPv4 leave: EADDRNOTAVAIL, as Linux never checks there); no such
 * interface ENODEV (IPv4 by address or route; IPv6); joining twice
 * EADDRINUSE; leaving a group not joined EADDRNOTAVAIL; IP_ADD_MEMBERSHIP
 * on TCP EPROTO; more than 20 IPv4 groups (Linux's igmp_max_memberships)
 * ENOBUFS, more than SOCK_MC6_MAX IPv6 groups ENOMEM (Linux: optmem).
 *
 * Not done: source-specific multicast (IP_ADD_SOURCE_MEMBERSHIP,
 * IP_BLOCK_SOURCE, MCAST_JOIN_SOURCE_GROUP, IP_MSFILTER...: lwIP speaks
 * IGMPv2 and MLDv1 only), which answers ENOPROTOOPT where Linux has them;
 * IP_MULTICAST_ALL (Linux's default, all groups to every socket, is what
 * SIS does).
 */
#include "sock_inet.h"
#include "net_private.h"
#include <sis/kernel.h>
#include <sis/mm.h>
#include "lwip/igmp.h"
#include "lwip/mld6.h"
#include "lwip/netif.h"
#include "lwip/ip.h"
#include "lwip/raw.h"
#include "lwip/udp.h"

#if !LWIP_IGMP || !LWIP_IPV6_MLD || !LWIP_MULTICAST_TX_OPTIONS
#error "sock_mcast.c needs LWIP_IGMP, LWIP_IPV6_MLD and LWIP_MULTICAST_TX_OPTIONS"
#endif

#define SOCK_MC4_MAX 20  /* Linux's net.ipv4.igmp_max_memberships */
#define SOCK_MC6_MAX 256 /* Linux bounds these by net.core.optmem_max */

/* One group a socket joined on one interface. */
struct sock_mc {
	struct list_head node; /* in sk->mc_groups */
	ip_addr_t group;       /* without a zone */
	struct netif *nif;     /* where it was joined (netifs are never removed) */
	u32 ifindex;           /* SIS's index of nif */
	u32 addr4;             /* IPv4: imr_address of the join, network order (leave matches it) */
};

bool sock_mcast_opt(const struct sock *sk, int level, int name)
{
	if (sk->family != AF_INET && sk->family != AF_INET6)
		return false;
	if (level == SOL_IP)
		return name == IP_MULTICAST_IF || name == IP_MULTICAST_TTL ||
		       name == IP_MULTICAST_LOOP || name == IP_ADD_MEMBERSHIP ||
		       name == IP_DROP_MEMBERSHIP || name == MCAST_JOIN_GROUP ||
		       name == MCAST_LEAVE_GROUP;
	if (level == SOL_IPV6 && sk->family == AF_INET6)
		return name == IPV6_MULTICAST_IF || name == IPV6_MULTICAST_HOPS ||
		       name == IPV6_MULTICAST_LOOP || name == IPV6_ADD_MEMBERSHIP ||
		       name == IPV6_DROP_MEMBERSHIP || name == MCAST_JOIN_GROUP ||
		       name == MCAST_LEAVE_GROUP;
	return false;
}

/* Groups lwIP's interfaces are always in: lwIP refuses to join 224.0.0.1,
 * and ip6_input always takes ff01::1 and ff02::1 (never reported, RFC 2710). */
static bool always_joined(const ip_addr_t *g)
{
	if (IP_IS_V4(g))
		return ip4_addr_get_u32(ip_2_ip4(g)) == PP_HTONL(0xe0000001UL);
	return ip6_addr_isallnodes_iflocal(ip_2_ip6(g)) ||
	       ip6_addr_isallnodes_linklocal(ip_2_ip6(g));
}

static void mc_drop(struct sock_mc *m)
{
	if (!always_joined(&m->group)) {
		if (IP_IS_V4(&m->group))
			igmp_leavegroup_netif(m->nif, ip_2_ip4(&m->group));
		else
			mld6_leavegroup_netif(m->nif, ip_2_ip6(&m->group));
	}
	list_del(&m->node);
	kfree(m);
}

/* Record a membership and take lwIP's reference on the group. */
static int mc_add(struct sock *sk, const ip_addr_t *g, struct netif *nif, u32 ifindex,
		  u32 addr4)
{
	struct sock_mc *m = kzalloc(sizeof(*m));
	err_t e = ERR_OK;

	if (!m)
		return -ENOMEM;
	if (!always_joined(g))
		e = IP_IS_V4(g) ? igmp_joingroup_netif(nif, ip_2_ip4(g))
				: mld6_joingroup_netif(nif, ip_2_ip6(g));
	if (e != ERR_OK) {
		kfree(m);
		return e == ERR_MEM ? -ENOMEM : -ENODEV; /* ERR_VAL: no IGMP on nif */
	}
	ip_addr_copy(m->group, *g);
	m->nif = nif;
	m->ifindex = ifindex;
	m->addr4 = addr4;
	list_add_tail(&m->node, &sk->mc_groups);
	return 0;
}

void sock_mcast_release(struct sock *sk)
{
	struct sock_mc *m, *n;

	list_for_each_entry_safe(m, n, &sk->mc_groups, node)
		mc_drop(m);
}

/* ---- IPv4 ---- */

/* The interface with IPv4 address addr (network order), or NULL. */
static struct netif *iface_by_addr4(u32 addr)
{
	for (u32 i = 1; i <= (u32)netdev_count() + 1; i++) {
		struct netif *nif = sock_inet_netif_by_ifindex(i);

		if (nif && ip4_addr_get_u32(netif_ip4_addr(nif)) == addr)
			return nif;
	}
	return NULL;
}

/*
 * Linux's ip_mc_find_dev: the interface imr names, by index, else by
 * address, else the route to the group; *ifindex becomes its index.
 */
static struct netif *mc4_dev(u32 group, u32 addr, u32 *ifindex)
{
	struct netif *nif;
	ip4_addr_t g;

	if (*ifindex)
		return sock_inet_netif_by_ifindex(*ifindex);
	if (addr) {
		nif = iface_by_addr4(addr);
	} else {
		ip4_addr_set_u32(&g, group);
		nif = ip4_route(&g);
	}
	*ifindex = sock_inet_ifindex_of(nif); /* 0 for a secondary address's netif */
	return *ifindex ? nif : NULL;
}

static int mc4_join(struct sock *sk, u32 group, u32 addr, u32 ifindex)
{
	struct netif *nif;
	struct sock_mc *m;
	unsigned n = 0;
	ip_addr_t g;

	ip_addr_set_ip4_u32_val(g, group);
	if (!ip_addr_ismulticast(&g))
		return -EINVAL;
	nif = mc4_dev(group, addr, &ifindex);
	if (!nif)
		return -ENODEV;
	list_for_each_entry(m, &sk->mc_groups, node) {
		if (!IP_IS_V4(&m->group))
			continue;
		if (ip_addr_cmp(&m->group, &g) && m->ifindex == ifindex)
			return -EADDRINUSE;
		n++;
	}
	if (n >= SOCK_MC4_MAX)
		return -ENOBUFS;
	return mc_add(sk, &g, nif, ifindex, addr);
}

static int mc4_leave(struct sock *sk, u32 group, u32 addr, u32 ifindex)
{
	bool given = ifindex || addr;
	struct netif *nif = mc4_dev(group, addr, &ifindex);
	struct sock_mc *m;
	ip_addr_t g;

	if (!given && !nif)
		return -ENODEV;
	ip_addr_set_ip4_u32_val(g, group);
	list_for_each_entry(m, &sk->mc_groups, node) {
		if (!IP_IS_V4(&m->group) || !ip_addr_cmp(&m->group, &g))
			continue;
		if (ifindex ? m->ifindex != ifindex : addr && addr != m->addr4)
			continue;
		mc_drop(m);
		return 0;
	}
	return -EADDRNOTAVAIL;
}

/* ip_mreq, ip_mreqn, or (IP_MULTICAST_IF) an in_addr: the shorter forms
 * leave the rest zero, as Linux reads them. */
static void get_mreqn(const void *val, unsigned len, struct ip_mreqn *r)
{
	memset(r, 0, sizeof(*r));
	if (len >= sizeof(*r))
		memcpy(r, val, sizeof(*r));
	else if (len >= sizeof(struct ip_mreq))
		memcpy(r, val, sizeof(struct ip_mreq));
	else
		memcpy(&r->imr_address, val, sizeof(r->imr_address));
}

/* Linux reads IP-level int options as an int, or as one byte. */
static int int_or_byte(const void *val, unsigned len, int *v)
{
	if (len >= sizeof(int))
		memcpy(v, val, sizeof(int));
	else if (len >= 1)
		*v = *(const u8 *)val;
	else
		return -EINVAL;
	return 0;
}

static int set_mc_if4(struct sock *sk, const void *val, unsigned len)
{
	struct ip_mreqn r;
	struct netif *nif;

	if (sk->type == SOCK_STREAM || len < sizeof(struct in_addr))
		return -EINVAL;
	get_mreqn(val, len, &r);
	if (!r.imr_ifindex) {
		if (!r.imr_address.s_addr) {
			sk->opt.mc_ifindex = 0;
			sk->opt.mc_addr = 0;
			return 0;
		}
		nif = iface_by_addr4(r.imr_address.s_addr);
		r.imr_ifindex = (int)sock_inet_ifindex_of(nif);
	} else {
		nif = sock_inet_netif_by_ifindex((u32)r.imr_ifindex);
	}
	if (!nif)
		return -EADDRNOTAVAIL;
	sk->opt.mc_ifindex = (u32)r.imr_ifindex;
	sk->opt.mc_addr = r.imr_address.s_addr;
	return 0;
}

/* MCAST_JOIN_GROUP/MCAST_LEAVE_GROUP at SOL_IP. */
static int set_group_req4(struct sock *sk, int name, const void *val, unsigned len)
{
	struct group_req gr;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&gr.gr_group;

	if (len < sizeof(gr))
		return -EINVAL;
	memcpy(&gr, val, sizeof(gr));
	if (sin->sin_family != AF_INET)
		return -EINVAL;
	if (name == MCAST_JOIN_GROUP)
		return mc4_join(sk, sin->sin_addr.s_addr, 0, gr.gr_interface);
	return mc4_leave(sk, sin->sin_addr.s_addr, 0, gr.gr_interface);
}

static int set_ip(struct sock *sk, int name, const void *val, unsigned len)
{
	struct ip_mreqn r;
	int v, err;

	switch (name) {
	case IP_MULTICAST_IF:
		return set_mc_if4(sk, val, len);
	case IP_ADD_MEMBERSHIP:
	case IP_DROP_MEMBERSHIP:
		if (sk->type == SOCK_STREAM)
			return -EPROTO;
		if (len < sizeof(struct ip_mreq))
			return -EINVAL;
		get_mreqn(val, len, &r);
		if (name == IP_ADD_MEMBERSHIP)
			return mc4_join(sk, r.imr_multiaddr.s_addr, r.imr_address.s_addr,
					(u32)r.imr_ifindex);
		return mc4_leave(sk, r.imr_multiaddr.s_addr, r.imr_address.s_addr,
				 (u32)r.imr_ifindex);
	case MCAST_JOIN_GROUP:
	case MCAST_LEAVE_GROUP:
		return set_group_req4(sk, name, val, len);
	}
	err = int_or_byte(val, len, &v);
	if (err)
		return err;
	if (name == IP_MULTICAST_LOOP) {
		sk->opt.mc_loop = v != 0;
		return 0;
	}
	/* IP_MULTICAST_TTL */
	if (sk->type == SOCK_STREAM)
		return -EINVAL;
	if (v == -1)
		v = 1;
	if (v < 0 || v > 255)
		return -EINVAL;
	sk->opt.mc_ttl = (u8)v;
	return 0;
}

/* ---- IPv6 ---- */

static void group6_from_bytes(ip_addr_t *g, const u8 *a)
{
	IP_SET_TYPE(g, IPADDR_TYPE_V6);
	memcpy(ip_2_ip6(g)->addr, a, 16);
	ip6_addr_clear_zone(ip_2_ip6(g));
}

/* The interface for ifindex 0: Linux's route to the group (its ff00::/8
 * route) is on the first interface with IPv6, SIS's default netif. */
static struct netif *mc6_dev(u32 ifindex)
{
	if (ifindex)
		return sock_inet_netif_by_ifindex(ifindex);
	return netif_default && sock_inet_ifindex_of(netif_default) ? netif_default : NULL;
}

static int mc6_join(struct sock *sk, const u8 *addr, u32 ifindex)
{
	struct netif *nif;
	struct sock_mc *m;
	unsigned n = 0;
	ip_addr_t g;

	group6_from_bytes(&g, addr);
	if (!ip_addr_ismulticast(&g))
		return -EINVAL;
	list_for_each_entry(m, &sk->mc_groups, node) {
		if (!IP_IS_V6(&m->group))
			continue;
		if ((!ifindex || m->ifindex == ifindex) &&
		    ip6_addr_cmp_zoneless(ip_2_ip6(&m->group), ip_2_ip6(&g)))
			return -EADDRINUSE;
		n++;
	}
	if (n >= SOCK_MC6_MAX)
		return -ENOMEM;
	nif = mc6_dev(ifindex);
	if (!nif)
		return -ENODEV;
	return mc_add(sk, &g, nif, sock_inet_ifindex_of(nif), 0);
}

static int mc6_leave(struct sock *sk, const u8 *addr, u32 ifindex)
{
	struct sock_mc *m;
	ip_addr_t g;

	group6_from_bytes(&g, addr);
	if (!ip_addr_ismulticast(&g))
		return -EINVAL;
	list_for_each_entry(m, &sk->mc_groups, node) {
		if (IP_IS_V6(&m->group) && (!ifindex || m->ifindex == ifindex) &&
		    ip6_addr_cmp_zoneless(ip_2_ip6(&m->group), ip_2_ip6(&g))) {
			mc_drop(m);
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

static int set_ip6(struct sock *sk, int name, const void *val, unsigned len)
{
	struct ipv6_mreq mr;
	struct group_req gr;
	int v;

	switch (name) {
	case IPV6_ADD_MEMBERSHIP:
	case IPV6_DROP_MEMBERSHIP:
		if (len < sizeof(mr))
			return -EINVAL;
		if (sk->type == SOCK_STREAM)
			return -EPROTO;
		memcpy(&mr, val, sizeof(mr));
		if (name == IPV6_ADD_MEMBERSHIP)
			return mc6_join(sk, mr.ipv6mr_multiaddr.s6_addr, (u32)mr.ipv6mr_interface);
		return mc6_leave(sk, mr.ipv6mr_multiaddr.s6_addr, (u32)mr.ipv6mr_interface);
	case MCAST_JOIN_GROUP:
	case MCAST_LEAVE_GROUP:
		if (len < sizeof(gr))
			return -EINVAL;
		memcpy(&gr, val, sizeof(gr));
		if (gr.gr_group.ss_family != AF_INET6)
			return -EADDRNOTAVAIL;
		{
			const u8 *a = ((const struct sockaddr_in6 *)&gr.gr_group)->sin6_addr.s6_addr;

			return name == MCAST_JOIN_GROUP ? mc6_join(sk, a, gr.gr_interface)
							: mc6_leave(sk, a, gr.gr_interface);
		}
	}
	if ((name == IPV6_MULTICAST_HOPS || name == IPV6_MULTICAST_IF) && sk->type == SOCK_STREAM)
		return -ENOPROTOOPT;
	if (sock_opt_int(val, len, &v))
		return -EINVAL;
	switch (name) {
	case IPV6_MULTICAST_HOPS:
		if (v < -1 || v > 255)
			return -EINVAL;
		sk->opt.mc_hops6 = v == -1 ? 1 : (u8)v;
		return 0;
	case IPV6_MULTICAST_LOOP:
		if (v != 0 && v != 1)
			return -EINVAL;
		sk->opt.mc_loop6 = v;
		return 0;
	default: /* IPV6_MULTICAST_IF */
		if (v && !sock_inet_netif_by_ifindex((u32)v))
			return -ENODEV;
		sk->opt.mc_if6 = (u32)v;
		return 0;
	}
}

int sock_mcast_setopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	return level == SOL_IP ? set_ip(sk, name, val, len) : set_ip6(sk, name, val, len);
}

/* Linux's do_ip_getsockopt answers a short buffer with one byte. */
static int put_int_or_byte(void *val, unsigned *len, int v)
{
	if (*len > 0 && *len < sizeof(int) && v >= 0 && v <= 255) {
		*(u8 *)val = (u8)v;
		*len = 1;
		return 0;
	}
	return sock_opt_put_int(val, len, v);
}

int sock_mcast_getopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	if (level == SOL_IP) {
		switch (name) {
		case IP_MULTICAST_TTL:
			return put_int_or_byte(val, len, sk->opt.mc_ttl);
		case IP_MULTICAST_LOOP:
			return put_int_or_byte(val, len, sk->opt.mc_loop);
		case IP_MULTICAST_IF:
			*len = MIN(*len, (unsigned)sizeof(u32));
			memcpy(val, &sk->opt.mc_addr, *len);
			return 0;
		}
		return -ENOPROTOOPT;
	}
	switch (name) {
	case IPV6_MULTICAST_HOPS:
		return sock_opt_put_int(val, len, sk->opt.mc_hops6);
	case IPV6_MULTICAST_LOOP:
		return sock_opt_put_int(val, len, sk->opt.mc_loop6);
	case IPV6_MULTICAST_IF:
		return sock_opt_put_int(val, len, (int)sk->opt.mc_if6);
	}
	return -ENOPROTOOPT;
}

/* ---- sending ---- */

/*
 * The multicast interface, hop limit and loop for a datagram to dst (lwIP
 * keeps one set per PCB; Linux one per family). A zoned IPv6 destination
 * (sin6_scope_id) names its interface itself, as on Linux.
 */
static void mc_tx(const struct sock *sk, const ip_addr_t *dst, u8 *lwip_index, u8 *ttl,
		  bool *loop)
{
	bool v6 = IP_IS_V6(dst);
	struct netif *nif = NULL;

	if (v6 && !ip6_addr_has_zone(ip_2_ip6(dst)))
		nif = sock_inet_netif_by_ifindex(sk->opt.mc_if6);
	else if (!v6)
		nif = sock_inet_netif_by_ifindex(sk->opt.mc_ifindex);
	*lwip_index = nif ? netif_get_index(nif) : NETIF_NO_INDEX;
	*ttl = v6 ? sk->opt.mc_hops6 : sk->opt.mc_ttl;
	*loop = v6 ? sk->opt.mc_loop6 : sk->opt.mc_loop;
}

void sock_mcast_udp_tx(const struct sock *sk, struct udp_pcb *pcb, const ip_addr_t *dst)
{
	ip4_addr_t src;
	u8 index, ttl;
	bool loop;

	if (!ip_addr_ismulticast(dst))
		return;
	mc_tx(sk, dst, &index, &ttl, &loop);
	udp_set_multicast_netif_index(pcb, index);
	udp_set_multicast_ttl(pcb, ttl);
	ip4_addr_set_u32(&src, IP_IS_V4(dst) ? sk->opt.mc_addr : 0);
	udp_set_multicast_netif_addr(pcb, &src);
	if (loop)
		udp_set_flags(pcb, UDP_FLAGS_MULTICAST_LOOP);
	else
		udp_clear_flags(pcb, UDP_FLAGS_MULTICAST_LOOP);
}

void sock_mcast_raw_tx(const struct sock *sk, struct raw_pcb *pcb, const ip_addr_t *dst)
{
	u8 index, ttl;
	bool loop;

	if (!ip_addr_ismulticast(dst))
		return;
	mc_tx(sk, dst, &index, &ttl, &loop);
	raw_set_multicast_netif_index(pcb, index);
	raw_set_multicast_ttl(pcb, ttl);
	if (loop)
		raw_set_flags(pcb, RAW_FLAGS_MULTICAST_LOOP);
	else
		raw_clear_flags(pcb, RAW_FLAGS_MULTICAST_LOOP);
}
