/*
 * sys_fuzz's worker state and argument generators: the descriptor table and
 * the objects it is built from, user pointers, lengths, flags, socket
 * addresses, msghdrs, paths, times, signals and pids.
 */
#include <string.h>
#include <uapi/sis/eventpoll.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/in.h>
#include <uapi/sis/mman.h>
#include <uapi/sis/signal.h>
#include <uapi/sis/socket.h>
#include <uapi/sis/time.h>

#include "sys_fuzz.h"

struct fz_state fz;

#define LOOPBACK 0x0100007fU /* 127.0.0.1, network order */
#define ARGS_SIZE 8192

uint64_t fz_rand(void)
{
	fz.rng ^= fz.rng << 13;
	fz.rng ^= fz.rng >> 7;
	fz.rng ^= fz.rng << 17;
	return fz.rng;
}

/* ---- descriptor table ------------------------------------------------ */

/* fd, or -EMFILE when fd is past the table and got closed: a maker must
 * never hand out a number it closed (the next object gets it: a listener
 * at fd 128 closed here, then the sync pipe of seq_block took 128, and the
 * blocked child's accept4 on "its listener" got ENOTSOCK). */
long fz_note(long fd, int kind)
{
	if (fd >= 0 && fd < FZ_MAXFD) {
		fz.kind[fd] = (signed char)kind;
	} else if (fd >= 0 && fd != FZ_REPORT_FD) {
		raw(__NR_close, fd); /* out of the table's range: do not keep it */
		return -24; /* EMFILE, as far as the model goes */
	}
	return fd;
}

void fz_forget(long fd)
{
	if (fd >= 0 && fd < FZ_MAXFD)
		fz.kind[fd] = -1;
}

int fz_count(void)
{
	int n = 0;

	for (int i = 0; i < FZ_MAXFD; i++)
		n += fz.kind[i] >= 0;
	return n;
}

int fz_fd(void)
{
	static const int bad[] = { -1, -100, FZ_MAXFD - 1, 1023, 1 << 20, 0x7fffffff,
				   (int)0x80000000 };
	unsigned start = fz_below(FZ_MAXFD);

	if (fz_chance(6))
		return FZ_PICK(bad);
	for (unsigned i = 0; i < FZ_MAXFD; i++) {
		unsigned fd = (start + i) % FZ_MAXFD;

		if (fz.kind[fd] >= 0)
			return (int)fd;
	}
	return -1;
}

int fz_fd_of(int kind)
{
	unsigned start = fz_below(FZ_MAXFD);

	if (fz_chance(85)) {
		for (unsigned i = 0; i < FZ_MAXFD; i++) {
			unsigned fd = (start + i) % FZ_MAXFD;

			if (fz.kind[fd] == kind)
				return (int)fd;
		}
	}
	return fz_fd();
}

/* Ask the kernel which descriptors are open: SCM_RIGHTS, dup3 and close of
 * random numbers change the table behind our back. */
void fz_resync(void)
{
	for (int fd = 0; fd < FZ_MAXFD; fd++) {
		bool open = raw(__NR_fcntl, fd, F_GETFD) >= 0;

		if (open && fz.kind[fd] < 0)
			fz.kind[fd] = K_OTHER;
		else if (!open)
			fz.kind[fd] = -1;
	}
}

static long sock_flags(void)
{
	return (fz_chance(60) ? SOCK_NONBLOCK : 0) | (fz_chance(30) ? SOCK_CLOEXEC : 0);
}

static void loopback(struct sockaddr_in *sin, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = (uint16_t)((port >> 8) | (port << 8));
	sin->sin_addr.s_addr = LOOPBACK;
}

