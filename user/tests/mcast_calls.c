/*
 * Multicast socket options, each result and errno checked against Linux:
 * IP_ADD_MEMBERSHIP/IP_DROP_MEMBERSHIP (ip_mreq and ip_mreqn),
 * MCAST_JOIN_GROUP/MCAST_LEAVE_GROUP at SOL_IP and SOL_IPV6,
 * IPV6_JOIN_GROUP/IPV6_LEAVE_GROUP, IP_MULTICAST_TTL/LOOP/IF and
 * IPV6_MULTICAST_HOPS/LOOP/IF (values, lengths, defaults), the group in
 * /proc/net/igmp and /proc/net/igmp6, and a datagram to a group joined on
 * lo; the control messages recvmsg gives (IP_PKTINFO, IP_TTL, IPV6_PKTINFO,
 * IPV6_HOPLIMIT, v4-mapped on dual-stack sockets, MSG_CTRUNC) and sendmsg's
 * IP_PKTINFO/IPV6_PKTINFO source. On SIS (-DON_SIS) also: joining and closing without leaving, many
 * times, leaves no lwIP group, socket or heap byte behind (/proc/net/sis_pools).
 *
 * With arguments it is the guest side of test_mcast.py's tap test:
 *   mcast_calls recv GROUP PORT IFINDEX   join GROUP on IFINDEX, print the
 *                                          first datagram ("got TEXT from ADDR")
 *   mcast_calls send GROUP PORT IFINDEX N  send N datagrams to GROUP:PORT
 *                                          out of IFINDEX, 100 ms apart
 *
 * A glibc program: built with aarch64-linux-gnu-gcc -static for SIS and
 * with the host's gcc for Linux, where test_mcast.py runs it as the
 * reference (in a namespace with only lo when root).
 * Prints "mcast_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "eq_err.h"
#include "sockopt_int.h"

#define SA(a) ((struct sockaddr *)&(a))
#define LO 1 /* lo's interface index, on SIS and in a Linux namespace */

static struct in_addr in4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static struct in6_addr in6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static struct ip_mreq mreq(const char *group, const char *iface)
{
	struct ip_mreq m = { in4(group), in4(iface) };

	return m;
}

static struct ip_mreqn mreqn(const char *group, int ifindex)
{
	struct ip_mreqn m = { in4(group), in4("0.0.0.0"), ifindex };

	return m;
}

static struct ipv6_mreq mreq6(const char *group, int ifindex)
{
	struct ipv6_mreq m = { in6(group), ifindex };

	return m;
}

/* MCAST_JOIN_GROUP's argument: group (of family) on ifindex. */
static struct group_req greq(int family, const char *group, unsigned ifindex)
{
	struct group_req g;
	struct sockaddr_in *sin = (struct sockaddr_in *)&g.gr_group;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&g.gr_group;

	memset(&g, 0, sizeof(g));
	g.gr_interface = ifindex;
	g.gr_group.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		sin->sin_addr = in4(group);
	else
		sin6->sin6_addr = in6(group);
	return g;
}

/* Does the file contain a line with both words? */
static int file_has(const char *path, const char *a, const char *b)
{
	char line[256];
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, a) && (!b || strstr(line, b));
	fclose(f);
	return found;
}

