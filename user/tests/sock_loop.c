/*
 * sock_loop: socket behaviour between processes of one machine (loopback,
 * the machine's own address, AF_UNIX). Each subtest prints "PASS name" or
 * FAIL lines; the exit status is 1 on any failure.
 *
 * Usage: sock_loop [SUBTEST...]   (none = all)
 * Subtests: tcp udp nbconnect backlog rst halfclose flags sndbuf rcvbuf unix
 *           timeout eintr restart scm_rights exitclose inherit reuseaddr
 * Also builds on Linux, where every expectation here holds as well.
 */
#include "sock_util.h"
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/un.h>

#define BULK (4 << 20)

/* A TCP listener on addr:0 (an ephemeral port); *port gets the port. */
static int listen_on(const char *addr, int backlog, int *port)
{
	struct sockaddr_in a = sin_make(addr, 0);
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	CHECK(fd >= 0, "socket");
	CHECK(bind(fd, SA(&a), sizeof(a)) == 0, "bind %s", addr);
	CHECK(listen(fd, backlog) == 0, "listen");
	CHECK(getsockname(fd, SA(&a), &len) == 0, "getsockname");
	*port = ntohs(a.sin_port);
	return fd;
}

static int connect_to(const char *addr, int port, int flags)
{
	struct sockaddr_in a = sin_make(addr, port);
	int fd = socket(AF_INET, SOCK_STREAM | flags, 0);

	CHECK(fd >= 0, "socket");
	if (connect(fd, SA(&a), sizeof(a)) < 0 && errno != EINPROGRESS) {
		CHECK(0, "connect %s:%d", addr, port);
		close(fd);
		return -1;
	}
	return fd;
}

/* fork() for a checking child: it exits 1 if any of its checks failed. */
static pid_t fork_child(void)
{
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0)
		failures = 0;
	return pid;
}

/* Wait for child pid; it must exit 0. */
static void reap(pid_t pid)
{
	int st = 0;

	CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

/* This machine's address on its first network (10.0.2.15 under QEMU). */
static const char *own_address(void)
{
	static char buf[INET_ADDRSTRLEN];
	struct sockaddr_in a = sin_make("10.0.2.2", 9);
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || connect(fd, SA(&a), sizeof(a)) < 0 || getsockname(fd, SA(&a), &len) < 0 ||
	    a.sin_addr.s_addr == 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	return inet_ntop(AF_INET, &a.sin_addr, buf, sizeof(buf));
}

/* ---- tcp: 4 MiB each way between two processes, CRCs compared ---- */

static uint32_t send_pattern(int fd, size_t total)
{
	static unsigned char buf[65536];
	uint32_t crc = 0;
	size_t off = 0, n;

	while (off < total) {
		n = total - off < sizeof(buf) ? total - off : sizeof(buf);
		pattern_fill(buf, n, off);
		crc = crc32_update(crc, buf, n);
		if (write_all(fd, buf, n) < 0) {
			CHECK(0, "write at %zu", off);
			break;
		}
		off += n;
	}
	return crc;
}

static uint32_t recv_all_crc(int fd, size_t *total)
{
	static unsigned char buf[50000]; /* odd size: reads straddle segments */
	uint32_t crc = 0;
	ssize_t r;

	*total = 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		crc = crc32_update(crc, buf, (size_t)r);
		*total += (size_t)r;
	}
	CHECK(r == 0, "read ended with an error");
	return crc;
}

static void tcp_pair(const char *addr)
{
	int port, lfd = listen_on(addr, 4, &port), fd;
	uint32_t crc, want;
	size_t total;
	pid_t pid;

	pid = fork_child();
	if (pid == 0) {
		/* Child: echo back a checksum of everything, then send BULK bytes. */
		fd = accept(lfd, NULL, NULL);
		close(lfd);
		crc = recv_all_crc(fd, &total);
		CHECK(total == BULK, "server got %zu bytes", total);
		CHECK(write_all(fd, &crc, sizeof(crc)) == 0, "send crc");
		send_pattern(fd, BULK);
		close(fd);
		exit(failures ? 1 : 0);
	}
	close(lfd);
	fd = connect_to(addr, port, 0);
	want = send_pattern(fd, BULK);
	CHECK(shutdown(fd, SHUT_WR) == 0, "shutdown");
	CHECK(read_full(fd, &crc, sizeof(crc)) == sizeof(crc) && crc == want,
	      "server's crc %08x, sent %08x", crc, want);
	want = recv_all_crc(fd, &total);
	crc = 0;
	for (size_t off = 0; off < BULK; off += 4096) {
		unsigned char b[4096];

		pattern_fill(b, sizeof(b), off);
		crc = crc32_update(crc, b, sizeof(b));
	}
	CHECK(total == BULK && want == crc, "got %zu bytes crc %08x want %08x", total, want, crc);
	close(fd);
	reap(pid);
}

static void t_tcp(void)
{
	const char *own = own_address();

	tcp_pair("127.0.0.1");
	if (own)
		tcp_pair(own);
	else
		printf("tcp: no network address, own-address part skipped\n");
}

/* ---- udp: datagrams keep their boundaries, sources and sizes ---- */

