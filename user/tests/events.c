/*
 * Event descriptors (run by test/qemu/test_events.py). Plain Linux API: it
 * also builds against glibc.
 *   events            epoll/eventfd/timerfd semantics and errnos; prints
 *                     "events: N checks, M failed"
 *   events srv PORT et|lt   an epoll TCP echo server (non-blocking, accept4);
 *                     a line "quit" ends it after it was echoed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define CHECK_ERR(expr, e) CHECK((expr) == -1 && errno == (e), #expr " -> " #e)

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ep_add(int ep, int fd, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.fd = fd };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int wait0(int ep, struct epoll_event *out, int ms)
{
	return epoll_wait(ep, out, 8, ms);
}

static void test_errnos(void)
{
	struct epoll_event e = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC), ep2 = epoll_create1(0), p[2];
	int reg = open("/etc/hosts", O_RDONLY);

	CHECK(ep >= 0 && ep2 >= 0, "epoll_create1");
	CHECK((fcntl(ep, F_GETFD) & FD_CLOEXEC) && !(fcntl(ep2, F_GETFD) & FD_CLOEXEC), "CLOEXEC");
	CHECK_ERR(epoll_create1(1), EINVAL);
	CHECK_ERR(epoll_create(0), EINVAL);
	CHECK(pipe(p) == 0 && reg >= 0, "pipe/open");
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e), EINVAL);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, reg, &e), EPERM);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &e), EBADF);
	CHECK_ERR(epoll_ctl(999, EPOLL_CTL_ADD, p[0], &e), EBADF);
	CHECK_ERR(epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &e), EINVAL);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e), ENOENT);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], &e), ENOENT);
	CHECK(ep_add(ep, p[0], EPOLLIN) == 0, "add");
	CHECK_ERR(ep_add(ep, p[0], EPOLLIN), EEXIST);
	CHECK_ERR(epoll_ctl(ep, 77, p[0], &e), EINVAL);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], (void *)8), EFAULT);
	CHECK(ep_add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE) == 0, "EPOLLEXCLUSIVE accepted");
	e.events = EPOLLOUT;
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &e), EINVAL);
	CHECK_ERR(ep_add(ep2, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT), EINVAL);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0, "del");
	CHECK_ERR(epoll_wait(ep, &e, 0, 0), EINVAL);
	CHECK_ERR(epoll_wait(p[0], &e, 1, 0), EINVAL);
	CHECK_ERR(epoll_wait(999, &e, 1, 0), EBADF);
	CHECK_ERR(epoll_wait(ep, (void *)8, 1, 0), EFAULT);
	/* nesting: ep2 in ep is fine, ep in ep2 then is a loop */
	CHECK(ep_add(ep, ep2, EPOLLIN) == 0, "nest");
	CHECK_ERR(ep_add(ep2, ep, EPOLLIN), ELOOP);
	close(reg);
	close(p[0]);
	close(p[1]);
	close(ep);
	close(ep2);
}

static void test_pipe_modes(void)
{
	struct epoll_event out[8];
	int p[2], lt = epoll_create1(0), et = epoll_create1(0), os = epoll_create1(0);
	char buf[16];

	CHECK(pipe(p) == 0, "pipe");
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	CHECK(ep_add(lt, p[0], EPOLLIN) == 0 && ep_add(et, p[0], EPOLLIN | EPOLLET) == 0 &&
	      ep_add(os, p[0], EPOLLIN | EPOLLONESHOT) == 0, "adds");
	CHECK(wait0(lt, out, 0) == 0 && wait0(et, out, 0) == 0, "nothing yet");
	CHECK(write(p[1], "ab", 2) == 2, "write");
	CHECK(wait0(lt, out, 0) == 1 && out[0].data.fd == p[0] && out[0].events == EPOLLIN, "lt 1");
	CHECK(wait0(lt, out, 0) == 1, "lt again");
	CHECK(wait0(et, out, 0) == 1, "et 1");
	CHECK(wait0(et, out, 0) == 0, "et not again");
	CHECK(wait0(os, out, 0) == 1 && wait0(os, out, 0) == 0, "oneshot once");
	CHECK(write(p[1], "c", 1) == 1, "write 2");
	CHECK(wait0(et, out, 0) == 1, "et after new data");
	CHECK(wait0(os, out, 0) == 0, "oneshot disabled");
	struct epoll_event m = { .events = EPOLLIN | EPOLLONESHOT, .data.fd = p[0] };
	CHECK(epoll_ctl(os, EPOLL_CTL_MOD, p[0], &m) == 0 && wait0(os, out, 0) == 1, "rearm");
	CHECK(read(p[0], buf, sizeof(buf)) == 3, "drain");
	CHECK(wait0(lt, out, 0) == 0, "lt drained");
	/* a blocking wait woken by a writer child */
	if (fork() == 0) {
		usleep(100000);
		write(p[1], "x", 1);
		_exit(0);
	}
	long t0 = now_ms();
	int n = wait0(lt, out, 5000);
	CHECK(n == 1 && now_ms() - t0 >= 50 && now_ms() - t0 < 4000, "blocking wait n=%d", n);
	/* writer closed: EPOLLHUP once the data is gone */
	close(p[1]);
	read(p[0], buf, sizeof(buf));
	sleep(0);
	n = wait0(lt, out, 1000);
	CHECK(n == 1 && (out[0].events & EPOLLHUP), "hup n=%d ev=%x", n, n > 0 ? out[0].events : 0);
	/* closing the registered fd removes it */
	close(p[0]);
	CHECK(wait0(lt, out, 0) == 0, "closed fd gone");
	CHECK(pipe(p) == 0 && ep_add(lt, p[0], EPOLLIN) == 0, "same fd number again");
	close(p[0]);
	close(p[1]);
	/* timeout */
	t0 = now_ms();
	CHECK(wait0(lt, out, 200) == 0 && now_ms() - t0 >= 150, "timeout");
	close(lt);
	close(et);
	close(os);
}

