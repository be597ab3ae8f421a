/* Interface information and changes for ifconfig and ip: see iface.h. */
#include "iface.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "dnsconf.h"
#include "resolver.h"

/* Any socket carries the interface ioctls; a UDP one costs nothing. */
static int ctl_fd(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = socket(AF_INET, SOCK_DGRAM, 0);
	return fd;
}

static int ifreq_ioctl(const char *name, unsigned long cmd, struct ifreq *ifr)
{
	if (strlen(name) >= IFNAMSIZ) {
		errno = ENODEV;
		return -1;
	}
	strcpy(ifr->ifr_name, name);
	return ioctl(ctl_fd(), cmd, ifr);
}

static uint32_t sockaddr_addr(const struct sockaddr *sa)
{
	struct sockaddr_in sin;

	memcpy(&sin, sa, sizeof(sin));
	return sin.sin_addr.s_addr;
}

/* Counters of name from /proc/net/dev ("  eth0: rx... tx..." lines). */
static void read_stats(const char *name, struct iface_stats *st)
{
	char line[512];
	FILE *f = fopen("/proc/net/dev", "r");

	memset(st, 0, sizeof(*st));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *n = line;
		unsigned long long skip;
		if (!colon)
			continue;
		*colon = 0;
		while (*n == ' ')
			n++;
		if (strcmp(n, name))
			continue;
		sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		       &st->rx_bytes, &st->rx_packets, &st->rx_errors, &st->rx_dropped, &skip,
		       &skip, &skip, &skip, &st->tx_bytes, &st->tx_packets, &st->tx_errors,
		       &st->tx_dropped);
		break;
	}
	fclose(f);
}

