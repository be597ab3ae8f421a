/*
 * httpd [-p PORT] [-l LOGFILE] [DIR]
 *
 * A static-file HTTP/1.1 server (RFC 9112) for the ramdisk: serves DIR
 * (default /srv/www) on PORT (default 80) to as many clients at once as
 * its descriptors allow (RLIMIT_NOFILE, raised to the hard limit at start:
 * each client may hold a socket and a file) from one poll() loop with
 * non-blocking sockets. The listen backlog is SOMAXCONN, so a burst of new
 * connections waits in the kernel instead of having its SYNs dropped. GET and HEAD;
 * keep-alive and pipelined requests; Content-Length and Content-Type on
 * every response; index.html or a generated listing for directories; 301
 * to add the trailing slash of a directory. Idle connections close after
 * IDLE_TIMEOUT_MS. One access-log line per request (Common Log Format, with
 * seconds since boot in place of the date: SIS has no wall clock) goes to
 * LOGFILE or standard output, after a first line saying what is served.
 * A LOGFILE past LOG_ROTATE_BYTES is renamed LOGFILE.1 (replacing the one
 * before) and started afresh, so a busy server's log (in the ramdisk, i.e.
 * RAM) stays under twice that.
 *
 * Single byte ranges ("Range: bytes=A-B", "A-", "-N": 206 with
 * Content-Range, 416 when past the end; other forms get the whole file).
 *
 * Not done: request bodies (the connection is closed after answering a
 * request that has one), multiple ranges, conditional requests (If-Range
 * included), chunked responses.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "http_request.h"
#include "util.h"

#define IN_MAX 8192      /* longest request head */
#define IN_FIRST 1024    /* request buffer to start with (grows to IN_MAX) */
#define OUT_CHUNK 16384
/* As nginx's client_header_timeout: long enough that a client which opened
 * many connections first gets to send on all of them. */
#define IDLE_TIMEOUT_MS 60000
#define LOG_ROTATE_BYTES (128 * 1024)
#define RESERVED_FDS 8   /* stdio, the listener, the log, opendir */

/* A growable byte buffer. */
struct obuf {
	char *data;
	size_t len, cap;
};

struct client {
	int fd;                  /* -1: free slot */
	int used_at;             /* its index in server.used (a used slot) */
	struct sockaddr_in6 peer; /* IPv4 clients as v4-mapped (the listener is dual stack) */
	bool writing;            /* sending a response (else reading a request) */
	bool close_after;        /* close once this response is out */
	char *in;                /* request bytes received, not yet handled */
	size_t in_len, in_cap;
	struct obuf out;         /* response bytes to send: headers, small bodies, file chunks */
	size_t out_off;          /* bytes of out already sent */
	int file_fd;             /* body still to come from this file, or -1 */
	long long file_left;
	uint64_t last_active_ms;
};

/* A client's address for the log: IPv4 (also v4-mapped) as a.b.c.d. */
static const char *peer_text(const struct sockaddr_in6 *peer)
{
	static char buf[INET6_ADDRSTRLEN];
	const struct sockaddr_in *in = (const struct sockaddr_in *)peer;

	if (peer->sin6_family == AF_INET)
		return inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
	if (IN6_IS_ADDR_V4MAPPED(&peer->sin6_addr))
		return inet_ntop(AF_INET, &peer->sin6_addr.s6_addr[12], buf, sizeof(buf));
	return inet_ntop(AF_INET6, &peer->sin6_addr, buf, sizeof(buf));
}

struct server {
	int listen_fd;           /* 0.0.0.0:port */
	int listen6_fd;          /* [::]:port, IPV6_V6ONLY (-1: no IPv6), as nginx's ipv6only */
	const char *root;
	FILE *log;
	const char *log_path;    /* NULL: standard output, never rotated */
	long log_bytes;          /* written to log_path since it was opened */
	struct client *clients;  /* [max_clients] */
	int max_clients, nclients;
	/* The slots in use, in no order (used[0..nclients)), and the free ones
	 * as a stack (free_slots[0..max_clients - nclients)): accepting and
	 * closing cost O(1), and the loop touches only the clients it has,
	 * never the whole table (sized for tens of thousands). */
	int *used;               /* [max_clients] */
	int *free_slots;         /* [max_clients] */
	struct pollfd *pfds;     /* [max_clients + 2], the poll set */
	int *owner;              /* [max_clients + 2], client index of pfds[i], -1 a listener */
	uint64_t now_ms;         /* util_now_ms() when poll() last returned: one clock
				  * read per loop, not one per request and send */
};

