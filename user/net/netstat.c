/*
 * netstat [-t] [-u] [-l | -a] [-n]    sockets
 * netstat -i                          interface table
 * netstat -s                          protocol statistics
 * netstat -r [-A inet6]               routing table (/proc/net/route,
 *                                     /proc/net/ipv6_route)
 *
 * Like Linux's net-tools netstat, from the kernel's /proc/net files:
 * TCP and UDP sockets with their queues (Recv-Q: bytes the program has not
 * read, or for a listener the connections waiting for accept(); Send-Q:
 * bytes the peer has not acknowledged, or a listener's backlog) and TCP
 * state. Without -a or -l only connected sockets are listed, with -l only
 * listening ones. Addresses are always numeric (-n is accepted). IPv6
 * sockets (/proc/net/tcp6, udp6) are "tcp6"/"udp6" with net-tools' ":::80".
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iface.h"
#include "util.h"

struct options {
	bool tcp, udp, listening, all;
};

/* Linux's TCP state numbers (include/net/tcp_states.h) to netstat's names. */
static const char *tcp_state_name(unsigned st)
{
	static const char *const names[] = {
		"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
		"CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	};

	return st < sizeof(names) / sizeof(names[0]) ? names[st] : "UNKNOWN";
}

#define TCP_LISTEN 0x0A
#define TCP_CLOSE 0x07

static void format_endpoint(char *buf, size_t size, uint32_t addr, unsigned port)
{
	if (port)
		snprintf(buf, size, "%s:%u", util_ntoa(addr), port);
	else
		snprintf(buf, size, "%s:*", util_ntoa(addr));
}

/* Is a socket in state st listed under the options? UDP "listens" when unconnected. */
static bool wanted(const struct options *o, bool tcp, unsigned st)
{
	bool listening = tcp ? st == TCP_LISTEN : st == TCP_CLOSE;

	if (o->all)
		return true;
	return o->listening ? listening : !listening;
}

/* A /proc/net/tcp6 address: four 32-bit words in memory order, as hex. */
static void format_endpoint6(char *buf, size_t size, const char *hex, unsigned port)
{
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN];

	for (int w = 0; w < 4; w++) {
		char word[9];
		uint32_t v;

		memcpy(word, hex + 8 * w, 8);
		word[8] = '\0';
		v = (uint32_t)strtoul(word, NULL, 16);
		memcpy(a + 4 * w, &v, 4);
	}
	inet_ntop(AF_INET6, a, text, sizeof(text));
	if (port)
		snprintf(buf, size, "%s:%u", text, port);
	else
		snprintf(buf, size, "%s:*", text);
}

static void list_sockets6(const char *path, const char *proto, bool tcp, const struct options *o)
{
	char line[512], local[64], remote[64], la[33], ra[33];
	FILE *f = fopen(path, "r");

	if (!f)
		return; /* no IPv6 */
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned lport, rport, st, txq, rxq;
		if (sscanf(line, " %*d: %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %x %x:%x", la, &lport, ra,
			   &rport, &st, &txq, &rxq) != 7 || strlen(la) != 32 || strlen(ra) != 32 ||
		    !wanted(o, tcp, st))
			continue;
		format_endpoint6(local, sizeof(local), la, lport);
		format_endpoint6(remote, sizeof(remote), ra, rport);
		printf("%-5s %6u %6u %-23s %-23s %s\n", proto, rxq, txq, local, remote,
		       tcp ? tcp_state_name(st) : st == 1 ? "ESTABLISHED" : "");
	}
	fclose(f);
}

static void list_sockets(const char *path, const char *proto, bool tcp, const struct options *o)
{
	char line[512], local[32], remote[32];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "%s: %s: cannot open\n", util_prog, path);
		return;
	}
	if (!fgets(line, sizeof(line), f)) {   /* the header */
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned laddr, lport, raddr, rport, st, txq, rxq;
		if (sscanf(line, " %*d: %x:%x %x:%x %x %x:%x", &laddr, &lport, &raddr, &rport, &st,
			   &txq, &rxq) != 7 || !wanted(o, tcp, st))
			continue;
		format_endpoint(local, sizeof(local), laddr, lport);
		format_endpoint(remote, sizeof(remote), raddr, rport);
		printf("%-5s %6u %6u %-23s %-23s %s\n", proto, rxq, txq, local, remote,
		       tcp ? tcp_state_name(st) : st == 1 ? "ESTABLISHED" : "");
	}
	fclose(f);
}

static int show_sockets(const struct options *o)
{
	printf("Active Internet connections %s\n",
	       o->all ? "(servers and established)" : o->listening ? "(only servers)"
								 : "(w/o servers)");
	printf("Proto Recv-Q Send-Q Local Address           Foreign Address         State\n");
	if (o->tcp) {
		list_sockets("/proc/net/tcp", "tcp", true, o);
		list_sockets6("/proc/net/tcp6", "tcp6", true, o);
	}
	if (o->udp) {
		list_sockets("/proc/net/udp", "udp", false, o);
		list_sockets6("/proc/net/udp6", "udp6", false, o);
	}
	return 0;
}

/* -i: net-tools' interface table (counters from /proc/net/dev, MTU and flags by ioctl). */
static int show_interfaces(void)
{
	struct iface_info list[16];
	int n = iface_list(list, 16);

	if (n < 0)
		return 1;
	printf("Kernel Interface table\n");
	printf("Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR "
	       "Flg\n");
	for (int i = 0; i < n; i++) {
		const struct iface_info *in = &list[i];
		const struct iface_stats *st = &in->stats;
		printf("%-16s %5d %8llu %6llu %6llu %-6d %8llu %6llu %6llu %6d %s%s%s%s\n", in->name,
		       in->mtu, st->rx_packets, st->rx_errors, st->rx_dropped, 0, st->tx_packets,
		       st->tx_errors, st->tx_dropped, 0, in->flags & IFF_BROADCAST ? "B" : "",
		       in->flags & IFF_LOOPBACK ? "L" : "", in->flags & IFF_RUNNING ? "R" : "",
		       in->flags & IFF_UP ? "U" : "");
	}
	return 0;
}

