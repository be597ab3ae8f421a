/*
 * sys_fuzz's worker: set-up, the call loop, and the multi-process
 * sequences that single calls never reach:
 *  - a child blocks (read on a pipe or socket, accept, epoll_pwait, ppoll,
 *    a full pipe's write, nanosleep) and the worker wakes it from outside:
 *    closes the last other end, writes, or signals. The child must return
 *    what Linux returns (EOF, data, EPIPE, EINTR) within a few seconds: a
 *    lost wakeup or a wrong result is reported as a failure;
 *  - a child blocked in accept or read is killed (SIGKILL, SIGTERM, or
 *    SIGSTOP then SIGKILL) and must be reaped with that status;
 *  - fork children that fuzz a little and exit, exec a real program or a
 *    non-program, or get killed at random points by later kill calls;
 *  - SCM_RIGHTS loops (a socket in flight inside itself) left to close.
 * The worker's SIGALRM clock (10 ms) keeps every blocking call it makes
 * itself short.
 */
#include <string.h>
#include <uapi/sis/eventpoll.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/in.h>
#include <uapi/sis/mman.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/signal.h>
#include <uapi/sis/socket.h>
#include <uapi/sis/time.h>
#include <uapi/sis/wait.h>

#include "sys_fuzz.h"

void fz_on_signal(int sig);
void fz_on_signal(int sig)
{
	(void)sig;
	fz.signals++;
}

/* Append v in hex (0x...) or decimal to line at *n. */
static void put_num(char *line, size_t *n, long v, bool hex)
{
	char digits[24];
	int d = 0;
	bool neg = !hex && v < 0;
	unsigned long u = neg ? (unsigned long)-v : (unsigned long)v;
	unsigned base = hex ? 16 : 10;

	line[(*n)++] = ' ';
	if (neg)
		line[(*n)++] = '-';
	do
		digits[d++] = "0123456789abcdef"[u % base];
	while ((u /= base) && d < 23);
	if (hex) {
		line[(*n)++] = '0';
		line[(*n)++] = 'x';
	}
	while (d)
		line[(*n)++] = digits[--d];
}

void fz_report(const char *what, long a, long b)
{
	char line[160];
	size_t n = 0;
	const char *s = what;

	while (*s && n < 100)
		line[n++] = *s++;
	put_num(line, &n, a, false);
	put_num(line, &n, b, false);
	line[n++] = '\n';
	__sis_syscall6(__NR_write, FZ_REPORT_FD, (long)line, (long)n, 0, 0, 0);
}

long fz_sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	char line[200];
	size_t n = 0;
	long r, args[6] = { a, b, c, d, e, f };

	if (!fz.trace)
		return __sis_syscall6(nr, a, b, c, d, e, f);
	put_num(line, &n, (long)fz.calls, false);
	put_num(line, &n, nr, false);
	for (int i = 0; i < 6; i++)
		put_num(line, &n, args[i], true);
	if ((nr == __NR_mkdirat || nr == __NR_openat || nr == __NR_unlinkat ||
	     nr == __NR_renameat) && ((b >= 0x400000 && b < 0x500000) ||
				     (b >= (long)fz.args && b < (long)fz.args + 8192))) {
		line[n++] = ' ';
		for (const char *p = (const char *)b; *p && n < 180; p++)
			line[n++] = *p;
	}
	line[n++] = '\n';
	__sis_syscall6(__NR_write, FZ_TRACE_FD, (long)line, (long)n, 0, 0, 0);
	r = __sis_syscall6(nr, a, b, c, d, e, f);
	n = 0;
	line[n++] = ' ';
	line[n++] = '=';
	put_num(line, &n, r, false);
	line[n++] = '\n';
	__sis_syscall6(__NR_write, FZ_TRACE_FD, (long)line, (long)n, 0, 0, 0);
	return r;
}

