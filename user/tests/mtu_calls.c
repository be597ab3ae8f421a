/*
 * mtu_calls: the path-MTU socket options as a glibc program booted as init
 * on SIS (built with -DON_SIS) and run natively on Linux as the reference
 * (loopback only):
 *   - IP_MTU_DISCOVER and IPV6_MTU_DISCOVER: IP_PMTUDISC_WANT by default
 *     (TCP, UDP, both families), 0..5 kept and given back, -1 and 6
 *     EINVAL; a one-byte value does for IPv4, IPv6 wants an int (EINVAL);
 *   - IP_MTU and IPV6_MTU read: ENOTCONN unconnected or listening; the
 *     loopback route's MTU once connected (65535 for IPv4 and v4-mapped
 *     peers, 65536 for ::1), TCP (both ends) and UDP; IP_MTU cannot be set;
 *   - IPV6_MTU set: 0 or >= 1280, else EINVAL; what is read stays the
 *     route's;
 *   - the levels a family does not have: IPV6_MTU on AF_INET (EOPNOTSUPP
 *     read, ENOPROTOOPT set), any level but SOL_SOCKET on AF_UNIX
 *     (EOPNOTSUPP both ways).
 * Prints "mtu_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>
#include "glibc_check.h"

#define V4_LO_MTU 65535 /* Linux: IPv4 routes stop at IP_MAX_MTU */
#define V6_LO_MTU 65536 /* lo's own */

static int get_int(int s, int level, int name, int *v)
{
	socklen_t len = sizeof(*v);

	*v = -7;
	return getsockopt(s, level, name, v, &len);
}

static int set_int(int s, int level, int name, int v)
{
	return setsockopt(s, level, name, &v, sizeof(v));
}

/* *_MTU_DISCOVER on s at level: the default, the range, a short optlen
 * (IPv4 takes a byte, IPv6 wants an int). */
static void discover_range(int s, int level, int name, const char *what)
{
	char small = IP_PMTUDISC_PROBE;
	int v;

	CHECK(get_int(s, level, name, &v) == 0 && v == IP_PMTUDISC_WANT, "%s default %d", what, v);
	CHECK_ERR(set_int(s, level, name, -1), EINVAL, "-1");
	CHECK_ERR(set_int(s, level, name, IP_PMTUDISC_OMIT + 1), EINVAL, "6");
	for (int i = IP_PMTUDISC_DONT; i <= IP_PMTUDISC_OMIT; i++)
		CHECK(set_int(s, level, name, i) == 0 && get_int(s, level, name, &v) == 0 && v == i,
		      "%s %d kept: %d", what, i, v);
	if (level == IPPROTO_IP)
		CHECK(setsockopt(s, level, name, &small, 1) == 0 && get_int(s, level, name, &v) == 0 &&
		      v == IP_PMTUDISC_PROBE, "%s: one byte will do: %d", what, v);
	else
		CHECK_ERR(setsockopt(s, level, name, &small, 1), EINVAL, "a short optlen");
	CHECK(set_int(s, level, name, IP_PMTUDISC_DO) == 0, "set");
}

static void check_discover(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
	int u6 = socket(AF_INET6, SOCK_DGRAM, 0), t6 = socket(AF_INET6, SOCK_STREAM, 0), v;

	CHECK(u >= 0 && t >= 0 && u6 >= 0 && t6 >= 0, "sockets");
	discover_range(u, IPPROTO_IP, IP_MTU_DISCOVER, "UDP IP_MTU_DISCOVER");
	discover_range(t, IPPROTO_IP, IP_MTU_DISCOVER, "TCP IP_MTU_DISCOVER");
	discover_range(u6, IPPROTO_IPV6, IPV6_MTU_DISCOVER, "UDP6 IPV6_MTU_DISCOVER");
	discover_range(t6, IPPROTO_IPV6, IPV6_MTU_DISCOVER, "TCP6 IPV6_MTU_DISCOVER");
	CHECK(get_int(u6, IPPROTO_IP, IP_MTU_DISCOVER, &v) == 0 && v == IP_PMTUDISC_WANT,
	      "an AF_INET6 socket's own IP_MTU_DISCOVER: %d", v);
	close(u);
	close(t);
	close(u6);
	close(t6);
}

static void check_ipv6_mtu_set(void)
{
	static const int good[] = { 0, 1280, 1500, 65536, 70000 }, bad[] = { -1, 1, 1279 };
	int s = socket(AF_INET6, SOCK_DGRAM, 0), v;

	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(set_int(s, IPPROTO_IPV6, IPV6_MTU, good[i]) == 0, "IPV6_MTU %d", good[i]);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_ERR(set_int(s, IPPROTO_IPV6, IPV6_MTU, bad[i]), EINVAL, "IPV6_MTU below 1280");
	CHECK(set_int(s, IPPROTO_IPV6, IPV6_MTU, 1280) == 0, "1280");
	CHECK_ERR(get_int(s, IPPROTO_IPV6, IPV6_MTU, &v), ENOTCONN, "read unconnected: ENOTCONN");
	close(s);
}

