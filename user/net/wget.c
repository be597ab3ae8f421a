/*
 * wget [-q] [-O FILE] [-T SECONDS] URL
 *
 * Fetch one http:// URL with HTTP/1.1 GET (RFC 9112): by host name or
 * address, following up to MAX_REDIRECTS redirects (301/302/303/307/308),
 * with Content-Length, chunked or until-close bodies. The body goes to FILE
 * ("-" = standard output; default: the last path component, or index.html).
 * Progress and messages go to standard error, as GNU wget's do; downloads of
 * PROGRESS_MIN bytes or more (or of unknown size) get a progress bar.
 *
 * Exit status (GNU wget's): 0 success, 1 generic error (usage, file), 4
 * network failure (name lookup, connect, timeout, truncated body), 5 protocol
 * error (malformed response), 8 the server answered with an error status.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "util.h"

#define MAX_REDIRECTS 5
#define PROGRESS_MIN (100 * 1024)
#define LINE_MAX_LEN 4096
#define URL_MAX 2048

enum { EXIT_GENERIC = 1, EXIT_NETWORK = 4, EXIT_PROTOCOL = 5, EXIT_SERVER = 8 };

struct url {
	char host[256];
	unsigned port;
	char path[URL_MAX];   /* starts with '/', includes any query */
};

/* A connection with a read buffer. */
struct conn {
	int fd;
	int timeout_ms;
	char buf[16384];
	size_t start, end;    /* unread bytes are buf[start, end) */
};

struct response {
	int status;
	char reason[128];
	long long length;     /* Content-Length, -1 if absent */
	bool chunked;
	char location[URL_MAX];
	char type[128];
};

/* What is being written and the progress bar over it. */
struct sink {
	int fd;
	const char *name;
	long long total, done;  /* total -1 if unknown */
	bool bar;
	uint64_t start_us, last_draw_us;
};

static bool quiet;

#define info(...) do { if (!quiet) fprintf(stderr, __VA_ARGS__); } while (0)

/* ---- URLs ---- */

static int parse_url(const char *text, struct url *u)
{
	const char *p = text, *slash, *colon;
	size_t hlen;
	long port = 80;

	if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	else if (strstr(p, "://")) {
		fprintf(stderr, "%s: %s: unsupported scheme (only http://)\n", util_prog, text);
		return -1;
	}
	slash = strchr(p, '/');
	hlen = slash ? (size_t)(slash - p) : strlen(p);
	colon = memchr(p, ':', hlen);
	if (p[0] == '[') {   /* an IPv6 address, "[fd00::1]:8080" (RFC 3986 3.2.2) */
		const char *close = memchr(p, ']', hlen);
		if (!close || close == p + 1)
			goto bad;
		colon = close + 1 < p + hlen ? close + 1 : NULL;
		if (colon && *colon != ':')
			goto bad;
	}
	if (colon) {
		char num[8];
		size_t nlen = hlen - (size_t)(colon - p) - 1;
		if (nlen == 0 || nlen >= sizeof(num))
			goto bad;
		memcpy(num, colon + 1, nlen);
		num[nlen] = 0;
		if (util_parse_long(num, 1, 65535, &port))
			goto bad;
		hlen = (size_t)(colon - p);
	}
	if (hlen == 0 || hlen >= sizeof(u->host) || strlen(slash ? slash : "/") >= sizeof(u->path))
		goto bad;
	memcpy(u->host, p, hlen);
	u->host[hlen] = 0;
	u->port = (unsigned)port;
	snprintf(u->path, sizeof(u->path), "%s", slash ? slash : "/");
	return 0;
bad:
	fprintf(stderr, "%s: %s: invalid URL\n", util_prog, text);
	return -1;
}

/* A Location header relative to the current URL: absolute URL, /path, or relative path. */
static int follow_location(struct url *u, const char *loc)
{
	char path[URL_MAX];

	if (strstr(loc, "://"))
		return parse_url(loc, u);
	if (loc[0] == '/') {
		snprintf(u->path, sizeof(u->path), "%s", loc);
		return 0;
	}
	snprintf(path, sizeof(path), "%s", u->path);
	char *q = strchr(path, '?');
	if (q)
		*q = 0;
	*(strrchr(path, '/') + 1) = 0;
	if (strlen(path) + strlen(loc) >= sizeof(u->path))
		return -1;
	strcpy(u->path, path);
	strcat(u->path, loc);
	return 0;
}

/* ---- reading the response ---- */

