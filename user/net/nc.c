/*
 * nc [-46] [-u] [-v] [-w SECS] HOST PORT       connect, then relay
 * nc -l [-46] [-u] [-v] [-w SECS] [-p] PORT    wait for one peer, then relay
 *
 * netcat: copies standard input to the socket and the socket to standard
 * output until both directions are done. TCP: end of input shuts down our
 * sending side (the peer sees EOF) and nc exits when the peer closes. UDP:
 * each read of standard input is one datagram; a UDP listener talks to the
 * sender of the first datagram it gets; a UDP client stops when its input
 * ends, or with -w when the peer has been silent for SECS seconds. -w ends
 * the connection attempt, and the relay, after SECS seconds without traffic.
 * -4 / -6 (as in OpenBSD's netcat): only IPv4 or only IPv6 addresses; a
 * listener is on 0.0.0.0 unless -6 puts it on [::] (IPv6 only).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "util.h"

struct nc {
	bool listen, udp, verbose;
	int family;              /* AF_INET, AF_INET6, or AF_UNSPEC: either */
	int timeout_ms;          /* -1: none */
	const char *host;
	long port;
	int fd;
	bool stdin_open, sock_open;
};

static int fail(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", util_prog, what, strerror(errno));
	return 1;
}

/* The peer's addresses (IPv4, IPv6, "[v6]" or a name) in getaddrinfo's
 * order, until one connects. */
static int connect_peer(struct nc *nc)
{
	int type = nc->udp ? SOCK_DGRAM : SOCK_STREAM;
	struct addrinfo *list = util_resolve_all(nc->host, (unsigned)nc->port, type), *ai;
	int err = 0;

	if (!list)
		return 1;
	nc->fd = -1;
	for (ai = list; ai; ai = ai->ai_next) {
		if (nc->family != AF_UNSPEC && ai->ai_family != nc->family) {
			err = err ? err : EAFNOSUPPORT;
			continue;
		}
		nc->fd = socket(ai->ai_family, type, 0);
		if (nc->fd >= 0 && connect(nc->fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		if (nc->fd >= 0)
			close(nc->fd);
		nc->fd = -1;
	}
	if (!ai) {
		errno = err;
		fprintf(stderr, "%s: connect to %s port %ld (%s) failed: %s\n", util_prog, nc->host,
			nc->port, nc->udp ? "udp" : "tcp", strerror(err));
		freeaddrinfo(list);
		return 1;
	}
	if (nc->verbose)
		fprintf(stderr, "Connection to %s (%s) %ld port [%s] succeeded!\n", nc->host,
			util_sa_ntop(ai->ai_addr), nc->port, nc->udp ? "udp" : "tcp");
	freeaddrinfo(list);
	return 0;
}

/* Wait up to the -w timeout for fd to become readable: 0, or 1 after a message. */
static int wait_readable(struct nc *nc, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int r;

	do {
		r = poll(&pfd, 1, nc->timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return fail("poll");
	if (r == 0) {
		fprintf(stderr, "%s: timed out waiting for a peer\n", util_prog);
		return 1;
	}
	return 0;
}

static void print_peer(const struct sockaddr_storage *peer)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)peer;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)peer;

	fprintf(stderr, "Connection received on %s %u\n", util_sa_ntop((const struct sockaddr *)peer),
		ntohs(peer->ss_family == AF_INET6 ? sin6->sin6_port : sin->sin_port));
}

/* UDP listener: the first datagram names the peer; connect to it and pass the data on. */
static int accept_udp(struct nc *nc)
{
	char buf[65536];
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	ssize_t n;

	if (wait_readable(nc, nc->fd))
		return 1;
	n = recvfrom(nc->fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &len);
	if (n < 0)
		return fail("recvfrom");
	if (connect(nc->fd, (struct sockaddr *)&peer, len) < 0)
		return fail("connect");
	if (nc->verbose)
		print_peer(&peer);
	return util_write_all(1, buf, (size_t)n) ? fail("write") : 0;
}

static int accept_tcp(struct nc *nc)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	int fd;

	if (listen(nc->fd, 1) < 0)
		return fail("listen");
	if (wait_readable(nc, nc->fd))
		return 1;
	fd = accept(nc->fd, (struct sockaddr *)&peer, &len);
	if (fd < 0)
		return fail("accept");
	close(nc->fd);
	nc->fd = fd;
	if (nc->verbose)
		print_peer(&peer);
	return 0;
}

