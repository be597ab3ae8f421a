/*
 * ping [-6] [-c COUNT] [-i INTERVAL] [-s SIZE] [-W WAIT] [-q] HOST
 * ping6 ...  (= ping -6)
 *
 * ICMP echo (RFC 792) like Linux's iputils ping: one line per reply, and on
 * exit (after COUNT, or on Ctrl-C) the statistics with packet loss and
 * min/avg/max/mdev round-trip times. Uses a raw ICMP socket (SIS has no
 * users, so no privileges are needed) to see each reply's TTL in its IP
 * header. The send time travels in the payload, as in iputils.
 *
 * -6 (or a HOST with a colon, or the name ping6): ICMPv6 echo (RFC 4443) to
 * a numeric IPv6 address, "fe80::1%eth0" for a link-local one, through an
 * ICMPv6 ping socket (SOCK_DGRAM, IPPROTO_ICMPV6: the kernel sets the
 * identifier and checksum). The hop limit of a reply is not known to it
 * (no IPV6_RECVHOPLIMIT), so its lines have no ttl=.
 *
 * Exit status: 0 if any reply came back, 1 if none did, 2 on errors.
 */
#include <net/if.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "util.h"

#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP_HDR 8
#define IP_HDR_MIN 20
#define PING_MAX_PAYLOAD 65507 - ICMP_HDR
#define PING_DEFAULT_PAYLOAD 56