/* A UDP socket of family connected to peer (a text address, port 9). */
static int udp_to(int family, const char *peer)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *b = (struct sockaddr_in6 *)&ss;
	int s = socket(family, SOCK_DGRAM, 0);

	if (family == AF_INET) {
		a->sin_family = AF_INET;
		a->sin_port = htons(9);
		inet_pton(AF_INET, peer, &a->sin_addr);
	} else {
		b->sin6_family = AF_INET6;
		b->sin6_port = htons(9);
		inet_pton(AF_INET6, peer, &b->sin6_addr);
	}
	if (s < 0 || connect(s, (struct sockaddr *)&ss, family == AF_INET ? sizeof(*a) : sizeof(*b)))
		return -1;
	return s;
}

static void check_udp_mtu(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0), u6 = socket(AF_INET6, SOCK_DGRAM, 0), s, v;

	CHECK_ERR(get_int(u, IPPROTO_IP, IP_MTU, &v), ENOTCONN, "UDP unconnected");
	CHECK_ERR(get_int(u6, IPPROTO_IPV6, IPV6_MTU, &v), ENOTCONN, "UDP6 unconnected");
	CHECK_ERR(set_int(u, IPPROTO_IP, IP_MTU, 1400), ENOPROTOOPT, "IP_MTU cannot be set");
	s = udp_to(AF_INET, "127.0.0.1");
	CHECK(s >= 0 && get_int(s, IPPROTO_IP, IP_MTU, &v) == 0 && v == V4_LO_MTU,
	      "UDP to 127.0.0.1: %d", v);
	close(s);
	s = udp_to(AF_INET6, "::1");
	CHECK(s >= 0 && set_int(s, IPPROTO_IPV6, IPV6_MTU, 1280) == 0, "UDP6 to ::1, IPV6_MTU 1280");
	CHECK(get_int(s, IPPROTO_IPV6, IPV6_MTU, &v) == 0 && v == V6_LO_MTU,
	      "IPV6_MTU reads the route's: %d", v);
	CHECK(get_int(s, IPPROTO_IP, IP_MTU, &v) == 0 && v == V6_LO_MTU, "IP_MTU the same: %d", v);
	close(s);
	s = udp_to(AF_INET6, "::ffff:127.0.0.1");
	CHECK(s >= 0 && get_int(s, IPPROTO_IPV6, IPV6_MTU, &v) == 0 && v == V4_LO_MTU,
	      "UDP6 to a v4-mapped peer: IPv4's %d", v);
	close(s);
	close(u);
	close(u6);
}

/* TCP over loopback (family): unconnected, listening, both ends. */
static void tcp_mtu(int family, int level, int name, int want)
{
	struct sockaddr_in6 b = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr *sa = family == AF_INET ? (struct sockaddr *)&a : (struct sockaddr *)&b;
	socklen_t len = family == AF_INET ? sizeof(a) : sizeof(b);
	int l = socket(family, SOCK_STREAM, 0), c = socket(family, SOCK_STREAM, 0), s = -1, v;

	CHECK_ERR(get_int(c, level, name, &v), ENOTCONN, "TCP unconnected");
	CHECK(l >= 0 && bind(l, sa, len) == 0 && listen(l, 1) == 0 && getsockname(l, sa, &len) == 0,
	      "listener");
	CHECK_ERR(get_int(l, level, name, &v), ENOTCONN, "listening");
	CHECK(connect(c, sa, len) == 0 && (s = accept(l, NULL, NULL)) >= 0, "connect");
	CHECK(get_int(c, level, name, &v) == 0 && v == want, "connected end: %d", v);
	CHECK(get_int(s, level, name, &v) == 0 && v == want, "accepted end: %d", v);
	close(s);
	close(c);
	close(l);
}

static void check_other_levels(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0), u = socket(AF_UNIX, SOCK_STREAM, 0), v;

	CHECK_ERR(get_int(s, IPPROTO_IPV6, IPV6_MTU, &v), EOPNOTSUPP, "IPV6_MTU read on AF_INET");
	CHECK_ERR(set_int(s, IPPROTO_IPV6, IPV6_MTU, 1280), ENOPROTOOPT, "IPV6_MTU set on AF_INET");
	CHECK_ERR(get_int(u, IPPROTO_IP, IP_MTU, &v), EOPNOTSUPP, "IP_MTU on AF_UNIX");
	CHECK_ERR(set_int(u, IPPROTO_IP, IP_MTU_DISCOVER, 0), EOPNOTSUPP,
		  "IP_MTU_DISCOVER on AF_UNIX (no level but SOL_SOCKET there)");
	CHECK_ERR(get_int(u, IPPROTO_TCP, 1, &v), EOPNOTSUPP, "TCP_NODELAY on AF_UNIX");
	close(s);
	close(u);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_discover();
	check_ipv6_mtu_set();
	check_udp_mtu();
	tcp_mtu(AF_INET, IPPROTO_IP, IP_MTU, V4_LO_MTU);
	tcp_mtu(AF_INET6, IPPROTO_IPV6, IPV6_MTU, V6_LO_MTU);
	check_other_levels();
	return check_summary("mtu_calls");
}
