/*
 * Socket and descriptor calls LTP and real programs rely on, each checked
 * for Linux's result and errno: recv flags (MSG_OOB, MSG_ERRQUEUE),
 * socketpair on AF_INET, getsockopt's length checks, O_PATH descriptors,
 * fcntl record locks (POSIX between processes, OFD between open files),
 * F_GETPIPE_SZ/F_SETPIPE_SZ, UDP corking (MSG_MORE, UDP_CORK), sendfile
 * (file to socket, pipe and file; offset semantics; its errnos) and
 * accept4's flags, SO_OOBINLINE, SO_*BUFFORCE, errnos for option levels
 * a socket lacks, and the checks made for a non-root caller (a port below
 * 1024: EACCES; connect to an AF_UNIX node without write permission: EACCES).
 *
 * A glibc program: built with aarch64-linux-gnu-gcc -static for SIS
 * (-DON_SIS) and with the host's gcc for Linux, where test_netsock.py runs
 * it as the reference (which keeps the expectations honest).
 * Prints "netsock_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eq_err.h"

static const char *tmp_path(const char *name)
{
	static char buf[4][128];
	static int i;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A UDP socket bound to loopback; *a gets its address. */
static int udp_bound(struct sockaddr_in *a)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t l = sizeof(*a);

	*a = loopback(0);
	if (s < 0 || bind(s, (struct sockaddr *)a, sizeof(*a)) || getsockname(s, (void *)a, &l))
		exit(2);
	return s;
}

/* A TCP listener on loopback; *a gets its address. */
static int tcp_listener(struct sockaddr_in *a)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t l = sizeof(*a);

	*a = loopback(0);
	if (s < 0 || bind(s, (struct sockaddr *)a, sizeof(*a)) || listen(s, 8) ||
	    getsockname(s, (void *)a, &l))
		exit(2);
	return s;
}

static void recv_flags(void)
{
	struct sockaddr_in a;
	int t = socket(AF_INET, SOCK_STREAM, 0), u, u2, l, c, s, us[2], ud[2];
	char buf[16];

	ERR(recv(t, buf, 1, MSG_OOB), EINVAL);
	ERR(recv(t, buf, 1, MSG_ERRQUEUE), EAGAIN);
	l = tcp_listener(&a);
	ERR(recv(l, buf, 1, MSG_OOB), ENOTCONN);
	c = socket(AF_INET, SOCK_STREAM, 0);
	EQ(connect(c, (void *)&a, sizeof(a)), 0);
	s = accept(l, NULL, NULL);
	EQ(s >= 0, 1);
	EQ(send(c, "hi", 2, 0), 2);
	ERR(recv(s, buf, 1, MSG_OOB), EINVAL);      /* no urgent byte: EINVAL, data stays */
	ERR(recv(s, buf, 1, MSG_ERRQUEUE), EAGAIN); /* the IP error queue is empty */
	EQ(recv(s, buf, sizeof(buf), 0), 2);
	close(s), close(c), close(l), close(t);

	u = udp_bound(&a);
	u2 = socket(AF_INET, SOCK_DGRAM, 0);
	ERR(recv(u, buf, 1, MSG_ERRQUEUE), EAGAIN);
	EQ(sendto(u2, "dgram", 5, 0, (void *)&a, sizeof(a)), 5);
	EQ(recv(u, buf, sizeof(buf), MSG_OOB), 5); /* UDP ignores MSG_OOB */
	close(u), close(u2);

	EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, us), 0);
	ERR(recv(us[0], buf, 1, MSG_OOB | MSG_DONTWAIT), EINVAL);
	ERR(recv(us[0], buf, 1, MSG_ERRQUEUE | MSG_DONTWAIT), EAGAIN);
	EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, ud), 0);
	ERR(recv(ud[0], buf, 1, MSG_OOB | MSG_DONTWAIT), EOPNOTSUPP);
	close(us[0]), close(us[1]), close(ud[0]), close(ud[1]);
}

