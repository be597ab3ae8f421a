/*
 * sys_fuzz's typed calls: one function per system call (or family) that
 * draws each argument from the generator for its type, makes the call, and
 * keeps the descriptor table in step with what it returned. fz_call()
 * picks one by weight. Calls that would end the worker on purpose (exit,
 * execve of a real program, reboot) are not here; execve runs in
 * sys_fuzz_seq.c's children, and random numbers are proc_fuzz's job.
 */
#include <string.h>
#include <uapi/sis/eventpoll.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/in.h>
#include <uapi/sis/ioctl.h>
#include <uapi/sis/mman.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/prctl.h>
#include <uapi/sis/resource.h>
#include <uapi/sis/sched.h>
#include <uapi/sis/signal.h>
#include <uapi/sis/sockios.h>
#include <uapi/sis/socket.h>
#include <uapi/sis/tcp.h>
#include <uapi/sis/time.h>
#include <uapi/sis/wait.h>

#include "sys_fuzz.h"

#define N(arr) (sizeof(arr) / sizeof((arr)[0]))
#define FLAGS(...) fz_flags((const long[]){ __VA_ARGS__ }, N(((const long[]){ __VA_ARGS__ })))
#define ONE_OF(...) FZ_PICK(((const long[]){ __VA_ARGS__ }))

static const long open_flags[] = { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC,
				   O_APPEND, O_NONBLOCK, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC,
				   O_PATH, O_NOCTTY, O_SYNC };
static const long msg_flags[] = { MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL, MSG_TRUNC, MSG_OOB,
				  MSG_NOSIGNAL, MSG_MORE, MSG_CMSG_CLOEXEC, MSG_CTRUNC, MSG_EOR,
				  MSG_ERRQUEUE, MSG_DONTWAIT, MSG_DONTWAIT };

static int kind_of(long fd)
{
	return fd >= 0 && fd < FZ_MAXFD ? fz.kind[fd] : -1;
}

/* ---- files ------------------------------------------------------------- */

static void c_read(void)
{
	size_t len = fz_below(5000);

	raw(__NR_read, fz_fd(), fz_ptr(len, true), fz_len(len));
}

static void c_write(void)
{
	size_t len = fz_below(5000);

	raw(__NR_write, fz_fd(), fz_ptr(len, false), fz_len(len));
}

static void c_rwv(void)
{
	long n, iov = fz_iovec(&n);
	static const long nrs[] = { __NR_readv, __NR_writev, 69 /* preadv */, 70 /* pwritev */ };
	long nr = FZ_PICK(nrs);

	raw(nr, fz_fd(), iov, n, fz_len(100), 0);
}

static void c_prw(void)
{
	size_t len = fz_below(3000);

	raw(fz_chance(50) ? __NR_pread64 : __NR_pwrite64, fz_fd(), fz_ptr(len, true), fz_len(len),
	    ONE_OF(0, 1, 4096, 65536, 1L << 30, -1, (long)fz_below(100000)));
}

static void c_lseek(void)
{
	raw(__NR_lseek, fz_fd(), ONE_OF(0, 1, -1, 4096, 1L << 40, -(1L << 40)), fz_below(6));
}

static void c_openat(void)
{
	int dirfd = fz_chance(80) ? AT_FDCWD : fz_fd_of(K_DIR);
	bool rw = dirfd == AT_FDCWD || kind_of(dirfd) == K_DIR;
	long path = fz_path(rw), flags = fz_flags(open_flags, N(open_flags));
	bool dots = false, up = false;
	long fd;

	if (dirfd != AT_FDCWD && fz_chance(70)) {
		unsigned i = fz_below(5);

		path = (long)((const char *const[]){ "f0", "d1", "s0", ".", ".." })[i];
		dots = i >= 3;
		up = i == 4; /* the parent of a directory fd on /tmp/fz is /tmp */
	}
	if (!rw || dots)
		flags &= ~(long)(O_CREAT | O_TRUNC | O_WRONLY | O_RDWR);
	fd = raw(__NR_openat, dirfd, path, flags, ONE_OF(0644, 0, 0777, 07777));
	if (fd >= 0 && (!rw || up))
		raw(__NR_close, fd); /* maybe outside /tmp/fz: never a base for creating files */
	else
		fz_note(fd, flags & O_DIRECTORY ? K_DIR : K_FILE);
}

static void c_close(void)
{
	int fd = fz_fd();

	if (raw(__NR_close, fd) == 0 || fz_chance(50))
		fz_forget(fd);
}

static void c_dup(void)
{
	int fd = fz_fd(), k = kind_of(fd);
	long r;

	switch (fz_below(3)) {
	case 0:
		r = raw(__NR_dup, fd);
		break;
	case 1: {
		int to = fz_chance(70) ? fz_fd() : (int)fz_below(FZ_MAXFD);

		r = raw(__NR_dup3, fd, to, fz_chance(30) ? O_CLOEXEC : (long)fz_int());
		break;
	}
	default:
		r = raw(__NR_fcntl, fd, fz_chance(50) ? F_DUPFD : F_DUPFD_CLOEXEC, fz_below(FZ_MAXFD + 10));
	}
	fz_note(r, k < 0 ? K_OTHER : k);
}

