/*
 * sock_srv: a small HTTP/1.0 server (plus a UDP echo service) for the socket
 * tests, driven by real clients on the host (curl) through QEMU's hostfwd.
 * One process, non-blocking sockets, one poll() loop over every connection.
 *
 *   GET /            "hello from SIS\n"
 *   GET /bytes/N     N bytes of the test pattern (sock_util.h)
 *   POST /sink       reads the body; answers "LEN CRC32\n" (hex CRC)
 *   GET /quit        answers, then the server closes everything and exits 0
 *
 * Usage: sock_srv [TCPPORT [UDPPORT]]   (defaults 80 and 7; 0 = none)
 * Prints "sock_srv: ready" once listening.
 */
#include "sock_util.h"

#define MAX_CONNS 64
#define REQ_MAX 4096
#define CHUNK 16384

/* C_DRAIN: response sent and our FIN queued (SHUT_WR); close once the client
 * closes too, so the response is delivered before the socket (or, after
 * /quit, the whole machine) goes away. */
enum conn_state { C_FREE, C_REQ, C_BODY, C_RESP, C_DRAIN };

struct conn {
	enum conn_state state;
	int fd;
	char req[REQ_MAX];
	size_t req_len;
	uint64_t body_left;   /* C_BODY: request body bytes still to read */
	uint64_t body_len;
	uint32_t crc;
	char head[256];       /* response header (and short bodies) */
	size_t head_len, head_off;
	uint64_t pat_len, pat_off; /* C_RESP: pattern bytes to send after head */
};

static struct conn conns[MAX_CONNS];
static bool quitting;
static unsigned char chunk[CHUNK];

static void conn_close(struct conn *c)
{
	close(c->fd);
	c->state = C_FREE;
}

static void respond(struct conn *c, const char *body, uint64_t pattern_len)
{
	size_t blen = body ? strlen(body) : 0;

	c->head_len = (size_t)snprintf(c->head, sizeof(c->head),
				       "HTTP/1.0 200 OK\r\nContent-Length: %llu\r\n"
				       "Connection: close\r\n\r\n%s",
				       (unsigned long long)(blen + pattern_len), body ? body : "");
	c->head_off = 0;
	c->pat_len = pattern_len;
	c->pat_off = 0;
	c->state = C_RESP;
}

static void sink_done(struct conn *c)
{
	char body[64];

	snprintf(body, sizeof(body), "%llu %08x\n", (unsigned long long)c->body_len,
		 (unsigned)c->crc);
	respond(c, body, 0);
}

/* A whole request header is in c->req: act on it. */
static void handle_request(struct conn *c, size_t head_end)
{
	unsigned long long n = 0;
	char *cl;

	if (!strncmp(c->req, "GET /bytes/", 11)) {
		n = strtoull(c->req + 11, NULL, 10);
		respond(c, NULL, n);
	} else if (!strncmp(c->req, "POST /sink", 10)) {
		cl = strcasestr(c->req, "\r\ncontent-length:");
		c->body_len = cl ? strtoull(cl + 17, NULL, 10) : 0;
		c->body_left = c->body_len;
		c->crc = 0;
		/* Body bytes that came with the header. */
		size_t extra = c->req_len - head_end;

		extra = extra > c->body_left ? (size_t)c->body_left : extra;
		c->crc = crc32_update(c->crc, c->req + head_end, extra);
		c->body_left -= extra;
		c->state = C_BODY;
		if (!c->body_left)
			sink_done(c);
	} else if (!strncmp(c->req, "GET /quit", 9)) {
		quitting = true;
		respond(c, "bye\n", 0);
	} else {
		respond(c, "hello from SIS\n", 0);
	}
}

static void on_readable(struct conn *c)
{
	ssize_t r;
	char *end;

	if (c->state == C_REQ) {
		r = read(c->fd, c->req + c->req_len, sizeof(c->req) - 1 - c->req_len);
		if (r <= 0) {
			if (r == 0 || errno != EAGAIN)
				conn_close(c);
			return;
		}
		c->req_len += (size_t)r;
		c->req[c->req_len] = '\0';
		end = strstr(c->req, "\r\n\r\n");
		if (end)
			handle_request(c, (size_t)(end + 4 - c->req));
		else if (c->req_len == sizeof(c->req) - 1)
			conn_close(c); /* header too long */
		return;
	}
	/* C_BODY */
	r = read(c->fd, chunk, c->body_left < CHUNK ? (size_t)c->body_left : CHUNK);
	if (r <= 0) {
		if (r == 0 || errno != EAGAIN)
			conn_close(c);
		return;
	}
	c->crc = crc32_update(c->crc, chunk, (size_t)r);
	c->body_left -= (uint64_t)r;
	if (!c->body_left)
		sink_done(c);
}