static void t_udp(void)
{
	struct sockaddr_in srv = sin_make("127.0.0.1", 0), from;
	socklen_t len = sizeof(srv);
	int s = socket(AF_INET, SOCK_DGRAM, 0), c = socket(AF_INET, SOCK_DGRAM, 0);
	static char buf[9000], got[9000];
	pid_t pid;
	ssize_t r;

	CHECK(bind(s, SA(&srv), sizeof(srv)) == 0, "bind");
	CHECK(getsockname(s, SA(&srv), &len) == 0, "getsockname");
	pid = fork_child();
	if (pid == 0) {
		/* Child: echo 50 datagrams back to their sender. */
		for (int i = 0; i < 50; i++) {
			len = sizeof(from);
			r = recvfrom(s, got, sizeof(got), 0, SA(&from), &len);
			CHECK(r >= 0, "child recvfrom");
			if (r >= 0)
				CHECK(sendto(s, got, (size_t)r, 0, SA(&from), len) == r, "echo");
		}
		exit(failures ? 1 : 0);
	}
	for (int i = 0; i < 50; i++) {
		size_t n = (size_t)(i * 181) % sizeof(buf);

		pattern_fill((unsigned char *)buf, n, (uint64_t)i);
		CHECK(sendto(c, buf, n, 0, SA(&srv), sizeof(srv)) == (ssize_t)n, "sendto %zu", n);
		len = sizeof(from);
		/* Peek first: the datagram must stay for the real read. */
		r = recvfrom(c, got, sizeof(got), MSG_PEEK, SA(&from), &len);
		CHECK(r == (ssize_t)n, "peek %zd want %zu", r, n);
		r = recvfrom(c, got, sizeof(got), 0, SA(&from), &len);
		CHECK(r == (ssize_t)n && !memcmp(buf, got, n), "echo %zd want %zu", r, n);
		CHECK(from.sin_port == srv.sin_port && from.sin_addr.s_addr == srv.sin_addr.s_addr,
		      "source address");
	}
	reap(pid);
	/* MSG_TRUNC: a short buffer gets the head; the real length is reported. */
	CHECK(sendto(c, buf, 1000, 0, SA(&srv), sizeof(srv)) == 1000, "sendto");
	r = recv(s, got, 10, MSG_TRUNC);
	CHECK(r == 1000, "MSG_TRUNC returned %zd", r);
	CHECK(sendto(c, "", 0, 0, SA(&srv), sizeof(srv)) == 0, "empty datagram");
	CHECK(recv(s, got, sizeof(got), 0) == 0, "empty datagram received");
	close(s);
	close(c);
}

/* ---- nbconnect: EINPROGRESS, poll, SO_ERROR; refused the same way ---- */

static int poll_one(int fd, short events, int ms)
{
	struct pollfd p = { fd, events, 0 };

	return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

static void t_nbconnect(void)
{
	int port, lfd = listen_on("127.0.0.1", 4, &port), fd, err, rev;
	socklen_t len = sizeof(err);
	struct sockaddr_in a = sin_make("127.0.0.1", port);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	err = connect(fd, SA(&a), sizeof(a));
	CHECK(err == 0 || errno == EINPROGRESS, "connect");
	rev = poll_one(fd, POLLOUT, 5000);
	CHECK(rev & POLLOUT, "POLLOUT after connect: %#x", rev);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0, "SO_ERROR %d", err);
	CHECK(write(fd, "ping", 4) == 4, "write after connect");
	close(fd);

	close(lfd); /* nobody listens there any more */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	err = connect(fd, SA(&a), sizeof(a));
	if (err < 0 && errno == EINPROGRESS) {
		rev = poll_one(fd, POLLOUT, 5000);
		CHECK(rev & (POLLOUT | POLLERR), "poll after refused: %#x", rev);
		len = sizeof(err);
		CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == ECONNREFUSED,
		      "SO_ERROR %d, want ECONNREFUSED", err);
	} else {
		CHECK(err < 0 && errno == ECONNREFUSED, "connect to a closed port");
	}
	close(fd);
}

/* ---- backlog: listen(2) lets 3 connections wait, the rest stall ---- */

static int count_connected(int *fds, int n, int ms)
{
	long end = now_ms() + ms;
	int done = 0, err;

	for (int i = 0; i < n; i++) {
		socklen_t len = sizeof(err);
		long left = end - now_ms();

		if (fds[i] < 0)
			continue;
		if (!(poll_one(fds[i], POLLOUT, left > 0 ? (int)left : 0) & POLLOUT))
			continue;
		getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &len);
		if (err == 0)
			done++;
	}
	return done;
}

static void t_backlog(void)
{
	int port, lfd = listen_on("127.0.0.1", 2, &port), fds[6], n, afd, queued;
	char c;

	for (int i = 0; i < 6; i++)
		fds[i] = connect_to("127.0.0.1", port, SOCK_NONBLOCK);
	/* Three complete at once (backlog + 1); no fourth may follow. */
	n = 0;
	for (long end = now_ms() + 5000; now_ms() < end && n < 3; usleep(20 * 1000))
		n = count_connected(fds, 6, 0);
	usleep(300 * 1000);
	n = count_connected(fds, 6, 0);
	CHECK(n == 3, "%d connections completed with backlog 2, want 3", n);
	/* Taking one frees a slot: a stalled client gets in on its SYN retry. */
	afd = accept(lfd, NULL, NULL);
	CHECK(afd >= 0, "accept");
	n = 0;
	for (long end = now_ms() + 15000; now_ms() < end && n < 4; usleep(200 * 1000))
		n = count_connected(fds, 6, 0);
	CHECK(n >= 4, "%d connections after one accept, want 4 or more", n);
	/* Closing the listener resets the queued, unaccepted ones: at least the
	 * backlog + 1 it held, at most every connected client but the accepted
	 * one. (The retried SYNs that found room came at once; handshakes in
	 * progress do not count against the backlog. Linux holds those that
	 * complete on a full queue as acknowledged requests and drops them
	 * without a RST here, resetting 3; SIS queues them and resets all.) */
	n = count_connected(fds, 6, 0);
	queued = n - 1;
	close(lfd);
	n = 0;
	for (int i = 0; i < 6; i++) {
		if (poll_one(fds[i], POLLIN, 2000) & (POLLIN | POLLHUP | POLLERR)) {
			errno = 0;
			if (read(fds[i], &c, 1) < 0 && errno == ECONNRESET)
				n++;
		}
	}
	CHECK(n >= 3 && n <= queued, "%d queued connections were reset, want 3 to %d", n, queued);
	close(afd);
	for (int i = 0; i < 6; i++)
		close(fds[i]);
}