/* -s: /proc/net/snmp's pairs of lines ("Tcp: Name..." / "Tcp: value...") as "name: value". */
static int show_stats(void)
{
	char names[2048], values[2048];
	FILE *f = fopen("/proc/net/snmp", "r");

	if (!f) {
		fprintf(stderr, "%s: /proc/net/snmp: cannot open\n", util_prog);
		return 1;
	}
	while (fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		char *sn, *sv, *n = strtok_r(names, " \n", &sn), *v = strtok_r(values, " \n", &sv);
		printf("%s\n", n);
		while ((n = strtok_r(NULL, " \n", &sn)) && (v = strtok_r(NULL, " \n", &sv)))
			printf("    %s: %s\n", n, v);
	}
	fclose(f);
	return 0;
}

/* -r: net-tools' IPv4 table from /proc/net/route (always numeric). */
static int show_routes4(void)
{
	char line[256], ifname[32];
	unsigned dst, gw, flags, refcnt, use, metric, mask;
	FILE *f = fopen("/proc/net/route", "r");

	if (!f) {
		fprintf(stderr, "%s: /proc/net/route: cannot open\n", util_prog);
		return 1;
	}
	printf("Kernel IP routing table\n");
	printf("Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n");
	while (fgets(line, sizeof(line), f)) {
		char a[3][INET_ADDRSTRLEN], fl[8];
		struct in_addr in;
		int k = 0;

		if (sscanf(line, "%31s %x %x %x %u %u %u %x", ifname, &dst, &gw, &flags, &refcnt,
			   &use, &metric, &mask) != 8)
			continue;
		in.s_addr = dst;
		inet_ntop(AF_INET, &in, a[0], sizeof(a[0]));
		in.s_addr = gw;
		inet_ntop(AF_INET, &in, a[1], sizeof(a[1]));
		in.s_addr = mask;
		inet_ntop(AF_INET, &in, a[2], sizeof(a[2]));
		if (flags & 0x1)
			fl[k++] = 'U';
		if (flags & 0x2)
			fl[k++] = 'G';
		fl[k] = 0;
		printf("%-15s %-15s %-15s %-5s %5d %-6d %5d %s\n", a[0], a[1], a[2], fl, 0, 0, 0,
		       ifname);
	}
	fclose(f);
	return 0;
}

static void hex16(const char *hex, unsigned char out[16])
{
	for (int k = 0; k < 16; k++) {
		unsigned b = 0;

		sscanf(hex + 2 * k, "%2x", &b);
		out[k] = (unsigned char)b;
	}
}

/* -r -A inet6: net-tools' IPv6 table from /proc/net/ipv6_route. */
static int show_routes6(void)
{
	char line[256], dst[33], src[33], hop[33], ifname[32];
	unsigned dlen, slen, metric, refcnt, use, flags;
	FILE *f = fopen("/proc/net/ipv6_route", "r");

	if (!f) {
		fprintf(stderr, "%s: /proc/net/ipv6_route: cannot open\n", util_prog);
		return 1;
	}
	printf("Kernel IPv6 routing table\n");
	printf("Destination                    Next Hop                   Flag Met Ref Use If\n");
	while (fgets(line, sizeof(line), f)) {
		char d[INET6_ADDRSTRLEN + 4], h[INET6_ADDRSTRLEN], fl[8];
		unsigned char b[16];
		int k = 0;

		if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %31s", dst, &dlen, src, &slen, hop,
			   &metric, &refcnt, &use, &flags, ifname) != 10)
			continue;
		hex16(dst, b);
		inet_ntop(AF_INET6, b, d, INET6_ADDRSTRLEN);
		snprintf(d + strlen(d), sizeof(d) - strlen(d), "/%u", dlen);
		hex16(hop, b);
		inet_ntop(AF_INET6, b, h, sizeof(h));
		if (flags & 0x1)
			fl[k++] = 'U';
		if (flags & 0x2)
			fl[k++] = 'G';
		if (flags & 0x10000)
			fl[k++] = 'D';
		if (flags & 0x40000)
			fl[k++] = 'A';
		if (flags & 0x400000)
			fl[k++] = 'e';
		fl[k] = 0;
		printf("%-30s %-26s %-4s %-3u %-1u %6u %s\n", d, h, fl, metric, refcnt, use, ifname);
	}
	fclose(f);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: netstat [-t] [-u] [-l | -a] [-n] | netstat -i | netstat -s |\n"
			"       netstat -r [-A inet|inet6]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	bool interfaces = false, stats = false, routes = false, inet6 = false;
	int opt;

	util_init(argv[0]);
	while ((opt = getopt(argc, argv, "tulanisrA:")) != -1) {
		switch (opt) {
		case 't': o.tcp = true; break;
		case 'u': o.udp = true; break;
		case 'l': o.listening = true; break;
		case 'a': o.all = true; break;
		case 'n': break;
		case 'i': interfaces = true; break;
		case 's': stats = true; break;
		case 'r': routes = true; break;
		case 'A':
			if (strcmp(optarg, "inet") && strcmp(optarg, "inet6"))
				usage();
			inet6 = !strcmp(optarg, "inet6");
			break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (interfaces)
		return show_interfaces();
	if (stats)
		return show_stats();
	if (routes)
		return inet6 ? show_routes6() : show_routes4();
	if (!o.tcp && !o.udp)
		o.tcp = o.udp = true;
	return show_sockets(&o);
}