/* ---- output buffer ---- */

static int obuf_reserve(struct obuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : OUT_CHUNK;
	char *p;

	if (b->len + more <= b->cap)
		return 0;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* Append bytes; on allocation failure the buffer is left as it was. */
static void obuf_append(struct obuf *b, const char *data, size_t len)
{
	if (obuf_reserve(b, len))
		return;
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void __attribute__((format(printf, 2, 3))) obuf_printf(struct obuf *b, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		obuf_append(b, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* ---- responses ---- */

static FILE *open_log(const char *path);

/* LOGFILE -> LOGFILE.1 and a new LOGFILE (on failure, keep writing the old). */
static void rotate_log(struct server *s)
{
	char old[256];
	FILE *f;

	if (snprintf(old, sizeof(old), "%s.1", s->log_path) >= (int)sizeof(old) ||
	    rename(s->log_path, old) < 0)
		return;
	f = fopen(s->log_path, "a");
	if (!f)
		return;
	fclose(s->log);
	s->log = f;
	s->log_bytes = 0;
}

static void access_log(struct server *s, const struct client *c, const struct http_request *req,
		       int status, long long bytes)
{
	uint64_t ms = s->now_ms;
	int n;

	if (s->log_path && s->log_bytes >= LOG_ROTATE_BYTES)
		rotate_log(s);
	n = fprintf(s->log, "%s - - [+%lu.%03lu] \"%s %s HTTP/1.%d\" %d %lld\n",
		peer_text(&c->peer), (unsigned long)(ms / 1000),
		(unsigned long)(ms % 1000), req->method[0] ? req->method : "-",
		req->target[0] ? req->target : "-", req->minor, status, bytes);
	if (n > 0)
		s->log_bytes += n;
	fflush(s->log);
}

static void put_head(struct client *c, int status, const char *type, long long length,
		     const char *extra)
{
	obuf_printf(&c->out, "HTTP/1.1 %d %s\r\nServer: SIS-httpd/1.0\r\n", status,
		    http_reason(status));
	obuf_printf(&c->out, "Content-Type: %s\r\nContent-Length: %lld\r\n", type, length);
	if (extra)
		obuf_printf(&c->out, "%s", extra);
	obuf_printf(&c->out, "Connection: %s\r\n\r\n", c->close_after ? "close" : "keep-alive");
}

/* A complete response whose body is in memory. */
static void respond_buffer(struct server *s, struct client *c, const struct http_request *req,
			   int status, const char *type, const char *body, size_t len,
			   const char *extra)
{
	bool head = !strcmp(req->method, "HEAD");

	put_head(c, status, type, (long long)len, extra);
	if (!head)
		obuf_append(&c->out, body, len);
	access_log(s, c, req, status, head ? 0 : (long long)len);
}

static void respond_error(struct server *s, struct client *c, const struct http_request *req,
			  int status, const char *extra)
{
	char body[256];
	int n = snprintf(body, sizeof(body),
			 "<html><head><title>%d %s</title></head>"
			 "<body><h1>%d %s</h1></body></html>\n",
			 status, http_reason(status), status, http_reason(status));

	respond_buffer(s, c, req, status, "text/html", body, (size_t)n, extra);
}

/* Write name into the listing with <, >, & and " escaped. */
static void html_escaped(struct obuf *b, const char *name)
{
	for (const char *p = name; *p; p++) {
		switch (*p) {
		case '<': obuf_printf(b, "&lt;"); break;
		case '>': obuf_printf(b, "&gt;"); break;
		case '&': obuf_printf(b, "&amp;"); break;
		case '"': obuf_printf(b, "&quot;"); break;
		default: obuf_append(b, p, 1);
		}
	}
}

/* An HTML index of directory dir (the URL path req->path ends with '/'). */
static void respond_listing(struct server *s, struct client *c, const struct http_request *req,
			    const char *dir)
{
	struct obuf body = { 0 };
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		respond_error(s, c, req, 403, NULL);
		return;
	}
	obuf_printf(&body, "<html><head><title>Index of ");
	html_escaped(&body, req->path);
	obuf_printf(&body, "</title></head><body><h1>Index of ");
	html_escaped(&body, req->path);
	obuf_printf(&body, "</h1><ul>\n");
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, "."))
			continue;
		obuf_printf(&body, "<li><a href=\"");
		html_escaped(&body, e->d_name);
		obuf_printf(&body, "\">");
		html_escaped(&body, e->d_name);
		obuf_printf(&body, "</a></li>\n");
	}
	closedir(d);
	obuf_printf(&body, "</ul></body></html>\n");
	respond_buffer(s, c, req, 200, "text/html", body.data ? body.data : "", body.len, NULL);
	free(body.data);
}

