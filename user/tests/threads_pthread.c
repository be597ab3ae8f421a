/*
 * POSIX threads as glibc programs use them (glibc-static; run by
 * test/qemu/test_threads.py): mutexes, condition variables and barriers
 * under contention, many threads created and joined, threads blocked in
 * accept/recv/futex/pipe read/nanosleep while the others run and while one
 * exits, kill to the group and pthread_kill (tgkill) to one thread,
 * execve from a thread, exit_group and SIGKILL while threads block, the
 * leader exiting first, fork and wait from a thread, a group stop, vfork's
 * shared memory, clone3, getaddrinfo from many threads, F_SETLKW in one
 * thread while another closes the descriptor (EBADF, no lock left), a
 * thread's own name (pthread_setname_np does not rename the process); then
 * the same again, and MemFree must come back (no leak).
 *
 *   threads_pthread [ROUNDS]        the suite (as init): 2 warm-up rounds, then
 *                                   ROUNDS (2) measured for leaks
 *   threads_pthread exec-target PID (run by the execve test)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <linux/sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glibc_check.h"

#define SELF "/bin/threads_pthread"

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static long futex(uint32_t *w, int op, uint32_t val)
{
	return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* ---- mutex, condvar, barrier ---- */

#define MUTEX_THREADS 16
#define MUTEX_LOOPS 2000
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pid_t tids[MUTEX_THREADS];

static void *mutex_worker(void *arg)
{
	long i = (long)arg;

	tids[i] = gettid_();
	for (int n = 0; n < MUTEX_LOOPS; n++) {
		pthread_mutex_lock(&lock);
		long c = counter;
		if ((n & 63) == 0)
			sched_yield(); /* hold it across a switch now and then */
		counter = c + 1;
		pthread_mutex_unlock(&lock);
	}
	return (void *)(long)getpid();
}

static void test_mutex(void)
{
	pthread_t th[MUTEX_THREADS];
	bool distinct = true, pid_ok = true;

	counter = 0;
	for (long i = 0; i < MUTEX_THREADS; i++)
		CHECK(pthread_create(&th[i], NULL, mutex_worker, (void *)i) == 0, "create %ld", i);
	for (int i = 0; i < MUTEX_THREADS; i++) {
		void *ret;

		pthread_join(th[i], &ret);
		pid_ok &= (long)ret == getpid();
	}
	CHECK(counter == MUTEX_THREADS * MUTEX_LOOPS, "counter %ld", counter);
	for (int i = 0; i < MUTEX_THREADS; i++) {
		distinct &= tids[i] != getpid() && tids[i] > 0;
		for (int j = 0; j < i; j++)
			distinct &= tids[i] != tids[j];
	}
	CHECK(distinct, "thread ids are not distinct from each other and the pid");
	CHECK(pid_ok, "getpid differs in a thread");
	CHECK(gettid_() == getpid(), "main thread's tid %d, pid %d", gettid_(), getpid());
}

#define QUEUE_SLOTS 4
#define ITEMS 500
#define PRODUCERS 4
static struct {
	pthread_mutex_t m;
	pthread_cond_t not_empty, not_full;
	long slot[QUEUE_SLOTS];
	int head, count, done_producers;
	long sum;
} q = { .m = PTHREAD_MUTEX_INITIALIZER, .not_empty = PTHREAD_COND_INITIALIZER,
	.not_full = PTHREAD_COND_INITIALIZER };