static void test_ip4_options(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
	struct ip_mreqn rn;
	struct in_addr a;
	socklen_t len;
	unsigned char c;
	int v;

	EQ(getint(u, SOL_IP, IP_MULTICAST_TTL), 1);
	EQ(getint(u, SOL_IP, IP_MULTICAST_LOOP), 1);
	EQ(getint(u, SOL_IP, IP_MULTICAST_IF), 0);
	CHECK_HOPS(u, SOL_IP, IP_MULTICAST_TTL, 1, 5);
	c = 7;
	EQ(setsockopt(u, SOL_IP, IP_MULTICAST_TTL, &c, 1), 0); /* one byte, as BSD code passes it */
	EQ(getint(u, SOL_IP, IP_MULTICAST_TTL), 7);
	ERR(setsockopt(u, SOL_IP, IP_MULTICAST_TTL, &c, 0), EINVAL);
	c = 0;
	len = 1;
	EQ(getsockopt(u, SOL_IP, IP_MULTICAST_TTL, &c, &len), 0);
	EQ(c, 7);
	EQ(len, 1);
	len = 3;
	EQ(getsockopt(u, SOL_IP, IP_MULTICAST_TTL, &v, &len), 0);
	EQ(len, 1);
	EQ(setint(u, SOL_IP, IP_MULTICAST_LOOP, 0), 0);
	EQ(getint(u, SOL_IP, IP_MULTICAST_LOOP), 0);
	EQ(setint(u, SOL_IP, IP_MULTICAST_LOOP, 5), 0);
	EQ(getint(u, SOL_IP, IP_MULTICAST_LOOP), 1);
	ERR(setsockopt(u, SOL_IP, IP_MULTICAST_LOOP, &c, 0), EINVAL);

	a = in4("127.0.0.1");
	EQ(setsockopt(u, SOL_IP, IP_MULTICAST_IF, &a, sizeof(a)), 0);
	a.s_addr = 0;
	len = sizeof(a);
	EQ(getsockopt(u, SOL_IP, IP_MULTICAST_IF, &a, &len), 0);
	EQ(len, sizeof(a));
	EQ(a.s_addr, htonl(INADDR_LOOPBACK));
	a = in4("10.9.9.9");
	ERR(setsockopt(u, SOL_IP, IP_MULTICAST_IF, &a, sizeof(a)), EADDRNOTAVAIL);
	ERR(setsockopt(u, SOL_IP, IP_MULTICAST_IF, &a, 3), EINVAL);
	rn = mreqn("0.0.0.0", LO);
	EQ(setsockopt(u, SOL_IP, IP_MULTICAST_IF, &rn, sizeof(rn)), 0);
	rn = mreqn("0.0.0.0", 999);
	ERR(setsockopt(u, SOL_IP, IP_MULTICAST_IF, &rn, sizeof(rn)), EADDRNOTAVAIL);
	a.s_addr = 0;
	EQ(setsockopt(u, SOL_IP, IP_MULTICAST_IF, &a, sizeof(a)), 0);
	EQ(getint(u, SOL_IP, IP_MULTICAST_IF), 0);

	/* TCP: multicast sending options are EINVAL, membership EPROTO. */
	ERR(setint(t, SOL_IP, IP_MULTICAST_TTL, 2), EINVAL);
	a = in4("127.0.0.1");
	ERR(setsockopt(t, SOL_IP, IP_MULTICAST_IF, &a, sizeof(a)), EINVAL);
	{
		struct ip_mreq m = mreq("239.1.2.3", "127.0.0.1");

		ERR(setsockopt(t, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), EPROTO);
		ERR(setsockopt(t, SOL_IP, IP_ADD_MEMBERSHIP, &m, 1), EPROTO);
	}
	close(u);
	close(t);
}

static void test_ip4_membership(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct ip_mreq m = mreq("239.1.2.3", "127.0.0.1");
	struct ip_mreqn rn;
	struct group_req g;
	char name[16];

	EQ(setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), 0);
	ERR(setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), EADDRINUSE);
	rn = mreqn("239.1.2.3", LO);
	ERR(setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &rn, sizeof(rn)), EADDRINUSE);
	EQ(file_has("/proc/net/igmp", "030201EF", NULL), 1);
	ERR(setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m) - 1), EINVAL);
	m = mreq("10.1.2.3", "127.0.0.1");
	ERR(setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), EINVAL);
	m = mreq("239.1.2.4", "10.9.9.9");
	ERR(setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), ENODEV);
	rn = mreqn("239.1.2.4", 999);
	ERR(setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &rn, sizeof(rn)), ENODEV);

	m = mreq("239.9.9.9", "127.0.0.1");
	ERR(setsockopt(u, SOL_IP, IP_DROP_MEMBERSHIP, &m, sizeof(m)), EADDRNOTAVAIL);
	m = mreq("10.1.2.3", "127.0.0.1");
	ERR(setsockopt(u, SOL_IP, IP_DROP_MEMBERSHIP, &m, sizeof(m)), EADDRNOTAVAIL);
	ERR(setsockopt(u, SOL_IP, IP_DROP_MEMBERSHIP, &m, 7), EINVAL);
	rn = mreqn("239.1.2.3", LO);
	EQ(setsockopt(u, SOL_IP, IP_DROP_MEMBERSHIP, &rn, sizeof(rn)), 0);
	ERR(setsockopt(u, SOL_IP, IP_DROP_MEMBERSHIP, &rn, sizeof(rn)), EADDRNOTAVAIL);
	EQ(file_has("/proc/net/igmp", "030201EF", NULL), 0);

	/* 224.0.0.1, which every interface is in, is a membership like another. */
	m = mreq("224.0.0.1", "127.0.0.1");
	EQ(setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), 0);
	EQ(setsockopt(u, SOL_IP, IP_DROP_MEMBERSHIP, &m, sizeof(m)), 0);
	EQ(file_has("/proc/net/igmp", "010000E0", NULL), 1);

	g = greq(AF_INET, "239.1.2.4", LO);
	EQ(setsockopt(u, SOL_IP, MCAST_JOIN_GROUP, &g, sizeof(g)), 0);
	ERR(setsockopt(u, SOL_IP, MCAST_JOIN_GROUP, &g, sizeof(g)), EADDRINUSE);
	ERR(setsockopt(u, SOL_IP, MCAST_JOIN_GROUP, &g, sizeof(g) - 1), EINVAL);
	g.gr_group.ss_family = AF_INET6;
	ERR(setsockopt(u, SOL_IP, MCAST_JOIN_GROUP, &g, sizeof(g)), EINVAL);
	g = greq(AF_INET, "239.1.2.4", LO);
	EQ(setsockopt(u, SOL_IP, MCAST_LEAVE_GROUP, &g, sizeof(g)), 0);
	ERR(setsockopt(u, SOL_IP, MCAST_LEAVE_GROUP, &g, sizeof(g)), EADDRNOTAVAIL);

	/* Linux's net.ipv4.igmp_max_memberships: 20 groups a socket. */
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "239.2.0.%d", i + 1);
		m = mreq(name, "127.0.0.1");
		EQ(setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), 0);
	}
	m = mreq("239.2.0.99", "127.0.0.1");
	ERR(setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), ENOBUFS);
	EQ(file_has("/proc/net/igmp", "140002EF", NULL), 1);
	close(u); /* leaves them */
	EQ(file_has("/proc/net/igmp", "140002EF", NULL), 0);
}

