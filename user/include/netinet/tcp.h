/* <netinet/tcp.h>: TCP-level socket options (Linux's values, from the uapi). */
#ifndef _NETINET_TCP_H
#define _NETINET_TCP_H

#include <stdint.h>
#include <uapi/sis/tcp.h>

/* The TCP header (Linux's struct tcphdr field names, network byte order). */
struct tcphdr {
	uint16_t source;
	uint16_t dest;
	uint32_t seq;
	uint32_t ack_seq;
	uint16_t res1 : 4, doff : 4, fin : 1, syn : 1, rst : 1, psh : 1, ack : 1, urg : 1,
		res2 : 2;
	uint16_t window;
	uint16_t check;
	uint16_t urg_ptr;
};

#define SOL_TCP 6

#endif