static void *producer(void *arg)
{
	(void)arg;
	for (long v = 1; v <= ITEMS; v++) {
		pthread_mutex_lock(&q.m);
		while (q.count == QUEUE_SLOTS)
			pthread_cond_wait(&q.not_full, &q.m);
		q.slot[(q.head + q.count++) % QUEUE_SLOTS] = v;
		pthread_cond_signal(&q.not_empty);
		pthread_mutex_unlock(&q.m);
	}
	pthread_mutex_lock(&q.m);
	q.done_producers++;
	pthread_cond_broadcast(&q.not_empty);
	pthread_mutex_unlock(&q.m);
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&q.m);
	for (;;) {
		while (!q.count && q.done_producers < PRODUCERS)
			pthread_cond_wait(&q.not_empty, &q.m);
		if (!q.count)
			break;
		q.sum += q.slot[q.head];
		q.head = (q.head + 1) % QUEUE_SLOTS;
		q.count--;
		pthread_cond_signal(&q.not_full);
	}
	pthread_mutex_unlock(&q.m);
	return NULL;
}

static void test_condvar(void)
{
	pthread_t p[PRODUCERS], c[PRODUCERS];

	q.head = q.count = q.done_producers = 0;
	q.sum = 0;
	for (int i = 0; i < PRODUCERS; i++) {
		pthread_create(&c[i], NULL, consumer, NULL);
		pthread_create(&p[i], NULL, producer, NULL);
	}
	for (int i = 0; i < PRODUCERS; i++) {
		pthread_join(p[i], NULL);
		pthread_join(c[i], NULL);
	}
	CHECK(q.sum == (long)PRODUCERS * ITEMS * (ITEMS + 1) / 2, "condvar sum %ld", q.sum);
}

#define BARRIER_THREADS 8
#define BARRIER_ROUNDS 100
static pthread_barrier_t barrier;
static long arrived;
static int barrier_errors;

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (long r = 0; r < BARRIER_ROUNDS; r++) {
		__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
		pthread_barrier_wait(&barrier);
		if (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < (r + 1) * BARRIER_THREADS)
			__atomic_fetch_add(&barrier_errors, 1, __ATOMIC_SEQ_CST);
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static void test_barrier(void)
{
	pthread_t th[BARRIER_THREADS];

	arrived = 0;
	barrier_errors = 0;
	pthread_barrier_init(&barrier, NULL, BARRIER_THREADS);
	for (int i = 0; i < BARRIER_THREADS; i++)
		pthread_create(&th[i], NULL, barrier_worker, NULL);
	for (int i = 0; i < BARRIER_THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&barrier);
	CHECK(!barrier_errors && arrived == BARRIER_THREADS * BARRIER_ROUNDS,
	      "barrier: %d early, %ld arrivals", barrier_errors, arrived);
}

static void *ret_arg(void *arg)
{
	return arg;
}

static void test_many(void)
{
	pthread_t th[64];
	int bad = 0;

	for (long i = 0; i < 300; i++) {
		void *r;

		if (pthread_create(&th[0], NULL, ret_arg, (void *)i) || pthread_join(th[0], &r) ||
		    (long)r != i)
			bad++;
	}
	CHECK(!bad, "%d of 300 create/join failed", bad);
	for (long i = 0; i < 64; i++)
		CHECK(pthread_create(&th[i], NULL, ret_arg, (void *)i) == 0, "create %ld of 64", i);
	for (long i = 0; i < 64; i++) {
		void *r = NULL;

		pthread_join(th[i], &r);
		bad += (long)r != i;
	}
	CHECK(!bad, "%d of 64 joins returned the wrong value", bad);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 32; i++)
		CHECK(pthread_create(&th[0], &a, ret_arg, NULL) == 0, "detached %d", i);
	pthread_attr_destroy(&a);
}

/* ---- blocking: one thread's sleep never holds up the others ---- */

struct blockers {
	int listen_fd, sock[2], pipe[2];
	uint32_t word;
	int port;
	int started;
	long results[5];
};