static void test_ip6_options(void)
{
	int u = socket(AF_INET6, SOCK_DGRAM, 0), t = socket(AF_INET6, SOCK_STREAM, 0);
	struct ipv6_mreq m = mreq6("ff0e::1:3", LO);
	char c = 1;

	EQ(getint(u, SOL_IPV6, IPV6_MULTICAST_HOPS), 1);
	EQ(getint(u, SOL_IPV6, IPV6_MULTICAST_LOOP), 1);
	EQ(getint(u, SOL_IPV6, IPV6_MULTICAST_IF), 0);
	CHECK_HOPS(u, SOL_IPV6, IPV6_MULTICAST_HOPS, 1, 9);
	ERR(setsockopt(u, SOL_IPV6, IPV6_MULTICAST_HOPS, &c, 1), EINVAL);
	ERR(setint(u, SOL_IPV6, IPV6_MULTICAST_LOOP, 2), EINVAL);
	EQ(setint(u, SOL_IPV6, IPV6_MULTICAST_LOOP, 0), 0);
	EQ(getint(u, SOL_IPV6, IPV6_MULTICAST_LOOP), 0);
	ERR(setsockopt(u, SOL_IPV6, IPV6_MULTICAST_LOOP, &c, 1), EINVAL);
	EQ(setint(u, SOL_IPV6, IPV6_MULTICAST_IF, LO), 0);
	EQ(getint(u, SOL_IPV6, IPV6_MULTICAST_IF), LO);
	ERR(setint(u, SOL_IPV6, IPV6_MULTICAST_IF, 999), ENODEV);
	EQ(setint(u, SOL_IPV6, IPV6_MULTICAST_IF, 0), 0);
	EQ(getint(u, SOL_IPV6, IPV6_MULTICAST_IF), 0);
	/* An AF_INET6 UDP socket has the IPv4 options too (for v4-mapped peers). */
	EQ(setint(u, SOL_IP, IP_MULTICAST_TTL, 3), 0);
	EQ(getint(u, SOL_IP, IP_MULTICAST_TTL), 3);
	EQ(getint(u, SOL_IPV6, IPV6_MULTICAST_HOPS), 1);

	/* TCP: the sending options are not there, membership is EPROTO after
	 * the length check. */
	ERR(setint(t, SOL_IPV6, IPV6_MULTICAST_HOPS, 2), ENOPROTOOPT);
	ERR(setint(t, SOL_IPV6, IPV6_MULTICAST_IF, LO), ENOPROTOOPT);
	ERR(setsockopt(t, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)), EPROTO);
	ERR(setsockopt(t, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m) - 1), EINVAL);
	close(u);
	close(t);
}

