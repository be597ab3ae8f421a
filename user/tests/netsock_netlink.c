/*
 * NETLINK_ROUTE from a glibc program (built with aarch64-linux-gnu-gcc
 * -static for SIS; test_netlink.py runs it).
 *
 *   netsock_netlink ifaddrs       getifaddrs(): "ifa NAME inet ADDR/PREFIX [brd B]",
 *                                 "ifa NAME packet", then "ifaddrs: N entries"
 *   netsock_netlink checks IFNAME the protocol itself, each answer checked:
 *                                 bind/getsockname, dumps (multipart, NLMSG_DONE),
 *                                 acks and errors, RTM_NEWADDR/DELADDR of a
 *                                 secondary address on IFNAME (seen by
 *                                 getifaddrs), RTM_GETROUTE lookups, a listener's
 *                                 notifications of those changes;
 *                                 "netsock_netlink: N checks, M failed"
 *   netsock_netlink listen N [G]  join groups G (RTMGRP_* mask; default
 *                                 RTMGRP_LINK|IPV4_IFADDR|IPV4_ROUTE), say
 *                                 "netlink: listening", print N notifications as
 *                                 "notify NEWADDR eth0 192.168.1.5/24",
 *                                 "notify NEWLINK eth0 up|down",
 *                                 "notify NEWROUTE default via 10.0.2.2 dev 2", ...
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

/* ---- getifaddrs ---- */

static int prefix_of(const struct sockaddr *mask)
{
	return mask ? __builtin_popcount(((const struct sockaddr_in *)mask)->sin_addr.s_addr) : -1;
}

static int list_ifaddrs(void)
{
	struct ifaddrs *ifa, *i;
	int n = 0;
	char a[64], b[32];

	if (getifaddrs(&ifa)) {
		printf("getifaddrs: %s\n", strerror(errno));
		return 1;
	}
	for (i = ifa; i; i = i->ifa_next, n++) {
		if (!i->ifa_addr) {
			printf("ifa %s none\n", i->ifa_name);
		} else if (i->ifa_addr->sa_family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof(a));
			printf("ifa %s inet %s/%d", i->ifa_name, a, prefix_of(i->ifa_netmask));
			if ((i->ifa_flags & IFF_BROADCAST) && i->ifa_broadaddr) {
				inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_broadaddr)->sin_addr,
					  b, sizeof(b));
				printf(" brd %s", b);
			}
			printf(" flags %#x\n", i->ifa_flags);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			struct sockaddr_in6 *m6 = (struct sockaddr_in6 *)i->ifa_netmask;
			int plen = 0;

			for (int k = 0; m6 && k < 16; k++)
				plen += __builtin_popcount(m6->sin6_addr.s6_addr[k]);
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof(a));
			printf("ifa %s inet6 %s/%d\n", i->ifa_name, a, plen);
		} else if (i->ifa_addr->sa_family == AF_PACKET) {
			printf("ifa %s packet flags %#x\n", i->ifa_name, i->ifa_flags);
		} else {
			printf("ifa %s family %d\n", i->ifa_name, i->ifa_addr->sa_family);
		}
	}
	freeifaddrs(ifa);
	printf("ifaddrs: %d entries\n", n);
	return 0;
}

/* Does getifaddrs() list addr (dotted) on ifname? */
static int ifaddrs_has(const char *ifname, const char *addr)
{
	struct ifaddrs *ifa, *i;
	char a[32];
	int found = 0;

	if (getifaddrs(&ifa))
		return -1;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof(a));
		if (!strcmp(a, addr) && !strncmp(i->ifa_name, ifname, strlen(ifname)))
			found = 1;
	}
	freeifaddrs(ifa);
	return found;
}

/* ---- raw netlink ---- */

struct req {
	struct nlmsghdr h;
	union {
		struct rtgenmsg g;
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg rtm;
	};
	char attrs[256];
};