/* Refill the buffer: bytes read, 0 at EOF, -1 on error or timeout (message printed). */
static long conn_fill(struct conn *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t n;

	if (c->start == c->end)
		c->start = c->end = 0;
	if (c->end == sizeof(c->buf)) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = 0;
	}
	for (;;) {
		int r = poll(&pfd, 1, c->timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			fprintf(stderr, "%s: read timed out\n", util_prog);
			return -1;
		}
		n = read(c->fd, c->buf + c->end, sizeof(c->buf) - c->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: read error: %s\n", util_prog, strerror(errno));
			return -1;
		}
		c->end += (size_t)n;
		return (long)n;
	}
}

#define LINE_BAD (-1)    /* EOF or a line too long: the response is malformed */
#define LINE_FAILED (-2) /* read error or timeout, already reported */

/* The exit status for a conn_line failure. */
static int line_error(int r)
{
	return r == LINE_FAILED ? EXIT_NETWORK : EXIT_PROTOCOL;
}

/* One header line without its CRLF into line: 0, LINE_BAD or LINE_FAILED. */
static int conn_line(struct conn *c, char *line, size_t size)
{
	long n;

	for (;;) {
		char *nl = memchr(c->buf + c->start, '\n', c->end - c->start);
		if (nl) {
			size_t len = (size_t)(nl - (c->buf + c->start));
			if (len >= size)
				return -1;
			memcpy(line, c->buf + c->start, len);
			if (len && line[len - 1] == '\r')
				len--;
			line[len] = 0;
			c->start += (size_t)(nl - (c->buf + c->start)) + 1;
			return 0;
		}
		if (c->end - c->start >= size)
			return LINE_BAD;
		n = conn_fill(c);
		if (n <= 0)
			return n < 0 ? LINE_FAILED : LINE_BAD;
	}
}

static void parse_header(struct response *r, char *line)
{
	char *colon = strchr(line, ':'), *v;

	if (!colon)
		return;
	*colon = 0;
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (!strcasecmp(line, "Content-Length"))
		r->length = strtoll(v, NULL, 10);
	else if (!strcasecmp(line, "Transfer-Encoding"))
		r->chunked = strcasestr(v, "chunked") != NULL;
	else if (!strcasecmp(line, "Location"))
		snprintf(r->location, sizeof(r->location), "%s", v);
	else if (!strcasecmp(line, "Content-Type"))
		snprintf(r->type, sizeof(r->type), "%s", v);
}

/* Status line and headers. 0, or an exit status. */
static int read_response_head(struct conn *c, struct response *r)
{
	char line[LINE_MAX_LEN];
	int minor, err;

	memset(r, 0, sizeof(*r));
	r->length = -1;
	if ((err = conn_line(c, line, sizeof(line))))
		return line_error(err);
	if (sscanf(line, "HTTP/1.%d %3d", &minor, &r->status) != 2 || r->status < 100)
		return EXIT_PROTOCOL;
	const char *reason = strchr(line + 9, ' ');
	snprintf(r->reason, sizeof(r->reason), "%s", reason ? reason + 1 : "");
	for (;;) {
		if ((err = conn_line(c, line, sizeof(line))))
			return line_error(err);
		if (!line[0])
			return 0;
		parse_header(r, line);
	}
}

/* ---- writing the body ---- */

/* "1.2K", "3.4M" for the progress bar. */
static void human(long long n, char *buf, size_t size)
{
	if (n < 1024)
		snprintf(buf, size, "%lld", n);
	else if (n < 1024 * 1024)
		snprintf(buf, size, "%lld.%lldK", n / 1024, n % 1024 * 10 / 1024);
	else
		snprintf(buf, size, "%lld.%lldM", n / 1048576, n % 1048576 * 10 / 1048576);
}

static void draw_bar(struct sink *s, bool final)
{
	uint64_t now = util_now_us();
	char done[32];
	char bar[32];
	int pct = 0, width = (int)sizeof(bar) - 2;
	uint64_t secs_x10 = (now - s->start_us) / 100000;
	long long rate = secs_x10 ? s->done * 10 / (long long)secs_x10 : 0;
	char rate_s[32];

	if (!s->bar || (!final && now - s->last_draw_us < 250000))
		return;
	s->last_draw_us = now;
	if (s->total > 0)
		pct = (int)(s->done * 100 / s->total);
	int fill = s->total > 0 ? pct * width / 100 : 0;
	memset(bar, ' ', (size_t)width);
	memset(bar, '=', (size_t)fill);
	if (fill < width && s->total > 0)
		bar[fill] = '>';
	bar[width] = 0;
	human(s->done, done, sizeof(done));
	if (secs_x10)
		human(rate, rate_s, sizeof(rate_s));
	else
		snprintf(rate_s, sizeof(rate_s), "--.-K");   /* too fast to measure, as GNU wget */
	fprintf(stderr, "\r%-16.16s %3d%%[%s] %8s  %6sB/s", s->name, pct, bar, done, rate_s);
	if (final)
		fprintf(stderr, "    in %lu.%lus\n", (unsigned long)(secs_x10 / 10),
			(unsigned long)(secs_x10 % 10));
}