/* A body that fits in one chunk goes into the buffer behind the headers,
 * so the response leaves in one send (one TCP segment for a small page,
 * where a send for the headers and one for the body cost two segments and
 * two device kicks: bench/RESULTS.md). A short read leaves the rest to the
 * write loop, as for a large file. */
static void start_body(struct client *c)
{
	ssize_t n;

	if (c->file_left > OUT_CHUNK || obuf_reserve(&c->out, (size_t)c->file_left))
		return;
	n = read(c->file_fd, c->out.data + c->out.len, (size_t)c->file_left);
	if (n <= 0)
		return;
	c->out.len += (size_t)n;
	c->file_left -= n;
	if (c->file_left == 0) {
		close(c->file_fd);
		c->file_fd = -1;
	}
}

/* A regular file, or the byte range asked for: headers now, the body
 * streamed by the write loop. */
static void respond_file(struct server *s, struct client *c, const struct http_request *req,
			 const char *file, long long size)
{
	int fd = open(file, O_RDONLY), status = 200;
	long long start = 0, len = size;
	char extra[96];

	if (fd < 0) {
		respond_error(s, c, req, errno == ENOENT ? 404 : 403, NULL);
		return;
	}
	snprintf(extra, sizeof(extra), "Accept-Ranges: bytes\r\n");
	if (req->range) {
		if (!http_range_resolve(req, size, &start, &len)) {
			close(fd);
			snprintf(extra, sizeof(extra), "Content-Range: bytes */%lld\r\n", size);
			respond_error(s, c, req, 416, extra);
			return;
		}
		if (lseek(fd, (off_t)start, SEEK_SET) != (off_t)start) {
			close(fd);
			respond_error(s, c, req, 500, NULL);
			return;
		}
		status = 206;
		snprintf(extra, sizeof(extra), "Content-Range: bytes %lld-%lld/%lld\r\n", start,
			 start + len - 1, size);
	}
	put_head(c, status, http_content_type(file), len, extra);
	if (strcmp(req->method, "HEAD") != 0 && len > 0) {
		c->file_fd = fd;
		c->file_left = len;
		start_body(c);
	} else {
		close(fd);
	}
	access_log(s, c, req, status, strcmp(req->method, "HEAD") ? len : 0);
}

/* Map the request to the document root and answer it. */
static void respond_path(struct server *s, struct client *c, const struct http_request *req)
{
	char file[HTTP_PATH_MAX + 256];
	struct stat st;
	size_t plen = strlen(req->path);

	snprintf(file, sizeof(file), "%s%s", s->root, req->path);
	if (stat(file, &st) < 0) {
		respond_error(s, c, req, errno == ENOENT || errno == ENOTDIR ? 404 : 403, NULL);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (req->path[plen - 1] != '/') {
			char loc[HTTP_PATH_MAX + 16];
			snprintf(loc, sizeof(loc), "Location: %s/\r\n", req->path);
			respond_error(s, c, req, 301, loc);
			return;
		}
		snprintf(file, sizeof(file), "%s%sindex.html", s->root, req->path);
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			respond_file(s, c, req, file, (long long)st.st_size);
		} else {
			snprintf(file, sizeof(file), "%s%s", s->root, req->path);
			respond_listing(s, c, req, file);
		}
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		respond_error(s, c, req, 403, NULL);
		return;
	}
	respond_file(s, c, req, file, (long long)st.st_size);
}

