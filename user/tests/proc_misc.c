/*
 * Process-layer behaviour through the C runtime: signal handlers and masks;
 * process groups and sessions; SIGCHLD ignored (no zombies);
 * WNOHANG; vfork; stop and continue; orphans adopted by init; memory
 * mappings (mmap, mprotect, munmap, brk) and W^X; copy-on-write after fork;
 * uname; getrandom; interval timers (alarm, setitimer, getitimer);
 * sigaltstack (handlers on it, SS_ONSTACK, EPERM, a stack overflow caught);
 * RLIMIT_NOFILE (EMFILE, dup2's EBADF, F_DUPFD's EINVAL, inherited).
 * Every failure prints a line; the exit status is 1 on any failure.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uapi/sis/sysinfo.h>
#include "proc_raw.h"

#include "check.h"

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void signals(void)
{
	sigset_t set, old;

	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	CHECK(usr1_count == 1, "handler ran once");

	/* Blocked: pending until unblocked, then delivered once. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	raise(SIGUSR1);
	CHECK(usr1_count == 1, "blocked signal not delivered");
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK(usr1_count == 2, "unblocked signal delivered once");

	/* SIG_IGN discards. */
	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	CHECK(usr1_count == 2, "ignored");
	signal(SIGUSR1, SIG_DFL);
}

static void groups(void)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* A child leads a new group, then a new session. */
		if (setpgid(0, 0) || getpgid(0) != getpid())
			_exit(1);
		if (setsid() != -1 || errno != EPERM) /* group leader: refused */
			_exit(2);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "setpgid/setsid in child");

	pid = fork();
	if (pid == 0) {
		pid_t sid = setsid();

		_exit(sid == getpid() && getpgid(0) == getpid() ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "setsid in a non-leader");

	/* kill(0, sig) reaches the whole group: a child in its own group
	 * kills itself and its own child with one call. */
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		if (fork() == 0) {
			pause();
			_exit(5);
		}
		usleep(20000);
		kill(0, SIGTERM);
		_exit(9); /* not reached: SIGTERM kills the sender too */
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "kill(0) hits the sender");
	if (getpid() == 1)
		waitpid(-1, &status, 0); /* as init we adopted the killed grandchild */
}

static void children(void)
{
	int status = 0;
	pid_t pid;

	/* WNOHANG on a running child. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(3);
	}
	CHECK(waitpid(pid, &status, WNOHANG) == 0, "WNOHANG with a running child");
	CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 3, "exit status 3");
	CHECK(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "no children: ECHILD");

	/* vfork: the parent waits until the child execs or exits. */
	pid = vfork();
	if (pid == 0)
		_exit(4);
	CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 4, "vfork");

	/* SIGCHLD ignored: children leave no zombie to wait for. */
	signal(SIGCHLD, SIG_IGN);
	pid = fork();
	if (pid == 0)
		_exit(0);
	usleep(20000);
	CHECK(waitpid(pid, &status, 0) == -1 && errno == ECHILD, "SIGCHLD ignored: ECHILD");
	signal(SIGCHLD, SIG_DFL);

	/* Stop and continue, seen with WUNTRACED / WCONTINUED. */
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 50; i++)
			usleep(10000);
		_exit(6);
	}
	kill(pid, SIGSTOP);
	CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) &&
		      WSTOPSIG(status) == SIGSTOP, "stopped");
	kill(pid, SIGCONT);
	CHECK(waitpid(pid, &status, WCONTINUED) == pid && WIFCONTINUED(status), "continued");
	CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 6, "exits after SIGCONT");
}

