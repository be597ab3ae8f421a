/*
 * sock_cli: guest-side clients for the socket tests that talk to servers on
 * the host through QEMU user networking (the host is 10.0.2.2 there).
 *
 *   sock_cli udp HOST PORT COUNT     COUNT datagrams to a UDP echo server,
 *                                    each echoed intact from HOST:PORT
 *   sock_cli refused HOST PORT       connect to a closed port: ECONNREFUSED
 *   sock_cli nbconnect HOST PORT     non-blocking connect + poll + SO_ERROR,
 *                                    then one line each way ("ping" -> reply)
 *   sock_cli leak HOST PORT CYCLES   connect/transfer/close CYCLES times (the
 *                                    server sends a reply and closes), plus a
 *                                    child that exits with sockets open; the
 *                                    kernel's pool counters must come back
 *   sock_cli leakactive HOST PORT CYCLES  the same, but the server sends 1000
 *                                    bytes and waits: the guest closes first
 *                                    and holds TIME_WAIT; once TIME_WAIT has
 *                                    expired (2 * TCP_MSL) the counters must
 *                                    come back
 *   sock_cli bulk HOST PORT MIB      connect, send "get", receive MIB MiB of
 *                                    the test pattern until the server's FIN,
 *                                    check every byte; connect again, send
 *                                    "put" and MIB MiB of it, shut down; the
 *                                    server checks every byte and answers
 *                                    "host: N bytes intact"
 *   sock_cli ping HOST COUNT         ICMP echo with a ping socket and with a
 *                                    raw socket
 *   sock_cli keepalive HOST PORT     connect, keepalive after 1 s idle, probes
 *                                    1 s apart, 2 unanswered drop it; prints
 *                                    "connected", then blocks in read until
 *                                    the peer vanishes: ETIMEDOUT in 2-10 s
 *   sock_cli usertimeout HOST PORT   connect with TCP_USER_TIMEOUT 2000 ms,
 *                                    print "connected", then write 100 bytes
 *                                    every 200 ms until a write fails: it
 *                                    must say ETIMEDOUT
 * Exit status: 1 on any failure. Prints "PASS <mode>" on success.
 */
#include "sock_util.h"
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>

static void t_udp(const char *host, int port, int count)
{
	struct sockaddr_in srv = sin_make(host, port), from;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ok = 0;
	struct timeval tv = { 2, 0 };
	static unsigned char buf[4000], got[4000];
	socklen_t len;

	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, "SO_RCVTIMEO");
	for (int i = 0; i < count; i++) {
		size_t n = 1 + (size_t)(i * 97) % (sizeof(buf) - 1);
		ssize_t r;

		pattern_fill(buf, n, (uint64_t)i * 1000);
		CHECK(sendto(fd, buf, n, 0, SA(&srv), sizeof(srv)) == (ssize_t)n, "sendto");
		len = sizeof(from);
		r = recvfrom(fd, got, sizeof(got), 0, SA(&from), &len);
		if (r == (ssize_t)n && !memcmp(buf, got, n) && from.sin_port == srv.sin_port &&
		    from.sin_addr.s_addr == srv.sin_addr.s_addr)
			ok++;
		else
			CHECK(0, "datagram %d: got %zd of %zu bytes", i, r, n);
	}
	printf("udp: %d/%d echoed\n", ok, count);
	close(fd);
}

