/*
 * ip addr [show [dev] IFACE]          addresses, in iproute2's layout
 * ip addr add ADDR/LEN dev IFACE      an address: the first one replaces DHCP's
 *                                     there; with one already, a secondary
 *                                     address (label IFACE:N, as Linux's aliases)
 * ip addr del ADDR[/LEN] dev IFACE    remove a secondary address
 * ip link [show [dev] IFACE]
 * ip link set [dev] IFACE up|down
 * ip route [show]                     routes: default and subnet routes
 * ip route add default via GW [dev IFACE]
 * ip route del default
 *
 * A small subset of iproute2's ip(8) over the same interface ioctls and
 * /proc/net/route that ifconfig uses. Objects and "show" may be
 * abbreviated as in iproute2 (a, l, r, s).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "dnsconf.h"
#include "iface.h"
#include "util.h"

#define MAX_IFACES 16

/* argv[i] is a prefix (at least one letter) of word. */
static bool is(const char *arg, const char *word)
{
	return arg && arg[0] && !strncmp(arg, word, strlen(arg));
}

static int usage(void)
{
	fprintf(stderr, "usage: ip addr [show [dev] IFACE] | ip addr add|del ADDR/LEN dev IFACE\n"
			"       ip link [show [dev] IFACE] | ip link set [dev] IFACE up|down\n"
			"       ip route [show] | ip route add default via GW [dev IFACE]\n"
			"       ip route del default\n");
	return 2;
}

static int fail(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", util_prog, what, strerror(errno));
	return 2;
}

static void print_link(const struct iface_info *in)
{
	bool up = in->flags & IFF_UP, lower = up && (in->flags & IFF_RUNNING);

	printf("%u: %s: <%s%s%s> mtu %d state %s\n", in->index, in->name,
	       in->flags & IFF_LOOPBACK ? "LOOPBACK" : "BROADCAST", up ? ",UP" : "",
	       lower ? ",LOWER_UP" : "", in->mtu, lower ? "UP" : "DOWN");
	if (in->ether)
		printf("    link/ether %02x:%02x:%02x:%02x:%02x:%02x brd ff:ff:ff:ff:ff:ff\n",
		       in->mac[0], in->mac[1], in->mac[2], in->mac[3], in->mac[4], in->mac[5]);
	else
		printf("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n");
}

static void print_inet(const struct iface_info *in, bool secondary)
{
	printf("    inet %s/%d", util_ntoa(in->addr), iface_prefix_len(in->netmask));
	if (!(in->flags & IFF_LOOPBACK))
		printf(" brd %s", util_ntoa(in->broadcast));
	printf(" scope %s %s%s\n", in->flags & IFF_LOOPBACK ? "host" : "global",
	       secondary ? "secondary " : "", in->name);
}

/* iproute2's "inet6 ADDR/N scope S [tentative|dadfailed]" lines. */
static void print_inet6(const char *dev)
{
	struct iface_inet6 a[8];
	int n = iface_inet6_list(dev, a, 8);

	for (int i = 0; i < n; i++)
		printf("    inet6 %s/%d scope %s%s%s\n", a[i].addr, a[i].prefix,
		       iface_scope_name(a[i].scope), a[i].flags & 0x08 ? " dadfailed" : "",
		       (a[i].flags & 0x48) == 0x40 ? " tentative" : "");
}

static void print_addr(const struct iface_info *in)
{
	struct iface_info alias[8];
	int n;

	print_link(in);
	if (in->addr)
		print_inet(in, false);
	n = in->ether ? iface_aliases(in->name, alias, 8) : 0;
	for (int i = 0; i < n; i++)
		print_inet(&alias[i], true);
	print_inet6(in->name);
}

/* show [dev] IFACE, or all interfaces. */
static int show(int argc, char **argv, void (*print)(const struct iface_info *))
{
	struct iface_info list[MAX_IFACES];
	const char *only = NULL;
	int n, shown = 0;

	if (argc > 0 && is(argv[0], "show"))
		argc--, argv++;
	if (argc > 0 && !strcmp(argv[0], "dev"))
		argc--, argv++;
	if (argc > 1)
		return usage();
	only = argc ? argv[0] : NULL;
	n = iface_list(list, MAX_IFACES);
	if (n < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		if (!only || !strcmp(only, list[i].name)) {
			print(&list[i]);
			shown++;
		}
	}
	if (only && !shown) {
		fprintf(stderr, "Device \"%s\" does not exist.\n", only);
		return 1;
	}
	return 0;
}

/* The label of dev's secondary address addr (*free: the first unused
 * label), or NULL. */