/* A grandchild whose parent exits is adopted by init (pid 1). */
static void orphans(void)
{
	int fds[2], status;
	pid_t pid;
	char ppid_text[16] = "";

	if (pipe(fds))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			usleep(50000);
			snprintf(ppid_text, sizeof(ppid_text), "%d", (int)getppid());
			write(fds[1], ppid_text, strlen(ppid_text) + 1);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(pid, &status, 0);
	close(fds[1]);
	read(fds[0], ppid_text, sizeof(ppid_text));
	close(fds[0]);
	CHECK(atoi(ppid_text) == 1, "orphan adopted by init");
	if (getpid() == 1)
		while (waitpid(-1, &status, WNOHANG) > 0)
			;
}

static void memory(void)
{
	size_t len = 3 * 4096;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status = 0;
	pid_t pid;
	void *brk0;

	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED)
		return;
	CHECK(p[0] == 0 && p[len - 1] == 0, "mmap is zeroed");
	p[4096] = 'x';
	CHECK(mprotect(p, len, PROT_READ) == 0, "mprotect read-only");
	CHECK(p[4096] == 'x', "contents kept");
	CHECK(mprotect(p, len, PROT_READ | PROT_WRITE | PROT_EXEC) == -1 && errno == EACCES,
	      "W+X refused");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		p[0] = 1; /* read-only now */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "write to read-only page");
	CHECK(munmap(p + 4096, 4096) == 0, "munmap middle page");
	pid = fork();
	if (pid == 0) {
		(void)*(volatile char *)(p + 4096);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "unmapped page faults");
	CHECK(munmap(p, len) == 0, "munmap rest (with a hole)");
	CHECK(mmap(p, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p,
	      "MAP_FIXED at a free address");
	munmap(p, 4096);

	brk0 = sbrk(0);
	CHECK(sbrk(64 * 1024) == brk0, "sbrk grows");
	memset(brk0, 0x5a, 64 * 1024);
	CHECK(sbrk(-64 * 1024) != (void *)-1 && sbrk(0) == brk0, "sbrk shrinks");
}

static long free_bytes(void)
{
	struct linux_sysinfo si;

	return raw(__NR_sysinfo, &si) ? -1 : (long)si.freeram;
}

/* fork shares pages copy-on-write: each side sees only its own writes,
 * also writes the kernel makes (read() into the buffer), and a fork costs
 * far less memory than a copy of the 256 KiB stack alone. */
static void copy_on_write(void)
{
	static char page[2][4096];
	int fds[2], status = 0;
	long before, during;
	pid_t pid;

	if (pipe(fds))
		return;
	strcpy(page[0], "parent");
	strcpy(page[1], "parent");
	fflush(stdout);
	before = free_bytes();
	pid = fork();
	if (pid == 0) {
		int ok = strcmp(page[0], "parent") == 0;

		usleep(50000); /* the parent writes meanwhile */
		ok &= strcmp(page[0], "parent") == 0;
		strcpy(page[0], "child");
		ok &= read(fds[0], page[1], 6) == 6 && strcmp(page[1], "kernel") == 0;
		_exit(ok ? 0 : 1);
	}
	during = free_bytes();
	strcpy(page[0], "writer");
	write(fds[1], "kernel", 7);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child saw only its own writes");
	CHECK(strcmp(page[0], "writer") == 0 && strcmp(page[1], "parent") == 0,
	      "parent saw only its own writes");
	printf("proc_misc: fork took %ld pages\n", (before - during) / 4096);
	CHECK(before - during < 48 * 4096, "fork shares pages instead of copying");
	close(fds[0]);
	close(fds[1]);
}

static void identity(void)
{
	struct utsname u;
	unsigned char a[16], b[16];

	CHECK(uname(&u) == 0 && strcmp(u.sysname, "SIS") == 0 && strcmp(u.machine, "aarch64") == 0,
	      "uname");
	CHECK(getrandom(a, sizeof(a), 0) == sizeof(a) && getrandom(b, sizeof(b), 0) == sizeof(b),
	      "getrandom");
	CHECK(memcmp(a, b, sizeof(a)) != 0, "getrandom differs");
	CHECK(getuid() == 0 && geteuid() == 0, "root");
}