static void c_fcntl(void)
{
	long cmd = ONE_OF(F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_SETFL, 5, 6, 7, 1031, -1,
			  (long)fz_below(2000));
	long arg = cmd == F_SETFL ? FLAGS(O_NONBLOCK, O_APPEND, O_RDWR, O_DIRECT) : fz_int();

	raw(__NR_fcntl, fz_fd(), cmd, arg);
}

static void c_ioctl(void)
{
	static const long reqs[] = { TCGETS, TCSETS, TCSETSW, TCFLSH, TIOCSCTTY, TIOCGPGRP,
				     TIOCSPGRP, TIOCOUTQ, TIOCGWINSZ, TIOCSWINSZ, FIONREAD,
				     FIONBIO, TIOCNOTTY, SIOCGIFCONF, SIOCGIFFLAGS, SIOCGIFADDR,
				     SIOCGIFNETMASK, SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFINDEX,
				     SIOCGIFNAME, SIOCGIFBRDADDR, 0, 0x89ff, 0x8001 };
	long req = FZ_PICK(reqs);
	char *ifr = fz_arg(40);

	/* An ifreq naming a real interface (or not); the SIOCS* setters stay
	 * out: they change the machine's network for later tests. */
	memcpy(ifr, (const char *)ONE_OF((long)"lo", (long)"eth0", (long)"eth9",
					 (long)"abcdefghijklmnopq"), 16);
	if (req == SIOCGIFCONF) {
		*(int *)ifr = (int)fz_len(64);
		*(long *)(ifr + 8) = fz_ptr(64, true);
	}
	raw(__NR_ioctl, fz_fd(), req, fz_chance(70) ? (long)ifr : fz_ptr(64, true));
}

static void c_stat(void)
{
	switch (fz_below(4)) {
	case 0:
		raw(__NR_fstat, fz_fd(), fz_ptr(128, true));
		break;
	case 1:
		raw(__NR_newfstatat, fz_chance(80) ? AT_FDCWD : fz_fd(), fz_path(false),
		    fz_ptr(128, true), FLAGS(AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH));
		break;
	case 2:
		raw(fz_chance(50) ? __NR_statfs : __NR_fstatfs,
		    fz_chance(50) ? fz_path(false) : fz_fd(), fz_ptr(120, true));
		break;
	default:
		raw(__NR_faccessat, AT_FDCWD, fz_path(false), fz_below(8), FLAGS(AT_EACCESS, 0x100));
	}
}

static void c_getdents(void)
{
	raw(__NR_getdents64, fz_fd_of(K_DIR), fz_ptr(512, true), fz_len(512));
}

static void c_namespace(void)
{
	switch (fz_below(6)) {
	case 0:
		raw(__NR_mkdirat, AT_FDCWD, fz_path(true), ONE_OF(0755, 0, 07777));
		break;
	case 1:
		raw(__NR_unlinkat, AT_FDCWD, fz_path(true), fz_chance(40) ? AT_REMOVEDIR : fz_int());
		break;
	case 2:
		raw(__NR_renameat, AT_FDCWD, fz_path(true), AT_FDCWD, fz_path(true));
		break;
	case 3:
		raw(__NR_readlinkat, AT_FDCWD, fz_path(false), fz_ptr(64, true), fz_len(64));
		break;
	case 4:
		raw(__NR_getcwd, fz_ptr(64, true), fz_len(64));
		break;
	default:
		raw(fz_chance(50) ? __NR_fchmodat : __NR_fchownat, AT_FDCWD, fz_path(true), fz_int(),
		    fz_int(), 0);
	}
}

static void c_fileops(void)
{
	switch (fz_below(5)) {
	case 0:
		raw(__NR_ftruncate, fz_fd(), ONE_OF(0, 1, 4096, 100000, -1, 1L << 40));
		break;
	case 1:
		raw(fz_chance(50) ? __NR_fsync : __NR_fdatasync, fz_fd());
		break;
	case 2:
		raw(__NR_fchmod, fz_fd(), fz_int());
		break;
	case 3:
		raw(__NR_fchown, fz_fd(), fz_int(), fz_int());
		break;
	default:
		raw(__NR_umask, 022);
	}
}

static void c_pipe(void)
{
	int *sv = fz_arg(8);

	if (fz_chance(90)) {
		if (raw(__NR_pipe2, sv, FLAGS(O_NONBLOCK, O_CLOEXEC, O_DIRECT)) == 0) {
			fz_note(sv[0], K_PIPE_R);
			fz_note(sv[1], K_PIPE_W);
		}
	} else {
		raw(__NR_pipe2, fz_ptr(8, true), fz_int());
		fz_resync();
	}
}

/* ---- event descriptors --------------------------------------------------- */