static void add_attr(struct req *r, int type, const void *data, int len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, (size_t)len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void req_init(struct req *r, int type, int flags, int seq, size_t body)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = (unsigned)NLMSG_LENGTH(body);
	r->h.nlmsg_type = (unsigned short)type;
	r->h.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	r->h.nlmsg_seq = (unsigned)seq;
}

static int nl_open(unsigned groups)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_groups = groups };
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return s;
}

/* Receive one datagram into buf; its length, or -1. */
static long nl_recv(int s, char *buf, size_t size, int flags)
{
	struct sockaddr_nl from;
	struct iovec iov = { buf, size };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			     .msg_iovlen = 1 };
	long n = recvmsg(s, &mh, flags);

	if (n >= 0 && (mh.msg_namelen != sizeof(from) || from.nl_family != AF_NETLINK ||
		       from.nl_pid != 0))
		return -2; /* not from the kernel */
	return n;
}

/* The NLMSG_ERROR answering seq: its error (0 = ack), or 1 if none came. */
static int nl_ack(int s, int seq)
{
	char buf[4096];
	long n = nl_recv(s, buf, sizeof(buf), 0);

	for (struct nlmsghdr *h = (void *)buf; n > 0 && NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
		if (h->nlmsg_type == NLMSG_ERROR && (int)h->nlmsg_seq == seq)
			return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	return 1;
}

/* A dump of type: counts the messages of want_type; *datagrams the
 * datagrams it came in; -1 on a protocol error. */
static int nl_dump(int s, int type, int want_type, int seq, int *datagrams)
{
	struct req r;
	char buf[8192];
	int count = 0;

	req_init(&r, type, NLM_F_DUMP, seq, sizeof(struct rtgenmsg));
	r.g.rtgen_family = AF_UNSPEC;
	if (send(s, &r, r.h.nlmsg_len, 0) != (long)r.h.nlmsg_len)
		return -1;
	*datagrams = 0;
	for (;;) {
		long n = nl_recv(s, buf, sizeof(buf), 0);

		if (n <= 0)
			return -1;
		(*datagrams)++;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if ((int)h->nlmsg_seq != seq)
				return -1;
			if (h->nlmsg_type == NLMSG_DONE)
				return count;
			if (h->nlmsg_type == NLMSG_ERROR || !(h->nlmsg_flags & NLM_F_MULTI))
				return -1;
			count += h->nlmsg_type == want_type;
		}
	}
}

static int addr_change(int s, int type, int flags, int ifindex, const char *addr, int plen,
		       int seq)
{
	struct req r;
	struct in_addr in;

	inet_pton(AF_INET, addr, &in);
	req_init(&r, type, NLM_F_ACK | flags, seq, sizeof(struct ifaddrmsg));
	r.ifa.ifa_family = AF_INET;
	r.ifa.ifa_prefixlen = (unsigned char)plen;
	r.ifa.ifa_index = (unsigned)ifindex;
	add_attr(&r, IFA_LOCAL, &in, 4);
	add_attr(&r, IFA_ADDRESS, &in, 4);
	if (send(s, &r, r.h.nlmsg_len, 0) < 0)
		return 2;
	return nl_ack(s, seq);
}

/* RTM_GETROUTE for dst: the answer's RTA_OIF (0: none), RTA_GATEWAY in *gw. */
static int route_get(int s, const char *dst, int seq, struct in_addr *gw)
{
	struct req r;
	struct in_addr in;
	char buf[4096];
	long n;
	int oif = 0;

	inet_pton(AF_INET, dst, &in);
	req_init(&r, RTM_GETROUTE, 0, seq, sizeof(struct rtmsg));
	r.rtm.rtm_family = AF_INET;
	r.rtm.rtm_dst_len = 32;
	add_attr(&r, RTA_DST, &in, 4);
	gw->s_addr = 0;
	if (send(s, &r, r.h.nlmsg_len, 0) < 0)
		return -1;
	n = nl_recv(s, buf, sizeof(buf), 0);
	for (struct nlmsghdr *h = (void *)buf; n > 0 && NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		struct rtmsg *rtm = NLMSG_DATA(h);
		int len = (int)RTM_PAYLOAD(h);

		if (h->nlmsg_type != RTM_NEWROUTE)
			return -1;
		for (struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			if (a->rta_type == RTA_OIF)
				memcpy(&oif, RTA_DATA(a), 4);
			if (a->rta_type == RTA_GATEWAY)
				memcpy(gw, RTA_DATA(a), 4);
		}
	}
	return oif;
}