/* ---- interval timers ---- */

static volatile sig_atomic_t alrm_count;

static void on_alrm(int sig)
{
	(void)sig;
	alrm_count++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void timers(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } }, cur;
	double t0;
	unsigned left;
	int status;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alrm; /* no SA_RESTART: the sleep ends early */
	sigaction(SIGALRM, &sa, NULL);

	/* alarm(1) ends a 5 s sleep after about a second. */
	alrm_count = 0;
	t0 = now_s();
	CHECK(alarm(1) == 0, "no alarm was pending");
	left = sleep(5);
	CHECK(alrm_count == 1, "SIGALRM delivered once");
	/* sleep() rounds what is left up: 5 when the alarm (armed just before
	 * the sleep began) came on time, 4 or less when it came late, as on a
	 * loaded host; 0 would mean the sleep ran out */
	CHECK(left >= 1 && left <= 5, "sleep interrupted with %u s left", left);
	CHECK(now_s() - t0 >= 0.95 && now_s() - t0 < 4, "alarm(1) fired after about 1 s");

	/* alarm returns what is left of the previous one; alarm(0) cancels. */
	alarm(10);
	left = alarm(0);
	CHECK(left == 10 || left == 9, "alarm(0) returns the time left");
	CHECK(getitimer(ITIMER_REAL, &cur) == 0 && !cur.it_value.tv_sec && !cur.it_value.tv_usec,
	      "cancelled");

	/* Periodic: 50 ms ticks keep coming until disarmed. */
	alrm_count = 0;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer 50 ms periodic");
	for (int i = 0; i < 200 && alrm_count < 4; i++)
		usleep(10000);
	CHECK(alrm_count >= 4, "periodic timer fired 4 times");
	CHECK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_interval.tv_usec == 50000 &&
		      cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 50000,
	      "getitimer of the periodic timer");
	memset(&it, 0, sizeof(it));
	CHECK(setitimer(ITIMER_REAL, &it, &cur) == 0 && cur.it_interval.tv_usec == 50000,
	      "disarm returns the old setting");
	left = (unsigned)alrm_count;
	usleep(200000);
	CHECK((unsigned)alrm_count == left, "no SIGALRM after disarming");

	/* Bad input; and fork does not inherit a pending timer. */
	it.it_value.tv_usec = 1000000;
	errno = 0;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) < 0 && errno == EINVAL, "tv_usec 1000000: EINVAL");
	errno = 0;
	CHECK(setitimer(ITIMER_REAL, (void *)8, NULL) < 0 && errno == EFAULT, "bad pointer: EFAULT");
	errno = 0;
	CHECK(getitimer(7, &cur) < 0 && errno == EINVAL, "unknown timer: EINVAL");
	alarm(30);
	pid = fork();
	if (pid == 0) {
		_exit(getitimer(ITIMER_REAL, &cur) == 0 && !cur.it_value.tv_sec &&
			      !cur.it_value.tv_usec ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0, "child starts without the parent's alarm");
	alarm(0);
	signal(SIGALRM, SIG_DFL);
}

/* ---- sigaltstack ---- */

static char *alt_lo, *alt_hi;
static volatile int alt_on, alt_flags, alt_eperm;

static void on_alt(int sig)
{
	char here;
	stack_t cur, other = { .ss_sp = alt_lo, .ss_size = MINSIGSTKSZ };

	(void)sig;
	alt_on = &here > alt_lo && &here < alt_hi;
	alt_flags = sigaltstack(NULL, &cur) == 0 ? cur.ss_flags : -1;
	alt_eperm = sigaltstack(&other, NULL) < 0 && errno == EPERM;
}

static void on_segv_exit(int sig)
{
	(void)sig;
	_exit(42);
}

/* Recurse until the stack runs out (no tail call: the buffer is used after;
 * the bound is never reached, it only keeps the compiler from objecting). */
