/*
 * One check per bad input to the socket calls: each must fail with the errno
 * Linux gives. Uses loopback only. Also builds and runs on Linux (the test
 * does that too), which keeps the expectations honest.
 * Prints "sock_errno: N checks, M failed"; exit status 1 on any failure.
 */
#include "sock_util.h"
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <sys/un.h>

static int checks;
#define E(call, want)                   \
	do {                            \
		checks++;               \
		EXPECT_ERR(call, want); \
	} while (0)

static int tcp(void)
{
	return socket(AF_INET, SOCK_STREAM, 0);
}

static int udp(void)
{
	return socket(AF_INET, SOCK_DGRAM, 0);
}

/* A loopback TCP listener on an ephemeral port; *port gets the port. */
static int listener(int backlog, int *port)
{
	struct sockaddr_in a = sin_make("127.0.0.1", 0);
	socklen_t len = sizeof(a);
	int fd = tcp();

	CHECK(fd >= 0, "socket");
	CHECK(bind(fd, SA(&a), sizeof(a)) == 0, "bind");
	CHECK(listen(fd, backlog) == 0, "listen");
	CHECK(getsockname(fd, SA(&a), &len) == 0, "getsockname");
	*port = ntohs(a.sin_port);
	return fd;
}

static void creation(void)
{
	int sv[2];

	E(socket(99, SOCK_STREAM, 0), EAFNOSUPPORT);
	E(socket(AF_INET, 99, 0), EINVAL);
	E(socket(AF_INET, SOCK_STREAM | 0x100, 0), EINVAL);
	E(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	E(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	E(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
	E(socket(AF_INET, SOCK_RAW, 0), EPROTONOSUPPORT);
	E(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	E(socketpair(AF_UNIX, SOCK_STREAM, 0, bad_ptr()), EFAULT);
}

static void descriptors(void)
{
	struct sockaddr_in a = sin_make("127.0.0.1", 0);
	int nul = open("/dev/null", O_RDONLY);
	char c;

	E(bind(-1, SA(&a), sizeof(a)), EBADF);
	E(bind(200, SA(&a), sizeof(a)), EBADF);
	E(listen(-1, 1), EBADF);
	E(send(-1, "x", 1, 0), EBADF);
	E(bind(nul, SA(&a), sizeof(a)), ENOTSOCK);
	E(connect(nul, SA(&a), sizeof(a)), ENOTSOCK);
	E(recv(nul, &c, 1, 0), ENOTSOCK);
	E(shutdown(nul, SHUT_RD), ENOTSOCK);
	E(getsockopt(nul, SOL_SOCKET, SO_TYPE, &c, &(socklen_t){ 1 }), ENOTSOCK);
	close(nul);
}

static void binding(void)
{
	struct sockaddr_in a = sin_make("127.0.0.1", 0), six = a;
	int s = tcp(), t = tcp(), l, port;

	E(bind(s, NULL, sizeof(a)), EFAULT);
	E(bind(s, SA(&a), 4), EINVAL);
	E(bind(s, SA(&a), 200), EINVAL);
	six.sin_family = AF_INET6;
	E(bind(s, SA(&six), sizeof(six)), EAFNOSUPPORT);
	a = sin_make("1.2.3.4", 0);
	E(bind(s, SA(&a), sizeof(a)), EADDRNOTAVAIL);
	a = sin_make("127.0.0.1", 0);
	CHECK(bind(s, SA(&a), sizeof(a)) == 0, "bind");
	E(bind(s, SA(&a), sizeof(a)), EINVAL);
	l = listener(1, &port);
	a = sin_make("127.0.0.1", port);
	E(bind(t, SA(&a), sizeof(a)), EADDRINUSE);
	close(s);
	close(t);
	close(l);
}

static void connecting(void)
{
	struct sockaddr_in a = sin_make("127.0.0.1", 0), six;
	int l, port, c1, c2, c3, s;

	l = listener(0, &port);
	a = sin_make("127.0.0.1", port);
	s = tcp();
	E(connect(s, SA(&a), 8), EINVAL);
	six = a;
	six.sin_family = AF_INET6;
	E(connect(s, SA(&six), sizeof(six)), EAFNOSUPPORT);
	E(connect(s, NULL, sizeof(a)), EFAULT);
	close(s);

	/* Backlog 0 holds one connection; the next SYN goes unanswered. */
	c1 = tcp();
	CHECK(connect(c1, SA(&a), sizeof(a)) == 0, "connect 1");
	E(connect(c1, SA(&a), sizeof(a)), EISCONN);
	c2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	c3 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(c2, SA(&a), sizeof(a)); /* may complete: Linux allows backlog + 1 */
	usleep(100 * 1000);
	E(connect(c3, SA(&a), sizeof(a)), EINPROGRESS);
	E(connect(c3, SA(&a), sizeof(a)), EALREADY);
	E(listen(c1, 1), EINVAL);
	close(c1);
	close(c2);
	close(c3);
	close(l);

	/* Nobody listens there now. */
	s = tcp();
	E(connect(s, SA(&a), sizeof(a)), ECONNREFUSED);
	close(s);
}

static void unconnected(void)
{
	int s = tcp(), u = udp();
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char c = 0;

	E(getpeername(s, SA(&a), &len), ENOTCONN);
	E(recv(s, &c, 1, 0), ENOTCONN);
	E(send(s, &c, 1, MSG_NOSIGNAL), EPIPE);
	E(shutdown(s, SHUT_RDWR), ENOTCONN);
	E(accept(s, NULL, NULL), EINVAL);
	E(accept4(s, NULL, NULL, 0x1234), EINVAL);
	E(shutdown(s, 7), EINVAL);
	E(getsockname(s, SA(&a), NULL), EFAULT);
	E(listen(u, 1), EOPNOTSUPP);
	E(accept(u, NULL, NULL), EOPNOTSUPP);
	E(getpeername(u, SA(&a), &len), ENOTCONN);
	E(send(u, &c, 1, 0), EDESTADDRREQ);
	E(shutdown(u, SHUT_RDWR), ENOTCONN);
	close(s);
	close(u);
}

static void datagrams(void)
{
	static char big[65508];
	struct sockaddr_in self = sin_make("127.0.0.1", 0), bc = sin_make("255.255.255.255", 9);
	struct sockaddr_in discard = sin_make("127.0.0.1", 9);
	socklen_t len = sizeof(self);
	int u = udp(), n = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	struct timeval tv = { 0, 100 * 1000 };
	long t0;
	char c;

	E(recv(n, &c, 1, 0), EAGAIN);
	CHECK(bind(u, SA(&self), sizeof(self)) == 0, "bind");
	CHECK(getsockname(u, SA(&self), &len) == 0, "getsockname");
	E(sendto(u, big, sizeof(big), 0, SA(&discard), sizeof(discard)), EMSGSIZE);
	E(sendto(u, "x", 1, 0, SA(&bc), sizeof(bc)), EACCES);
	E(sendto(u, "x", 1, 0, SA(&self), 4), EINVAL);
	self.sin_port = 0;
	E(sendto(u, "x", 1, 0, SA(&self), sizeof(self)), EINVAL);
	len = sizeof(self);
	CHECK(getsockname(u, SA(&self), &len) == 0, "getsockname");
	E(recv(u, &c, 1, MSG_DONTWAIT), EAGAIN);
	CHECK(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0, "SO_RCVTIMEO");
	t0 = now_ms();
	E(recv(u, &c, 1, 0), EAGAIN);
	CHECK(now_ms() - t0 >= 90, "SO_RCVTIMEO returned after %ld ms", now_ms() - t0);
	CHECK(sendto(u, "abc", 3, 0, SA(&self), sizeof(self)) == 3, "sendto self");
	E(recvfrom(u, bad_ptr(), 3, 0, NULL, NULL), EFAULT);
	/* AF_UNSPEC forgets the default peer. */
	CHECK(connect(u, SA(&self), sizeof(self)) == 0, "connect");
	self.sin_family = AF_UNSPEC;
	CHECK(connect(u, SA(&self), sizeof(self)) == 0, "connect AF_UNSPEC");
	E(send(u, "x", 1, 0), EDESTADDRREQ);
	close(u);
	close(n);
}

static void options(void)
{
	int s = tcp(), v = 1;
	socklen_t len = sizeof(v);
	struct timeval tv = { 1, 2000000 };

	E(setsockopt(s, SOL_SOCKET, 9999, &v, sizeof(v)), ENOPROTOOPT);
	E(getsockopt(s, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
	E(setsockopt(s, IPPROTO_TCP, 9999, &v, sizeof(v)), ENOPROTOOPT);
	E(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL);
	E(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, NULL, sizeof(v)), EFAULT);
	len = (socklen_t)-1;
	E(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
	E(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, NULL), EFAULT);
	E(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM);
	E(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, 4), EINVAL);
	v = 0;
	E(setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL);
	v = 0;
	E(setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)), EINVAL);
	close(s);
}

static void messages(void)
{
	struct iovec iov[1025];
	struct msghdr mh;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair");
	memset(&mh, 0, sizeof(mh));
	memset(iov, 0, sizeof(iov));
	mh.msg_iov = iov;
	mh.msg_iovlen = 1025;
	E(sendmsg(sv[0], &mh, 0), EMSGSIZE);
	E(sendmsg(sv[0], NULL, 0), EFAULT);
	mh.msg_iovlen = 1;
	mh.msg_iov = NULL;
	E(sendmsg(sv[0], &mh, 0), EFAULT);
	close(sv[0]);
	close(sv[1]);
}

static void unix_sockets(void)
{
	struct sockaddr_un un;
	struct sockaddr_in in = sin_make("127.0.0.1", 0);
	int s = socket(AF_UNIX, SOCK_STREAM, 0), sv[2];
	char c;

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	strcpy(un.sun_path + 1, "sis-errno-nobody");
	E(connect(s, SA(&un), sizeof(un)), ECONNREFUSED);
	strcpy(un.sun_path, "/nonexistent-dir/sock");
	E(connect(s, SA(&un), sizeof(un)), ENOENT);
	E(bind(s, SA(&in), sizeof(in)), EINVAL);
	E(recv(s, &c, 1, 0), EINVAL);
	close(s);

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "dgram pair");
	close(sv[0]);
	E(send(sv[1], "x", 1, 0), ECONNREFUSED);
	E(send(sv[1], "x", 1, 0), ENOTCONN);
	E(recv(sv[1], &c, 1, MSG_DONTWAIT), EAGAIN);
	close(sv[1]);

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "stream pair");
	close(sv[0]);
	E(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK(recv(sv[1], &c, 1, 0) == 0, "EOF after the peer closed");
	close(sv[1]);
}

/* Ping sockets: only echo requests may be sent. Linux may forbid ping sockets
 * (net.ipv4.ping_group_range): then this part is skipped there. */
static void icmp(void)
{
	struct sockaddr_in lo = sin_make("127.0.0.1", 0);
	struct icmphdr h;
	int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);

	if (s < 0 && (errno == EACCES || errno == EPERM)) {
		printf("sock_errno: ping sockets not permitted here, skipped\n");
		return;
	}
	memset(&h, 0, sizeof(h));
	h.type = ICMP_ECHOREPLY;
	E(sendto(s, &h, sizeof(h), 0, SA(&lo), sizeof(lo)), EINVAL);
	E(sendto(s, &h, 4, 0, SA(&lo), sizeof(lo)), EINVAL);
	close(s);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	creation();
	descriptors();
	binding();
	connecting();
	unconnected();
	datagrams();
	options();
	messages();
	unix_sockets();
	icmp();
	printf("sock_errno: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
