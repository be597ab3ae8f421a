/* <netinet/udp.h>: UDP-level socket options (Linux's values, from the uapi). */
#ifndef _NETINET_UDP_H
#define _NETINET_UDP_H

#include <stdint.h>
#include <uapi/sis/udp.h>

/* The UDP header (Linux's struct udphdr field names, network byte order). */
struct udphdr {
	uint16_t source;
	uint16_t dest;
	uint16_t len;
	uint16_t check;
};

#ifndef SOL_UDP
#define SOL_UDP 17
#endif

#endif
