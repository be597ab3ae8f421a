/* <net/if_arp.h>: hardware types (ARPHRD_*) for ifr_hwaddr.sa_family; see <net/if.h>. */
#ifndef _NET_IF_ARP_H
#define _NET_IF_ARP_H
#include <net/if.h>
#endif