static void t_refused(const char *host, int port)
{
	struct sockaddr_in a = sin_make(host, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	errno = 0;
	CHECK(connect(fd, SA(&a), sizeof(a)) < 0 && errno == ECONNREFUSED, "connect to closed port");
	close(fd);
}

static void t_nbconnect(const char *host, int port)
{
	struct sockaddr_in a = sin_make(host, port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err = -1, r;
	struct pollfd p = { fd, POLLOUT, 0 };
	socklen_t len = sizeof(err);
	char buf[256];
	ssize_t n;

	errno = 0;
	r = connect(fd, SA(&a), sizeof(a));
	CHECK(r < 0 && errno == EINPROGRESS, "connect returned %d", r);
	CHECK(poll(&p, 1, 10000) == 1 && (p.revents & POLLOUT), "poll: revents %#x", p.revents);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0, "SO_ERROR %d", err);
	CHECK(connect(fd, SA(&a), sizeof(a)) == 0, "second connect reports success");
	errno = 0;
	CHECK(connect(fd, SA(&a), sizeof(a)) < 0 && errno == EISCONN, "third connect");
	CHECK(write_all(fd, "ping\n", 5) == 0, "write");
	p.events = POLLIN;
	CHECK(poll(&p, 1, 10000) == 1 && (p.revents & POLLIN), "poll for the reply");
	n = read(fd, buf, sizeof(buf) - 1);
	CHECK(n > 0, "read reply");
	if (n > 0) {
		buf[n] = '\0';
		printf("nbconnect: reply %s", buf);
	}
	close(fd);
}

/* ---- leak ---- */

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "pool NAME used", "sockets N" and "pages_free N" lines of sis_pools. */
static void pool_summary(const char *in, char *out, size_t size)
{
	char name[64];
	unsigned long used, max, err;
	size_t len = 0;
	const char *line = in;

	out[0] = '\0';
	while (line && *line) {
		if (sscanf(line, "pool %63s %lu %lu %lu", name, &used, &max, &err) == 4)
			len += (size_t)snprintf(out + len, size - len, "%s=%lu ", name, used);
		else if (sscanf(line, "sockets %lu", &used) == 1)
			len += (size_t)snprintf(out + len, size - len, "sockets=%lu ", used);
		else if (sscanf(line, "pages_free %lu", &used) == 1)
			len += (size_t)snprintf(out + len, size - len, "pages_free=%lu ", used);
		line = strchr(line, '\n');
		if (line)
			line++;
		if (len >= size)
			break;
	}
}

#define ACTIVE_REPLY 1000 /* bytes the leakactive server sends before it waits */

/* One connection; ACTIVE: read the server's 1000 bytes and close first
 * (this side then holds TIME_WAIT), else read until the server closes. */
static int one_cycle(const char *host, int port, int active)
{
	struct sockaddr_in a = sin_make(host, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char buf[2048];
	ssize_t r = 0, total = 0;

	if (fd < 0 || connect(fd, SA(&a), sizeof(a)) < 0 || write_all(fd, "cycle\n", 6) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((!active || total < ACTIVE_REPLY) && (r = read(fd, buf, sizeof(buf))) > 0)
		total += r;
	close(fd);
	if (active)
		return total == ACTIVE_REPLY ? 0 : -1;
	return r == 0 && total > 0 ? 0 : -1;
}

/* TCP connections in TIME_WAIT (state 06) in /proc/net/tcp. */
static int count_time_wait(void)
{
	static char buf[16384];
	int fd = open("/proc/net/tcp", O_RDONLY), n = 0;
	ssize_t len = 0, r;

	if (fd < 0)
		return -1;
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (r = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += r;
	close(fd);
	buf[len] = '\0';
	for (char *line = strchr(buf, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		unsigned st;

		if (sscanf(line + 1, "%*s %*s %*s %x", &st) == 1 && st == 0x06)
			n++;
	}
	return n;
}

/* A child that opens every kind of socket and dies without closing any. */
static void dying_child(const char *host, int port)
{
	struct sockaddr_in a = sin_make(host, port), l = sin_make("127.0.0.1", 0);
	int sv[2], fd;
	pid_t pid = fork();

	if (pid == 0) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		connect(fd, SA(&a), sizeof(a));
		write_all(fd, "dying\n", 6);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		bind(fd, SA(&l), sizeof(l));
		listen(fd, 4);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		sendto(fd, "x", 1, 0, SA(&a), sizeof(a));
		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		write_all(sv[0], "unread", 6);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

/* Wait up to SECS for the pool counters to read BEFORE again; true if so. */
static int pools_back(const char *sb, char *sa, size_t size, double secs)
{
	static char after[4096];

	for (double t0 = mono_s(); mono_s() - t0 < secs;) {
		usleep(250 * 1000);
		read_pools(after, sizeof(after));
		pool_summary(after, sa, size);
		if (!strcmp(sa, sb))
			return 1;
	}
	return 0;
}

static void t_leak(const char *host, int port, int cycles, int active)
{
	static char before[4096], sb[2048], sa[2048];
	int bad = 0, tw;
	double t0;

	/* Warm up: first-use allocations (ARP entry, slabs) are not leaks; with
	 * ACTIVE the warm-up's TIME_WAITs expire before the baseline. */
	for (int i = 0; i < 20; i++)
		one_cycle(host, port, active);
	sleep(active ? 6 : 1);
	CHECK(read_pools(before, sizeof(before)) == 0, "read /proc/net/sis_pools");
	pool_summary(before, sb, sizeof(sb));
	for (int i = 0; i < cycles; i++)
		bad += one_cycle(host, port, active) != 0;
	CHECK(bad == 0, "%d of %d cycles failed", bad, cycles);
	tw = count_time_wait();
	printf("leak: %d connections in TIME_WAIT after the cycles\n", tw);
	if (active)
		CHECK(tw > 0, "no TIME_WAIT: the guest did not close first");
	dying_child(host, port);
	/* The last closes finish in lwIP (LAST_ACK, FIN_WAIT; with ACTIVE,
	 * TIME_WAIT's 2 * TCP_MSL = 4 s): give them time, within a bound. */
	t0 = mono_s();
	CHECK(pools_back(sb, sa, sizeof(sa), active ? 15 : 10), "pool counters differ after %d "
	      "cycles", cycles);
	printf("leak: before %s\nleak: after  %s\n", sb, sa);
	printf("leak: counters back %.1f s after the cycles\n", mono_s() - t0);
	if (active)
		CHECK(count_time_wait() == 0, "TIME_WAIT connections left after 15 s");
}

/* ---- bulk ---- */

static void t_bulk(const char *host, int port, int mib)
{
	static unsigned char buf[65536], want[65536];
	struct sockaddr_in a = sin_make(host, port);
	uint64_t total = (uint64_t)mib << 20, got = 0, sent = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0), bad = 0;
	char verdict[128], expect[128];
	double t0 = mono_s();
	ssize_t r;

	CHECK(connect(fd, SA(&a), sizeof(a)) == 0 && write_all(fd, "get\n", 4) == 0,
	      "connect %s:%d (get)", host, port);
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		pattern_fill(want, (size_t)r, got);
		if (!bad && memcmp(buf, want, (size_t)r)) {
			for (ssize_t i = 0; i < r; i++) {
				if (buf[i] != want[i]) {
					printf("bulk: byte %llu is %#x, want %#x\n",
					       (unsigned long long)(got + (uint64_t)i), buf[i], want[i]);
					break;
				}
			}
			bad = 1;
		}
		got += (uint64_t)r;
	}
	CHECK(r == 0, "read after %llu bytes", (unsigned long long)got);
	CHECK(!bad && got == total, "received %llu of %llu bytes, %s", (unsigned long long)got,
	      (unsigned long long)total, bad ? "corrupt" : "intact");
	printf("bulk: received %llu bytes in %.1f s\n", (unsigned long long)got, mono_s() - t0);
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(fd, SA(&a), sizeof(a)) == 0 && write_all(fd, "put\n", 4) == 0,
	      "connect %s:%d (put)", host, port);
	t0 = mono_s();
	while (sent < total) {
		size_t n = total - sent < sizeof(buf) ? (size_t)(total - sent) : sizeof(buf);

		pattern_fill(buf, n, sent);
		if (write_all(fd, buf, n) < 0)
			break;
		sent += n;
	}
	CHECK(sent == total, "sent %llu of %llu bytes", (unsigned long long)sent,
	      (unsigned long long)total);
	CHECK(shutdown(fd, SHUT_WR) == 0, "shutdown");
	r = read_full(fd, verdict, sizeof(verdict) - 1);
	verdict[r > 0 ? r : 0] = '\0';
	printf("bulk: sent %llu bytes in %.1f s; %s", (unsigned long long)sent, mono_s() - t0,
	       verdict);
	snprintf(expect, sizeof(expect), "host: %llu bytes intact\n", (unsigned long long)total);
	CHECK(!strcmp(verdict, expect), "the host's verdict");
	close(fd);
}

/* ---- ping ---- */

static uint16_t icmp_sum(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint32_t sum = 0;

	for (; n > 1; n -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* One echo over fd (raw: we set id and checksum, replies have an IP header). */
static int ping_once(int fd, struct sockaddr_in *to, int seq, bool raw)
{
	unsigned char pkt[64], reply[256];
	struct icmphdr *h = (struct icmphdr *)pkt;
	struct pollfd p = { fd, POLLIN, 0 };
	long deadline = now_ms() + 3000;

	memset(pkt, 0, sizeof(pkt));
	h->type = ICMP_ECHO;
	h->un.echo.id = htons(0x5151);
	h->un.echo.sequence = htons((uint16_t)seq);
	memcpy(pkt + sizeof(*h), "SIS ping payload", 16);
	if (raw)
		h->checksum = icmp_sum(pkt, sizeof(pkt));
	if (sendto(fd, pkt, sizeof(pkt), 0, SA(to), sizeof(*to)) != sizeof(pkt))
		return -1;
	while (now_ms() < deadline && poll(&p, 1, 500) >= 0) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, reply, sizeof(reply), MSG_DONTWAIT, SA(&from), &len);
		size_t off = raw && n > 0 ? (size_t)(reply[0] & 0x0f) * 4 : 0;
		struct icmphdr *r = (struct icmphdr *)(reply + off);

		if (n < (ssize_t)(off + sizeof(*r)))
			continue;
		if (r->type == ICMP_ECHOREPLY && ntohs(r->un.echo.sequence) == seq &&
		    from.sin_addr.s_addr == to->sin_addr.s_addr &&
		    !memcmp(reply + off + sizeof(*r), "SIS ping payload", 16))
			return 0;
	}
	return -1;
}

static void t_ping(const char *host, int count)
{
	struct sockaddr_in to = sin_make(host, 0);
	int dg = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	int ok_dg = 0, ok_raw = 0;

	CHECK(dg >= 0, "ping socket");
	CHECK(raw >= 0, "raw socket");
	for (int i = 1; i <= count; i++) {
		ok_dg += ping_once(dg, &to, i, false) == 0;
		ok_raw += ping_once(raw, &to, 1000 + i, true) == 0;
	}
	printf("ping %s: ping socket %d/%d, raw socket %d/%d\n", host, ok_dg, count, ok_raw, count);
	CHECK(ok_dg == count && ok_raw == count, "lost echoes");
	close(dg);
	close(raw);
}

static void t_keepalive(const char *host, int port)
{
	struct sockaddr_in srv = sin_make(host, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1, idle = 1, intvl = 1, cnt = 2, v = 0;
	socklen_t len = sizeof(v);
	double t0, waited;
	char c;

	CHECK(connect(fd, SA(&srv), sizeof(srv)) == 0, "connect %s:%d", host, port);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) == 0, "SO_KEEPALIVE");
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) == 0, "TCP_KEEPIDLE");
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) == 0,
	      "TCP_KEEPINTVL");
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)) == 0, "TCP_KEEPCNT");
	CHECK(getsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &v, &len) == 0 && v == 2, "TCP_KEEPCNT reads back");
	printf("keepalive: connected\n");
	/* While the peer answers, probes keep the connection: it stays quiet. */
	t0 = mono_s();
	errno = 0;
	CHECK(read(fd, &c, 1) < 0 && errno == ETIMEDOUT, "read ends with ETIMEDOUT");
	waited = mono_s() - t0;
	printf("keepalive: read failed after %.1f s\n", waited);
	CHECK(waited > 2 && waited < 30, "keepalive timing");
	close(fd);
}

