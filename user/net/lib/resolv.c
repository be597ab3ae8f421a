/*
 * The stub resolver: /etc/hosts, a TTL cache and DNS queries over UDP,
 * asked again over TCP when the server truncated the answer (RFC 7766; see
 * resolver.h). Plain POSIX calls only, so it runs on SIS and, for
 * debugging, on any Linux host.
 */
#include "resolver.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <net/if.h>

/* The hosts file used when /etc/hosts is missing. */
static const char default_hosts[] = "127.0.0.1 localhost\n";

struct cache_entry {
	char name[DNS_NAME_MAX + 1];
	uint16_t qtype;
	uint64_t expires_ms;   /* 0: free slot */
	struct dns_answer ans;
};

static struct cache_entry cache[RESOLVER_CACHE_SIZE];

static uint64_t now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

long resolver_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = 0;
	return (long)len;
}

void resolver_conf(struct resolv_conf *rc)
{
	char text[2048];
	long len = resolver_read_file(RESOLV_CONF_PATH, text, sizeof(text));

	resolv_conf_parse(text, len < 0 ? 0 : (size_t)len, rc);
}

/* ---- cache ---- */

static struct cache_entry *cache_find(const char *name, uint16_t qtype)
{
	uint64_t now = now_ms();

	for (int i = 0; i < RESOLVER_CACHE_SIZE; i++) {
		struct cache_entry *e = &cache[i];
		if (e->expires_ms > now && e->qtype == qtype && dns_name_equal(e->name, name))
			return e;
	}
	return NULL;
}

/* Remember a definite answer for its TTL, in a free slot or the one expiring first. */
static void cache_put(const char *name, uint16_t qtype, const struct dns_answer *ans)
{
	uint32_t ttl = ans->rcode == DNS_R_NXDOMAIN ? RESOLVER_NEG_TTL : ans->ttl;
	struct cache_entry *victim = &cache[0];

	if (ttl == 0 || strlen(name) > DNS_NAME_MAX)
		return;
	if (ttl > RESOLVER_MAX_TTL)
		ttl = RESOLVER_MAX_TTL;
	for (int i = 1; i < RESOLVER_CACHE_SIZE && victim->expires_ms; i++)
		if (cache[i].expires_ms < victim->expires_ms)
			victim = &cache[i];
	strcpy(victim->name, name);
	victim->qtype = qtype;
	victim->ans = *ans;
	victim->expires_ms = now_ms() + (uint64_t)ttl * 1000;
}

/* ---- one query to one server ---- */

static uint16_t query_id(void)
{
	uint16_t id;

	if (getentropy(&id, sizeof(id)) != 0)
		id = (uint16_t)(now_ms() * 2654435761u >> 7);
	return id;
}

/* Wait for a reply on fd until deadline; skips stray packets. 0, or -errno. */
static int await_reply(int fd, uint64_t deadline, uint16_t id, const char *name,
		       uint16_t qtype, struct dns_answer *ans)
{
	uint8_t buf[1500];

	for (;;) {
		uint64_t now = now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (now >= deadline)
			return -ETIMEDOUT;
		int r = poll(&pfd, 1, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;   /* e.g. ECONNREFUSED: ICMP port unreachable */
		r = dns_parse_reply(buf, (size_t)n, id, name, qtype, ans);
		if (r == 0)
			return 0;
		if (r == DNS_E_MALFORMED)
			return -EPROTO;
		/* DNS_E_MISMATCH: a late answer to an earlier try, or junk: keep waiting */
	}
}

/* Wait until fd is ready for events or deadline passes: 0, or -errno. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		uint64_t now = now_ms();
		int r;

		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)(deadline - now));
		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* Move all of buf through the non-blocking stream fd before deadline. */
static int stream_io(int fd, void *buf, size_t len, bool out, uint64_t deadline)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = out ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET; /* the server closed before the whole message */
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		n = wait_fd(fd, out ? POLLOUT : POLLIN, deadline);
		if (n)
			return (int)n;
	}
	return 0;
}

