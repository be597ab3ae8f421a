/*
 * bound_proc: the user/kernel boundary, process side (issue 11). Each
 * subcommand is one attack an unprivileged program can make; run as init,
 * it prints "bound_proc: NAME: PASS" or FAIL lines, and the exit status is
 * the number of failures. A kernel that breaks panics or hangs instead.
 *
 *   exit_parent_uaf  init forks P, P forks C; C fills a loopback TCP
 *                    connection nobody reads, sets SO_LINGER 6 s and exits
 *                    (its close sleeps); meanwhile P exits and init reaps P
 *                    and fills memory. C's exit must then reach init, its
 *                    new parent, and init reaps it with status 0.
 *   exit_child_of_lingering  the mirror: P lingers in its exit while its
 *                    child C exits; init reaps both with their statuses.
 *   vfork_kill       P vforks C, which neither execs nor exits: SIGKILL ends
 *                    P all the same; P is reaped, memory filled, then C is
 *                    killed and its release of the vfork parent is harmless.
 *   init_unkillable  init gets no signal left at its default action (SIGKILL
 *                    and SIGSTOP included) from kill or a child's clone exit
 *                    signal; a handled one still arrives.
 *   sigreturn_x0     a handler leaves -512 / -514 (-ERESTARTSYS /
 *                    -ERESTARTNOHAND) in the saved x0: rt_sigreturn resumes
 *                    with exactly that context (x0 and pc), also for a
 *                    nested handler; an SA_RESTART read still restarts.
 *   itimer_storm     four processes with a 1 us periodic setitimer: the
 *                    interval reads back as at least one tick, each gets
 *                    about HZ SIGALRMs a second, the machine's timer
 *                    interrupts stay near HZ (the timers share the tick),
 *                    another process's 10 ms sleeps keep their pace, and
 *                    the CPU time charged adds up to at most the wall time.
 *   sem_rmid_sleepers  three processes sleep in semop on a set; IPC_RMID
 *                    wakes them, and the first to run sends 300 small
 *                    datagrams (heap of the set's size class) before the
 *                    others leave the set's queue: each sleeper gets EIDRM
 *                    (the set stays until the last one has gone; the others
 *                    once walked the freed, reused queue: a hang). 20 rounds.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>
#include <uapi/sis/sem.h>
#include <uapi/sis/syscall.h>
#include <uapi/sis/sysinfo.h>
#include "proc_raw.h"

#include "check.h"
#include "text_file.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long free_bytes(void)
{
	struct linux_sysinfo si;

	if (raw(__NR_sysinfo, &si))
		return -1;
	return (long)(si.freeram * si.mem_unit);
}

/* ---- exit_parent_uaf ---- */

#define LINGER_SECS 6
#define FILL_CHUNK (256 << 10)
#define FILL_MAX 2048
#define FILL_KEEP (6L << 20) /* left free for the kernel and the network */

/* A connected loopback TCP pair; *srv is the accepted end. */
static int tcp_pair(int *srv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c;

	CHECK(l >= 0, "socket");
	CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0, "bind");
	CHECK(listen(l, 1) == 0, "listen");
	CHECK(getsockname(l, (struct sockaddr *)&a, &len) == 0, "getsockname");
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0, "connect");
	*srv = accept(l, NULL, NULL);
	CHECK(*srv >= 0, "accept");
	close(l);
	return c;
}

/* Write until the peer's window and our send buffer are full. */
static void fill_connection(int fd)
{
	static char buf[16384];
	long total = 0;
	ssize_t n;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while ((n = write(fd, buf, sizeof(buf))) > 0)
		total += n;
	printf("bound_proc: C queued %ld bytes nobody reads\n", total);
}

