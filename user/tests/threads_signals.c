/*
 * Waiting for signals with threads (glibc-static; run by
 * test/qemu/test_threads.py): sigpending per thread, sigtimedwait (a
 * signal, a timeout, EAGAIN at once), sigwaitinfo in one thread taking a
 * signal sent to the process that every thread blocks, sigsuspend (EINTR
 * after the handler, mask restored), and signalfd: nonblocking read, poll,
 * epoll, a blocking read in a thread woken by kill, mask updates and
 * errors.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "glibc_check.h"

static sigset_t usr12;

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void test_timedwait(void)
{
	struct timespec t50 = { 0, 50000000 }, zero = { 0, 0 }, bad = { 0, -1 };
	siginfo_t si;
	sigset_t pend;
	long long t0;

	CHECK(kill(getpid(), SIGUSR1) == 0, "kill");
	sigpending(&pend);
	CHECK(sigismember(&pend, SIGUSR1), "SIGUSR1 not pending");
	memset(&si, 0, sizeof(si));
	CHECK(sigtimedwait(&usr12, &si, &t50) == SIGUSR1, "sigtimedwait");
	CHECK(si.si_signo == SIGUSR1 && si.si_code == SI_USER && si.si_pid == getpid(),
	      "siginfo %d %d %d", si.si_signo, si.si_code, si.si_pid);
	sigpending(&pend);
	CHECK(!sigismember(&pend, SIGUSR1), "SIGUSR1 still pending");
	t0 = now_ms();
	CHECK_ERR(sigtimedwait(&usr12, &si, &t50), EAGAIN, "timeout");
	CHECK(now_ms() - t0 >= 49, "timed out after %lld ms", now_ms() - t0);
	CHECK_ERR(sigtimedwait(&usr12, &si, &zero), EAGAIN, "zero timeout");
	CHECK_ERR(sigtimedwait(&usr12, &si, &bad), EINVAL, "bad timeout");
}

static void *pending_in_thread(void *arg)
{
	volatile int *go = arg;
	sigset_t pend;
	siginfo_t si;

	while (!*go)
		sched_yield();
	sigpending(&pend);
	if (!sigismember(&pend, SIGUSR1))
		return (void *)1;
	int sig = sigwaitinfo(&usr12, &si);
	/* glibc folds SI_TKILL into SI_USER */
	if (sig != SIGUSR1 || si.si_code != SI_USER || si.si_pid != getpid()) {
		printf("sigwaitinfo in the thread: %d (errno %d), code %d\n", sig, errno, si.si_code);
		return (void *)2;
	}
	return NULL;
}

/* A thread-directed signal is pending in that thread only. */
static void test_thread_pending(void)
{
	volatile int go = 0;
	sigset_t pend;
	pthread_t t;
	void *r;

	pthread_create(&t, NULL, pending_in_thread, (void *)&go);
	CHECK(pthread_kill(t, SIGUSR1) == 0, "pthread_kill");
	sigpending(&pend);
	CHECK(!sigismember(&pend, SIGUSR1), "the main thread sees the other's signal");
	go = 1;
	pthread_join(t, &r);
	CHECK(r == NULL, "in the thread: %ld", (long)r);
}

static void *waitinfo(void *arg)
{
	siginfo_t si;

	*(pid_t *)arg = gettid_();
	return (void *)(long)sigwaitinfo(&usr12, &si);
}

/* Every thread blocks SIGUSR2; the one in sigwaitinfo takes it. */
static void test_waitinfo_thread(void)
{
	volatile pid_t tid = 0;
	pthread_t t;
	void *r;

	pthread_create(&t, NULL, waitinfo, (void *)&tid);
	while (!tid)
		sched_yield();
	usleep(20000);
	CHECK(kill(getpid(), SIGUSR2) == 0, "kill");
	pthread_join(t, &r);
	CHECK((long)r == SIGUSR2, "sigwaitinfo in a thread gave %ld", (long)r);
}

static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void test_sigsuspend(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { 0, 20000 } };
	sigset_t none, now;

	sigemptyset(&none);
	sigaction(SIGALRM, &sa, NULL);
	sigaddset(&usr12, SIGALRM);
	sigprocmask(SIG_BLOCK, &usr12, NULL); /* SIGALRM blocked outside sigsuspend */
	alarms = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	CHECK_ERR(sigsuspend(&none), EINTR, "sigsuspend");
	CHECK(alarms == 1, "handler ran %d times", alarms);
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGALRM) && sigismember(&now, SIGUSR1), "mask not restored");
	sigdelset(&usr12, SIGALRM);
	signal(SIGALRM, SIG_DFL);
}