static int sink_write(struct sink *s, const char *p, size_t n)
{
	if (util_write_all(s->fd, p, n)) {
		fprintf(stderr, "%s: write to %s: %s\n", util_prog, s->name, strerror(errno));
		return EXIT_GENERIC;
	}
	s->done += (long long)n;
	draw_bar(s, false);
	return 0;
}

/* Copy n body bytes (n < 0: until EOF). 0, or an exit status. */
static int copy_body(struct conn *c, struct sink *s, long long n)
{
	while (n != 0) {
		if (c->start == c->end) {
			long got = conn_fill(c);
			if (got < 0)
				return EXIT_NETWORK;
			if (got == 0) {
				if (n < 0)
					return 0;
				fprintf(stderr, "%s: connection closed %lld bytes early\n",
					util_prog, n);
				return EXIT_NETWORK;
			}
		}
		size_t avail = c->end - c->start;
		size_t take = n < 0 || (long long)avail < n ? avail : (size_t)n;
		int err = sink_write(s, c->buf + c->start, take);
		if (err)
			return err;
		c->start += take;
		if (n > 0)
			n -= (long long)take;
	}
	return 0;
}

/* Transfer-Encoding: chunked (RFC 9112 7.1): size lines, data, a 0 chunk, trailers. */
static int copy_chunked(struct conn *c, struct sink *s)
{
	char line[LINE_MAX_LEN];
	int err;

	for (;;) {
		char *end;
		if ((err = conn_line(c, line, sizeof(line))))
			return line_error(err);
		long long size = strtoll(line, &end, 16);
		if (end == line || size < 0)
			return EXIT_PROTOCOL;
		if (size == 0)
			break;
		err = copy_body(c, s, size);
		if (err)
			return err;
		if ((err = conn_line(c, line, sizeof(line))))
			return line_error(err);
		if (line[0])
			return EXIT_PROTOCOL;
	}
	do {   /* trailers, up to the empty line */
		if ((err = conn_line(c, line, sizeof(line))))
			return line_error(err);
	} while (line[0]);
	return 0;
}

/* ---- one request ---- */

static int connect_to(const struct url *u, struct conn *c)
{
	struct addrinfo *list = util_resolve_all(u->host, u->port, SOCK_STREAM), *ai;
	int err = 0;

	if (!list)
		return EXIT_NETWORK;
	info("Resolving %s... ", u->host);
	for (ai = list; ai; ai = ai->ai_next)
		info("%s%s", util_sa_ntop(ai->ai_addr), ai->ai_next ? ", " : "\n");
	/* Each address in turn, as GNU wget does, until one connects. */
	c->fd = -1;
	for (ai = list; ai && c->fd < 0; ai = ai->ai_next) {
		const char *a = util_sa_ntop(ai->ai_addr);

		if (ai->ai_family == AF_INET6)
			info("Connecting to %s|[%s]|:%u... ", u->host, a, u->port);
		else
			info("Connecting to %s|%s|:%u... ", u->host, a, u->port);
		c->fd = socket(ai->ai_family, SOCK_STREAM, 0);
		if (c->fd >= 0 && connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		info("failed: %s.\n", strerror(err));
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
	}
	freeaddrinfo(list);
	if (c->fd < 0) {
		if (quiet)
			fprintf(stderr, "%s: connect to %s: %s\n", util_prog, u->host, strerror(err));
		return EXIT_NETWORK;
	}
	info("connected.\n");
	c->start = c->end = 0;
	return 0;
}

static int send_request(struct conn *c, const struct url *u)
{
	char req[URL_MAX + 512], host[300];
	int n;

	/* The Host header carries the port only when it is not the default (RFC 9110 7.2). */
	if (u->port == 80)
		snprintf(host, sizeof(host), "%s", u->host);
	else
		snprintf(host, sizeof(host), "%s:%u", u->host, u->port);
	n = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: SIS-wget/1.0\r\n"
		     "Accept: */*\r\nConnection: close\r\n\r\n", u->path, host);
	if (util_write_all(c->fd, req, (size_t)n)) {
		fprintf(stderr, "%s: send: %s\n", util_prog, strerror(errno));
		return EXIT_NETWORK;
	}
	info("HTTP request sent, awaiting response... ");
	return 0;
}