/* Answer the request head in[0, head_len). */
static void handle_request(struct server *s, struct client *c, size_t head_len)
{
	struct http_request req;
	int status = http_parse_request(c->in, head_len, &req);

	c->out.len = c->out_off = 0;
	c->close_after = status != 0 || !req.keep_alive || req.has_body;
	if (status)
		respond_error(s, c, &req, status, NULL);
	else if (strcmp(req.method, "GET") && strcmp(req.method, "HEAD"))
		respond_error(s, c, &req, 405, "Allow: GET, HEAD\r\n");
	else
		respond_path(s, c, &req);
	memmove(c->in, c->in + head_len, c->in_len - head_len);
	c->in_len -= head_len;
	c->writing = true;
}

/* ---- connections ---- */

static void client_close(struct server *s, struct client *c)
{
	int slot = (int)(c - s->clients), at = c->used_at, last = s->used[--s->nclients];

	close(c->fd);
	if (c->file_fd >= 0)
		close(c->file_fd);
	free(c->out.data);
	free(c->in);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->file_fd = -1;
	/* The last used slot takes this one's place in used[]. */
	s->used[at] = last;
	s->clients[last].used_at = at;
	s->free_slots[s->max_clients - s->nclients - 1] = slot;
}

/* A free slot for fd (the caller checked that there is one). */
static void client_add(struct server *s, int fd, const struct sockaddr_in6 *peer)
{
	int slot = s->free_slots[s->max_clients - s->nclients - 1];
	struct client *c = &s->clients[slot];

	c->fd = fd;
	c->peer = *peer;
	c->file_fd = -1;
	c->last_active_ms = s->now_ms;
	c->used_at = s->nclients;
	s->used[s->nclients++] = slot;
}

static void accept_clients(struct server *s, int listen_fd)
{
	while (s->nclients < s->max_clients) {
		struct sockaddr_in6 peer;
		socklen_t len = sizeof(peer);
		/* Non-blocking from the start; TCP_NODELAY comes from the
		 * listener (make_listener), as on Linux. */
		int fd = accept4(listen_fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				fprintf(stderr, "%s: accept: %s\n", util_prog, strerror(errno));
			return;
		}
		client_add(s, fd, &peer);
	}
}

/* Room for more request bytes: the buffer doubles up to IN_MAX. False if out of memory. */
static bool in_reserve(struct client *c)
{
	size_t cap = c->in_cap ? c->in_cap * 2 : IN_FIRST;
	char *p;

	if (c->in_len < c->in_cap || c->in_cap == IN_MAX)
		return true;
	p = realloc(c->in, cap < IN_MAX ? cap : IN_MAX);
	if (!p)
		return false;
	c->in = p;
	c->in_cap = cap < IN_MAX ? cap : IN_MAX;
	return true;
}

/* Readable: take bytes; answer once a whole head is in. False if the client is gone. */
static bool client_read(struct server *s, struct client *c)
{
	ssize_t n;
	size_t head;

	if (!in_reserve(c))
		return false;
	n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return false;
	c->in_len += (size_t)n;
	c->last_active_ms = s->now_ms;
	head = http_head_length(c->in, c->in_len);
	if (head) {
		handle_request(s, c, head);
	} else if (c->in_len == IN_MAX) {
		struct http_request none = { .minor = 1 };
		c->close_after = true;
		c->writing = true;
		respond_error(s, c, &none, 431, NULL);
	}
	return true;
}

