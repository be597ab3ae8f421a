/*
 * IPv4 ABI of SIS: Linux's values (include/uapi/linux/in.h). Addresses and
 * ports in these structures are in network byte order.
 */
#ifndef UAPI_SIS_IN_H
#define UAPI_SIS_IN_H

#include <uapi/sis/socket.h>

/* Protocol numbers (also option levels). */
#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_IGMP 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_IPV6 41
#define IPPROTO_ICMPV6 58
#define IPPROTO_RAW 255

/* IPPROTO_IP level options. */
#define IP_TOS 1
#define IP_TTL 2
#define IP_HDRINCL 3
#define IP_OPTIONS 4
#define IP_PKTINFO 8
#define IP_RECVTTL 12
#define IP_RECVTOS 13
#define IP_MTU_DISCOVER 10
#define IP_RECVERR 11
#define IP_MTU 14
#define IP_MULTICAST_IF 32
#define IP_MULTICAST_TTL 33
#define IP_MULTICAST_LOOP 34
#define IP_ADD_MEMBERSHIP 35
#define IP_DROP_MEMBERSHIP 36
#define IP_UNBLOCK_SOURCE 37
#define IP_BLOCK_SOURCE 38
#define IP_ADD_SOURCE_MEMBERSHIP 39
#define IP_DROP_SOURCE_MEMBERSHIP 40
#define IP_MSFILTER 41
#define IP_MULTICAST_ALL 49

/* IP_MTU_DISCOVER values (IPV6_MTU_DISCOVER's are the same numbers). */
#define IP_PMTUDISC_DONT 0      /* never send with DF */
#define IP_PMTUDISC_WANT 1      /* by route (the default) */
#define IP_PMTUDISC_DO 2        /* always DF */
#define IP_PMTUDISC_PROBE 3     /* DF, ignoring the path MTU */
#define IP_PMTUDISC_INTERFACE 4 /* the interface's MTU, never the path's */
#define IP_PMTUDISC_OMIT 5      /* like INTERFACE, fragments allowed */

/* Protocol-independent multicast (RFC 3678), at SOL_IP and SOL_IPV6. */
#define MCAST_JOIN_GROUP 42
#define MCAST_BLOCK_SOURCE 43
#define MCAST_UNBLOCK_SOURCE 44
#define MCAST_LEAVE_GROUP 45
#define MCAST_JOIN_SOURCE_GROUP 46
#define MCAST_LEAVE_SOURCE_GROUP 47
#define MCAST_MSFILTER 48

/* SOL_RAW level option for ICMP raw sockets. */
#define ICMP_FILTER 1

#define INADDR_ANY ((unsigned int)0x00000000)
#define INADDR_BROADCAST ((unsigned int)0xffffffff)
#define INADDR_NONE ((unsigned int)0xffffffff)
#define INADDR_LOOPBACK ((unsigned int)0x7f000001) /* host order, as Linux */

struct in_addr {
	unsigned int s_addr;
};

struct sockaddr_in {
	__sis_sa_family_t sin_family;
	unsigned short sin_port;
	struct in_addr sin_addr;
	unsigned char sin_zero[8];
};

struct ip_mreq {
	struct in_addr imr_multiaddr;
	struct in_addr imr_interface;
};

/* IP_ADD_MEMBERSHIP/IP_MULTICAST_IF with an interface index (0: by address). */
struct ip_mreqn {
	struct in_addr imr_multiaddr;
	struct in_addr imr_address;
	int imr_ifindex;
};

/* MCAST_JOIN_GROUP/MCAST_LEAVE_GROUP: gr_group is a sockaddr_in or _in6. */
struct group_req {
	unsigned int gr_interface;
	struct sockaddr_storage gr_group;
};

/* IP_PKTINFO control message. */
struct in_pktinfo {
	int ipi_ifindex;
	struct in_addr ipi_spec_dst;
	struct in_addr ipi_addr;
};

_Static_assert(sizeof(struct ip_mreqn) == 12, "struct ip_mreqn is 12 bytes on Linux");
_Static_assert(sizeof(struct group_req) == 136, "struct group_req is 136 bytes on Linux aarch64");

#endif