static void socketpair_inet(void)
{
	int sv[2];

	ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	ERR(socketpair(AF_INET, SOCK_DGRAM, 0, sv), EOPNOTSUPP);
	ERR(socketpair(AF_INET, SOCK_STREAM, IPPROTO_TCP, sv), EOPNOTSUPP);
	ERR(socketpair(AF_INET, SOCK_DGRAM, IPPROTO_UDP, sv), EOPNOTSUPP);
	ERR(socketpair(AF_INET, SOCK_DGRAM, IPPROTO_TCP, sv), EPROTONOSUPPORT);
	ERR(socketpair(AF_INET, SOCK_STREAM, IPPROTO_ICMP, sv), EPROTONOSUPPORT);
	ERR(socketpair(AF_INET, SOCK_RAW, 0, sv), EPROTONOSUPPORT);
	ERR(socketpair(AF_INET, 75, 0, sv), EINVAL);
	ERR(socketpair(0, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
}

static void getsockopt_len(void)
{
	int t = socket(AF_INET, SOCK_STREAM, 0), v = 0;
	socklen_t l;

	ERR(getsockopt(t, SOL_SOCKET, SO_TYPE, &v, (socklen_t *)8), EFAULT);
	ERR(getsockopt(99, SOL_SOCKET, SO_TYPE, &v, (socklen_t *)8), EBADF); /* the fd first */
	l = (socklen_t)-1;
	ERR(getsockopt(t, SOL_SOCKET, SO_TYPE, &v, &l), EINVAL);
	l = (socklen_t)-1;
	ERR(getsockopt(t, SOL_SOCKET, 9999, &v, &l), EINVAL); /* before the name */
	l = sizeof(v);
	ERR(getsockopt(t, SOL_SOCKET, SO_TYPE, (void *)8, &l), EFAULT);
	l = 0;
	EQ(getsockopt(t, SOL_SOCKET, SO_TYPE, (void *)8, &l), 0);
	EQ(l, 0);
	l = 2;
	EQ(getsockopt(t, SOL_SOCKET, SO_TYPE, &v, &l), 0);
	EQ(l, 2);
	close(t);
}

static void o_path(void)
{
	struct sockaddr_in a = loopback(0);
	int d = open("/tmp", O_PATH | O_DIRECTORY), f, v;
	const char *path = tmp_path("nc_opath");
	struct stat st;
	char c = 0;

	f = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	EQ(write(f, "abc", 3), 3);
	close(f);
	f = open(path, O_PATH | O_CREAT | O_TRUNC); /* O_CREAT/O_TRUNC are ignored */
	EQ(f >= 0 && d >= 0, 1);
	ERR(accept(f, NULL, NULL), EBADF);
	ERR(accept(d, NULL, NULL), EBADF);
	ERR(bind(f, (void *)&a, sizeof(a)), EBADF);
	ERR(read(f, &c, 1), EBADF);
	ERR(write(f, &c, 1), EBADF);
	ERR(lseek(f, 0, SEEK_SET), EBADF);
	ERR(ioctl(f, FIONREAD, &v), EBADF);
	ERR(fcntl(f, F_SETFL, O_NONBLOCK), EBADF);
	EQ(fcntl(f, F_GETFL), O_PATH);
	EQ(fstat(f, &st), 0);
	EQ(st.st_size, 3);
	v = dup(f);
	EQ(v >= 0, 1);
	ERR(read(v, &c, 1), EBADF);
	EQ(fstatat(d, "nc_opath", &st, 0) == 0 || strcmp(getenv("TMPDIR") ?: "/tmp", "/tmp"), 1);
	close(v), close(f), close(d);
}

/* ---- record locks ---- */

static int lockf_(int fd, int cmd, short type, long start, long len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* F_GETLK for [start, start+len): the conflicting type (F_UNLCK if none);
 * its pid, start and length in *pid, *s, *l. */
static int getlk(int fd, int cmd, short type, long start, long len, int *pid, long *s, long *l)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	if (fcntl(fd, cmd, &fl))
		return -1;
	*pid = fl.l_pid, *s = fl.l_start, *l = fl.l_len;
	return fl.l_type;
}

/* The child's half of posix_locks: talks to the parent over two pipes. */
static int lock_child(const char *path, int ready_wr, int go_rd)
{
	int fd = open(path, O_RDWR), pid, bad = 0;
	long s, l;
	char c;

	bad |= getlk(fd, F_GETLK, F_WRLCK, 12, 5, &pid, &s, &l) != F_WRLCK;
	bad |= (pid != getppid() || s != 10 || l != 20) << 1;  /* the parent's [10, 30) */
	bad |= (getlk(fd, F_GETLK, F_RDLCK, 40, 10, &pid, &s, &l) != F_UNLCK) << 2;
	bad |= (getlk(fd, F_GETLK, F_RDLCK, 0, 10, &pid, &s, &l) != F_UNLCK) << 3; /* reads share */
	bad |= (getlk(fd, F_GETLK, F_WRLCK, 2, 3, &pid, &s, &l) != F_RDLCK || s != 0 || l != 10) << 9;
	bad |= (lockf_(fd, F_SETLK, F_WRLCK, 15, 1) != -1 || errno != EAGAIN) << 4;
	bad |= (lockf_(fd, F_SETLK, F_RDLCK, 0, 5) != 0) << 5;  /* read locks share */
	bad |= (lockf_(fd, F_SETLK, F_WRLCK, 30, 10) != 0) << 6; /* free range */
	if (write(ready_wr, "r", 1) != 1)
		return 100;
	/* F_SETLKW: waits until the parent unlocks [10, 30). */
	bad |= (lockf_(fd, F_SETLKW, F_WRLCK, 10, 20) != 0) << 7;
	bad |= (read(go_rd, &c, 1) != 1 || c != 'u') << 8; /* the parent did unlock first */
	return bad;
}

static void posix_locks(void)
{
	const char *path = tmp_path("nc_locks");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), fd2, ready[2], go[2], status;
	int pid;
	long s, l;
	char c;

	EQ(fd >= 0, 1);
	EQ(lockf_(fd, F_SETLK, F_WRLCK, 10, 20), 0);
	EQ(lockf_(fd, F_SETLK, F_RDLCK, 0, 10), 0);
	EQ(getlk(fd, F_GETLK, F_WRLCK, 0, 0, &pid, &s, &l), F_UNLCK); /* own locks never conflict */
	ERR(lockf_(fd, F_SETLK, 7, 0, 0), EINVAL);
	ERR(lockf_(fd, F_GETLK, F_UNLCK, 0, 0), EINVAL);
	ERR(lockf_(fd, F_SETLK, F_WRLCK, -5, 1), EINVAL);
	ERR(lockf_(99, F_SETLK, F_WRLCK, 0, 1), EBADF);
	fd2 = open(path, O_RDONLY);
	ERR(lockf_(fd2, F_SETLK, F_WRLCK, 0, 1), EBADF); /* a write lock needs write access */
	EQ(pipe(ready) == 0 && pipe(go) == 0, 1);
	pid = fork();
	if (pid == 0)
		_exit(lock_child(path, ready[1], go[0]));
	EQ(read(ready[0], &c, 1), 1);
	/* The child now waits in F_SETLKW for [10, 30). */
	EQ(write(go[1], "u", 1), 1);
	EQ(lockf_(fd, F_SETLK, F_UNLCK, 10, 20), 0);
	EQ(waitpid(pid, &status, 0), pid);
	EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
	/* The child's locks went with it; closing any descriptor drops ours. */
	EQ(lockf_(fd, F_SETLK, F_WRLCK, 50, 10), 0);
	close(fd2);
	pid = fork();
	if (pid == 0) {
		int f = open(path, O_RDWR);

		_exit(lockf_(f, F_SETLK, F_WRLCK, 0, 0) != 0);
	}
	EQ(waitpid(pid, &status, 0), pid);
	EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
	close(fd);
}

static void ofd_locks(void)
{
	const char *path = tmp_path("nc_ofd");
	int a = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), b = open(path, O_RDWR), a2;
	int pid;
	long s, l;

	EQ(lockf_(a, F_OFD_SETLK, F_WRLCK, 0, 100), 0);
	ERR(lockf_(b, F_OFD_SETLK, F_RDLCK, 50, 1), EAGAIN); /* another open file */
	EQ(getlk(b, F_OFD_GETLK, F_RDLCK, 0, 0, &pid, &s, &l), F_WRLCK);
	EQ(pid == -1 && s == 0 && l == 100, 1);
	ERR(lockf_(a, F_GETLK, F_UNLCK, 0, 0), EINVAL);
	a2 = dup(a);
	EQ(lockf_(a2, F_OFD_SETLK, F_WRLCK, 0, 10), 0); /* the same open file */
	close(a);
	ERR(lockf_(b, F_OFD_SETLK, F_RDLCK, 0, 1), EAGAIN); /* a2 still holds it */
	close(a2);
	EQ(lockf_(b, F_OFD_SETLK, F_WRLCK, 0, 0), 0);
	close(b);
}

