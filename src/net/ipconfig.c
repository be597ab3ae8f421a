/*
 * Boot-time interface configuration: ip= / ip.ethN= / dhcp.timeout= (parsed
 * by ipconfig_parse.c), DHCP with a bounded wait and a static fallback,
 * the default route and the DNS servers (published by resolv.c).
 *
 * The boot thread (INIT_NET, the scheduler's "boot" task) starts DHCP on every
 * interface configured for it and sleeps until each has a lease or
 * dhcp.timeout passes. Leases are reported as they arrive. eth0 without a
 * lease falls back to 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3 (QEMU user
 * networking's defaults) with a [WARN]; other interfaces keep trying in the
 * background. lwIP's DHCP keeps running afterwards, so leases are renewed
 * (its timers run in the network softirq); later address changes are logged.
 *
 * The fallback is only a fallback: DHCP goes on discovering on eth0 with
 * lwIP's back-off (DISCOVER after 1, 2, 4, 8, 16, 32 s, then every 60 s, one
 * transaction id, so a slow server's OFFER for the first DISCOVER is still
 * taken; a stock dnsmasq pings before offering and answers after ~3.04 s).
 * When a lease binds it replaces the fallback's address, gateway and DNS
 * servers (default route, /etc/resolv.conf) and says so. Sockets on the
 * replaced address are left alone, as on Linux (tools/patches/
 * lwip-addr-change.patch): a TCP connection from it stays, sends nothing more
 * (netif.c drops frames from a source the interface no longer has) and ends
 * with ETIMEDOUT when its retransmissions run out, or resumes if the address
 * comes back; a listener or UDP socket bound to it stays bound and receives
 * nothing; sends and connects from it fail with ENETUNREACH and a new bind
 * to it with EADDRNOTAVAIL, as on Linux (sock_inet_src_check).
 *
 * Log lines for eth0 are exactly the reference design's; lines about other
 * interfaces carry the interface name in parentheses at the end.
 */
#include <sis/kernel.h>
#include <sis/net.h>
#include <sis/netdev.h>
#include <sis/cmdline.h>
#include <sis/timer.h>
#include <sis/init.h>
#include <sis/log.h>
#include <sis/arch.h>

#include "lwip/netif.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/def.h"
#include "lwip/ip.h"
#include "lwip/timeouts.h"
#include "ipconfig.h"
#include "net_private.h"

#define FALLBACK_ADDR 0x0a00020fu /* 10.0.2.15 */
#define FALLBACK_GW 0x0a000202u   /* 10.0.2.2 */
#define FALLBACK_DNS 0x0a000203u  /* 10.0.2.3 */
#define FALLBACK_PREFIX 24

static struct ipconfig configs[NETDEV_MAX]; /* zero = DHCP, the default */
static u32 dhcp_timeout_ms = DHCP_TIMEOUT_DEFAULT_MS;
static bool boot_done;             /* boot configuration finished */
static volatile bool config_event; /* an address/link changed (wakes the boot wait) */
static bool applying;              /* our own change in progress: logged by us */
/* eth0 runs on the static fallback while its DHCP goes on discovering; a
 * lease that binds clears it (net_ipconfig_status_changed). */
static bool fallback_active[NETDEV_MAX];
static u32 logged_addr[NETDEV_MAX]; /* last address reported per interface */
/* DNS servers per interface (network order, 0 = none): lwIP keeps one global
 * list that every DHCP ACK overwrites, so each lease's servers are copied
 * here when it binds. */
static u32 iface_dns[NETDEV_MAX][DNS_MAX_SERVERS];

/* ---- command line ---- */

static int opt_ip(const char *value)
{
	return ipconfig_parse(value, &configs[0]);
}
CMDLINE_OPTION("ip", opt_ip);

static int opt_ip_dev(const char *value)
{
	int idx = ipconfig_parse_ifname(cmdline_current_key() + 3); /* past "ip." */

	if (idx < 0 || idx >= NETDEV_MAX)
		return -EINVAL;
	return ipconfig_parse(value, &configs[idx]);
}
CMDLINE_OPTION("ip.", opt_ip_dev);

