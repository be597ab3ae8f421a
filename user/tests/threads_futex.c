/*
 * futex(2) as glibc and Linux programs use it, with processes sharing
 * MAP_SHARED memory (glibc-static; run by test/qemu/test_threads.py):
 * errors (EAGAIN, EINVAL, EFAULT, ETIMEDOUT, EINTR, ENOSYS), relative and
 * absolute timeouts on both clocks, wake, cmp-requeue and wake-op between
 * processes, robust process-shared mutexes whose owner dies (EOWNERDEAD),
 * clear_child_tid's wake, the robust-list calls, and getaddrinfo against
 * /etc/hosts.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glibc_check.h"

static long futex(void *uaddr, int op, unsigned val, const void *timeout_or_val2, void *uaddr2,
		  unsigned val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

/* One page shared with children: futex words and handshakes. */
struct shared {
	uint32_t word, word2, ready, ctid;
	pthread_mutex_t robust;
};
static struct shared *sh;

static struct timespec ms_ts(long ms)
{
	return (struct timespec){ ms / 1000, (ms % 1000) * 1000000L };
}

static void errors(void)
{
	uint32_t w = 1;
	struct timespec bad = { 0, 1000000000L }, t = ms_ts(10);

	CHECK_ERR(futex(&w, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0), EAGAIN, "wait on a changed word");
	CHECK_ERR(futex((char *)&w + 1, FUTEX_WAIT, 1, NULL, NULL, 0), EINVAL, "unaligned");
	CHECK_ERR(futex(NULL, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT, "NULL word");
	CHECK_ERR(futex(&w, FUTEX_WAIT, 1, &bad, NULL, 0), EINVAL, "tv_nsec 1e9");
	CHECK_ERR(futex(&w, FUTEX_WAIT, 1, (void *)8, NULL, 0), EFAULT, "bad timeout pointer");
	CHECK_ERR(futex(&w, FUTEX_WAIT_BITSET, 1, &t, NULL, 0), EINVAL, "bitset 0");
	CHECK_ERR(futex(&w, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL, "wake bitset 0");
	CHECK_ERR(futex(&w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS,
		  "wake with CLOCK_REALTIME");
	CHECK_ERR(futex(&w, 99, 1, NULL, NULL, 0), ENOSYS, "unknown op");
	CHECK_ERR(futex(&w, FUTEX_CMP_REQUEUE, 1, (void *)1, &w, 7), EAGAIN, "cmp_requeue value");
	CHECK_ERR(futex(&w, FUTEX_REQUEUE, -1, (void *)1, &w, 0), EINVAL, "negative nr_wake");
	CHECK(futex(&w, FUTEX_WAKE, 1, NULL, NULL, 0) == 0, "wake with no sleeper");
	CHECK(futex(&w, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0) == 0, "private wake");
	CHECK_ERR(syscall(SYS_set_robust_list, NULL, 12), EINVAL, "set_robust_list len");
}

static void timeouts(void)
{
	uint32_t w = 0;
	struct timespec t = ms_ts(60), abs;
	long long t0 = now_ms();

	CHECK_ERR(futex(&w, FUTEX_WAIT_PRIVATE, 0, &t, NULL, 0), ETIMEDOUT, "relative 60 ms");
	CHECK(now_ms() - t0 >= 59, "relative timeout after %lld ms", now_ms() - t0);
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 40000000L;
	if (abs.tv_nsec >= 1000000000L) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000L;
	}
	t0 = now_ms();
	CHECK_ERR(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY),
		  ETIMEDOUT, "absolute monotonic");
	CHECK(now_ms() - t0 >= 35, "absolute monotonic after %lld ms", now_ms() - t0);
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec += 0;
	abs.tv_nsec += 40000000L;
	if (abs.tv_nsec >= 1000000000L) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000L;
	}
	t0 = now_ms();
	CHECK_ERR(futex(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &abs, NULL, ~0u),
		  ETIMEDOUT, "absolute realtime");
	CHECK(now_ms() - t0 >= 35 && now_ms() - t0 < 5000, "absolute realtime after %lld ms",
	      now_ms() - t0);
	abs = (struct timespec){ 1, 0 }; /* long past */
	CHECK_ERR(futex(&w, FUTEX_WAIT_BITSET, 0, &abs, NULL, ~0u), ETIMEDOUT, "past deadline");
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void eintr(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	struct itimerval it = { .it_value = { 0, 30000 } };
	uint32_t w = 0;

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	CHECK_ERR(futex(&w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EINTR, "untimed wait + SIGALRM");
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec t = ms_ts(5000);
	CHECK_ERR(futex(&w, FUTEX_WAIT_PRIVATE, 0, &t, NULL, 0), EINTR, "timed wait + SIGALRM");
}

static pid_t spawn(int (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	return pid;
}

static int child_wait_word(void)
{
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_SEQ_CST);
	return futex(&sh->word, FUTEX_WAIT, 0, NULL, NULL, 0) == 0 ? 0 : 10 + errno;
}

/* Wake, between processes: the wake finds the sleeping child. */
static void shared_wake(void)
{
	long long end = now_ms() + 5000;
	long n = 0;
	pid_t c;

	sh->word = 0;
	sh->ready = 0;
	c = spawn(child_wait_word);
	while (!sh->ready)
		sched_yield();
	while ((n = futex(&sh->word, FUTEX_WAKE, 1, NULL, NULL, 0)) == 0 && now_ms() < end)
		sched_yield();
	CHECK(n == 1, "wake found %ld sleepers", n);
	CHECK(reap(c) == 0, "child's wait did not return 0");
}

/* CMP_REQUEUE two sleeping children from word to word2, then wake word2. */
static void requeue(void)
{
	long long end = now_ms() + 5000;
	long moved = 0, n;
	pid_t c1, c2;

	sh->word = 0;
	sh->ready = 0;
	c1 = spawn(child_wait_word);
	c2 = spawn(child_wait_word);
	while (moved < 2 && now_ms() < end) {
		n = futex(&sh->word, FUTEX_CMP_REQUEUE, 0, (void *)(long)INT_MAX, &sh->word2, 0);
		CHECK(n >= 0, "cmp_requeue");
		moved += n > 0 ? n : 0;
		sched_yield();
	}
	CHECK(moved == 2, "requeued %ld", moved);
	CHECK(futex(&sh->word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0) == 0, "word emptied");
	n = futex(&sh->word2, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	CHECK(n == 2, "woke %ld on word2", n);
	CHECK(reap(c1) == 0 && reap(c2) == 0, "requeued children");
	/* REQUEUE with nr_wake 1: one sleeper woken on the spot. */
	sh->ready = 0;
	c1 = spawn(child_wait_word);
	n = 0;
	while (n == 0 && now_ms() < end) {
		n = futex(&sh->word, FUTEX_REQUEUE, 1, (void *)0L, &sh->word2, 0);
		sched_yield();
	}
	CHECK(n == 1, "requeue with nr_wake 1 gave %ld", n);
	CHECK(reap(c1) == 0, "woken by requeue");
}

static int child_wait_word2(void)
{
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_SEQ_CST);
	return futex(&sh->word2, FUTEX_WAIT, 5, NULL, NULL, 0) == 0 ? 0 : 10 + errno;
}

#define WAKE_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

static void wake_op(void)
{
	uint32_t a = 0, b = 5;
	long long end = now_ms() + 5000;
	long n = 0;
	pid_t c;

	CHECK(futex(&a, FUTEX_WAKE_OP, 1, (void *)1, &b, WAKE_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 5)) == 0,
	      "wake_op add");
	CHECK(b == 8, "b = %u after add 3", b);
	futex(&a, FUTEX_WAKE_OP, 1, (void *)1, &b,
	      WAKE_OP(FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_NE, 0));
	CHECK(b == 24, "b = %u after or 1<<4", b);
	CHECK_ERR(futex(&a, FUTEX_WAKE_OP, 1, (void *)1, &b, WAKE_OP(7, 0, 0, 0)), ENOSYS, "bad op");
	CHECK_ERR(futex(&a, FUTEX_WAKE_OP, 1, (void *)1, &b, WAKE_OP(0, 0, 9, 0)), ENOSYS, "bad cmp");
	CHECK_ERR(futex(&a, FUTEX_WAKE_OP, 1, (void *)1, (void *)16, 0), EFAULT, "bad uaddr2");
	/* A child asleep on word2 (5): set it to 6, compare old == 5 wakes it. */
	sh->word2 = 5;
	sh->ready = 0;
	c = spawn(child_wait_word2);
	while (!sh->ready)
		sched_yield();
	while (n == 0 && now_ms() < end) {
		n = futex(&sh->word, FUTEX_WAKE_OP, 1, (void *)1, &sh->word2,
			  WAKE_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 5));
		sched_yield();
	}
	CHECK(n == 1, "wake_op woke %ld", n);
	CHECK(reap(c) == 0, "wake_op child");
}

