/*
 * Interface ioctls on sockets (the "SIOC" family) of the SIS ABI: Linux's
 * numbers (include/uapi/linux/sockios.h) and structure layouts for aarch64
 * (include/uapi/linux/if.h, route.h). Issued on any socket fd, as on Linux:
 *
 *	struct ifreq ifr = { .ifr_name = "eth0" };
 *	ioctl(fd, SIOCGIFADDR, &ifr);   // ifr.ifr_addr is a sockaddr_in
 *
 * Included by the kernel (src/net/ifioctl.c) and by user/include/net/if.h.
 */
#ifndef UAPI_SIS_SOCKIOS_H
#define UAPI_SIS_SOCKIOS_H

#include <uapi/sis/socket.h>

#define SIOCADDRT 0x890B        /* add a route (struct rtentry) */
#define SIOCDELRT 0x890C        /* delete a route */
#define SIOCGIFNAME 0x8910      /* ifr_ifindex -> ifr_name */
#define SIOCGIFCONF 0x8912      /* list interfaces with an IPv4 address (struct ifconf) */
#define SIOCGIFFLAGS 0x8913
#define SIOCSIFFLAGS 0x8914     /* IFF_UP only */
#define SIOCGIFADDR 0x8915
#define SIOCSIFADDR 0x8916
#define SIOCGIFDSTADDR 0x8917
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891B
#define SIOCSIFNETMASK 0x891C
#define SIOCGIFMETRIC 0x891D
#define SIOCGIFMTU 0x8921
#define SIOCSIFMTU 0x8922
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#define SIOCGIFTXQLEN 0x8942
#define SIOC_FIRST 0x8900       /* the range socket ioctls hand to ifioctl() */
#define SIOC_LAST 0x89FF

#define IFNAMSIZ 16

/* Interface flags (ifr_flags). */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_DEBUG 0x4
#define IFF_LOOPBACK 0x8
#define IFF_POINTOPOINT 0x10
#define IFF_NOTRAILERS 0x20
#define IFF_RUNNING 0x40
#define IFF_NOARP 0x80
#define IFF_PROMISC 0x100
#define IFF_ALLMULTI 0x200
#define IFF_MASTER 0x400
#define IFF_SLAVE 0x800
#define IFF_MULTICAST 0x1000
#define IFF_PORTSEL 0x2000
#define IFF_AUTOMEDIA 0x4000
#define IFF_DYNAMIC 0x8000
#define IFF_LOWER_UP 0x10000

/* sa_family of ifr_hwaddr (ARPHRD_*, include/uapi/linux/if_arp.h). */
#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772

struct ifmap {
	unsigned long mem_start;
	unsigned long mem_end;
	unsigned short base_addr;
	unsigned char irq;
	unsigned char dma;
	unsigned char port;
};

struct ifreq {
	char ifr_name[IFNAMSIZ];
	union {
		struct sockaddr ifru_addr;
		struct sockaddr ifru_dstaddr;
		struct sockaddr ifru_broadaddr;
		struct sockaddr ifru_netmask;
		struct sockaddr ifru_hwaddr;
		short ifru_flags;
		int ifru_ivalue;
		int ifru_mtu;
		struct ifmap ifru_map;
		char ifru_slave[IFNAMSIZ];
		char ifru_newname[IFNAMSIZ];
		void *ifru_data;
	} ifr_ifru;
};
#define ifr_addr ifr_ifru.ifru_addr
#define ifr_dstaddr ifr_ifru.ifru_dstaddr
#define ifr_broadaddr ifr_ifru.ifru_broadaddr
#define ifr_netmask ifr_ifru.ifru_netmask
#define ifr_hwaddr ifr_ifru.ifru_hwaddr
#define ifr_flags ifr_ifru.ifru_flags
#define ifr_ifindex ifr_ifru.ifru_ivalue
#define ifr_metric ifr_ifru.ifru_ivalue
#define ifr_mtu ifr_ifru.ifru_mtu
#define ifr_qlen ifr_ifru.ifru_ivalue
#define ifr_map ifr_ifru.ifru_map
#define ifr_data ifr_ifru.ifru_data

struct ifconf {
	int ifc_len;               /* in: buffer size; out: bytes used */
	union {
		char *ifcu_buf;
		struct ifreq *ifcu_req;
	} ifc_ifcu;
};
#define ifc_buf ifc_ifcu.ifcu_buf
#define ifc_req ifc_ifcu.ifcu_req

/* SIOCADDRT/SIOCDELRT (include/uapi/linux/route.h). */
struct rtentry {
	unsigned long rt_pad1;
	struct sockaddr rt_dst;
	struct sockaddr rt_gateway;
	struct sockaddr rt_genmask;
	unsigned short rt_flags;
	short rt_pad2;
	unsigned long rt_pad3;
	void *rt_pad4;
	short rt_metric;
	char *rt_dev;
	unsigned long rt_mtu;
	unsigned long rt_window;
	unsigned short rt_irtt;
};
#define RTF_UP 0x0001
#define RTF_GATEWAY 0x0002
#define RTF_HOST 0x0004

_Static_assert(sizeof(struct ifreq) == 40, "struct ifreq is 40 bytes on Linux aarch64");
_Static_assert(sizeof(struct ifconf) == 16, "struct ifconf is 16 bytes on Linux aarch64");
_Static_assert(sizeof(struct rtentry) == 120, "struct rtentry is 120 bytes on Linux aarch64");

#endif