static int opt_dhcp_timeout(const char *value)
{
	return ipconfig_parse_timeout(value, &dhcp_timeout_ms);
}
CMDLINE_OPTION("dhcp.timeout", opt_dhcp_timeout);

/* ---- formatting ---- */

/* " (eth1)" for every interface but eth0, whose lines match the reference. */
static const char *tag(const struct netdev *dev, char buf[16])
{
	if (dev->index == 0)
		return "";
	ksnprintf(buf, 16, " (%s)", dev->name);
	return buf;
}

static char *fmt_ip4(const ip4_addr_t *a, char buf[16])
{
	return ipconfig_format_addr(lwip_ntohl(ip4_addr_get_u32(a)), buf);
}

static unsigned prefix_len(const ip4_addr_t *mask)
{
	return (unsigned)__builtin_popcount(ip4_addr_get_u32(mask));
}

static void set_ip4(ip4_addr_t *a, u32 host_order)
{
	ip4_addr_set_u32(a, lwip_htonl(host_order));
}

/* "[10.0.2.3, 10.0.2.4]": the servers learned on dev. */
static void fmt_dns_list(const struct netdev *dev, char *buf, size_t size)
{
	size_t len = (size_t)ksnprintf(buf, size, "[");

	for (int i = 0; i < DNS_MAX_SERVERS && len < size; i++) {
		u32 s = iface_dns[dev->index][i];
		char a[16];

		if (s)
			len += (size_t)ksnprintf(buf + len, size - len, "%s%s", len > 1 ? ", " : "",
						 ipconfig_format_addr(lwip_ntohl(s), a));
	}
	if (len < size)
		ksnprintf(buf + len, size - len, "]");
}

/* Copy lwIP's DNS list (just set by a DHCP ACK) as dev's. lwIP locked. */
static void snapshot_dns(const struct netdev *dev)
{
	for (u8 i = 0; i < DNS_MAX_SERVERS; i++)
		iface_dns[dev->index][i] = ip4_addr_get_u32(ip_2_ip4(dns_getserver(i)));
}

/* lwIP's DNS list as we last set or saw it (see lease_dns_event). */
static u32 lwip_dns_seen[DNS_MAX_SERVERS];
static bool writing_lwip_dns; /* sync_lwip_dns is writing lwIP's list */
static bool lease_dns_queued; /* lease_dns_event is a pending lwIP timeout */
static u32 lease_dns_devs;    /* bit per netdev index: an ACK came in on it */

/* lwIP's own DNS list follows the interface carrying the default route.
 * On the fallback it stays empty: an ACK without a DNS option leaves lwIP's
 * list alone, and the lease must not inherit the fallback's 10.0.2.3. */
static void sync_lwip_dns(const struct netdev *dev)
{
	writing_lwip_dns = true;
	for (u8 i = 0; i < DNS_MAX_SERVERS; i++) {
		ip_addr_t a;
		ip4_addr_set_u32(ip_2_ip4(&a),
				 fallback_active[dev->index] ? 0 : iface_dns[dev->index][i]);
		dns_setserver(i, &a);
		lwip_dns_seen[i] = ip4_addr_get_u32(ip_2_ip4(&a));
	}
	writing_lwip_dns = false;
}

static void update_default_route(void);

/*
 * A DHCP ACK that came in on dev (a renewal keeps the address, so no status
 * callback) put new servers in lwIP's list. They are dev's; lwIP's list goes
 * back to the default route's, and /etc/resolv.conf is rewritten if what it
 * would say changed (resolv.c). lwIP locked.
 */
static void lease_dns_changed(struct netdev *dev)
{
	struct netif *nif = dev->stack;
	bool changed = false;

	for (u8 i = 0; i < DNS_MAX_SERVERS; i++)
		changed |= ip4_addr_get_u32(ip_2_ip4(dns_getserver(i))) != lwip_dns_seen[i];
	if (!changed)
		return;
	if (nif && dhcp_supplied_address(nif))
		snapshot_dns(dev);
	update_default_route();
	for (u8 i = 0; i < DNS_MAX_SERVERS; i++)
		lwip_dns_seen[i] = ip4_addr_get_u32(ip_2_ip4(dns_getserver(i)));
	net_resolv_changed();
}