/* ---- pipes ---- */

static void pipe_size(void)
{
	int p[2], u = socket(AF_INET, SOCK_DGRAM, 0), sz;
	long total = 0, n;
	char buf[4096], back[3000];

	memset(buf, 'p', sizeof(buf));
	EQ(pipe(p), 0);
	sz = fcntl(p[0], F_GETPIPE_SZ);
	EQ(sz >= 4096 && !(sz & (sz - 1)), 1);
	EQ(fcntl(p[1], F_GETPIPE_SZ), sz);
	EQ(fcntl(p[1], F_SETPIPE_SZ, 100), 4096);
	EQ(fcntl(p[0], F_GETPIPE_SZ), 4096);
	EQ(fcntl(p[1], F_SETPIPE_SZ, 0), 4096);
	ERR(fcntl(p[1], F_SETPIPE_SZ, -1), EINVAL);
	ERR(fcntl(u, F_GETPIPE_SZ), EBADF);
	ERR(fcntl(u, F_SETPIPE_SZ, 4096), EBADF);
#ifdef ON_SIS
	/* pipe-max-size (1 MiB) binds only the unprivileged (abi_calls.c checks
	 * their EPERM): root may pass it, as on Linux with CAP_SYS_RESOURCE
	 * (which the reference host's root lacks) */
	EQ(fcntl(p[1], F_SETPIPE_SZ, (1 << 20) + 1), 2 << 20);
#endif
	EQ(write(p[1], buf, 3000), 3000);
	EQ(fcntl(p[1], F_SETPIPE_SZ, 70000), 131072);   /* grows with the data kept */
	EQ(read(p[0], back, sizeof(back)), 3000);
	EQ(memcmp(back, buf, sizeof(back)), 0);
	EQ(fcntl(p[1], F_SETPIPE_SZ, 65536), 65536);
	EQ(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	while ((n = write(p[1], buf, sizeof(buf))) > 0)
		total += n;
	EQ(total, 65536);
	ERR(write(p[1], buf, 1), EAGAIN);
	ERR(fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY); /* the data would not fit */
	EQ(fcntl(p[0], F_GETPIPE_SZ), 65536);
	close(p[0]), close(p[1]), close(u);
}

/* ---- UDP corking ---- */

static void udp_cork(void)
{
	struct sockaddr_in a, other;
	int r = udp_bound(&a), s = socket(AF_INET, SOCK_DGRAM, 0), one = 1, zero = 0, v;
	static char big[70000];
	socklen_t l = sizeof(v);
	char buf[128];

	ERR(send(s, "ab", 2, MSG_MORE), EDESTADDRREQ);
	EQ(sendto(s, "cd", 2, MSG_MORE, (void *)&a, sizeof(a)), 2);
	ERR(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN); /* held back */
	other = loopback(9);
	EQ(sendto(s, "ef", 2, 0, (void *)&other, sizeof(other)), 2); /* the first address wins */
	EQ(recv(r, buf, sizeof(buf), MSG_DONTWAIT), 4);
	EQ(memcmp(buf, "cdef", 4), 0);
	ERR(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

	EQ(getsockopt(s, IPPROTO_UDP, UDP_CORK, &v, &l), 0);
	EQ(v, 0);
	EQ(setsockopt(s, IPPROTO_UDP, UDP_CORK, &one, sizeof(one)), 0);
	EQ(getsockopt(s, IPPROTO_UDP, UDP_CORK, &v, &l), 0);
	EQ(v, 1);
	EQ(sendto(s, "12", 2, 0, (void *)&a, sizeof(a)), 2);
	EQ(sendto(s, "34", 2, 0, (void *)&a, sizeof(a)), 2);
	ERR(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	EQ(setsockopt(s, IPPROTO_UDP, UDP_CORK, &zero, sizeof(zero)), 0); /* sends it */
	EQ(recv(r, buf, sizeof(buf), MSG_DONTWAIT), 4);
	EQ(memcmp(buf, "1234", 4), 0);

	/* Past 65507 bytes the append fails and the corked datagram is gone. */
	EQ(sendto(s, big, 60000, MSG_MORE, (void *)&a, sizeof(a)), 60000);
	ERR(sendto(s, big, 6000, MSG_MORE, (void *)&a, sizeof(a)), EMSGSIZE);
	EQ(sendto(s, big, 10, 0, (void *)&a, sizeof(a)), 10);
	EQ(recv(r, big, sizeof(big), MSG_DONTWAIT), 10);
	ERR(setsockopt(s, IPPROTO_UDP, 99, &one, sizeof(one)), ENOPROTOOPT);
	close(r), close(s);
}

/* ---- sendfile ---- */

static void sendfile_calls(void)
{
	const char *path = tmp_path("nc_sendfile");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), p[2], sv[2], ro, wo, ap, f2, t, d;
	char buf[128];
	off_t o;

	EQ(write(fd, "0123456789", 10), 10);
	EQ(lseek(fd, 2, SEEK_SET), 2);
	EQ(pipe(p) == 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, 1);
	/* File to pipe at the file position, which advances. */
	EQ(sendfile(p[1], fd, NULL, 3), 3);
	EQ(lseek(fd, 0, SEEK_CUR), 5);
	EQ(read(p[0], buf, sizeof(buf)), 3);
	EQ(memcmp(buf, "234", 3), 0);
	/* File to socket at *offset: the position stays, *offset advances. */
	o = 7;
	EQ(sendfile(sv[0], fd, &o, 100), 3);
	EQ(o, 10);
	EQ(lseek(fd, 0, SEEK_CUR), 5);
	EQ(read(sv[1], buf, sizeof(buf)), 3);
	EQ(memcmp(buf, "789", 3), 0);
	o = 20;
	EQ(sendfile(sv[0], fd, &o, 100), 0); /* past the end */
	EQ(o, 20);
	EQ(sendfile(sv[0], fd, NULL, 0), 0);
	o = -1;
	ERR(sendfile(sv[0], fd, &o, 100), EINVAL);
	ERR(sendfile(sv[0], fd, (off_t *)8, 100), EFAULT);
	ERR(sendfile(sv[0], fd, NULL, (size_t)-1), EINVAL);
	o = 0x7ffffffffffffff0;
	ERR(sendfile(sv[0], fd, &o, 100), EINVAL);
	/* Inputs that are not files, outputs not open for writing. */
	ERR(sendfile(sv[0], p[0], NULL, 10), EINVAL);
	o = 0;
	ERR(sendfile(sv[0], p[0], &o, 10), ESPIPE);
	ERR(sendfile(sv[0], sv[1], NULL, 10), EINVAL);
	ERR(sendfile(p[0], fd, NULL, 10), EBADF);
	ERR(sendfile(sv[0], p[1], NULL, 10), EBADF);
	ERR(sendfile(99, fd, NULL, 1), EBADF);
	ERR(sendfile(sv[0], 99, NULL, 1), EBADF);
	wo = open(path, O_WRONLY);
	ro = open(path, O_RDONLY);
	ERR(sendfile(sv[0], wo, NULL, 10), EBADF);
	ERR(sendfile(ro, fd, NULL, 10), EBADF);
	ap = open(tmp_path("nc_sendfile_ap"), O_WRONLY | O_CREAT | O_APPEND, 0644);
	ERR(sendfile(ap, ro, NULL, 10), EINVAL);
	d = open("/", O_RDONLY | O_DIRECTORY);
	ERR(sendfile(sv[0], d, NULL, 1), EINVAL);
	/* File to file. */
	f2 = open(tmp_path("nc_sendfile_out"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	EQ(sendfile(f2, ro, NULL, 10), 10);
	EQ(lseek(f2, 0, SEEK_CUR), 10);
	EQ(pread(f2, buf, sizeof(buf), 0), 10);
	EQ(memcmp(buf, "0123456789", 10), 0);
	/* A socket that is not connected: EPIPE (SIGPIPE ignored here). */
	t = socket(AF_INET, SOCK_STREAM, 0);
	EQ(lseek(ro, 0, SEEK_SET), 0);
	ERR(sendfile(t, ro, NULL, 10), EPIPE);
	close(t), close(d), close(ap), close(ro), close(wo), close(f2), close(fd);
	close(p[0]), close(p[1]), close(sv[0]), close(sv[1]);
}

/* sendfile of a bigger file to a TCP connection, read back by a child. */
static void sendfile_tcp(void)
{
	const char *path = tmp_path("nc_sendfile_big");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), l, c, s, status, pid;
	static char data[200000];
	struct sockaddr_in a;
	off_t o = 1000;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + (i >> 10));
	EQ(write(fd, data, sizeof(data)), sizeof(data));
	l = tcp_listener(&a);
	pid = fork();
	if (pid == 0) {
		static char got[sizeof(data)];
		size_t n = 0;
		long r;

		c = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(c, (void *)&a, sizeof(a)))
			_exit(3);
		while ((r = read(c, got + n, sizeof(got) - n)) > 0)
			n += (size_t)r;
		_exit(n != sizeof(data) - 1000 ? 4 : memcmp(got, data + 1000, n) ? 5 : 0);
	}
	s = accept(l, NULL, NULL);
	EQ(sendfile(s, fd, &o, sizeof(data)), sizeof(data) - 1000);
	EQ(o, sizeof(data));
	close(s);
	EQ(waitpid(pid, &status, 0), pid);
	EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
	close(l), close(fd);
}

static void accept4_flags(void)
{
	struct sockaddr_in a;
	int l = tcp_listener(&a), c = socket(AF_INET, SOCK_STREAM, 0), n, m;
	char b;

	EQ(connect(c, (void *)&a, sizeof(a)), 0);
	ERR(accept4(l, NULL, NULL, 0x1234), EINVAL);
	n = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	EQ(n >= 0, 1);
	EQ(fcntl(n, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	EQ(fcntl(n, F_GETFD), FD_CLOEXEC);
	ERR(recv(n, &b, 1, 0), EAGAIN);
	close(c);
	c = socket(AF_INET, SOCK_STREAM, 0);
	EQ(connect(c, (void *)&a, sizeof(a)), 0);
	m = accept4(l, NULL, NULL, 0);
	EQ(fcntl(m, F_GETFL) & O_NONBLOCK, 0);
	EQ(fcntl(m, F_GETFD), 0);
	close(m), close(n), close(c), close(l);
}

/* SO_OOBINLINE kept per socket; SO_*BUFFORCE as root; levels a socket lacks. */
static void sockopt_misc(void)
{
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	int t6 = socket(AF_INET6, SOCK_STREAM, 0), v = 0, one = 1;
	socklen_t l = sizeof(v);

	ERR(getsockopt(t, SOL_SOCKET, SO_OOBINLINE, NULL, &l), EFAULT);
	EQ(getsockopt(t, SOL_SOCKET, SO_OOBINLINE, &v, &l), 0);
	EQ(v, 0);
	EQ(setsockopt(t, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one)), 0);
	l = sizeof(v);
	EQ(getsockopt(t, SOL_SOCKET, SO_OOBINLINE, &v, &l), 0);
	EQ(v, 1);
	if (geteuid() == 0) {
		v = 5000;
		EQ(setsockopt(t, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)), 0);
		l = sizeof(v);
		EQ(getsockopt(t, SOL_SOCKET, SO_SNDBUF, &v, &l), 0);
		EQ(v, 10000);
		v = 5000;
		EQ(setsockopt(t, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)), 0);
		l = sizeof(v);
		EQ(getsockopt(t, SOL_SOCKET, SO_RCVBUF, &v, &l), 0);
		EQ(v, 10000);
	}
	l = sizeof(v);
	ERR(getsockopt(t, SOL_SOCKET, SO_SNDBUFFORCE, &v, &l), ENOPROTOOPT);
	ERR(getsockopt(t, IPPROTO_UDP, UDP_CORK, &v, &l), EOPNOTSUPP);
	ERR(setsockopt(t, IPPROTO_UDP, UDP_CORK, &one, sizeof(one)), ENOPROTOOPT);
	ERR(getsockopt(u, IPPROTO_TCP, 1, &v, &l), EOPNOTSUPP);
	ERR(setsockopt(u, IPPROTO_TCP, 1, &one, sizeof(one)), ENOPROTOOPT);
	ERR(getsockopt(u, 500, 1, &v, &l), EOPNOTSUPP);
	ERR(getsockopt(t, IPPROTO_IP, 100, &v, &l), ENOPROTOOPT);
	ERR(setsockopt(t, IPPROTO_IP, 100, &one, sizeof(one)), ENOPROTOOPT);
	ERR(getsockopt(t6, 500, 1, &v, &l), ENOPROTOOPT);
	close(t);
	close(u);
	close(t6);
}

