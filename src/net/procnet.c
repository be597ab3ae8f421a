/*
 * /proc/net: the network stack's state as text, in Linux's formats (proc(5))
 * so that netstat-like tools parse it as they would on Linux:
 *
 *   /proc/net/dev    per-interface packet, byte, error and drop counters
 *   /proc/net/tcp    TCP sockets: addresses, state, queues (lwIP's PCB lists)
 *   /proc/net/udp    UDP sockets
 *   /proc/net/tcp6, /proc/net/udp6  the same for IPv6 and dual-stack PCBs
 *                    (an IPv4 connection a [::] listener accepted is in tcp)
 *   /proc/net/route  the routing table (subnet routes and the default route)
 *   /proc/net/snmp   IP/ICMP/TCP/UDP counters (lwIP's MIB2 statistics)
 *   (procnet6.c: if_inet6, snmp6, ipv6_route, igmp, igmp6)
 *
 * Each file is generated at open (vfs_add_generated) with net_lock held
 * while lwIP's lists and counters are read. Addresses are printed as Linux
 * does: the network-order 32-bit value as a hex number of the (little-endian)
 * CPU, ports in host order.
 */
#include <sis/init.h>
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/net.h>
#include <sis/netdev.h>
#include <sis/vfs.h>

#include "net_private.h"
#include "sock_inet.h"
#include "sock_tcp.h"
#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip_shim.h"
#include "lwip/udp.h"

#if !MIB2_STATS
#error "/proc/net/snmp needs lwIP's MIB2_STATS (src/net/lwipopts.h)"
#endif

/* ---- /proc/net/dev ---- */

/* Linux's columns; tx "drop" is tx_dropped: frames neither the ring nor the stack's TX backlog had room for. */
static void dev_line(struct ktext *t, const char *name, const struct netdev_stats *s)
{
	ktext_printf(t, "%6s:%8llu %7llu %4llu %4llu    0     0          0         0 "
		    "%8llu %7llu %4llu %4llu    0     0       0          0\n",
		    name, (unsigned long long)s->rx_bytes, (unsigned long long)s->rx_packets,
		    (unsigned long long)s->rx_errors, (unsigned long long)s->rx_dropped,
		    (unsigned long long)s->tx_bytes, (unsigned long long)s->tx_packets,
		    (unsigned long long)s->tx_errors, (unsigned long long)s->tx_dropped);
}

/* lo: lwIP counts what it loops back (to 127.0.0.1 or to our own addresses)
 * on the loopback netif's MIB2 counters; every such packet is also received. */
static void loopback_stats(struct netdev_stats *s)
{
	struct netif *nif = net_iface_netif(netdev_count());

	memset(s, 0, sizeof(*s));
	if (!nif)
		return;
	s->tx_bytes = s->rx_bytes = nif->mib2_counters.ifoutoctets;
	s->tx_packets = s->rx_packets = nif->mib2_counters.ifoutucastpkts;
	s->tx_errors = nif->mib2_counters.ifoutdiscards;
}

static long net_dev_show(char *buf, size_t size)
{
	struct ktext t = { buf, size, 0 };
	struct netdev_stats lo;

	ktext_printf(&t, "Inter-|   Receive                                                "
			"|  Transmit\n"
			" face |bytes    packets errs drop fifo frame compressed multicast|"
			"bytes    packets errs drop fifo colls carrier compressed\n");
	net_lock();
	loopback_stats(&lo);
	dev_line(&t, "lo", &lo);
	for (int i = 0; i < netdev_count(); i++)
		dev_line(&t, netdev_get(i)->name, &netdev_get(i)->stats);
	net_unlock();
	return (long)t.len;
}

/* ---- /proc/net/tcp and /proc/net/udp ---- */

/* Linux's TCP state numbers (include/net/tcp_states.h) for lwIP's enum tcp_state. */
static const u8 linux_tcp_state[] = {
	[CLOSED] = 0x07,     [LISTEN] = 0x0A,     [SYN_SENT] = 0x02,   [SYN_RCVD] = 0x03,
	[ESTABLISHED] = 0x01, [FIN_WAIT_1] = 0x04, [FIN_WAIT_2] = 0x05, [CLOSE_WAIT] = 0x08,
	[CLOSING] = 0x0B,    [LAST_ACK] = 0x09,   [TIME_WAIT] = 0x06,
};

u8 net_linux_tcp_state(enum tcp_state state)
{
	return (unsigned)state < ARRAY_SIZE(linux_tcp_state) ? linux_tcp_state[state] : 0x07;
}

/* Does the PCB with local address lip belong in tcp6/udp6 (six) or tcp/udp? */
static bool pcb_in_file(const ip_addr_t *lip, bool six)
{
	return six == !IP_IS_V4(lip);
}