static void c_epoll_ctl(void)
{
	struct linux_epoll_event *ev = fz_arg(sizeof(*ev));

	ev->events = (uint32_t)FLAGS(EPOLLIN, EPOLLOUT, EPOLLET, EPOLLONESHOT, EPOLLRDHUP,
				     EPOLLEXCLUSIVE, EPOLLPRI, EPOLLERR, EPOLLWAKEUP);
	ev->data = fz_rand();
	raw(__NR_epoll_ctl, fz_fd_of(K_EPOLL), ONE_OF(EPOLL_CTL_ADD, EPOLL_CTL_ADD, EPOLL_CTL_DEL,
						      EPOLL_CTL_MOD, 0, 4),
	    fz_fd(), fz_chance(90) ? (long)ev : fz_ptr(12, false));
}

static void c_epoll_wait(void)
{
	long n = ONE_OF(1, 4, 16, 0, -1, 1 << 30);
	long tmo = ONE_OF(0, 0, 1, 5, -1);

	if (fz_chance(60))
		raw(__NR_epoll_pwait, fz_fd_of(K_EPOLL), fz_ptr(16 * 16, true), n, tmo,
		    fz_chance(70) ? 0 : fz_sigset(), 8);
	else
		raw(__NR_epoll_pwait2, fz_fd_of(K_EPOLL), fz_ptr(16 * 16, true), n, fz_timespec(),
		    fz_chance(70) ? 0 : fz_sigset(), fz_chance(90) ? 8 : fz_int());
}

static void c_events(void)
{
	struct linux_itimerspec *its = fz_arg(sizeof(*its));

	switch (fz_below(5)) {
	case 0:
		fz_note(raw(__NR_epoll_create1, FLAGS(EPOLL_CLOEXEC, 1)), K_EPOLL);
		break;
	case 1:
		fz_note(raw(__NR_eventfd2, fz_int(), FLAGS(EFD_NONBLOCK, EFD_SEMAPHORE, EFD_CLOEXEC)),
			K_EVENTFD);
		break;
	case 2:
		fz_note(raw(__NR_timerfd_create, ONE_OF(CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME, 99),
			    FLAGS(TFD_NONBLOCK, TFD_CLOEXEC)),
			K_TIMERFD);
		break;
	case 3:
		its->it_value_nsec = fz_chance(80) ? (long)fz_below(20000000) : (long)fz_rand();
		its->it_value_sec = fz_chance(90) ? 0 : (long)fz_int();
		its->it_interval_nsec = fz_chance(50) ? 1000000 * (long)(1 + fz_below(10)) : 0;
		raw(__NR_timerfd_settime, fz_fd_of(K_TIMERFD), FLAGS(TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET),
		    fz_chance(90) ? (long)its : fz_ptr(32, false), fz_ptr(32, true));
		break;
	default:
		raw(__NR_timerfd_gettime, fz_fd_of(K_TIMERFD), fz_ptr(32, true));
	}
}

static void c_poll(void)
{
	unsigned n = fz_below(6);
	struct { int fd; short events, revents; } *pfd = fz_arg(8 * (n + 1));

	for (unsigned i = 0; i < n; i++) {
		pfd[i].fd = fz_fd();
		pfd[i].events = (short)FLAGS(POLLIN, POLLOUT, POLLPRI, POLLRDHUP, POLLERR);
	}
	if (fz_chance(70)) {
		raw(__NR_ppoll, fz_chance(95) ? (long)pfd : fz_ptr(8, true),
		    fz_chance(90) ? (long)n : fz_int(), fz_timespec(), fz_chance(80) ? 0 : fz_sigset(), 8);
	} else {
		uint64_t *sets = fz_arg(3 * 16);

		for (int i = 0; i < 3; i++)
			sets[2 * i] = fz_rand() & fz_rand();
		raw(__NR_pselect6, fz_chance(90) ? (long)fz_below(FZ_MAXFD) : fz_int(), (long)sets,
		    (long)(sets + 2), fz_chance(50) ? (long)(sets + 4) : fz_ptr(16, true), fz_timespec(),
		    0);
	}
}

/* ---- sockets ------------------------------------------------------------- */

static void c_socket(void)
{
	static const long families[] = { AF_INET, AF_INET, AF_UNIX, AF_INET6, AF_NETLINK,
					 AF_PACKET, 0, 99 };
	long type = ONE_OF(SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, 0, 11) |
		    FLAGS(SOCK_NONBLOCK, SOCK_CLOEXEC);
	long proto = ONE_OF(0, 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_RAW, 255, 99);

	if (fz_chance(75)) {
		long fd = raw(__NR_socket, FZ_PICK(families), type, proto);

		fz_note(fd, (type & 0xf) == SOCK_DGRAM ? K_UDP : K_OTHER);
	} else {
		int *sv = fz_arg(8);

		if (raw(__NR_socketpair, fz_chance(80) ? AF_UNIX : FZ_PICK(families), type, proto,
			fz_chance(95) ? (long)sv : fz_ptr(8, true)) == 0) {
			fz_note(sv[0], K_UNIX);
			fz_note(sv[1], K_UNIX);
		}
	}
}

