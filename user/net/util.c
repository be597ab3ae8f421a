/* Helpers shared by the network tools: see util.h. */
#include "util.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

const char *util_prog = "?";

void util_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	util_prog = slash ? slash + 1 : argv0 ? argv0 : "?";
}

uint64_t util_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int util_resolve(const char *host, unsigned port, int socktype, struct sockaddr_in *out,
		 char *canon, size_t canon_size)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = socktype,
				  .ai_flags = canon ? AI_CANONNAME : 0 };
	struct addrinfo *res;
	int err = getaddrinfo(host, NULL, &hints, &res);

	if (err) {
		fprintf(stderr, "%s: %s: %s\n", util_prog, host, gai_strerror(err));
		return -1;
	}
	memcpy(out, res->ai_addr, sizeof(*out));
	out->sin_port = htons((uint16_t)port);
	if (canon)
		snprintf(canon, canon_size, "%s", res->ai_canonname ? res->ai_canonname : host);
	freeaddrinfo(res);
	return 0;
}

struct addrinfo *util_resolve_all(const char *host, unsigned port, int socktype)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = socktype };
	struct addrinfo *res;
	char name[256];
	size_t len = strlen(host);
	int err;

	if (len >= 2 && host[0] == '[' && host[len - 1] == ']' && len - 2 < sizeof(name)) {
		memcpy(name, host + 1, len - 2);
		name[len - 2] = 0;
		hints.ai_flags = AI_NUMERICHOST;
		host = name;
	}
	err = getaddrinfo(host, NULL, &hints, &res);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", util_prog, host, gai_strerror(err));
		return NULL;
	}
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
		((struct sockaddr_in *)ai->ai_addr)->sin_port = htons((uint16_t)port); /* same offset in sin6 */
	return res;
}

const char *util_sa_ntop(const struct sockaddr *sa)
{
	static char bufs[4][INET6_ADDRSTRLEN];
	static int next;
	char *b = bufs[next++ & 3];

	if (sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, b,
				 INET6_ADDRSTRLEN);
	return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, b, INET6_ADDRSTRLEN);
}

const char *util_ntoa(uint32_t addr_be)
{
	static char bufs[4][INET_ADDRSTRLEN];
	static int next;
	char *b = bufs[next++ & 3];

	return inet_ntop(AF_INET, &addr_be, b, INET_ADDRSTRLEN);
}

int util_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int util_parse_seconds(const char *s, uint64_t *us)
{
	uint64_t whole = 0, frac = 0, scale = 1000000;
	const char *p = s;

	if (!s || !*s)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 1000000)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	if (*p || p == s)
		return -1;
	*us = whole * 1000000 + frac;
	return 0;
}

int util_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