/* The queued event: runs as a zero-delay lwIP timeout, once lwIP has
 * finished handling the ACK (its state is BOUND/RENEWING by then). */
static void lease_dns_event(void *arg)
{
	u32 devs = lease_dns_devs;

	(void)arg;
	lease_dns_queued = false;
	lease_dns_devs = 0;
	for (int i = 0; i < netdev_count(); i++)
		if (devs & (1u << i))
			lease_dns_changed(netdev_get(i));
}

void __real_dns_setserver(u8_t numdns, const ip_addr_t *dnsserver);

/*
 * The DHCP step's event. lwIP's DHCP client hands every ACK's servers to
 * dns_setserver(), which the link wraps (-Wl,--wrap=dns_setserver, see
 * src/meson.build): a server that changes during an input packet's
 * handling queues lease_dns_event for the interface it came in on,
 * instead of the core looking at the list after every poll.
 */
void __wrap_dns_setserver(u8_t numdns, const ip_addr_t *dnsserver);
void __wrap_dns_setserver(u8_t numdns, const ip_addr_t *dnsserver)
{
	struct netif *in = ip_current_input_netif();
	bool same;

	if (dnsserver && IP_IS_V6(dnsserver)) { /* RDNSS: IPv6 servers are kept apart */
		net_ipconfig6_rdnss(in, numdns, ip_2_ip6(dnsserver));
		return;
	}
	same = dnsserver && ip_addr_cmp(dns_getserver(numdns), dnsserver);

	__real_dns_setserver(numdns, dnsserver);
	if (writing_lwip_dns || same || !in || !in->state)
		return;
	lease_dns_devs |= 1u << ((struct netdev *)in->state)->index;
	if (!lease_dns_queued) {
		lease_dns_queued = true;
		sys_timeout(0, lease_dns_event, NULL);
	}
}

/* "net: IP address set to A/P" and the gateway line (lwIP locked). */
static void log_applied(struct netdev *dev)
{
	struct netif *nif = dev->stack;
	char a[16], t[16];

	log_info("net: IP address set to %s/%u%s", fmt_ip4(netif_ip4_addr(nif), a),
		 prefix_len(netif_ip4_netmask(nif)), tag(dev, t));
	if (!ip4_addr_isany_val(*netif_ip4_gw(nif)))
		log_info("net: Default gateway set to %s%s", fmt_ip4(netif_ip4_gw(nif), a),
			 tag(dev, t));
	logged_addr[dev->index] = ip4_addr_get_u32(netif_ip4_addr(nif));
}

/* ---- routes and DNS ---- */

/* The default route goes through the lowest-numbered interface that is up
 * and has a gateway (eth0 when none has). lwIP locked. */
static void update_default_route(void)
{
	for (int i = 0; i < netdev_count(); i++) {
		struct netif *nif = netdev_get(i)->stack;

		if (nif && netif_is_up(nif) && netif_is_link_up(nif) &&
		    !ip4_addr_isany_val(*netif_ip4_gw(nif))) {
			if (netif_default != nif)
				netif_set_default(nif);
			sync_lwip_dns(netdev_get(i));
			return;
		}
	}
}