static void c_bind_connect(void)
{
	int fd = fz_fd_of(FZ_PICK(((const int[]){ K_TCP, K_UDP, K_UNIX, K_OTHER, K_UNIX_LISTEN })));
	long len, addr = fz_sockaddr(-1, &len);

	switch (fz_below(3)) {
	case 0:
		raw(__NR_bind, fd, addr, len);
		break;
	case 1:
		raw(__NR_connect, fd, addr, len);
		break;
	default:
		raw(__NR_listen, fd, ONE_OF(0, 1, 5, -1, 1 << 20));
	}
}

static void c_accept(void)
{
	int lfd = fz_fd_of(fz_chance(70) ? K_TCP_LISTEN : K_UNIX_LISTEN);
	long *lenp = fz_arg(sizeof(long));
	long fd;

	*lenp = fz_len(128);
	if (fz_chance(50))
		fd = raw(__NR_accept, lfd, fz_ptr(128, true), fz_chance(90) ? (long)lenp : fz_ptr(4, true));
	else
		fd = raw(__NR_accept4, lfd, fz_chance(30) ? 0 : fz_ptr(128, true),
			 fz_chance(90) ? (long)lenp : fz_ptr(4, true),
			 FLAGS(SOCK_NONBLOCK, SOCK_CLOEXEC, SOCK_NONBLOCK));
	fz_note(fd, kind_of(lfd) == K_UNIX_LISTEN ? K_UNIX : K_TCP);
}

static void c_sockname(void)
{
	long *lenp = fz_arg(sizeof(long));

	*lenp = fz_len(128);
	raw(fz_chance(50) ? __NR_getsockname : __NR_getpeername, fz_fd(), fz_ptr(128, true),
	    fz_chance(90) ? (long)lenp : fz_ptr(4, true));
}

static void c_sendto(void)
{
	size_t len = fz_chance(80) ? fz_below(2000) : fz_below(70000);
	long alen = 0, addr = fz_chance(40) ? fz_sockaddr(-1, &alen) : 0;

	raw(__NR_sendto, fz_fd_of(FZ_PICK(((const int[]){ K_TCP, K_UDP, K_UNIX }))),
	    fz_ptr(len, false), fz_len(len), fz_flags(msg_flags, N(msg_flags)), addr, alen);
}

static void c_recvfrom(void)
{
	size_t len = fz_below(4000);
	long *lenp = fz_arg(sizeof(long));

	*lenp = fz_len(128);
	raw(__NR_recvfrom, fz_fd_of(FZ_PICK(((const int[]){ K_TCP, K_UDP, K_UNIX }))),
	    fz_ptr(len, true), fz_len(len), fz_flags(msg_flags, N(msg_flags)),
	    fz_chance(50) ? fz_ptr(128, true) : 0, fz_chance(90) ? (long)lenp : fz_ptr(4, true));
}

static void c_msg(void)
{
	int fd = fz_fd_of(fz_chance(70) ? K_UNIX : FZ_PICK(((const int[]){ K_TCP, K_UDP })));

	if (fz_chance(55)) {
		raw(__NR_sendmsg, fd, fz_msghdr(true), fz_flags(msg_flags, N(msg_flags)));
	} else {
		raw(__NR_recvmsg, fd, fz_msghdr(false), fz_flags(msg_flags, N(msg_flags)));
		fz_resync(); /* SCM_RIGHTS may have installed descriptors */
	}
}

/* A value for setsockopt/getsockopt of the right shape for (level, name). */
static long sockopt_value(long level, long name, long *len)
{
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger *l = fz_arg(sizeof(*l));

		l->l_onoff = fz_chance(50);
		l->l_linger = (int)fz_below(2); /* a long linger would stall close() */
		*len = sizeof(*l);
		return (long)l;
	}
	if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		long *tv = fz_arg(16);

		tv[0] = 0;
		tv[1] = fz_chance(80) ? (long)fz_below(20000) : fz_int();
		*len = 16;
		return (long)tv;
	}
	if (level == SOL_SOCKET && name == SO_BINDTODEVICE) {
		char *dev = fz_arg(16);

		memcpy(dev, (const char *)ONE_OF((long)"lo", (long)"eth0", (long)"x", (long)""), 5);
		*len = fz_below(17);
		return (long)dev;
	}
	if (level == SOL_IP && (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP)) {
		struct ip_mreq *m = fz_arg(sizeof(*m));

		m->imr_multiaddr.s_addr = (unsigned)ONE_OF(0x010000e0, 0x050000e0, 0x0100007f, 0);
		*len = sizeof(*m);
		return (long)m;
	}
	{
		int *v = fz_arg(8);

		*v = (int)fz_int();
		*len = fz_chance(85) ? 4 : fz_len(4);
		return fz_chance(95) ? (long)v : fz_ptr(4, false);
	}
}