/* A TCP listener on 127.0.0.1 at a random free port (remembered in fz). */
static long make_listener(void)
{
	struct sockaddr_in sin;
	int one = 1;
	long fd = raw(__NR_socket, AF_INET, SOCK_STREAM | sock_flags(), 0);

	if (fd < 0)
		return fd;
	raw(__NR_setsockopt, fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	for (int i = 0; i < 8; i++) {
		uint16_t port = (uint16_t)(20000 + fz_below(20000));

		loopback(&sin, port);
		if (raw(__NR_bind, fd, &sin, sizeof(sin)) == 0 &&
		    raw(__NR_listen, fd, (long)fz_below(8)) == 0) {
			fz.tcp_port = port;
			return fz_note(fd, K_TCP_LISTEN);
		}
	}
	raw(__NR_close, fd);
	return -98; /* EADDRINUSE */
}

/* A connected TCP pair over loopback: connect to our listener, accept. */
static long make_tcp_pair(void)
{
	struct sockaddr_in sin;
	int lfd = fz_fd_of(K_TCP_LISTEN);
	long c, a;

	if (lfd < 0 || lfd >= FZ_MAXFD || fz.kind[lfd] != K_TCP_LISTEN || !fz.tcp_port)
		lfd = (int)make_listener();
	if (lfd < 0)
		return lfd;
	c = raw(__NR_socket, AF_INET, SOCK_STREAM, 0);
	if (c < 0)
		return c;
	loopback(&sin, fz.tcp_port);
	if (raw(__NR_connect, c, &sin, sizeof(sin)) < 0) {
		/* the listener may be a stale one (its port reused, closed...) */
		raw(__NR_close, c);
		return -111;
	}
	c = fz_note(c, K_TCP);
	/* Accept in non-blocking mode so a listener whose queue someone else
	 * drained never stalls set-up; the final ACK may still be on its way. */
	for (int i = 0; i < 20; i++) {
		struct { int fd; short events, revents; } p = { lfd, 1 /* POLLIN */, 0 };
		struct { long s, ns; } ts = { 0, 5000000 };

		a = raw(__NR_accept4, lfd, 0, 0, SOCK_NONBLOCK | (fz_chance(50) ? SOCK_CLOEXEC : 0));
		if (a != -11)
			break;
		raw(__NR_ppoll, &p, 1, &ts, 0, 8);
	}
	if (a >= 0) {
		fz_note(a, K_TCP);
		if (fz_chance(50))
			raw(__NR_fcntl, a, F_SETFL, 0); /* blocking again */
	}
	if (fz_chance(60))
		raw(__NR_fcntl, c, F_SETFL, O_NONBLOCK);
	return c;
}

static long make_udp(void)
{
	struct sockaddr_in sin;
	long fd = raw(__NR_socket, AF_INET, SOCK_DGRAM | sock_flags(), 0);

	if (fd < 0)
		return fd;
	for (int i = 0; i < 8; i++) {
		uint16_t port = (uint16_t)(20000 + fz_below(20000));

		loopback(&sin, port);
		if (raw(__NR_bind, fd, &sin, sizeof(sin)) == 0) {
			fz.udp_port = port;
			if (fz_chance(50))
				raw(__NR_connect, fd, &sin, sizeof(sin)); /* to itself */
			break;
		}
	}
	return fz_note(fd, K_UDP);
}

static long make_pair(int domain, int type, int kind0, int kind1)
{
	int sv[2];
	long err = type < 0 ? raw(__NR_pipe2, sv, (long)(fz_chance(50) ? O_NONBLOCK : 0))
			    : raw(__NR_socketpair, domain, type | sock_flags(), 0, sv);

	if (err < 0)
		return err;
	if (fz_note(sv[1], kind1) < 0) {
		raw(__NR_close, sv[0]); /* half a pair is no pair */
		return -24;
	}
	return fz_note(sv[0], kind0);
}

static long make_unix_listener(void)
{
	struct sockaddr_un sun;
	long fd = raw(__NR_socket, AF_UNIX, SOCK_STREAM | sock_flags(), 0);

	if (fd < 0)
		return fd;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, "/tmp/fz/s0", 10);
	sun.sun_path[9] = (char)('0' + fz_below(4));
	if (raw(__NR_bind, fd, &sun, sizeof(sun)) == 0)
		raw(__NR_listen, fd, 4);
	return fz_note(fd, K_UNIX_LISTEN);
}

