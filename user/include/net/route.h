/* <net/route.h>: struct rtentry and RTF_* for SIOCADDRT/SIOCDELRT (uapi/sis/sockios.h). */
#ifndef _NET_ROUTE_H
#define _NET_ROUTE_H
#include <net/if.h>
#endif