/* C: a full connection, SO_LINGER, exit: the close sleeps in proc_exit. */
static void lingering_child(int c, int report)
{
	struct linger lg = { 1, LINGER_SECS };
	pid_t me = getpid();

	fill_connection(c);
	if (setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		_exit(2);
	/* Twice: one for P, one for init. */
	write(report, &me, sizeof(me));
	write(report, &me, sizeof(me));
	_exit(0);
}

/* Take as much memory as can be had (but FILL_KEEP), so the page the reaped
 * P lived in is reused; returns the chunks mapped. */
static int fill_memory(void **chunks)
{
	int n = 0;

	while (n < FILL_MAX && free_bytes() > FILL_KEEP + FILL_CHUNK) {
		void *p = mmap(NULL, FILL_CHUNK, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			break;
		memset(p, 0, FILL_CHUNK);
		chunks[n++] = p;
	}
	return n;
}

static void exit_parent_uaf(void)
{
	static void *chunks[FILL_MAX];
	int srv, c = tcp_pair(&srv), report[2], st = -1, n;
	pid_t p, cpid = 0, got;
	long t0;

	CHECK(pipe(report) == 0, "pipe");
	p = fork();
	if (p == 0) {
		close(srv);
		if (fork() == 0)
			lingering_child(c, report[1]);
		close(c);
		if (read(report[0], &cpid, sizeof(cpid)) != sizeof(cpid))
			_exit(3);
		usleep(300000); /* C is asleep in its close by now */
		_exit(0);       /* C is reparented to init */
	}
	close(c);
	close(report[1]);
	CHECK(read(report[0], &cpid, sizeof(cpid)) == sizeof(cpid), "C's pid");
	t0 = now_ms();
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "P reaped, status %#x", st);
	n = fill_memory(chunks);
	printf("bound_proc: P reaped; init holds %d KiB; C (pid %d) still lingers\n",
	       n * (FILL_CHUNK >> 10), cpid);
	st = -1;
	got = waitpid(-1, &st, 0);
	CHECK(got == cpid, "init reaps C: waitpid gave %d, want %d", got, cpid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "C's status %#x", st);
	CHECK(now_ms() - t0 > 2000, "C lingered only %ld ms", now_ms() - t0);
	CHECK(waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD, "no child left");
	while (n > 0)
		munmap(chunks[--n], FILL_CHUNK);
	close(srv);
	close(report[0]);
}

/* The mirror case: P lingers in its exit while its child C exits. C is a
 * zombie of a parent that is itself going; P hands it to init after the
 * linger and init reaps both, each with its own status. */
static void exit_child_of_lingering(void)
{
	struct linger lg = { 1, 2 };
	int srv, c = tcp_pair(&srv), st, seen = 0;
	pid_t p, got;

	p = fork();
	if (p == 0) {
		close(srv);
		if (fork() == 0) {
			usleep(500000); /* P is in its linger by now */
			_exit(5);
		}
		fill_connection(c);
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		_exit(0);
	}
	close(c);
	for (int i = 0; i < 2; i++) {
		st = -1;
		got = waitpid(-1, &st, 0);
		CHECK(got > 0 && WIFEXITED(st), "waitpid gave %d status %#x", got, st);
		if (got == p)
			seen |= WEXITSTATUS(st) == 0 ? 1 : 4;
		else if (got > 0)
			seen |= WEXITSTATUS(st) == 5 ? 2 : 4;
	}
	CHECK(seen == 3, "reaped P and C with their statuses (mask %d)", seen);
	CHECK(waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD, "no child left");
	close(srv);
}

/* ---- vfork_kill ---- */

#define CLONE_VM 0x100
#define CLONE_VFORK 0x4000
#define LINUX_SIGCHLD 17 /* picolibc's SIGCHLD is 20 */

/* P vforks C, which never execs or exits: SIGKILL still ends P. Then P is
 * reaped and memory filled before C exits and lets go of its vfork parent. */
static void vfork_kill(void)
{
	static void *chunks[FILL_MAX];
	int report[2], st = -1, n;
	pid_t p, c = 0;
	long t0;

	CHECK(pipe(report) == 0, "pipe");
	p = fork();
	if (p == 0) {
		if (raw(__NR_clone, CLONE_VM | CLONE_VFORK | LINUX_SIGCHLD, 0, 0, 0, 0) == 0) {
			pid_t me = getpid();

			write(report[1], &me, sizeof(me));
			for (;;)
				sleep(100);
		}
		_exit(1); /* the child let go: cannot happen */
	}
	CHECK(read(report[0], &c, sizeof(c)) == sizeof(c), "C's pid");
	usleep(200000); /* P is asleep in vfork */
	t0 = now_ms();
	CHECK(kill(p, SIGKILL) == 0, "kill P");
	CHECK(waitpid(p, &st, 0) == p && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "P's status %#x", st);
	CHECK(now_ms() - t0 < 2000, "SIGKILL took %ld ms to end P", now_ms() - t0);
	n = fill_memory(chunks);
	CHECK(kill(c, SIGKILL) == 0, "kill C");
	st = -1;
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "init reaps C: status %#x", st);
	while (n > 0)
		munmap(chunks[--n], FILL_CHUNK);
	close(report[0]);
	close(report[1]);
}

/* ---- init_unkillable ---- */