static long make_timerfd(void)
{
	struct linux_itimerspec its = { 0, 0, 0, 0 };
	long fd = raw(__NR_timerfd_create, fz_chance(50) ? CLOCK_MONOTONIC : CLOCK_REALTIME,
		      fz_chance(50) ? TFD_NONBLOCK : 0);

	if (fd < 0)
		return fd;
	if (fz_chance(70)) {
		its.it_value_nsec = 1000000 * (1 + fz_below(50));
		its.it_interval_nsec = fz_chance(50) ? 1000000 * (1 + fz_below(20)) : 0;
		raw(__NR_timerfd_settime, fd, 0, &its, 0);
	}
	return fz_note(fd, K_TIMERFD);
}

static long make_epoll(void)
{
	long ep = raw(__NR_epoll_create1, fz_chance(30) ? EPOLL_CLOEXEC : 0);

	if (ep < 0)
		return ep;
	for (unsigned i = fz_below(5); i > 0; i--) {
		struct linux_epoll_event ev = { EPOLLIN | EPOLLOUT | (fz_chance(30) ? EPOLLET : 0),
						fz_rand() };

		raw(__NR_epoll_ctl, ep, EPOLL_CTL_ADD, fz_fd(), &ev);
	}
	return fz_note(ep, K_EPOLL);
}

static long make_file(bool dir)
{
	char path[] = "/tmp/fz/f0";
	long fd;

	if (dir) {
		fd = raw(__NR_openat, AT_FDCWD, fz_chance(50) ? "/tmp/fz" : "/tmp/fz/d0",
			 O_RDONLY | O_DIRECTORY);
	} else {
		path[9] = (char)('0' + fz_below(4));
		fd = raw(__NR_openat, AT_FDCWD, path, O_RDWR | O_CREAT | (fz_chance(20) ? O_APPEND : 0),
			 0644);
	}
	return fz_note(fd, dir ? K_DIR : K_FILE);
}

long fz_make(int kind)
{
	switch (kind) {
	case K_FILE: return make_file(false);
	case K_DIR: return make_file(true);
	case K_PIPE_R:
	case K_PIPE_W: return make_pair(0, -1, K_PIPE_R, K_PIPE_W);
	case K_EVENTFD: {
		long fd = raw(__NR_eventfd2, fz_below(3),
			      (fz_chance(50) ? EFD_NONBLOCK : 0) | (fz_chance(30) ? EFD_SEMAPHORE : 0));

		return fz_note(fd, K_EVENTFD);
	}
	case K_TIMERFD: return make_timerfd();
	case K_EPOLL: return make_epoll();
	case K_TCP_LISTEN: return make_listener();
	case K_TCP: return make_tcp_pair();
	case K_UDP: return make_udp();
	case K_UNIX:
		return make_pair(AF_UNIX, fz_chance(60) ? SOCK_STREAM : SOCK_DGRAM, K_UNIX, K_UNIX);
	case K_UNIX_LISTEN: return make_unix_listener();
	default: return -22;
	}
}

int fz_any_kind(void)
{
	static const int sockets[] = { K_TCP_LISTEN, K_TCP, K_TCP, K_TCP, K_UDP, K_UDP, K_UNIX,
				       K_UNIX, K_UNIX_LISTEN, K_EPOLL };

	return fz.sockets_only ? FZ_PICK(sockets) : (int)fz_below(K_OTHER);
}

void fz_replenish(void)
{
	for (int i = 0; i < 12 && fz_count() < 24; i++)
		fz_make(fz_any_kind());
}

/* ---- pointers, lengths, flags ------------------------------------------ */

void *fz_arg(size_t len)
{
	size_t at = (fz.args_used + 15) & ~(size_t)15;

	if (at + len > ARGS_SIZE)
		at = 0; /* wrap: an earlier argument of this call may get overwritten */
	fz.args_used = at + len;
	memset(fz.args + at, 0, len);
	return fz.args + at;
}

static long valid_ptr(size_t len)
{
	size_t room = len < FZ_SCRATCH ? FZ_SCRATCH - len : 0;
	size_t off = fz_below((unsigned)room + 1);

	if (fz_chance(50))
		off &= ~(size_t)7;
	return (long)(fz.scratch + off);
}

