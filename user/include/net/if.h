/*
 * <net/if.h>: network interface names and the interface ioctls' structures
 * (struct ifreq, struct ifconf, IFF_* flags: uapi/sis/sockios.h, Linux's
 * layout). Interface indexes are Linux's: lo is 1, eth0 is 2, eth1 is 3...
 * if_nametoindex & co. are in user/net/lib/ifname.c (SIOCGIFINDEX/SIOCGIFNAME).
 */
#ifndef _NET_IF_H
#define _NET_IF_H

#include <uapi/sis/sockios.h>

#define IF_NAMESIZE IFNAMSIZ

#ifdef __cplusplus
extern "C" {
#endif

struct if_nameindex {
	unsigned int if_index;
	char *if_name;
};

unsigned int if_nametoindex(const char *ifname);   /* 0 if there is no such interface */
char *if_indextoname(unsigned int ifindex, char *ifname); /* NULL + errno ENXIO if none */
struct if_nameindex *if_nameindex(void);          /* ends with { 0, NULL } */
void if_freenameindex(struct if_nameindex *ptr);

#ifdef __cplusplus
}
#endif

#endif
