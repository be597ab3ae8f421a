/*
 * AF_INET6 sockets over loopback, each result and errno checked against
 * Linux: socket() types and protocols, bind/connect/sendto address checks
 * (lengths, families, v4-mapped, link-local scope ids), IPV6_V6ONLY (off by
 * default: a [::] listener takes IPv4 clients as ::ffff:a.b.c.d), the
 * dual-stack port conflict with 0.0.0.0, getsockname/getpeername, TCP and
 * UDP data both ways over ::1 and over IPv4 to a dual-stack socket,
 * IPV6_UNICAST_HOPS/IPV6_TCLASS values, IP_TTL on AF_INET6 sockets,
 * poll and epoll readiness.
 *
 * A glibc program: built with aarch64-linux-gnu-gcc -static for SIS and
 * with the host's gcc for Linux, where test_ipv6.py runs it as the
 * reference (in a namespace with only lo when root).
 * Prints "inet6_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "eq_err.h"
#include "sockopt_int.h"

#define TRUE(cond) EQ(!!(cond), 1)

static struct sockaddr_in6 six(const char *addr, int port)
{
	struct sockaddr_in6 a;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &a.sin6_addr);
	return a;
}

static struct sockaddr_in four(const char *addr, int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	inet_pton(AF_INET, addr, &a.sin_addr);
	return a;
}

#define SA(a) ((struct sockaddr *)&(a))

/* The text form of a sockaddr_in6's address. */
static const char *text6(const struct sockaddr_in6 *a)
{
	static char buf[INET6_ADDRSTRLEN];

	return inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf)) ? buf : "?";
}

static int port_of(int fd)
{
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, SA(a), &len))
		return -1;
	return ntohs(a.sin6_port);
}

static void test_create(void)
{
	int fd;

	EQ((fd = socket(AF_INET6, SOCK_STREAM, 0)) >= 0, 1);
	close(fd);
	EQ((fd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP)) >= 0, 1);
	close(fd);
	ERR(socket(AF_INET6, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	ERR(socket(AF_INET6, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	ERR(socket(AF_INET6, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
}

static void test_options(void)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0), v4 = socket(AF_INET, SOCK_DGRAM, 0);
	short small = 1;

	EQ(getint(fd, IPPROTO_IPV6, IPV6_V6ONLY), 0);
	EQ(getint(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS), 64);
	CHECK_HOPS(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 64, 255);
	ERR(setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &small, sizeof(small)), EINVAL);
	EQ(setint(fd, IPPROTO_IPV6, IPV6_TCLASS, 0x20), 0);
	EQ(getint(fd, IPPROTO_IPV6, IPV6_TCLASS), 0x20);
	ERR(setint(fd, IPPROTO_IPV6, IPV6_TCLASS, 256), EINVAL);
	/* IPv4 options still apply (to v4-mapped traffic). */
	EQ(setint(fd, IPPROTO_IP, IP_TTL, 7), 0);
	EQ(getint(fd, IPPROTO_IP, IP_TTL), 7);
	/* IPv6 options are not an AF_INET socket's. */
	ERR(setint(v4, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 3), ENOPROTOOPT);
	EQ(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &(int){ 0 }, &(socklen_t){ 4 }), 0);
	EQ(getint(fd, SOL_SOCKET, SO_DOMAIN), AF_INET6);
	close(fd);
	close(v4);
}

static void test_bind_errors(void)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 a = six("::", 0), ll = six("fe80::1", 0);
	struct sockaddr_in v4 = four("127.0.0.1", 0);
	struct sockaddr_in6 got;
	socklen_t len = sizeof(got);

	/* An unbound AF_INET6 socket is [::]:0. */
	EQ(getsockname(fd, SA(got), &len), 0);
	EQ(len, sizeof(struct sockaddr_in6));
	EQ(got.sin6_family, AF_INET6);
	TRUE(IN6_IS_ADDR_UNSPECIFIED(&got.sin6_addr) && got.sin6_port == 0);
	ERR(bind(fd, SA(a), 23), EINVAL);
	ERR(bind(fd, SA(v4), sizeof(v4)), EINVAL);
	a.sin6_family = AF_INET;
	ERR(bind(fd, SA(a), sizeof(a)), EAFNOSUPPORT);
	a = six("2001:db8::1", 0);
	ERR(bind(fd, SA(a), sizeof(a)), EADDRNOTAVAIL);
	ERR(bind(fd, SA(ll), sizeof(ll)), EINVAL); /* link-local needs a scope id */
	ll.sin6_scope_id = 99;
	ERR(bind(fd, SA(ll), sizeof(ll)), ENODEV);
	close(fd);

	/* v4-mapped: a dual-stack socket binds IPv4; V6ONLY refuses it. */
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	EQ(setint(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1), 0);
	EQ(getint(fd, IPPROTO_IPV6, IPV6_V6ONLY), 1);
	a = six("::ffff:127.0.0.1", 0);
	ERR(bind(fd, SA(a), sizeof(a)), EINVAL);
	close(fd);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	EQ(bind(fd, SA(a), sizeof(a)), 0);
	len = sizeof(got);
	EQ(getsockname(fd, SA(got), &len), 0);
	EQ(strcmp(text6(&got), "::ffff:127.0.0.1"), 0);
	ERR(setint(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1), EINVAL); /* fixed once bound */
	close(fd);
}

