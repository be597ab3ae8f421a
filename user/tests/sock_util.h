/*
 * Helpers shared by the socket test programs (user/tests/sock_*.c): checks
 * that count failures, addresses, whole reads/writes, CRC-32, time, and the
 * kernel's leak counters. Plain POSIX: the programs also build on Linux,
 * where their expectations can be checked against the real thing.
 */
#ifndef SOCK_UTIL_H
#define SOCK_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4 on Linux */
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures __attribute__((unused));

/* Record a failure with errno; keep going so one run reports everything. */
#define CHECK(cond, ...)                                                          \
	do {                                                                      \
		if (!(cond)) {                                                    \
			int e_ = errno;                                           \
			failures++;                                               \
			printf("FAIL %s:%d: ", __func__, __LINE__);              \
			printf(__VA_ARGS__);                                      \
			printf(" [errno %d: %s]\n", e_, strerror(e_));            \
		}                                                                 \
	} while (0)

/* A call that must fail with errno `want`. */
#define EXPECT_ERR(call, want)                                                    \
	do {                                                                      \
		errno = 0;                                                        \
		long r_ = (long)(call);                                           \
		int e_ = errno;                                                   \
		if (r_ != -1 || e_ != (want)) {                                   \
			failures++;                                               \
			printf("FAIL %s:%d: %s = %ld errno %d (%s), want %s\n",  \
			       __func__, __LINE__, #call, r_, e_, strerror(e_), #want); \
		}                                                                 \
	} while (0)

static inline struct sockaddr_in sin_make(const char *ip, int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = inet_addr(ip);
	return a;
}
#define SA(p) ((struct sockaddr *)(p))

/* A pointer the kernel must refuse (not mapped), hidden from the compiler. */
static inline void *bad_ptr(void)
{
	static volatile uintptr_t bad = 8;

	return (void *)bad;
}

static inline long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static inline int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Read exactly n bytes (or until EOF): the count, or -1. */
static inline ssize_t read_full(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* CRC-32 (IEEE 802.3, zlib's crc32()): the checksum both ends compare. */
static inline uint32_t crc32_update(uint32_t crc, const void *buf, size_t n)
{
	static uint32_t table[256];
	const unsigned char *p = buf;

	if (!table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* The test byte stream: byte i of a transfer is pattern_byte(i). */
static inline unsigned char pattern_byte(uint64_t i)
{
	return (unsigned char)((i * 7 + (i >> 12)) & 0xff);
}

static inline void pattern_fill(unsigned char *buf, size_t n, uint64_t off)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern_byte(off + i);
}

/* The kernel's leak counters (/proc/net/sis_pools) as one string. */
static inline int read_pools(char *buf, size_t size)
{
	int fd = open("/proc/net/sis_pools", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read_full(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

#endif