/* ---- rst: a reset peer gives ECONNRESET, then EPIPE (SIGPIPE unless NOSIGNAL) ---- */

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void t_rst(void)
{
	int port, lfd = listen_on("127.0.0.1", 4, &port), fd, afd;
	struct linger lg = { 1, 0 };
	struct sigaction sa;
	char c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, NULL);
	fd = connect_to("127.0.0.1", port, 0);
	afd = accept(lfd, NULL, NULL);
	CHECK(setsockopt(afd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0, "SO_LINGER");
	close(afd); /* linger 0: abortive close, a RST */
	errno = 0;
	CHECK(read(fd, &c, 1) < 0 && errno == ECONNRESET, "read after RST");
	errno = 0;
	CHECK(send(fd, "x", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE, "send after RST");
	CHECK(sigpipes == 0, "SIGPIPE with MSG_NOSIGNAL");
	errno = 0;
	CHECK(write(fd, "x", 1) < 0 && errno == EPIPE, "write after RST");
	CHECK(sigpipes == 1, "SIGPIPE count %d, want 1", (int)sigpipes);
	close(fd);

	/* Unread data at close is a reset too (Linux and RFC 2525). */
	fd = connect_to("127.0.0.1", port, 0);
	afd = accept(lfd, NULL, NULL);
	CHECK(write(fd, "unread", 6) == 6, "write");
	CHECK(poll_one(afd, POLLIN, 5000) & POLLIN, "the data arrived");
	close(afd);
	errno = 0;
	CHECK(read(fd, &c, 1) < 0 && errno == ECONNRESET, "read after close with unread data");
	close(fd);
	close(lfd);
	signal(SIGPIPE, SIG_IGN);
}

/* ---- halfclose: EOF one way, data still flows the other ---- */

static void t_halfclose(void)
{
	int port, lfd = listen_on("127.0.0.1", 4, &port), fd, afd, rev;
	char buf[64];
	ssize_t r;

	fd = connect_to("127.0.0.1", port, 0);
	afd = accept(lfd, NULL, NULL);
	CHECK(write(fd, "question", 8) == 8, "write");
	CHECK(shutdown(fd, SHUT_WR) == 0, "shutdown");
	r = read_full(afd, buf, sizeof(buf));
	CHECK(r == 8 && !memcmp(buf, "question", 8), "server read %zd", r);
	rev = poll_one(afd, POLLIN, 0);
	CHECK(rev & POLLIN, "POLLIN at EOF: %#x", rev);
	CHECK(write(afd, "answer", 6) == 6, "server writes after the client's FIN");
	errno = 0;
	CHECK(send(fd, "more", 4, MSG_NOSIGNAL) < 0 && errno == EPIPE, "write after SHUT_WR");
	CHECK(close(afd) == 0, "close");
	r = read_full(fd, buf, sizeof(buf));
	CHECK(r == 6 && !memcmp(buf, "answer", 6), "client read %zd", r);
	close(fd);
	close(lfd);
}

/* ---- flags: MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, FIONREAD on TCP ---- */

static void t_flags(void)
{
	int port, lfd = listen_on("127.0.0.1", 4, &port), fd, afd, n = -1;
	char buf[64];
	pid_t pid;

	fd = connect_to("127.0.0.1", port, 0);
	afd = accept(lfd, NULL, NULL);
	errno = 0;
	CHECK(recv(afd, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN, "MSG_DONTWAIT");
	CHECK(write(fd, "peekaboo", 8) == 8, "write");
	CHECK(poll_one(afd, POLLIN, 5000) & POLLIN, "the data arrived");
	CHECK(ioctl(afd, FIONREAD, &n) == 0 && n == 8, "FIONREAD %d", n);
	CHECK(recv(afd, buf, 4, MSG_PEEK) == 4 && !memcmp(buf, "peek", 4), "MSG_PEEK");
	CHECK(recv(afd, buf, 8, 0) == 8 && !memcmp(buf, "peekaboo", 8), "read after peek");
	pid = fork_child();
	if (pid == 0) {
		/* Two halves, 200 ms apart: MSG_WAITALL must wait for both. */
		CHECK(write(fd, "first-", 6) == 6, "write 1");
		usleep(200 * 1000);
		CHECK(write(fd, "second", 6) == 6, "write 2");
		exit(failures ? 1 : 0);
	}
	CHECK(recv(afd, buf, 12, MSG_WAITALL) == 12 && !memcmp(buf, "first-second", 12),
	      "MSG_WAITALL");
	reap(pid);
	close(fd);
	CHECK(recv(afd, buf, 12, MSG_WAITALL) == 0, "MSG_WAITALL at EOF");
	close(afd);
	close(lfd);
}

/* ---- sndbuf: SO_SNDBUF bounds what a writer may queue ---- */

/* Non-blocking writes into a connection whose reader does not read, until
 * the writes stay refused for 300 ms: how much the sender took in all. */
static size_t fill(int fd)
{
	static char chunk[4096];
	size_t total = 0;
	int idle = 0;

	while (idle < 3) {
		ssize_t w = send(fd, chunk, sizeof(chunk), MSG_DONTWAIT);

		if (w > 0) {
			total += (size_t)w;
			idle = 0;
			continue;
		}
		CHECK(errno == EAGAIN, "send into a full connection: errno %d", errno);
		if (errno != EAGAIN)
			break;
		CHECK(!(poll_one(fd, POLLOUT, 0) & POLLOUT), "POLLOUT while send says EAGAIN");
		usleep(100 * 1000);
		idle++;
	}
	return total;
}

/*
 * A loopback connection whose connecting end (*cfd) has SOL_SOCKET option
 * opt set to req before connect() (0: left at its default); *reported gets
 * what getsockopt then says. *afd is the accepted end. Returns the listener.
 */
static int pair_with(int opt, int req, int *reported, int *cfd, int *afd)
{
	int port, lfd = listen_on("127.0.0.1", 4, &port);
	struct sockaddr_in a = sin_make("127.0.0.1", port);
	socklen_t len = sizeof(*reported);

	*cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (req)
		CHECK(setsockopt(*cfd, SOL_SOCKET, opt, &req, sizeof(req)) == 0, "setsockopt %d", opt);
	CHECK(connect(*cfd, SA(&a), sizeof(a)) == 0, "connect");
	*afd = accept(lfd, NULL, NULL);
	CHECK(getsockopt(*cfd, SOL_SOCKET, opt, reported, &len) == 0, "getsockopt %d", opt);
	return lfd;
}

/* Bytes the sender took with SO_SNDBUF = req (0: the default). */
static size_t queued_with(int req, int *reported)
{
	int fd, afd, lfd = pair_with(SO_SNDBUF, req, reported, &fd, &afd);
	size_t total;
	static char buf[65536];

	total = fill(fd);
	/* The reader drains (all of it, if need be): room comes back and poll
	 * says so. */
	CHECK(recv(afd, buf, sizeof(buf), 0) > 0, "reader");
	for (int i = 0; i < 500 && !(poll_one(fd, POLLOUT, 10) & POLLOUT); i++) {
		while (recv(afd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		CHECK(errno == EAGAIN, "drain: errno %d", errno);
	}
	CHECK(poll_one(fd, POLLOUT, 0) & POLLOUT, "POLLOUT once the reader drained");
	close(fd);
	close(afd);
	close(lfd);
	return total;
}

static void t_sndbuf(void)
{
	int dflt, small;
	size_t big = queued_with(0, &dflt), little = queued_with(16384, &small);

	printf("sndbuf: %zu bytes queued by default (SO_SNDBUF %d), %zu with 16384\n", big, dflt,
	       little);
	CHECK(small == 32768, "SO_SNDBUF 16384 reads back as %d, want 32768 (doubled)", small);
	CHECK(dflt > small, "default SO_SNDBUF %d not above the set one", dflt);
	/* Both also fill the reader's receive window; the difference is ours. */
	CHECK(big >= little + 64 * 1024, "queued %zu bytes by default, %zu with 16 KiB", big, little);
	CHECK(little > 16384, "queued only %zu bytes with 16 KiB (window included)", little);
}

/* ---- rcvbuf: SO_RCVBUF bounds the receive window ---- */

/* Bytes a writer gets in before the reader reads, the reader having set
 * SO_RCVBUF = req (0: the default) before connect(), so its SYN says it. */
static size_t received_with(int req, int *reported)
{
	int afd, fd, lfd = pair_with(SO_RCVBUF, req, reported, &afd, &fd); /* reader connects */
	size_t total;
	static char buf[65536];

	total = fill(fd);
	for (size_t got = 0; got < total;) {
		ssize_t r = recv(afd, buf, sizeof(buf), 0);

		CHECK(r > 0, "reader");
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	close(afd);
	close(lfd);
	return total;
}

static void t_rcvbuf(void)
{
	int dflt, small;
	size_t big = received_with(0, &dflt), little = received_with(8192, &small);

	printf("rcvbuf: %zu bytes in flight by default (SO_RCVBUF %d), %zu with 8192\n", big, dflt,
	       little);
	CHECK(small == 16384, "SO_RCVBUF 8192 reads back as %d (doubled)", small);
	CHECK(big >= little + 64 * 1024, "%zu bytes by default, %zu with 8 KiB", big, little);
}

/* ---- unix: pairs and names ---- */

static void t_unix(void)
{
	int sv[2], lfd, fd, afd;
	struct sockaddr_un un;
	uint32_t crc, want;
	size_t total;
	char buf[100];
	pid_t pid;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	pid = fork_child();
	if (pid == 0) {
		close(sv[0]);
		send_pattern(sv[1], 1 << 20);
		exit(failures ? 1 : 0);
	}
	close(sv[1]);
	crc = recv_all_crc(sv[0], &total);
	CHECK(total == 1 << 20, "stream pair got %zu", total);
	reap(pid);
	close(sv[0]);

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "dgram pair");
	CHECK(send(sv[0], "one", 3, 0) == 3 && send(sv[0], "two!", 4, 0) == 4, "send");
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 3 && recv(sv[1], buf, sizeof(buf), 0) == 4,
	      "dgram boundaries");
	close(sv[0]);
	close(sv[1]);

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	strcpy(un.sun_path + 1, "sis-sock-loop");
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(lfd, SA(&un), sizeof(un)) == 0, "bind abstract");
	CHECK(listen(lfd, 4) == 0, "listen");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(fd, SA(&un), sizeof(un)) == 0, "connect abstract");
	afd = accept(lfd, NULL, NULL);
	CHECK(afd >= 0, "accept");
	want = crc32_update(0, "hello unix", 10);
	CHECK(write(fd, "hello unix", 10) == 10, "write");
	CHECK(read_full(afd, buf, 10) == 10 && crc32_update(0, buf, 10) == want, "read");
	close(fd);
	CHECK(read(afd, buf, 1) == 0, "EOF after the client closed");
	close(afd);
	close(lfd);
	(void)crc;
}

/* ---- unixpath: AF_UNIX sockets named by a path ---- */

static struct sockaddr_un un_path(const char *path)
{
	struct sockaddr_un un;

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	strcpy(un.sun_path, path);
	return un;
}

static void t_unixpath(void)
{
	struct sockaddr_un un = un_path("/tmp/sis-loop.sock"), dn = un_path("/tmp/sis-loop.dgram");
	struct sockaddr_un none = un_path("/tmp/sis-loop-nobody.sock"), got;
	socklen_t len = sizeof(got);
	int lfd, fd, afd, other, d1, d2;
	char buf[32];

	unlink(un.sun_path); /* Linux leaves the socket file behind; SIS keeps none */
	unlink(dn.sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(lfd, SA(&un), sizeof(un)) == 0, "bind %s", un.sun_path);
	CHECK(listen(lfd, 4) == 0, "listen");
	other = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	CHECK(bind(other, SA(&un), sizeof(un)) < 0 && errno == EADDRINUSE, "a second bind");
	close(other);
	CHECK(getsockname(lfd, SA(&got), &len) == 0 && !strcmp(got.sun_path, un.sun_path),
	      "getsockname names the path");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	CHECK(connect(fd, SA(&none), sizeof(none)) < 0 && errno == ENOENT, "connect to no socket");
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(fd, SA(&un), sizeof(un)) == 0, "connect by path");
	afd = accept(lfd, NULL, NULL);
	CHECK(afd >= 0, "accept");
	len = sizeof(got);
	CHECK(getpeername(fd, SA(&got), &len) == 0 && !strcmp(got.sun_path, un.sun_path),
	      "getpeername names the path");
	CHECK(write(fd, "by path", 7) == 7 && read_full(afd, buf, 7) == 7 &&
	      !memcmp(buf, "by path", 7), "data one way");
	CHECK(write(afd, "back", 4) == 4 && read_full(fd, buf, 4) == 4 && !memcmp(buf, "back", 4),
	      "data the other way");
	other = socket(AF_UNIX, SOCK_DGRAM, 0);
	errno = 0;
	CHECK(connect(other, SA(&un), sizeof(un)) < 0 && errno == EPROTOTYPE,
	      "a datagram socket connecting to a stream one");
	close(other);
	close(fd);
	close(afd);
	close(lfd);

	d1 = socket(AF_UNIX, SOCK_DGRAM, 0);
	d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(d1, SA(&dn), sizeof(dn)) == 0, "bind %s", dn.sun_path);
	CHECK(sendto(d2, "datagram", 8, 0, SA(&dn), sizeof(dn)) == 8, "sendto by path");
	CHECK(recv(d1, buf, sizeof(buf), 0) == 8 && !memcmp(buf, "datagram", 8), "recv");
	close(d1);
	close(d2);
	unlink(un.sun_path);
	unlink(dn.sun_path);
}

