/*
 * rt_calls: PI futexes and queued real-time signals, as a glibc program
 * booted as init on SIS (-DON_SIS) and run natively on Linux as the
 * reference:
 *   - PTHREAD_PRIO_INHERIT mutexes (FUTEX_LOCK_PI/UNLOCK_PI/TRYLOCK_PI,
 *     LOCK_PI2 for a CLOCK_MONOTONIC timeout): mutual exclusion among
 *     threads, trylock, timedlock's ETIMEDOUT, a robust one whose owner dies
 *     (EOWNERDEAD); the raw calls' EDEADLK, EPERM, EWOULDBLOCK, ESRCH and
 *     the handover in the word; FUTEX_WAIT_REQUEUE_PI/CMP_REQUEUE_PI;
 *   - real-time signals queue: several sigqueue()s of one signal all
 *     arrive, in order, with their values; lower signals first;
 *     rt_sigqueueinfo's and rt_tgsigqueueinfo's checks (EPERM for a
 *     kill()-like si_code to another process, ESRCH, EINVAL); a handler
 *     gets si_code SI_QUEUE, si_pid, si_uid and si_value; RLIMIT_SIGPENDING
 *     bounds the queue (EAGAIN).
 * Prints "rt_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "glibc_check.h"

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts,
		  uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

/* ---- PI mutexes through glibc ---- */

#define THREADS 4
#define ROUNDS 2000

static pthread_mutex_t pi_mutex;
static long counter;

static void *hammer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&pi_mutex);
		long c = counter;
		if (i % 64 == 0)
			sched_yield(); /* let others pile up in FUTEX_LOCK_PI */
		counter = c + 1;
		pthread_mutex_unlock(&pi_mutex);
	}
	return NULL;
}

static void *try_other(void *arg)
{
	struct timespec ts;
	long r[3];

	(void)arg;
	r[0] = pthread_mutex_trylock(&pi_mutex);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	r[1] = pthread_mutex_timedlock(&pi_mutex, &ts);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 50 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	r[2] = pthread_mutex_clocklock(&pi_mutex, CLOCK_MONOTONIC, &ts);
	return (void *)(r[0] * 10000 + r[1] * 100 + r[2]);
}

static pthread_mutex_t robust;

static void *die_holding(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return NULL; /* the thread ends owning it */
}

static void check_pi_mutexes(void)
{
	pthread_mutexattr_t a;
	pthread_t th[THREADS];
	void *ret;

	pthread_mutexattr_init(&a);
	CHECK(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT) == 0, "PRIO_INHERIT");
	CHECK(pthread_mutex_init(&pi_mutex, &a) == 0, "init");
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_create(&th[i], NULL, hammer, NULL) == 0, "create");
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	CHECK(counter == THREADS * ROUNDS, "mutual exclusion: %ld of %d", counter,
	      THREADS * ROUNDS);

	CHECK(pthread_mutex_lock(&pi_mutex) == 0, "lock");
	CHECK(pthread_create(&th[0], NULL, try_other, NULL) == 0 && pthread_join(th[0], &ret) == 0,
	      "try_other");
	CHECK((long)ret == EBUSY * 10000 + ETIMEDOUT * 100 + ETIMEDOUT,
	      "trylock EBUSY, timedlock and clocklock ETIMEDOUT: %ld", (long)ret);
	CHECK(pthread_mutex_unlock(&pi_mutex) == 0, "unlock");

	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	CHECK(pthread_mutex_init(&robust, &a) == 0, "robust PI init");
	CHECK(pthread_create(&th[0], NULL, die_holding, NULL) == 0 && pthread_join(th[0], NULL) == 0,
	      "a thread dies holding it");
	CHECK(pthread_mutex_lock(&robust) == EOWNERDEAD, "EOWNERDEAD");
	CHECK(pthread_mutex_consistent(&robust) == 0 && pthread_mutex_unlock(&robust) == 0,
	      "consistent");
}

/* ---- the raw PI calls ---- */

static uint32_t lock_word, cond_word;