static void test_ip6_membership(void)
{
	int u = socket(AF_INET6, SOCK_DGRAM, 0);
	struct ipv6_mreq m = mreq6("ff0e::1:3", LO);
	struct group_req g;

	EQ(setsockopt(u, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)), 0);
	ERR(setsockopt(u, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)), EADDRINUSE);
	m.ipv6mr_interface = 0; /* any interface's membership is a duplicate */
	ERR(setsockopt(u, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)), EADDRINUSE);
	EQ(file_has("/proc/net/igmp6", "ff0e0000000000000000000000010003", "lo"), 1);
	ERR(setsockopt(u, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m) - 1), EINVAL);
	m = mreq6("2001:db8::1", LO);
	ERR(setsockopt(u, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)), EINVAL);
	m = mreq6("::ffff:239.1.2.3", LO);
	ERR(setsockopt(u, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)), EINVAL);
	m = mreq6("ff0e::1:4", 999);
	ERR(setsockopt(u, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)), ENODEV);

	m = mreq6("ff0e::9", LO);
	ERR(setsockopt(u, SOL_IPV6, IPV6_LEAVE_GROUP, &m, sizeof(m)), EADDRNOTAVAIL);
	m = mreq6("2001:db8::1", LO);
	ERR(setsockopt(u, SOL_IPV6, IPV6_LEAVE_GROUP, &m, sizeof(m)), EINVAL);
	m = mreq6("ff0e::1:3", 0);
	EQ(setsockopt(u, SOL_IPV6, IPV6_LEAVE_GROUP, &m, sizeof(m)), 0);
	ERR(setsockopt(u, SOL_IPV6, IPV6_LEAVE_GROUP, &m, sizeof(m)), EADDRNOTAVAIL);
	EQ(file_has("/proc/net/igmp6", "ff0e0000000000000000000000010003", NULL), 0);

	m = mreq6("ff02::1", LO);
	EQ(setsockopt(u, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)), 0);
	EQ(setsockopt(u, SOL_IPV6, IPV6_LEAVE_GROUP, &m, sizeof(m)), 0);

	g = greq(AF_INET6, "ff0e::1:4", LO);
	EQ(setsockopt(u, SOL_IPV6, MCAST_JOIN_GROUP, &g, sizeof(g)), 0);
	ERR(setsockopt(u, SOL_IPV6, MCAST_JOIN_GROUP, &g, sizeof(g)), EADDRINUSE);
	ERR(setsockopt(u, SOL_IPV6, MCAST_JOIN_GROUP, &g, sizeof(g) - 1), EINVAL);
	EQ(setsockopt(u, SOL_IPV6, MCAST_LEAVE_GROUP, &g, sizeof(g)), 0);
	ERR(setsockopt(u, SOL_IPV6, MCAST_LEAVE_GROUP, &g, sizeof(g)), EADDRNOTAVAIL);
	g = greq(AF_INET, "239.1.2.6", LO);
	ERR(setsockopt(u, SOL_IPV6, MCAST_JOIN_GROUP, &g, sizeof(g)), EADDRNOTAVAIL);
	/* ... while at SOL_IP, an AF_INET6 socket joins IPv4 groups. */
	EQ(setsockopt(u, SOL_IP, MCAST_JOIN_GROUP, &g, sizeof(g)), 0);
	EQ(file_has("/proc/net/igmp", "060201EF", NULL), 1);
	EQ(setsockopt(u, SOL_IP, MCAST_LEAVE_GROUP, &g, sizeof(g)), 0);

	g = greq(AF_INET6, "ff0e::1:5", LO);
	EQ(setsockopt(u, SOL_IPV6, MCAST_JOIN_GROUP, &g, sizeof(g)), 0);
	close(u); /* leaves it */
	EQ(file_has("/proc/net/igmp6", "ff0e0000000000000000000000010005", NULL), 0);
}

/* Wait up to ms for a datagram on fd: its length (buf filled) or -1. */
static long recv_wait(int fd, char *buf, size_t size, int ms, struct sockaddr_storage *from)
{
	struct pollfd p = { fd, POLLIN, 0 };
	socklen_t len = sizeof(*from);

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recvfrom(fd, buf, size, MSG_DONTWAIT, (struct sockaddr *)from, &len);
}

/* A datagram to a group joined on lo reaches the sockets bound to its port. */
static void test_ip4_data(void)
{
	int r = socket(AF_INET, SOCK_DGRAM, 0), rg = socket(AF_INET, SOCK_DGRAM, 0);
	int s = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
	struct sockaddr_in any = { AF_INET, 0, { 0 }, { 0 } }, grp = any;
	struct ip_mreq m = mreq("239.1.2.5", "127.0.0.1");
	struct sockaddr_storage from;
	struct in_addr lo = in4("127.0.0.1");
	socklen_t len = sizeof(any);
	char buf[64];

	EQ(setsockopt(r, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)), 0);
	EQ(setsockopt(rg, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)), 0);
	EQ(bind(r, SA(any), sizeof(any)), 0);
	EQ(getsockname(r, SA(any), &len), 0);
	grp.sin_port = any.sin_port;
	grp.sin_addr = in4("239.1.2.5");
	EQ(bind(rg, SA(grp), sizeof(grp)), 0); /* a datagram socket may bind to a group */
	EQ(setsockopt(r, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), 0);
	EQ(setsockopt(s, SOL_IP, IP_MULTICAST_IF, &lo, sizeof(lo)), 0);
	EQ(sendto(s, "hello4", 6, 0, SA(grp), sizeof(grp)), 6);
	EQ(recv_wait(r, buf, sizeof(buf), 2000, &from), 6);
	EQ(memcmp(buf, "hello4", 6), 0);
	EQ(((struct sockaddr_in *)&from)->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	EQ(recv_wait(rg, buf, sizeof(buf), 2000, &from), 6);
	/* Left: nobody is in the group, nothing arrives (lo may have looped a
	 * second copy of the first: drain it). */
	EQ(setsockopt(r, SOL_IP, IP_DROP_MEMBERSHIP, &m, sizeof(m)), 0);
	while (recv_wait(r, buf, sizeof(buf), 200, &from) >= 0)
		;
	while (recv_wait(rg, buf, sizeof(buf), 0, &from) >= 0)
		;
	EQ(sendto(s, "again", 5, 0, SA(grp), sizeof(grp)), 5);
	EQ(recv_wait(r, buf, sizeof(buf), 300, &from), -1);
	EQ(recv_wait(rg, buf, sizeof(buf), 0, &from), -1);
	close(r);
	close(rg);
	close(s);
}

