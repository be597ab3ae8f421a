/*
 * IPv6 interface configuration: ip6= / ip6.ethN= (parsed by
 * ipconfig_parse.c), the link-local address, SLAAC, a static address and
 * default router, DNS servers from router advertisements (RDNSS, RFC 8106)
 * and the log lines for all of them.
 *
 * By default (ip6=auto) every NIC gets an EUI-64 link-local address with
 * duplicate address detection (one probe, RFC 4862 5.4), solicits routers
 * and forms SLAAC addresses from the prefixes their advertisements carry
 * (lwIP's nd6.c, LWIP_IPV6_AUTOCONFIG); the advertising routers are the
 * default routes; an advertisement with the "other configuration" flag
 * starts stateless DHCPv6 (RFC 8415 Information-request) for DNS servers,
 * which join those from RDNSS options. ip6=ADDR/PLEN[,GW] adds a static address (DAD too) and
 * uses GW as the default router instead of SLAAC; ip6=off leaves IPv6 off
 * on the interface (no link-local address, nothing sent).
 *
 * lwIP gives a static address an implied /64 on-link prefix whatever PLEN
 * says (ip6.c ip6_route); PLEN is kept for display.
 *
 * DAD and the first router solicitation start as soon as an address is
 * tentative or the link comes up (lwip-nd6-start-now.patch), and the nd6
 * timer, whose next tick completes DAD, is restarted then: with a router
 * answering at once (QEMU's slirp, dnsmasq) the link-local and the SLAAC
 * addresses are usable one second after link-up. The boot does not wait for
 * that (nor does Linux): NET: CONFIGURED and user space come at once, and
 * the address lines follow when DAD is done. Until then an address is
 * tentative: listed (netlink, /proc/net/if_inet6) with that flag, not used
 * as a source.
 *
 * Each address is logged when it becomes usable (DAD passed), when DAD
 * finds it in use, and when it expires.
 */
#include <sis/kernel.h>
#include <sis/net.h>
#include <sis/netdev.h>
#include <sis/cmdline.h>
#include <sis/log.h>
#include <sis/timer.h>

#include <uapi/sis/rtnetlink.h>

#include "lwip/netif.h"
#include "lwip/nd6.h"
#include "lwip/dhcp6.h"
#include "lwip/ip6_addr.h"
#include "lwip/timeouts.h"
#include "ipconfig.h"
#include "lwip_shim.h"
#include "net_private.h"

static struct ipconfig6 configs6[NETDEV_MAX]; /* zero = auto, the default */
static ip6_addr_t static_gw[NETDEV_MAX];       /* ip6= GATEWAY, zoned */
static bool router_logged[NETDEV_MAX];
/* DNS servers from RDNSS options or stateless DHCPv6, per interface, in
 * the order they came (the later source overwrites slot by slot). */
static ip6_addr_t rdnss[NETDEV_MAX][DNS_MAX_SERVERS];

static bool start_queued[NETDEV_MAX]; /* start_event is a pending lwIP timeout */
static u64 nd6_restarted_ns;
static u64 link_up_ns[NETDEV_MAX]; /* for the "N ms after link-up" of SLAAC lines */

/* ---- command line ---- */

static int opt_ip6(const char *value)
{
	return ipconfig_parse6(value, &configs6[0]);
}
CMDLINE_OPTION("ip6", opt_ip6);

static int opt_ip6_dev(const char *value)
{
	int idx = ipconfig_parse_ifname(cmdline_current_key() + 4); /* past "ip6." */

	if (idx < 0 || idx >= NETDEV_MAX)
		return -EINVAL;
	return ipconfig_parse6(value, &configs6[idx]);
}
CMDLINE_OPTION("ip6.", opt_ip6_dev);

/* ---- helpers ---- */

/* The Ethernet device whose primary netif is nif, or NULL (lo, an alias). */
static struct netdev *primary_dev(const struct netif *nif)
{
	for (int i = 0; i < netdev_count(); i++)
		if (netdev_get(i)->stack == nif)
			return netdev_get(i);
	return NULL;
}