/* The checks a non-root caller meets; pid 65534 ("nobody") in a child. */
static int unprivileged_child(const char *open_path, const char *closed_path)
{
	struct sockaddr_in a = loopback(1023);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(80) };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int t, u, t6, c, v = 1;

	if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
		return 1;
	t = socket(AF_INET, SOCK_STREAM, 0);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	t6 = socket(AF_INET6, SOCK_STREAM, 0);
	ERR(bind(t, (struct sockaddr *)&a, sizeof(a)), EACCES);
	ERR(bind(u, (struct sockaddr *)&a, sizeof(a)), EACCES);
	a6.sin6_addr = in6addr_loopback;
	ERR(bind(t6, (struct sockaddr *)&a6, sizeof(a6)), EACCES);
	a.sin_port = 0; /* an ephemeral port needs no privilege */
	EQ(bind(t, (struct sockaddr *)&a, sizeof(a)), 0);
	ERR(setsockopt(u, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)), EPERM);
	ERR(setsockopt(u, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)), EPERM);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(un.sun_path, closed_path);
	ERR(connect(c, (struct sockaddr *)&un, sizeof(un)), EACCES);
	strcpy(un.sun_path, open_path);
	EQ(connect(c, (struct sockaddr *)&un, sizeof(un)), 0);
	return failures;
}

