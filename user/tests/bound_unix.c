/*
 * AF_UNIX SCM_RIGHTS at its bounds (run by test/qemu/test_bound_unix.py):
 *   chain N   N sockets each in flight inside the previous one, four
 *             descriptors open at a time, then all closed (by close, then
 *             by exit): released one after the other (no recursion on the
 *             kernel stack).
 *   cycles    sockets in flight inside themselves, each other, rings,
 *             through a listener's pending connection, with chains hanging
 *             off them: all closed, the kernel's sockets, heap and free
 *             pages come back to where they were; a cycle still reachable
 *             from a live socket is not collected.
 *   efault    recvmsg whose results cannot be written: no descriptor stays
 *             installed, nothing is lost that Linux would keep.
 *   cap       files in flight are capped (ETOOMANYREFS), and come back.
 *   fuzz S N  N random operations (seed S) on a pool of AF_UNIX sockets:
 *             pairs, listeners, connects, accepts, sends of random pool
 *             descriptors (the socket itself too), receives, closes; every
 *             message says how many files it carries, and the receiver
 *             checks they all came (the collector took nothing reachable);
 *             then all closed and the kernel back to its baseline.
 *   queue     a queue's bound counts what its messages cost the kernel: a
 *             flood of empty datagrams or one-byte writes stops (EAGAIN)
 *             with a bounded heap; a blocked datagram sender sleeps until
 *             its message fits (it does not spin in the kernel).
 * Prints "bound_unix: MODE PASS" and exits 0, or FAIL lines and exits 1.
 */
#include "sock_util.h"
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/un.h>

/* ---- helpers ---- */

/* sendmsg one byte with n descriptors: its result. */
static ssize_t send_fds(int sock, const int *fds, int n, char byte)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} c;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	memset(&c, 0, sizeof(c));
	if (n) {
		mh.msg_control = c.buf;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_DONTWAIT);
}

/* recvmsg one byte (non-blocking) into *byte: how many descriptors came
 * (into fds), or -1 with errno. */
static int recv_fds(int sock, int *fds, char *byte)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} c;
	struct iovec iov = { byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *cm;
	int n = 0;

	if (recvmsg(sock, &mh, MSG_DONTWAIT) != 1)
		return -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));

		memcpy(fds + n, CMSG_DATA(cm), k * sizeof(int));
		n += k;
	}
	return n;
}

static void pair(int type, int sv[2])
{
	if (socketpair(AF_UNIX, type, 0, sv) != 0) {
		printf("FAIL socketpair: %s\n", strerror(errno));
		exit(1);
	}
}

/* The lowest free descriptor (what the next open would get). */
static int lowest_free_fd(void)
{
	int fd = dup(0);

	close(fd);
	return fd;
}

/* The kernel's live sockets, heap bytes and free pages (/proc/net/sis_pools);
 * 0 on Linux. */
static long pages_free;

static void kernel_use(long *sockets, long *heap)
{
	char buf[2048], *p;
	int fd = open("/proc/net/sis_pools", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	*sockets = *heap = 0;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strstr(buf, "sockets ");
	if (p)
		*sockets = strtol(p + 8, NULL, 10);
	p = strstr(buf, "heap_bytes ");
	if (p)
		*heap = strtol(p + 11, NULL, 10);
	p = strstr(buf, "pages_free ");
	if (p)
		pages_free = strtol(p + 11, NULL, 10);
}

static long base_sockets, base_heap, base_pages;

static void baseline(void)
{
	kernel_use(&base_sockets, &base_heap);
	base_pages = pages_free;
}

static void check_back(const char *what)
{
	long sockets, heap;

	kernel_use(&sockets, &heap);
	printf("bound_unix: %s: sockets %ld -> %ld, heap %ld -> %ld bytes, free pages %ld -> %ld\n",
	       what, base_sockets, sockets, base_heap, heap, base_pages, pages_free);
	CHECK(sockets == base_sockets && heap == base_heap && pages_free == base_pages,
	      "%s: not back to the baseline", what);
}

/* ---- chain ---- */

/*
 * Socket k+1 in flight in socket k's queue, for k < n: built from the deep
 * end, so only the newest two pairs are open.
 */
static int build_chain(int n, int out[2])
{
	int cur[2], prev[2];

	pair(SOCK_STREAM, cur);
	for (int i = 1; i < n; i++) {
		pair(SOCK_STREAM, prev);
		/* Over prev[0]: into prev[1]'s queue, the one that goes on. */
		if (send_fds(prev[0], &cur[1], 1, 'c') != 1) {
			printf("FAIL chain: send at depth %d: %s\n", i, strerror(errno));
			return -1;
		}
		close(cur[0]);
		close(cur[1]);
		cur[0] = prev[0];
		cur[1] = prev[1];
	}
	out[0] = cur[0];
	out[1] = cur[1];
	return 0;
}

static void t_chain(int n)
{
	int head[2];

	baseline();
	if (build_chain(n, head))
		failures++;
	close(head[0]);
	close(head[1]); /* releases all n, one after the other */
	usleep(20000);  /* a context switch: the scheduler checks the stack's canary */
	check_back("chain");

	/* The same, left to exit to close. */
	pid_t pid = fork();
	int status = 0;

	if (pid == 0)
		_exit(build_chain(n, head) ? 1 : 0);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status),
	      "chain closed by exit");
	usleep(20000);
	check_back("chain closed by exit");
}

