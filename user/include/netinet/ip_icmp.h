/*
 * <netinet/ip_icmp.h>: ICMP messages, as Linux's struct icmphdr and BSD's
 * struct icmp, with the type and code numbers. A ping socket
 * (SOCK_DGRAM, IPPROTO_ICMP) sends and receives from the ICMP header on;
 * a raw ICMP socket receives the IP header first.
 */
#ifndef _NETINET_IP_ICMP_H
#define _NETINET_IP_ICMP_H

#include <stdint.h>
#include <netinet/in.h>
#include <netinet/ip.h>

struct icmphdr {
	uint8_t type;
	uint8_t code;
	uint16_t checksum;
	union {
		struct {
			uint16_t id;
			uint16_t sequence;
		} echo;
		uint32_t gateway;
		struct {
			uint16_t __glibc_reserved;
			uint16_t mtu;
		} frag;
	} un;
};

#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_REDIRECT 5
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMP_TIMESTAMP 13
#define ICMP_TIMESTAMPREPLY 14
#define ICMP_INFO_REQUEST 15
#define ICMP_INFO_REPLY 16
#define ICMP_ADDRESS 17
#define ICMP_ADDRESSREPLY 18

/* Codes for ICMP_DEST_UNREACH */
#define ICMP_NET_UNREACH 0
#define ICMP_HOST_UNREACH 1
#define ICMP_PROT_UNREACH 2
#define ICMP_PORT_UNREACH 3
#define ICMP_FRAG_NEEDED 4
/* Codes for ICMP_TIME_EXCEEDED */
#define ICMP_EXC_TTL 0
#define ICMP_EXC_FRAGTIME 1

/* BSD's names */
#define ICMP_UNREACH ICMP_DEST_UNREACH
#define ICMP_TIMXCEED ICMP_TIME_EXCEEDED
#define ICMP_MINLEN 8

struct icmp {
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t icmp_cksum;
	union {
		struct {
			uint16_t icd_id;
			uint16_t icd_seq;
		} ih_idseq;
		uint32_t ih_void;
		struct in_addr ih_gwaddr;
	} icmp_hun;
	union {
		struct {
			uint32_t its_otime;
			uint32_t its_rtime;
			uint32_t its_ttime;
		} id_ts;
		struct {
			struct ip idi_ip;
		} id_ip;
		uint32_t id_mask;
		uint8_t id_data[1];
	} icmp_dun;
};
#define icmp_id icmp_hun.ih_idseq.icd_id
#define icmp_seq icmp_hun.ih_idseq.icd_seq
#define icmp_gwaddr icmp_hun.ih_gwaddr
#define icmp_void icmp_hun.ih_void
#define icmp_otime icmp_dun.id_ts.its_otime
#define icmp_rtime icmp_dun.id_ts.its_rtime
#define icmp_ttime icmp_dun.id_ts.its_ttime
#define icmp_ip icmp_dun.id_ip.idi_ip
#define icmp_mask icmp_dun.id_mask
#define icmp_data icmp_dun.id_data

/* SOL_RAW / ICMP_FILTER: bit t set drops ICMP type t on a raw socket. */
struct icmp_filter {
	uint32_t data;
};

#endif
