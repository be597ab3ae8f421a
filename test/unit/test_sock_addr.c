/*
 * Host tests of the socket layer's address checks (src/net/sock_addr.c):
 * every rule Linux applies to sockaddr_in for bind, connect and sendto, and
 * to sockaddr_un names, on good, short, wrong-family and hostile input.
 */
#include "unit.h"
#include <sis/socket.h>

/* The host's own <arpa/inet.h> would clash with the uapi socket structures. */
#define htons(x) __builtin_bswap16((u16)(x))
#define htonl(x) __builtin_bswap32((u32)(x))


static struct sockaddr_storage in_addr(u16 family, u32 addr_be, u16 port_be)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0xa5, sizeof(ss)); /* garbage beyond the fields that count */
	sin->sin_family = family;
	sin->sin_port = port_be;
	sin->sin_addr.s_addr = addr_be;
	return ss;
}

static void test_check_in(void)
{
	struct sockaddr_storage a = in_addr(AF_INET, htonl(0x7f000001), htons(80));
	struct sockaddr_storage any_unspec = in_addr(AF_UNSPEC, 0, htons(80));
	struct sockaddr_storage lo_unspec = in_addr(AF_UNSPEC, htonl(0x7f000001), 0);
	struct sockaddr_storage six = in_addr(AF_INET6, 0, 0);
	unsigned full = sizeof(struct sockaddr_in);

	for (int use = SOCK_ADDR_BIND; use <= SOCK_ADDR_SEND; use++) {
		CHECK_EQ(sock_addr_check_in(&a, full, use), 0);
		CHECK_EQ(sock_addr_check_in(&a, sizeof(a), use), 0);
		CHECK_EQ(sock_addr_check_in(&a, 0, use), -EINVAL);
		CHECK_EQ(sock_addr_check_in(&a, 1, use), -EINVAL);
		CHECK_EQ(sock_addr_check_in(&a, full - 1, use), -EINVAL);
		CHECK_EQ(sock_addr_check_in(&six, full, use), -EAFNOSUPPORT);
	}
	/* AF_UNSPEC: bind only with INADDR_ANY; connect dissolves; sendto = AF_INET. */
	CHECK_EQ(sock_addr_check_in(&any_unspec, full, SOCK_ADDR_BIND), 0);
	CHECK_EQ(sock_addr_check_in(&lo_unspec, full, SOCK_ADDR_BIND), -EAFNOSUPPORT);
	CHECK_EQ(sock_addr_check_in(&lo_unspec, 2, SOCK_ADDR_CONNECT), SOCK_ADDR_UNSPEC);
	CHECK_EQ(sock_addr_check_in(&lo_unspec, full, SOCK_ADDR_CONNECT), SOCK_ADDR_UNSPEC);
	CHECK_EQ(sock_addr_check_in(&lo_unspec, 2, SOCK_ADDR_SEND), -EINVAL);
	CHECK_EQ(sock_addr_check_in(&lo_unspec, full, SOCK_ADDR_SEND), 0);
	/* The family alone is too short for everything but connect(AF_UNSPEC). */
	CHECK_EQ(sock_addr_check_in(&a, 2, SOCK_ADDR_CONNECT), -EINVAL);
}

static struct sockaddr_storage in6_addr_of(u16 family)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0xa5, sizeof(ss));
	sin6->sin6_family = family;
	return ss;
}

static void test_check_in6(void)
{
	struct sockaddr_storage six = in6_addr_of(AF_INET6), four = in6_addr_of(AF_INET);
	struct sockaddr_storage unspec = in6_addr_of(AF_UNSPEC), unix_ = in6_addr_of(AF_UNIX);
	unsigned full = sizeof(struct sockaddr_in6);

	for (int use = SOCK_ADDR_BIND; use <= SOCK_ADDR_SEND; use++) {
		for (int dgram = 0; dgram < 2; dgram++) {
			CHECK_EQ(sock_addr_check_in6(&six, full, use, dgram), 0);
			CHECK_EQ(sock_addr_check_in6(&six, SIN6_LEN_RFC2133, use, dgram), 0);
			CHECK_EQ(sock_addr_check_in6(&six, SIN6_LEN_RFC2133 - 1, use, dgram), -EINVAL);
			CHECK_EQ(sock_addr_check_in6(&six, 1, use, dgram), -EINVAL);
			CHECK_EQ(sock_addr_check_in6(&six, 0, use, dgram), -EINVAL);
		}
	}
	/* bind: AF_INET6 only, even AF_UNSPEC (Linux's __inet6_bind). */
	CHECK_EQ(sock_addr_check_in6(&four, full, SOCK_ADDR_BIND, true), -EAFNOSUPPORT);
	CHECK_EQ(sock_addr_check_in6(&unspec, full, SOCK_ADDR_BIND, true), -EAFNOSUPPORT);
	CHECK_EQ(sock_addr_check_in6(&four, 16, SOCK_ADDR_BIND, false), -EINVAL);
	/* connect: AF_UNSPEC dissolves; a sockaddr_in is an IPv4 peer for datagrams only. */
	CHECK_EQ(sock_addr_check_in6(&unspec, 2, SOCK_ADDR_CONNECT, false), SOCK_ADDR_UNSPEC);
	CHECK_EQ(sock_addr_check_in6(&four, 16, SOCK_ADDR_CONNECT, true), SOCK_ADDR_INET);
	CHECK_EQ(sock_addr_check_in6(&four, 15, SOCK_ADDR_CONNECT, true), -EINVAL);
	CHECK_EQ(sock_addr_check_in6(&four, 16, SOCK_ADDR_CONNECT, false), -EINVAL);
	CHECK_EQ(sock_addr_check_in6(&four, full, SOCK_ADDR_CONNECT, false), -EAFNOSUPPORT);
	CHECK_EQ(sock_addr_check_in6(&unix_, full, SOCK_ADDR_CONNECT, true), -EAFNOSUPPORT);
	/* sendto: AF_UNSPEC is no address; another family is EINVAL. */
	CHECK_EQ(sock_addr_check_in6(&unspec, 2, SOCK_ADDR_SEND, true), SOCK_ADDR_NONE);
	CHECK_EQ(sock_addr_check_in6(&four, 16, SOCK_ADDR_SEND, true), SOCK_ADDR_INET);
	CHECK_EQ(sock_addr_check_in6(&unix_, full, SOCK_ADDR_SEND, true), -EINVAL);
}