static void *block_accept(void *arg)
{
	struct blockers *b = arg;
	__atomic_fetch_add(&b->started, 1, __ATOMIC_SEQ_CST);
	int fd = accept(b->listen_fd, NULL, NULL);
	b->results[0] = fd >= 0 ? 1 : -errno;
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void *block_recv(void *arg)
{
	struct blockers *b = arg;
	char c = 0;
	__atomic_fetch_add(&b->started, 1, __ATOMIC_SEQ_CST);
	b->results[1] = recv(b->sock[1], &c, 1, 0) == 1 && c == 'r' ? 1 : -errno;
	return NULL;
}

static void *block_futex(void *arg)
{
	struct blockers *b = arg;
	__atomic_fetch_add(&b->started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&b->word, __ATOMIC_SEQ_CST) == 0)
		futex(&b->word, FUTEX_WAIT_PRIVATE, 0);
	b->results[2] = 1;
	return NULL;
}

static void *block_pipe(void *arg)
{
	struct blockers *b = arg;
	char c = 0;
	__atomic_fetch_add(&b->started, 1, __ATOMIC_SEQ_CST);
	b->results[3] = read(b->pipe[0], &c, 1) == 1 && c == 'p' ? 1 : -errno;
	return NULL;
}

static void *block_sleep(void *arg)
{
	struct blockers *b = arg;
	__atomic_fetch_add(&b->started, 1, __ATOMIC_SEQ_CST);
	b->results[4] = usleep(b->port ? 150000 : 10000000) == 0 ? 1 : -errno;
	return NULL;
}

static void *(*const blocker_fns[5])(void *) = { block_accept, block_recv, block_futex,
						 block_pipe, block_sleep };

static int blockers_setup(struct blockers *b)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);

	memset(b, 0, sizeof(*b));
	b->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (b->listen_fd < 0 || bind(b->listen_fd, (void *)&sin, sizeof(sin)) ||
	    listen(b->listen_fd, 4) || getsockname(b->listen_fd, (void *)&sin, &len))
		return -1;
	b->port = ntohs(sin.sin_port);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, b->sock) || pipe(b->pipe))
		return -1;
	return 0;
}

static void blockers_start(struct blockers *b, pthread_t th[5])
{
	for (int i = 0; i < 5; i++)
		pthread_create(&th[i], NULL, blocker_fns[i], b);
	while (__atomic_load_n(&b->started, __ATOMIC_SEQ_CST) < 5)
		sched_yield();
	usleep(30000); /* the sleep makes them block; the checks do not depend on it */
}

static void *exits_early(void *arg)
{
	(void)arg;
	pthread_exit((void *)7L);
}

static void test_blocking(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct blockers b;
	pthread_t th[5], e;
	long long t0;
	void *r = NULL;
	int c;

	CHECK(blockers_setup(&b) == 0, "blockers setup");
	blockers_start(&b, th);
	/* We run while five threads sleep; one more comes and goes. */
	t0 = now_ms();
	CHECK(pthread_create(&e, NULL, exits_early, NULL) == 0 && pthread_join(e, &r) == 0 &&
	      r == (void *)7L, "a thread exits while the others block");
	for (int i = 0; i < 5; i++)
		CHECK(b.results[i] == 0 || i == 4, "blocker %d returned early: %ld", i, b.results[i]);
	c = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_port = htons(b.port);
	CHECK(connect(c, (void *)&sin, sizeof(sin)) == 0, "connect");
	CHECK(send(b.sock[0], "r", 1, 0) == 1, "send");
	__atomic_store_n(&b.word, 1, __ATOMIC_SEQ_CST);
	futex(&b.word, FUTEX_WAKE_PRIVATE, 1);
	CHECK(write(b.pipe[1], "p", 1) == 1, "pipe write");
	for (int i = 0; i < 5; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 5; i++)
		CHECK(b.results[i] == 1, "blocker %d: %ld", i, b.results[i]);
	CHECK(now_ms() - t0 < 5000, "took %lld ms", now_ms() - t0);
	close(c);
	close(b.listen_fd);
	close(b.sock[0]);
	close(b.sock[1]);
	close(b.pipe[0]);
	close(b.pipe[1]);
}

/* ---- signals: to the group, to one thread ---- */

static volatile pid_t handled_by[65];
static volatile int handled_count[65];

