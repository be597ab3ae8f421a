/*
 * Socket address checks and construction, with Linux's errno for each bad
 * input. Pure code (no lwIP, no locks): also built for the host unit tests.
 */
#include <sis/socket.h>
#include <sis/kernel.h>

static u16 addr_family(const struct sockaddr_storage *addr)
{
	return addr->ss_family;
}

static u32 addr_in_ip(const struct sockaddr_storage *addr)
{
	return ((const struct sockaddr_in *)addr)->sin_addr.s_addr;
}

/*
 * Linux's rules (net/ipv4/af_inet.c, tcp_ipv4.c, udp.c):
 *  - bind: at least a sockaddr_in, else EINVAL; AF_INET, or AF_UNSPEC with
 *    INADDR_ANY (a compatibility case), else EAFNOSUPPORT;
 *  - connect: AF_UNSPEC (just the family is enough) dissolves the
 *    association; otherwise a full sockaddr_in of AF_INET;
 *  - sendto: a full sockaddr_in; AF_UNSPEC counts as AF_INET.
 */
int sock_addr_check_in(const struct sockaddr_storage *addr, unsigned len, enum sock_addr_use use)
{
	u16 family;

	if (len < sizeof(addr->ss_family))
		return -EINVAL;
	family = addr_family(addr);
	if (use == SOCK_ADDR_CONNECT && family == AF_UNSPEC)
		return SOCK_ADDR_UNSPEC;
	if (len < sizeof(struct sockaddr_in))
		return -EINVAL;
	if (family == AF_INET)
		return 0;
	if (family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	if (use == SOCK_ADDR_SEND)
		return 0;
	if (use == SOCK_ADDR_BIND && addr_in_ip(addr) == INADDR_ANY)
		return 0;
	return -EAFNOSUPPORT;
}

/*
 * Linux's rules for AF_INET6 sockets: bind takes at least SIN6_LEN_RFC2133
 * bytes (EINVAL) of AF_INET6 (EAFNOSUPPORT); connect takes AF_UNSPEC to
 * dissolve, and datagram sockets a sockaddr_in for an IPv4 peer
 * (ip6_datagram_connect); sendto's family is AF_INET6, AF_INET, or AF_UNSPEC
 * (no address), anything else EINVAL (udpv6_sendmsg).
 */
int sock_addr_check_in6(const struct sockaddr_storage *addr, unsigned len, enum sock_addr_use use,
			bool dgram)
{
	u16 family;

	if (len < sizeof(addr->ss_family))
		return -EINVAL;
	family = addr_family(addr);
	if (use == SOCK_ADDR_CONNECT && family == AF_UNSPEC)
		return SOCK_ADDR_UNSPEC;
	if (use == SOCK_ADDR_SEND && family == AF_UNSPEC)
		return SOCK_ADDR_NONE;
	if (dgram && use != SOCK_ADDR_BIND && family == AF_INET)
		return len < sizeof(struct sockaddr_in) ? -EINVAL : SOCK_ADDR_INET;
	if (len < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (family == AF_INET6)
		return 0;
	return use == SOCK_ADDR_SEND ? -EINVAL : -EAFNOSUPPORT;
}

unsigned sock_addr_make_in6(struct sockaddr_storage *addr, const u8 ip[16], u16 port_be,
			    u32 scope_id)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)addr;

	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = port_be;
	memcpy(sin6->sin6_addr.s6_addr, ip, 16);
	sin6->sin6_scope_id = scope_id;
	return sizeof(*sin6);
}

unsigned sock_addr_make_in(struct sockaddr_storage *addr, u32 addr_be, u16 port_be)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)addr;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = port_be;
	sin->sin_addr.s_addr = addr_be;
	return sizeof(*sin);
}

unsigned sock_addr_copy_len(unsigned user_len, unsigned real_len)
{
	return MIN(user_len, real_len);
}

/*
 * AF_UNIX names (net/unix/af_unix.c unix_mkname): the family alone is an
 * unnamed address (autobind); a path is NUL-terminated within sun_path (a
 * missing terminator is tolerated when it fills the array); sun_path[0] == 0
 * is an abstract name whose length is the address length. On success the
 * name (without family) is copied to name/name_len.
 */
int sock_addr_check_un(const struct sockaddr_storage *addr, unsigned len, char *name,
		       unsigned *name_len)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)addr;
	unsigned path_max, n;

	if (len < sizeof(sun->sun_family) || len > sizeof(*sun))
		return -EINVAL;
	if (sun->sun_family != AF_UNIX)
		return -EINVAL;
	path_max = len - sizeof(sun->sun_family);
	if (path_max == 0) {
		*name_len = 0;
		return 0;
	}
	if (sun->sun_path[0] == '\0') {
		n = path_max; /* abstract: every byte counts, the leading NUL too */
	} else {
		for (n = 0; n < path_max && sun->sun_path[n]; n++)
			;
	}
	memcpy(name, sun->sun_path, n);
	*name_len = n;
	return 0;
}

unsigned sock_addr_make_un(struct sockaddr_storage *addr, const char *name, unsigned name_len)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)addr;
	unsigned len = sizeof(sun->sun_family) + name_len;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, name, name_len);
	/* A path name is reported with its terminating NUL, as Linux does. */
	if (name_len && name[0] != '\0' && name_len < sizeof(sun->sun_path))
		len++;
	return len;
}