static volatile int deep_limit = 1 << 30;

static int deep(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	if (n >= deep_limit)
		return 0;
	return deep(n + 1) + pad[0];
}

static void altstack(void)
{
	size_t size = 4 * SIGSTKSZ;
	stack_t ss, old;
	struct sigaction sa;
	int status;
	pid_t pid;

	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE, "none at first");
	alt_lo = malloc(size);
	alt_hi = alt_lo + size;
	ss = (stack_t){ .ss_sp = alt_lo, .ss_size = MINSIGSTKSZ - 1 };
	errno = 0;
	CHECK(sigaltstack(&ss, NULL) < 0 && errno == ENOMEM, "below MINSIGSTKSZ: ENOMEM");
	ss.ss_size = size;
	ss.ss_flags = 0x40;
	errno = 0;
	CHECK(sigaltstack(&ss, NULL) < 0 && errno == EINVAL, "bad flags: EINVAL");
	ss.ss_flags = 0;
	CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack");
	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_sp == alt_lo && old.ss_size == size &&
		      old.ss_flags == 0, "reads back, not on it");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alt;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	CHECK(alt_on, "SA_ONSTACK handler ran on the alternate stack");
	CHECK(alt_flags == SS_ONSTACK, "SS_ONSTACK inside the handler");
	CHECK(alt_eperm, "changing it while on it: EPERM");
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	CHECK(!alt_on, "without SA_ONSTACK: the normal stack");
	signal(SIGUSR1, SIG_DFL);

	/* The classic use: a stack overflow's SIGSEGV handled on the alternate
	 * stack (a child inherits it over fork). */
	pid = fork();
	if (pid == 0) {
		sa.sa_handler = on_segv_exit;
		sa.sa_flags = SA_ONSTACK;
		sigaction(SIGSEGV, &sa, NULL);
		_exit(deep(0) == 0 ? 1 : 2);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 42, "stack overflow caught on the alternate stack");
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0 && sigaltstack(NULL, &old) == 0 &&
		      old.ss_flags == SS_DISABLE, "disabled");
	free(alt_lo);
}

/* ---- RLIMIT_NOFILE ---- */

static void nofile(void)
{
	struct rlimit old, lim = { 8, 8 }, got;
	int fds[16], n = 0, fd, status;
	pid_t pid;

	CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0 && old.rlim_cur >= 64, "default NOFILE");
	CHECK(setrlimit(RLIMIT_NOFILE, &lim) == 0, "setrlimit NOFILE 8");
	CHECK(getrlimit(RLIMIT_NOFILE, &got) == 0 && got.rlim_cur == 8, "reads back");
	while (n < 16 && (fd = open("/dev/null", O_RDONLY)) >= 0)
		fds[n++] = fd;
	CHECK(errno == EMFILE && n > 0 && fds[n - 1] == 7, "open stops at fd 7: EMFILE");
	errno = 0;
	CHECK(dup2(0, 8) < 0 && errno == EBADF, "dup2 to fd 8: EBADF");
	errno = 0;
	CHECK(fcntl(0, F_DUPFD, 8) < 0 && errno == EINVAL, "F_DUPFD from 8: EINVAL");
	pid = fork();
	if (pid == 0)
		_exit(open("/dev/null", O_RDONLY) < 0 && errno == EMFILE ? 0 : 1);
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0, "the child inherits the limit");
	while (n > 0)
		close(fds[--n]);
	lim.rlim_cur = 4;
	lim.rlim_max = 2;
	errno = 0;
	CHECK(setrlimit(RLIMIT_NOFILE, &lim) < 0 && errno == EINVAL, "cur above max: EINVAL");
	CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0, "limit restored");
}

int main(void)
{
	signals();
	timers();
	altstack();
	nofile();
	groups();
	children();
	orphans();
	memory();
	copy_on_write();
	identity();
	printf("proc_misc: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