static void test_eventfd(void)
{
	struct epoll_event out[8];
	uint64_t v;
	int ep = epoll_create1(0), fd = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
	int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);

	CHECK(fd >= 0 && sem >= 0, "eventfd");
	CHECK_ERR(eventfd(0, 0x100), EINVAL);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC, "cloexec");
	CHECK(read(fd, &v, 8) == 8 && v == 3, "read 3");
	CHECK_ERR(read(fd, &v, 8), EAGAIN);
	CHECK_ERR(read(fd, &v, 4), EINVAL);
	v = ~0ULL;
	CHECK_ERR(write(fd, &v, 8), EINVAL);
	CHECK(ep_add(ep, fd, EPOLLIN | EPOLLET) == 0, "add");
	CHECK(wait0(ep, out, 0) == 0, "not readable");
	v = 5;
	CHECK(write(fd, &v, 8) == 8 && write(fd, &v, 8) == 8, "write");
	CHECK(wait0(ep, out, 0) == 1 && out[0].events == EPOLLIN, "readable");
	CHECK(read(fd, &v, 8) == 8 && v == 10, "sum 10");
	v = 0xfffffffffffffffeULL;
	CHECK(write(fd, &v, 8) == 8, "max");
	v = 1;
	CHECK_ERR(write(fd, &v, 8), EAGAIN);
	CHECK(read(sem, &v, 8) == 8 && v == 1 && read(sem, &v, 8) == 8 && v == 1, "semaphore");
	CHECK_ERR(read(sem, &v, 8), EAGAIN);
	/* a blocked reader woken by a write from a child */
	int b = eventfd(0, 0);
	if (fork() == 0) {
		usleep(50000);
		v = 7;
		write(b, &v, 8);
		_exit(0);
	}
	CHECK(read(b, &v, 8) == 8 && v == 7, "blocking read");
	close(b);
	close(fd);
	close(sem);
	close(ep);
}

static void test_timerfd(void)
{
	struct epoll_event out[8];
	struct itimerspec its = { .it_value = { 0, 100000000 }, .it_interval = { 0, 20000000 } };
	struct itimerspec cur;
	uint64_t v;
	int ep = epoll_create1(0), t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);

	CHECK(t >= 0, "timerfd_create");
	CHECK_ERR(timerfd_create(99, 0), EINVAL);
	CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 0x10), EINVAL);
	CHECK_ERR(read(t, &v, 8), EAGAIN);
	CHECK(timerfd_gettime(t, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
	      "disarmed");
	CHECK(ep_add(ep, t, EPOLLIN) == 0, "add");
	long t0 = now_ms();
	CHECK(timerfd_settime(t, 0, &its, NULL) == 0, "settime");
	CHECK(timerfd_gettime(t, &cur) == 0 && cur.it_value.tv_nsec > 0 &&
	      cur.it_interval.tv_nsec == 20000000, "gettime");
	CHECK(wait0(ep, out, 3000) == 1 && now_ms() - t0 >= 90, "epoll wakes on expiry");
	usleep(200000);
	CHECK(read(t, &v, 8) == 8 && v >= 5 && v <= 20, "expirations %llu", (unsigned long long)v);
	its.it_value.tv_nsec = 0;
	CHECK(timerfd_settime(t, 0, &its, &cur) == 0 && cur.it_interval.tv_nsec == 20000000, "old");
	CHECK_ERR(read(t, &v, 8), EAGAIN);
	/* absolute, realtime, blocking read */
	int r = timerfd_create(CLOCK_REALTIME, 0);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	its = (struct itimerspec){ .it_value = { now.tv_sec, now.tv_nsec } };
	its.it_value.tv_nsec += 100000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	t0 = now_ms();
	CHECK(timerfd_settime(r, TFD_TIMER_ABSTIME, &its, NULL) == 0, "abstime");
	CHECK(read(r, &v, 8) == 8 && v == 1 && now_ms() - t0 >= 50, "abs read");
	its.it_value.tv_nsec = 1000000000;
	CHECK_ERR(timerfd_settime(r, 0, &its, NULL), EINVAL);
	CHECK_ERR(timerfd_settime(ep, 0, &its, NULL), EINVAL);
	close(r);
	close(t);
	close(ep);
}