static void record(int sig)
{
	handled_by[sig] = gettid_();
	handled_count[sig]++;
}

struct waiter_arg {
	uint32_t go;
	pid_t tid;
	bool unblock;
};

static void *sig_waiter(void *arg)
{
	struct waiter_arg *w = arg;
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(w->unblock ? SIG_UNBLOCK : SIG_BLOCK, &s, NULL);
	__atomic_store_n(&w->tid, gettid_(), __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&w->go, __ATOMIC_SEQ_CST) == 0)
		futex(&w->go, FUTEX_WAIT_PRIVATE, 0); /* EINTR when a handler runs */
	return NULL;
}

static void test_signals(void)
{
	struct sigaction sa = { .sa_handler = record };
	struct waiter_arg a = { 0, 0, true }, b = { 0, 0, false };
	pthread_t ta, tb;
	sigset_t s, old;
	long long end = now_ms() + 5000;

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, &old); /* only thread a takes SIGUSR1 */
	pthread_create(&ta, NULL, sig_waiter, &a);
	pthread_create(&tb, NULL, sig_waiter, &b);
	while ((!a.tid || !b.tid) && now_ms() < end)
		sched_yield();
	handled_by[SIGUSR1] = handled_by[SIGUSR2] = 0;
	CHECK(kill(getpid(), SIGUSR1) == 0, "kill to the group");
	while (!handled_by[SIGUSR1] && now_ms() < end)
		sched_yield();
	CHECK(handled_by[SIGUSR1] == a.tid, "SIGUSR1 handled by %d, want %d (the one not blocking it)",
	      handled_by[SIGUSR1], a.tid);
	CHECK(pthread_kill(tb, SIGUSR2) == 0, "pthread_kill");
	while (!handled_by[SIGUSR2] && now_ms() < end)
		sched_yield();
	CHECK(handled_by[SIGUSR2] == b.tid, "SIGUSR2 handled by %d, want %d", handled_by[SIGUSR2],
	      b.tid);
	handled_by[SIGUSR2] = 0;
	CHECK(syscall(SYS_tkill, a.tid, SIGUSR2) == 0, "tkill");
	while (!handled_by[SIGUSR2] && now_ms() < end)
		sched_yield();
	CHECK(handled_by[SIGUSR2] == a.tid, "tkill: handled by %d, want %d", handled_by[SIGUSR2], a.tid);
	CHECK_ERR(syscall(SYS_tgkill, getpid() + 1000, a.tid, 0), ESRCH, "tgkill, wrong group");
	CHECK(syscall(SYS_tgkill, getpid(), a.tid, 0) == 0, "tgkill sig 0");
	CHECK_ERR(syscall(SYS_tgkill, getpid(), 0, SIGUSR2), EINVAL, "tgkill tid 0");
	a.go = b.go = 1;
	futex(&a.go, FUTEX_WAKE_PRIVATE, 1);
	futex(&b.go, FUTEX_WAKE_PRIVATE, 1);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	CHECK_ERR(syscall(SYS_tgkill, getpid(), a.tid, 0), ESRCH, "tgkill on a thread gone");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

/* ---- whole processes with threads ---- */

/* A child whose five threads block; ready is written once they started. */
static pid_t blocked_child(void (*then)(int ready_fd), int *ready_rd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct blockers b;
		pthread_t th[5];

		close(p[0]);
		if (blockers_setup(&b))
			_exit(90);
		b.port = 0; /* block_sleep: 10 s */
		blockers_start(&b, th);
		then(p[1]);
		_exit(91);
	}
	close(p[1]);
	*ready_rd = p[0];
	return pid;
}

static void then_exit(int fd)
{
	(void)fd;
	exit(7); /* exit_group with five threads asleep */
}

static void then_wait(int fd)
{
	char c = 'k';

	write(fd, &c, 1);
	for (;;)
		pause();
}