/* ---- IP_PKTINFO, IP_RECVTTL, IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT ---- */

struct got {
	long n;
	int flags;
	size_t controllen;
	char control[256];
};

static void recvmsg_wait(int fd, size_t controllen, struct got *g)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh;

	memset(g, 0, sizeof(*g));
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = controllen ? g->control : NULL;
	mh.msg_controllen = controllen;
	g->n = poll(&p, 1, 2000) == 1 ? recvmsg(fd, &mh, MSG_DONTWAIT) : -1;
	g->flags = mh.msg_flags;
	g->controllen = mh.msg_controllen;
}

/* The i-th control message of g (level, type and data length checked). */
static const void *cmsg_at(const struct got *g, int i, int level, int type, size_t len)
{
	struct msghdr mh;
	struct cmsghdr *c;

	memset(&mh, 0, sizeof(mh));
	mh.msg_control = (void *)g->control;
	mh.msg_controllen = g->controllen;
	for (c = CMSG_FIRSTHDR(&mh); c && i > 0; c = CMSG_NXTHDR(&mh, c))
		i--;
	checks++;
	if (!c || c->cmsg_level != level || c->cmsg_type != type || c->cmsg_len != CMSG_LEN(len)) {
		failures++;
		printf("FAIL: cmsg %d: want level %d type %d len %zu, got %s %d %d %zu\n", i, level,
		       type, (size_t)CMSG_LEN(len), c ? "" : "none", c ? c->cmsg_level : 0,
		       c ? c->cmsg_type : 0, c ? (size_t)c->cmsg_len : 0);
		return NULL;
	}
	return CMSG_DATA(c);
}

static int ttl_of(const void *data)
{
	int v = -1;

	if (data)
		memcpy(&v, data, sizeof(v));
	return v;
}

static void test_pktinfo4(void)
{
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
	struct ip_mreq m = mreq("239.1.2.8", "127.0.0.1");
	socklen_t len = sizeof(a);
	struct in_pktinfo pi;
	const void *d;
	struct got g;

	EQ(getint(r, SOL_IP, IP_PKTINFO), 0);
	EQ(setint(r, SOL_IP, IP_PKTINFO, 1), 0);
	EQ(setint(r, SOL_IP, IP_RECVTTL, 1), 0);
	EQ(getint(r, SOL_IP, IP_PKTINFO), 1);
	EQ(getint(r, SOL_IP, IP_RECVTTL), 1);
	a.sin_addr.s_addr = 0;
	EQ(bind(r, SA(a), sizeof(a)), 0);
	EQ(getsockname(r, SA(a), &len), 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	EQ(setint(s, SOL_IP, IP_TTL, 33), 0);
	EQ(sendto(s, "p4", 2, 0, SA(a), sizeof(a)), 2);
	recvmsg_wait(r, sizeof(g.control), &g);
	EQ(g.n, 2);
	EQ(g.flags & MSG_CTRUNC, 0);
	EQ(g.controllen, CMSG_SPACE(sizeof(pi)) + CMSG_SPACE(sizeof(int)));
	d = cmsg_at(&g, 0, SOL_IP, IP_PKTINFO, sizeof(pi));
	if (d) {
		memcpy(&pi, d, sizeof(pi));
		EQ(pi.ipi_ifindex, LO);
		EQ(pi.ipi_addr.s_addr, htonl(INADDR_LOOPBACK));
		EQ(pi.ipi_spec_dst.s_addr, htonl(INADDR_LOOPBACK));
	}
	EQ(ttl_of(cmsg_at(&g, 1, SOL_IP, IP_TTL, sizeof(int))), 33);

	/* Too little room: the first cut short, the second left out. */
	EQ(sendto(s, "p4", 2, 0, SA(a), sizeof(a)), 2);
	recvmsg_wait(r, CMSG_LEN(4), &g);
	EQ(g.n, 2);
	EQ(g.flags & MSG_CTRUNC, MSG_CTRUNC);
	EQ(g.controllen, CMSG_LEN(4));
	EQ(((struct cmsghdr *)g.control)->cmsg_len, CMSG_LEN(4));
	EQ(sendto(s, "p4", 2, 0, SA(a), sizeof(a)), 2);
	recvmsg_wait(r, 0, &g);
	EQ(g.n, 2);
	EQ(g.flags & MSG_CTRUNC, MSG_CTRUNC);
	EQ(g.controllen, 0);

	/* To a group: the group, and the interface's address to answer from. */
	EQ(setsockopt(r, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)), 0);
	EQ(setsockopt(s, SOL_IP, IP_MULTICAST_IF, &a.sin_addr, sizeof(a.sin_addr)), 0);
	a.sin_addr = in4("239.1.2.8");
	EQ(sendto(s, "p4", 2, 0, SA(a), sizeof(a)), 2);
	recvmsg_wait(r, sizeof(g.control), &g);
	EQ(g.n, 2);
	d = cmsg_at(&g, 0, SOL_IP, IP_PKTINFO, sizeof(pi));
	if (d) {
		memcpy(&pi, d, sizeof(pi));
		EQ(pi.ipi_addr.s_addr, in4("239.1.2.8").s_addr);
		EQ(pi.ipi_spec_dst.s_addr, htonl(INADDR_LOOPBACK));
	}
	EQ(ttl_of(cmsg_at(&g, 1, SOL_IP, IP_TTL, sizeof(int))), 1); /* IP_MULTICAST_TTL */
	close(r);
	close(s);
}