/* ---- timeout: SO_RCVTIMEO / SO_SNDTIMEO bound blocking calls ---- */

static void t_timeout(void)
{
	int port, lfd = listen_on("127.0.0.1", 4, &port), fd, afd;
	struct timeval tv = { 0, 200 * 1000 };
	static char buf[65536];
	long t0, sent = 0;
	ssize_t r;

	fd = connect_to("127.0.0.1", port, 0);
	afd = accept(lfd, NULL, NULL);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, "SO_RCVTIMEO");
	t0 = now_ms();
	errno = 0;
	CHECK(read(fd, buf, 1) < 0 && errno == EAGAIN, "read timed out");
	CHECK(now_ms() - t0 >= 180 && now_ms() - t0 < 2000, "after %ld ms", now_ms() - t0);
	/* Nobody reads afd: writes fill every buffer, then time out. */
	CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0, "SO_SNDTIMEO");
	t0 = now_ms();
	while ((r = write(fd, buf, sizeof(buf))) > 0 && now_ms() - t0 < 20000)
		sent += r;
	CHECK(r < 0 && errno == EAGAIN, "write timed out after %ld bytes", sent);
	CHECK(sent > 0, "some data went first");
	close(fd);
	close(afd);
	close(lfd);
}

/* ---- eintr: a signal interrupts a blocking call ---- */