/* An address as Linux prints it: the 32-bit words in memory order as CPU
 * hex numbers; IPv4 in a v6 file is v4-mapped. */
static void addr_hex(struct ktext *t, const ip_addr_t *ip, bool six)
{
	u32 w[4] = { 0, 0, 0, 0 };

	if (!six) {
		ktext_printf(t, "%08X", ip4_addr_get_u32(ip_2_ip4(ip)));
		return;
	}
	if (IP_IS_V6(ip)) {
		memcpy(w, ip_2_ip6(ip)->addr, 16);
	} else if (!ip_addr_isany(ip)) {
		w[2] = lwip_htonl(0xffff);
		w[3] = ip4_addr_get_u32(ip_2_ip4(ip));
	}
	ktext_printf(t, "%08X%08X%08X%08X", w[0], w[1], w[2], w[3]);
}

static void sock_line(struct ktext *t, bool six, int sl, const ip_addr_t *lip, u16 lport,
		      const ip_addr_t *rip, u16 rport, u8 state, u32 txq, u32 rxq, u32 retrans)
{
	ktext_printf(t, "%4d: ", sl);
	addr_hex(t, lip, six);
	ktext_printf(t, ":%04X ", lport);
	addr_hex(t, rip, six);
	ktext_printf(t, ":%04X %02X %08X:%08X 00:00000000 %08X %5u %8d %lu\n", rport, state, txq,
		    rxq, retrans, 0u, 0, 0ul);
}

/* One connection PCB (bound, active or TIME-WAIT): tx_queue is what the
 * peer has not acknowledged yet, rx_queue what the program has not read. */
static void procnet_tcp_line(struct ktext *t, bool six, int *sl, struct tcp_pcb *pcb)
{
	ip_addr_t lip, rip;
	u16 lport, rport;

	tcp_tcp_get_tcp_addrinfo(pcb, 1, &lip, &lport);
	tcp_tcp_get_tcp_addrinfo(pcb, 0, &rip, &rport);
	if (!pcb_in_file(&lip, six))
		return;
	sock_line(t, six, (*sl)++, &lip, lport, &rip, rport,
		  net_linux_tcp_state(tcp_dbg_get_tcp_state(pcb)), lwip_shim_tcp_unacked_bytes(pcb),
		  (u32)tcp_sock_pcb_rx_bytes(pcb), lwip_shim_tcp_retransmits(pcb));
}

static long procnet_tcp_show(char *buf, size_t size, bool six)
{
	struct ktext t = { buf, size, 0 };
	struct tcp_pcb_listen *lpcb;
	struct tcp_pcb *pcb;
	int sl = 0;

	if (six)
		ktext_printf(&t, "  sl  local_address                         remote_address        "
				"                st tx_queue rx_queue tr tm->when retrnsmt   uid  "
				"timeout inode\n");
	else
		ktext_printf(&t, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
				"retrnsmt   uid  timeout inode\n");
	net_lock();
	/*
	 * Listeners: rx_queue is connections waiting for accept(), tx_queue the
	 * backlog as listen() gave it (Linux admits one connection more than
	 * that, and so does sock_tcp.c: tcp_sock_listen_queue).
	 */
	for (lpcb = lwip_shim_tcp_listeners(); lpcb; lpcb = lwip_shim_tcp_listen_next(lpcb)) {
		u32 queued, backlog;
		ip_addr_t lip;
		u16 lport;

		tcp_sock_listen_queue(lpcb, &queued, &backlog);
		lwip_shim_tcp_listen_addr(lpcb, &lip, &lport);
		if (pcb_in_file(&lip, six))
			sock_line(&t, six, sl++, &lip, lport, IP4_ADDR_ANY, 0,
				  0x0A, backlog, queued, 0);
	}
	for (pcb = lwip_shim_tcp_first(LWIP_SHIM_TCP_ACTIVE); pcb; pcb = lwip_shim_tcp_next(pcb))
		procnet_tcp_line(&t, six, &sl, pcb);
	for (pcb = lwip_shim_tcp_first(LWIP_SHIM_TCP_TIME_WAIT); pcb; pcb = lwip_shim_tcp_next(pcb))
		procnet_tcp_line(&t, six, &sl, pcb);
	for (pcb = lwip_shim_tcp_first(LWIP_SHIM_TCP_BOUND); pcb; pcb = lwip_shim_tcp_next(pcb))
		procnet_tcp_line(&t, six, &sl, pcb);
	net_unlock();
	return (long)t.len;
}

static long net_tcp_show(char *buf, size_t size)
{
	return procnet_tcp_show(buf, size, false);
}

static long net_tcp6_show(char *buf, size_t size)
{
	return procnet_tcp_show(buf, size, true);
}