static void *read_blocking(void *arg)
{
	struct signalfd_siginfo si;
	int fd = *(int *)arg;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return (void *)-1L;
	return (void *)(long)si.ssi_signo;
}

static void test_signalfd(void)
{
	struct signalfd_siginfo si[2];
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct pollfd pfd;
	sigset_t only1;
	int fd, fd2, ep, p[2];
	pthread_t t;
	void *r;

	fd = signalfd(-1, &usr12, SFD_NONBLOCK | SFD_CLOEXEC);
	CHECK(fd >= 0, "signalfd");
	CHECK_ERR(read(fd, si, sizeof(si)), EAGAIN, "empty");
	CHECK_ERR(read(fd, si, 64), EINVAL, "short buffer");
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 0, "poll empty");
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR2);
	CHECK(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLIN), "poll ready");
	CHECK(read(fd, si, sizeof(si)) == 2 * sizeof(si[0]), "read two");
	CHECK(si[0].ssi_signo == SIGUSR1 && si[1].ssi_signo == SIGUSR2 &&
	      si[0].ssi_pid == (uint32_t)getpid() && si[0].ssi_code == SI_USER,
	      "records %u %u pid %u", si[0].ssi_signo, si[1].ssi_signo, si[0].ssi_pid);
	/* epoll */
	ep = epoll_create1(0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
	CHECK(epoll_wait(ep, &out, 1, 0) == 0, "epoll empty");
	kill(getpid(), SIGUSR2);
	CHECK(epoll_wait(ep, &out, 1, 1000) == 1, "epoll ready");
	CHECK(read(fd, si, sizeof(si)) == sizeof(si[0]) && si[0].ssi_signo == SIGUSR2, "epoll read");
	/* a mask update: only SIGUSR1 now */
	sigemptyset(&only1);
	sigaddset(&only1, SIGUSR1);
	CHECK(signalfd(fd, &only1, 0) == fd, "update");
	kill(getpid(), SIGUSR2);
	CHECK_ERR(read(fd, si, sizeof(si)), EAGAIN, "SIGUSR2 not in the mask");
	CHECK(sigtimedwait(&usr12, NULL, &(struct timespec){ 0, 0 }) == SIGUSR2, "drain");
	/* a blocking read in a thread, woken by kill */
	fd2 = signalfd(-1, &usr12, 0);
	pthread_create(&t, NULL, read_blocking, &fd2);
	usleep(20000);
	kill(getpid(), SIGUSR1);
	pthread_join(t, &r);
	CHECK((long)r == SIGUSR1, "blocking read in a thread: %ld", (long)r);
	/* errors */
	CHECK_ERR(syscall(SYS_signalfd4, -1, &usr12, 4, 0), EINVAL, "sizemask");
	CHECK_ERR(syscall(SYS_signalfd4, -1, &usr12, 8, 1), EINVAL, "flags");
	CHECK_ERR(syscall(SYS_signalfd4, -1, NULL, 8, 0), EFAULT, "mask pointer");
	CHECK(pipe(p) == 0, "pipe");
	CHECK_ERR(signalfd(p[0], &usr12, 0), EINVAL, "not a signalfd");
	CHECK_ERR(signalfd(999, &usr12, 0), EBADF, "bad fd");
	close(p[0]);
	close(p[1]);
	close(ep);
	close(fd);
	close(fd2);
}

static void never(int sig)
{
	(void)sig;
	printf("FAIL a handler ran for blocked signal %d\n", sig);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = never };

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* We are init, which takes only signals it handles (Linux's
	 * SIGNAL_UNKILLABLE); they stay blocked, so the handler never runs. */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&usr12);
	sigaddset(&usr12, SIGUSR1);
	sigaddset(&usr12, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr12, NULL); /* inherited by every thread */
	test_timedwait();
	test_thread_pending();
	test_waitinfo_thread();
	test_sigsuspend();
	test_signalfd();
	return check_summary("threads_signals");
}