static bool contains(const u32 *list, int n, u32 v)
{
	for (int i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

/* The default-route interface's servers first, then the others' (no dups). */
int net_dns_servers(u32 *out, int max)
{
	int n = 0, first = 0;

	if (!net_ready())
		return 0;
	net_lock();
	for (int i = 0; i < netdev_count(); i++)
		if (netdev_get(i)->stack == netif_default)
			first = i;
	for (int k = 0; k < netdev_count(); k++) {
		int i = k == 0 ? first : (k <= first ? k - 1 : k);

		for (int j = 0; j < DNS_MAX_SERVERS && n < max; j++) {
			u32 s = iface_dns[i][j];
			if (s && !contains(out, n, s))
				out[n++] = s;
		}
	}
	net_unlock();
	return n;
}

/* ---- static configuration ---- */

static void report_lease(struct netdev *dev);

/* lwIP locked. */
static void apply_static_locked(struct netdev *dev, const struct ipconfig *cfg)
{
	ip4_addr_t addr, mask, gw;

	set_ip4(&addr, cfg->addr);
	set_ip4(&mask, ipconfig_netmask(cfg->prefix));
	set_ip4(&gw, cfg->gateway);
	netif_set_addr(dev->stack, &addr, &mask, &gw);
	memset(iface_dns[dev->index], 0, sizeof(iface_dns[dev->index]));
	iface_dns[dev->index][0] = lwip_htonl(cfg->dns);
	log_applied(dev);
	update_default_route();
}

static void apply_static(struct netdev *dev, const struct ipconfig *cfg)
{
	net_lock();
	apply_static_locked(dev, cfg);
	net_unlock();
}

/* eth0 got no lease yet: use QEMU user networking's addresses until one
 * arrives. DHCP is left running (its DISCOVERs go out from 0.0.0.0 whatever
 * the interface's address, and lwIP takes DHCP replies addressed to the
 * offered address), so a late lease still binds. */
static void apply_fallback(struct netdev *dev)
{
	static const struct ipconfig fallback = { IPCONFIG_STATIC, FALLBACK_ADDR,
						  FALLBACK_PREFIX, FALLBACK_GW, FALLBACK_DNS };

	log_warn("dhcp: no lease within %u ms; using static fallback 10.0.2.15/24 gw 10.0.2.2 "
		 "dns 10.0.2.3", dhcp_timeout_ms);
	net_lock();
	if (dhcp_supplied_address(dev->stack)) {
		/* The lease arrived between the deadline and now. */
		net_unlock();
		report_lease(dev);
		return;
	}
	fallback_active[dev->index] = true;
	apply_static_locked(dev, &fallback);
	net_unlock();
	log_info("dhcp: still discovering in the background");
}

/* A lease bound while eth0 ran on the fallback: the lease's address, routes
 * and DNS servers replace the fallback's. lwIP locked. */
static void lease_replaces_fallback(struct netdev *dev)
{
	struct netif *nif = dev->stack;
	char a[16], g[16], dns[64];

	fallback_active[dev->index] = false;
	snapshot_dns(dev);
	fmt_dns_list(dev, dns, sizeof(dns));
	log_info("dhcp: lease %s/%u gw %s dns %s replaces the static fallback on %s",
		 fmt_ip4(netif_ip4_addr(nif), a), prefix_len(netif_ip4_netmask(nif)),
		 ip4_addr_isany_val(*netif_ip4_gw(nif)) ? "none" : fmt_ip4(netif_ip4_gw(nif), g),
		 dns, dev->name);
	logged_addr[dev->index] = ip4_addr_get_u32(netif_ip4_addr(nif));
	update_default_route();
	net_resolv_changed();
}

/* ---- DHCP ---- */

static int start_dhcp(struct netdev *dev)
{
	char t[16];
	err_t err;

	log_info("dhcp: Starting DHCP discovery...%s", tag(dev, t));
	net_lock();
	err = dhcp_start(dev->stack);
	net_unlock();
	if (err != ERR_OK) {
		log_err("dhcp: %s: cannot start DHCP (%d)", dev->name, net_err_to_errno(err));
		return net_err_to_errno(err);
	}
	return 0;
}

static bool has_lease(struct netdev *dev)
{
	bool bound;

	net_lock();
	bound = dhcp_supplied_address(dev->stack);
	net_unlock();
	return bound;
}

/* The reference design's lease report, then the applied address. */
static void report_lease(struct netdev *dev)
{
	struct netif *nif = dev->stack;
	char a[16], t[16], dns[64];

	net_lock();
	log_info("dhcp: Lease acquired!%s", tag(dev, t));
	log_info("dhcp: IP address: %s/%u%s", fmt_ip4(netif_ip4_addr(nif), a),
		 prefix_len(netif_ip4_netmask(nif)), tag(dev, t));
	if (ip4_addr_isany_val(*netif_ip4_gw(nif)))
		log_info("dhcp: Gateway: none%s", tag(dev, t));
	else
		log_info("dhcp: Gateway: %s%s", fmt_ip4(netif_ip4_gw(nif), a), tag(dev, t));
	fmt_dns_list(dev, dns, sizeof(dns));
	log_info("dhcp: DNS servers: %s%s", dns, tag(dev, t));
	log_applied(dev);
	update_default_route();
	net_unlock();
	log_info("NET: DHCP LEASE ACQUIRED%s", tag(dev, t));
}

/* Report each lease as it arrives; give up at the deadline. */
static void wait_for_leases(bool *waiting, u64 deadline_ns)
{
	for (;;) {
		int left = 0;

		for (int i = 0; i < netdev_count(); i++) {
			if (waiting[i] && has_lease(netdev_get(i))) {
				waiting[i] = false;
				report_lease(netdev_get(i));
			}
			left += waiting[i];
		}
		if (!left || time_ns() >= deadline_ns)
			return;
		net_wait_until(&config_event, deadline_ns);
		config_event = false;
	}
}

static void run_dhcp(void)
{
	bool waiting[NETDEV_MAX] = { false };
	u64 deadline;

	log_info("NET: STARTING DHCP");
	for (int i = 0; i < netdev_count(); i++)
		if (configs[i].mode == IPCONFIG_DHCP)
			waiting[i] = start_dhcp(netdev_get(i)) == 0;
	deadline = time_ns() + (u64)dhcp_timeout_ms * NSEC_PER_MSEC;
	wait_for_leases(waiting, deadline);
	for (int i = 0; i < netdev_count(); i++) {
		char t[16];

		if (!waiting[i])
			continue;
		if (i == 0)
			apply_fallback(netdev_get(i));
		else
			log_warn("dhcp: no lease within %u ms; still trying in the background%s",
				 dhcp_timeout_ms, tag(netdev_get(i), t));
	}
}

int net_ipconfig_boot(void)
{
	bool any_dhcp = false;

	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);

		if (!dev->stack)
			continue;
		if (configs[i].mode == IPCONFIG_STATIC)
			apply_static(dev, &configs[i]);
		else if (configs[i].mode == IPCONFIG_OFF)
			log_info("net: %s left unconfigured (ip=off)", dev->name);
		else
			any_dhcp = true;
	}
	if (any_dhcp)
		run_dhcp();
	net_lock();
	update_default_route();
	net_unlock();
	boot_done = true;
	log_info("NET: CONFIGURED");
	return 0;
}