/* ---- cycles ---- */

/* One socket inside itself: b's own queue holds b. */
static void cycle_self(int type)
{
	int sv[2];

	pair(type, sv);
	CHECK(send_fds(sv[0], &sv[1], 1, 's') == 1, "self");
	close(sv[0]);
	close(sv[1]);
}

/* A ring of n: b_i's queue holds b_(i+1), the last holds the first. */
static void cycle_ring(int n)
{
	int sv[64][2];

	for (int i = 0; i < n; i++)
		pair(SOCK_STREAM, sv[i]);
	for (int i = 0; i < n; i++)
		CHECK(send_fds(sv[i][0], &sv[(i + 1) % n][1], 1, 'r') == 1, "ring %d", i);
	for (int i = 0; i < n; i++) {
		close(sv[i][0]);
		close(sv[i][1]);
	}
}

/* A listener inside the queue of its own not yet accepted connection. */
static void cycle_listener(void)
{
	static unsigned round;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 12;
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0);

	/* Abstract, one per round: Linux collects later, so its name stays a while. */
	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "bu%08x", round++);
	CHECK(bind(l, (struct sockaddr *)&a, len) == 0 && listen(l, 4) == 0, "listen");
	CHECK(connect(c, (struct sockaddr *)&a, len) == 0, "connect");
	CHECK(send_fds(c, &l, 1, 'l') == 1, "listener into its pending connection");
	close(l);
	close(c);
}

/* A pair inside each other, with a chain of 100 hanging off one of them. */
static void cycle_with_chain(void)
{
	int x[2], y[2], head[2];

	pair(SOCK_STREAM, x);
	pair(SOCK_STREAM, y);
	if (build_chain(100, head))
		failures++;
	CHECK(send_fds(x[0], &y[1], 1, 'x') == 1 && send_fds(y[0], &x[1], 1, 'y') == 1, "pair");
	CHECK(send_fds(x[0], &head[1], 1, 'h') == 1, "chain into the cycle");
	close(head[0]);
	close(head[1]);
	close(x[0]);
	close(x[1]);
	close(y[0]);
	close(y[1]);
}

/* A cycle a live socket still holds is not garbage: it comes back working. */
static void cycle_reachable(void)
{
	int h[2], sv[2], got[4], got2[4], n;
	char c = 0;

	pair(SOCK_STREAM, h);
	pair(SOCK_STREAM, sv);
	CHECK(send_fds(sv[0], &sv[1], 1, 's') == 1, "self");
	CHECK(send_fds(h[0], &sv[1], 1, 'h') == 1, "and into a live socket");
	close(sv[0]);
	close(sv[1]); /* a collection runs: it must keep sv[1] */
	n = recv_fds(h[1], got, &c);
	CHECK(n == 1 && c == 'h', "the held socket comes back (%d)", n);
	if (n == 1) {
		n = recv_fds(got[0], got2, &c); /* its own queue: itself */
		CHECK(n == 1 && c == 's', "its queue is intact (%d)", n);
		if (n == 1)
			close(got2[0]);
		close(got[0]);
	}
	close(h[0]);
	close(h[1]);
}

