/*
 * SO_REUSEPORT's choice of a group member (sock_tcp.c, sock_udp.c): Linux
 * spreads by a hash of the 4-tuple (inet_ehashfn/udp_ehashfn); this one is
 * Jenkins' final mix over the addresses (IPv6 folded to 32 bits) and ports.
 */
#ifndef SIS_NET_SOCK_REUSEPORT_H
#define SIS_NET_SOCK_REUSEPORT_H

#include <sis/types.h>
#include "lwip/ip_addr.h"

static inline u32 sock_rp_addr_word(const ip_addr_t *a)
{
#if LWIP_IPV6
	if (IP_IS_V6(a)) {
		const u32 *w = ip_2_ip6(a)->addr;

		return w[0] ^ w[1] ^ w[2] ^ w[3];
	}
#endif
	return ip4_addr_get_u32(ip_2_ip4(a));
}

static inline u32 sock_rp_hash(const ip_addr_t *saddr, u16 sport, const ip_addr_t *daddr,
			       u16 dport)
{
	u32 a = sock_rp_addr_word(saddr), b = sock_rp_addr_word(daddr);
	u32 c = ((u32)sport << 16) | dport;

	c ^= b; c -= (b << 14) | (b >> 18);
	a ^= c; a -= (c << 11) | (c >> 21);
	b ^= a; b -= (a << 25) | (a >> 7);
	c ^= b; c -= (b << 16) | (b >> 16);
	a ^= c; a -= (c << 4) | (c >> 28);
	b ^= a; b -= (a << 14) | (a >> 18);
	c ^= b; c -= (b << 24) | (b >> 8);
	return c;
}

#endif