static const char *find_alias(const char *dev, uint32_t addr, char *free_label, size_t size)
{
	static struct iface_info alias[16];
	int n = iface_aliases(dev, alias, 16), label = 1;

	for (int i = 0; i < n; i++)
		if (alias[i].addr == addr)
			return alias[i].name;
	for (bool taken = true; taken; label++) {
		char name[IFNAMSIZ];

		snprintf(name, sizeof(name), "%s:%d", dev, label);
		taken = false;
		for (int i = 0; i < n; i++)
			taken |= !strcmp(alias[i].name, name);
		if (!taken)
			snprintf(free_label, size, "%s", name);
	}
	return NULL;
}

/* iproute2's words for an address that is there already. */
static int exists(void)
{
	fputs("RTNETLINK answers: File exists\n", stderr);
	return 2;
}

static int addr_add(const char *dev, uint32_t addr, uint32_t mask)
{
	struct iface_info in;
	char label[IFNAMSIZ];
	const char *target = dev;

	if (iface_get(dev, &in) < 0)
		return fail(dev);
	if (in.addr && !strchr(dev, ':')) {
		if (in.addr == addr || find_alias(dev, addr, label, sizeof(label)))
			return exists();
		target = label;
	}
	if (iface_set_addr(target, addr) < 0)
		return errno == EEXIST ? exists() : fail(target);
	if (mask && iface_set_netmask(target, mask) < 0)
		return fail(target);
	return 0;
}

static int addr_del(const char *dev, uint32_t addr)
{
	struct iface_info in;
	char label[IFNAMSIZ];
	const char *alias;

	if (iface_get(dev, &in) < 0)
		return fail(dev);
	alias = find_alias(dev, addr, label, sizeof(label));
	if (!alias) {
		fprintf(stderr, in.addr == addr ? "%s: %s is the primary address of %s: "
						  "use ifconfig or DHCP to change it\n"
						: "%s: %s: no such address on %s\n",
			util_prog, util_ntoa(addr), dev);
		return 2;
	}
	return iface_set_up(alias, false) < 0 ? fail(alias) : 0;
}

static int addr_cmd(int argc, char **argv)
{
	uint32_t addr, mask;
	bool add;

	if (argc == 0 || (!is(argv[0], "add") && !is(argv[0], "delete")))
		return show(argc, argv, print_addr);
	add = is(argv[0], "add");
	if (argc != 4 || strcmp(argv[2], "dev") || iface_parse_cidr(argv[1], &addr, &mask))
		return usage();
	return add ? addr_add(argv[3], addr, mask) : addr_del(argv[3], addr);
}

static int link_cmd(int argc, char **argv)
{
	if (argc == 0 || !is(argv[0], "set"))
		return show(argc, argv, print_link);
	argc--, argv++;
	if (argc > 0 && !strcmp(argv[0], "dev"))
		argc--, argv++;
	if (argc != 2 || (strcmp(argv[1], "up") && strcmp(argv[1], "down")))
		return usage();
	return iface_set_up(argv[0], argv[1][0] == 'u') < 0 ? fail(argv[0]) : 0;
}

static int route_show(void)
{
	struct iface_info list[MAX_IFACES];
	uint32_t gw;
	char dev[IFNAMSIZ];
	int n = iface_list(list, MAX_IFACES);

	if (route_default(&gw, dev))
		printf("default via %s dev %s\n", util_ntoa(gw), dev);
	for (int i = 0; i < n; i++) {
		const struct iface_info *in = &list[i];
		if (!in->addr || (in->flags & IFF_LOOPBACK) || !(in->flags & IFF_UP))
			continue;
		printf("%s/%d dev %s scope link src %s\n", util_ntoa(in->addr & in->netmask),
		       iface_prefix_len(in->netmask), in->name, util_ntoa(in->addr));
	}
	return 0;
}

static int route_cmd(int argc, char **argv)
{
	uint32_t gw;

	if (argc == 0 || is(argv[0], "show") || is(argv[0], "list"))
		return route_show();
	if (is(argv[0], "del") && argc == 2 && !strcmp(argv[1], "default"))
		return route_set_default(0, NULL) < 0 ? fail("route del default") : 0;
	if (!is(argv[0], "add") || (argc != 4 && argc != 6) || strcmp(argv[1], "default") ||
	    strcmp(argv[2], "via") || !dnsconf_parse_ipv4(argv[3], strlen(argv[3]), &gw) ||
	    (argc == 6 && strcmp(argv[4], "dev")))
		return usage();
	if (route_set_default(gw, argc == 6 ? argv[5] : NULL) < 0)
		return fail("route add default");
	return 0;
}

int main(int argc, char **argv)
{
	util_init(argv[0]);
	if (argc < 2)
		return usage();
	if (is(argv[1], "addr") || is(argv[1], "address"))
		return addr_cmd(argc - 2, argv + 2);
	if (is(argv[1], "link"))
		return link_cmd(argc - 2, argv + 2);
	if (is(argv[1], "route"))
		return route_cmd(argc - 2, argv + 2);
	return usage();
}