/* Run as init: signals at their default action do not reach it, whoever
 * sends them (kill from a child, a child's clone exit signal); signals it
 * handles still do. */
static volatile int usr1_seen;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}

static void init_unkillable(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGSTOP, SIGTSTP, SIGUSR2, SIGKILL };
	int st = -1;
	pid_t pid;

	CHECK(getpid() == 1, "not run as init");
	signal(SIGUSR1, on_usr1);
	pid = fork();
	if (pid == 0) {
		for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			if (kill(1, sigs[i]))
				_exit(1);
		_exit(kill(1, SIGUSR1) ? 1 : 0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the killer's status %#x", st);
	usleep(50000);
	CHECK(usr1_seen == 1, "SIGUSR1 (handled) reached init %d times", usr1_seen);
	/* A child whose exit signal is SIGTSTP (20 on Linux) or SIGKILL (9). */
	for (int es = 20; es >= 9; es -= 11) {
		pid = (pid_t)raw(__NR_clone, es, 0, 0, 0, 0);
		if (pid == 0)
			_exit(0);
		usleep(50000);
		st = -1;
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child with exit signal %d", es);
	}
	signal(SIGUSR1, SIG_DFL);
}

/* ---- sigreturn_x0 (bound_proc_sig.c: it needs the kernel's signal ABI) ---- */

int bound_sigreturn_handlers(void);

static void on_alarm(int sig)
{
	(void)sig;
}

static void sigreturn_x0(void)
{
	struct sigaction sa;
	int fds[2];
	char ch = 0;

	failures += bound_sigreturn_handlers();
	/* The restart path itself still works: an SA_RESTART read restarts. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	CHECK(pipe(fds) == 0, "pipe");
	if (fork() == 0) {
		usleep(300000);
		write(fds[1], "x", 1);
		_exit(0);
	}
	setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 100000 } }, NULL);
	CHECK(read(fds[0], &ch, 1) == 1 && ch == 'x', "SA_RESTART read restarted");
	wait(NULL);
	close(fds[0]);
	close(fds[1]);
	signal(SIGALRM, SIG_DFL);
}

/* ---- itimer_storm ---- */

static volatile long alarms;

static void count_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* The timer interrupt's count in /proc/interrupts (the line naming "timer"). */
static long timer_irqs(void)
{
	static char buf[4096];
	char *line;

	if (read_file_text("/proc/interrupts", buf, sizeof(buf)) < 0)
		return -1;
	for (line = buf; line; line = strchr(line, '\n')) {
		char *end = strchr(line + 1, '\n');

		if (*line == '\n')
			line++;
		if (end)
			*end = '\0';
		if (strstr(line, "timer")) {
			long v = -1;

			sscanf(strchr(line, ':') ? strchr(line, ':') + 1 : line, "%ld", &v);
			return v;
		}
		if (end)
			*end = '\n';
	}
	return -1;
}

/* A sibling: 50 sleeps of 10 ms; exit status 0 if they took < 5 s (behind
 * STORMERS busy processes round-robin makes each wake-up wait a few 20 ms
 * slices: ~1.4 s; a storm or starvation takes far longer). */
static pid_t start_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		long t0 = now_ms(), dt;

		for (int i = 0; i < 50; i++)
			usleep(10000);
		dt = now_ms() - t0;
		printf("bound_proc: sleeper: 50 x 10 ms took %ld ms\n", dt);
		_exit(dt < 5000 ? 0 : 1);
	}
	return pid;
}

/* The storming process: a 1 us periodic timer while it spins for 1 s.
 * Exit status: its failures. */
static void stormer(void)
{
	struct itimerval it = { { 0, 1 }, { 0, 1 } }, cur;
	long irq0 = timer_irqs(), irq1, t0, dt, spins = 0;

	signal(SIGALRM, count_alarm);
	t0 = now_ms();
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer 1 us periodic");
	CHECK(getitimer(ITIMER_REAL, &cur) == 0, "getitimer");
	CHECK(cur.it_interval.tv_sec * 1000000 + cur.it_interval.tv_usec >= 1000000 / 100,
	      "interval reads back as %ld us, below a tick", (long)cur.it_interval.tv_usec);
	while ((dt = now_ms() - t0) < 1000)
		spins++;
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	irq1 = timer_irqs();
	printf("bound_proc: 1 us itimer for %ld ms: %ld SIGALRMs, %ld timer interrupts, "
	       "%ld spins\n", dt, alarms, irq1 - irq0, spins);
	CHECK(alarms > 0 && alarms <= dt / 10 + 10, "%ld SIGALRMs in %ld ms", alarms, dt);
	CHECK(irq0 >= 0 && irq1 - irq0 <= 3 * (dt / 10) + 50, "%ld timer interrupts in %ld ms",
	      irq1 - irq0, dt);
	_exit(failures);
}