static int child_lock_and_die(void)
{
	if (pthread_mutex_lock(&sh->robust))
		return 2;
	sh->ready = 1;
	while (sh->word == 0) /* until the parent is about to block on it */
		sched_yield();
	usleep(50000);
	_exit(0); /* holding the lock */
}

static void robust(void)
{
	pthread_mutexattr_t a;
	pid_t c;
	int r;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&sh->robust, &a);
	/* The owner dies while we sleep on the lock. */
	sh->word = sh->ready = 0;
	c = spawn(child_lock_and_die);
	while (!sh->ready)
		sched_yield();
	sh->word = 1;
	r = pthread_mutex_lock(&sh->robust);
	CHECK(r == EOWNERDEAD, "lock after the owner died asleep: %d", r);
	CHECK(pthread_mutex_consistent(&sh->robust) == 0, "consistent");
	CHECK(pthread_mutex_unlock(&sh->robust) == 0, "unlock");
	CHECK(reap(c) == 0, "robust child");
	/* The owner is gone before we try. */
	sh->word = 1;
	sh->ready = 0;
	c = spawn(child_lock_and_die);
	CHECK(reap(c) == 0, "robust child 2");
	r = pthread_mutex_trylock(&sh->robust);
	CHECK(r == EOWNERDEAD, "trylock after the owner died: %d", r);
	pthread_mutex_consistent(&sh->robust);
	pthread_mutex_unlock(&sh->robust);
	void *head = NULL;
	size_t len = 0;
	CHECK(syscall(SYS_get_robust_list, 0, &head, &len) == 0 && head && len == 24,
	      "get_robust_list: %p %zu", head, len);
	CHECK_ERR(syscall(SYS_get_robust_list, 99999, &head, &len), ESRCH, "get_robust_list pid");
}