struct ping {
	int fd;
	uint16_t id;
	struct sockaddr_in dst;
	bool six;                 /* -6: ICMPv6 to dst6 */
	struct sockaddr_in6 dst6;
	char dst6_text[INET6_ADDRSTRLEN];
	const char *host;         /* as typed */
	char canon[256];
	bool numeric;             /* host was a dotted quad */
	long count;               /* 0: until interrupted */
	uint64_t interval_us, wait_us;
	size_t size;              /* payload bytes */
	bool quiet;
	/* statistics */
	long sent, received, errors;
	long timed;               /* replies that carried our send time */
	uint64_t start_us;
	uint64_t rtt_min, rtt_max, rtt_sum, rtt_sum2;   /* microseconds, microseconds^2 */
	uint8_t *buf;             /* packet buffer, ICMP_HDR + size (and IP header on receive) */
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static uint16_t checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Send echo request number seq: the send time first in the payload, then a pattern. */
static int send_echo(struct ping *pg, uint16_t seq)
{
	uint8_t *p = pg->buf;
	uint64_t now = util_now_us();
	size_t len = ICMP_HDR + pg->size;
	uint16_t sum;

	memset(p, 0, ICMP_HDR);
	p[0] = pg->six ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	memcpy(p + 4, &(uint16_t){ htons(pg->id) }, 2);
	memcpy(p + 6, &(uint16_t){ htons(seq) }, 2);
	for (size_t i = 0; i < pg->size; i++)
		p[ICMP_HDR + i] = (uint8_t)(0x10 + i);
	if (pg->size >= sizeof(now))
		memcpy(p + ICMP_HDR, &now, sizeof(now));
	sum = pg->six ? 0 : checksum(p, len); /* ICMPv6: the kernel's */
	memcpy(p + 2, &sum, 2);
	if (pg->six ? sendto(pg->fd, p, len, 0, (struct sockaddr *)&pg->dst6, sizeof(pg->dst6)) < 0
		    : sendto(pg->fd, p, len, 0, (struct sockaddr *)&pg->dst, sizeof(pg->dst)) < 0) {
		fprintf(stderr, "%s: sendto: %s\n", util_prog, strerror(errno));
		pg->errors++;
		return -1;
	}
	return 0;
}

/* " time=0.512 ms" with iputils' precision: fewer decimals as times grow. */
static void print_time(uint64_t us)
{
	unsigned long ms = (unsigned long)(us / 1000), frac = (unsigned long)(us % 1000);

	if (us >= 100000)
		printf(" time=%lu ms\n", ms);
	else if (us >= 10000)
		printf(" time=%lu.%lu ms\n", ms, frac / 100);
	else if (us >= 1000)
		printf(" time=%lu.%02lu ms\n", ms, frac / 10);
	else
		printf(" time=%lu.%03lu ms\n", ms, frac);
}

static void record_rtt(struct ping *pg, uint64_t rtt)
{
	if (++pg->timed == 1 || rtt < pg->rtt_min)
		pg->rtt_min = rtt;
	if (rtt > pg->rtt_max)
		pg->rtt_max = rtt;
	pg->rtt_sum += rtt;
	pg->rtt_sum2 += rtt * rtt;
}

/* Handle one received packet (IP header + ICMP); ignores what is not our reply. */
static void handle_packet(struct ping *pg, const uint8_t *pkt, size_t n,
			  const struct sockaddr_in *from)
{
	size_t ihl;
	const uint8_t *icmp;
	uint16_t id, seq;
	uint64_t sent_us, rtt = 0;

	if (n < IP_HDR_MIN || (pkt[0] >> 4) != 4)
		return;
	ihl = (size_t)(pkt[0] & 0xf) * 4;
	if (ihl < IP_HDR_MIN || n < ihl + ICMP_HDR)
		return;
	icmp = pkt + ihl;
	id = (uint16_t)(icmp[4] << 8 | icmp[5]);
	seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
	if (icmp[0] != ICMP_ECHOREPLY || id != pg->id)
		return;
	pg->received++;
	if (n - ihl - ICMP_HDR >= sizeof(sent_us)) {
		memcpy(&sent_us, icmp + ICMP_HDR, sizeof(sent_us));
		rtt = util_now_us() - sent_us;
		record_rtt(pg, rtt);
	}
	if (pg->quiet)
		return;
	if (pg->numeric || from->sin_addr.s_addr != pg->dst.sin_addr.s_addr)
		printf("%u bytes from %s: ", (unsigned)(n - ihl), util_ntoa(from->sin_addr.s_addr));
	else
		printf("%u bytes from %s (%s): ", (unsigned)(n - ihl), pg->canon,
		       util_ntoa(from->sin_addr.s_addr));
	printf("icmp_seq=%u ttl=%u", seq, pkt[8]);
	if (n - ihl - ICMP_HDR >= sizeof(sent_us))
		print_time(rtt);
	else
		printf("\n");   /* -s below 8: no room for the send time, as iputils */
	fflush(stdout);
}

/* An ICMPv6 ping socket's packet: the echo reply alone (the kernel matched
 * its identifier). */
static void handle_packet6(struct ping *pg, const uint8_t *icmp, size_t n,
			   const struct sockaddr_in6 *from)
{
	char text[INET6_ADDRSTRLEN];
	uint64_t sent_us, rtt = 0;

	if (n < ICMP_HDR || icmp[0] != ICMP6_ECHO_REPLY)
		return;
	pg->received++;
	if (n - ICMP_HDR >= sizeof(sent_us)) {
		memcpy(&sent_us, icmp + ICMP_HDR, sizeof(sent_us));
		rtt = util_now_us() - sent_us;
		record_rtt(pg, rtt);
	}
	if (pg->quiet)
		return;
	inet_ntop(AF_INET6, &from->sin6_addr, text, sizeof(text));
	printf("%u bytes from %s: icmp_seq=%u", (unsigned)n, text,
	       (unsigned)(icmp[6] << 8 | icmp[7]));
	if (n - ICMP_HDR >= sizeof(sent_us))
		print_time(rtt);
	else
		printf("\n");
	fflush(stdout);
}

static void receive_one6(struct ping *pg)
{
	struct sockaddr_in6 from;
	socklen_t fromlen = sizeof(from);
	ssize_t n = recvfrom(pg->fd, pg->buf, ICMP_HDR + pg->size, 0, (struct sockaddr *)&from,
			     &fromlen);

	if (n < 0) {
		if (errno != EINTR && errno != EAGAIN)
			fprintf(stderr, "%s: recvfrom: %s\n", util_prog, strerror(errno));
		return;
	}
	handle_packet6(pg, pg->buf, (size_t)n, &from);
}

static void receive_one(struct ping *pg)
{
	if (pg->six) {
		receive_one6(pg);
		return;
	}
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	ssize_t n;

	n = recvfrom(pg->fd, pg->buf, IP_HDR_MIN + 40 + ICMP_HDR + pg->size, 0,
			     (struct sockaddr *)&from, &fromlen);

	if (n < 0) {
		if (errno != EINTR && errno != EAGAIN)
			fprintf(stderr, "%s: recvfrom: %s\n", util_prog, strerror(errno));
		return;
	}
	handle_packet(pg, pg->buf, (size_t)n, &from);
}

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = v, prev;