static void cycles_round(void)
{
	int x[2], y[2];

	cycle_self(SOCK_STREAM);
	cycle_self(SOCK_DGRAM);
	pair(SOCK_STREAM, x);
	pair(SOCK_DGRAM, y);
	CHECK(send_fds(x[0], &y[1], 1, 'x') == 1 && send_fds(y[0], &x[1], 1, 'y') == 1,
	      "two inside each other");
	close(x[0]);
	close(x[1]);
	close(y[0]);
	close(y[1]);
	cycle_ring(64);
	cycle_listener();
	cycle_with_chain();
	cycle_reachable();
}

static void t_cycles(int rounds)
{
	cycles_round(); /* warm-up: heap the kernel keeps once */
	baseline();
	for (int i = 0; i < rounds && !failures; i++)
		cycles_round();
	check_back("cycles");
}

/* ---- efault ---- */

static int ro_page_init(char **ro)
{
	*ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*ro == MAP_FAILED)
		return -1;
	memset(*ro, 0, 4096);
	return mprotect(*ro, 4096, PROT_READ);
}

/* A pipe's read end in flight in sv[1] with byte; *wr its write end. */
static void pipe_in_flight(int sv[2], char byte, int *wr)
{
	int pp[2];

	CHECK(pipe(pp) == 0, "pipe");
	CHECK(send_fds(sv[0], &pp[0], 1, byte) == 1, "send the read end");
	close(pp[0]);
	*wr = pp[1];
}

/* The only read end of wr is closed: writing fails with EPIPE. */
static bool reader_gone(int wr)
{
	errno = 0;
	return write(wr, "x", 1) < 0 && errno == EPIPE;
}

static void efault_control(int sv[2], char *ro)
{
	char c = 0;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ro,
			     .msg_controllen = CMSG_SPACE(sizeof(int)) };
	int wr, low = lowest_free_fd();
	ssize_t r;

	pipe_in_flight(sv, 'a', &wr);
	r = recvmsg(sv[1], &mh, MSG_DONTWAIT);
	/* Linux: the data is the result; the files are dropped, MSG_CTRUNC. */
	CHECK(r == 1 && c == 'a' && (mh.msg_flags & MSG_CTRUNC) && mh.msg_controllen == 0,
	      "unwritable control: %zd '%c' flags %#x", r, c, mh.msg_flags);
	CHECK(lowest_free_fd() == low, "no descriptor installed (%d, was %d)", lowest_free_fd(), low);
	CHECK(reader_gone(wr), "the file in flight was closed");
	close(wr);
}