static void c_sockopt(void)
{
	static const long sol[] = { SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_BROADCAST, SO_SNDBUF,
				    SO_RCVBUF, SO_KEEPALIVE, SO_OOBINLINE, SO_LINGER, SO_REUSEPORT,
				    SO_PASSCRED, SO_PEERCRED, SO_RCVLOWAT, SO_RCVTIMEO, SO_SNDTIMEO,
				    SO_BINDTODEVICE, SO_ACCEPTCONN, SO_PROTOCOL, SO_DOMAIN, 99 };
	static const long tcp[] = { TCP_NODELAY, TCP_MAXSEG, TCP_CORK, TCP_KEEPIDLE, TCP_KEEPINTVL,
				    TCP_KEEPCNT, TCP_INFO, TCP_USER_TIMEOUT, TCP_QUICKACK,
				    TCP_CONGESTION, 99 };
	static const long ip[] = { IP_TOS, IP_TTL, IP_HDRINCL, IP_PKTINFO, IP_RECVTTL,
				   IP_MULTICAST_TTL, IP_MULTICAST_LOOP, IP_ADD_MEMBERSHIP,
				   IP_DROP_MEMBERSHIP, IP_MULTICAST_IF, 99 };
	long level = ONE_OF(SOL_SOCKET, SOL_SOCKET, SOL_TCP, SOL_IP, SOL_UDP, 99);
	long name = level == SOL_SOCKET ? FZ_PICK(sol) : level == SOL_TCP ? FZ_PICK(tcp)
						      : level == SOL_IP ? FZ_PICK(ip) : fz_int();
	long len, val = sockopt_value(level, name, &len);
	int fd = fz_fd_of(FZ_PICK(((const int[]){ K_TCP, K_UDP, K_UNIX, K_TCP_LISTEN })));

	if (fz_chance(50)) {
		raw(__NR_setsockopt, fd, level, name, val, len);
	} else {
		long *lenp = fz_arg(sizeof(long));

		*lenp = fz_len(len);
		raw(__NR_getsockopt, fd, level, name, fz_ptr(256, true),
		    fz_chance(90) ? (long)lenp : fz_ptr(4, true));
	}
}

static void c_shutdown(void)
{
	raw(__NR_shutdown, fz_fd_of(FZ_PICK(((const int[]){ K_TCP, K_UNIX, K_UDP }))),
	    ONE_OF(SHUT_RD, SHUT_WR, SHUT_RDWR, 3, -1));
}

static void c_make(void)
{
	fz_make(fz_any_kind());
}

/* ---- memory ------------------------------------------------------------ */

static long arena_addr(void)
{
	return (long)(fz.arena + ((uintptr_t)fz_below(FZ_ARENA / 4096) << 12));
}

/* A length that keeps [addr, addr + len) inside the arena. */
static long arena_len(long addr, long len)
{
	long room = (long)(fz.arena + FZ_ARENA) - addr;

	return len < 0 || len > room ? room : len;
}

static void c_mmap(void)
{
	long len = fz_chance(85) ? 4096L * (1 + fz_below(16)) : fz_len(4096);
	long flags = ONE_OF(MAP_PRIVATE, MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE, 0) |
		     FLAGS(MAP_ANONYMOUS, MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE,
			   MAP_POPULATE, MAP_NORESERVE, MAP_STACK, MAP_GROWSDOWN);
	long addr = fz_chance(50) ? arena_addr() : 0;

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		addr = arena_addr(); /* never over our own text, data or stack */
		len = arena_len(addr, len);
	}
	raw(__NR_mmap, addr, len, FLAGS(PROT_READ, PROT_WRITE, PROT_EXEC, PROT_NONE),
	    flags, flags & MAP_ANONYMOUS ? -1 : fz_fd(), ONE_OF(0, 4096, 1, -4096));
}

static void c_munmap(void)
{
	long len = fz_chance(85) ? 4096L * (1 + fz_below(32)) : fz_len(4096);

	long addr = arena_addr();

	len = arena_len(addr, len); /* past the arena are our own buffers */
	if (fz_chance(70))
		raw(__NR_munmap, addr, len);
	else
		raw(__NR_mprotect, addr, len, FLAGS(PROT_READ, PROT_WRITE, PROT_EXEC, 8));
	if (fz_chance(5)) /* a hostile address: must fail cleanly (kernel half, unaligned) */
		raw(fz_chance(50) ? __NR_munmap : __NR_mprotect,
		    ONE_OF((long)0xffff000040200000UL, 1, (long)0x0001000000000000UL, -4096), len, 0);
}