	if (v < 2)
		return v;
	do {
		prev = r;
		r = (r + v / r) / 2;
	} while (r < prev);
	return prev;
}

static void print_ms3(uint64_t us)
{
	printf("%lu.%03lu", (unsigned long)(us / 1000), (unsigned long)(us % 1000));
}

static void print_summary(struct ping *pg)
{
	uint64_t elapsed_ms = (util_now_us() - pg->start_us) / 1000;

	printf("\n--- %s ping statistics ---\n", pg->host);
	printf("%ld packets transmitted, %ld received, ", pg->sent, pg->received);
	if (pg->errors)
		printf("+%ld errors, ", pg->errors);
	printf("%ld%% packet loss, time %lums\n",
	       pg->sent ? (pg->sent - pg->received) * 100 / pg->sent : 0,
	       (unsigned long)elapsed_ms);
	if (pg->timed > 0) {
		uint64_t avg = pg->rtt_sum / (uint64_t)pg->timed;
		uint64_t mean2 = pg->rtt_sum2 / (uint64_t)pg->timed;
		uint64_t mdev = isqrt(mean2 > avg * avg ? mean2 - avg * avg : 0);
		printf("rtt min/avg/max/mdev = ");
		print_ms3(pg->rtt_min);
		printf("/");
		print_ms3(avg);
		printf("/");
		print_ms3(pg->rtt_max);
		printf("/");
		print_ms3(mdev);
		printf(" ms\n");
	}
	fflush(stdout);
}