static void t_usertimeout(const char *host, int port)
{
	struct sockaddr_in srv = sin_make(host, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), ms = 2000, v = 0, writes = 0;
	socklen_t len = sizeof(v);
	char buf[100];
	double t0 = mono_s(), failed_at = 0;

	memset(buf, 'u', sizeof(buf));
	CHECK(connect(fd, SA(&srv), sizeof(srv)) == 0, "connect %s:%d", host, port);
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof(ms)) == 0,
	      "TCP_USER_TIMEOUT");
	CHECK(getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &v, &len) == 0 && v == 2000,
	      "TCP_USER_TIMEOUT reads back");
	printf("usertimeout: connected\n");
	while (mono_s() - t0 < 90) {
		if (write(fd, buf, sizeof(buf)) < 0) {
			failed_at = mono_s() - t0;
			break;
		}
		writes++;
		usleep(200 * 1000);
	}
	printf("usertimeout: write failed after %.1f s and %d writes: errno %d\n", failed_at,
	       writes, errno);
	CHECK(failed_at > 0 && errno == ETIMEDOUT, "a write ends with ETIMEDOUT");
	close(fd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	const char *host = argc > 2 ? argv[2] : "10.0.2.2";
	int port = argc > 3 ? atoi(argv[3]) : 0, n = argc > 4 ? atoi(argv[4]) : 10;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "udp"))
		t_udp(host, port, n);
	else if (!strcmp(mode, "refused"))
		t_refused(host, port);
	else if (!strcmp(mode, "nbconnect"))
		t_nbconnect(host, port);
	else if (!strcmp(mode, "leak"))
		t_leak(host, port, n, 0);
	else if (!strcmp(mode, "ping"))
		t_ping(host, argc > 3 ? atoi(argv[3]) : 3);
	else if (!strcmp(mode, "bulk"))
		t_bulk(host, port, n);
	else if (!strcmp(mode, "leakactive"))
		t_leak(host, port, n, 1);
	else if (!strcmp(mode, "keepalive"))
		t_keepalive(host, port);
	else if (!strcmp(mode, "usertimeout"))
		t_usertimeout(host, port);
	else {
		printf("usage: sock_cli udp|refused|nbconnect|leak|leakactive|bulk|ping|keepalive|"
		       "usertimeout HOST [PORT] [N]\n");
		return 100;
	}
	printf("%s %s\n", failures ? "FAIL" : "PASS", mode);
	return failures ? 1 : 0;
}
