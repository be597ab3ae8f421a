/* UDP-level (IPPROTO_UDP / SOL_UDP) socket options: Linux's values (include/uapi/linux/udp.h). */
#ifndef UAPI_SIS_UDP_H
#define UAPI_SIS_UDP_H

#define UDP_CORK 1 /* hold data sent until the option is cleared: one datagram */

#endif
