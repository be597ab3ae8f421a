/*
 * ifconfig [-a]                       all interfaces, then gateway and DNS
 * ifconfig IFACE                      one interface
 * ifconfig IFACE ADDR[/LEN] [netmask MASK] [up|down]
 *
 * Shows interfaces in the format of Linux's net-tools ifconfig: flags, MTU,
 * IPv4 address, netmask and broadcast, MAC, and packet, byte, error and
 * drop counters (/proc/net/dev). The listing of all interfaces ends with the
 * default gateway (/proc/net/route) and the DNS servers (/etc/resolv.conf).
 * Setting an address makes it static: DHCP stops on that interface.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "dnsconf.h"
#include "iface.h"
#include "util.h"

#define MAX_IFACES 16

static void print_flags(int flags)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{ IFF_UP, "UP" }, { IFF_BROADCAST, "BROADCAST" }, { IFF_LOOPBACK, "LOOPBACK" },
		{ IFF_RUNNING, "RUNNING" }, { IFF_MULTICAST, "MULTICAST" },
	};
	const char *sep = "";

	printf("flags=%d<", flags);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			printf("%s%s", sep, names[i].name);
			sep = ",";
		}
	}
	printf(">");
}

/* "1.2 KiB" as net-tools prints byte counts. */
static const char *human_bytes(unsigned long long n)
{
	static char bufs[2][32];
	static int next;
	char *b = bufs[next++ & 1];
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned long long whole = n, tenths = 0;
	int u = 0;

	while (whole >= 1024 && u < 4) {
		tenths = (n * 10 >> (10 * (u + 1))) % 10;
		whole >>= 10;
		u++;
	}
	if (u == 0)
		snprintf(b, 32, "%llu.0 B", n);
	else
		snprintf(b, 32, "%llu.%llu %s", whole, tenths, units[u]);
	return b;
}

/* net-tools' "inet6 ADDR  prefixlen N  scopeid 0xS<scope>" lines. */
static void print_inet6(const char *dev)
{
	struct iface_inet6 a[8];
	int n = iface_inet6_list(dev, a, 8);

	for (int i = 0; i < n; i++)
		printf("        inet6 %s  prefixlen %d  scopeid 0x%x<%s>\n", a[i].addr, a[i].prefix,
		       a[i].scope, a[i].scope == 0x10 ? "host" : iface_scope_name(a[i].scope));
}

static void print_iface(const struct iface_info *in)
{
	const struct iface_stats *st = &in->stats;

	printf("%s: ", in->name);
	print_flags(in->flags);
	printf("  mtu %d\n", in->mtu);
	if (in->addr) {
		printf("        inet %s  netmask %s", util_ntoa(in->addr), util_ntoa(in->netmask));
		if (!(in->flags & IFF_LOOPBACK))
			printf("  broadcast %s", util_ntoa(in->broadcast));
		printf("\n");
	}
	print_inet6(in->name);
	if (in->ether)
		printf("        ether %02x:%02x:%02x:%02x:%02x:%02x  (Ethernet)\n", in->mac[0],
		       in->mac[1], in->mac[2], in->mac[3], in->mac[4], in->mac[5]);
	else
		printf("        loop  (Local Loopback)\n");
	printf("        RX packets %llu  bytes %llu (%s)\n", st->rx_packets, st->rx_bytes,
	       human_bytes(st->rx_bytes));
	printf("        RX errors %llu  dropped %llu\n", st->rx_errors, st->rx_dropped);
	printf("        TX packets %llu  bytes %llu (%s)\n", st->tx_packets, st->tx_bytes,
	       human_bytes(st->tx_bytes));
	printf("        TX errors %llu  dropped %llu\n\n", st->tx_errors, st->tx_dropped);
}

static void print_gateway_dns(void)
{
	uint32_t gw, ns[RESOLV_MAX_NS];
	char dev[IFNAMSIZ];
	int n = iface_nameservers(ns, RESOLV_MAX_NS);

	if (route_default(&gw, dev))
		printf("default gateway %s dev %s\n", util_ntoa(gw), dev);
	else
		printf("no default gateway\n");
	for (int i = 0; i < n; i++)
		printf("nameserver %s\n", util_ntoa(ns[i]));
}

static int show_all(void)
{
	struct iface_info list[MAX_IFACES];
	int n = iface_list(list, MAX_IFACES);

	if (n < 0)
		return 1;
	for (int i = 0; i < n; i++)
		print_iface(&list[i]);
	print_gateway_dns();
	return 0;
}

static int show_one(const char *name)
{
	struct iface_info in;

	if (iface_get(name, &in) < 0) {
		fprintf(stderr, "%s: error fetching interface information: %s: %s\n", util_prog,
			name, errno == ENODEV ? "Device not found" : strerror(errno));
		return 1;
	}
	print_iface(&in);
	return 0;
}

static int check(int r, const char *name, const char *what)
{
	if (r < 0)
		fprintf(stderr, "%s: %s: %s: %s\n", util_prog, name, what, strerror(errno));
	return r < 0;
}

/* "IFACE ADDR[/LEN] [netmask MASK] [up|down]" */
static int configure(const char *name, int argc, char **argv)
{
	uint32_t addr, mask;
	int i = 0;

	if (i < argc && strcmp(argv[i], "up") && strcmp(argv[i], "down") &&
	    strcmp(argv[i], "netmask")) {
		if (iface_parse_cidr(argv[i], &addr, &mask)) {
			fprintf(stderr, "%s: %s: bad address\n", util_prog, argv[i]);
			return 1;
		}
		if (check(iface_set_addr(name, addr), name, "SIOCSIFADDR") ||
		    (mask && check(iface_set_netmask(name, mask), name, "SIOCSIFNETMASK")))
			return 1;
		i++;
	}
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "netmask") && i + 1 < argc) {
			uint32_t m;
			if (!dnsconf_parse_ipv4(argv[i + 1], strlen(argv[i + 1]), &m)) {
				fprintf(stderr, "%s: %s: bad netmask\n", util_prog, argv[i + 1]);
				return 1;
			}
			if (check(iface_set_netmask(name, m), name, "SIOCSIFNETMASK"))
				return 1;
			i++;
		} else if (!strcmp(argv[i], "up") || !strcmp(argv[i], "down")) {
			if (check(iface_set_up(name, argv[i][0] == 'u'), name, "SIOCSIFFLAGS"))
				return 1;
		} else {
			fprintf(stderr, "%s: unknown argument '%s'\n", util_prog, argv[i]);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	util_init(argv[0]);
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "-a")))
		return show_all();
	if (argc == 2)
		return show_one(argv[1]);
	return configure(argv[1], argc - 2, argv + 2);
}