/* Refill the output buffer from the file being sent. False on a read error. */
static bool refill_from_file(struct client *c)
{
	size_t want = c->file_left < OUT_CHUNK ? (size_t)c->file_left : OUT_CHUNK;
	ssize_t n;

	c->out.len = c->out_off = 0;
	if (obuf_reserve(&c->out, want))
		return false;
	n = read(c->file_fd, c->out.data, want);
	if (n <= 0)
		return false;
	c->out.len = (size_t)n;
	c->file_left -= n;
	if (c->file_left == 0) {
		close(c->file_fd);
		c->file_fd = -1;
	}
	return true;
}

/* The response is out: close, or go back to reading (maybe a pipelined request). */
static bool response_done(struct server *s, struct client *c)
{
	size_t head;

	if (c->close_after)
		return false;
	c->writing = false;
	c->out.len = c->out_off = 0;
	head = http_head_length(c->in, c->in_len);
	if (head)
		handle_request(s, c, head);
	return true;
}

/* Writable: send what is buffered, then more of the file. False if the client is done. */
static bool client_write(struct server *s, struct client *c)
{
	for (;;) {
		if (c->out_off == c->out.len) {
			if (c->file_fd < 0)
				return response_done(s, c);
			if (!refill_from_file(c))
				return false;
		}
		ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->out_off += (size_t)n;
		c->last_active_ms = s->now_ms;
	}
}

/* ---- the loop ---- */

/* 0.0.0.0:port (six false) or [::]:port with IPV6_V6ONLY (six). */
static int make_listener(unsigned port, bool six)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				   .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, fd = socket(six ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	struct sockaddr *addr = six ? (struct sockaddr *)&sin6 : (struct sockaddr *)&sin;
	socklen_t len = six ? sizeof(sin6) : sizeof(sin);

	if (fd < 0 && six && errno == EAFNOSUPPORT)
		return -1;
	if (fd >= 0 && six)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", util_prog, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Accepted sockets inherit it: a response that leaves in more than
	 * one send (a large file) is not held by Nagle until the peer ACKs
	 * the first (bench finding 4). */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (bind(fd, addr, len) < 0 || listen(fd, SOMAXCONN) < 0) {
		fprintf(stderr, "%s: port %u: %s\n", util_prog, port, strerror(errno));
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* Close connections idle for longer than IDLE_TIMEOUT_MS; returns ms until the next expiry. */
static int expire_idle(struct server *s)
{
	uint64_t now = util_now_ms(), next = IDLE_TIMEOUT_MS;

	/* Backwards: a close moves the last used slot into this place. */
	for (int u = s->nclients - 1; u >= 0; u--) {
		struct client *c = &s->clients[s->used[u]];
		uint64_t idle = now - c->last_active_ms;
		if (idle >= IDLE_TIMEOUT_MS)
			client_close(s, c);
		else if (IDLE_TIMEOUT_MS - idle < next)
			next = IDLE_TIMEOUT_MS - idle;
	}
	return (int)next;
}

static void serve(struct server *s)
{
	struct pollfd *pfds = s->pfds;
	int *owner = s->owner;

	for (;;) {
		int timeout = expire_idle(s), n = 0;
		if (s->nclients < s->max_clients) {
			pfds[n] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
			owner[n++] = -1;
			if (s->listen6_fd >= 0) {
				pfds[n] = (struct pollfd){ .fd = s->listen6_fd, .events = POLLIN };
				owner[n++] = -1;
			}
		}
		for (int u = 0; u < s->nclients; u++) {
			int i = s->used[u];
			struct client *c = &s->clients[i];
			pfds[n] = (struct pollfd){ .fd = c->fd,
						   .events = c->writing ? POLLOUT : POLLIN };
			owner[n++] = i;
		}
		int r = poll(pfds, (nfds_t)n, timeout);
		s->now_ms = util_now_ms();
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", util_prog, strerror(errno));
			return;
		}
		for (int k = 0; r > 0 && k < n; k++) {
			if (!pfds[k].revents)
				continue;
			if (owner[k] < 0) {
				accept_clients(s, pfds[k].fd);
				continue;
			}
			struct client *c = &s->clients[owner[k]];
			bool alive = c->writing ? client_write(s, c) : client_read(s, c);
			if (alive && (pfds[k].revents & (POLLERR | POLLNVAL)))
				alive = false;
			/* A request just came in: try to answer it now. */
			if (alive && c->writing && !(pfds[k].revents & POLLOUT))
				alive = client_write(s, c);
			if (!alive)
				client_close(s, c);
		}
	}
}

/* MemAvailable from /proc/meminfo in KiB, or -1. */
static long mem_available_kib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Each connection costs the kernel a few KiB (socket, PCB, buffers): more
 * table slots than memory could ever serve only take memory from them. */
#define CLIENT_MEM_KIB 4

/*
 * Size the client table by the descriptors this process may have, with the
 * soft RLIMIT_NOFILE raised to the hard one first (a client can hold its
 * socket and the file it is being sent), and by the memory available.
 */
static int alloc_clients(struct server *s)
{
	struct rlimit rl;
	long fds = 64, kib = mem_available_kib();

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		fds = rl.rlim_cur > 65536 ? 65536 : (long)rl.rlim_cur;
	}
	s->max_clients = fds > 2 * RESERVED_FDS ? (int)(fds - RESERVED_FDS) / 2 : RESERVED_FDS;
	if (kib > 0 && s->max_clients > kib / CLIENT_MEM_KIB)
		s->max_clients = kib / CLIENT_MEM_KIB > RESERVED_FDS ? (int)(kib / CLIENT_MEM_KIB) :
								      RESERVED_FDS;
	s->clients = calloc((size_t)s->max_clients, sizeof(*s->clients));
	s->pfds = calloc((size_t)s->max_clients + 2, sizeof(*s->pfds));
	s->owner = calloc((size_t)s->max_clients + 2, sizeof(*s->owner));
	s->used = calloc((size_t)s->max_clients, sizeof(*s->used));
	s->free_slots = calloc((size_t)s->max_clients, sizeof(*s->free_slots));
	if (!s->clients || !s->pfds || !s->owner || !s->used || !s->free_slots)
		return -1;
	for (int i = 0; i < s->max_clients; i++) {
		s->clients[i].fd = s->clients[i].file_fd = -1;
		/* Slot 0 on top: the first clients get the lowest slots. */
		s->free_slots[i] = s->max_clients - 1 - i;
	}
	return 0;
}