static void test_make_in6(void)
{
	static const u8 ip[16] = { 0xfe, 0x80, [15] = 1 };
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0xff, sizeof(ss));
	CHECK_EQ(sock_addr_make_in6(&ss, ip, htons(80), 2), sizeof(*sin6));
	CHECK_EQ(sin6->sin6_family, AF_INET6);
	CHECK_EQ(sin6->sin6_port, htons(80));
	CHECK_EQ(sin6->sin6_flowinfo, 0);
	CHECK_EQ(sin6->sin6_scope_id, 2);
	CHECK(memcmp(sin6->sin6_addr.s6_addr, ip, 16) == 0);
}

static void test_make_in(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0xff, sizeof(ss));
	CHECK_EQ(sock_addr_make_in(&ss, htonl(0x0a00020f), htons(8080)), sizeof(*sin));
	CHECK_EQ(sin->sin_family, AF_INET);
	CHECK_EQ(sin->sin_port, htons(8080));
	CHECK_EQ(sin->sin_addr.s_addr, htonl(0x0a00020f));
	for (unsigned i = 0; i < sizeof(sin->sin_zero); i++)
		CHECK_EQ(sin->sin_zero[i], 0);
	CHECK_EQ(sock_addr_copy_len(0, 16), 0);
	CHECK_EQ(sock_addr_copy_len(4, 16), 4);
	CHECK_EQ(sock_addr_copy_len(128, 16), 16);
}

static struct sockaddr_storage un_addr(const void *path, unsigned n)
{
	struct sockaddr_storage ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;

	memset(&ss, 0, sizeof(ss));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, n);
	return ss;
}

static void test_un(void)
{
	char name[UNIX_PATH_MAX];
	unsigned len = 999, off = 2;
	struct sockaddr_storage a = un_addr("/tmp/s", 7), b = un_addr("\0abs", 4), full;
	struct sockaddr_storage c;

	/* A path: up to its NUL, whatever length the caller claims beyond it. */
	CHECK_EQ(sock_addr_check_un(&a, off + 7, name, &len), 0);
	CHECK_EQ(len, 6);
	CHECK(!memcmp(name, "/tmp/s", 6));
	CHECK_EQ(sock_addr_check_un(&a, sizeof(struct sockaddr_un), name, &len), 0);
	CHECK_EQ(len, 6);
	/* Abstract: every byte the length covers, the leading NUL included. */
	CHECK_EQ(sock_addr_check_un(&b, off + 4, name, &len), 0);
	CHECK_EQ(len, 4);
	CHECK(!memcmp(name, "\0abs", 4));
	/* The family alone: unnamed (autobind). */
	CHECK_EQ(sock_addr_check_un(&a, off, name, &len), 0);
	CHECK_EQ(len, 0);
	/* A path filling sun_path without a NUL is accepted, as on Linux. */
	memset(name, 'x', sizeof(name));
	full = un_addr(name, UNIX_PATH_MAX);
	CHECK_EQ(sock_addr_check_un(&full, sizeof(struct sockaddr_un), name, &len), 0);
	CHECK_EQ(len, UNIX_PATH_MAX);
	/* Bad: too short, too long, another family. */
	CHECK_EQ(sock_addr_check_un(&a, 1, name, &len), -EINVAL);
	CHECK_EQ(sock_addr_check_un(&a, sizeof(struct sockaddr_un) + 1, name, &len), -EINVAL);
	c = a;
	((struct sockaddr_un *)&c)->sun_family = AF_INET;
	CHECK_EQ(sock_addr_check_un(&c, off + 7, name, &len), -EINVAL);
	/* Building: a path is reported with its NUL, an abstract name exactly. */
	CHECK_EQ(sock_addr_make_un(&c, "/tmp/s", 6), off + 7);
	CHECK(!strcmp(((struct sockaddr_un *)&c)->sun_path, "/tmp/s"));
	CHECK_EQ(sock_addr_make_un(&c, "\0abs", 4), off + 4);
	CHECK_EQ(sock_addr_make_un(&c, "", 0), off);
}

int main(void)
{
	test_check_in();
	test_make_in();
	test_check_in6();
	test_make_in6();
	test_un();
	if (unit_failures)
		fprintf(stderr, "test_sock_addr: %d failures\n", unit_failures);
	return unit_failures != 0;
}