/* Memory locks over the arena (or anywhere); mlockall's flags, good and bad. */
static void c_mlock(void)
{
	long addr = fz_chance(80) ? arena_addr() : fz_int();
	long len = fz_chance(85) ? 4096L * (1 + fz_below(16)) : fz_len(4096);

	switch (fz_below(5)) {
	case 0:
		raw(__NR_mlock, addr, len);
		break;
	case 1:
		raw(__NR_munlock, addr, len);
		break;
	case 2:
		raw(__NR_mlock2, addr, len, ONE_OF(0, MLOCK_ONFAULT, 2));
		break;
	case 3:
		raw(__NR_mlockall, ONE_OF(MCL_CURRENT, MCL_FUTURE, MCL_CURRENT | MCL_FUTURE,
					  MCL_ONFAULT, 0, 8));
		break;
	default:
		raw(__NR_munlockall);
	}
}

static void c_brk(void)
{
	long cur = raw(__NR_brk, 0);

	raw(__NR_brk, ONE_OF(cur + 4096, cur + (1L << 20), cur - 4096, cur, 0, -1, 1L << 47));
	raw(__NR_brk, cur);
}

/* ---- processes and signals ------------------------------------------------ */

/* clone whose child leaves at once, touching no memory: so CLONE_VM (with
 * or without CLONE_VFORK) is safe on the shared stack. */
static long clone_exit(long flags, long ptid, long tls, long ctid)
{
	register long x8 __asm__("x8") = __NR_clone;
	register long x0 __asm__("x0") = flags;
	register long x1 __asm__("x1") = 0;
	register long x2 __asm__("x2") = ptid;
	register long x3 __asm__("x3") = tls;
	register long x4 __asm__("x4") = ctid;

	__asm__ volatile("svc #0\n"
			 "cbnz x0, 1f\n"
			 "mov x0, #0\n"
			 "mov x8, #93\n" /* exit */
			 "svc #0\n"
			 "1:"
			 : "+r"(x0), "+r"(x8)
			 : "r"(x1), "r"(x2), "r"(x3), "r"(x4)
			 : "memory", "cc");
	return x0;
}

static void c_clone(void)
{
	long flags = SIGCHLD | FLAGS(CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID, CLONE_PARENT_SETTID,
				     CLONE_VFORK, CLONE_VM, CLONE_SETTLS, CLONE_FILES, CLONE_FS,
				     CLONE_SIGHAND, CLONE_THREAD, CLONE_PARENT, CLONE_NEWNS);
	long pid;

	if (fz_chance(3))
		flags = (long)fz_rand();
	pid = clone_exit(flags, fz_ptr(4, true), fz_ptr(8, false), fz_ptr(4, true));
	if (pid > 0 && !(flags & CLONE_THREAD))
		fz_kid_add(pid);
}

static void c_wait(void)
{
	long pid = fz_chance(70) ? -1 : fz_pid();
	long r = raw(__NR_wait4, pid, fz_chance(80) ? fz_ptr(4, true) : 0,
		     FLAGS(WNOHANG, WNOHANG, WUNTRACED, WCONTINUED, __WALL, __WCLONE, WEXITED),
		     fz_chance(20) ? fz_ptr(144, true) : 0);

	if (r > 0)
		for (int i = 0; i < FZ_MAXKIDS; i++)
			if (fz.kids[i] == r)
				fz.kids[i] = 0;
}

static void c_kill(void)
{
	long pid = fz_pid();
	int sig = fz_sig();

	if ((pid == fz.me || pid <= 0) && (sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV ||
					     sig == SIGBUS || sig == SIGILL || sig == SIGTRAP ||
					     sig == SIGFPE))
		sig = SIGUSR1; /* the worker keeps going; its children may get anything */
	if (fz_chance(70)) {
		raw(__NR_kill, pid, sig);
	} else {
		long tgid = fz_chance(80) ? fz.me : pid, tid = fz_chance(80) ? fz.me : fz_pid();

		if ((tgid == fz.me || tid == fz.me) &&
		    (sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV || sig == SIGBUS ||
		     sig == SIGILL || sig == SIGTRAP || sig == SIGFPE))
			sig = SIGUSR2;
		raw(__NR_tgkill, tgid, tid, sig);
	}
}

extern void fz_on_signal(int sig);