/* A listening TCP socket of family fam on addr (port 0); returns its fd. */
static int listener(int fam, const char *addr, int v6only)
{
	int fd = socket(fam, SOCK_STREAM, 0);

	if (fam == AF_INET6) {
		struct sockaddr_in6 a = six(addr, 0);
		if (v6only)
			setint(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
		EQ(bind(fd, SA(a), sizeof(a)), 0);
	} else {
		struct sockaddr_in a = four(addr, 0);
		EQ(bind(fd, SA(a), sizeof(a)), 0);
	}
	EQ(listen(fd, 8), 0);
	return fd;
}

/* Both ways over a connected pair. */
static void exchange(int a, int b)
{
	char buf[16];

	EQ(write(a, "ping", 4), 4);
	EQ(read(b, buf, sizeof(buf)), 4);
	EQ(write(b, "pong!", 5), 5);
	EQ(read(a, buf, sizeof(buf)), 5);
	TRUE(memcmp(buf, "pong!", 5) == 0);
}

static void test_tcp_v6(void)
{
	int l = listener(AF_INET6, "::1", 0), port = port_of(l);
	int c = socket(AF_INET6, SOCK_STREAM, 0), s;
	struct sockaddr_in6 a = six("::1", port), got;
	socklen_t len = sizeof(got);
	struct pollfd p = { .fd = l, .events = POLLIN };

	EQ(connect(c, SA(a), sizeof(a)), 0);
	EQ(poll(&p, 1, 5000), 1);
	EQ(p.revents, POLLIN);
	s = accept(l, SA(got), &len);
	TRUE(s >= 0);
	EQ(len, sizeof(got));
	EQ(strcmp(text6(&got), "::1"), 0);
	EQ(ntohs(got.sin6_port), port_of(c));
	len = sizeof(got);
	EQ(getpeername(c, SA(got), &len), 0);
	TRUE(strcmp(text6(&got), "::1") == 0 && ntohs(got.sin6_port) == port);
	len = sizeof(got);
	EQ(getsockname(s, SA(got), &len), 0);
	TRUE(strcmp(text6(&got), "::1") == 0 && ntohs(got.sin6_port) == port);
	exchange(c, s);
	close(c);
	close(s);
	close(l);
	/* Nobody listening: refused. */
	c = socket(AF_INET6, SOCK_STREAM, 0);
	ERR(connect(c, SA(a), sizeof(a)), ECONNREFUSED);
	close(c);
	/* connect's address checks. */
	c = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in v4 = four("127.0.0.1", port);
	ERR(connect(c, SA(v4), sizeof(v4)), EINVAL);
	a.sin6_family = AF_INET;
	ERR(connect(c, SA(a), sizeof(a)), EAFNOSUPPORT);
	a = six("fe80::1", 80);
	ERR(connect(c, SA(a), sizeof(a)), EINVAL);
	close(c);
}

/* A [::] listener takes an IPv4 client and reports it v4-mapped. */
static void test_tcp_dual(void)
{
	int l = listener(AF_INET6, "::", 0), port = port_of(l);
	int c = socket(AF_INET, SOCK_STREAM, 0), s, ep;
	struct sockaddr_in v4 = four("127.0.0.1", port), got4;
	struct sockaddr_in6 got;
	socklen_t len = sizeof(got);
	struct epoll_event ev = { .events = EPOLLIN }, out;

	ep = epoll_create1(0);
	EQ(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev), 0);
	EQ(connect(c, SA(v4), sizeof(v4)), 0);
	EQ(epoll_wait(ep, &out, 1, 5000), 1);
	s = accept(l, SA(got), &len);
	TRUE(s >= 0);
	EQ(got.sin6_family, AF_INET6);
	EQ(strcmp(text6(&got), "::ffff:127.0.0.1"), 0);
	len = sizeof(got);
	EQ(getsockname(s, SA(got), &len), 0);
	TRUE(strcmp(text6(&got), "::ffff:127.0.0.1") == 0 && ntohs(got.sin6_port) == port);
	len = sizeof(got4);
	EQ(getpeername(c, SA(got4), &len), 0);
	TRUE(len == sizeof(got4) && got4.sin_family == AF_INET && ntohs(got4.sin_port) == port);
	exchange(c, s);
	close(c);
	close(s);
	/* The dual-stack wildcard holds the port for IPv4 too. */
	c = socket(AF_INET, SOCK_STREAM, 0);
	setint(c, SOL_SOCKET, SO_REUSEADDR, 1);
	v4 = four("0.0.0.0", port);
	ERR(bind(c, SA(v4), sizeof(v4)), EADDRINUSE);
	close(c);
	close(ep);
	close(l);

	/* V6ONLY: IPv4 is refused, and 0.0.0.0 on the same port is free. */
	l = listener(AF_INET6, "::", 1);
	port = port_of(l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	v4 = four("127.0.0.1", port);
	ERR(connect(c, SA(v4), sizeof(v4)), ECONNREFUSED);
	close(c);
	c = socket(AF_INET, SOCK_STREAM, 0);
	v4 = four("0.0.0.0", port);
	EQ(bind(c, SA(v4), sizeof(v4)), 0);
	EQ(listen(c, 1), 0);
	close(c);
	/* ... and a v4-mapped peer is unreachable. */
	c = socket(AF_INET6, SOCK_STREAM, 0);
	EQ(setint(c, IPPROTO_IPV6, IPV6_V6ONLY, 1), 0);
	struct sockaddr_in6 m = six("::ffff:127.0.0.1", port);
	ERR(connect(c, SA(m), sizeof(m)), ENETUNREACH);
	close(c);
	close(l);
}

static int udp6(const char *addr)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 a = six(addr, 0);

	EQ(bind(fd, SA(a), sizeof(a)), 0);
	return fd;
}