static int unix_listener(const char *path, mode_t mode)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	unlink(path);
	strcpy(un.sun_path, path);
	EQ(bind(s, (struct sockaddr *)&un, sizeof(un)), 0);
	EQ(listen(s, 4), 0);
	EQ(chmod(path, mode), 0);
	return s;
}

static void unprivileged(void)
{
	char open_path[64], closed_path[64];
	int so, sc, st = -1;
	pid_t pid;

	/* In /tmp itself (any TMPDIR may be closed to the child's uid). */
	snprintf(open_path, sizeof(open_path), "/tmp/nsc_open.%d", (int)getpid());
	snprintf(closed_path, sizeof(closed_path), "/tmp/nsc_closed.%d", (int)getpid());
	so = unix_listener(open_path, 0777);
	sc = unix_listener(closed_path, 0755);
	pid = fork();
	if (pid == 0)
		_exit(unprivileged_child(open_path, closed_path));
	EQ(waitpid(pid, &st, 0), pid);
	EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 255, 0);
	close(so);
	close(sc);
	unlink(open_path);
	unlink(closed_path);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	recv_flags();
	socketpair_inet();
	getsockopt_len();
	o_path();
	posix_locks();
	ofd_locks();
	pipe_size();
	udp_cork();
	sendfile_calls();
	sendfile_tcp();
	accept4_flags();
	sockopt_misc();
	unprivileged();
	printf("netsock_calls: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