static void efault_data(int sv[2], char *ro)
{
	char c = 0;
	struct iovec iov = { ro, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int wr, got[4], low = lowest_free_fd(), n;

	pipe_in_flight(sv, 'b', &wr);
	errno = 0;
	CHECK(recvmsg(sv[1], &mh, MSG_DONTWAIT) < 0 && errno == EFAULT, "unwritable data: EFAULT");
	CHECK(lowest_free_fd() == low, "no descriptor installed");
	n = recv_fds(sv[1], got, &c);
	CHECK(n == 1 && c == 'b', "the byte and its file are still there (%d '%c')", n, c);
	if (n == 1) {
		CHECK(write(wr, "z", 1) == 1 && read(got[0], &c, 1) == 1 && c == 'z', "the pipe works");
		close(got[0]);
	}
	close(wr);
}

static void efault_msghdr(int sv[2], char *ro)
{
	char c = 0, *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	struct iovec iov = { &c, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr *mh = (struct msghdr *)page;
	int wr, got[4], low = lowest_free_fd(), n;

	(void)ro;
	*mh = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			       .msg_controllen = sizeof(ctl.buf) };
	CHECK(mprotect(page, 4096, PROT_READ) == 0, "mprotect");
	pipe_in_flight(sv, 'd', &wr);
	errno = 0;
	CHECK(recvmsg(sv[1], mh, MSG_DONTWAIT) < 0 && errno == EFAULT, "read-only msghdr: EFAULT");
	CHECK(lowest_free_fd() == low, "no descriptor installed");
	n = recv_fds(sv[1], got, &c);
	CHECK(n == 1 && c == 'd', "nothing was taken (%d '%c')", n, c);
	if (n == 1)
		close(got[0]);
	close(wr);
	munmap(page, 4096);
}

static void t_efault(void)
{
	int sv[2];
	char *ro;

	signal(SIGPIPE, SIG_IGN);
	CHECK(ro_page_init(&ro) == 0, "read-only page");
	pair(SOCK_STREAM, sv);
	efault_control(sv, ro);
	efault_data(sv, ro);
	efault_msghdr(sv, ro);
	close(sv[0]);
	close(sv[1]);
	pair(SOCK_DGRAM, sv);
	efault_control(sv, ro);
	efault_data(sv, ro);
	close(sv[0]);
	close(sv[1]);
}

/* ---- cap ---- */

static void t_cap(void)
{
	int h[2], sv[2], i, sent = 0;
	ssize_t r = 0;

	baseline();
	pair(SOCK_DGRAM, h);
	for (i = 0; i < 6000; i++) {
		pair(SOCK_STREAM, sv);
		r = send_fds(h[0], sv, 2, 'p');
		close(sv[0]);
		close(sv[1]);
		if (r != 1)
			break;
		sent += 2;
	}
	CHECK(r < 0 && errno == ETOOMANYREFS, "in flight without end: stopped at %d files", sent);
	printf("bound_unix: %d files in flight at the cap\n", sent);
	close(h[0]);
	close(h[1]);
	check_back("cap");
	pair(SOCK_STREAM, h);
	CHECK(send_fds(h[0], h, 2, 'q') == 1, "room again after they went");
	close(h[0]);
	close(h[1]);
}

/* ---- fuzz ---- */

#define POOL_MAX 40

static unsigned long fuzz_state;
static int pool[POOL_MAX], pool_n;
static unsigned fuzz_names;
static unsigned long fuzz_files_sent, fuzz_files_got;

static unsigned fuzz_rand(unsigned n)
{
	fuzz_state = fuzz_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(fuzz_state >> 33) % n;
}

static void pool_add(int fd)
{
	if (pool_n < POOL_MAX)
		pool[pool_n++] = fd;
	else
		close(fd);
}

static int pool_pick(void)
{
	return pool[fuzz_rand(pool_n)];
}

static void fuzz_new(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, fuzz_rand(2) ? SOCK_STREAM : SOCK_DGRAM, 0, sv) == 0) {
		pool_add(sv[0]);
		pool_add(sv[1]);
	}
}

static void fuzz_listen_connect(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 12;
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "fz%08x", fuzz_names++);
	if (bind(l, (struct sockaddr *)&a, len) == 0 && listen(l, 2) == 0)
		connect(c, (struct sockaddr *)&a, len);
	pool_add(l);
	pool_add(c);
}

static void fuzz_send(void)
{
	int fds[3], k = (int)fuzz_rand(4), s = pool_pick();
	ssize_t r;

	for (int i = 0; i < k; i++)
		fds[i] = pool_pick();
	r = send_fds(s, fds, k, (char)('0' + k));
	if (r == 1)
		fuzz_files_sent += (unsigned long)k;
	CHECK(r == 1 || errno == EAGAIN || errno == ETOOMANYREFS || errno == EPIPE ||
		      errno == ENOTCONN || errno == ECONNREFUSED || errno == EINVAL ||
		      errno == EOPNOTSUPP || errno == ECONNRESET,
	      "send: unexpected error");
}

static void fuzz_recv(void)
{
	int got[8], n;
	char c = 0;

	n = recv_fds(pool_pick(), got, &c);
	if (n < 0)
		return;
	CHECK(c >= '0' && c <= '3' && n == c - '0', "a message of %c files came with %d", c, n);
	fuzz_files_got += (unsigned long)n;
	for (int i = 0; i < n; i++) {
		struct stat st;

		CHECK(fstat(got[i], &st) == 0 && S_ISSOCK(st.st_mode), "a passed socket works");
		pool_add(got[i]);
	}
}