static void test_nested(void)
{
	struct epoll_event out[8];
	int outer = epoll_create1(0), inner = epoll_create1(0), p[2];
	int chain[7];

	CHECK(pipe(p) == 0 && ep_add(inner, p[0], EPOLLIN) == 0 &&
	      ep_add(outer, inner, EPOLLIN) == 0, "setup");
	CHECK(wait0(outer, out, 0) == 0, "inner idle");
	write(p[1], "x", 1);
	CHECK(wait0(outer, out, 1000) == 1 && out[0].data.fd == inner, "inner ready");
	CHECK(wait0(inner, out, 0) == 1 && out[0].data.fd == p[0], "pipe ready");
	/* a chain deeper than Linux's bound is refused */
	int ok = 0, i;
	for (i = 0; i < 7; i++)
		chain[i] = epoll_create1(0);
	for (i = 1; i < 7; i++) {
		if (ep_add(chain[i], chain[i - 1], EPOLLIN) != 0)
			break;
		ok++;
	}
	CHECK(ok >= 3 && ok < 6 && errno == ELOOP, "depth bound at %d", ok);
	for (i = 0; i < 7; i++)
		close(chain[i]);
	close(p[0]);
	close(p[1]);
	close(inner);
	close(outer);
}

/* Is pid asleep (state S in /proc/PID/stat)? Waits up to 5 s for it. */
static int wait_asleep(int pid)
{
	char path[32], buf[128], *c;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (int i = 0; i < 500; i++) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = 0;
		c = strrchr(buf, ')');
		if (c && c[1] == ' ' && c[2] == 'S')
			return 1;
		usleep(10000);
	}
	return 0;
}

/* EPOLLEXCLUSIVE (LTP's epoll_wait16): one pipe in the instances of four
 * sleeping processes, each added exclusive; every write wakes one. */
static void test_exclusive(void)
{
	int p[2], done[2], pids[4], woken = 0;
	char c;

	CHECK(pipe(p) == 0 && pipe(done) == 0, "pipes");
	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct epoll_event e;
			int ep = epoll_create1(0);

			ep_add(ep, p[0], EPOLLIN | EPOLLET | EPOLLEXCLUSIVE);
			if (epoll_wait(ep, &e, 1, 5000) == 1)
				write(done[1], "w", 1);
			_exit(0);
		}
	}
	for (int i = 0; i < 4; i++)
		CHECK(pids[i] > 0 && wait_asleep(pids[i]), "waiter %d asleep", i);
	fcntl(done[0], F_SETFL, O_NONBLOCK);
	for (int round = 1; round <= 2; round++) {
		write(p[1], "x", 1);
		usleep(300000); /* time for more than one to wake, if they did */
		while (read(done[0], &c, 1) == 1)
			woken++;
		CHECK(woken == round, "write %d woke %d waiters in all", round, woken);
		read(p[0], &c, 1);
	}
	for (int i = 0; i < 4; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	close(p[0]), close(p[1]), close(done[0]), close(done[1]);
}

/* ---- echo server --------------------------------------------------------- */

static int serve(int port, int edge)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct epoll_event out[32];
	int one = 1, ep = epoll_create1(0), ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int conns = 0, peak = 0, open_now = 0, quit = 0;
	uint32_t mode = edge ? EPOLLET : 0;

	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 128) || ep_add(ep, ls, EPOLLIN | mode)) {
		perror("events srv");
		return 1;
	}
	printf("events_srv: ready\n");
	fflush(stdout);
	while (!quit || open_now) {
		int n = epoll_wait(ep, out, 32, -1);

		for (int i = 0; i < n; i++) {
			int fd = out[i].data.fd;

			if (fd == ls) {
				int c;
				while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					ep_add(ep, c, EPOLLIN | EPOLLRDHUP | mode);
					conns++;
					if (++open_now > peak)
						peak = open_now;
				}
				continue;
			}
			char buf[2048];
			ssize_t r;
			for (;;) {
				r = read(fd, buf, sizeof(buf));
				if (r <= 0)
					break;
				if (r >= 4 && !memcmp(buf, "quit", 4))
					quit = 1;
				write(fd, buf, (size_t)r);
				if (!edge)
					break;
			}
			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				close(fd); /* removes it from ep */
				open_now--;
			}
		}
	}
	printf("events_srv: done conns=%d peak=%d\n", conns, peak);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "srv"))
		return serve(atoi(argv[2]), !strcmp(argv[3], "et"));
	setvbuf(stdout, NULL, _IONBF, 0);
	test_errnos();
	test_pipe_modes();
	test_eventfd();
	test_timerfd();
	test_nested();
	test_exclusive();
	printf("events: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