static int listen_peer(struct nc *nc)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)nc->port),
				   .sin_addr.s_addr = htonl(INADDR_ANY) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons((uint16_t)nc->port) };
	bool v6 = nc->family == AF_INET6;
	int one = 1;

	nc->fd = socket(v6 ? AF_INET6 : AF_INET, nc->udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (nc->fd < 0)
		return fail("socket");
	setsockopt(nc->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6)
		setsockopt(nc->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (v6 ? bind(nc->fd, (struct sockaddr *)&sin6, sizeof(sin6)) :
		 bind(nc->fd, (struct sockaddr *)&sin, sizeof(sin)))
		return fail("bind");
	if (nc->verbose)
		fprintf(stderr, "Listening on %s %ld\n", v6 ? "::" : "0.0.0.0", nc->port);
	return nc->udp ? accept_udp(nc) : accept_tcp(nc);
}

/* Standard input to the socket; at its end, TCP sends FIN. */
static int pump_stdin(struct nc *nc)
{
	char buf[16384];
	ssize_t n = read(0, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR ? 0 : fail("read");
	if (n == 0) {
		nc->stdin_open = false;
		if (!nc->udp)
			shutdown(nc->fd, SHUT_WR);
		return 0;
	}
	if (nc->udp ? send(nc->fd, buf, (size_t)n, 0) != n : util_write_all(nc->fd, buf, (size_t)n))
		return fail("send");
	return 0;
}

/* The socket to standard output; EOF (TCP) ends the relay. */
static int pump_socket(struct nc *nc)
{
	char buf[65536];
	ssize_t n = recv(nc->fd, buf, sizeof(buf), 0);

	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		if (errno == ECONNREFUSED && nc->udp)
			return 0;   /* ICMP port unreachable for an earlier datagram */
		return fail("recv");
	}
	if (n == 0 && !nc->udp) {
		nc->sock_open = false;
		return 0;
	}
	return util_write_all(1, buf, (size_t)n) ? fail("write") : 0;
}

static int relay(struct nc *nc)
{
	nc->stdin_open = nc->sock_open = true;
	/* UDP has no end of stream: after our input ends, wait for replies only with -w. */
	while (nc->sock_open && (nc->stdin_open || !nc->udp || nc->timeout_ms >= 0)) {
		struct pollfd pfd[2] = { { .fd = nc->fd, .events = POLLIN },
					 { .fd = 0, .events = POLLIN } };
		int r = poll(pfd, nc->stdin_open ? 2 : 1, nc->timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail("poll");
		if (r == 0)
			return 0;   /* -w: idle for too long */
		if (pfd[0].revents && pump_socket(nc))
			return 1;
		if (nc->stdin_open && pfd[1].revents && pump_stdin(nc))
			return 1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: nc [-46] [-u] [-v] [-w SECS] HOST PORT\n"
			"       nc -l [-46] [-u] [-v] [-w SECS] [-p] PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct nc nc = { .timeout_ms = -1, .fd = -1, .family = AF_UNSPEC };
	const char *port = NULL;
	long secs;
	int opt, err;

	util_init(argv[0]);
	while ((opt = getopt(argc, argv, "46luvw:p:")) != -1) {
		switch (opt) {
		case '4': nc.family = AF_INET; break;
		case '6': nc.family = AF_INET6; break;
		case 'l': nc.listen = true; break;
		case 'u': nc.udp = true; break;
		case 'v': nc.verbose = true; break;
		case 'p': port = optarg; break;
		case 'w':
			if (util_parse_long(optarg, 1, 86400, &secs))
				usage();
			nc.timeout_ms = (int)secs * 1000;
			break;
		default: usage();
		}
	}
	if (nc.listen && !port && optind == argc - 1)
		port = argv[optind++];
	else if (!nc.listen && optind == argc - 2) {
		nc.host = argv[optind++];
		port = argv[optind++];
	}
	if (!port || optind != argc || util_parse_long(port, 1, 65535, &nc.port))
		usage();
	err = nc.listen ? listen_peer(&nc) : connect_peer(&nc);
	if (!err)
		err = relay(&nc);
	if (nc.fd >= 0)
		close(nc.fd);
	return err;
}