static void on_alarm(int sig)
{
	(void)sig;
}

/* A child that sends SIGUSR1 to us every 100 ms until stop_signaller(): the
 * first signal that finds us blocked interrupts the call, however late we
 * got there. */
static pid_t signaller(void)
{
	pid_t me = getpid(), pid = fork_child();

	if (pid == 0) {
		for (;;) {
			usleep(100 * 1000);
			kill(me, SIGUSR1);
		}
	}
	return pid;
}

static void stop_signaller(pid_t pid)
{
	int st = 0;

	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st), "signaller status %#x", st);
}

static void t_eintr(void)
{
	int port, lfd = listen_on("127.0.0.1", 4, &port);
	struct sigaction sa;
	pid_t pid;
	char c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	pid = signaller();
	errno = 0;
	CHECK(accept(lfd, NULL, NULL) < 0 && errno == EINTR, "accept interrupted");
	stop_signaller(pid);
	int fd = connect_to("127.0.0.1", port, 0), afd = accept(lfd, NULL, NULL);

	pid = signaller();
	errno = 0;
	CHECK(read(afd, &c, 1) < 0 && errno == EINTR, "read interrupted");
	stop_signaller(pid);
	close(fd);
	close(afd);
	close(lfd);
}

/* ---- restart: SA_RESTART resumes blocked calls after the handler ---- */