int net_ipconfig_set_static(struct netif *nif, u32 addr, u32 mask, u32 gw)
{
	ip4_addr_t a, m, g;

	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);

		if (dev->stack != nif)
			continue;
		ip4_addr_set_u32(&a, addr);
		ip4_addr_set_u32(&m, mask);
		ip4_addr_set_u32(&g, gw);
		applying = true;
		fallback_active[i] = false;
		dhcp_release_and_stop(nif);
		netif_set_addr(nif, &a, &m, &g);
		applying = false;
		configs[i].mode = IPCONFIG_STATIC;
		log_applied(dev);
		update_default_route();
		return 0;
	}
	return -EINVAL;
}

/* After boot: say when an interface's address changes (late lease, renewal
 * with a new address, lease lost). lwIP locked. */
static void log_runtime_change(struct netdev *dev)
{
	struct netif *nif = dev->stack;
	u32 now = ip4_addr_get_u32(netif_ip4_addr(nif));
	char a[16];

	if (now == logged_addr[dev->index])
		return;
	logged_addr[dev->index] = now;
	if (!now) {
		log_warn("net: %s: address released", dev->name);
		return;
	}
	log_info("net: %s: address now %s/%u%s", dev->name, fmt_ip4(netif_ip4_addr(nif), a),
		 prefix_len(netif_ip4_netmask(nif)),
		 dhcp_supplied_address(nif) ? " (DHCP)" : "");
}

void net_ipconfig_status_changed(struct netif *nif)
{
	config_event = true;
	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);

		if (dev->stack != nif)
			continue;
		if (fallback_active[i] && dhcp_supplied_address(nif)) {
			lease_replaces_fallback(dev);
			continue;
		}
		if (dhcp_supplied_address(nif))
			snapshot_dns(dev);
		if (boot_done && !applying)
			log_runtime_change(dev);
	}
	if (boot_done)
		update_default_route();
}
