/*
 * sock_fuzz: random arguments to the socket system calls (socket..accept4,
 * numbers 198-212 and 242) on a changing set of socket descriptors: zero,
 * -1, small numbers, huge numbers, pointers into our buffer (some running
 * off its end), kernel addresses. The kernel must neither crash nor leak:
 * after closing everything the live socket count is back to its start.
 *
 * Every socket is non-blocking and MSG_DONTWAIT is forced on sends and
 * receives (SO_LINGER/SO_RCVTIMEO/SO_SNDTIMEO are skipped) so no call can
 * block the run. Usage: sock_fuzz [CALLS [SEED]]. Prints "sock_fuzz: PASS".
 */
#include "sock_util.h"
#include "../lib/sis_syscall.h"

#define FUZZ_FDS 16

/* The system call itself (aarch64 Linux ABI), with nothing checked on our side. */
#define raw_syscall __sis_syscall6

static unsigned long long rng = 88172645463325252ULL;
static char buf[70000];

static unsigned long rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned long)rng;
}

static long fuzz_arg(void)
{
	switch (rnd() % 10) {
	case 0: return 0;
	case 1: return -1;
	case 2: return (long)(buf + rnd() % 1000);
	case 3: return (long)(rnd() % 8);
	case 4: return (long)0xffff000000001000UL; /* a kernel address */
	case 5: return 8;                           /* unmapped */
	case 6: return (long)(rnd() % 70000);
	case 7: return (long)rnd();
	case 8: return (long)(buf + sizeof(buf) - 100); /* runs off the end */
	default: return (long)(rnd() % 300);
	}
}

/* A new non-blocking socket of a random kind (or -1). */
static int fuzz_socket(void)
{
	static const int families[] = { AF_INET, AF_UNIX, 99 };
	static const int protocols[] = { 0, 1, 6, 17, 255 };
	int sv[2], fd;

	fd = socket(families[rnd() % 3], (int)(rnd() % 6) | SOCK_NONBLOCK, protocols[rnd() % 5]);
	if (fd < 0 && rnd() % 2 &&
	    socketpair(AF_UNIX, (rnd() % 2 ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK, 0, sv) == 0) {
		fd = sv[0];
		close(sv[1]);
	}
	return fd;
}

/* One random call on fd. */
static void fuzz_call(int fd)
{
	static const long nrs[] = { __NR_bind, __NR_listen, __NR_accept, __NR_connect,
				    __NR_getsockname, __NR_getpeername, __NR_sendto, __NR_recvfrom,
				    __NR_setsockopt, __NR_getsockopt, __NR_shutdown, __NR_sendmsg,
				    __NR_recvmsg, __NR_accept4 };
	long nr = nrs[rnd() % (sizeof(nrs) / sizeof(nrs[0]))];
	long a[5] = { fuzz_arg(), fuzz_arg(), fuzz_arg(), fuzz_arg(), fuzz_arg() };
	long ret;

	if (nr == __NR_setsockopt && (a[1] == SO_LINGER || a[1] == SO_RCVTIMEO || a[1] == SO_SNDTIMEO))
		return; /* these may make later calls (close, recv) wait */
	if (nr == __NR_sendto || nr == __NR_recvfrom || nr == __NR_sendmsg || nr == __NR_recvmsg) {
		long *flags = nr == __NR_sendmsg || nr == __NR_recvmsg ? &a[1] : &a[2];

		*flags = (*flags | MSG_DONTWAIT) & ~MSG_WAITALL;
	}
	ret = raw_syscall(nr, fd, a[0], a[1], a[2], a[3], a[4]);
	if ((nr == __NR_accept || nr == __NR_accept4) && ret >= 0)
		close((int)ret);
}

static long live_sockets(void)
{
	static char pools[4096];
	char *p;

	if (read_pools(pools, sizeof(pools)) < 0 || !(p = strstr(pools, "sockets ")))
		return -1;
	return strtol(p + 8, NULL, 10);
}

int main(int argc, char **argv)
{
	int calls = argc > 1 ? atoi(argv[1]) : 20000, fds[FUZZ_FDS], k;
	long before, after;

	if (argc > 2)
		rng += (unsigned long long)atoi(argv[2]) * 7919;
	signal(SIGPIPE, SIG_IGN);
	before = live_sockets();
	for (k = 0; k < FUZZ_FDS; k++)
		fds[k] = -1;
	for (int i = 0; i < calls; i++) {
		k = (int)(rnd() % FUZZ_FDS);
		if (rnd() % 8 == 0) {
			if (fds[k] >= 0)
				close(fds[k]);
			fds[k] = fuzz_socket();
		} else {
			fuzz_call(fds[k]);
		}
	}
	for (k = 0; k < FUZZ_FDS; k++) {
		if (fds[k] >= 0)
			close(fds[k]);
	}
	after = live_sockets();
	printf("sock_fuzz: %d calls, live sockets %ld before, %ld after\n", calls, before, after);
	CHECK(before >= 0 && after == before, "sockets leaked");
	printf("sock_fuzz: %s\n", failures ? "FAIL" : "PASS");
	return failures;
}