static void on_writable(struct conn *c)
{
	ssize_t r;
	size_t n;

	while (c->head_off < c->head_len) {
		r = write(c->fd, c->head + c->head_off, c->head_len - c->head_off);
		if (r < 0) {
			if (errno != EAGAIN)
				conn_close(c);
			return;
		}
		c->head_off += (size_t)r;
	}
	while (c->pat_off < c->pat_len) {
		n = c->pat_len - c->pat_off < CHUNK ? (size_t)(c->pat_len - c->pat_off) : CHUNK;
		pattern_fill(chunk, n, c->pat_off);
		r = write(c->fd, chunk, n);
		if (r < 0) {
			if (errno != EAGAIN)
				conn_close(c);
			return;
		}
		c->pat_off += (uint64_t)r;
	}
	shutdown(c->fd, SHUT_WR); /* all sent: our FIN follows the data */
	c->state = C_DRAIN;
}

static void on_drain(struct conn *c)
{
	ssize_t r = read(c->fd, chunk, sizeof(chunk));

	if (r == 0 || (r < 0 && errno != EAGAIN))
		conn_close(c); /* the client closed (or reset): done */
}

static int tcp_listener(int port)
{
	struct sockaddr_in a = sin_make("0.0.0.0", port);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, SA(&a), sizeof(a)) < 0 || listen(fd, 64) < 0) {
		perror("sock_srv: tcp listener");
		exit(2);
	}
	return fd;
}

static int udp_echo_socket(int port)
{
	struct sockaddr_in a = sin_make("0.0.0.0", port);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || bind(fd, SA(&a), sizeof(a)) < 0) {
		perror("sock_srv: udp socket");
		exit(2);
	}
	return fd;
}

static void udp_echo(int fd)
{
	static char buf[65536];
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	ssize_t n;

	while ((n = recvfrom(fd, buf, sizeof(buf), 0, SA(&from), &len)) >= 0) {
		if (sendto(fd, buf, (size_t)n, 0, SA(&from), len) != n)
			perror("sock_srv: udp echo");
		len = sizeof(from);
	}
}

static void accept_all(int lfd)
{
	int fd, i;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		for (i = 0; i < MAX_CONNS && conns[i].state != C_FREE; i++)
			;
		if (i == MAX_CONNS) {
			close(fd);
			continue;
		}
		memset(&conns[i], 0, sizeof(conns[i]));
		conns[i].fd = fd;
		conns[i].state = C_REQ;
	}
}

int main(int argc, char **argv)
{
	int tport = argc > 1 ? atoi(argv[1]) : 80, uport = argc > 2 ? atoi(argv[2]) : 7;
	int lfd = tport ? tcp_listener(tport) : -1, ufd = uport ? udp_echo_socket(uport) : -1;
	struct pollfd pfd[MAX_CONNS + 2];
	int map[MAX_CONNS + 2], n, i;

	signal(SIGPIPE, SIG_IGN);
	printf("sock_srv: ready tcp %d udp %d\n", tport, uport);
	fflush(stdout);
	for (;;) {
		n = 0;
		pfd[n].fd = lfd;
		pfd[n++].events = POLLIN;
		pfd[n].fd = ufd;
		pfd[n++].events = POLLIN;
		for (i = 0; i < MAX_CONNS; i++) {
			if (conns[i].state == C_FREE)
				continue;
			map[n] = i;
			pfd[n].fd = conns[i].fd;
			pfd[n++].events = conns[i].state == C_RESP ? POLLOUT : POLLIN;
		}
		if (quitting && n == 2)
			break;
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			perror("sock_srv: poll");
			return 2;
		}
		if (pfd[0].revents & POLLIN)
			accept_all(lfd);
		if (pfd[1].revents & POLLIN)
			udp_echo(ufd);
		for (i = 2; i < n; i++) {
			struct conn *c = &conns[map[i]];

			if (!pfd[i].revents)
				continue;
			if (c->state == C_RESP)
				on_writable(c);
			else if (c->state == C_DRAIN)
				on_drain(c);
			else
				on_readable(c);
		}
	}
	close(lfd);
	close(ufd);
	printf("sock_srv: bye\n");
	return 0;
}