static long procnet_udp_show(char *buf, size_t size, bool six)
{
	struct ktext t = { buf, size, 0 };
	struct udp_pcb *pcb;
	int sl = 0;

	if (six)
		ktext_printf(&t, "  sl  local_address                         remote_address        "
				"                st tx_queue rx_queue tr tm->when retrnsmt   uid  "
				"timeout inode ref pointer drops\n");
	else
		ktext_printf(&t, "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
				"retrnsmt   uid  timeout inode\n");
	net_lock();
	for (pcb = lwip_shim_udp_first(); pcb; pcb = lwip_shim_udp_next(pcb)) {
		const ip_addr_t *local = lwip_shim_udp_local_ip(pcb);
		bool connected = udp_is_flag_set(pcb, UDP_FLAGS_CONNECTED);

		if (!pcb_in_file(local, six))
			continue;
		sock_line(&t, six, sl++, local, lwip_shim_udp_local_port(pcb),
			  lwip_shim_udp_remote_ip(pcb),
			  connected ? lwip_shim_udp_remote_port(pcb) : 0, connected ? 0x01 : 0x07,
			  0, (u32)udp_sock_pcb_rx_bytes(pcb), 0);
	}
	net_unlock();
	return (long)t.len;
}

static long net_udp_show(char *buf, size_t size)
{
	return procnet_udp_show(buf, size, false);
}

static long net_udp6_show(char *buf, size_t size)
{
	return procnet_udp_show(buf, size, true);
}

/* ---- /proc/net/route ---- */

#define RTF_UP 0x0001
#define RTF_GATEWAY 0x0002

static void route_line(struct ktext *t, const char *ifname, u32 dst, u32 gw, unsigned flags,
		       u32 mask)
{
	ktext_printf(t, "%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0\n", ifname, dst, gw, flags,
		    mask);
}

static long net_route_show(char *buf, size_t size)
{
	struct ktext t = { buf, size, 0 };

	ktext_printf(&t, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\t"
			"Window\tIRTT\n");
	net_lock();
	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);
		struct netif *nif = net_netif_of(dev);
		if (!nif || !netif_is_up(nif) || ip4_addr_isany_val(*netif_ip4_addr(nif)))
			continue;
		u32 addr = ip4_addr_get_u32(netif_ip4_addr(nif));
		u32 mask = ip4_addr_get_u32(netif_ip4_netmask(nif));
		u32 gw = ip4_addr_get_u32(netif_ip4_gw(nif));
		if (nif == netif_default && gw)
			route_line(&t, dev->name, 0, gw, RTF_UP | RTF_GATEWAY, 0);
		route_line(&t, dev->name, addr & mask, 0, RTF_UP, mask);
	}
	net_unlock();
	return (long)t.len;
}

/* ---- /proc/net/snmp ---- */

struct snmp_field {
	const char *name;
	long value;
};

/* One group: a line of names, then a line of values, as Linux prints it. */
static void snmp_group(struct ktext *t, const char *group, const struct snmp_field *f, size_t n)
{
	ktext_printf(t, "%s:", group);
	for (size_t i = 0; i < n; i++)
		ktext_printf(t, " %s", f[i].name);
	ktext_printf(t, "\n%s:", group);
	for (size_t i = 0; i < n; i++)
		ktext_printf(t, " %ld", f[i].value);
	ktext_printf(t, "\n");
}

/* Connections in ESTABLISHED or CLOSE_WAIT (MIB-II tcpCurrEstab). */
static long procnet_tcp_estab(void)
{
	long n = 0;

	for (struct tcp_pcb *pcb = lwip_shim_tcp_first(LWIP_SHIM_TCP_ACTIVE); pcb;
	     pcb = lwip_shim_tcp_next(pcb)) {
		enum tcp_state state = tcp_dbg_get_tcp_state(pcb);

		n += state == ESTABLISHED || state == CLOSE_WAIT;
	}
	return n;
}