int fz_kid_add(long pid)
{
	for (int i = 0; i < FZ_MAXKIDS; i++) {
		if (!fz.kids[i]) {
			fz.kids[i] = (int)pid;
			return 0;
		}
	}
	raw(__NR_kill, pid, SIGKILL); /* no room to remember it: the driver reaps it */
	return -1;
}

static long now_ms(void)
{
	struct linux_timespec ts;

	raw(__NR_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
	struct linux_timespec ts = { 0, ms * 1000000 };

	raw(__NR_nanosleep, &ts, 0);
}

/* Wait for PID to end within LIMIT_MS, sending it POKE (unless 0) each
 * round; its wait status, -1 if it did not end, -2 if it is not our child. */
static int wait_kid_poke(long pid, long limit_ms, int poke)
{
	long end = now_ms() + limit_ms;
	int status = 0;

	do {
		long r = raw(__NR_wait4, pid, &status, WNOHANG | __WALL, 0);

		if (r == pid)
			return status;
		if (r < 0 && r != -4)
			return -2;
		if (poke)
			raw(__NR_kill, pid, poke);
		pause_ms(2);
	} while (now_ms() < end);
	return -1;
}

static int wait_kid(long pid, long limit_ms)
{
	return wait_kid_poke(pid, limit_ms, 0);
}

void fz_reap_kids(bool kill_them)
{
	for (int i = 0; i < FZ_MAXKIDS; i++) {
		if (!fz.kids[i])
			continue;
		if (kill_them)
			raw(__NR_kill, fz.kids[i], SIGKILL);
		if (wait_kid(fz.kids[i], kill_them ? 5000 : 0) != -1 || kill_them)
			fz.kids[i] = 0;
	}
}

/* ---- block in a child, wake it from the worker ------------------------------ */

enum block_how {
	B_PIPE_EOF,   /* read on a pipe; worker closes the last writer: 0 */
	B_PIPE_DATA,  /* read on a pipe; worker writes: 1 */
	B_UNIX_EOF,   /* recv on AF_UNIX stream; worker closes the peer: 0 */
	B_TCP_EOF,    /* recv on TCP; worker closes the accepted side: 0 */
	B_EPOLL,      /* epoll_pwait on a pipe; worker writes: 1 */
	B_PPOLL,      /* ppoll on an eventfd; worker writes it: 1 */
	B_WRITE_EPIPE,/* write to a full pipe; worker closes the reader: -EPIPE */
	B_SLEEP_INTR, /* nanosleep 10 s; worker sends SIGUSR1 (handled): -EINTR */
	B_ACCEPT_KILL,/* accept; worker kills it */
	B_READ_KILL,  /* read; worker stops and kills it */
	B_COUNT
};

#define BLOCK_NO_RESOURCES (-100000) /* the child could not set up: no verdict */
#define EXIT_NO_RESOURCES 98

/* In the child: the blocking call. Returns its result. */
static long block_call(int how, int fd, int other)
{
	char buf[16];

	switch (how) {
	case B_EPOLL: {
		struct linux_epoll_event ev = { EPOLLIN, 7 };
		long ep = raw(__NR_epoll_create1, 0);

		if (ep < 0 || raw(__NR_epoll_ctl, ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			return BLOCK_NO_RESOURCES;
		raw(__NR_write, other, "r", 1);
		return raw(__NR_epoll_pwait, ep, &ev, 1, -1, 0, 8);
	}
	case B_PPOLL: {
		struct { int fd; short events, revents; } p = { fd, POLLIN, 0 };

		raw(__NR_write, other, "r", 1);
		return raw(__NR_ppoll, &p, 1, 0, 0, 8);
	}
	case B_WRITE_EPIPE: {
		static char fill[4096];
		long r;

		raw(__NR_fcntl, fd, F_SETFL, O_NONBLOCK);
		while (raw(__NR_write, fd, fill, sizeof(fill)) > 0)
			;
		raw(__NR_fcntl, fd, F_SETFL, 0);
		raw(__NR_write, other, "r", 1);
		do
			r = raw(__NR_write, fd, fill, sizeof(fill));
		while (r > 0);
		return r;
	}
	case B_SLEEP_INTR: {
		struct linux_timespec ts = { 10, 0 };

		raw(__NR_write, other, "r", 1);
		return raw(__NR_nanosleep, &ts, 0);
	}
	case B_ACCEPT_KILL:
		raw(__NR_write, other, "r", 1);
		return raw(__NR_accept4, fd, 0, 0, 0);
	default:
		raw(__NR_write, other, "r", 1);
		return raw(__NR_read, fd, buf, sizeof(buf));
	}
}

static long expected(int how)
{
	switch (how) {
	case B_PIPE_DATA: case B_EPOLL: case B_PPOLL: return 1;
	case B_WRITE_EPIPE: return -32;
	case B_SLEEP_INTR: return -4;
	default: return 0;
	}
}

/* A TCP pair of our own: a fresh listener (so the accepted side is surely
 * the peer of our connect), closed once it accepted. 0 or -1. */
static int tcp_pair(int *c, int *a)
{
	long l = fz_make(K_TCP_LISTEN);
	struct sockaddr_in sin;
	long fd, acc = -1;

	if (l < 0)
		return -1;
	fz_forget(l);
	fd = raw(__NR_socket, AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = (uint16_t)((fz.tcp_port >> 8) | (fz.tcp_port << 8));
	sin.sin_addr.s_addr = 0x0100007fU;
	if (fd >= 0 && raw(__NR_connect, fd, &sin, sizeof(sin)) == 0) {
		for (int i = 0; i < 200 && acc < 0; i++) { /* the final ACK may still be on its way */
			acc = raw(__NR_accept4, l, 0, 0, SOCK_NONBLOCK);
			if (acc < 0)
				pause_ms(1);
		}
	}
	raw(__NR_close, l);
	if (acc < 0) {
		if (fd >= 0)
			raw(__NR_close, fd);
		return -1;
	}
	*c = (int)fd;
	*a = (int)acc;
	return 0;
}

/* Make the fds for HOW: *fd is what the child blocks on, *peer what the
 * worker acts on (closes or writes). 0 or -1. */
static int block_setup(int how, int *fd, int *peer)
{
	int sv[2];

	switch (how) {
	case B_UNIX_EOF:
		if (raw(__NR_socketpair, AF_UNIX, SOCK_STREAM, 0, sv))
			return -1;
		break;
	case B_TCP_EOF:
		return tcp_pair(fd, peer);
	case B_PPOLL:
		sv[0] = (int)raw(__NR_eventfd2, 0, 0);
		sv[1] = sv[0] < 0 ? -1 : (int)raw(__NR_dup, sv[0]);
		if (sv[1] < 0)
			return -1;
		break;
	case B_ACCEPT_KILL: {
		long l = fz_make(K_TCP_LISTEN);

		if (l < 0)
			return -1;
		raw(__NR_fcntl, l, F_SETFL, 0);
		fz_forget(l);
		*fd = (int)l;
		*peer = -1;
		return 0;
	}
	case B_WRITE_EPIPE:
		if (raw(__NR_pipe2, sv, 0))
			return -1;
		*fd = sv[1];
		*peer = sv[0];
		return 0;
	default:
		if (raw(__NR_pipe2, sv, 0))
			return -1;
	}
	*fd = sv[0];
	*peer = sv[1];
	return 0;
}

static void block_child(int how, int fd, int peer, int sync_w)
{
	struct linux_itimerval off = { { 0, 0 }, { 0, 0 } };
	uint64_t mask;
	long r;

	struct k_sigaction sa = { (void *)fz_on_signal, 0, 0, 0 };

	/* Whatever the fuzzing did to our signal state, set what HOW needs. */
	raw(__NR_setitimer, LINUX_ITIMER_REAL, &off, 0);
	/* Only the signal HOW wakes it with gets through: another worker's
	 * signal storm must not end the call with a (correct) EINTR. */
	mask = ~0ULL & ~(1ULL << (SIGKILL - 1)) & ~(1ULL << (SIGSTOP - 1));
	if (how == B_SLEEP_INTR)
		mask &= ~(1ULL << (SIGUSR1 - 1));
	if (how == B_ACCEPT_KILL)
		mask &= ~(1ULL << (SIGTERM - 1));
	raw(__NR_rt_sigprocmask, SIG_SETMASK, &mask, 0, 8);
	raw(__NR_rt_sigaction, SIGUSR1, &sa, 0, 8);
	sa.handler = SIG_IGN;
	raw(__NR_rt_sigaction, SIGPIPE, &sa, 0, 8);
	sa.handler = SIG_DFL;
	raw(__NR_rt_sigaction, SIGTERM, &sa, 0, 8);
	if (peer >= 0 && how != B_PPOLL)
		raw(__NR_close, peer); /* only the worker holds the other end */
	r = block_call(how, fd, sync_w);
	if (r == BLOCK_NO_RESOURCES)
		raw(__NR_exit_group, EXIT_NO_RESOURCES);
	raw(__NR_exit_group, r == expected(how) ? 0 : (r < 0 ? 100 + (-r % 100) : 99));
}

/* Wake the child: the worker's half of HOW. */
static void block_wake(int how, int pid, int peer)
{
	uint64_t one = 1;

	switch (how) {
	case B_PIPE_DATA:
	case B_EPOLL:
		raw(__NR_write, peer, "x", 1);
		break;
	case B_PPOLL:
		raw(__NR_write, peer, &one, 8);
		break;
	case B_SLEEP_INTR:
		raw(__NR_kill, pid, SIGUSR1);
		break;
	case B_ACCEPT_KILL:
		raw(__NR_kill, pid, fz_chance(50) ? SIGKILL : SIGTERM);
		break;
	case B_READ_KILL:
		raw(__NR_kill, pid, SIGSTOP);
		raw(__NR_kill, pid, SIGKILL);
		break;
	default:
		break;
	}
	if (peer >= 0)
		raw(__NR_close, peer);
}

static void seq_block(void)
{
	int how = (int)fz_below(B_COUNT), fd, peer, sync[2], status;
	char c;
	long pid;

	struct k_sigaction chld = { (void *)fz_on_signal, 0, 0, 0 };

	/* SIG_IGN or SA_NOCLDWAIT (fuzzed) would reap the child behind our back */
	raw(__NR_rt_sigaction, SIGCHLD, &chld, 0, 8);
	if (block_setup(how, &fd, &peer))
		return;
	if (raw(__NR_pipe2, sync, O_CLOEXEC)) {
		raw(__NR_close, fd);
		if (peer >= 0)
			raw(__NR_close, peer);
		return;
	}
	pid = raw(__NR_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		block_child(how, fd, peer, sync[1]);
	raw(__NR_close, sync[1]);
	raw(__NR_close, fd);
	if (pid < 0) {
		raw(__NR_close, sync[0]);
		if (peer >= 0)
			raw(__NR_close, peer);
		return;
	}
	/* The child says it is about to block (EOF: it died first). */
	while (raw(__NR_read, sync[0], &c, 1) == -4)
		;
	raw(__NR_close, sync[0]);
	raw(__NR_sched_yield);
	block_wake(how, (int)pid, peer);
	/* nanosleep: the first SIGUSR1 may come before the child sleeps */
	status = wait_kid_poke(pid, 10000, how == B_SLEEP_INTR ? SIGUSR1 : 0);
	if (SIS_WIFEXITED(status) && SIS_WEXITSTATUS(status) == EXIT_NO_RESOURCES)
		return;
	if (status == -1) {
		fz_report("FAIL blocked child not woken: how, pid", how, pid);
		raw(__NR_kill, pid, SIGKILL);
		wait_kid(pid, 5000);
	} else if (status == -2) {
		fz_report("FAIL blocked child vanished: how, pid", how, pid);
	} else if (how == B_ACCEPT_KILL || how == B_READ_KILL) {
		if (!SIS_WIFSIGNALED(status))
			fz_report("FAIL killed child: how, status", how, status);
	} else if (status != 0) {
		fz_report("FAIL blocked child's result: how, status", how, status);
	}
}

/* ---- other sequences ---------------------------------------------------- */

/* A child that fuzzes a little, then exits, execs or waits to be killed. */
static void seq_fork_fuzz(void)
{
	long pid = raw(__NR_clone, SIGCHLD, 0, 0, 0, 0);

	if (pid < 0)
		return;
	if (pid > 0) {
		fz_kid_add(pid);
		return;
	}
	fz.me = raw(__NR_getpid);
	for (int i = 0; i < FZ_MAXKIDS; i++)
		fz.kids[i] = 0;
	for (unsigned i = fz_below(40); i > 0; i--)
		fz_call();
	if (raw(__NR_getpid) != fz.me)
		raw(__NR_exit_group, 0);
	switch (fz_below(4)) {
	case 0: {
		static char *const argv[] = { "/bin/true", 0 };

		static const char *const paths[] = { "/bin/true", "/dev/null", "/tmp/fz/f0", "/",
						     "/nonexistent", "/proc/meminfo" };

		raw(__NR_execve, fz_chance(90) ? (long)FZ_PICK(paths) : fz_ptr(8, false),
		    fz_chance(90) ? (long)argv : fz_ptr(16, false), fz_chance(90) ? 0 : fz_ptr(16, false));
		break;
	}
	case 1: {
		struct linux_timespec ts = { 0, 1000000L * fz_below(30) };

		raw(__NR_nanosleep, &ts, 0);
		break;
	}
	default:
		break;
	}
	raw(__NR_exit_group, fz_below(256));
}

/* SCM_RIGHTS loops: each end of a pair sent into the pair itself. */
static void seq_scm_loop(void)
{
	int sv[2];
	char ctl[sizeof(struct cmsghdr) + 8] __attribute__((aligned(8)));
	struct cmsghdr *c = (struct cmsghdr *)ctl;
	struct iovec iov = { "x", 1 };
	struct msghdr m = { 0, 0, &iov, 1, ctl, sizeof(ctl), 0 };

	if (raw(__NR_socketpair, AF_UNIX, fz_chance(50) ? SOCK_STREAM : SOCK_DGRAM, 0, sv))
		return;
	c->cmsg_len = sizeof(ctl);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	((int *)(c + 1))[0] = sv[0];
	((int *)(c + 1))[1] = sv[1];
	raw(__NR_sendmsg, sv[0], &m, MSG_DONTWAIT);
	raw(__NR_sendmsg, sv[1], &m, MSG_DONTWAIT);
	if (fz_chance(50)) {
		fz_note(sv[0], K_UNIX);
		fz_note(sv[1], K_UNIX);
	} else {
		raw(__NR_close, sv[0]);
		raw(__NR_close, sv[1]);
	}
}

static void seq_signal_storm(void)
{
	for (unsigned i = 1 + fz_below(20); i > 0; i--)
		raw(__NR_kill, fz.me, FZ_PICK(((const int[]){ SIGUSR1, SIGUSR2, SIGCHLD, SIGURG,
								SIGRTMIN })));
	for (int i = 0; i < FZ_MAXKIDS; i++)
		if (fz.kids[i] && fz_chance(30))
			raw(__NR_kill, fz.kids[i], fz_sig());
}

void fz_sequence(void)
{
	switch (fz_below(6)) {
	case 0:
	case 1:
		seq_block();
		break;
	case 2:
		seq_fork_fuzz();
		break;
	case 3:
		seq_scm_loop();
		break;
	case 4:
		seq_signal_storm();
		break;
	default:
		fz_reap_kids(fz_chance(30));
	}
}

/* ---- the worker ----------------------------------------------------------- */

static void setup_signals(void)
{
	struct k_sigaction sa = { (void *)fz_on_signal, 0, 0, 0 };
	struct linux_itimerval tick = { { 0, 10000 }, { 0, 10000 } };

	/* Every signal the fuzzing may send ourselves runs a handler: a default
	 * action (stop, terminate) would end the worker early. Faults keep
	 * theirs (a handler returning to the fault would loop). */
	for (int sig = 1; sig <= SIS_NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGSEGV && sig != SIGBUS &&
		    sig != SIGILL && sig != SIGTRAP && sig != SIGFPE)
			raw(__NR_rt_sigaction, sig, &sa, 0, 8);
	raw(__NR_setitimer, LINUX_ITIMER_REAL, &tick, 0);
}

static int setup_memory(void)
{
	long p = raw(__NR_mmap, 0, FZ_SCRATCH + 4096 + 8192, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long a = raw(__NR_mmap, 0, FZ_ARENA, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p < 0 || a < 0)
		return -1;
	fz.args = (unsigned char *)p;
	fz.scratch = (unsigned char *)p + 8192;
	raw(__NR_munmap, (long)(fz.scratch + FZ_SCRATCH), 4096); /* the guard page */
	fz.arena = (uintptr_t)a;
	raw(__NR_munmap, a, FZ_ARENA); /* a hole only MAP_FIXED fuzzing uses */
	for (size_t i = 0; i < FZ_SCRATCH; i += 8)
		*(uint64_t *)(fz.scratch + i) = fz_rand();
	return 0;
}

/* "crowd": every number the table tracks is taken (by /dev/null, known to
 * the model as K_OTHER), so what the worker makes next lands past it and
 * must be given up, never handed out as if it were kept. */
static void crowd_table(void)
{
	long null = raw(__NR_openat, AT_FDCWD, "/dev/null", O_RDWR);

	for (int fd = 0; null >= 0 && fd < FZ_MAXFD; fd++) {
		if (fd != null && raw(__NR_dup3, null, fd, 0) != fd)
			continue;
		fz.kind[fd] = K_OTHER;
	}
}

void fz_worker(uint64_t seed, unsigned long calls, bool trace)
{
	fz.rng = seed ? seed : 1;
	fz.trace = trace;
	if (trace)
		__sis_syscall6(__NR_dup3, 1, FZ_TRACE_FD, 0, 0, 0, 0);
	fz.me = raw(__NR_getpid);
	memset(fz.kind, -1, sizeof(fz.kind));
	for (int i = 0; i < 3; i++)
		raw(__NR_close, i); /* never the console */
	raw(__NR_setsid);
	raw(__NR_chdir, "/tmp/fz"); /* relative names stay in the tree the driver empties */
	while (setup_memory())
		raw(__NR_exit_group, 3);
	setup_signals();
	if (fz.crowd)
		crowd_table();
	fz_replenish();
	for (fz.calls = 0; fz.calls < calls; fz.calls++) {
		if (fz_chance(2))
			fz_sequence();
		else
			fz_call();
		if (raw(__NR_getpid) != fz.me)
			raw(__NR_exit_group, 0); /* a clone's child: only the worker goes on */
		for (int j = 0; j < 16; j++)
			fz.scratch[fz_below(FZ_SCRATCH)] = (unsigned char)fz_rand();
		if (fz.calls % 64 == 63) {
			fz_resync();
			fz_replenish();
		}
	}
	fz_reap_kids(true);
	for (;;)
		raw(__NR_exit_group, 0);
}