static void c_sigaction(void)
{
	static const int handled[] = { SIGUSR1, SIGUSR2, SIGCHLD, SIGPIPE, SIGCONT, SIGURG,
				       SIGWINCH, SIGIO, SIGRTMIN, SIGRTMAX, SIGHUP, SIGTERM };
	struct k_sigaction *sa = fz_arg(sizeof(*sa));
	int sig = fz_chance(85) ? FZ_PICK(handled) : fz_sig();

	sa->handler = (void *)ONE_OF((long)fz_on_signal, (long)fz_on_signal, (long)SIG_IGN,
				     (long)SIG_DFL);
	if (sig == SIGALRM || sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGTRAP ||
	    sig == SIGFPE)
		sa->handler = (void *)(sig == SIGALRM ? (long)fz_on_signal : (long)SIG_DFL);
	if (sa->handler == SIG_DFL && sig != SIGCHLD && sig != SIGURG && sig != SIGWINCH &&
	    sig != SIGCONT && sig != SIGSEGV && sig != SIGBUS && sig != SIGILL &&
	    sig != SIGTRAP && sig != SIGFPE)
		sa->handler = SIG_IGN; /* the worker signals itself: a default action ends it */
	sa->flags = (unsigned long)FLAGS(SA_RESTART, SA_NODEFER, SA_RESETHAND, SA_SIGINFO,
					 SA_NOCLDSTOP, SA_NOCLDWAIT, SA_ONSTACK);
	sa->flags &= ~(unsigned long)SA_RESETHAND; /* DFL on the next signal could end us */
	if (sig == SIGALRM) /* the clock must cut waits short, not restart them */
		sa->flags &= ~(unsigned long)SA_RESTART;
	sa->mask = fz_rand();
	raw(__NR_rt_sigaction, sig, fz_chance(95) ? (long)sa : ONE_OF(0x1000, -1, (long)fz_worker),
	    fz_chance(50) ? fz_ptr(32, true) : 0, fz_chance(95) ? 8 : fz_int());
}

static void c_sigmask(void)
{
	long set = fz_sigset();

	raw(__NR_rt_sigprocmask, ONE_OF(SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK, 3), set,
	    fz_chance(50) ? fz_ptr(8, true) : 0, fz_chance(95) ? 8 : fz_int());
	if (fz_chance(50)) { /* do not stay blocked for long */
		uint64_t none = 0;

		raw(__NR_rt_sigprocmask, SIG_SETMASK, &none, 0, 8);
	}
}

static void c_sigaltstack(void)
{
	struct linux_sigaltstack *ss = fz_arg(sizeof(*ss));

	ss->ss_sp = (void *)fz_ptr(8192, true);
	ss->ss_size = (uint64_t)ONE_OF(8192, 4096, 0, LINUX_MINSIGSTKSZ, 1L << 40);
	ss->ss_flags = (int)FLAGS(LINUX_SS_DISABLE, LINUX_SS_ONSTACK, (long)LINUX_SS_AUTODISARM);
	raw(__NR_sigaltstack, fz_chance(90) ? (long)ss : fz_ptr(24, false),
	    fz_chance(50) ? fz_ptr(24, true) : 0);
}

static void c_timers(void)
{
	struct linux_itimerval *it = fz_arg(sizeof(*it));
	long which = ONE_OF(LINUX_ITIMER_VIRTUAL, LINUX_ITIMER_PROF, 3, -1);

	it->it_value.tv_usec = (long)fz_below(20000);
	it->it_interval.tv_usec = fz_chance(50) ? (long)fz_below(20000) : 0;
	if (fz_chance(50))
		raw(__NR_setitimer, which, fz_chance(90) ? (long)it : fz_ptr(32, false),
		    fz_chance(50) ? fz_ptr(32, true) : 0);
	else
		raw(__NR_getitimer, fz_chance(80) ? which : LINUX_ITIMER_REAL, fz_ptr(32, true));
}

static void c_sleep(void)
{
	if (fz_chance(50))
		raw(__NR_nanosleep, fz_timespec(), fz_chance(50) ? fz_ptr(16, true) : 0);
	else
		raw(__NR_clock_nanosleep, ONE_OF(CLOCK_MONOTONIC, CLOCK_REALTIME, 2, 99),
		    FLAGS(TIMER_ABSTIME, 0), fz_timespec(), fz_chance(50) ? fz_ptr(16, true) : 0);
}

static void c_ids(void)
{
	switch (fz_below(8)) {
	case 0:
		raw(__NR_setpgid, fz_chance(50) ? 0 : fz_pid(), fz_chance(50) ? 0 : fz_pid());
		break;
	case 1:
		raw(__NR_getpgid, fz_pid());
		break;
	case 2:
		raw(__NR_setsid);
		break;
	case 3:
		raw(__NR_set_tid_address, fz_ptr(4, true));
		break;
	case 4:
		raw(ONE_OF(__NR_setuid, __NR_setgid), ONE_OF(0, 1000, -1));
		break;
	case 5:
		raw(ONE_OF(__NR_setresuid, __NR_setresgid), fz_int(), fz_int(), fz_int());
		break;
	case 6:
		raw(ONE_OF(__NR_getresuid, __NR_getresgid), fz_ptr(4, true), fz_ptr(4, true),
		    fz_ptr(4, true));
		break;
	default: {
		int *g = fz_arg(64);

		g[0] = (int)fz_int();
		raw(fz_chance(50) ? __NR_getgroups : __NR_setgroups, fz_len(4),
		    fz_chance(80) ? (long)g : fz_ptr(64, true));
	}
	}
}

