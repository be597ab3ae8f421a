/*
 * Network interfaces for ifconfig and ip: what the interface ioctls
 * (SIOCGIF*, <net/if.h>) and /proc/net/dev and /proc/net/route say about
 * them, and the changes those tools make (address, netmask, up/down, the
 * default route).
 */
#ifndef SIS_NET_IFACE_H
#define SIS_NET_IFACE_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

struct iface_stats {
	unsigned long long rx_bytes, rx_packets, rx_errors, rx_dropped;
	unsigned long long tx_bytes, tx_packets, tx_errors, tx_dropped;
};

struct iface_info {
	char name[IFNAMSIZ];
	unsigned index;
	int flags;                    /* IFF_* */
	uint32_t addr, netmask, broadcast;   /* network order; 0 if no address */
	unsigned char mac[6];
	bool ether;                   /* has a MAC (not loopback) */
	int mtu;
	struct iface_stats stats;     /* from /proc/net/dev */
};

/* All interfaces in index order (lo first): the count, or -1 (message printed). */
int iface_list(struct iface_info *out, int max);
/* One interface by name: 0, or -1 with errno (ENODEV if there is none). */
int iface_get(const char *name, struct iface_info *info);

/* The secondary addresses of dev, Linux's alias labels "dev:N" (from
 * SIOCGIFCONF): their count, or -1 with errno. */
int iface_aliases(const char *dev, struct iface_info *out, int max);

/* Changes, on one interface: 0, or -1 with errno (message not printed).
 * An alias label ("eth0:1") names a secondary address: setting 0.0.0.0 or
 * taking it down removes it. */
int iface_set_addr(const char *name, uint32_t addr);
int iface_set_netmask(const char *name, uint32_t mask);
int iface_set_up(const char *name, bool up);

/* An IPv6 address of an interface, from /proc/net/if_inet6. */
struct iface_inet6 {
	char addr[46];   /* text (RFC 5952) */
	int prefix;
	unsigned scope;  /* 0x00 global, 0x10 host, 0x20 link, 0x40 site (Linux's) */
	unsigned flags;  /* IFA_F_*: 0x40 tentative, 0x08 dadfailed, 0x80 permanent */
};
/* dev's IPv6 addresses (up to max): their count (0 without IPv6). */
int iface_inet6_list(const char *dev, struct iface_inet6 *out, int max);
/* "global", "host", "link", "site" for a scope value. */
const char *iface_scope_name(unsigned scope);

/* The default gateway and its interface from /proc/net/route: 1 found, 0 none. */
int route_default(uint32_t *gw, char *ifname);
/* Add (gw != 0; dev may be NULL) or delete (gw == 0) the default route: 0 or -1/errno. */
int route_set_default(uint32_t gw, const char *dev);

/* The IPv4 name servers listed in /etc/resolv.conf (up to max): their count. */
int iface_nameservers(uint32_t *out, int max);

/* Parse "a.b.c.d" or "a.b.c.d/len": 0, or -1. *mask is 0 when no /len was given. */
int iface_parse_cidr(const char *s, uint32_t *addr, uint32_t *mask);
/* The prefix length of a contiguous netmask. */
int iface_prefix_len(uint32_t mask);

#endif