/* The default output name: the last path component, or index.html. */
static void default_name(const struct url *u, char *out, size_t size)
{
	char path[URL_MAX];
	char *q, *base;

	snprintf(path, sizeof(path), "%s", u->path);
	q = strchr(path, '?');
	if (q)
		*q = 0;
	base = strrchr(path, '/') + 1;
	snprintf(out, size, "%s", *base ? base : "index.html");
}

static int open_sink(struct sink *s, const char *out, const struct response *r)
{
	s->total = r->chunked ? -1 : r->length;
	s->done = 0;
	s->start_us = s->last_draw_us = util_now_us();
	if (!strcmp(out, "-")) {
		s->fd = 1;
		s->name = "-";
	} else {
		s->fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		s->name = out;
		if (s->fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", util_prog, out, strerror(errno));
			return EXIT_GENERIC;
		}
	}
	s->bar = !quiet && s->fd != 1 && (s->total < 0 || s->total >= PROGRESS_MIN);
	if (s->total >= 0)
		info("Length: %lld [%s]\n", s->total, r->type[0] ? r->type : "unknown");
	else
		info("Length: unspecified [%s]\n", r->type[0] ? r->type : "unknown");
	info("Saving to: '%s'\n", s->name);
	return 0;
}

static int save_body(struct conn *c, const struct response *r, const char *out)
{
	struct sink s;
	int err = open_sink(&s, out, r);

	if (err)
		return err;
	if (r->chunked)
		err = copy_chunked(c, &s);
	else
		err = copy_body(c, &s, r->length);
	draw_bar(&s, true);
	if (s.fd != 1 && close(s.fd) < 0 && !err)
		err = EXIT_GENERIC;
	if (!err)
		info("'%s' saved [%lld]\n", s.name, s.done);
	return err;
}

#define REDIRECTED (-1)

/* One request on connection c: 0, REDIRECTED (*u is the new URL), or an exit status. */
static int fetch_once(struct url *u, const char *out_opt, struct conn *c)
{
	struct response r;
	char out[URL_MAX];
	int err = connect_to(u, c);

	if (!err)
		err = send_request(c, u);
	if (!err && (err = read_response_head(c, &r)) == EXIT_PROTOCOL)
		fprintf(stderr, "%s: malformed HTTP response\n", util_prog);
	if (err)
		return err;
	info("%d %s\n", r.status, r.reason);
	if (r.status >= 300 && r.status < 400 && r.location[0]) {
		info("Location: %s [following]\n", r.location);
		return follow_location(u, r.location) ? EXIT_PROTOCOL : REDIRECTED;
	}
	if (r.status >= 400) {
		fprintf(stderr, "%s: server returned error: %d %s\n", util_prog, r.status,
			r.reason);
		return EXIT_SERVER;
	}
	if (out_opt)
		snprintf(out, sizeof(out), "%s", out_opt);
	else
		default_name(u, out, sizeof(out));
	return save_body(c, &r, out);
}

/* Fetch url, following up to MAX_REDIRECTS redirects. */
static int fetch(struct url *u, const char *out_opt, int timeout_ms)
{
	for (int hops = 0;; hops++) {
		struct conn *c;
		int err;

		if (hops > MAX_REDIRECTS) {
			fprintf(stderr, "%s: %d redirections exceeded\n", util_prog, MAX_REDIRECTS);
			return EXIT_SERVER;
		}
		c = calloc(1, sizeof(*c));
		if (!c)
			return EXIT_GENERIC;
		c->fd = -1;
		c->timeout_ms = timeout_ms;
		err = fetch_once(u, out_opt, c);
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		if (err != REDIRECTED)
			return err;
	}
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	long timeout_s = 30;
	struct url u;
	int opt;

	util_init(argv[0]);
	while ((opt = getopt(argc, argv, "qO:T:")) != -1) {
		switch (opt) {
		case 'q':
			quiet = true;
			break;
		case 'O':
			out = optarg;
			break;
		case 'T':
			if (util_parse_long(optarg, 1, 3600, &timeout_s) == 0)
				break;
			/* fall through */
		default:
			fprintf(stderr, "usage: wget [-q] [-O FILE] [-T SECONDS] URL\n");
			return EXIT_GENERIC;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: wget [-q] [-O FILE] [-T SECONDS] URL\n");
		return EXIT_GENERIC;
	}
	if (parse_url(argv[optind], &u))
		return EXIT_GENERIC;
	return fetch(&u, out, (int)timeout_s * 1000);
}