#define STORMERS 4

static void itimer_storm(void)
{
	struct rusage ru;
	long t0 = now_ms(), wall, cpu, total = 0;
	int st;
	pid_t sleeper = start_sleeper(), storm[STORMERS];

	for (int i = 0; i < STORMERS; i++) {
		storm[i] = fork();
		if (storm[i] == 0)
			stormer();
	}
	for (int i = 0; i < STORMERS; i++) {
		st = -1;
		CHECK(wait4(storm[i], &st, 0, &ru) == storm[i] && WIFEXITED(st) &&
		      WEXITSTATUS(st) == 0, "stormer %d failed (status %#x)", i, st);
		cpu = (long)ru.ru_utime.tv_sec * 1000 + (long)ru.ru_utime.tv_usec / 1000;
		total += cpu;
	}
	wall = now_ms() - t0;
	printf("bound_proc: %d stormers: %ld ms CPU in %ld ms\n", STORMERS, total, wall);
	CHECK(total > 0 && total <= wall + 20 * STORMERS, "stormers charged %ld ms CPU in %ld ms",
	      total, wall);
	st = -1;
	CHECK(waitpid(sleeper, &st, 0) == sleeper && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the sleeper was starved (status %#x)", st);
}

#define SEM_SLEEPERS 3
#define LINUX_EIDRM 43 /* <uapi/sis/errno.h>'s value (picolibc's errno.h has its own) */

/* One round: SEM_SLEEPERS children block on semaphore 0 of a 5-semaphore
 * set (its size class is a 120-byte datagram's); the set is removed and
 * its memory reused at once. Each child exits 0 on EIDRM. */
static void sem_rmid_round(int round)
{
	struct sis_sembuf down = { 0, -1, 0 };
	pid_t kids[SEM_SLEEPERS];
	long id = raw(__NR_semget, IPC_PRIVATE, 5, IPC_CREAT | 0600), n = 0;
	char msg[40] = { 0 };
	int sv[2], status;

	CHECK(id >= 0, "round %d: semget: %ld", round, id);
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "socketpair");
	if (id < 0)
		return;
	for (int i = 0; i < SEM_SLEEPERS; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			long r = raw(__NR_semop, id, &down, 1);

			/* Take heap of the set's size class before the other
			 * sleepers (woken with us, queued after us) run. */
			for (int j = 0; j < 300; j++)
				send(sv[0], msg, sizeof(msg), MSG_DONTWAIT);
			_exit(r == -LINUX_EIDRM ? 0 : r < 0 ? (int)-r : 255);
		}
	}
	for (int i = 0; i < 500 && n < SEM_SLEEPERS; i++) {
		n = raw(__NR_semctl, id, 0, GETNCNT, 0);
		usleep(2000);
	}
	CHECK(n == SEM_SLEEPERS, "round %d: %ld sleepers, want %d", round, n, SEM_SLEEPERS);
	CHECK(raw(__NR_semctl, id, 0, IPC_RMID, 0) == 0, "round %d: IPC_RMID", round);
	for (int i = 0; i < SEM_SLEEPERS; i++) {
		CHECK(waitpid(kids[i], &status, 0) == kids[i], "waitpid");
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "round %d: sleeper %d: semop gave errno %d, want EIDRM (status %#x)", round, i,
		      WEXITSTATUS(status), status);
	}
	close(sv[0]);
	close(sv[1]);
}

static void sem_rmid_sleepers(void)
{
	for (int round = 0; round < 20 && !failures; round++)
		sem_rmid_round(round);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "exit_parent_uaf", exit_parent_uaf },
	{ "exit_child_of_lingering", exit_child_of_lingering },
	{ "vfork_kill", vfork_kill },
	{ "init_unkillable", init_unkillable },
	{ "sigreturn_x0", sigreturn_x0 },
	{ "itimer_storm", itimer_storm },
	{ "sem_rmid_sleepers", sem_rmid_sleepers },
};

int main(int argc, char **argv)
{
	int ran = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int before = failures;

		if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		cases[i].fn();
		printf("bound_proc: %s: %s\n", cases[i].name, failures == before ? "PASS" : "FAIL");
		ran++;
	}
	if (!ran)
		printf("bound_proc: unknown case %s\n", argv[1]);
	return ran ? failures : 100;
}
