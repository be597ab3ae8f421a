/*
 * Inside src/net only: lwIP types may appear here, never in sis/ headers.
 *
 * Modules: core.c (lwIP start, the network softirq, net_lock), netif.c
 * (struct netdev <-> struct netif), ipconfig.c (ip= options, DHCP and the
 * boot-time configuration), stats.c (statistics, pool usage, ktests),
 * errno.c (err_t -> -errno), ipconfig_parse.c (pure ip= parsing).
 */
#ifndef SIS_NET_PRIVATE_H
#define SIS_NET_PRIVATE_H

#include <sis/types.h>
#include <sis/netdev.h>
#include "lwip/err.h"
#include "lwip/netif.h"

/* lwIP err_t to a negative Linux errno (0 for ERR_OK). The one table. */
int net_err_to_errno(err_t err);

/* procnet.c: Linux's TCP state number (include/net/tcp_states.h) for an
 * lwIP enum tcp_state (TCP_CLOSE, 7, for anything unknown). */
enum tcp_state;
u8 net_linux_tcp_state(enum tcp_state state);

/* core.c */
void net_mark_work(void);         /* locked section queued TX: flush at unlock */
/* sock_tcp.c, called at the end of each network softirq run: TIME-WAIT
 * connections past the cap freed, the oldest first. */
void tcp_sock_tw_limit(void);
/* Kernel context (boot thread, ktests): sleep until *flag or the deadline
 * (time_ns scale). *flag must be set from lwIP callbacks. */
void net_wait_until(volatile bool *flag, u64 deadline_ns);

/* netif.c: the lwIP netif of a registered device (NULL before INIT_NET). */
int net_netif_add(struct netdev *dev);
struct netif *net_netif_of(struct netdev *dev);
/* Interface by index: eth0, eth1, ..., then lo; NULL
 * past the end. Its name: net_netif_name() ("eth0", "lo"). lwIP locked. */
struct netif *net_iface_netif(int index);
const char *net_netif_name(const struct netif *nif);
/* Each softirq run: send what dev's TX backlog holds while the ring has
 * room; true if frames still wait. net_netif_tx_queued: how many wait. */
bool net_netif_tx_drain(struct netdev *dev);
unsigned net_netif_tx_queued(const struct netdev *dev);
/* Bring netif link state in line with dev->link_up (softirq). */
void net_netif_sync_link(struct netdev *dev);
/*
 * netif_alias.c: secondary IPv4 addresses, one lwIP netif each ("eth0:N",
 * label N >= 1) on the device's transmit path. lwIP locked.
 * net_alias_set: create or readdress label N (network byte order): 0,
 * -EEXIST (the device has that address), -ENOSPC, -EINVAL.
 * net_alias_remove: 0 or -EADDRNOTAVAIL. net_alias_next: the device's
 * aliases in turn (prev NULL: the first), NULL at the end.
 */
#define NET_ALIASES_PER_DEV 4
int net_alias_set(struct netdev *dev, int label, u32 addr, u32 mask);
int net_alias_remove(struct netdev *dev, int label);
struct netif *net_alias_netif(const struct netdev *dev, int label);
struct netif *net_alias_next(const struct netdev *dev, const struct netif *prev);
const char *net_alias_name(const struct netif *nif); /* NULL: not an alias */
struct netdev *net_alias_dev(const struct netif *nif);
void net_alias_sync(struct netdev *dev);              /* after the primary's up/link change */
bool net_netdev_owns_addr(const struct netdev *dev, u32 addr); /* primary or alias */
struct netif *net_alias_for_arp(const struct netdev *dev, u32 target);
/* ipconfig.c: boot-time configuration (from net_init), and the hook netif.c
 * calls when an interface's address or link changes (lwIP context). */
int net_ipconfig_boot(void);
void net_ipconfig_status_changed(struct netif *nif);
/*
 * ipconfig6.c: IPv6 per interface. net_ipconfig6_netif_added: link-local
 * address, SLAAC or the ip6= address, before the netif goes up.
 * net_ipconfig6_rdnss: a DNS server from a router advertisement.
 * net_ip6_prefix_len: the prefix length shown for address idx of nif.
 * lwIP locked.
 */
struct ip6_addr;
void net_ipconfig6_netif_added(struct netdev *dev);
/* Boot thread: until no address is in DAD (bounded). Takes net_lock. */
void net_ipconfig6_rdnss(struct netif *in, u8 index, const struct ip6_addr *server);
unsigned net_ip6_prefix_len(struct netif *nif, int idx);
/* One IPv6 route (rtnetlink's RTM_GETROUTE): an on-link prefix, or a
 * default router (gw set). */
struct net_route6 {
	u8 dst[16], dst_len;
	u8 gw[16];
	bool has_gw;
	u8 protocol;  /* RTPROT_KERNEL, RTPROT_RA, RTPROT_BOOT */
	u32 metric;   /* Linux's: 256 for prefixes, 1024 for routers */
	u32 expires;  /* seconds left (0: does not expire) */
};
/* nif's IPv6 routes as Linux lists them: the on-link prefixes of
 * advertisements (with their lifetimes), its addresses' prefixes (fe80::/64,
 * ip6= ones, ::1 on lo), then its default routers (ip6='s gateway, or those
 * of advertisements). Up to max; returns the count. lwIP locked. */
int net_ipconfig6_routes(struct netif *nif, struct net_route6 *r, int max);
/* The IPv6 DNS servers learned (RDNSS), up to max, 16 bytes each. Takes
 * net_lock. */
int net_dns6_servers(u8 (*out)[16], int max);
/* resolv.c: the DNS servers changed after boot; /etc/resolv.conf follows
 * (written from a kernel task: the softirq does not touch files). */
void net_resolv_changed(void);
/*
 * Run-time static configuration of an Ethernet interface (SIOCSIFADDR and
 * friends): stop DHCP on it, set addr/mask/gw (network byte order; gw 0 =
 * none), move the default route to it if it has a gateway, log the change.
 * lwIP locked. 0, or -EINVAL (not one of our Ethernet interfaces).
 */
int net_ipconfig_set_static(struct netif *nif, u32 addr, u32 mask, u32 gw);

/*
 * ifioctl.c: interface facts and the default route, shared by the SIOC*
 * ioctls and netlink. lwIP locked. net_ifindex: Linux's index of nif's
 * device (lo 1, ethN N + 2; an alias has its device's). net_netif_by_ifindex:
 * the device's primary netif, or NULL. net_iface_flags: IFF_* as Linux
 * reports them (IFF_LOWER_UP included). net_route_default_set: the default
 * route via gw (network order) out of nif; _del: none left (-ESRCH if there
 * was none). Both 0 or -errno.
 */
int net_ifindex(const struct netif *nif);
struct netif *net_netif_by_ifindex(int ifindex);
unsigned net_iface_flags(const struct netif *nif);
int net_route_default_set(struct netif *nif, u32 gw);
/* Bring nif up or down (SIOCSIFFLAGS, RTM_NEWLINK); its aliases follow. */
void net_iface_set_up(struct netif *nif, bool up);
int net_route_default_del(void);

/*
 * netlink_route.c: an interface's link state, addresses or the routes may
 * have changed (lwIP status/link callbacks, aliases, the default route):
 * compare with what NETLINK_ROUTE listeners were last told and send them
 * RTM_NEWLINK, RTM_NEWADDR/DELADDR, RTM_NEWROUTE/DELROUTE. lwIP locked.
 */
void rtnl_sync(void);

#endif