/* The socket address of server, port 53: its length, or -EINVAL (an unknown zone). */
static int server_sockaddr(const struct resolv_ns *server, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (server->family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(DNS_PORT);
		sin->sin_addr.s_addr = server->v4;
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(DNS_PORT);
	memcpy(&sin6->sin6_addr, server->v6, 16);
	if (server->zone[0]) {
		sin6->sin6_scope_id = if_nametoindex(server->zone);
		if (!sin6->sin6_scope_id)
			return -EINVAL;
	}
	return sizeof(*sin6);
}

/* The same question over TCP, each message after its 2-byte length (RFC
 * 1035 4.2.2). 0 with *ans, or -errno. */
static int ask_server_tcp(const struct resolv_ns *server, const char *name, uint16_t qtype,
			  uint64_t deadline, struct dns_answer *ans)
{
	static uint8_t msg[2 + 65535];
	struct sockaddr_storage ss;
	int salen = server_sockaddr(server, &ss);
	uint16_t id = query_id();
	int qlen = dns_build_query(msg + 2, DNS_UDP_MAX, id, name, qtype);
	int fd, r, err = 0;
	socklen_t elen = sizeof(err);
	size_t rlen;

	if (qlen < 0 || salen < 0)
		return -EINVAL;
	msg[0] = (uint8_t)(qlen >> 8);
	msg[1] = (uint8_t)qlen;
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
		r = -errno;
		goto out_close;
	}
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)salen) < 0) {
		r = errno == EINPROGRESS ? wait_fd(fd, POLLOUT, deadline) : -errno;
		if (!r && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err)
			r = -err;
		if (r)
			goto out_close;
	}
	r = stream_io(fd, msg, (size_t)qlen + 2, true, deadline);
	if (!r)
		r = stream_io(fd, msg, 2, false, deadline);
	if (r)
		goto out_close;
	rlen = (size_t)msg[0] << 8 | msg[1];
	r = stream_io(fd, msg, rlen, false, deadline);
	if (!r && dns_parse_reply(msg, rlen, id, name, qtype, ans) != 0)
		r = -EPROTO;
out_close:
	close(fd);
	return r;
}

/* Send one query to server and wait up to timeout_ms. 0 with *ans, or -errno. */
static int ask_server(const struct resolv_ns *server, const char *name, uint16_t qtype,
		      int timeout_ms, struct dns_answer *ans)
{
	struct sockaddr_storage ss;
	int salen = server_sockaddr(server, &ss);
	uint8_t q[DNS_UDP_MAX];
	uint16_t id = query_id();
	int qlen = dns_build_query(q, sizeof(q), id, name, qtype);
	int fd, r;

	if (qlen < 0)
		return -EINVAL;
	if (salen < 0)
		return -ENETUNREACH;   /* a zone naming no interface: skip the server */
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)salen) < 0 ||
	    send(fd, q, (size_t)qlen, 0) != qlen) {
		r = -errno;
		goto out_close;
	}
	r = await_reply(fd, now_ms() + (uint64_t)timeout_ms, id, name, qtype, ans);
	if (r == 0 && ans->truncated) {
		/* Cut to fit a datagram: the whole answer comes over TCP. If
		 * that fails, what the datagram held is better than nothing. */
		struct dns_answer full;

		if (ask_server_tcp(server, name, qtype, now_ms() + (uint64_t)timeout_ms, &full) == 0)
			*ans = full;
	}
out_close:
	close(fd);
	return r;
}