static volatile sig_atomic_t restart_handled;

static void on_restart_sig(int sig)
{
	(void)sig;
	restart_handled++;
}

/* A child that signals us at 200 ms, then at 400 ms writes one byte to wfd. */
static pid_t signal_then_write(int wfd)
{
	pid_t me = getpid(), pid = fork_child();

	if (pid == 0) {
		usleep(200 * 1000);
		kill(me, SIGUSR1);
		usleep(200 * 1000);
		CHECK(write(wfd, "r", 1) == 1, "child write");
		exit(failures ? 1 : 0);
	}
	return pid;
}

static void t_restart(void)
{
	int port, lfd = listen_on("127.0.0.1", 4, &port), fd, afd, pfd[2], status;
	struct sigaction sa;
	struct timeval tv = { 5, 0 };
	pid_t pid;
	char c = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_restart_sig;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);

	/* A socket read: the handler runs, the read goes on and gets the byte. */
	fd = connect_to("127.0.0.1", port, 0);
	afd = accept(lfd, NULL, NULL);
	restart_handled = 0;
	pid = signal_then_write(fd);
	CHECK(read(afd, &c, 1) == 1 && c == 'r', "socket read restarted after the handler");
	CHECK(restart_handled == 1, "the handler ran once: %d", (int)restart_handled);
	reap(pid);

	/* A pipe read, and wait4 for the child (which exits after its write). */
	CHECK(pipe(pfd) == 0, "pipe");
	restart_handled = 0;
	pid = signal_then_write(pfd[1]);
	CHECK(read(pfd[0], &c, 1) == 1 && c == 'r', "pipe read restarted after the handler");
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status), "waitpid");
	CHECK(restart_handled == 1, "pipe: the handler ran once: %d", (int)restart_handled);
	close(pfd[0]);
	close(pfd[1]);

	/* With SO_RCVTIMEO set, Linux says EINTR even with SA_RESTART. */
	CHECK(setsockopt(afd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, "SO_RCVTIMEO");
	pid = signal_then_write(fd);
	errno = 0;
	CHECK(read(afd, &c, 1) < 0 && errno == EINTR, "read with a timeout: EINTR");
	reap(pid);
	CHECK(read(afd, &c, 1) == 1, "the byte after EINTR");

	signal(SIGUSR1, SIG_DFL);
	close(fd);
	close(afd);
	close(lfd);
}

/* ---- scm_rights: passing descriptors over AF_UNIX ---- */

/* sendmsg one byte with n descriptors (SCM_RIGHTS): its result. */
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
	return sendmsg(sock, &mh, 0);
}

/* recvmsg one byte with room for `room` descriptors: how many came (-1 on
 * error); they go to fds, the message flags to *flags. */
static int recv_fds(int sock, int *fds, int room, int flags, int *mflags, char *byte)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} c;
	struct iovec iov = { byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			     .msg_controllen = room ? CMSG_LEN(room * sizeof(int)) : 0 };
	struct cmsghdr *cm;
	int n = 0;

	if (recvmsg(sock, &mh, flags) != 1)
		return -1;
	*mflags = mh.msg_flags;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			return -1;
		int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));

		memcpy(fds + n, CMSG_DATA(cm), k * sizeof(int));
		n += k;
	}
	return n;
}

static void t_scm_rights(void)
{
	int sv[2], dv[2], pp[2], got[4], fds[2], mflags = 0, n;
	char c = 0, buf[8];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} bad;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = bad.buf,
			     .msg_controllen = sizeof(bad.buf) };

	/* A pipe's read end over a stream pair: the copy reads what is written. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(pp) == 0, "socketpair, pipe");
	CHECK(send_fds(sv[0], &pp[0], 1, 'a') == 1, "sendmsg SCM_RIGHTS");
	close(pp[0]);
	n = recv_fds(sv[1], got, 1, MSG_CMSG_CLOEXEC, &mflags, &c);
	CHECK(n == 1 && c == 'a' && !(mflags & MSG_CTRUNC), "one descriptor came: %d", n);
	if (n == 1) {
		CHECK(fcntl(got[0], F_GETFD) == FD_CLOEXEC, "MSG_CMSG_CLOEXEC");
		CHECK(write(pp[1], "hi", 2) == 2 && read(got[0], buf, 2) == 2 && !memcmp(buf, "hi", 2),
		      "the passed pipe works");
		close(got[0]);
	}
	errno = 0;
	CHECK(write(pp[1], "x", 1) < 0 && errno == EPIPE, "last reader closed: EPIPE");
	close(pp[1]);

	/* Two at once over datagrams; room for one only: MSG_CTRUNC. */
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv) == 0 && pipe(pp) == 0, "dgram pair");
	CHECK(send_fds(dv[0], pp, 2, 'b') == 1, "two descriptors");
	n = recv_fds(dv[1], got, 2, 0, &mflags, &c);
	CHECK(n == 2 && c == 'b', "both came: %d", n);
	if (n == 2) {
		CHECK(write(got[1], "z", 1) == 1 && read(got[0], buf, 1) == 1 && buf[0] == 'z',
		      "both work");
		close(got[0]);
		close(got[1]);
	}
	CHECK(send_fds(dv[0], pp, 2, 'c') == 1, "two again");
	n = recv_fds(dv[1], got, 1, 0, &mflags, &c);
	CHECK(n == 1 && (mflags & MSG_CTRUNC), "room for one: MSG_CTRUNC (%d, %#x)", n, mflags);
	if (n >= 1)
		close(got[0]);

	/* A socket itself; and files read with plain read() are closed. */
	fds[0] = sv[0];
	CHECK(send_fds(dv[0], fds, 1, 'd') == 1, "pass a socket");
	n = recv_fds(dv[1], got, 1, 0, &mflags, &c);
	CHECK(n == 1, "the socket came");
	if (n == 1) {
		CHECK(write(got[0], "s", 1) == 1 && read(sv[1], buf, 1) == 1 && buf[0] == 's',
		      "talk through the passed socket");
		close(got[0]);
	}
	close(pp[1]);
	CHECK(send_fds(dv[0], &pp[0], 1, 'e') == 1, "pass the pipe's read end");
	close(pp[0]);
	pipe(pp);
	CHECK(read(dv[1], &c, 1) == 1 && c == 'e', "plain read of that message");
	close(pp[0]);
	close(pp[1]);

	/* Unread files in a socket that closes are let go. */
	CHECK(pipe(pp) == 0, "pipe");
	CHECK(send_fds(sv[0], &pp[0], 1, 'f') == 1, "in flight");
	close(pp[0]);
	close(sv[0]);
	close(sv[1]);
	errno = 0;
	CHECK(write(pp[1], "x", 1) < 0 && errno == EPIPE, "closed with the socket: EPIPE");
	close(pp[1]);

	/* Bad input. */
	fds[0] = 999;
	errno = 0;
	CHECK(send_fds(dv[0], fds, 1, 'g') < 0 && errno == EBADF, "bad descriptor: EBADF");
	memset(&bad, 0, sizeof(bad));
	bad.h.cmsg_len = CMSG_LEN(sizeof(int));
	bad.h.cmsg_level = SOL_SOCKET;
	bad.h.cmsg_type = 99;
	errno = 0;
	CHECK(sendmsg(dv[0], &mh, 0) < 0 && errno == EINVAL, "unknown cmsg type: EINVAL");
	close(dv[0]);
	close(dv[1]);
}

