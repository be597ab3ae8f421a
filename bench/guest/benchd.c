/*
 * benchd: the guest side of bench/run's bulk-TCP and UDP measurements.
 *
 *   benchd [-p BASEPORT]        serve until killed (default BASEPORT 5001)
 *   benchd spin                 burn CPU until killed (bench/run's busy case:
 *                               latency with a CPU-bound process running)
 *   benchd pollcost [N [CALLS]] what a poll() over N idle sockets costs
 *                               (default 64 and 2000 calls): N UDP sockets
 *                               bound to 127.0.0.1, CALLS polls with timeout
 *                               0; prints "pollcost: N sockets: X us per
 *                               poll" (the kernel's per-socket poll path)
 *
 * BASEPORT+0 TCP "sink": reads everything a client sends until EOF, then
 *            answers "OK <bytes>\n" and closes (the host times until it
 *            reads that answer, i.e. until the guest has read all).
 * BASEPORT+1 TCP "source": reads one line "<bytes>\n", sends that many
 *            bytes, then closes (the host times until EOF).
 * BASEPORT+2 UDP echo: every datagram goes back to its sender.
 * BASEPORT+3 UDP blast (bench/run's ceiling of the tap arena): counts the
 *            payload bytes of every datagram; "?reset" zeroes the count and
 *            "?count" asks for it (answer "N <bytes>"); "!<ms>" makes it send
 *            1472-byte datagrams back for that many milliseconds as fast as
 *            the socket takes them, then "END <datagrams sent>" three times.
 *
 * TCP ports take IPv4 and IPv6 clients ([::], dual stack).
 * One client at a time (the benchmark never runs two), plain POSIX sockets
 * and poll, so the same source builds for SIS (tools/cc) and, being
 * Linux-ABI, the very same binary runs on a Linux guest too. Prints
 * "benchd: ready" once all three sockets listen.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#define BUF_SIZE (64 * 1024)

#define BLAST_PAYLOAD 1472 /* one full-size Ethernet frame */

static char buf[BUF_SIZE];
static unsigned long blast_count; /* payload bytes counted by the blast port */

/* A TCP port listens on [::] dual stack (IPv4 and IPv6 clients: bench/run's
 * tap arena measures both), falling back to 0.0.0.0 where the kernel has no
 * IPv6; UDP ports stay IPv4 (their replies use sockaddr_in). */