static long send_cmsg(int fd, const void *to, socklen_t tolen, int level, int type,
		      const void *data, size_t len, size_t cmsg_len)
{
	char control[128] __attribute__((aligned(8)));
	struct iovec iov = { "pk", 2 };
	struct msghdr mh;
	struct cmsghdr *c = (struct cmsghdr *)control;

	memset(control, 0, sizeof(control));
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = (void *)to;
	mh.msg_namelen = tolen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control;
	mh.msg_controllen = CMSG_SPACE(len);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = cmsg_len;
	memcpy(CMSG_DATA(c), data, len);
	return sendmsg(fd, &mh, 0);
}

static void test_pktinfo6(void)
{
	int r = socket(AF_INET6, SOCK_DGRAM, 0), s = socket(AF_INET6, SOCK_DGRAM, 0);
	int s4 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in6 a;
	struct sockaddr_in a4 = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
	socklen_t len = sizeof(a);
	struct in6_pktinfo pi6;
	struct in_pktinfo pi;
	const void *d;
	struct got g;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	EQ(setint(r, SOL_IPV6, IPV6_RECVPKTINFO, 1), 0);
	EQ(setint(r, SOL_IPV6, IPV6_RECVHOPLIMIT, 1), 0);
	EQ(getint(r, SOL_IPV6, IPV6_RECVPKTINFO), 1);
	EQ(getint(r, SOL_IPV6, IPV6_RECVHOPLIMIT), 1);
	EQ(bind(r, SA(a), sizeof(a)), 0); /* [::], dual stack */
	EQ(getsockname(r, SA(a), &len), 0);
	a.sin6_addr = in6("::1");
	a4.sin_port = a.sin6_port;
	EQ(setint(s, SOL_IPV6, IPV6_UNICAST_HOPS, 44), 0);
	EQ(sendto(s, "p6", 2, 0, SA(a), sizeof(a)), 2);
	recvmsg_wait(r, sizeof(g.control), &g);
	EQ(g.n, 2);
	EQ(g.controllen, CMSG_SPACE(sizeof(pi6)) + CMSG_SPACE(sizeof(int)));
	d = cmsg_at(&g, 0, SOL_IPV6, IPV6_PKTINFO, sizeof(pi6));
	if (d) {
		memcpy(&pi6, d, sizeof(pi6));
		EQ(pi6.ipi6_ifindex, LO);
		EQ(memcmp(&pi6.ipi6_addr, &in6addr_loopback, 16), 0);
	}
	EQ(ttl_of(cmsg_at(&g, 1, SOL_IPV6, IPV6_HOPLIMIT, sizeof(int))), 44);

	/* IPv4 to the dual-stack socket: a v4-mapped IPV6_PKTINFO, no hop
	 * limit; IP_TTL once IP_RECVTTL is on. */
	EQ(setint(s4, SOL_IP, IP_TTL, 33), 0);
	EQ(sendto(s4, "p4", 2, 0, SA(a4), sizeof(a4)), 2);
	recvmsg_wait(r, sizeof(g.control), &g);
	EQ(g.n, 2);
	EQ(g.controllen, CMSG_SPACE(sizeof(pi6)));
	d = cmsg_at(&g, 0, SOL_IPV6, IPV6_PKTINFO, sizeof(pi6));
	if (d) {
		struct in6_addr mapped = in6("::ffff:127.0.0.1");

		memcpy(&pi6, d, sizeof(pi6));
		EQ(pi6.ipi6_ifindex, LO);
		EQ(memcmp(&pi6.ipi6_addr, &mapped, 16), 0);
	}
	EQ(setint(r, SOL_IP, IP_RECVTTL, 1), 0);
	EQ(sendto(s4, "p4", 2, 0, SA(a4), sizeof(a4)), 2);
	recvmsg_wait(r, sizeof(g.control), &g);
	EQ(g.n, 2);
	cmsg_at(&g, 0, SOL_IPV6, IPV6_PKTINFO, sizeof(pi6));
	EQ(ttl_of(cmsg_at(&g, 1, SOL_IP, IP_TTL, sizeof(int))), 33);

	/* sendmsg's IPV6_PKTINFO picks the source; a foreign one is EINVAL
	 * (IPv4: no route, ENETUNREACH), an unknown interface ENODEV, a short
	 * cmsg EINVAL. */
	memset(&pi6, 0, sizeof(pi6));
	pi6.ipi6_addr = in6("::1");
	EQ(send_cmsg(s, &a, sizeof(a), SOL_IPV6, IPV6_PKTINFO, &pi6, sizeof(pi6),
		     CMSG_LEN(sizeof(pi6))), 2);
	recvmsg_wait(r, sizeof(g.control), &g);
	EQ(g.n, 2);
	pi6.ipi6_ifindex = LO;
	EQ(send_cmsg(s, &a, sizeof(a), SOL_IPV6, IPV6_PKTINFO, &pi6, sizeof(pi6),
		     CMSG_LEN(sizeof(pi6))), 2);
	recvmsg_wait(r, sizeof(g.control), &g);
	EQ(g.n, 2);
	pi6.ipi6_addr = in6("2001:db8::1");
	ERR(send_cmsg(s, &a, sizeof(a), SOL_IPV6, IPV6_PKTINFO, &pi6, sizeof(pi6),
		      CMSG_LEN(sizeof(pi6))), EINVAL);
	pi6.ipi6_addr = in6("::");
	pi6.ipi6_ifindex = 999;
	ERR(send_cmsg(s, &a, sizeof(a), SOL_IPV6, IPV6_PKTINFO, &pi6, sizeof(pi6),
		      CMSG_LEN(sizeof(pi6))), ENODEV);
	pi6.ipi6_ifindex = 0;
	ERR(send_cmsg(s, &a, sizeof(a), SOL_IPV6, IPV6_PKTINFO, &pi6, sizeof(pi6),
		      CMSG_LEN(sizeof(pi6) - 1)), EINVAL);
	/* ... and IP_PKTINFO for IPv4: exactly an in_pktinfo. */
	memset(&pi, 0, sizeof(pi));
	pi.ipi_spec_dst.s_addr = htonl(INADDR_LOOPBACK);
	EQ(send_cmsg(s4, &a4, sizeof(a4), SOL_IP, IP_PKTINFO, &pi, sizeof(pi),
		     CMSG_LEN(sizeof(pi))), 2);
	recvmsg_wait(r, sizeof(g.control), &g);
	EQ(g.n, 2);
	pi.ipi_spec_dst = in4("10.9.9.9");
	ERR(send_cmsg(s4, &a4, sizeof(a4), SOL_IP, IP_PKTINFO, &pi, sizeof(pi),
		      CMSG_LEN(sizeof(pi))), ENETUNREACH);
	pi.ipi_spec_dst.s_addr = 0;
	pi.ipi_ifindex = 999;
	ERR(send_cmsg(s4, &a4, sizeof(a4), SOL_IP, IP_PKTINFO, &pi, sizeof(pi),
		      CMSG_LEN(sizeof(pi))), ENODEV);
	pi.ipi_ifindex = 0;
	ERR(send_cmsg(s4, &a4, sizeof(a4), SOL_IP, IP_PKTINFO, &pi, sizeof(pi),
		      CMSG_LEN(sizeof(pi)) + 4), EINVAL);
	close(r);
	close(s);
	close(s4);
}