long fz_ptr(size_t len, bool out)
{
	static const uint64_t kernel[] = { 0xffff000040200000ULL, 0xffff800000000000ULL,
					   0xfffffffffffff000ULL, 0x0001000000000000ULL,
					   0x0000fffffffff000ULL };
	unsigned r = fz_below(100);

	(void)out;
	if (r < 72)
		return valid_ptr(len);
	if (r < 76)
		return 0;
	if (r < 80)
		return (long)FZ_PICK(kernel);
	if (r < 86) /* a tagged pointer: top byte ignored (TBI) */
		return (long)(((uint64_t)(1 + fz_below(255)) << 56) | (uint64_t)valid_ptr(len));
	if (r < 89)
		return (long)(0x1000 + fz_below(0x100000));
	if (r < 94) /* runs into the unmapped page after the buffer */
		return (long)(fz.scratch + FZ_SCRATCH - fz_below((unsigned)(len < 64 ? len + 1 : 64)));
	if (r < 97)
		return (long)(uintptr_t)fz_worker; /* read-only text */
	return (long)fz_rand();
}

long fz_len(size_t natural)
{
	static const long hostile[] = { 0, 1, -1, 0x7fffffff, (long)0x80000000UL, 1L << 40,
					FZ_SCRATCH + 1, 4096, 65536 };
	unsigned r = fz_below(100);

	if (r < 60)
		return (long)natural;
	if (r < 80)
		return (long)fz_below((unsigned)natural * 2 + 2);
	return FZ_PICK(hostile);
}

long fz_flags(const long *set, unsigned n)
{
	long f = 0;

	if (fz_chance(4))
		return (long)fz_rand();
	for (unsigned i = fz_below(4); i > 0; i--)
		f |= set[fz_below(n)];
	return f;
}

long fz_int(void)
{
	static const long v[] = { 0, 1, -1, 2, 3, 4, 8, 16, 255, 4096, 65535, 0x7fffffff,
				  (long)0xffffffff80000000UL };

	return fz_chance(70) ? FZ_PICK(v) : (long)(int)fz_rand();
}

/* ---- socket addresses and messages ---------------------------------------- */

long fz_sockaddr(int family_hint, long *len)
{
	unsigned r = fz_below(100);
	int family = family_hint >= 0 && fz_chance(80) ? family_hint
						       : (int)FZ_PICK(((const int[]){ AF_INET, AF_UNIX, AF_INET6, 0, 99 }));

	if (r < 6) {
		*len = fz_len(16);
		return fz_ptr(16, false);
	}
	if (family == AF_INET) {
		struct sockaddr_in *sin = fz_arg(sizeof(*sin));
		static const uint32_t addrs[] = { LOOPBACK, 0, 0xffffffffU, 0x0202000aU,
						  0x0100000aU, 0x010000e0U };
		uint16_t port = FZ_PICK(((const uint16_t[]){ fz.tcp_port, fz.udp_port, 0, 1, 80,
							     (uint16_t)fz_rand() }));

		loopback(sin, port);
		if (fz_chance(25))
			sin->sin_addr.s_addr = FZ_PICK(addrs);
		*len = fz_chance(85) ? (long)sizeof(*sin) : fz_len(sizeof(*sin));
		return (long)sin;
	}
	if (family == AF_UNIX) {
		/* Every name a bind() can make is inside /tmp/fz, whatever the
		 * length: a length shorter than the name binds its prefix (as
		 * on Linux), so a cut-short absolute name ("/tmp/f", "/no")
		 * would land outside the tree the driver empties; such a name
		 * is given relative to the worker's directory, /tmp/fz. */
		struct sockaddr_un *sun = fz_arg(sizeof(*sun));
		static const char *const paths[] = { "/tmp/fz/s0", "/tmp/fz/s1", "/tmp/fz/s2",
						     "/tmp/fz/s3", "/tmp/fz/d0/s", "/tmp/fz/f0",
						     "/tmp/fz/nonexistent/s", "" };
		const char *p = FZ_PICK(paths);
		size_t n = strlen(p);

		sun->sun_family = AF_UNIX;
		if (fz_chance(15)) {
			sun->sun_path[0] = 0; /* abstract name */
			memcpy(sun->sun_path + 1, "fz", 2);
			n = 3;
		} else {
			memcpy(sun->sun_path, p, n);
		}
		if (fz_chance(5))
			memset(sun->sun_path, 'x', sizeof(sun->sun_path)); /* unterminated */
		*len = fz_chance(80) ? (long)(2 + n + (fz_chance(50) ? 1 : 0)) : fz_len(sizeof(*sun));
		if (sun->sun_path[0] == '/' && *len < (long)(2 + n)) {
			memset(sun->sun_path, 0, sizeof(sun->sun_path));
			memcpy(sun->sun_path, p + 8, n - 8); /* past "/tmp/fz/" */
		}
		return (long)sun;
	}
	{
		struct sockaddr_storage *ss = fz_arg(sizeof(*ss));

		for (size_t i = 0; i < sizeof(*ss); i++)
			((unsigned char *)ss)[i] = (unsigned char)fz_rand();
		ss->ss_family = (unsigned short)family;
		*len = fz_len(fz_chance(50) ? 28 : sizeof(*ss));
		return (long)ss;
	}
}