int iface_get(const char *name, struct iface_info *info)
{
	struct ifreq ifr;

	memset(info, 0, sizeof(*info));
	if (ifreq_ioctl(name, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	snprintf(info->name, sizeof(info->name), "%s", name);
	info->flags = (unsigned short)ifr.ifr_flags;
	if (ifreq_ioctl(name, SIOCGIFINDEX, &ifr) == 0)
		info->index = (unsigned)ifr.ifr_ifindex;
	if (ifreq_ioctl(name, SIOCGIFADDR, &ifr) == 0) {
		info->addr = sockaddr_addr(&ifr.ifr_addr);
		if (ifreq_ioctl(name, SIOCGIFNETMASK, &ifr) == 0)
			info->netmask = sockaddr_addr(&ifr.ifr_netmask);
		if (ifreq_ioctl(name, SIOCGIFBRDADDR, &ifr) == 0)
			info->broadcast = sockaddr_addr(&ifr.ifr_broadaddr);
	}
	if (ifreq_ioctl(name, SIOCGIFHWADDR, &ifr) == 0 &&
	    ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
		memcpy(info->mac, ifr.ifr_hwaddr.sa_data, 6);
		info->ether = true;
	}
	if (ifreq_ioctl(name, SIOCGIFMTU, &ifr) == 0)
		info->mtu = ifr.ifr_mtu;
	read_stats(name, &info->stats);
	return 0;
}

int iface_list(struct iface_info *out, int max)
{
	struct if_nameindex *names = if_nameindex();
	int n = 0;

	if (!names) {
		perror("if_nameindex");
		return -1;
	}
	for (struct if_nameindex *p = names; p->if_name && n < max; p++)
		if (iface_get(p->if_name, &out[n]) == 0)
			n++;
	if_freenameindex(names);
	return n;
}

int iface_aliases(const char *dev, struct iface_info *out, int max)
{
	struct ifreq req[32];
	struct ifconf ifc = { .ifc_len = sizeof(req), .ifc_buf = (char *)req };
	size_t n = strlen(dev);
	int found = 0;

	if (ioctl(ctl_fd(), SIOCGIFCONF, &ifc) < 0)
		return -1;
	for (int i = 0; i < ifc.ifc_len / (int)sizeof(req[0]) && found < max; i++) {
		const char *name = req[i].ifr_name;

		if (!strncmp(name, dev, n) && name[n] == ':' && iface_get(name, &out[found]) == 0)
			found++;
	}
	return found;
}

static int set_sockaddr(const char *name, unsigned long cmd, uint32_t addr)
{
	struct ifreq ifr;
	struct sockaddr_in sin = { .sin_family = AF_INET };

	memset(&ifr, 0, sizeof(ifr));
	sin.sin_addr.s_addr = addr;
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	return ifreq_ioctl(name, cmd, &ifr);
}

int iface_set_addr(const char *name, uint32_t addr)
{
	return set_sockaddr(name, SIOCSIFADDR, addr);
}

int iface_set_netmask(const char *name, uint32_t mask)
{
	return set_sockaddr(name, SIOCSIFNETMASK, mask);
}

int iface_set_up(const char *name, bool up)
{
	struct ifreq ifr;

	if (ifreq_ioctl(name, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags = (short)(up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP);
	return ifreq_ioctl(name, SIOCSIFFLAGS, &ifr);
}

int route_default(uint32_t *gw, char *ifname)
{
	char line[256], dev[IFNAMSIZ];
	unsigned dst, gateway, flags, mask;
	FILE *f = fopen("/proc/net/route", "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		int n = sscanf(line, "%15s %x %x %x %*d %*d %*d %x", dev, &dst, &gateway, &flags,
			       &mask);
		if (n == 5 && dst == 0 && mask == 0 && (flags & RTF_GATEWAY)) {
			*gw = gateway;
			strcpy(ifname, dev);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

int route_set_default(uint32_t gw, const char *dev)
{
	struct rtentry rt;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char devbuf[IFNAMSIZ];

	memset(&rt, 0, sizeof(rt));
	memcpy(&rt.rt_dst, &sin, sizeof(sin));
	memcpy(&rt.rt_genmask, &sin, sizeof(sin));
	sin.sin_addr.s_addr = gw;
	memcpy(&rt.rt_gateway, &sin, sizeof(sin));
	rt.rt_flags = RTF_UP | (gw ? RTF_GATEWAY : 0);
	if (dev) {
		snprintf(devbuf, sizeof(devbuf), "%s", dev);
		rt.rt_dev = devbuf;
	}
	return ioctl(ctl_fd(), gw ? SIOCADDRT : SIOCDELRT, &rt);
}

int iface_nameservers(uint32_t *out, int max)
{
	struct resolv_conf rc;
	int n = 0;

	resolver_conf(&rc);
	for (int i = 0; i < rc.nns && n < max; i++)
		if (rc.ns[i].family == AF_INET)   /* the IPv6 ones: see /etc/resolv.conf */
			out[n++] = rc.ns[i].v4;
	return n;
}

int iface_parse_cidr(const char *s, uint32_t *addr, uint32_t *mask)
{
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	char *end;

	*mask = 0;
	if (!dnsconf_parse_ipv4(s, len, addr))
		return -1;
	if (slash) {
		long bits = strtol(slash + 1, &end, 10);
		if (*end || end == slash + 1 || bits < 0 || bits > 32)
			return -1;
		*mask = bits ? htonl(0xffffffffu << (32 - bits)) : 0;
	}
	return 0;
}

int iface_prefix_len(uint32_t mask)
{
	return __builtin_popcount(mask);
}

int iface_inet6_list(const char *dev, struct iface_inet6 *out, int max)
{
	FILE *f = fopen("/proc/net/if_inet6", "r");
	char hex[33], name[IFNAMSIZ + 1];
	unsigned idx, plen, scope, flags;
	int n = 0;

	if (!f)
		return 0;
	while (n < max && fscanf(f, "%32s %x %x %x %x %16s", hex, &idx, &plen, &scope, &flags,
				 name) == 6) {
		unsigned char a[16];

		if (strcmp(name, dev) != 0 || strlen(hex) != 32)
			continue;
		for (int i = 0; i < 16; i++) {
			char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };
			a[i] = (unsigned char)strtoul(byte, NULL, 16);
		}
		inet_ntop(AF_INET6, a, out[n].addr, sizeof(out[n].addr));
		out[n].prefix = (int)plen;
		out[n].scope = scope;
		out[n].flags = flags;
		n++;
	}
	fclose(f);
	return n;
}

const char *iface_scope_name(unsigned scope)
{
	switch (scope) {
	case 0x10:
		return "host";
	case 0x20:
		return "link";
	case 0x40:
		return "site";
	default:
		return "global";
	}
}