/* clear_child_tid of a forked child: CLONE_CHILD_SETTID stores its tid in
 * the (shared) word; at exit Linux clears it only if the address space has
 * other users (mm_release), which a fork child's has not: the word keeps
 * the tid. (Threads' clearing is what pthread_join waits for: see
 * threads_pthread.) */
static void clear_child_tid(void)
{
	long pid = syscall(SYS_clone, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, NULL,
			   NULL, NULL, &sh->ctid);

	if (pid == 0)
		_exit(0);
	CHECK(pid > 0, "clone");
	CHECK(reap((pid_t)pid) == 0, "cleartid child");
	CHECK(sh->ctid == (uint32_t)pid, "ctid is %u, child %ld", sh->ctid, pid);
}

static void resolve(void)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
	int r = getaddrinfo("localhost", "80", &hints, &res);
	char buf[64] = "";

	CHECK(r == 0 && res, "getaddrinfo(localhost): %d %s", r, gai_strerror(r));
	if (r == 0 && res) {
		struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;

		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
		CHECK(strcmp(buf, "127.0.0.1") == 0 && ntohs(sin->sin_port) == 80, "localhost is %s", buf);
		freeaddrinfo(res);
	}
	printf("getaddrinfo localhost: %s\n", buf);
}

int main(void)
{
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	errors();
	timeouts();
	eintr();
	shared_wake();
	requeue();
	wake_op();
	robust();
	clear_child_tid();
	resolve();
	return check_summary("threads_futex");
}
