/*
 * Path-MTU options of AF_INET and AF_INET6 sockets, as Linux has them
 * (net/ipv4/ip_sockglue.c, net/ipv6/ipv6_sockglue.c):
 *   - IP_MTU_DISCOVER / IPV6_MTU_DISCOVER: IP_PMTUDISC_DONT .. _OMIT (0..5,
 *     else EINVAL), IP_PMTUDISC_WANT by default; kept and given back (at
 *     SOL_IP a one-byte value will do, as at that whole level on Linux). lwIP
 *     does no path-MTU discovery: it sends with DF clear and fragments at
 *     the interface's MTU whatever the value says.
 *   - IP_MTU / IPV6_MTU read: the path MTU of a connected socket, that is
 *     the MTU of the interface lwIP routes the peer through (lo has none in
 *     lwIP: Linux's 65535 for IPv4, whose routes stop there, and 65536 for
 *     IPv6); ENOTCONN without a peer. IP_MTU cannot be set (ENOPROTOOPT).
 *   - IPV6_MTU set: 0 (the route's) or at least IPV6_MIN_MTU (1280), else
 *     EINVAL; kept (Linux's frag_size), and changes nothing here: lwIP
 *     fragments at the interface's MTU.
 */
#include "sock_inet.h"
#include <sis/kernel.h>
#include "lwip/ip4.h"
#include "lwip/ip6.h"
#include "lwip/netif.h"

#define IPV4_MAX_MTU 65535 /* Linux's IP_MAX_MTU */
#define LOOPBACK_MTU 65536 /* Linux's lo */
#define IPV6_MIN_MTU 1280

bool sock_pmtu_opt(const struct sock *sk, int level, int name)
{
	if (sk->family != AF_INET && sk->family != AF_INET6)
		return false;
	if (level == SOL_IP)
		return name == IP_MTU_DISCOVER || name == IP_MTU;
	return level == SOL_IPV6 && sk->family == AF_INET6 &&
	       (name == IPV6_MTU_DISCOVER || name == IPV6_MTU);
}

/* The MTU of the interface lwIP routes sk's peer through, or -ENOTCONN. */
static int path_mtu(struct sock *sk)
{
	struct sockaddr_storage ss;
	unsigned len = sizeof(ss);
	struct netif *nif;
	ip_addr_t ip;
	u16 port;

	if (sk->ops->getname(sk, &ss, &len, true) ||
	    sock_inet_addr_from(sk, &ss, len, SOCK_ADDR_CONNECT, &ip, &port))
		return -ENOTCONN;
	if (IP_IS_V6(&ip)) {
		nif = ip6_route(NULL, ip_2_ip6(&ip));
		return !nif ? -ENOTCONN : netif_mtu6(nif) ? netif_mtu6(nif) : LOOPBACK_MTU;
	}
	nif = ip4_route(ip_2_ip4(&ip));
	return !nif ? -ENOTCONN : nif->mtu ? MIN(nif->mtu, IPV4_MAX_MTU) : IPV4_MAX_MTU;
}

/* An option's value: an int, or at SOL_IP also a byte or nothing (0), as
 * Linux's do_ip_setsockopt reads it. */
static int opt_value(int level, const void *val, unsigned len, int *v)
{
	if (level != SOL_IP || len >= sizeof(int))
		return sock_opt_int(val, len, v);
	*v = len ? *(const u8 *)val : 0;
	return 0;
}

int sock_pmtu_setopt(struct sock *sk, int level, int name, const void *val, unsigned len)
{
	int v, err;

	if (level == SOL_IP && name == IP_MTU)
		return -ENOPROTOOPT;
	err = opt_value(level, val, len, &v);
	if (err)
		return err;
	if (name == IPV6_MTU) {
		if (v && v < IPV6_MIN_MTU)
			return -EINVAL;
		sk->opt.frag_size6 = v;
		return 0;
	}
	if (v < IP_PMTUDISC_DONT || v > IP_PMTUDISC_OMIT)
		return -EINVAL;
	if (level == SOL_IP)
		sk->opt.pmtudisc = (u8)v;
	else
		sk->opt.pmtudisc6 = (u8)v;
	return 0;
}

int sock_pmtu_getopt(struct sock *sk, int level, int name, void *val, unsigned *len)
{
	int mtu;

	if (name == IP_MTU_DISCOVER && level == SOL_IP)
		return sock_opt_put_int(val, len, sk->opt.pmtudisc);
	if (name == IPV6_MTU_DISCOVER && level == SOL_IPV6)
		return sock_opt_put_int(val, len, sk->opt.pmtudisc6);
	mtu = path_mtu(sk); /* IP_MTU, IPV6_MTU */
	return mtu < 0 ? mtu : sock_opt_put_int(val, len, mtu);
}