static void *exec_thread(void *arg)
{
	char pid[16];

	(void)arg;
	snprintf(pid, sizeof(pid), "%d", getpid());
	execl(SELF, "threads_pthread", "exec-target", pid, (char *)NULL);
	_exit(92);
}

static void then_exec(int fd)
{
	pthread_t t;

	(void)fd;
	pthread_create(&t, NULL, exec_thread, NULL);
	for (;;)
		pause();
}

static void *exit_later(void *arg)
{
	(void)arg;
	usleep(50000);
	exit(5); /* the leader is gone already */
}

static void *just_return(void *arg)
{
	usleep(30000);
	return arg;
}

static int leader_exits(bool last_exits_with_5)
{
	pid_t pid = fork();

	if (pid == 0) {
		pthread_t t;

		pthread_create(&t, NULL, last_exits_with_5 ? exit_later : just_return, NULL);
		pthread_exit(NULL);
	}
	return reap(pid);
}

static void *fork_from_thread(void *arg)
{
	pid_t pid = fork();

	(void)arg;
	if (pid == 0)
		_exit(9);
	return (void *)(long)reap(pid);
}

static void test_processes(void)
{
	int rd = -1, st = 0;
	char c;
	void *r;
	pthread_t t;
	pid_t pid;
	long long t0 = now_ms();

	pid = blocked_child(then_exit, &rd);
	CHECK(reap(pid) == 7, "exit_group with blocked threads: status");
	CHECK(now_ms() - t0 < 5000, "exit_group took %lld ms", now_ms() - t0);
	close(rd);

	pid = blocked_child(then_wait, &rd);
	CHECK(read(rd, &c, 1) == 1, "ready");
	CHECK(waitpid(pid, &st, WNOHANG) == 0, "wait4 sees a live group as live");
	CHECK(kill(pid, SIGTERM) == 0, "kill");
	CHECK(reap(pid) == 128 + SIGTERM, "SIGTERM to the group");
	close(rd);

	pid = blocked_child(then_wait, &rd);
	CHECK(read(rd, &c, 1) == 1, "ready");
	kill(pid, SIGKILL);
	CHECK(reap(pid) == 128 + SIGKILL, "SIGKILL to the group");
	close(rd);

	pid = blocked_child(then_exec, &rd);
	CHECK(reap(pid) == 42, "execve from a thread (the target checks its pid and tid)");
	close(rd);

	CHECK(leader_exits(true) == 5, "leader pthread_exit, last thread exit(5)");
	CHECK(leader_exits(false) == 0, "all threads pthread_exit: status 0");

	CHECK(pthread_create(&t, NULL, fork_from_thread, NULL) == 0 && pthread_join(t, &r) == 0 &&
	      (long)r == 9, "fork and wait from a thread: %ld", (long)r);
}

/* ---- group stop, vfork's shared memory, clone3 ---- */

static volatile long *spins; /* MAP_SHARED: the child's threads count here */

static void *spinner(void *arg)
{
	(void)arg;
	for (;;)
		__atomic_fetch_add(spins, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_group_stop(void)
{
	long c0, c1;
	int st = 0;
	pid_t pid;

	spins = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(spins != MAP_FAILED, "mmap");
	*spins = 0;
	pid = fork();
	if (pid == 0) {
		pthread_t t;

		for (int i = 0; i < 3; i++)
			pthread_create(&t, NULL, spinner, NULL);
		for (;;)
			pause();
	}
	while (__atomic_load_n(spins, __ATOMIC_SEQ_CST) < 1000)
		sched_yield();
	CHECK(kill(pid, SIGSTOP) == 0, "SIGSTOP");
	CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
	      "stop reported: %#x", st);
	usleep(100000); /* every thread reaches the stop within a tick or two */
	c0 = __atomic_load_n(spins, __ATOMIC_SEQ_CST);
	usleep(200000);
	c1 = __atomic_load_n(spins, __ATOMIC_SEQ_CST);
	CHECK(c0 == c1, "threads ran while stopped: %ld -> %ld", c0, c1);
	CHECK(kill(pid, SIGCONT) == 0, "SIGCONT");
	CHECK(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st), "continue reported: %#x", st);
	while (__atomic_load_n(spins, __ATOMIC_SEQ_CST) == c1)
		sched_yield();
	kill(pid, SIGKILL);
	CHECK(reap(pid) == 128 + SIGKILL, "killed after the stop");
	munmap((void *)spins, 4096);
}