static void *pi_waiter(void *arg)
{
	(void)arg;
	return (void *)futex(&lock_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
}

static void *requeue_waiter(void *arg)
{
	long r;

	(void)arg;
	r = futex(&cond_word, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, NULL, &lock_word, 0);
	if (r == 0 && (lock_word & FUTEX_TID_MASK) == (uint32_t)gettid())
		return (void *)(long)futex(&lock_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
	return (void *)(r ? (long)errno : -1L);
}

static void wait_waiters(uint32_t *word)
{
	for (int i = 0; i < 200 && !(*word & FUTEX_WAITERS); i++)
		usleep(5000);
}

static void check_pi_raw(void)
{
	uint32_t tid = (uint32_t)gettid();
	pthread_t th;
	void *ret;

	lock_word = 0;
	CHECK(futex(&lock_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0 && lock_word == tid,
	      "LOCK_PI of a free lock: word %#x", lock_word);
	CHECK_ERR(futex(&lock_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0), EDEADLK,
		  "LOCK_PI of one's own");
	CHECK(pthread_create(&th, NULL, pi_waiter, NULL) == 0, "create");
	wait_waiters(&lock_word);
	CHECK(lock_word == (tid | FUTEX_WAITERS), "a waiter sets FUTEX_WAITERS: %#x", lock_word);
	CHECK(futex(&lock_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0, "UNLOCK_PI");
	CHECK(pthread_join(th, &ret) == 0 && ret == NULL, "the waiter got it");
	CHECK((lock_word & FUTEX_TID_MASK) != tid && (lock_word & FUTEX_TID_MASK) != 0,
	      "handed over: %#x", lock_word);
	CHECK_ERR(futex(&lock_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0), EPERM,
		  "UNLOCK_PI of another's");
	CHECK_ERR(futex(&lock_word, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0), ESRCH,
		  "TRYLOCK_PI when the owner is gone");
	lock_word = 0x3ffffff0; /* nobody has that TID */
	CHECK_ERR(futex(&lock_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0), ESRCH,
		  "LOCK_PI of a dead owner's");
	lock_word = 0;
	CHECK(futex(&lock_word, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0 && lock_word == tid,
	      "TRYLOCK_PI of a free one: %#x", lock_word);
	CHECK(futex(&lock_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0 && lock_word == 0,
	      "unlock without waiters: %#x", lock_word);

	/* requeue-PI: a condition wait moved onto the lock */
	cond_word = 0;
	CHECK(futex(&lock_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0, "hold the lock");
	CHECK(pthread_create(&th, NULL, requeue_waiter, NULL) == 0, "create");
	usleep(50000);
	CHECK_ERR(futex(&cond_word, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)1, &lock_word, 1),
		  EAGAIN, "CMP_REQUEUE_PI with another value");
	CHECK_ERR(futex(&cond_word, FUTEX_CMP_REQUEUE_PI_PRIVATE, 2, (void *)1, &lock_word, 0),
		  EINVAL, "CMP_REQUEUE_PI waking 2");
	CHECK(futex(&cond_word, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)1, &lock_word, 0) == 1,
	      "CMP_REQUEUE_PI moves the waiter");
	CHECK(lock_word & FUTEX_WAITERS, "onto the held lock: %#x", lock_word);
	CHECK(futex(&lock_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0, "unlock");
	CHECK(pthread_join(th, &ret) == 0 && ret == NULL, "it woke owning the lock: %ld",
	      (long)ret);
	CHECK(lock_word == 0, "and unlocked it: %#x", lock_word);
	CHECK_ERR(futex(&cond_word, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, NULL, &cond_word, 0), EINVAL,
		  "WAIT_REQUEUE_PI on the lock itself");
}

/* ---- real-time signals ---- */

#define QUEUED 5
static volatile int got_sig[16], got_val[16], got_code, got_pid, got_uid, ngot;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (ngot < 16) {
		got_sig[ngot] = sig;
		got_val[ngot] = si->si_value.sival_int;
		ngot++;
	}
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_uid = (int)si->si_uid;
}

static long qinfo(pid_t pid, int sig, int code)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_code = code;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = 77;
	return syscall(SYS_rt_sigqueueinfo, pid, sig, &si);
}

static volatile pid_t other_tid;
static volatile int other_done;

static void *thread_id(void *arg)
{
	(void)arg;
	other_tid = gettid();
	while (!other_done)
		usleep(1000);
	return NULL;
}

static void check_rt_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_rt, .sa_flags = SA_SIGINFO };
	int a = SIGRTMIN + 4, b = SIGRTMIN + 2;
	struct rlimit rl, small = { 3, 3 };
	sigset_t set, old;
	siginfo_t si;
	pid_t child;
	int n, st;

	sigemptyset(&set);
	sigaddset(&set, a);
	sigaddset(&set, b);
	sa.sa_mask = set; /* one handler at a time: they record in delivery order */
	sigaction(a, &sa, NULL);
	sigaction(b, &sa, NULL);
	sigprocmask(SIG_BLOCK, &set, &old);
	for (int i = 0; i < QUEUED; i++)
		CHECK(sigqueue(getpid(), a, (union sigval){ .sival_int = 100 + i }) == 0, "sigqueue");
	CHECK(sigqueue(getpid(), b, (union sigval){ .sival_int = 7 }) == 0, "sigqueue b");
	ngot = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK(ngot == QUEUED + 1, "every queued signal arrived: %d", ngot);
	CHECK(got_sig[0] == b && got_val[0] == 7, "the lower signal first: %d %d", got_sig[0],
	      got_val[0]);
	for (int i = 0; i < QUEUED && i + 1 < ngot; i++)
		CHECK(got_sig[i + 1] == a && got_val[i + 1] == 100 + i, "in order: %d %d",
		      got_sig[i + 1], got_val[i + 1]);
	CHECK(got_code == SI_QUEUE && got_pid == getpid() && got_uid == (int)getuid(),
	      "SI_QUEUE from us: %d %d %d", got_code, got_pid, got_uid);

	/* sigtimedwait takes them one by one with their values */
	sigprocmask(SIG_BLOCK, &set, NULL);
	CHECK(sigqueue(getpid(), a, (union sigval){ .sival_int = 1 }) == 0 &&
	      sigqueue(getpid(), a, (union sigval){ .sival_int = 2 }) == 0, "two more");
	n = sigwaitinfo(&set, &si);
	CHECK(n == a && si.si_value.sival_int == 1 && si.si_code == SI_QUEUE, "first %d", n);
	n = sigwaitinfo(&set, &si);
	CHECK(n == a && si.si_value.sival_int == 2, "second %d", n);

	/* rt_sigqueueinfo's rules */
	CHECK_ERR(qinfo(getpid(), -1, SI_QUEUE), EINVAL, "signal -1");
	CHECK_ERR(qinfo(getpid(), 65, SI_QUEUE), EINVAL, "signal 65");
	CHECK_ERR(qinfo(4000000, a, SI_QUEUE), ESRCH, "no such process");
	CHECK(qinfo(getpid(), a, 0) == 0 && sigwaitinfo(&set, &si) == a && si.si_code == 0,
	      "a kill()-like code to oneself");
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	CHECK_ERR(qinfo(child, SIGUSR1, SI_USER), EPERM, "a kill()-like code to another");
	CHECK_ERR(qinfo(child, SIGUSR1, SI_TKILL), EPERM, "a tkill code to another");
	CHECK(qinfo(child, 0, SI_QUEUE) == 0, "signal 0 checks only");
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_value.sival_int = 5;
	CHECK(syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), a, &si) == 0 &&
	      sigwaitinfo(&set, &si) == a && si.si_value.sival_int == 5, "rt_tgsigqueueinfo");
	CHECK_ERR(syscall(SYS_rt_tgsigqueueinfo, getpid(), 4000000, a, &si), ESRCH,
		  "rt_tgsigqueueinfo to nobody");
	CHECK_ERR(syscall(SYS_rt_tgsigqueueinfo, 0, gettid(), a, &si), EINVAL, "tgid 0");
	{
		pthread_t th;

		/* rt_sigqueueinfo to another thread's id: to its group */
		CHECK(pthread_create(&th, NULL, thread_id, NULL) == 0, "create");
		while (!other_tid)
			usleep(1000);
		CHECK(qinfo(other_tid, a, SI_QUEUE) == 0, "rt_sigqueueinfo to a thread's id");
		CHECK(sigwaitinfo(&set, &si) == a && si.si_value.sival_int == 77, "reached the group");
		other_done = 1;
		pthread_join(th, NULL);
	}

	/* RLIMIT_SIGPENDING, in a child of a user of its own */
	child = fork();
	if (child == 0) {
		int ok = 0, r = 0;

		failed = 0;
		if (setuid(4242))
			_exit(99);
		CHECK(getrlimit(RLIMIT_SIGPENDING, &rl) == 0 && rl.rlim_cur > 0, "RLIMIT_SIGPENDING");
		CHECK(setrlimit(RLIMIT_SIGPENDING, &small) == 0, "setrlimit 3");
		for (int i = 0; i < 10 && (r = sigqueue(getpid(), a, (union sigval){ 0 })) == 0; i++)
			ok++;
		CHECK(r == -1 && errno == EAGAIN && ok == 3, "3 queued, then EAGAIN: %d", ok);
		for (int i = 0; i < ok; i++)
			CHECK(sigwaitinfo(&set, &si) == a, "take");
		CHECK(sigqueue(getpid(), a, (union sigval){ 0 }) == 0, "room again");
		_exit(failed);
	}
	CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "RLIMIT_SIGPENDING child: %#x", st);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_pi_mutexes();
	check_pi_raw();
	check_rt_signals();
	return check_summary("rt_calls");
}
