/* Interface attributes of RTM_NEWLINK/RTM_GETLINK: Linux's ABI (include/uapi/linux/if_link.h). */
#ifndef UAPI_SIS_IF_LINK_H
#define UAPI_SIS_IF_LINK_H

enum {
	IFLA_UNSPEC,
	IFLA_ADDRESS,   /* hardware address */
	IFLA_BROADCAST, /* hardware broadcast address */
	IFLA_IFNAME,    /* string */
	IFLA_MTU,       /* u32 */
	IFLA_LINK,
	IFLA_QDISC,     /* string */
	IFLA_STATS,     /* struct rtnl_link_stats */
	IFLA_COST,
	IFLA_PRIORITY,
	IFLA_MASTER,
	IFLA_WIRELESS,
	IFLA_PROTINFO,
	IFLA_TXQLEN,    /* u32 */
	IFLA_MAP,
	IFLA_WEIGHT,
	IFLA_OPERSTATE, /* u8, IF_OPER_* */
	IFLA_LINKMODE,  /* u8 */
	IFLA_LINKINFO,
	IFLA_NET_NS_PID,
	IFLA_IFALIAS,
	IFLA_NUM_VF,
	IFLA_VFINFO_LIST,
	IFLA_STATS64,
	IFLA_VF_PORTS,
	IFLA_PORT_SELF,
	IFLA_AF_SPEC,
	IFLA_GROUP,     /* u32 */
	IFLA_NET_NS_FD,
	IFLA_EXT_MASK,
	IFLA_PROMISCUITY,
	IFLA_NUM_TX_QUEUES,
	IFLA_NUM_RX_QUEUES,
	IFLA_CARRIER,   /* u8 */
	IFLA_PHYS_PORT_ID,
	IFLA_CARRIER_CHANGES,
	IFLA_PHYS_SWITCH_ID,
	IFLA_LINK_NETNSID,
	IFLA_PHYS_PORT_NAME,
	IFLA_PROTO_DOWN,
	IFLA_GSO_MAX_SEGS,
	IFLA_GSO_MAX_SIZE,
	IFLA_PAD,
	IFLA_XDP,
	IFLA_EVENT,
	IFLA_NEW_NETNSID,
	IFLA_IF_NETNSID,
	IFLA_CARRIER_UP_COUNT,
	IFLA_CARRIER_DOWN_COUNT,
	IFLA_NEW_IFINDEX,
	IFLA_MIN_MTU,
	IFLA_MAX_MTU,
};

/* RFC 2863 operational states (IFLA_OPERSTATE). */
enum {
	IF_OPER_UNKNOWN,
	IF_OPER_NOTPRESENT,
	IF_OPER_DOWN,
	IF_OPER_LOWERLAYERDOWN,
	IF_OPER_TESTING,
	IF_OPER_DORMANT,
	IF_OPER_UP,
};

/* IFLA_STATS */
struct rtnl_link_stats {
	unsigned int rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors;
	unsigned int rx_dropped, tx_dropped, multicast, collisions;
	unsigned int rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors;
	unsigned int rx_fifo_errors, rx_missed_errors;
	unsigned int tx_aborted_errors, tx_carrier_errors, tx_fifo_errors;
	unsigned int tx_heartbeat_errors, tx_window_errors;
	unsigned int rx_compressed, tx_compressed, rx_nohandler;
};

#endif