long fz_iovec(long *count)
{
	unsigned n = fz_below(9);
	struct iovec *iov = fz_arg(sizeof(*iov) * (n ? n : 1));

	for (unsigned i = 0; i < n; i++) {
		size_t len = fz_chance(70) ? fz_below(2048) : (size_t)fz_len(4096);

		iov[i].iov_base = (void *)fz_ptr(len < FZ_SCRATCH ? len : 16, true);
		iov[i].iov_len = len;
	}
	*count = fz_chance(90) ? (long)n : FZ_PICK(((const long[]){ -1, 1025, 1 << 20, n + 1 }));
	if (fz_chance(4))
		return fz_ptr(16, false);
	return (long)iov;
}

/* One control message at *at; returns its aligned length. */
static size_t put_cmsg(unsigned char *at, size_t room)
{
	struct cmsghdr *c = (struct cmsghdr *)at;
	unsigned nfds = 1 + fz_below(4);
	size_t len = sizeof(*c) + nfds * sizeof(int);

	if (room < sizeof(*c) + 4 * sizeof(int) + 16)
		return 0;
	c->cmsg_level = fz_chance(90) ? SOL_SOCKET : (int)fz_int();
	c->cmsg_type = fz_chance(80) ? SCM_RIGHTS : FZ_PICK(((const int[]){ SCM_CREDENTIALS, 0, 99 }));
	for (unsigned i = 0; i < nfds; i++)
		((int *)(c + 1))[i] = fz_fd();
	if (c->cmsg_type == SCM_CREDENTIALS) {
		struct ucred *uc = (struct ucred *)(c + 1);

		uc->pid = (int)fz.me;
		len = sizeof(*c) + sizeof(*uc);
	}
	c->cmsg_len = fz_chance(90) ? len : (unsigned long)FZ_PICK(((const long[]){ 0, 1, 15, 16, -1, 1 << 20 }));
	return (len + 7) & ~(size_t)7;
}

long fz_msghdr(bool send)
{
	struct msghdr *m = fz_arg(sizeof(*m));
	long n;

	if (fz_chance(25)) {
		long len;

		m->msg_name = (void *)(send ? fz_sockaddr(-1, &len) : fz_ptr(128, true));
		m->msg_namelen = (unsigned)(send ? len : fz_len(128));
	}
	m->msg_iov = (struct iovec *)fz_iovec(&n);
	m->msg_iovlen = (unsigned long)n;
	if (fz_chance(send ? 40 : 50)) {
		size_t room = 256, used = 0;
		unsigned char *ctl = fz_arg(room);

		if (send) {
			for (unsigned i = 1 + fz_below(2); i > 0; i--)
				used += put_cmsg(ctl + used, room - used);
		} else {
			used = fz_below(128);
		}
		m->msg_control = fz_chance(90) ? ctl : (void *)fz_ptr(used, true);
		m->msg_controllen = fz_chance(90) ? used : (unsigned long)fz_len(used);
	}
	m->msg_flags = (int)fz_rand();
	if (fz_chance(3))
		return fz_ptr(sizeof(*m), false);
	return (long)m;
}

