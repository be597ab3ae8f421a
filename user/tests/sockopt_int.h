/*
 * int-valued socket options for the test programs that check them against
 * Linux (inet6_calls.c, mcast_calls.c): getint gives the value, or -12345
 * if getsockopt failed; setint is setsockopt's result.
 */
#ifndef USER_TESTS_SOCKOPT_INT_H
#define USER_TESTS_SOCKOPT_INT_H

#include <sys/socket.h>

static inline int getint(int fd, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len))
		return -12345;
	return v;
}

static inline int setint(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

/* A hop limit option (IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS,
 * IPV6_UNICAST_HOPS) as Linux has it: v is set and read back, -1 sets the
 * default dflt again, 256 and -2 are EINVAL. Uses eq_err.h's EQ and ERR. */
#define CHECK_HOPS(fd, level, name, dflt, v)                    \
	do {                                                    \
		EQ(setint(fd, level, name, v), 0);              \
		EQ(getint(fd, level, name), v);                 \
		EQ(setint(fd, level, name, -1), 0);             \
		EQ(getint(fd, level, name), dflt);              \
		ERR(setint(fd, level, name, 256), EINVAL);      \
		ERR(setint(fd, level, name, -2), EINVAL);       \
	} while (0)

#endif