#ifdef ON_SIS
/* A counter of /proc/net/sis_pools ("pool NAME used ..." or "NAME value"). */
static long pool_value(const char *name)
{
	char line[128], key[64];
	long v = -1, n;
	FILE *f = fopen("/proc/net/sis_pools", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if ((sscanf(line, "pool %63s %ld", key, &n) == 2 ||
		     sscanf(line, "%63s %ld", key, &n) == 2) && !strcmp(key, name))
			v = n;
	}
	fclose(f);
	return v;
}

static void join_and_close(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0), u6 = socket(AF_INET6, SOCK_DGRAM, 0);
	char name[32];

	for (int i = 0; i < 3; i++) {
		struct ip_mreq m;
		struct ipv6_mreq m6;

		snprintf(name, sizeof(name), "239.3.0.%d", i + 1);
		m = mreq(name, "127.0.0.1");
		setsockopt(u, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m));
		snprintf(name, sizeof(name), "ff0e::3:%d", i + 1);
		m6 = mreq6(name, LO);
		setsockopt(u6, SOL_IPV6, IPV6_JOIN_GROUP, &m6, sizeof(m6));
	}
	close(u);
	close(u6);
}

static void test_no_leak(void)
{
	static const char *const names[] = { "IGMP_GROUP", "MLD6_GROUP", "sockets", "heap_bytes" };
	long before[4];

	join_and_close(); /* first-use allocations */
	for (int i = 0; i < 4; i++)
		before[i] = pool_value(names[i]);
	for (int i = 0; i < 200; i++)
		join_and_close();
	for (int i = 0; i < 4; i++) {
		checks++;
		if (before[i] < 0 || pool_value(names[i]) != before[i]) {
			failures++;
			printf("FAIL: %s %ld after 200 join-and-close rounds (was %ld)\n", names[i],
			       pool_value(names[i]), before[i]);
		}
	}
}
#endif