static void fuzz_accept(void)
{
	int fd = accept4(pool_pick(), NULL, NULL, SOCK_NONBLOCK);

	if (fd >= 0)
		pool_add(fd);
}

static void fuzz_close(void)
{
	unsigned i = fuzz_rand(pool_n);

	close(pool[i]);
	pool[i] = pool[--pool_n];
}

static void fuzz_run(unsigned long seed, int ops)
{
	fuzz_state = seed;
	for (int i = 0; i < ops && !failures; i++) {
		unsigned op = fuzz_rand(16);

		if (pool_n < 4 || op == 0)
			fuzz_new();
		else if (op == 1)
			fuzz_listen_connect();
		else if (op == 2)
			fuzz_accept();
		else if (op < 8)
			fuzz_send();
		else if (op < 12)
			fuzz_recv();
		else if (pool_n > 8)
			fuzz_close();
	}
	while (pool_n)
		close(pool[--pool_n]);
}

static void t_fuzz(unsigned long seed, int ops)
{
	signal(SIGPIPE, SIG_IGN);
	fuzz_run(seed, 200); /* warm-up */
	baseline();
	fuzz_run(seed + 1, ops);
	printf("bound_unix: fuzz: %lu files sent, %lu received\n", fuzz_files_sent, fuzz_files_got);
	check_back("fuzz");
}

/* ---- queue ---- */

#define QUEUE_HEAP_MAX (4 * 212992) /* the default SO_RCVBUF, heap rounding and slack */

/* Non-blocking sends of len bytes until EAGAIN: the heap they hold. */
static void flood(int type, size_t len, const char *what)
{
	long s0, h0, s1, h1;
	int sv[2], i, err = 0;
	ssize_t r = 0;

	pair(type, sv);
	kernel_use(&s0, &h0);
	for (i = 0; i < 300000; i++) {
		r = send(sv[0], "x", len, MSG_DONTWAIT);
		err = errno;
		if (r != (ssize_t)len)
			break;
	}
	kernel_use(&s1, &h1);
	printf("bound_unix: %s: %d sends, heap +%ld bytes\n", what, i, h1 - h0);
	CHECK(r < 0 && err == EAGAIN, "%s: no EAGAIN after %d sends", what, i);
	CHECK(h1 - h0 <= QUEUE_HEAP_MAX, "%s: the queue holds %ld bytes of heap", what, h1 - h0);
	close(sv[0]);
	close(sv[1]);
}

/* Two 100000-byte datagrams fill the queue but leave room by the reader's
 * measure; a third must sleep until the reader takes one. */
static void blocked_dgram(void)
{
	static char big[100000];
	int sv[2], status;
	pid_t pid;

	pair(SOCK_DGRAM, sv);
	CHECK(send(sv[0], big, sizeof(big), 0) == sizeof(big) &&
	      send(sv[0], big, sizeof(big), 0) == sizeof(big), "two fit");
	pid = fork();
	if (pid == 0) {
		usleep(200000);
		_exit(recv(sv[1], big, sizeof(big), 0) == sizeof(big) ? 0 : 1);
	}
	CHECK(send(sv[0], big, sizeof(big), 0) == sizeof(big), "the third, after the reader");
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status),
	      "reader");
	close(sv[0]);
	close(sv[1]);
}

static void t_queue(void)
{
	flood(SOCK_DGRAM, 0, "empty datagrams");
	flood(SOCK_STREAM, 1, "one-byte writes");
	blocked_dgram();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int n = argc > 2 ? atoi(argv[2]) : 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "chain"))
		t_chain(n ? n : 2000);
	else if (!strcmp(mode, "cycles"))
		t_cycles(n ? n : 20);
	else if (!strcmp(mode, "efault"))
		t_efault();
	else if (!strcmp(mode, "cap"))
		t_cap();
	else if (!strcmp(mode, "queue"))
		t_queue();
	else if (!strcmp(mode, "fuzz"))
		t_fuzz(n ? (unsigned long)n : 1, argc > 3 ? atoi(argv[3]) : 20000);
	else {
		printf("usage: bound_unix chain [N] | cycles [ROUNDS] | efault | cap | queue | fuzz SEED OPS\n");
		return 2;
	}
	printf("bound_unix: %s %s\n", mode, failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