static volatile int vfork_seen;

static void test_vfork_clone3(void)
{
	struct clone_args ca = { .exit_signal = SIGCHLD };
	char big[128] = { 0 };
	pid_t pid;

	vfork_seen = 0;
	pid = vfork();
	if (pid == 0) {
		vfork_seen = getpid(); /* the parent's memory: vfork shares it */
		_exit(3);
	}
	CHECK(pid > 0 && vfork_seen == pid, "vfork child's write: %d, pid %d", vfork_seen, pid);
	CHECK(reap(pid) == 3, "vfork child status");

	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(4);
	CHECK(pid > 0 && reap(pid) == 4, "clone3 as fork");
	CHECK_ERR(syscall(SYS_clone3, &ca, 32), EINVAL, "clone3 short size");
	memcpy(big, &ca, sizeof(ca));
	big[100] = 1;
	CHECK_ERR(syscall(SYS_clone3, big, sizeof(big)), E2BIG, "clone3 unknown tail");
	ca.flags = SIGCHLD;
	CHECK_ERR(syscall(SYS_clone3, &ca, sizeof(ca)), EINVAL, "clone3 signal in flags");
	ca.flags = CLONE_THREAD;
	CHECK_ERR(syscall(SYS_clone3, &ca, sizeof(ca)), EINVAL, "clone3 thread without VM");
	ca = (struct clone_args){ .exit_signal = SIGCHLD, .stack = 4096 };
	CHECK_ERR(syscall(SYS_clone3, &ca, sizeof(ca)), EINVAL, "clone3 stack without size");
}

static void *resolver(void *arg)
{
	long bad = 0;

	(void)arg;
	for (int i = 0; i < 20; i++) {
		struct addrinfo hints = { .ai_family = AF_INET }, *res = NULL;

		if (getaddrinfo("localhost", NULL, &hints, &res) || !res ||
		    ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr != htonl(INADDR_LOOPBACK))
			bad++;
		if (res)
			freeaddrinfo(res);
	}
	return (void *)bad;
}

static void test_getaddrinfo(void)
{
	pthread_t th[8];
	long bad = 0;

	for (int i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, resolver, NULL);
	for (int i = 0; i < 8; i++) {
		void *r;

		pthread_join(th[i], &r);
		bad += (long)r;
	}
	CHECK(!bad, "%ld of 160 getaddrinfo calls failed", bad);
}

/* ---- the leak check ---- */

static long mem_free_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void *named_worker(void *arg)
{
	char name[16] = "";

	(void)arg;
	CHECK(prctl(PR_GET_NAME, name) == 0 && strcmp(name, "threads_pthread") == 0,
	      "a new thread's name is %s", name);
	CHECK(pthread_setname_np(pthread_self(), "worker-thread") == 0, "pthread_setname_np");
	CHECK(prctl(PR_GET_NAME, name) == 0 && strcmp(name, "worker-thread") == 0,
	      "the thread's name is %s", name);
	return NULL;
}

/* PR_SET_NAME names the calling thread; the process keeps the first's. */
static void test_names(void)
{
	char name[16] = "";
	pthread_t th;

	CHECK(pthread_create(&th, NULL, named_worker, NULL) == 0 && pthread_join(th, NULL) == 0,
	      "named worker");
	CHECK(prctl(PR_GET_NAME, name) == 0 && strcmp(name, "threads_pthread") == 0,
	      "a thread renamed the process: %s", name);
}

/* ---- a record lock and a close racing in two threads ---- */

