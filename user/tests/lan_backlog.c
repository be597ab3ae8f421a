/*
 * A server that asks for a small listen backlog and is slow to accept, as
 * Debian's busybox httpd is (listen(fd, 9), a fork per connection):
 *
 *   lan_backlog PORT BACKLOG DELAY_MS N
 *
 * Listens on PORT with BACKLOG, prints "lan_backlog: ready", sleeps DELAY_MS
 * without accepting, then accepts N connections one after another; on each
 * it reads up to a newline and answers "ok N\n" (N: its accept order) and
 * closes. Prints "lan_backlog: done" and exits 0. test_lan's client opens
 * all N at once while the server sleeps: handshakes in progress must not
 * count against the backlog (Linux's accept queue holds established
 * connections only), or the SYNs past it wait for the client's
 * retransmission (3 s from slirp).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int one = 1, fd, n;

	if (argc != 5) {
		fprintf(stderr, "usage: lan_backlog PORT BACKLOG DELAY_MS N\n");
		return 2;
	}
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	n = atoi(argv[4]);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, atoi(argv[2])) < 0) {
		printf("lan_backlog: FAIL listen: %s\n", strerror(errno));
		return 1;
	}
	printf("lan_backlog: ready\n");
	fflush(stdout);
	usleep((useconds_t)atoi(argv[3]) * 1000);
	for (int i = 1; i <= n; i++) {
		char buf[256], out[32];
		int c = accept(fd, NULL, NULL), len;

		if (c < 0) {
			printf("lan_backlog: FAIL accept: %s\n", strerror(errno));
			return 1;
		}
		for (size_t got = 0; got < sizeof(buf); ) {
			ssize_t r = read(c, buf + got, sizeof(buf) - got);

			if (r <= 0 || memchr(buf + got, '\n', (size_t)r))
				break;
			got += (size_t)r;
		}
		len = snprintf(out, sizeof(out), "ok %d\n", i);
		write(c, out, (size_t)len);
		close(c);
	}
	printf("lan_backlog: done\n");
	return 0;
}
