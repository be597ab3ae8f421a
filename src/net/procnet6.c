/*
 * /proc/net's IPv6 files that are not socket lists (those are procnet.c's
 * tcp6/udp6), in Linux's formats:
 *
 *   /proc/net/if_inet6  one line per interface address: address (32 hex
 *                       digits), ifindex, prefix length, scope, flags, name
 *   /proc/net/snmp6     "Name<tab>value" counters from lwIP's IPv6, ICMPv6,
 *                       fragment, ND and MLD statistics; counters lwIP does
 *                       not keep per family (UDP, TCP) are left out
 *   /proc/net/ipv6_route  the IPv6 main table (net_ipconfig6_routes): dest,
 *                       prefix length, source (none), next hop, metric,
 *                       refcount, use, RTF_* flags, device
 *   /proc/net/igmp      per interface, the IPv4 groups lwIP's IGMP is in
 *                       (224.0.0.1 and those sockets joined) with their users
 *   /proc/net/igmp6     the IPv6 groups MLD is in (solicited-node and joined
 *                       ones; lwIP keeps ff02::1 implicitly, so it is not listed)
 *
 * Generated at open with net_lock held, as procnet.c's files.
 */
#include <sis/kernel.h>
#include <sis/net.h>
#include <sis/log.h>
#include <sis/netdev.h>
#include <uapi/sis/rtnetlink.h>

#include "net_private.h"
#include "sock_inet.h"
#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/igmp.h"
#include "lwip/mld6.h"


#if !IP6_STATS || !ICMP6_STATS || !IP6_FRAG_STATS || !MLD6_STATS
#error "/proc/net/snmp6 needs lwIP's IPv6 statistics (src/net/lwipopts.h)"
#endif

/* Linux's IFA_F_* flags and scope values as if_inet6 prints them. */
#define IFA_F_DADFAILED 0x08
#define IFA_F_DEPRECATED 0x20
#define IFA_F_TENTATIVE 0x40
#define IFA_F_PERMANENT 0x80
#define SCOPE_GLOBAL 0x00
#define SCOPE_HOST 0x10
#define SCOPE_LINK 0x20
#define SCOPE_SITE 0x40

/* An IPv6 address (or prefix) as 32 lowercase hex digits, Linux's %pi6 form. */
static void put_hex16(struct ktext *t, const u8 *b)
{
	for (int k = 0; k < 16; k++)
		ktext_printf(t, "%02x", b[k]);
}

static unsigned addr_scope(const ip6_addr_t *a)
{
	if (ip6_addr_isloopback(a))
		return SCOPE_HOST;
	if (ip6_addr_islinklocal(a))
		return SCOPE_LINK;
	if (ip6_addr_issitelocal(a))
		return SCOPE_SITE;
	return SCOPE_GLOBAL;
}

static unsigned addr_flags(struct netif *nif, int i)
{
	u8 state = netif_ip6_addr_state(nif, i);
	unsigned f = 0;

	if (ip6_addr_isloopback(netif_ip6_addr(nif, i)))
		return IFA_F_PERMANENT; /* lwIP keeps ::1 "valid", which reads as deprecated */
	if (ip6_addr_istentative(state))
		f |= IFA_F_TENTATIVE;
	if (ip6_addr_isduplicated(state))
		f |= IFA_F_DADFAILED | IFA_F_TENTATIVE;
	if (ip6_addr_isdeprecated(state))
		f |= IFA_F_DEPRECATED;
	if (netif_ip6_addr_isstatic(nif, i))
		f |= IFA_F_PERMANENT;
	return f;
}

static void if_inet6_netif(struct ktext *t, struct netif *nif)
{
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		const ip6_addr_t *a = netif_ip6_addr(nif, i);

		if (ip6_addr_isinvalid(netif_ip6_addr_state(nif, i)))
			continue;
		put_hex16(t, (const u8 *)a->addr);
		ktext_printf(t, " %02x %02x %02x %02x %8s\n", sock_inet_ifindex_of(nif),
		    net_ip6_prefix_len(nif, i), addr_scope(a), addr_flags(nif, i),
		    net_netif_name(nif));
	}
}

long net_if_inet6_show(char *buf, size_t size)
{
	struct ktext t = { buf, size, 0 };

	net_lock();
	for (int i = 0; i <= netdev_count(); i++) {
		struct netif *nif = net_iface_netif(i);

		if (nif)
			if_inet6_netif(&t, nif);
	}
	net_unlock();
	return (long)t.len;
}

struct snmp6_field {
	const char *name;
	u32 value;
};

