/*
 * SO_REUSEPORT with several processes (a glibc program: built with
 * aarch64-linux-gnu-gcc -static for SIS and natively for the Linux reference).
 *
 *   netsock_reuseport local         on loopback: 4 child processes listen on one
 *                                   TCP port and 4 bind one UDP port, all with
 *                                   SO_REUSEPORT; 64 connections and 64 datagrams
 *                                   (each from its own source port) must reach
 *                                   every one of them; a socket without the
 *                                   option, or another user's, gets EADDRINUSE;
 *                                   once one listener exits the others take all.
 *                                   "netsock_reuseport: N checks, M failed"
 *   netsock_reuseport serve N PORT  N children serve TCP (an HTTP answer
 *                                   "served by K") and UDP ("K") on 0.0.0.0:PORT;
 *                                   "reuseport: N listening" once all are ready.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define NCHILD 4
#define NTRY 64

static struct sockaddr_in addr_of(in_addr_t ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = ip;
	return a;
}

/* A socket of type bound to ip:port, SO_REUSEPORT as asked: fd or -1 (errno). */
static int bound(int type, in_addr_t ip, int port, int reuseport)
{
	struct sockaddr_in a = addr_of(ip, port);
	int s = socket(AF_INET, type, 0), e;

	if (s < 0)
		return -1;
	if (reuseport && setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &reuseport, sizeof(reuseport)))
		return -1;
	if (bind(s, (struct sockaddr *)&a, sizeof(a))) {
		e = errno;
		close(s);
		errno = e;
		return -1;
	}
	return s;
}

/* Child k: serve TCP (listening socket l) or UDP (socket u) until killed. */
static void serve(int k, int l, int u, int http)
{
	char buf[512], reply[128];
	int n;

	if (u >= 0) {
		struct sockaddr_in from;
		socklen_t fl;

		for (;;) {
			fl = sizeof(from);
			n = (int)recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			if (n < 0)
				continue;
			n = snprintf(reply, sizeof(reply), "%d", k);
			sendto(u, reply, (size_t)n, 0, (struct sockaddr *)&from, fl);
		}
	}
	for (;;) {
		int c = accept(l, NULL, NULL);

		if (c < 0)
			continue;
		if (http) {
			n = (int)read(c, buf, sizeof(buf)); /* the request (one segment is enough) */
			n = snprintf(reply, sizeof(reply),
				     "HTTP/1.0 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n"
				     "\r\nserved by %d\n", k);
		} else {
			n = snprintf(reply, sizeof(reply), "%d", k);
		}
		if (write(c, reply, (size_t)n) < 0)
			perror("write");
		close(c);
	}
}

/* Start NCHILD children serving; each says 'r' on the pipe once its socket is ready. */
static void start(pid_t *pids, int n, int type, in_addr_t ip, int port, int http)
{
	int ready[2];
	char c;

	if (pipe(ready))
		exit(2);
	for (int k = 0; k < n; k++) {
		pids[k] = fork();
		if (pids[k] == 0) {
			int s = bound(type, ip, port, 1);

			if (s < 0 || (type == SOCK_STREAM && listen(s, 16))) {
				printf("child %d: bind/listen: %s\n", k, strerror(errno));
				_exit(1);
			}
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			if (http)
				printf("reuseport: listener %d ready\n", k);
			serve(k, type == SOCK_STREAM ? s : -1, type == SOCK_DGRAM ? s : -1, http);
		}
	}
	for (int k = 0; k < n; k++)
		if (read(ready[0], &c, 1) != 1)
			exit(2);
	close(ready[0]);
	close(ready[1]);
}

static void stop(pid_t *pids, int n)
{
	for (int k = 0; k < n; k++)
		if (pids[k] > 0) {
			kill(pids[k], SIGKILL);
			waitpid(pids[k], NULL, 0);
			pids[k] = 0;
		}
}

/* One connection (or datagram) from a fresh source port: the server's index, or -1. */
static int ask(int type, int port)
{
	struct sockaddr_in a = addr_of(htonl(INADDR_LOOPBACK), port);
	int s = socket(AF_INET, type, 0), k = -1, n;
	char buf[16];

	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    (type == SOCK_STREAM || send(s, "?", 1, 0) == 1)) {
		n = (int)recv(s, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = 0;
			k = atoi(buf);
		}
	}
	close(s);
	return k;
}

