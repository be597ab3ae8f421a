/*
 * Small helpers shared by the network tools in user/net (compiled into each
 * program): monotonic time, name resolution with a diagnostic, address text,
 * and whole-line reads of /proc files.
 */
#ifndef SIS_NET_UTIL_H
#define SIS_NET_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

struct addrinfo;

/* The program's name for messages ("ping: ..."); set by util_init(argv[0]). */
extern const char *util_prog;
void util_init(const char *argv0);

/* Monotonic clock in microseconds / milliseconds. */
uint64_t util_now_us(void);
static inline uint64_t util_now_ms(void) { return util_now_us() / 1000; }

/*
 * Resolve host (name or dotted quad) for socktype into *out with port
 * (host order). Prints "PROG: HOST: reason" and returns -1 on failure.
 * canon (may be NULL) gets the canonical name.
 */
int util_resolve(const char *host, unsigned port, int socktype, struct sockaddr_in *out,
		 char *canon, size_t canon_size);

/*
 * Every address of host (a name, a dotted quad or an IPv6 address, "[...]"
 * brackets allowed) for socktype, IPv4 and IPv6 in getaddrinfo's order, port
 * set (host order). Prints "PROG: HOST: reason" and returns NULL on failure;
 * freeaddrinfo() the list.
 */
struct addrinfo *util_resolve_all(const char *host, unsigned port, int socktype);

/* The numeric address of an AF_INET/AF_INET6 sockaddr (IPv6 without brackets),
 * in a static buffer (one of four, rotating). */
const char *util_sa_ntop(const struct sockaddr *sa);

/* "a.b.c.d" of a network-order address, in a static buffer (one of four, rotating). */
const char *util_ntoa(uint32_t addr_be);

/* Parse a decimal number in [lo, hi]: 0, or -1 if s is not one. */
int util_parse_long(const char *s, long lo, long hi, long *out);

/* Parse seconds with an optional fraction ("0.2", "1", "1.5") into microseconds. */
int util_parse_seconds(const char *s, uint64_t *us);

/* Write all of buf to fd (retrying short writes): 0, or -1 with errno. */
int util_write_all(int fd, const void *buf, size_t len);

#endif
