/*
 * IPv6 ABI of SIS: Linux's values and layouts (include/uapi/linux/in6.h,
 * ipv6.h, icmpv6.h). Addresses and ports are in network byte order.
 */
#ifndef UAPI_SIS_IN6_H
#define UAPI_SIS_IN6_H

#include <uapi/sis/in.h>

struct in6_addr {
	union {
		unsigned char __u6_addr8[16];
		unsigned short __u6_addr16[8];
		unsigned int __u6_addr32[4];
	} __in6_u;
};
#define s6_addr __in6_u.__u6_addr8
#define s6_addr16 __in6_u.__u6_addr16
#define s6_addr32 __in6_u.__u6_addr32

struct sockaddr_in6 {
	__sis_sa_family_t sin6_family;
	unsigned short sin6_port;
	unsigned int sin6_flowinfo;
	struct in6_addr sin6_addr;
	unsigned int sin6_scope_id; /* interface index, for link-local addresses */
};
/* The RFC 2133 size, without sin6_scope_id: the least bind/connect take. */
#define SIN6_LEN_RFC2133 24

struct ipv6_mreq {
	struct in6_addr ipv6mr_multiaddr;
	int ipv6mr_interface;
};

struct in6_pktinfo {
	struct in6_addr ipi6_addr;
	int ipi6_ifindex;
};

/* IPPROTO_IPV6 (= SOL_IPV6) level options. */
#define SOL_IPV6 41
#define IPV6_ADDRFORM 1
#define IPV6_2292PKTINFO 2
#define IPV6_CHECKSUM 7
#define IPV6_NEXTHOP 9
#define IPV6_UNICAST_HOPS 16
#define IPV6_MULTICAST_IF 17
#define IPV6_MULTICAST_HOPS 18
#define IPV6_MULTICAST_LOOP 19
#define IPV6_ADD_MEMBERSHIP 20
#define IPV6_DROP_MEMBERSHIP 21
#define IPV6_JOIN_GROUP IPV6_ADD_MEMBERSHIP
#define IPV6_LEAVE_GROUP IPV6_DROP_MEMBERSHIP
#define IPV6_ROUTER_ALERT 22
#define IPV6_MTU_DISCOVER 23
#define IPV6_MTU 24
#define IPV6_RECVERR 25
#define IPV6_V6ONLY 26
#define IPV6_RECVPKTINFO 49
#define IPV6_PKTINFO 50
#define IPV6_RECVHOPLIMIT 51
#define IPV6_HOPLIMIT 52
#define IPV6_RTHDR 57 /* a routing header for what this socket sends */
#define IPV6_TCLASS 67

/* IPPROTO_ICMPV6 level: which ICMPv6 types a raw socket receives. */
#define ICMPV6_FILTER 1
struct icmp6_filter {
	unsigned int icmp6_filt[8]; /* bit set = type blocked */
};

#endif