/* Map the last failure of a round of tries to a RESOLVER_E_* code. */
static int failure_code(int err)
{
	if (err == -ETIMEDOUT)
		return RESOLVER_E_TIMEOUT;
	if (err == -EPROTO || err == 0)
		return RESOLVER_E_FAIL;
	/* (EINVAL: a link-local IPv6 server without a %zone cannot be reached) */
	if (err == -ECONNREFUSED || err == -ENETUNREACH || err == -EHOSTUNREACH ||
	    err == -EADDRNOTAVAIL || err == -EAFNOSUPPORT || err == -EINVAL)
		return RESOLVER_E_TIMEOUT;   /* the server is not there: as if silent */
	errno = -err;
	return RESOLVER_E_SYSTEM;
}

/* Rounds over rc's servers until one gives a definite answer. */
static int ask_servers(const struct resolv_conf *rc, const char *name, uint16_t qtype,
		       struct resolver_reply *r)
{
	int last = -ETIMEDOUT;

	if (rc->nns == 0)
		return RESOLVER_E_NOSERVER;
	for (int round = 0; round < rc->attempts; round++) {
		for (int i = 0; i < rc->nns; i++) {
			int err = ask_server(&rc->ns[i], name, qtype, rc->timeout_s * 1000, &r->ans);
			if (err == 0 && (r->ans.rcode == DNS_R_NOERROR ||
					 r->ans.rcode == DNS_R_NXDOMAIN)) {
				r->server = rc->ns[i];
				return 0;
			}
			if (err == 0)
				r->server = rc->ns[i];   /* SERVFAIL, REFUSED...: kept in r->ans */
			last = err;
		}
	}
	return failure_code(last);
}

int resolver_query(const char *name, uint16_t qtype, const struct resolv_conf *rc,
		   struct resolver_reply *r)
{
	struct cache_entry *e = rc ? NULL : cache_find(name, qtype);
	uint8_t probe[DNS_UDP_MAX];
	struct resolv_conf conf;
	int err;

	memset(r, 0, sizeof(*r));
	if (e) {
		r->ans = e->ans;
		r->cached = true;
		return 0;
	}
	if (dns_build_query(probe, sizeof(probe), 0, name, qtype) < 0)
		return RESOLVER_E_BADNAME;
	if (!rc) {
		resolver_conf(&conf);
		err = ask_servers(&conf, name, qtype, r);
		if (err == 0)
			cache_put(name, qtype, &r->ans);
		return err;
	}
	return ask_servers(rc, name, qtype, r);
}

/* ---- host names and addresses ---- */

/* The text of /etc/hosts (default_hosts if it is missing), in a static buffer. */
static const char *hosts_text(size_t *len)
{
	static char text[8192];
	long n = resolver_read_file(HOSTS_PATH, text, sizeof(text));

	if (n < 0) {
		*len = sizeof(default_hosts) - 1;
		return default_hosts;
	}
	*len = (size_t)n;
	return text;
}

/* name's lines of the wanted families in /etc/hosts: 1 if any. */
static int lookup_hosts_file(const char *name, int family, struct dns_answer *ans)
{
	size_t len;
	const char *text = hosts_text(&len);

	if (family != AF_INET6)
		ans->naddrs = hosts_find_name(text, len, name, ans->addrs, DNS_MAX_ADDRS,
					      ans->canon, sizeof(ans->canon));
	if (family != AF_INET)
		ans->naddrs6 = hosts_find_name6(text, len, name, ans->addrs6, DNS_MAX_ADDRS,
						ans->naddrs ? NULL : ans->canon,
						ans->naddrs ? 0 : sizeof(ans->canon));
	return ans->naddrs + ans->naddrs6 > 0;
}

/* One DNS question: 0 with *ans (records of qtype), else the EAI_* code it failed with. */
static int lookup_dns_type(const char *name, uint16_t qtype, struct dns_answer *ans)
{
	struct resolver_reply r;
	int err = resolver_query(name, qtype, NULL, &r);

	switch (err) {
	case 0:
		break;
	case RESOLVER_E_NOSERVER:
	case RESOLVER_E_TIMEOUT:
		return EAI_AGAIN;
	case RESOLVER_E_BADNAME:
		return EAI_NONAME;
	case RESOLVER_E_SYSTEM:
		return EAI_SYSTEM;
	default:
		return EAI_FAIL;
	}
	if (r.ans.rcode == DNS_R_NXDOMAIN)
		return EAI_NONAME;
	if (r.ans.naddrs + r.ans.naddrs6 == 0)
		return EAI_NODATA;
	*ans = r.ans;
	return 0;
}