static void c_info(void)
{
	switch (fz_below(10)) {
	case 0:
		raw(__NR_uname, fz_ptr(390, true));
		break;
	case 1:
		raw(__NR_sysinfo, fz_ptr(112, true));
		break;
	case 2:
		raw(__NR_getrandom, fz_ptr(256, true), fz_len(256), FLAGS(1, 2, 4));
		break;
	case 3:
		raw(ONE_OF(__NR_clock_gettime, __NR_clock_getres), ONE_OF(0, 1, 2, 3, 4, 7, 99, -1),
		    fz_ptr(16, true));
		break;
	case 4:
		raw(__NR_gettimeofday, fz_ptr(16, true), fz_chance(30) ? fz_ptr(8, true) : 0);
		break;
	case 5:
		raw(ONE_OF(__NR_times, __NR_sched_yield), fz_ptr(32, true));
		break;
	case 6:
		raw(__NR_getrusage, ONE_OF(0, -1, 1, 2), fz_ptr(144, true));
		break;
	case 7:
		raw(ONE_OF(__NR_sched_getaffinity, __NR_sched_setaffinity), 0, fz_len(8),
		    fz_ptr(8, true));
		break;
	case 8: {
		char *name = fz_arg(16);

		memcpy(name, "fz-worker", 10);
		raw(__NR_prctl, ONE_OF(PR_SET_NAME, PR_GET_NAME, PR_SET_TAGGED_ADDR_CTRL,
				       PR_GET_TAGGED_ADDR_CTRL, 0, 9999),
		    fz_chance(70) ? (long)name : fz_int(), 0, 0, 0);
		break;
	}
	default: {
		struct linux_rlimit64 *rl = fz_arg(sizeof(*rl));
		long res = ONE_OF(RLIMIT_NOFILE, RLIMIT_AS, RLIMIT_STACK, RLIMIT_NPROC,
				  RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_MEMLOCK, 99, -1);

		rl->rlim_cur = (uint64_t)ONE_OF(0, 64, 1L << 30, -1);
		rl->rlim_max = (uint64_t)-1;
		if (res == RLIMIT_NOFILE && rl->rlim_cur < FZ_MAXFD)
			rl->rlim_cur = FZ_REPORT_FD + 1; /* keep the report descriptor */
		if (fz_chance(80))
			raw(__NR_prlimit64, fz_chance(90) ? 0 : fz_pid(), res,
			    fz_chance(40) ? (long)rl : 0, fz_ptr(16, true));
		else
			raw(__NR_getrlimit, res, fz_ptr(16, true));
	}
	}
}

/* ---- the table ------------------------------------------------------------ */

struct fz_call_entry {
	void (*fn)(void);
	unsigned weight;	/* sys_fuzz */
	unsigned sock_weight;	/* sock_fuzz: sockets and the calls any descriptor takes */
};

/* Weights: (all calls, socket mode). */
static const struct fz_call_entry calls[] = {
	{ c_read, 6, 6 },
	{ c_write, 6, 6 },
	{ c_rwv, 3, 3 },
	{ c_prw, 2, 0 },
	{ c_lseek, 1, 0 },
	{ c_openat, 3, 0 },
	{ c_close, 4, 5 },
	{ c_dup, 3, 3 },
	{ c_fcntl, 3, 4 },
	{ c_ioctl, 3, 4 },
	{ c_stat, 2, 1 },
	{ c_getdents, 1, 0 },
	{ c_namespace, 3, 0 },
	{ c_fileops, 2, 0 },
	{ c_pipe, 2, 0 },
	{ c_epoll_ctl, 4, 3 },
	{ c_epoll_wait, 3, 3 },
	{ c_events, 4, 0 },
	{ c_poll, 4, 5 },
	{ c_socket, 3, 4 },
	{ c_bind_connect, 5, 7 },
	{ c_accept, 3, 5 },
	{ c_sockname, 2, 3 },
	{ c_sendto, 5, 7 },
	{ c_recvfrom, 5, 7 },
	{ c_msg, 7, 9 },
	{ c_sockopt, 6, 9 },
	{ c_shutdown, 2, 3 },
	{ c_make, 3, 4 },
	{ c_mmap, 3, 0 },
	{ c_munmap, 3, 0 },
	{ c_brk, 1, 0 },
	{ c_mlock, 1, 0 },
	{ c_clone, 1, 0 },
	{ c_wait, 2, 1 },
	{ c_kill, 3, 1 },
	{ c_sigaction, 2, 0 },
	{ c_sigmask, 2, 0 },
	{ c_sigaltstack, 1, 0 },
	{ c_timers, 1, 0 },
	{ c_sleep, 1, 0 },
	{ c_ids, 2, 0 },
	{ c_info, 3, 0 },
};

static unsigned weight(const struct fz_call_entry *c)
{
	return fz.sockets_only ? c->sock_weight : c->weight;
}

void fz_call(void)
{
	static unsigned total;
	unsigned r;

	if (!total)
		for (size_t i = 0; i < N(calls); i++)
			total += weight(&calls[i]);
	r = fz_below(total);
	fz.args_used = 0;
	for (size_t i = 0; i < N(calls); i++) {
		if (r < weight(&calls[i])) {
			calls[i].fn();
			return;
		}
		r -= weight(&calls[i]);
	}
}
