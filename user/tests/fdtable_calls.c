/*
 * Descriptor tables across fork and threads, checked against Linux (glibc;
 * static for SIS with -DON_SIS, native on the Linux host as the reference,
 * test/qemu/test_abi.py fdtable / fdtable_linux). Issue 11's fuzzer report
 * (a blocked child's accept4 on "its listener" gave ENOTSOCK) was the
 * fuzzer's own model; this is the kernel's side of it:
 * - fork copies the table: a listener made before fork is the child's too
 *   (it accepts the parent's connection; blocked in accept it dies of the
 *   parent's SIGTERM), numbers past 127 and close-on-exec bits included,
 *   and a close in the child leaves the parent's descriptor alone;
 * - a closed number is the lowest free one: the next pipe2 takes it, and
 *   accept4 on that pipe is ENOTSOCK (what the fuzzer saw);
 * - a call blocked on a descriptor keeps its file when another thread
 *   closes the number, dup2s over it, reuses it, or grows the table: the
 *   blocked read, write, accept4 and epoll_wait finish on the old file;
 *   a poll across a close wakes on the old file and reports POLLNVAL, and
 *   an epoll item goes with its file's last descriptor.
 * Prints "fdtable_calls: N checks, M failed".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glibc_check.h"

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* A blocking TCP listener on 127.0.0.1, its port in *port. */
static int listener(unsigned short *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(fd, 8) || getsockname(fd, (struct sockaddr *)&sin, &len))
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