/* The next notification on s, as one line (see the header); 0 or -1. */
static int notification(int s, char *line, size_t size)
{
	char buf[4096], a[32] = "", ifname[IF_NAMESIZE] = "?";
	long n = nl_recv(s, buf, sizeof(buf), 0);
	struct nlmsghdr *h = (void *)buf;

	if (n <= 0 || !NLMSG_OK(h, n))
		return -1;
	if (h->nlmsg_type == RTM_NEWLINK) {
		struct ifinfomsg *ifi = NLMSG_DATA(h);

		if_indextoname((unsigned)ifi->ifi_index, ifname);
		snprintf(line, size, "notify NEWLINK %s %s", ifname,
			 (ifi->ifi_flags & IFF_UP) ? "up" : "down");
	} else if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR) {
		struct ifaddrmsg *ifa = NLMSG_DATA(h);
		int len = (int)IFA_PAYLOAD(h);

		for (struct rtattr *r = IFA_RTA(ifa); RTA_OK(r, len); r = RTA_NEXT(r, len)) {
			if (r->rta_type == IFA_LOCAL)
				inet_ntop(AF_INET, RTA_DATA(r), a, sizeof(a));
			if (r->rta_type == IFA_LABEL)
				snprintf(ifname, sizeof(ifname), "%s", (char *)RTA_DATA(r));
		}
		snprintf(line, size, "notify %s %s %s/%d",
			 h->nlmsg_type == RTM_NEWADDR ? "NEWADDR" : "DELADDR", ifname, a,
			 ifa->ifa_prefixlen);
	} else if (h->nlmsg_type == RTM_NEWROUTE || h->nlmsg_type == RTM_DELROUTE) {
		struct rtmsg *rtm = NLMSG_DATA(h);
		int len = (int)RTM_PAYLOAD(h), oif = 0;
		char dst[32] = "default", gw[40] = "";

		for (struct rtattr *r = RTM_RTA(rtm); RTA_OK(r, len); r = RTA_NEXT(r, len)) {
			if (r->rta_type == RTA_DST)
				inet_ntop(AF_INET, RTA_DATA(r), dst, sizeof(dst));
			if (r->rta_type == RTA_GATEWAY) {
				strcpy(gw, " via ");
				inet_ntop(AF_INET, RTA_DATA(r), gw + 5, sizeof(gw) - 5);
			}
			if (r->rta_type == RTA_OIF)
				memcpy(&oif, RTA_DATA(r), 4);
		}
		if (rtm->rtm_dst_len)
			snprintf(dst + strlen(dst), sizeof(dst) - strlen(dst), "/%d", rtm->rtm_dst_len);
		snprintf(line, size, "notify %s %s%s dev %d",
			 h->nlmsg_type == RTM_NEWROUTE ? "NEWROUTE" : "DELROUTE", dst, gw, oif);
	} else {
		snprintf(line, size, "notify type %d", h->nlmsg_type);
	}
	return 0;
}

static int listen_for(int count, unsigned groups)
{
	int s = nl_open(groups);
	char line[160];

	if (s < 0) {
		printf("netlink: %s\n", strerror(errno));
		return 1;
	}
	printf("netlink: listening\n");
	for (int i = 0; i < count; i++) {
		if (notification(s, line, sizeof(line))) {
			printf("netlink: recv: %s\n", strerror(errno));
			return 1;
		}
		printf("%s\n", line);
	}
	return 0;
}