static int parse_group(const char *text, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return AF_INET6;
	}
	return -1;
}

/* Guest side of the tap test: join and print the first datagram. */
static int do_recv(const char *group, int port, int ifindex)
{
	struct sockaddr_storage g, from;
	int fam = parse_group(group, port, &g), fd, on = 1;
	char buf[256], addr[INET6_ADDRSTRLEN];
	long n;

	fd = socket(fam, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (fam == AF_INET) {
		struct sockaddr_in any = { AF_INET, htons(port), { 0 }, { 0 } };
		struct ip_mreqn m = { ((struct sockaddr_in *)&g)->sin_addr, { 0 }, ifindex };

		if (bind(fd, SA(any), sizeof(any)) ||
		    setsockopt(fd, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m))) {
			perror("mcast_calls recv: bind/IP_ADD_MEMBERSHIP");
			return 1;
		}
	} else {
		struct sockaddr_in6 any;
		struct ipv6_mreq m = { ((struct sockaddr_in6 *)&g)->sin6_addr, ifindex };

		memset(&any, 0, sizeof(any));
		any.sin6_family = AF_INET6;
		any.sin6_port = htons(port);
		if (bind(fd, SA(any), sizeof(any)) ||
		    setsockopt(fd, SOL_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m))) {
			perror("mcast_calls recv: bind/IPV6_JOIN_GROUP");
			return 1;
		}
	}
	printf("joined %s\n", group);
	n = recv_wait(fd, buf, sizeof(buf) - 1, 15000, &from);
	if (n < 0) {
		printf("mcast_calls recv: nothing in 15 s\n");
		return 1;
	}
	buf[n] = 0;
	if (from.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&from)->sin_addr, addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&from)->sin6_addr, addr, sizeof(addr));
	printf("got %s from %s\n", buf, addr);
	close(fd);
	return 0;
}

/* Guest side of the tap test: n datagrams to the group out of ifindex. */
static int do_send(const char *group, int port, int ifindex, int n)
{
	struct sockaddr_storage g;
	int fam = parse_group(group, port, &g), fd = socket(fam, SOCK_DGRAM, 0);
	char buf[64];
	int err;

	if (fam == AF_INET) {
		struct ip_mreqn m = { { 0 }, { 0 }, ifindex };

		err = setsockopt(fd, SOL_IP, IP_MULTICAST_IF, &m, sizeof(m));
	} else {
		err = setsockopt(fd, SOL_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex));
	}
	if (err) {
		perror("mcast_calls send: MULTICAST_IF");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		int len = snprintf(buf, sizeof(buf), "sis-mcast %d", i);

		if (sendto(fd, buf, (size_t)len, 0, SA(g),
			   fam == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) != len) {
			perror("mcast_calls send: sendto");
			return 1;
		}
		usleep(100000);
	}
	printf("sent %d\n", n);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 5 && !strcmp(argv[1], "recv"))
		return do_recv(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "send"))
		return do_send(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	test_ip4_options();
	test_ip4_membership();
	test_ip6_options();
	test_ip6_membership();
	test_ip4_data();
	test_pktinfo4();
	test_pktinfo6();
#ifdef ON_SIS
	test_no_leak();
#endif
	printf("mcast_calls: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