long net_snmp6_show(char *buf, size_t size)
{
	struct ktext t = { buf, size, 0 };
	struct stats_ s;

	net_lock();
	s = lwip_stats;
	net_unlock();
	const struct snmp6_field f[] = {
		{ "Ip6InReceives", s.ip6.recv },
		{ "Ip6InHdrErrors", s.ip6.proterr + s.ip6.lenerr + s.ip6.opterr },
		{ "Ip6InNoRoutes", s.ip6.rterr },
		{ "Ip6InDiscards", s.ip6.drop },
		{ "Ip6OutRequests", s.ip6.xmit },
		{ "Ip6OutDiscards", s.ip6.memerr + s.ip6.err },
		{ "Ip6ReasmReqds", s.ip6_frag.recv },
		{ "Ip6ReasmOKs", s.mib2.ip6reasmoks },
		{ "Ip6ReasmFails", s.ip6_frag.drop },
		{ "Ip6FragCreates", s.ip6_frag.xmit },
		{ "Icmp6InMsgs", s.icmp6.recv },
		{ "Icmp6InErrors", s.icmp6.drop },
		{ "Icmp6OutMsgs", s.icmp6.xmit },
		{ "Icmp6OutErrors", s.icmp6.err + s.icmp6.memerr + s.icmp6.rterr },
		{ "Icmp6InCsumErrors", s.icmp6.chkerr },
		{ "Icmp6InGroupMembQueries", s.mld6.rx_general + s.mld6.rx_group },
		{ "Icmp6InGroupMembResponses", s.mld6.rx_report },
		{ "Icmp6OutGroupMembResponses", s.mld6.tx_report + s.mld6.tx_join },
		{ "Icmp6OutGroupMembReductions", s.mld6.tx_leave },
	};
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		ktext_printf(&t, "%-32s\t%u\n", f[i].name, f[i].value);
	return (long)t.len;
}

/* Linux's igmp_mc_seq_show: the group as the network-order value printed as
 * a CPU number, users, timer running, reporter. */
long net_igmp_show(char *buf, size_t size)
{
	struct ktext t = { buf, size, 0 };

	ktext_printf(&t, "Idx\tDevice    :  Count Querier\tGroup    Users Timer\tReporter\n");
	net_lock();
	for (int i = 0; i <= netdev_count(); i++) {
		struct netif *nif = net_iface_netif(i);
		struct igmp_group *g;
		int n = 0;

		if (!nif || !(nif->flags & NETIF_FLAG_IGMP))
			continue;
		for (g = netif_igmp_data(nif); g; g = g->next)
			n++;
		ktext_printf(&t, "%u\t%-10s: %5d %7s\n", sock_inet_ifindex_of(nif), net_netif_name(nif), n,
		    "V2");
		for (g = netif_igmp_data(nif); g; g = g->next)
			ktext_printf(&t, "\t\t\t\t%08X %5u %d:%08X\t\t%d\n", ip4_addr_get_u32(&g->group_address),
			    g->use, g->timer != 0, 0u, g->last_reporter_flag);
	}
	net_unlock();
	return (long)t.len;
}

/* Linux's igmp6_mc_seq_show; flags: MAF_LOADED (4), MAF_LAST_REPORTER (2),
 * MAF_TIMER_RUNNING (1). */
long net_igmp6_show(char *buf, size_t size)
{
	struct ktext t = { buf, size, 0 };

	net_lock();
	for (int i = 0; i <= netdev_count(); i++) {
		struct netif *nif = net_iface_netif(i);
		struct mld_group *g;

		for (g = nif ? netif_mld6_data(nif) : NULL; g; g = g->next) {
			ktext_printf(&t, "%-4u %-15s ", sock_inet_ifindex_of(nif), net_netif_name(nif));
			put_hex16(&t, (const u8 *)g->group_address.addr);
			ktext_printf(&t, " %5u %08X %d\n", g->use,
			    4u | (g->last_reporter_flag ? 2u : 0u) | (g->timer ? 1u : 0u), 0);
		}
	}
	net_unlock();
	return (long)t.len;
}

/* Linux's RTF_* bits as ipv6_route prints them. */
#define RTF_UP 0x0001
#define RTF_GATEWAY 0x0002
#define RTF_DEFAULT 0x00010000
#define RTF_ADDRCONF 0x00040000
#define RTF_EXPIRES 0x00400000

long net_ipv6_route_show(char *buf, size_t size)
{
	static struct net_route6 r[3 * LWIP_IPV6_NUM_ADDRESSES + LWIP_ND6_NUM_PREFIXES +
				   LWIP_ND6_NUM_ROUTERS];
	static const u8 zero[16];
	struct ktext t = { buf, size, 0 };

	net_lock();
	for (int i = 0; i <= netdev_count(); i++) {
		struct netif *nif = net_iface_netif(i);
		int n = nif ? net_ipconfig6_routes(nif, r, (int)ARRAY_SIZE(r)) : 0;

		for (int k = 0; k < n; k++) {
			u32 flags = RTF_UP | (r[k].has_gw ? RTF_GATEWAY | RTF_DEFAULT : 0) |
				    (r[k].protocol == RTPROT_RA ? RTF_ADDRCONF : 0) |
				    (r[k].expires ? RTF_EXPIRES | RTF_ADDRCONF : 0);

			put_hex16(&t, r[k].dst);
			ktext_printf(&t, " %02x ", r[k].dst_len);
			put_hex16(&t, zero);
			ktext_printf(&t, " 00 ");
			put_hex16(&t, r[k].has_gw ? r[k].gw : zero);
			ktext_printf(&t, " %08x %08x %08x %08x %8s\n", r[k].metric, 1u, 0u, flags,
			    net_netif_name(nif));
		}
	}
	net_unlock();
	return (long)t.len;
}