/* NTRY requests: how many distinct servers answered; *bad the failures. */
static int spread(int type, int port, int *counts, int *bad)
{
	int distinct = 0;

	memset(counts, 0, sizeof(int) * NCHILD);
	*bad = 0;
	for (int i = 0; i < NTRY; i++) {
		int k = ask(type, port);

		if (k < 0 || k >= NCHILD)
			(*bad)++;
		else
			distinct += counts[k]++ == 0;
	}
	return distinct;
}

static int other_user_bind(int type, int port)
{
	pid_t p = fork();
	int status;

	if (p == 0) {
		if (setuid(1000))
			_exit(3);
		_exit(bound(type, htonl(INADDR_LOOPBACK), port, 1) < 0 && errno == EADDRINUSE ? 0 : 1);
	}
	waitpid(p, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void local_checks(int type, int port)
{
	pid_t pids[NCHILD];
	int counts[NCHILD], bad, v = 0, s;
	socklen_t l = sizeof(v);
	const char *what = type == SOCK_STREAM ? "tcp" : "udp";
	char msg[128];

	start(pids, NCHILD, type, htonl(INADDR_LOOPBACK), port, 0);
	errno = 0;
	CHECK(bound(type, htonl(INADDR_LOOPBACK), port, 0) < 0 && errno == EADDRINUSE,
	      "without SO_REUSEPORT: EADDRINUSE");
	errno = 0;
	CHECK(bound(type, htonl(INADDR_ANY), port, 0) < 0 && errno == EADDRINUSE,
	      "INADDR_ANY without SO_REUSEPORT: EADDRINUSE");
	CHECK(other_user_bind(type, port) == 0, "another user's socket: EADDRINUSE");
	s = bound(type, htonl(INADDR_LOOPBACK), port, 1);
	CHECK(s >= 0, "a fifth member binds");
	CHECK(getsockopt(s, SOL_SOCKET, SO_REUSEPORT, &v, &l) == 0 && v == 1, "SO_REUSEPORT reads 1");
	close(s);

	int distinct = spread(type, port, counts, &bad);
	snprintf(msg, sizeof(msg), "%s: %d requests reach all %d servers (%d %d %d %d, %d failed)",
		 what, NTRY, NCHILD, counts[0], counts[1], counts[2], counts[3], bad);
	CHECK(distinct == NCHILD && bad == 0, "%s", msg);
	printf("%s spread: %d %d %d %d\n", what, counts[0], counts[1], counts[2], counts[3]);

	/* One server gone: the rest answer everything. */
	kill(pids[0], SIGKILL);
	waitpid(pids[0], NULL, 0);
	pids[0] = 0;
	distinct = spread(type, port, counts, &bad);
	snprintf(msg, sizeof(msg), "%s: after one left, %d by the other three (%d %d %d, %d failed)",
		 what, NTRY, counts[1], counts[2], counts[3], bad);
	CHECK(distinct == NCHILD - 1 && counts[0] == 0 && bad == 0, msg);
	stop(pids, NCHILD);
	/* All gone: the port is free for a new group (TCP: over the TIME-WAIT
	 * the servers' closes left, as Linux lets the same user), or for anyone (UDP). */
	s = bound(type, htonl(INADDR_LOOPBACK), port, type == SOCK_STREAM);
	CHECK(s >= 0, "the port is free once the group is gone");
	close(s);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && !strcmp(argv[1], "local")) {
		local_checks(SOCK_STREAM, 45678);
		local_checks(SOCK_DGRAM, 45679);
		printf("netsock_reuseport: %d checks, %d failed\n", checks, failures);
		return failures ? 1 : 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "serve")) {
		int n = atoi(argv[2]), port = atoi(argv[3]);
		pid_t tcp[16], udp[16];

		if (n < 1 || n > 16)
			return 2;
		start(tcp, n, SOCK_STREAM, htonl(INADDR_ANY), port, 1);
		start(udp, n, SOCK_DGRAM, htonl(INADDR_ANY), port, 0);
		printf("reuseport: %d listening\n", n);
		for (;;)
			pause();
	}
	fprintf(stderr, "usage: netsock_reuseport local | serve N PORT\n");
	return 2;
}