/* ---- exitclose: a process that exits closes its sockets ---- */

static void t_exitclose(void)
{
	int port, lfd = listen_on("127.0.0.1", 4, &port), afd, lport, fd;
	char buf[4];
	pid_t pid;

	pid = fork_child();
	if (pid == 0) {
		fd = connect_to("127.0.0.1", port, 0);
		CHECK(write(fd, "bye", 3) == 3, "write");
		listen_on("127.0.0.1", 4, &lport); /* left open on purpose */
		_exit(failures ? 1 : 0); /* no close(): the kernel must do it */
	}
	afd = accept(lfd, NULL, NULL);
	reap(pid);
	CHECK(read_full(afd, buf, 3) == 3 && read(afd, buf, 1) == 0, "EOF from the exited child");
	close(afd);
	close(lfd);
	/* The listening port is free again. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = sin_make("127.0.0.1", port);

	CHECK(bind(fd, SA(&a), sizeof(a)) == 0, "bind to the freed port");
	close(fd);
}

/* ---- inherit: fork, dup, fcntl, fstat on sockets ---- */

static void t_inherit(void)
{
	int sv[2], d, fl;
	struct stat st;
	char buf[8];
	pid_t pid;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	CHECK(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "fstat says socket");
	pid = fork_child();
	if (pid == 0) {
		CHECK(write(sv[1], "kid", 3) == 3, "child write on inherited socket");
		exit(failures ? 1 : 0);
	}
	reap(pid);
	d = dup(sv[0]);
	close(sv[0]);
	CHECK(read_full(d, buf, 3) == 3 && !memcmp(buf, "kid", 3), "read on a dup");
	fl = fcntl(d, F_GETFL);
	CHECK(fcntl(d, F_SETFL, fl | O_NONBLOCK) == 0, "F_SETFL");
	errno = 0;
	CHECK(read(d, buf, 1) < 0 && errno == EAGAIN, "O_NONBLOCK by fcntl");
	CHECK(fcntl(d, F_SETFD, FD_CLOEXEC) == 0 && fcntl(d, F_GETFD) == FD_CLOEXEC, "FD_CLOEXEC");
	close(d);
	close(sv[1]);
}

/* ---- reuseaddr: SO_REUSEADDR as Linux has it (socket(7)) ---- */

static int tcp_socket_on(int port, int reuse, int *err)
{
	struct sockaddr_in a = sin_make("127.0.0.1", port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	CHECK(fd >= 0, "socket");
	CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse)) == 0,
	      "SO_REUSEADDR %d", reuse);
	errno = 0;
	*err = bind(fd, SA(&a), sizeof(a)) == 0 ? 0 : errno;
	return fd;
}