/* RFC 5952 text of a (buf >= IPCONFIG_ADDR6_STRLEN). */
static char *net_fmt_ip6(const ip6_addr_t *a, char *buf)
{
	u8 bytes[16];

	memcpy(bytes, a->addr, 16);
	return ipconfig_format_addr6(bytes, buf);
}

static void to_ip6(const u8 bytes[16], ip6_addr_t *a, struct netif *nif)
{
	memcpy(a->addr, bytes, 16);
	ip6_addr_clear_zone(a);
	ip6_addr_assign_zone(a, IP6_UNICAST, nif);
}

/* " (eth1)" for every interface but eth0, as ipconfig.c's lines. */
static const char *tag(const struct netdev *dev, char buf[16])
{
	if (dev->index == 0)
		return "";
	ksnprintf(buf, 16, " (%s)", dev->name);
	return buf;
}

unsigned net_ip6_prefix_len(struct netif *nif, int idx)
{
	struct netdev *dev = primary_dev(nif);

	if (idx > 0 && netif_ip6_addr_isstatic(nif, idx) && dev &&
	    configs6[dev->index].mode == IPCONFIG6_STATIC)
		return configs6[dev->index].prefix;
	return ip6_addr_isloopback(netif_ip6_addr(nif, idx)) ? 128 : 64;
}

static const char *origin(struct netif *nif, int idx)
{
	if (ip6_addr_islinklocal(netif_ip6_addr(nif, idx)))
		return "link-local";
	return netif_ip6_addr_isstatic(nif, idx) ? "static" : "SLAAC";
}

/* The routers nd6 learned from advertisements on nif, logged once. */
static void log_router(struct netdev *dev, struct netif *nif)
{
	char a[IPCONFIG_ADDR6_STRLEN], t[16];

	if (router_logged[dev->index])
		return;
	for (int i = 0; i < LWIP_ND6_NUM_ROUTERS; i++) {
		const ip6_addr_t *hop = lwip_shim_nd6_router(i, nif);

		if (hop) {
			router_logged[dev->index] = true;
			log_info("net: IPv6 default router %s%s", net_fmt_ip6(hop, a), tag(dev, t));
		}
	}
}

/*
 * Restart lwIP's cyclic nd6 timer so that its next tick, which counts DAD
 * as done, comes a full interval after the probes just sent. At most once
 * an interval: a flood of advertisements cannot hold the timer off.
 */
static void restart_nd6_timer(void)
{
	u64 now = time_ns();

	if (nd6_restarted_ns && now - nd6_restarted_ns < (u64)ND6_TMR_INTERVAL * NSEC_PER_MSEC)
		return;
	nd6_restarted_ns = now;
	lwip_shim_nd6_timer_restart();
}

static void start_event(void *arg)
{
	struct netdev *dev = arg;

	start_queued[dev->index] = false;
	if (dev->stack && nd6_sis_start_now(dev->stack))
		restart_nd6_timer();
}

/* IPv6 is not off (ip6=off) for dev. */
static bool net_ipconfig6_enabled(const struct netdev *dev)
{
	return configs6[dev->index].mode != IPCONFIG6_OFF;
}

/* Run start_event for dev once lwIP is done with the current event. */
static void queue_start(struct netdev *dev)
{
	if (start_queued[dev->index] || !net_ipconfig6_enabled(dev))
		return;
	start_queued[dev->index] = true;
	sys_timeout(0, start_event, dev);
}