static int listen_on(int type, int port)
{
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	int one = 1, zero = 0;
	int fd = type == SOCK_STREAM ? socket(AF_INET6, type, 0) : -1;

	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((unsigned short)port);
		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0)
			goto bound;
		close(fd);
	}
	fd = socket(AF_INET, type, 0);
	if (fd < 0) {
		perror("benchd: socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("benchd: bind");
		exit(1);
	}
bound:
	if (type == SOCK_STREAM && listen(fd, 8) < 0) {
		perror("benchd: listen");
		exit(1);
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void sink(int c)
{
	unsigned long total = 0;
	char reply[64];
	ssize_t r;

	for (;;) {
		r = read(c, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		total += (unsigned long)r;
	}
	snprintf(reply, sizeof(reply), "OK %lu\n", total);
	write_all(c, reply, strlen(reply));
}

static void source(int c)
{
	char line[32];
	size_t len = 0;
	unsigned long want, i;
	ssize_t r;

	while (len < sizeof(line) - 1) {
		r = read(c, line + len, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = 0;
	want = strtoul(line, NULL, 10);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	while (want > 0) {
		size_t n = want < sizeof(buf) ? (size_t)want : sizeof(buf);

		if (write_all(c, buf, n) < 0)
			return;
		want -= n;
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void blast_send(int fd, const struct sockaddr_in *to, long ms)
{
	long long end = now_ms() + ms;
	unsigned long sent = 0;
	char msg[32];

	memset(buf, 'b', BLAST_PAYLOAD);
	while (now_ms() < end)
		for (int i = 0; i < 64; i++)
			if (sendto(fd, buf, BLAST_PAYLOAD, 0, (const struct sockaddr *)to,
				   sizeof(*to)) == BLAST_PAYLOAD)
				sent++;
	snprintf(msg, sizeof(msg), "END %lu", sent);
	for (int i = 0; i < 3; i++)
		sendto(fd, msg, strlen(msg), 0, (const struct sockaddr *)to, sizeof(*to));
}

static void blast(int fd)
{
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t r = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fl);
	char msg[40];

	if (r < 0)
		return;
	buf[r] = 0;
	if (r == 6 && memcmp(buf, "?reset", 6) == 0)
		blast_count = 0;
	if (r >= 1 && buf[0] == '?') {
		snprintf(msg, sizeof(msg), "N %lu", blast_count);
		sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&from, fl);
	} else if (r >= 2 && buf[0] == '!') {
		blast_send(fd, &from, strtol(buf + 1, NULL, 10));
	} else {
		blast_count += (unsigned long)r;
	}
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int pollcost(int n, int calls)
{
	struct pollfd *pfd = calloc((size_t)n, sizeof(*pfd));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	long long t0;

	if (!pfd)
		return 1;
	for (int i = 0; i < n; i++) {
		pfd[i].fd = socket(AF_INET, SOCK_DGRAM, 0);
		pfd[i].events = POLLIN;
		if (pfd[i].fd < 0 || bind(pfd[i].fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
			perror("benchd: pollcost: socket");
			return 1;
		}
	}
	t0 = now_ns();
	for (int i = 0; i < calls; i++)
		if (poll(pfd, (nfds_t)n, 0) != 0) {
			fprintf(stderr, "benchd: pollcost: an idle socket is ready\n");
			return 1;
		}
	printf("pollcost: %d sockets: %.2f us per poll\n", n,
	       (double)(now_ns() - t0) / calls / 1000.0);
	return 0;
}

int main(int argc, char **argv)
{
	int base = 5001;
	struct pollfd pfd[4];

	if (argc == 2 && strcmp(argv[1], "spin") == 0)
		for (volatile unsigned long n = 0;; n++)
			;
	if (argc >= 2 && argc <= 4 && strcmp(argv[1], "pollcost") == 0)
		return pollcost(argc > 2 ? atoi(argv[2]) : 64, argc > 3 ? atoi(argv[3]) : 2000);
	if (argc == 3 && strcmp(argv[1], "-p") == 0)
		base = atoi(argv[2]);
	else if (argc != 1) {
		fprintf(stderr, "usage: benchd [-p BASEPORT] | benchd spin | "
				"benchd pollcost [N [CALLS]]\n");
		return 2;
	}
	pfd[0].fd = listen_on(SOCK_STREAM, base);
	pfd[1].fd = listen_on(SOCK_STREAM, base + 1);
	pfd[2].fd = listen_on(SOCK_DGRAM, base + 2);
	pfd[3].fd = listen_on(SOCK_DGRAM, base + 3);
	for (int i = 0; i < 4; i++)
		pfd[i].events = POLLIN;
	printf("benchd: ready\n");
	fflush(stdout);
	for (;;) {
		if (poll(pfd, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("benchd: poll");
			return 1;
		}
		if (pfd[2].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t r = recvfrom(pfd[2].fd, buf, sizeof(buf), 0,
					     (struct sockaddr *)&from, &fl);

			if (r >= 0)
				sendto(pfd[2].fd, buf, (size_t)r, 0, (struct sockaddr *)&from, fl);
		}
		if (pfd[3].revents & POLLIN)
			blast(pfd[3].fd);
		for (int i = 0; i < 2; i++) {
			int c;

			if (!(pfd[i].revents & POLLIN))
				continue;
			c = accept(pfd[i].fd, NULL, NULL);
			if (c < 0)
				continue;
			if (i == 0)
				sink(c);
			else
				source(c);
			close(c);
		}
	}
}
