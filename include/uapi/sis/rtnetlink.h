/*
 * NETLINK_ROUTE messages: Linux's ABI (include/uapi/linux/rtnetlink.h).
 * Interfaces: if_link.h; addresses: if_addr.h.
 */
#ifndef UAPI_SIS_RTNETLINK_H
#define UAPI_SIS_RTNETLINK_H

#include <uapi/sis/netlink.h>
#include <uapi/sis/if_link.h>
#include <uapi/sis/if_addr.h>

/* Message types */
#define RTM_BASE 16
#define RTM_NEWLINK 16
#define RTM_DELLINK 17
#define RTM_GETLINK 18
#define RTM_SETLINK 19
#define RTM_NEWADDR 20
#define RTM_DELADDR 21
#define RTM_GETADDR 22
#define RTM_NEWROUTE 24
#define RTM_DELROUTE 25
#define RTM_GETROUTE 26
#define RTM_NEWNEIGH 28
#define RTM_DELNEIGH 29
#define RTM_GETNEIGH 30
#define RTM_NEWRULE 32
#define RTM_DELRULE 33
#define RTM_GETRULE 34
#define RTM_NEWQDISC 36
#define RTM_GETQDISC 38
#define RTM_GETNETCONF 82
#define RTM_MAX 127

/* Attributes (rtnetlink's name for struct nlattr). */
struct rtattr {
	unsigned short rta_len;
	unsigned short rta_type;
};
#define RTA_ALIGNTO 4U
#define RTA_ALIGN(len) (((len) + RTA_ALIGNTO - 1) & ~(RTA_ALIGNTO - 1))
#define RTA_OK(rta, len) ((len) >= (int)sizeof(struct rtattr) && \
	(rta)->rta_len >= sizeof(struct rtattr) && (rta)->rta_len <= (len))
#define RTA_NEXT(rta, attrlen) ((attrlen) -= RTA_ALIGN((rta)->rta_len), \
	(struct rtattr *)(((char *)(rta)) + RTA_ALIGN((rta)->rta_len)))
#define RTA_LENGTH(len) (RTA_ALIGN(sizeof(struct rtattr)) + (len))
#define RTA_SPACE(len) RTA_ALIGN(RTA_LENGTH(len))
#define RTA_DATA(rta) ((void *)(((char *)(rta)) + RTA_LENGTH(0)))
#define RTA_PAYLOAD(rta) ((int)((rta)->rta_len) - RTA_LENGTH(0))

/* The generic request of a dump. */
struct rtgenmsg {
	unsigned char rtgen_family;
};

/* Routes */
struct rtmsg {
	unsigned char rtm_family;
	unsigned char rtm_dst_len;
	unsigned char rtm_src_len;
	unsigned char rtm_tos;
	unsigned char rtm_table;    /* RT_TABLE_* */
	unsigned char rtm_protocol; /* RTPROT_* */
	unsigned char rtm_scope;    /* RT_SCOPE_* */
	unsigned char rtm_type;     /* RTN_* */
	unsigned int rtm_flags;
};

enum {
	RTN_UNSPEC, RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST, RTN_ANYCAST, RTN_MULTICAST,
	RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW, RTN_NAT, RTN_XRESOLVE,
};

#define RTPROT_UNSPEC 0
#define RTPROT_REDIRECT 1
#define RTPROT_KERNEL 2 /* made by the kernel (an interface's subnet) */
#define RTPROT_BOOT 3   /* at boot, or by ip route add without proto */
#define RTPROT_STATIC 4
#define RTPROT_RA 9     /* IPv6: from a router advertisement */
#define RTPROT_DHCP 16

enum rt_scope_t {
	RT_SCOPE_UNIVERSE = 0,
	RT_SCOPE_SITE = 200,
	RT_SCOPE_LINK = 253,
	RT_SCOPE_HOST = 254,
	RT_SCOPE_NOWHERE = 255,
};

enum rt_class_t {
	RT_TABLE_UNSPEC = 0,
	RT_TABLE_COMPAT = 252,
	RT_TABLE_DEFAULT = 253,
	RT_TABLE_MAIN = 254,
	RT_TABLE_LOCAL = 255,
};

enum rtattr_type_t {
	RTA_UNSPEC, RTA_DST, RTA_SRC, RTA_IIF, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY, RTA_PREFSRC,
	RTA_METRICS, RTA_MULTIPATH, RTA_PROTOINFO, RTA_FLOW, RTA_CACHEINFO, RTA_SESSION,
	RTA_MP_ALGO, RTA_TABLE, RTA_MARK, RTA_MFC_STATS, RTA_VIA, RTA_NEWDST, RTA_PREF,
	RTA_ENCAP_TYPE, RTA_ENCAP, RTA_EXPIRES, RTA_PAD, RTA_UID, RTA_TTL_PROPAGATE,
	RTA_IP_PROTO, RTA_SPORT, RTA_DPORT, RTA_NH_ID,
};

/* RTA_CACHEINFO of a route: rta_expires in clock ticks (USER_HZ, 100). */
struct rta_cacheinfo {
	unsigned int rta_clntref;
	unsigned int rta_lastuse;
	int rta_expires;
	unsigned int rta_error;
	unsigned int rta_used;
	unsigned int rta_id;
	unsigned int rta_ts;
	unsigned int rta_tsage;
};

/* Interfaces */
struct ifinfomsg {
	unsigned char ifi_family;
	unsigned char __ifi_pad;
	unsigned short ifi_type;  /* ARPHRD_* */
	int ifi_index;
	unsigned int ifi_flags;   /* IFF_* */
	unsigned int ifi_change;  /* IFF_* that a RTM_NEWLINK changes */
};

/* Multicast groups: RTNLGRP_* numbers, RTMGRP_* the bind() mask bits. */
enum rtnetlink_groups {
	RTNLGRP_NONE,
	RTNLGRP_LINK,
	RTNLGRP_NOTIFY,
	RTNLGRP_NEIGH,
	RTNLGRP_TC,
	RTNLGRP_IPV4_IFADDR,
	RTNLGRP_IPV4_MROUTE,
	RTNLGRP_IPV4_ROUTE,
	RTNLGRP_IPV4_RULE,
	RTNLGRP_IPV6_IFADDR,
	RTNLGRP_IPV6_MROUTE,
	RTNLGRP_IPV6_ROUTE,
	RTNLGRP_IPV6_IFINFO,
};
#define RTMGRP_LINK 1
#define RTMGRP_NOTIFY 2
#define RTMGRP_NEIGH 4
#define RTMGRP_TC 8
#define RTMGRP_IPV4_IFADDR 0x10
#define RTMGRP_IPV4_MROUTE 0x20
#define RTMGRP_IPV4_ROUTE 0x40
#define RTMGRP_IPV4_RULE 0x80
#define RTMGRP_IPV6_IFADDR 0x100
#define RTMGRP_IPV6_MROUTE 0x200
#define RTMGRP_IPV6_ROUTE 0x400
#define RTMGRP_IPV6_IFINFO 0x800

#endif