static void t_reuseaddr(void)
{
	int one = 1, port, lfd, fd, afd, err, b, c;
	socklen_t len = sizeof(one);
	char ch;

	/* A server (SO_REUSEADDR) closes first: its side holds TIME-WAIT. */
	lfd = tcp_socket_on(0, 1, &err);
	CHECK(err == 0, "bind: %s", strerror(err));
	CHECK(getsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, &len) == 0 && one == 1,
	      "getsockopt SO_REUSEADDR");
	CHECK(listen(lfd, 4) == 0, "listen");
	{
		struct sockaddr_in a;
		socklen_t alen = sizeof(a);

		CHECK(getsockname(lfd, SA(&a), &alen) == 0, "getsockname");
		port = ntohs(a.sin_port);
	}
	fd = connect_to("127.0.0.1", port, 0);
	afd = accept(lfd, NULL, NULL);
	CHECK(afd >= 0, "accept");
	close(afd);
	CHECK(read(fd, &ch, 1) == 0, "EOF after the server's close");
	close(fd);
	usleep(100 * 1000);
	/* A second listener on a listening port: EADDRINUSE even with both set. */
	b = tcp_socket_on(port, 1, &err);
	CHECK(err == EADDRINUSE, "bind over a listener: %s, want EADDRINUSE", strerror(err));
	close(b);
	close(lfd);
	/* Its TIME-WAIT connection keeps the port from a socket without it... */
	b = tcp_socket_on(port, 0, &err);
	CHECK(err == EADDRINUSE, "bind over TIME-WAIT without SO_REUSEADDR: %s, want EADDRINUSE",
	      strerror(err));
	close(b);
	/* ...and a restarted server with SO_REUSEADDR binds and serves. */
	b = tcp_socket_on(port, 1, &err);
	CHECK(err == 0, "bind over TIME-WAIT with SO_REUSEADDR: %s", strerror(err));
	CHECK(listen(b, 4) == 0, "listen over TIME-WAIT");
	fd = connect_to("127.0.0.1", port, 0);
	afd = accept(b, NULL, NULL);
	CHECK(afd >= 0 && write(fd, "x", 1) == 1 && read(afd, &ch, 1) == 1 && ch == 'x',
	      "a connection to the restarted server");
	close(afd);
	close(fd);
	/* While it listens no other socket may bind the port, reuse or not. */
	c = tcp_socket_on(port, 1, &err);
	CHECK(err == EADDRINUSE, "bind over the new listener: %s, want EADDRINUSE", strerror(err));
	close(c);
	close(b);
}

#define TW_OPEN 300    /* connections held open (600 PCBs on loopback) ... */
#define TW_CLOSED 1200 /* ... while these close, this side first: past the cap */

/* The number after name ("tcp_tw_looks ") in /proc/net/sis_pools, or -1. */
static long pools_number(const char *name)
{
	static char buf[8192];
	char *s;

	if (read_pools(buf, sizeof(buf)) < 0 || !(s = strstr(buf, name)))
		return -1;
	return strtol(s + strlen(name), NULL, 10);
}

/* A connection to lfd's port that the connecting side closes first (it
 * goes to TIME-WAIT); 0 or -1. */
static int closed_first(int lfd, int port)
{
	int fd = connect_to("127.0.0.1", port, 0), afd = fd >= 0 ? accept(lfd, NULL, NULL) : -1;

	if (fd >= 0)
		close(fd);
	if (afd < 0)
		return -1;
	close(afd);
	return 0;
}

/*
 * TIME-WAIT's cap (1,024) with many connections open: lwIP's lists are
 * looked at only when the FINs queued since the last look could pass the
 * cap (sock_tcp.c), a few times for TW_CLOSED closes, not at every network
 * softirq run because TW_OPEN connections are open. On Linux (no
 * /proc/net/sis_pools) only the connections are checked.
 */
static void t_tw_open(void)
{
	static int open_fds[2 * TW_OPEN];
	int port, lfd = listen_on("127.0.0.1", 64, &port), bad = 0;
	long looks = pools_number("tcp_tw_looks "), tw;

	for (int i = 0; i < TW_OPEN; i++) {
		open_fds[2 * i] = connect_to("127.0.0.1", port, 0);
		open_fds[2 * i + 1] = accept(lfd, NULL, NULL);
		bad += open_fds[2 * i] < 0 || open_fds[2 * i + 1] < 0;
	}
	for (int i = 0; i < TW_CLOSED; i++)
		bad += closed_first(lfd, port) != 0;
	CHECK(bad == 0, "%d connections failed", bad);
	if (looks >= 0) {
		looks = pools_number("tcp_tw_looks ") - looks;
		tw = pools_number("tcp_time_wait ");
		printf("tw_open: %ld looks for %d closes with %d open, %ld in TIME-WAIT\n",
		       looks, TW_CLOSED, TW_OPEN, tw);
		CHECK(tw >= 0 && tw <= 1024, "%ld connections in TIME-WAIT", tw);
		CHECK(looks >= 1 && looks <= TW_CLOSED / 50, "%ld looks at TIME-WAIT", looks);
	}
	for (int i = 0; i < 2 * TW_OPEN; i++)
		close(open_fds[i]);
	close(lfd);
}

static const struct {
	const char *name;
	void (*fn)(void);
} subtests[] = {
	{ "tcp", t_tcp },
	{ "udp", t_udp },
	{ "nbconnect", t_nbconnect },
	{ "backlog", t_backlog },
	{ "rst", t_rst },
	{ "halfclose", t_halfclose },
	{ "flags", t_flags },
	{ "sndbuf", t_sndbuf },
	{ "rcvbuf", t_rcvbuf },
	{ "unix", t_unix },
	{ "unixpath", t_unixpath },
	{ "timeout", t_timeout },
	{ "eintr", t_eintr },
	{ "restart", t_restart },
	{ "scm_rights", t_scm_rights },
	{ "exitclose", t_exitclose },
	{ "inherit", t_inherit },
	{ "reuseaddr", t_reuseaddr },
	{ "tw_open", t_tw_open },
};

static void run(int i)
{
	int before = failures;

	subtests[i].fn();
	printf("%s %s\n", failures == before ? "PASS" : "FAIL", subtests[i].name);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	unsigned i;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int a = 1; a < argc; a++) {
		for (i = 0; i < sizeof(subtests) / sizeof(subtests[0]); i++) {
			if (!strcmp(argv[a], subtests[i].name))
				break;
		}
		if (i == sizeof(subtests) / sizeof(subtests[0])) {
			printf("sock_loop: no subtest %s\n", argv[a]);
			return 100;
		}
		run((int)i);
	}
	if (argc == 1) {
		for (i = 0; i < sizeof(subtests) / sizeof(subtests[0]); i++)
			run((int)i);
	}
	printf("sock_loop: %d failed\n", failures);
	return failures ? 1 : 0;
}