/* One DNS name for family: 0 found, else the EAI_* code. With AF_UNSPEC the
 * A answer's error wins when neither query found addresses. */
static int lookup_dns(const char *name, int family, struct dns_answer *ans)
{
	struct dns_answer six;
	int err4 = EAI_NODATA, err6 = EAI_NODATA;

	if (family != AF_INET6)
		err4 = lookup_dns_type(name, DNS_T_A, ans);
	if (family == AF_INET)
		return err4;
	if (err4 == EAI_NONAME || (err4 == EAI_AGAIN && family == AF_UNSPEC))
		return err4;   /* no such name, or no server: AAAA would say the same */
	err6 = lookup_dns_type(name, DNS_T_AAAA, &six);
	if (err6 == 0) {
		if (err4 != 0) {
			*ans = six;
			return 0;
		}
		memcpy(ans->addrs6, six.addrs6, sizeof(six.addrs6));
		ans->naddrs6 = six.naddrs6;
		return 0;
	}
	return family == AF_INET6 ? err6 : err4;
}

int resolver_lookup_host(const char *name, int family, struct dns_answer *ans)
{
	struct resolv_conf rc;
	char fqdn[DNS_NAME_MAX + 1];
	int err;

	memset(ans, 0, sizeof(*ans));
	if (name[0] == 0 || strlen(name) > DNS_NAME_MAX)
		return EAI_NONAME;
	if (lookup_hosts_file(name, family, ans))
		return 0;
	resolver_conf(&rc);
	/* A single-label name is tried in the search domain first (ndots:1). */
	if (!strchr(name, '.') && rc.search[0] &&
	    strlen(name) + 1 + strlen(rc.search) <= DNS_NAME_MAX) {
		strcpy(fqdn, name);
		strcat(fqdn, ".");
		strcat(fqdn, rc.search);
		err = lookup_dns(fqdn, family, ans);
		if (err != EAI_NONAME && err != EAI_NODATA)
			return err;
	}
	return lookup_dns(name, family, ans);
}

/* A PTR query for rev: 0 with name, or an EAI_* code. */
static int lookup_ptr(const char *rev, char *name, size_t size)
{
	struct resolver_reply r;
	int err = resolver_query(rev, DNS_T_PTR, NULL, &r);

	if (err == RESOLVER_E_TIMEOUT || err == RESOLVER_E_NOSERVER)
		return EAI_AGAIN;
	if (err < 0)
		return EAI_FAIL;
	if (r.ans.rcode == DNS_R_NXDOMAIN || !r.ans.ptr[0])
		return EAI_NONAME;
	if (strlen(r.ans.ptr) >= size)
		return EAI_OVERFLOW;
	strcpy(name, r.ans.ptr);
	return 0;
}

int resolver_lookup_addr(uint32_t addr_be, char *name, size_t size)
{
	size_t len;
	const char *text = hosts_text(&len);
	char rev[32];

	if (hosts_find_addr(text, len, addr_be, name, size))
		return 0;
	dns_ptr_name(addr_be, rev, sizeof(rev));
	return lookup_ptr(rev, name, size);
}

int resolver_lookup_addr6(const uint8_t addr[16], char *name, size_t size)
{
	size_t len;
	const char *text = hosts_text(&len);
	char rev[DNS_PTR6_NAME_LEN];

	if (hosts_find_addr6(text, len, addr, name, size))
		return 0;
	dns_ptr_name6(addr, rev, sizeof(rev));
	return lookup_ptr(rev, name, size);
}