static void snmp_ip_icmp(struct ktext *t, const struct stats_mib2 *m)
{
	const struct snmp_field ip[] = {
		{ "Forwarding", 2 }, { "DefaultTTL", IP_DEFAULT_TTL },
		{ "InReceives", m->ipinreceives }, { "InHdrErrors", m->ipinhdrerrors },
		{ "InAddrErrors", m->ipinaddrerrors }, { "ForwDatagrams", m->ipforwdatagrams },
		{ "InUnknownProtos", m->ipinunknownprotos }, { "InDiscards", m->ipindiscards },
		{ "InDelivers", m->ipindelivers }, { "OutRequests", m->ipoutrequests },
		{ "OutDiscards", m->ipoutdiscards }, { "OutNoRoutes", m->ipoutnoroutes },
		{ "ReasmReqds", m->ipreasmreqds }, { "ReasmOKs", m->ipreasmoks },
		{ "ReasmFails", m->ipreasmfails }, { "FragOKs", m->ipfragoks },
		{ "FragFails", m->ipfragfails }, { "FragCreates", m->ipfragcreates },
	};
	const struct snmp_field icmp[] = {
		{ "InMsgs", m->icmpinmsgs }, { "InErrors", m->icmpinerrors },
		{ "InCsumErrors", lwip_stats.icmp.chkerr },
		{ "InDestUnreachs", m->icmpindestunreachs }, { "InTimeExcds", m->icmpintimeexcds },
		{ "InParmProbs", m->icmpinparmprobs }, { "InSrcQuenchs", m->icmpinsrcquenchs },
		{ "InRedirects", m->icmpinredirects }, { "InEchos", m->icmpinechos },
		{ "InEchoReps", m->icmpinechoreps }, { "InTimestamps", m->icmpintimestamps },
		{ "InTimestampReps", m->icmpintimestampreps },
		{ "InAddrMasks", m->icmpinaddrmasks },
		{ "InAddrMaskReps", m->icmpinaddrmaskreps }, { "OutMsgs", m->icmpoutmsgs },
		{ "OutErrors", m->icmpouterrors }, { "OutDestUnreachs", m->icmpoutdestunreachs },
		{ "OutTimeExcds", m->icmpouttimeexcds }, { "OutEchos", m->icmpoutechos },
		{ "OutEchoReps", m->icmpoutechoreps },
	};

	snmp_group(t, "Ip", ip, ARRAY_SIZE(ip));
	snmp_group(t, "Icmp", icmp, ARRAY_SIZE(icmp));
}

static void snmp_tcp_udp(struct ktext *t, const struct stats_mib2 *m)
{
	/* RtoAlgorithm 1 = "other"; MaxConn -1 = no fixed limit (pools are kmalloc'd). */
	const struct snmp_field tcp[] = {
		{ "RtoAlgorithm", 1 }, { "MaxConn", -1 },
		{ "ActiveOpens", m->tcpactiveopens }, { "PassiveOpens", m->tcppassiveopens },
		{ "AttemptFails", m->tcpattemptfails }, { "EstabResets", m->tcpestabresets },
		{ "CurrEstab", procnet_tcp_estab() }, { "InSegs", m->tcpinsegs },
		{ "OutSegs", m->tcpoutsegs }, { "RetransSegs", m->tcpretranssegs },
		{ "InErrs", m->tcpinerrs }, { "OutRsts", m->tcpoutrsts },
		{ "InCsumErrors", lwip_stats.tcp.chkerr },
	};
	const struct snmp_field udp[] = {
		{ "InDatagrams", m->udpindatagrams }, { "NoPorts", m->udpnoports },
		{ "InErrors", m->udpinerrors }, { "OutDatagrams", m->udpoutdatagrams },
		{ "InCsumErrors", lwip_stats.udp.chkerr },
	};

	snmp_group(t, "Tcp", tcp, ARRAY_SIZE(tcp));
	snmp_group(t, "Udp", udp, ARRAY_SIZE(udp));
}

static long net_snmp_show(char *buf, size_t size)
{
	struct ktext t = { buf, size, 0 };
	struct stats_mib2 m;

	net_lock();
	m = lwip_stats.mib2;
	snmp_ip_icmp(&t, &m);
	snmp_tcp_udp(&t, &m);
	net_unlock();
	return (long)t.len;
}

/* procnet6.c */
long net_if_inet6_show(char *buf, size_t size);
long net_snmp6_show(char *buf, size_t size);
long net_igmp_show(char *buf, size_t size);
long net_igmp6_show(char *buf, size_t size);
long net_ipv6_route_show(char *buf, size_t size);

static int procnet_init(void)
{
	static const struct {
		const char *path;
		long (*show)(char *buf, size_t size);
	} files[] = {
		{ "/proc/net/dev", net_dev_show },     { "/proc/net/tcp", net_tcp_show },
		{ "/proc/net/udp", net_udp_show },     { "/proc/net/route", net_route_show },
		{ "/proc/net/snmp", net_snmp_show },   { "/proc/net/tcp6", net_tcp6_show },
		{ "/proc/net/udp6", net_udp6_show },   { "/proc/net/if_inet6", net_if_inet6_show },
		{ "/proc/net/snmp6", net_snmp6_show }, { "/proc/net/igmp", net_igmp_show },
		{ "/proc/net/igmp6", net_igmp6_show }, { "/proc/net/ipv6_route", net_ipv6_route_show },
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		int err = vfs_add_generated(files[i].path, files[i].show);
		if (err) {
			log_warn("NET: cannot add %s: %d", files[i].path, err);
			return err;
		}
	}
	return 0;
}
INITCALL(INIT_LATE, procnet_init);
