/*
 * BSD socket calls of the user runtime: thin wrappers over SIS's Linux
 * socket system calls (numbers and values from the uapi headers; errno
 * translated to picolibc's numbering by __sis_ret), and the IPv4 text
 * conversions of <arpa/inet.h>.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "sis_syscall.h"

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

/* ---- system calls ---- */

int socket(int domain, int type, int protocol)
{
	return (int)sis_call(__NR_socket, domain, type, protocol);
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
	return (int)sis_call(__NR_socketpair, domain, type, protocol, sv);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return (int)sis_call(__NR_bind, fd, addr, len);
}

int listen(int fd, int backlog)
{
	return (int)sis_call(__NR_listen, fd, backlog);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return (int)sis_call(__NR_accept, fd, addr, len);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	return (int)sis_call(__NR_accept4, fd, addr, len, flags);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return (int)sis_call(__NR_connect, fd, addr, len);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return (int)sis_call(__NR_getsockname, fd, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return (int)sis_call(__NR_getpeername, fd, addr, len);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	return sis_call(__NR_sendto, fd, buf, len, flags, to, tolen);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
		 socklen_t *fromlen)
{
	return sis_call(__NR_recvfrom, fd, buf, len, flags, from, fromlen);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return sis_call(__NR_sendmsg, fd, msg, flags);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	return sis_call(__NR_recvmsg, fd, msg, flags);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	return (int)sis_call(__NR_setsockopt, fd, level, name, val, len);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	return (int)sis_call(__NR_getsockopt, fd, level, name, val, len);
}

int shutdown(int fd, int how)
{
	return (int)sis_call(__NR_shutdown, fd, how);
}

/* No out-of-band data in SIS's TCP: never at the mark (after checking fd). */
int sockatmark(int fd)
{
	int type;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return -1;
	return 0;
}

/* ---- IPv4 text forms ---- */

/* One part of a classic address: decimal, 0x hex or 0 octal. -1 if bad. */
static const char *parse_part(const char *s, unsigned long *out)
{
	unsigned long v = 0, base = 10, digits = 0, d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
		base = 8;
	}
	for (;; s++, digits++) {
		if (*s >= '0' && *s <= '9')
			d = (unsigned long)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned long)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned long)(*s - 'A' + 10);
		else
			break;
		if (d >= base)
			return NULL;
		v = v * base + d;
		if (v > 0xffffffffUL)
			return NULL;
	}
	if (!digits)
		return NULL;
	*out = v;
	return s;
}

/* inet_aton's grammar: a, a.b, a.b.c or a.b.c.d (the last part fills the rest). */
int inet_aton(const char *cp, struct in_addr *inp)
{
	unsigned long part[4], max[4] = { 0xffffffffUL, 0xffffff, 0xffff, 0xff };
	unsigned long v;
	int n = 0, i;

	for (;;) {
		cp = parse_part(cp, &part[n]);
		if (!cp)
			return 0;
		n++;
		if (*cp != '.')
			break;
		if (n == 4)
			return 0;
		cp++;
	}
	if (*cp != '\0' && *cp != ' ' && *cp != '\t' && *cp != '\n')
		return 0;
	for (i = 0; i < n - 1; i++) {
		if (part[i] > 0xff)
			return 0;
	}
	if (part[n - 1] > max[n - 1])
		return 0;
	v = part[n - 1];
	for (i = 0; i < n - 1; i++)
		v |= part[i] << (24 - 8 * i);
	if (inp)
		inp->s_addr = htonl((uint32_t)v);
	return 1;
}

in_addr_t inet_addr(const char *cp)
{
	struct in_addr a;

	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

in_addr_t inet_network(const char *cp)
{
	struct in_addr a;

	return inet_aton(cp, &a) ? ntohl(a.s_addr) : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char buf[INET_ADDRSTRLEN];

	return (char *)inet_ntop(AF_INET, &in, buf, sizeof(buf));
}

/* inet_pton's stricter grammar: exactly four decimal parts 0..255, no leading zeros. */
static int pton4(const char *s, unsigned char out[4])
{
	int part = 0, digits = 0;
	unsigned v = 0;

	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			if (digits && v == 0)
				return 0; /* leading zero */
			v = v * 10 + (unsigned)(*s - '0');
			if (v > 255 || ++digits > 3)
				return 0;
			continue;
		}
		if (!digits || (*s != '.' && *s != '\0'))
			return 0;
		out[part++] = (unsigned char)v;
		if (*s == '\0')
			return part == 4;
		if (part == 4)
			return 0;
		v = 0;
		digits = 0;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 4291 text: 8 groups, one "::" for a run of zero groups, an optional
 * dotted-quad tail. */
static int pton6(const char *s, unsigned char out[16])
{
	unsigned char a[16] = { 0 };
	int n = 0, gap = -1;

	if (s[0] == ':' && s[1] != ':')
		return 0;
	if (s[0] == ':') {
		gap = 0;
		s += 2;
	}
	while (*s) {
		unsigned v = 0;
		int digits = 0;
		const char *t = s;

		while (*t && *t != ':' && *t != '.')
			t++;
		if (*t == '.') { /* IPv4 tail */
			if (n > 12 || !pton4(s, a + n))
				return 0;
			n += 4;
			break;
		}
		for (; hexval(*s) >= 0; s++) {
			if (++digits > 4)
				return 0;
			v = v << 4 | (unsigned)hexval(*s);
		}
		if (!digits || n > 14)
			return 0;
		a[n++] = (unsigned char)(v >> 8);
		a[n++] = (unsigned char)v;
		if (!*s)
			break;
		if (*s++ != ':' || !*s)
			return 0;
		if (*s == ':') {
			if (gap >= 0)
				return 0;
			gap = n;
			s++;
		}
	}
	if (gap < 0 ? n != 16 : n > 14)
		return 0;
	memset(out, 0, 16);
	if (gap < 0) {
		memcpy(out, a, 16);
	} else {
		memcpy(out, a, (size_t)gap);
		memcpy(out + 16 - (n - gap), a + gap, (size_t)(n - gap));
	}
	return 1;
}

int inet_pton(int af, const char *src, void *dst)
{
	unsigned char a[16];

	if (af == AF_INET6) {
		if (!pton6(src, a))
			return 0;
		memcpy(dst, a, 16);
		return 1;
	}
	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (!pton4(src, a))
		return 0;
	memcpy(dst, a, 4);
	return 1;
}

/* RFC 5952: lower case, no leading zeros, the longest run (>= 2) of zero
 * groups as "::", ::ffff:a.b.c.d for v4-mapped. */
static int ntop6(const unsigned char *a, char *out, size_t size)
{
	unsigned g[8];
	int best = -1, best_len = 1, n = 0;

	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	if (best == 0 && best_len == 5 && g[5] == 0xffff)
		return snprintf(out, size, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			n += snprintf(out + n, size > (size_t)n ? size - (size_t)n : 0, i ? ":" : "::");
			i += best_len - 1;
			continue;
		}
		n += snprintf(out + n, size > (size_t)n ? size - (size_t)n : 0, "%x%s", g[i],
			      i < 7 ? ":" : "");
	}
	return n;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	const unsigned char *a = src;
	char tmp[INET6_ADDRSTRLEN];
	int n;

	if (af == AF_INET6)
		n = ntop6(a, tmp, sizeof(tmp));
	else if (af == AF_INET)
		n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (n < 0 || (socklen_t)n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, tmp, (size_t)n + 1);
	return dst;
}