/* LWIP_NETIF_EXT_STATUS_CALLBACK: an address's DAD/lifetime state changed. */
static void addr_state_changed(struct netif *nif, netif_nsc_reason_t reason,
			       const netif_ext_callback_args_t *args)
{
	struct netdev *dev = primary_dev(nif);
	char a[IPCONFIG_ADDR6_STRLEN], t[16];
	s8_t idx;
	u8 old, now;

	if (!dev)
		return;
	if (reason & (LWIP_NSC_LINK_CHANGED | LWIP_NSC_STATUS_CHANGED)) {
		if (netif_is_up(nif) && netif_is_link_up(nif))
			link_up_ns[dev->index] = time_ns();
		queue_start(dev);
	}
	if (!(reason & LWIP_NSC_IPV6_ADDR_STATE_CHANGED))
		return;
	idx = args->ipv6_addr_state_changed.addr_index;
	old = args->ipv6_addr_state_changed.old_state;
	now = netif_ip6_addr_state(nif, idx);
	net_fmt_ip6(netif_ip6_addr(nif, idx), a);
	if (ip6_addr_istentative(now) && (now & IP6_ADDR_TENTATIVE_COUNT_MASK) == 0)
		queue_start(dev);
	if (ip6_addr_isvalid(now) && !ip6_addr_isvalid(old)) {
		log_info("net: IPv6 address %s/%u (%s, %u ms after link-up)%s", a,
			 net_ip6_prefix_len(nif, idx), origin(nif, idx),
			 (unsigned)((time_ns() - link_up_ns[dev->index]) / NSEC_PER_MSEC), tag(dev, t));
		if (!ip6_addr_islinklocal(netif_ip6_addr(nif, idx)))
			log_router(dev, nif);
	} else if (ip6_addr_isduplicated(now)) {
		log_warn("net: IPv6 address %s is in use on the link (DAD); not used%s", a,
			 tag(dev, t));
	} else if (ip6_addr_isinvalid(now) && ip6_addr_isvalid(old)) {
		log_info("net: IPv6 address %s removed%s", a, tag(dev, t));
	}
}
NETIF_DECLARE_EXT_CALLBACK(ext_callback)

/* ---- configuration ---- */

static void add_static(struct netdev *dev, const struct ipconfig6 *cfg)
{
	struct netif *nif = dev->stack;
	ip6_addr_t addr;
	s8_t idx;

	to_ip6(cfg->addr, &addr, nif);
	if (netif_add_ip6_address(nif, &addr, &idx) != ERR_OK) {
		log_warn("net: %s: no room for the ip6= address", dev->name);
		return;
	}
	netif_ip6_addr_set_valid_life(nif, idx, IP6_ADDR_LIFE_STATIC);
	if (cfg->has_gateway)
		to_ip6(cfg->gateway, &static_gw[dev->index], nif);
}

void net_ipconfig6_netif_added(struct netdev *dev)
{
	static bool callback_added;
	const struct ipconfig6 *cfg = &configs6[dev->index];
	struct netif *nif = dev->stack;
	char t[16];

	if (!callback_added) {
		netif_add_ext_callback(&ext_callback, addr_state_changed);
		callback_added = true;
	}
	if (cfg->mode == IPCONFIG6_OFF) {
		log_info("net: IPv6 off (ip6=off)%s", tag(dev, t));
		return;
	}
	nif->flags |= NETIF_FLAG_MLD6;
	netif_create_ip6_linklocal_address(nif, 1);
	netif_set_ip6_autoconfig_enabled(nif, cfg->mode == IPCONFIG6_AUTO);
	if (cfg->mode == IPCONFIG6_AUTO && dhcp6_enable_stateless(nif) != ERR_OK)
		log_warn("net: %s: no stateless DHCPv6 (no memory)", dev->name);
	if (cfg->mode == IPCONFIG6_STATIC)
		add_static(dev, cfg);
}

/* ---- routes (rtnetlink) ---- */

#define ROUTE6_METRIC_PREFIX 256
#define ROUTE6_METRIC_ROUTER 1024