#define LOCK_RACE_FILE "/tmp/lock_race"

struct setlkw {
	int fd;
	long ret;
	int err;
};

static void *setlkw_thread(void *arg)
{
	struct setlkw *a = arg;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	a->ret = fcntl(a->fd, F_SETLKW, &fl);
	a->err = errno;
	return NULL;
}

/* A child process holding a write lock on the file, until go is written. */
static pid_t lock_holder(int locked_wr, int go_rd)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = open(LOCK_RACE_FILE, O_RDWR);
		char c = 0;

		if (fd < 0 || fcntl(fd, F_SETLK, &fl))
			_exit(1);
		if (write(locked_wr, "l", 1) != 1 || read(go_rd, &c, 1) != 1)
			_exit(2);
		_exit(0); /* the lock goes with it */
	}
	return pid;
}

/* Can a process take a write lock on the whole file at once? */
static bool lockable(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = open(LOCK_RACE_FILE, O_RDWR);

		_exit(fd >= 0 && fcntl(fd, F_SETLK, &fl) == 0 ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/*
 * A thread waits in F_SETLKW for a lock another process holds; meanwhile a
 * second thread closes the descriptor. When the lock comes free, the wait
 * ends with EBADF and no lock is left behind (Linux): one granted after the
 * close would have no descriptor left to drop it, held forever by nothing.
 */
static void test_lock_close_race(void)
{
	struct setlkw a;
	int locked[2], go[2], status;
	pthread_t th;
	char c;
	pid_t holder;

	a.fd = open(LOCK_RACE_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(a.fd >= 0, "open %s", LOCK_RACE_FILE);
	CHECK(pipe(locked) == 0 && pipe(go) == 0, "pipe");
	holder = lock_holder(locked[1], go[0]);
	CHECK(holder > 0 && read(locked[0], &c, 1) == 1, "the holder did not lock");
	CHECK(pthread_create(&th, NULL, setlkw_thread, &a) == 0, "pthread_create");
	usleep(100000); /* the thread is asleep in F_SETLKW */
	CHECK(close(a.fd) == 0, "close while F_SETLKW waits");
	CHECK(write(go[1], "g", 1) == 1, "write go");
	CHECK(waitpid(holder, &status, 0) == holder && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "holder status %#x", status);
	pthread_join(th, NULL);
	CHECK(a.ret == -1 && a.err == EBADF, "F_SETLKW on a closed fd: %ld errno %d, want EBADF",
	      a.ret, a.err);
	CHECK(lockable(), "a lock got after the close is still held");
	close(locked[0]);
	close(locked[1]);
	close(go[0]);
	close(go[1]);
	unlink(LOCK_RACE_FILE);
}

static void suite(void)
{
	test_names();
	test_mutex();
	test_condvar();
	test_barrier();
	test_many();
	test_blocking();
	test_signals();
	test_processes();
	test_group_stop();
	test_vfork_clone3();
	test_getaddrinfo();
	test_lock_close_race();
}

static int exec_target(const char *want_pid)
{
	return getpid() == atoi(want_pid) && gettid_() == getpid() ? 42 : 43;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 2;
	long base, now = 0;

	if (argc > 2 && strcmp(argv[1], "exec-target") == 0)
		return exec_target(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	suite(); /* warm-up: caches, tables and glibc's stack cache reach their size */
	suite();
	sleep(1);
	base = mem_free_kb();
	CHECK(base > 0, "no /proc/meminfo");
	for (int r = 0; r < rounds; r++)
		suite();
	for (int i = 0; i < 100; i++) { /* TIME-WAIT sockets go away */
		now = mem_free_kb();
		if (now >= base)
			break;
		usleep(100000);
	}
	CHECK(now >= base, "leak: MemFree %ld kB, was %ld kB", now, base);
	printf("threads_pthread: MemFree %ld kB before, %ld kB after %d rounds\n", base, now,
	       rounds);
	return check_summary("threads_pthread");
}
