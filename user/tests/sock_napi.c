/*
 * sock_napi: the network softirq runs only when there is work (issue 12).
 * A poll() over 64 idle sockets (16 loopback TCP pairs, 32 UDP sockets),
 * with and without a timeout, may run the stack at most once, counted by
 * /proc/softirqs NET_TX (runs raised by a locked section). SIS only.
 * Prints "PASS napi_poll64"; exit status 1 on any failure.
 */
#include "sock_util.h"
#include "text_file.h"

#define NFD 64
#define NPAIR 16

/* Counter NAME ("NET_TX:") from /proc/softirqs, -1 if missing. */
static long softirq_count(const char *name)
{
	return file_number("/proc/softirqs", name, 10);
}

/* NET_TX: runs raised by a locked section. */
static long net_tx_runs(void)
{
	return softirq_count("NET_TX:");
}

/* Every network softirq raise, whatever raised it (locked section, NIC,
 * lwIP timer). */
static long net_all_runs(void)
{
	long tx = softirq_count("NET_TX:"), rx = softirq_count("NET_RX:"),
	     tm = softirq_count("NET_TIMER:");

	return tx < 0 || rx < 0 || tm < 0 ? -1 : tx + rx + tm;
}

static int tcp_pairs(struct pollfd *pfd)
{
	struct sockaddr_in a = sin_make("127.0.0.1", 0);
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), k = 0;

	CHECK(l >= 0 && bind(l, SA(&a), sizeof(a)) == 0 && listen(l, NPAIR) == 0, "listen");
	CHECK(getsockname(l, SA(&a), &len) == 0, "getsockname");
	for (int i = 0; i < NPAIR; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		CHECK(c >= 0 && connect(c, SA(&a), sizeof(a)) == 0, "connect %d", i);
		pfd[k++].fd = c;
		pfd[k].fd = accept(l, NULL, NULL);
		CHECK(pfd[k].fd >= 0, "accept %d", i);
		k++;
	}
	close(l);
	return k;
}

static void udp_sockets(struct pollfd *pfd, int n)
{
	for (int i = 0; i < n; i++) {
		struct sockaddr_in a = sin_make("127.0.0.1", 0);

		pfd[i].fd = socket(AF_INET, SOCK_DGRAM, 0);
		CHECK(pfd[i].fd >= 0 && bind(pfd[i].fd, SA(&a), sizeof(a)) == 0, "udp %d", i);
	}
}

static void poll_once(struct pollfd *pfd, int timeout, const char *what)
{
	long before, after, all0, all1;
	int r;

	all0 = net_all_runs();
	before = net_tx_runs();
	r = poll(pfd, NFD, timeout);
	after = net_tx_runs();
	all1 = net_all_runs();
	CHECK(r == 0, "%s: poll = %d, want 0 (idle)", what, r);
	CHECK(before >= 0 && after - before <= 1, "%s: %ld stack runs (NET_TX %ld -> %ld)", what,
	      after - before, before, after);
	/* With no timeout nothing else (a NIC, lwIP's timer) may run the stack
	 * in between either, but for one coincidence: at most one run in all. */
	if (timeout == 0)
		CHECK(all0 >= 0 && all1 - all0 <= 1, "%s: %ld stack runs of any kind", what,
		      all1 - all0);
	printf("napi: %s: %ld stack runs\n", what, after - before);
}

int main(void)
{
	struct pollfd pfd[NFD];
	int k;

	memset(pfd, 0, sizeof(pfd));
	k = tcp_pairs(pfd);
	udp_sockets(pfd + k, NFD - k);
	for (int i = 0; i < NFD; i++)
		pfd[i].events = POLLIN;
	usleep(300 * 1000); /* handshakes' last ACKs, window updates */
	poll_once(pfd, 0, "poll64 timeout 0");
	poll_once(pfd, 50, "poll64 timeout 50ms");
	for (int i = 0; i < NFD; i++)
		close(pfd[i].fd);
	if (!failures)
		printf("PASS napi_poll64\n");
	return failures ? 1 : 0;
}