static int connect_to(unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int wait_status(pid_t pid)
{
	int status = -1;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* The child accepts on the listener it inherited; blocked, SIGTERM ends it. */
static void check_fork_listener(void)
{
	unsigned short port;
	int l = listener(&port), sync[2], c;
	pid_t pid;
	char b = 0;

	CHECK(l >= 0 && pipe(sync) == 0, "listener, pipe");
	pid = fork();
	if (pid == 0) {
		int a = accept4(l, NULL, NULL, 0);

		_exit(a >= 0 && write(a, "k", 1) == 1 ? 0 : 100 + errno % 100);
	}
	c = connect_to(port);
	CHECK(c >= 0 && read(c, &b, 1) == 1 && b == 'k', "the child accepted our connect");
	CHECK(wait_status(pid) == 0, "child's accept4 on the inherited listener");
	close(c);

	pid = fork();
	if (pid == 0) {
		close(sync[0]);
		CHECK(write(sync[1], "r", 1) == 1, "sync");
		accept4(l, NULL, NULL, 0);
		_exit(99);
	}
	close(sync[1]);
	CHECK(read(sync[0], &b, 1) == 1, "child about to block");
	pause_ms(50);
	kill(pid, SIGTERM);
	c = wait_status(pid);
	CHECK(WIFSIGNALED(c) && WTERMSIG(c) == SIGTERM, "blocked accept4 killed: status %#x", c);
	close(sync[0]);
	close(l);
}

/* The fuzzer's sequence with its model fixed the wrong way round: the
 * listener's number closed, then the next pipe2 takes it. */
static void check_number_reuse(void)
{
	unsigned short port;
	int l = listener(&port), p[2], status;
	pid_t pid;

	CHECK(l >= 0, "listener");
	close(l);
	CHECK(pipe2(p, 0) == 0 && p[0] == l, "pipe2 takes the lowest free number: %d (was %d)",
	      p[0], l);
	CHECK_ERR(accept4(p[0], NULL, NULL, 0), ENOTSOCK, "accept4 on a pipe");
	pid = fork();
	if (pid == 0)
		_exit(accept4(l, NULL, NULL, 0) < 0 ? 100 + errno % 100 : 0);
	status = wait_status(pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 100 + ENOTSOCK,
	      "the child's accept4 on the reused number: status %#x", status);
	close(p[0]);
	close(p[1]);
}

/* Numbers past 127, close-on-exec bits, and a close in the child. */
static void check_fork_copies_table(void)
{
	int p[2], status;
	pid_t pid;
	char b = 0;

	CHECK(pipe(p) == 0, "pipe");
	CHECK(dup3(p[1], 128, 0) == 128 && dup3(p[1], 1000, O_CLOEXEC) == 1000, "dup3 high");
	pid = fork();
	if (pid == 0) {
		int ok = fcntl(128, F_GETFD) == 0 && fcntl(1000, F_GETFD) == FD_CLOEXEC &&
			 write(1000, "c", 1) == 1 && close(128) == 0 && close(1000) == 0;

		_exit(ok ? 0 : 1);
	}
	status = wait_status(pid);
	CHECK(status == 0, "child sees 128 and 1000 (cloexec): status %#x", status);
	CHECK(read(p[0], &b, 1) == 1 && b == 'c', "child's write through 1000");
	CHECK(fcntl(128, F_GETFD) == 0 && fcntl(1000, F_GETFD) == FD_CLOEXEC,
	      "the child's close left ours");
	close(128);
	close(1000);
	close(p[0]);
	close(p[1]);
}

/* ---- a call blocked on a descriptor another thread changes ----------------- */

struct blocked {
	int how, fd;
	volatile long result;
	volatile int started;
};

enum { B_READ, B_WRITE, B_ACCEPT, B_EPOLL, B_POLL };

static void *blocked_call(void *arg)
{
	struct blocked *b = arg;
	char buf[8];
	static char fill[65536];
	struct epoll_event ev;

	b->started = 1;
	switch (b->how) {
	case B_READ:
		b->result = read(b->fd, buf, sizeof(buf));
		break;
	case B_WRITE:
		b->result = write(b->fd, fill, sizeof(fill));
		break;
	case B_ACCEPT:
		b->result = accept4(b->fd, NULL, NULL, 0);
		break;
	case B_POLL: {
		struct pollfd p = { .fd = b->fd, .events = POLLIN };

		b->result = poll(&p, 1, 5000);
		if (b->result == 1)
			b->result = p.revents;
		break;
	}
	default:
		b->result = epoll_wait(b->fd, &ev, 1, b->how == B_EPOLL ? 5000 : 300);
		if (b->result == 1)
			b->result = (long)ev.data.u32;
	}
	if (b->result < 0)
		b->result = -errno;
	return NULL;
}

static void start_blocked(pthread_t *t, struct blocked *b, int how, int fd)
{
	b->how = how;
	b->fd = fd;
	b->result = -1000;
	b->started = 0;
	pthread_create(t, NULL, blocked_call, b);
	while (!b->started)
		pause_ms(1);
	pause_ms(50); /* in the call, asleep */
}

static int high_fd; /* a number far past the table's size: dup2 there grows it */

/* What the other thread does to the number while the call sleeps. */
enum { T_CLOSE, T_DUP2_OVER, T_REUSE, T_GROW, T_NCHANGES };
static const char *const change_name[] = { "close", "dup2 over", "close and reuse", "grow" };

static void change_number(int how, int fd, int *spare)
{
	int q[2];

	switch (how) {
	case T_CLOSE:
		close(fd);
		break;
	case T_DUP2_OVER:
		CHECK(pipe(q) == 0 && dup2(q[0], fd) == fd, "dup2 over the blocked fd");
		close(q[0]);
		spare[0] = q[1];
		spare[1] = fd;
		break;
	case T_REUSE:
		close(fd);
		CHECK(pipe(q) == 0 && q[0] == fd, "the number reused: %d (want %d)", q[0], fd);
		spare[0] = q[0];
		spare[1] = q[1];
		break;
	default:
		CHECK(dup2(fd, high_fd) == high_fd, "grow the table to %d", high_fd);
		spare[0] = high_fd;
	}
}

static void close_spares(int *spare)
{
	for (int i = 0; i < 2; i++)
		if (spare[i] >= 0)
			close(spare[i]);
}

static void check_blocked_read(int change)
{
	int p[2], spare[2] = { -1, -1 };
	struct blocked b;
	pthread_t t;

	CHECK(pipe(p) == 0, "pipe");
	start_blocked(&t, &b, B_READ, p[0]);
	change_number(change, p[0], spare);
	CHECK(write(p[1], "x", 1) == 1, "write the old pipe");
	pthread_join(t, NULL);
	CHECK(b.result == 1, "read blocked across %s: %ld", change_name[change], b.result);
	if (change != T_CLOSE && change != T_DUP2_OVER && change != T_REUSE)
		close(p[0]);
	close(p[1]);
	close_spares(spare);
}

static void check_blocked_write(int change)
{
	static char fill[65536];
	int p[2], spare[2] = { -1, -1 };
	struct blocked b;
	pthread_t t;
	long drained = 0, n;

	CHECK(pipe(p) == 0, "pipe");
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	while (write(p[1], fill, sizeof(fill)) > 0)
		;
	fcntl(p[1], F_SETFL, 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	start_blocked(&t, &b, B_WRITE, p[1]);
	change_number(change, p[1], spare);
	for (long end = now_ms() + 5000; b.result == -1000 && now_ms() < end;) {
		n = read(p[0], fill, sizeof(fill));
		if (n > 0)
			drained += n;
		else
			pause_ms(1);
	}
	pthread_join(t, NULL);
	CHECK(b.result > 0, "write blocked across %s: %ld (drained %ld)", change_name[change],
	      b.result, drained);
	if (change == T_GROW)
		close(p[1]);
	close(p[0]);
	close_spares(spare);
}

static void check_blocked_accept(int change)
{
	unsigned short port;
	int l = listener(&port), c, spare[2] = { -1, -1 };
	struct blocked b;
	pthread_t t;

	CHECK(l >= 0, "listener");
	start_blocked(&t, &b, B_ACCEPT, l);
	change_number(change, l, spare);
	c = connect_to(port);
	CHECK(c >= 0, "connect to the listener a blocked accept4 holds (%s)", change_name[change]);
	pthread_join(t, NULL);
	CHECK(b.result >= 0, "accept4 blocked across %s: %ld", change_name[change], b.result);
	if (b.result >= 0)
		close((int)b.result);
	if (c >= 0)
		close(c);
	if (change == T_GROW)
		close(l);
	else
		CHECK(connect_to(port) < 0 && errno == ECONNREFUSED,
		      "the listener went with the last reference (%s)", change_name[change]);
	close_spares(spare);
}

static void check_blocked_epoll(int change)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 77 };
	int p[2], ep = epoll_create1(0), spare[2] = { -1, -1 };
	struct blocked b;
	pthread_t t;

	CHECK(ep >= 0 && pipe(p) == 0 && epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "epoll");
	start_blocked(&t, &b, B_EPOLL, ep);
	change_number(change, ep, spare);
	CHECK(write(p[1], "x", 1) == 1, "write the watched pipe");
	pthread_join(t, NULL);
	CHECK(b.result == 77, "epoll_wait blocked across %s: %ld", change_name[change], b.result);
	if (change == T_GROW)
		close(ep);
	close(p[0]);
	close(p[1]);
	close_spares(spare);
}

/* poll sleeping on a descriptor another thread closes: it keeps sleeping
 * (the file is held), the old pipe's write wakes it, and the number, gone
 * now, is POLLNVAL. epoll_wait on an item whose file's last descriptor goes:
 * the item goes with it, nothing is reported. */
static void check_poll_and_epoll_items(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 5 };
	int p[2], ep = epoll_create1(0);
	struct blocked b;
	pthread_t t;

	CHECK(pipe(p) == 0, "pipe");
	start_blocked(&t, &b, B_POLL, p[0]);
	close(p[0]);
	pause_ms(50);
	CHECK(b.result == -1000, "poll woke on the close: %ld", b.result);
	CHECK(write(p[1], "x", 1) == 1, "write the old pipe");
	pthread_join(t, NULL);
	CHECK(b.result == POLLNVAL, "poll across close: revents %#lx", b.result);
	close(p[1]);

	CHECK(ep >= 0 && pipe(p) == 0 && epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "epoll");
	start_blocked(&t, &b, B_EPOLL + 10, ep);
	close(p[0]); /* the last reference: the item goes */
	CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE, "the reader is gone");
	pthread_join(t, NULL);
	CHECK(b.result == 0, "epoll_wait after its item's file went: %ld", b.result);
	close(p[1]);
	close(ep);
}

int main(void)
{
	struct rlimit rl;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	high_fd = (int)rl.rlim_cur - 1;
	CHECK(high_fd >= 4000, "RLIMIT_NOFILE %ld", (long)rl.rlim_cur);
	check_fork_listener();
	check_number_reuse();
	check_fork_copies_table();
	for (int change = 0; change < T_NCHANGES; change++) {
		check_blocked_read(change);
		check_blocked_write(change);
		check_blocked_accept(change);
		check_blocked_epoll(change);
	}
	check_poll_and_epoll_items();
	return check_summary("fdtable_calls");
}