static FILE *open_log(const char *path)
{
	FILE *f;

	if (!path)
		return stdout;
	f = fopen(path, "a");
	if (!f) {
		fprintf(stderr, "%s: %s: %s (logging to standard output)\n", util_prog, path,
			strerror(errno));
		return stdout;
	}
	return f;
}

int main(int argc, char **argv)
{
	static struct server s;
	const char *log_path = NULL;
	long port = 80;
	int opt;

	util_init(argv[0]);
	while ((opt = getopt(argc, argv, "p:l:")) != -1) {
		if (opt == 'p' && util_parse_long(optarg, 1, 65535, &port) == 0)
			continue;
		if (opt == 'l') {
			log_path = optarg;
			continue;
		}
		fprintf(stderr, "usage: httpd [-p PORT] [-l LOGFILE] [DIR]\n");
		return 2;
	}
	s.root = optind < argc ? argv[optind] : "/srv/www";
	if (alloc_clients(&s) < 0) {
		fprintf(stderr, "%s: no memory for the client table\n", util_prog);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	s.listen_fd = make_listener((unsigned)port, false);
	if (s.listen_fd < 0)
		return 1;
	s.listen6_fd = make_listener((unsigned)port, true);
	s.log = open_log(log_path);
	if (s.log != stdout) {
		struct stat st;

		s.log_path = log_path;
		s.log_bytes = stat(log_path, &st) == 0 ? (long)st.st_size : 0;
	}
	fprintf(s.log, "httpd: serving %s on port %ld\n", s.root, port);
	fflush(s.log);
	serve(&s);
	return 1;
}