/* Add dst/len unless it is there already. */
static void add_route6(struct net_route6 *r, int *n, int max, const u8 *dst, unsigned len,
		       u8 protocol, u32 expires)
{
	struct net_route6 e = { .dst_len = (u8)len, .protocol = protocol,
				.metric = ROUTE6_METRIC_PREFIX, .expires = expires };

	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = len > i * 8 ? MIN(len - i * 8, 8u) : 0;

		e.dst[i] = (u8)(dst[i] & (0xff00 >> bits));
	}
	for (int i = 0; i < *n; i++)
		if (!r[i].has_gw && r[i].dst_len == e.dst_len && !memcmp(r[i].dst, e.dst, 16))
			return;
	if (*n < max)
		r[(*n)++] = e;
}

static void add_router6(struct net_route6 *r, int *n, int max, const ip6_addr_t *gw,
			u8 protocol, u32 expires)
{
	struct net_route6 e = { .has_gw = true, .protocol = protocol,
				.metric = ROUTE6_METRIC_ROUTER, .expires = expires };

	memcpy(e.gw, gw->addr, 16);
	if (*n < max)
		r[(*n)++] = e;
}

int net_ipconfig6_routes(struct netif *nif, struct net_route6 *r, int max)
{
	struct netdev *dev = primary_dev(nif);
	int n = 0;

	for (int i = 0; i < LWIP_ND6_NUM_PREFIXES; i++) {
		u32 left;
		const ip6_addr_t *p = lwip_shim_nd6_prefix(i, nif, &left);

		if (p)
			add_route6(r, &n, max, (const u8 *)p->addr, 64, RTPROT_KERNEL, left);
	}
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		const ip6_addr_t *a = netif_ip6_addr(nif, i);

		if (!ip6_addr_isvalid(netif_ip6_addr_state(nif, i)))
			continue;
		add_route6(r, &n, max, (const u8 *)a->addr, net_ip6_prefix_len(nif, i),
			   RTPROT_KERNEL, 0);
	}
	if (dev && configs6[dev->index].mode == IPCONFIG6_STATIC && configs6[dev->index].has_gateway) {
		add_router6(r, &n, max, &static_gw[dev->index], RTPROT_BOOT, 0);
		return n;
	}
	for (int i = 0; i < LWIP_ND6_NUM_ROUTERS; i++) {
		const ip6_addr_t *hop = lwip_shim_nd6_router(i, nif);
		u32 left = lwip_shim_nd6_router_lifetime(i);

		if (hop && left)
			add_router6(r, &n, max, hop, RTPROT_RA, left);
	}
	return n;
}

/* LWIP_HOOK_ND6_GET_GW: the ip6= gateway of nif, or NULL (use RA routers). */
const ip6_addr_t *net_ipconfig6_gateway(struct netif *nif, const ip6_addr_t *dest)
{
	struct netdev *dev = primary_dev(nif);

	(void)dest;
	if (!dev || configs6[dev->index].mode != IPCONFIG6_STATIC ||
	    !configs6[dev->index].has_gateway)
		return NULL;
	return &static_gw[dev->index];
}

/* An RDNSS or DHCPv6 server (from ipconfig.c's dns_setserver wrap): kept per
 * interface, apart from lwIP's IPv4 list. lwIP locked. */
void net_ipconfig6_rdnss(struct netif *in, u8 index, const ip6_addr_t *server)
{
	struct netdev *dev = in ? primary_dev(in) : NULL;
	char a[IPCONFIG_ADDR6_STRLEN], t[16];

	if (!dev || index >= DNS_MAX_SERVERS || ip6_addr_cmp(&rdnss[dev->index][index], server))
		return;
	ip6_addr_copy(rdnss[dev->index][index], *server);
	log_info("net: IPv6 DNS server %s%s", net_fmt_ip6(server, a), tag(dev, t));
	net_resolv_changed();
}

int net_dns6_servers(u8 (*out)[16], int max)
{
	int n = 0;

	if (!net_ready())
		return 0;
	net_lock();
	for (int i = 0; i < netdev_count(); i++)
		for (int j = 0; j < DNS_MAX_SERVERS && n < max; j++)
			if (!ip6_addr_isany(&rdnss[i][j]))
				memcpy(out[n++], rdnss[i][j].addr, 16);
	net_unlock();
	return n;
}