static void protocol_checks(const char *ifname)
{
	struct sockaddr_nl a;
	socklen_t alen = sizeof(a);
	int s = nl_open(0), l = nl_open(RTMGRP_IPV4_IFADDR), ifindex = (int)if_nametoindex(ifname);
	int datagrams, n, v;
	struct in_addr gw;
	struct req r;
	char buf[64], line[160];

	CHECK(s >= 0 && l >= 0 && ifindex > 1, "socket, bind, if_nametoindex");
	CHECK(getsockname(s, (struct sockaddr *)&a, &alen) == 0 && alen == sizeof(a) &&
		      a.nl_family == AF_NETLINK && a.nl_pid != 0,
	      "getsockname gives a port id");
	errno = 0;
	CHECK(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE) < 0 && errno == ESOCKTNOSUPPORT,
	      "SOCK_STREAM: ESOCKTNOSUPPORT");
	CHECK(bind(socket(AF_NETLINK, SOCK_RAW, 0), (struct sockaddr *)&a, sizeof(a)) < 0 &&
		      errno == EADDRINUSE,
	      "a taken port id: EADDRINUSE");

	n = nl_dump(s, RTM_GETLINK, RTM_NEWLINK, 10, &datagrams);
	CHECK(n >= 2, "RTM_GETLINK dump lists lo and the NIC");
	n = nl_dump(s, RTM_GETADDR, RTM_NEWADDR, 11, &datagrams);
	CHECK(n >= 2, "RTM_GETADDR dump lists 127.0.0.1 and the NIC's address");
	n = nl_dump(s, RTM_GETROUTE, RTM_NEWROUTE, 12, &datagrams);
	CHECK(n >= 1, "RTM_GETROUTE dump");

	/* Errors: acked with -errno even without NLM_F_ACK; acks only when asked. */
	req_init(&r, RTM_GETNEIGH + 60, 0, 20, 0);
	CHECK(send(s, &r, r.h.nlmsg_len, 0) == (long)r.h.nlmsg_len, "send unknown type");
	CHECK(nl_ack(s, 20) == -EOPNOTSUPP, "unknown type: NLMSG_ERROR -EOPNOTSUPP");
	req_init(&r, RTM_GETLINK, 0, 21, sizeof(struct ifinfomsg));
	r.ifi.ifi_index = 999;
	send(s, &r, r.h.nlmsg_len, 0);
	CHECK(nl_ack(s, 21) == -ENODEV, "RTM_GETLINK of no interface: -ENODEV");
	CHECK(addr_change(s, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 999, "10.9.9.9", 24, 22) ==
		      -ENODEV,
	      "RTM_NEWADDR on no interface: -ENODEV");
	CHECK(addr_change(s, RTM_DELADDR, 0, ifindex, "10.9.9.9", 24, 23) == -EADDRNOTAVAIL,
	      "RTM_DELADDR of an address not there: -EADDRNOTAVAIL");
	CHECK(recv(s, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN, "nothing else queued");

	/* A secondary address: added, listed by getifaddrs, seen by the listener, removed. */
	CHECK(addr_change(s, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, "10.0.2.99", 24, 30) ==
		      0,
	      "RTM_NEWADDR 10.0.2.99/24 acked");
	CHECK(addr_change(s, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, "10.0.2.99", 24, 31) ==
		      -EEXIST,
	      "the same again: -EEXIST");
	CHECK(ifaddrs_has(ifname, "10.0.2.99") == 1, "getifaddrs lists 10.0.2.99");
	CHECK(notification(l, line, sizeof(line)) == 0 && strstr(line, "NEWADDR") &&
		      strstr(line, " 10.0.2.99/24"),
	      "listener: RTM_NEWADDR 10.0.2.99/24");
	CHECK(route_get(s, "10.0.2.99", 32, &gw) == ifindex && gw.s_addr == 0,
	      "RTM_GETROUTE 10.0.2.99: on the link");
	CHECK(route_get(s, "8.8.8.8", 33, &gw) == ifindex && gw.s_addr != 0,
	      "RTM_GETROUTE 8.8.8.8: via the gateway");
	CHECK(addr_change(s, RTM_DELADDR, 0, ifindex, "10.0.2.99", 24, 34) == 0,
	      "RTM_DELADDR 10.0.2.99 acked");
	CHECK(ifaddrs_has(ifname, "10.0.2.99") == 0, "getifaddrs no longer lists it");
	CHECK(notification(l, line, sizeof(line)) == 0 && strstr(line, "DELADDR") &&
		      strstr(line, " 10.0.2.99/24"),
	      "listener: RTM_DELADDR 10.0.2.99/24");

	/* MSG_PEEK and MSG_TRUNC on a dump's datagram. */
	req_init(&r, RTM_GETLINK, NLM_F_DUMP, 40, sizeof(struct rtgenmsg));
	send(s, &r, r.h.nlmsg_len, 0);
	n = (int)recv(s, buf, 16, MSG_PEEK | MSG_TRUNC);
	CHECK(n > 16, "MSG_PEEK|MSG_TRUNC gives the datagram's real length");
	CHECK(ioctl(s, FIONREAD, &v) == 0 && v == n, "FIONREAD: the next datagram's length");
	while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		; /* drain (truncated reads) */

	/* A sender that never reads: its answers stop at SO_RCVBUF (ENOBUFS),
	 * and the socket works once drained. */
	int sent = 0, err = 0;
	for (int i = 0; i < 100000 && !err; i++) {
		req_init(&r, RTM_GETADDR, NLM_F_DUMP, 1000 + i, sizeof(struct rtgenmsg));
		if (send(s, &r, r.h.nlmsg_len, MSG_DONTWAIT) < 0)
			err = errno;
		else
			sent++;
	}
	CHECK(err == ENOBUFS || err == EAGAIN, "unread answers: sends stop with ENOBUFS");
	CHECK(sent > 10, "some dumps went through first");
	while (recv(s, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) > 0)
		;
	n = nl_dump(s, RTM_GETLINK, RTM_NEWLINK, 50, &datagrams);
	CHECK(n >= 2, "a dump after draining");

	/* Garbage: the kernel stays up and the socket keeps answering. */
	srand(7);
	for (int i = 0; i < 2000; i++) {
		unsigned char junk[300];
		size_t jl = (size_t)(rand() % (int)sizeof(junk));

		for (size_t k = 0; k < jl; k++)
			junk[k] = (unsigned char)rand();
		if (jl >= sizeof(struct nlmsghdr) && (i & 1)) {
			struct nlmsghdr *h = (struct nlmsghdr *)junk;

			h->nlmsg_len = (unsigned)(rand() % (int)(jl + 8));
			h->nlmsg_type = (unsigned short)(RTM_NEWLINK + rand() % 16);
			h->nlmsg_flags |= NLM_F_REQUEST;
			if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR ||
			    h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_SETLINK ||
			    h->nlmsg_type == RTM_NEWROUTE || h->nlmsg_type == RTM_DELROUTE)
				h->nlmsg_type = RTM_GETLINK; /* no random changes to the config */
		}
		send(s, junk, jl, MSG_DONTWAIT);
		while (recv(s, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) > 0)
			;
	}
	n = nl_dump(s, RTM_GETADDR, RTM_NEWADDR, 51, &datagrams);
	CHECK(n >= 2, "a dump after 2000 garbage messages");
	close(s), close(l);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "ifaddrs"))
		return list_ifaddrs();
	if (argc >= 3 && !strcmp(argv[1], "listen"))
		return listen_for(atoi(argv[2]), argc >= 4 ? (unsigned)strtoul(argv[3], NULL, 0)
							  : RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
								    RTMGRP_IPV4_ROUTE);
	if (argc >= 3 && !strcmp(argv[1], "checks")) {
		protocol_checks(argv[2]);
		printf("netsock_netlink: %d checks, %d failed\n", checks, failures);
		return failures ? 1 : 0;
	}
	fprintf(stderr, "usage: netsock_netlink ifaddrs | checks IFNAME | listen N [GROUPS]\n");
	return 2;
}