/* ---- paths, times, signals, pids ---------------------------------------- */

long fz_path(bool writable)
{
	static const char *const rw[] = {
		"/tmp/fz/f0", "/tmp/fz/f1", "/tmp/fz/f2", "/tmp/fz/f3", "/tmp/fz/d0",
		"/tmp/fz/d1", "/tmp/fz/d0/f0", "/tmp/fz/d0/d1", "/tmp/fz/d0/d1/f1", "/tmp/fz/s0",
		"/tmp/fz/s1", "/tmp/fz", "/tmp/fz/f0/x", "/tmp/fz/nonexistent/f",
	};
	static const char *const ro[] = { "/", "/proc/meminfo", "/proc/net/sis_pools", "/dev/null",
					  "/bin/true", "/proc", "", "/tmp/fz/../fz/f0", "//tmp//fz/f1" };
	unsigned r = fz_below(100);

	if (r < 5 && !writable)
		return fz_ptr(8, false);
	if (r < 5) /* never random bytes: they could name a file outside /tmp/fz */
		return (long)FZ_PICK(((const uint64_t[]){ 0, 0xffff000040200000ULL, 0x1000,
							  (uint64_t)(fz.scratch + FZ_SCRATCH),
							  0x5a00000000001000ULL }));
	if (r < 7) { /* longer than PATH_MAX or NAME_MAX */
		char *p = fz_arg(4200);

		memset(p, fz_chance(50) ? 'a' : '/', fz_chance(50) ? 4199 : 300);
		memcpy(p, "/tmp/fz/", 8);
		return (long)p;
	}
	if (!writable && r < 25)
		return (long)FZ_PICK(ro);
	return (long)FZ_PICK(rw);
}

long fz_timespec(void)
{
	struct linux_timespec *ts = fz_arg(sizeof(*ts));
	unsigned r = fz_below(100);

	if (r < 10)
		return fz_chance(50) ? 0 : fz_ptr(sizeof(*ts), false);
	if (r < 60)
		ts->tv_nsec = (long)fz_below(3000000); /* up to 3 ms */
	else if (r < 80)
		ts->tv_nsec = 0;
	else
		*ts = FZ_PICK(((const struct linux_timespec[]){ { -1, 0 }, { 0, 1000000000 },
								 { 0, -1 }, { 1, 0 }, { 1L << 40, 0 } }));
	return (long)ts;
}

long fz_sigset(void)
{
	uint64_t *set = fz_arg(sizeof(*set));

	*set = fz_rand() & fz_rand();
	*set &= ~SIS_SIGBIT(SIGALRM); /* the worker's clock keeps every wait short */
	if (fz_chance(5)) /* bad, never random bytes (they could block SIGALRM) */
		return (long)FZ_PICK(((const uint64_t[]){ 0, 0xffff000040200000ULL, 0x1000,
							  (uint64_t)fz.scratch + FZ_SCRATCH - 4 }));
	return (long)set;
}

int fz_sig(void)
{
	static const int common[] = { 0, SIGUSR1, SIGUSR2, SIGCHLD, SIGPIPE, SIGCONT, SIGURG,
				      SIGWINCH, SIGALRM, SIGIO, SIGSTOP, SIGTERM, SIGHUP,
				      SIGRTMIN, SIGRTMAX, 65, -1 };

	if (fz_chance(1))
		return SIGKILL;
	return fz_chance(90) ? FZ_PICK(common) : (int)fz_below(70);
}

long fz_pid(void)
{
	unsigned r = fz_below(100);
	int kid = fz.kids[fz_below(FZ_MAXKIDS)];

	if (r < 40 && kid)
		return kid;
	if (r < 60)
		return fz.me;
	return FZ_PICK(((const long[]){ 0, -1, 1, -fz.me, 99999, 0x7fffffff, -0x7fffffff, 2 }));
}