/* Send on schedule and wait for replies until done, the last wait ends or Ctrl-C. */
static void run(struct ping *pg)
{
	uint64_t next_send = util_now_us(), last_deadline = 0;

	pg->start_us = next_send;
	while (!interrupted) {
		uint64_t now = util_now_us(), deadline;
		bool more = pg->count == 0 || pg->sent < pg->count;
		if (more && now >= next_send) {
			send_echo(pg, (uint16_t)(pg->sent + 1));
			pg->sent++;
			next_send += pg->interval_us;
			if (pg->count && pg->sent == pg->count)
				last_deadline = now + pg->wait_us;
			continue;
		}
		if (!more && (pg->received >= pg->sent || now >= last_deadline))
			break;
		deadline = more ? next_send : last_deadline;
		struct pollfd pfd = { .fd = pg->fd, .events = POLLIN };
		int timeout_ms = (int)((deadline - now + 999) / 1000);
		if (poll(&pfd, 1, timeout_ms) > 0)
			receive_one(pg);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: ping [-6] [-c COUNT] [-i INTERVAL] [-s SIZE] [-W WAIT] [-q] HOST\n");
	exit(2);
}

static void parse_args(struct ping *pg, int argc, char **argv)
{
	long v;
	int opt;

	while ((opt = getopt(argc, argv, "6c:i:s:W:q")) != -1) {
		switch (opt) {
		case '6':
			pg->six = true;
			break;
		case 'c':
			if (util_parse_long(optarg, 1, 1000000000, &pg->count))
				usage();
			break;
		case 'i':
			if (util_parse_seconds(optarg, &pg->interval_us) ||
			    pg->interval_us < 10000) {
				fprintf(stderr, "ping: bad interval (at least 0.01 s)\n");
				exit(2);
			}
			break;
		case 's':
			if (util_parse_long(optarg, 0, PING_MAX_PAYLOAD, &v))
				usage();
			pg->size = (size_t)v;
			break;
		case 'W':
			if (util_parse_seconds(optarg, &pg->wait_us))
				usage();
			break;
		case 'q':
			pg->quiet = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	pg->host = argv[optind];
}

/* HOST as "ADDR" or "ADDR%IFNAME" into pg->dst6: 0, or -1 (message printed). */
static int parse_host6(struct ping *pg)
{
	char addr[INET6_ADDRSTRLEN];
	const char *pct = strchr(pg->host, '%');
	size_t len = pct ? (size_t)(pct - pg->host) : strlen(pg->host);

	pg->dst6.sin6_family = AF_INET6;
	if (len >= sizeof(addr)) {
		fprintf(stderr, "%s: %s: Name or service not known\n", util_prog, pg->host);
		return -1;
	}
	memcpy(addr, pg->host, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET6, addr, &pg->dst6.sin6_addr) != 1) {
		fprintf(stderr, "%s: %s: Name or service not known\n", util_prog, pg->host);
		return -1;
	}
	if (pct && !(pg->dst6.sin6_scope_id = if_nametoindex(pct + 1))) {
		fprintf(stderr, "%s: %s: unknown interface\n", util_prog, pct + 1);
		return -1;
	}
	inet_ntop(AF_INET6, &pg->dst6.sin6_addr, pg->dst6_text, sizeof(pg->dst6_text));
	return 0;
}

static int main6(struct ping *pg)
{
	if (parse_host6(pg))
		return 2;
	pg->fd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6);
	if (pg->fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", util_prog, strerror(errno));
		return 2;
	}
	pg->buf = malloc(ICMP_HDR + pg->size);
	if (!pg->buf)
		return 2;
	signal(SIGINT, on_sigint);
	printf("PING %s(%s) %zu data bytes\n", pg->host, pg->dst6_text, pg->size);
	fflush(stdout);
	run(pg);
	print_summary(pg);
	close(pg->fd);
	free(pg->buf);
	return pg->received ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct ping pg = { .interval_us = 1000000, .wait_us = 2000000,
			   .size = PING_DEFAULT_PAYLOAD };
	struct in_addr tmp;

	util_init(argv[0]);
	parse_args(&pg, argc, argv);
	if (pg.six || strchr(pg.host, ':') || strcmp(util_prog, "ping6") == 0) {
		pg.six = true;
		return main6(&pg);
	}
	pg.numeric = inet_pton(AF_INET, pg.host, &tmp) == 1;
	if (util_resolve(pg.host, 0, SOCK_RAW, &pg.dst, pg.canon, sizeof(pg.canon)))
		return 2;
	pg.fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (pg.fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", util_prog, strerror(errno));
		return 2;
	}
	pg.buf = malloc(IP_HDR_MIN + 40 + ICMP_HDR + pg.size);
	if (!pg.buf)
		return 2;
	pg.id = (uint16_t)getpid();
	signal(SIGINT, on_sigint);
	printf("PING %s (%s) %zu(%zu) bytes of data.\n", pg.numeric ? pg.host : pg.canon,
	       util_ntoa(pg.dst.sin_addr.s_addr), pg.size, pg.size + ICMP_HDR + IP_HDR_MIN);
	fflush(stdout);
	run(&pg);
	print_summary(&pg);
	close(pg.fd);
	free(pg.buf);
	return pg.received ? 0 : 1;
}