static void test_udp(void)
{
	int r = udp6("::"), port = port_of(r), s = socket(AF_INET6, SOCK_DGRAM, 0);
	int s4 = socket(AF_INET, SOCK_DGRAM, 0), r4;
	struct sockaddr_in6 to = six("::1", port), from;
	struct sockaddr_in to4 = four("127.0.0.1", port), from4;
	socklen_t len = sizeof(from);
	struct pollfd p = { .fd = r, .events = POLLIN };
	char buf[32];
	struct sockaddr_un un = { .sun_family = AF_UNIX };

	EQ(sendto(s, "six", 3, 0, SA(to), sizeof(to)), 3);
	EQ(poll(&p, 1, 5000), 1);
	EQ(recvfrom(r, buf, sizeof(buf), 0, SA(from), &len), 3);
	TRUE(len == sizeof(from) && strcmp(text6(&from), "::1") == 0 &&
	     ntohs(from.sin6_port) == port_of(s));
	/* IPv4 into the dual-stack socket: a v4-mapped source. */
	EQ(sendto(s4, "four", 4, 0, SA(to4), sizeof(to4)), 4);
	len = sizeof(from);
	EQ(recvfrom(r, buf, sizeof(buf), 0, SA(from), &len), 4);
	EQ(strcmp(text6(&from), "::ffff:127.0.0.1"), 0);
	/* A short name buffer: truncated, the real length reported. */
	EQ(sendto(s4, "x", 1, 0, SA(to4), sizeof(to4)), 1);
	len = 8;
	EQ(recvfrom(r, buf, sizeof(buf), 0, SA(from), &len), 1);
	EQ(len, sizeof(struct sockaddr_in6));
	/* An AF_INET6 socket sends to an IPv4 peer given as sockaddr_in. */
	r4 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in b4 = four("127.0.0.1", 0);
	EQ(bind(r4, SA(b4), sizeof(b4)), 0);
	struct sockaddr_in6 tmp;
	socklen_t tl = sizeof(tmp);
	getsockname(r4, SA(tmp), &tl);
	b4.sin_port = ((struct sockaddr_in *)&tmp)->sin_port;
	EQ(sendto(s, "v4", 2, 0, SA(b4), sizeof(b4)), 2);
	len = sizeof(from4);
	EQ(recvfrom(r4, buf, sizeof(buf), 0, SA(from4), &len), 2);
	TRUE(len == sizeof(from4) && from4.sin_family == AF_INET);
	/* sendto's address checks. */
	ERR(sendto(s, "x", 1, 0, SA(un), sizeof(to)), EINVAL);
	ERR(sendto(s, "x", 1, 0, SA(to), 23), EINVAL);
	un.sun_family = AF_UNSPEC;
	ERR(sendto(s, "x", 1, 0, SA(un), sizeof(to)), EDESTADDRREQ);
	/* connect, the names it gives, AF_UNSPEC to forget the peer. */
	EQ(connect(s, SA(to), sizeof(to)), 0);
	len = sizeof(from);
	EQ(getpeername(s, SA(from), &len), 0);
	TRUE(strcmp(text6(&from), "::1") == 0 && ntohs(from.sin6_port) == port);
	len = sizeof(from);
	EQ(getsockname(s, SA(from), &len), 0);
	EQ(strcmp(text6(&from), "::1"), 0);
	EQ(send(s, "c", 1, 0), 1);
	EQ(recv(r, buf, sizeof(buf), 0), 1);
	EQ(connect(s, SA(un), sizeof(un.sun_family)), 0);
	len = sizeof(from);
	ERR(getpeername(s, SA(from), &len), ENOTCONN);
	close(s);
	/* V6ONLY: no IPv4 destination. */
	s = socket(AF_INET6, SOCK_DGRAM, 0);
	EQ(setint(s, IPPROTO_IPV6, IPV6_V6ONLY, 1), 0);
	struct sockaddr_in6 m = six("::ffff:127.0.0.1", port);
	ERR(sendto(s, "x", 1, 0, SA(m), sizeof(m)), ENETUNREACH);
	ERR(connect(s, SA(to4), sizeof(to4)), EAFNOSUPPORT);
	close(s);
	close(s4);
	close(r4);
	close(r);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	test_create();
	test_options();
	test_bind_errors();
	test_tcp_v6();
	test_tcp_dual();
	test_udp();
	printf("inet6_calls: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
