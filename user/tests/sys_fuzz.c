/*
 * sys_fuzz: the typed system-call fuzzer's driver (init in its QEMU test).
 *
 * Runs ROUNDS workers one after the other (sys_fuzz_seq.c), each making
 * CALLS typed calls from its own seed, derived from the run's SEED and the
 * round number: `sys_fuzz ROUNDS CALLS SEED FIRST` replays rounds from
 * FIRST on. A worker that is still running after 30 s is killed and
 * counted (its clock signal should cut every wait short). Checks:
 *  - the kernel stays up (the QEMU test fails on any panic or [ERROR]);
 *  - what the workers' sequences report (a blocked child never woken, a
 *    wrong result after the wake-up) is printed and fails the run;
 *  - the leak check: once every process is gone and /tmp/fz is emptied,
 *    heap bytes (exact), pages outside the heap (neither free nor held by
 *    it: slab fragmentation is not a leak), live sockets and every lwIP
 *    pool in /proc/net/sis_pools are back to their values after three warm-up
 *    rounds (waiting up to 30 s for TIME-WAIT and deferred frees). On a
 *    leak it prints the /proc/slabinfo rows that grew.
 * Prints "sys_fuzz: PASS" only then; otherwise "sys_fuzz: FAIL ...".
 * Usage: sys_fuzz [ROUNDS [CALLS [SEED [FIRST [MODE [LAST_CALLS]]]]]]  (SEED in hex;
 * MODE "trace" prints every system call of the workers with its result;
 * "each" checks for leaks after every round, to find the round that leaks;
 * "crowd" starts each worker with descriptors 0..FZ_MAXFD-1 all open, so
 * the objects it makes land past the table it tracks; "-" none of them
 * (they combine: "trace,crowd"); LAST_CALLS: fewer calls in the last round, to find the call)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <uapi/sis/dirent.h>

#include "sys_fuzz.h"

static const char *prog = "sys_fuzz"; /* or sock_fuzz: socket objects and calls only */

#define WARMUP 3
#define ROUND_LIMIT_S 30
#define SETTLE_S 30
#define MAX_POOLS 48

struct counters {
	long heap_bytes, pages_free, heap_pages, sockets;
	int npools;
	char pool_name[MAX_POOLS][24];
	long pool_used[MAX_POOLS];
};

static bool read_counters(struct counters *c)
{
	char line[160];
	FILE *f = fopen("/proc/net/sis_pools", "r");
	int got = 0;

	if (!f)
		return false;
	memset(c, 0, sizeof(*c));
	while (fgets(line, sizeof(line), f)) {
		char name[24];
		long used;

		if (sscanf(line, "pool %23s %ld", name, &used) == 2 && c->npools < MAX_POOLS) {
			strcpy(c->pool_name[c->npools], name);
			c->pool_used[c->npools++] = used;
		}
		got += sscanf(line, "heap_bytes %ld", &c->heap_bytes) == 1;
		got += sscanf(line, "pages_free %ld", &c->pages_free) == 1;
		got += sscanf(line, "sockets %ld", &c->sockets) == 1;
		got += sscanf(line, "heap_pages %ld", &c->heap_pages) == 1;
	}
	fclose(f);
	return got == 4;
}

/* Pages neither free nor the heap's: what a leak outside the heap holds.
 * (Free pages alone also move with the slabs' fragmentation: the same heap
 * bytes can sit in one more partly used slab page after a run.) */
static long pages_outside_heap(const struct counters *c)
{
	return -(c->pages_free + c->heap_pages);
}

/* Back means: nothing has grown (a pool's use, heap bytes, sockets, pages
 * outside the heap). */
static bool back_to(const struct counters *base, const struct counters *now)
{
	if (now->heap_bytes > base->heap_bytes ||
	    pages_outside_heap(now) > pages_outside_heap(base) ||
	    now->sockets > base->sockets || now->npools != base->npools)
		return false;
	for (int i = 0; i < now->npools; i++)
		if (now->pool_used[i] > base->pool_used[i])
			return false;
	return true;
}

/* /proc/slabinfo's active objects per class, to name what leaked. */
#define SLAB_ROWS 16
struct slabs {
	int n;
	char name[SLAB_ROWS][24];
	long active[SLAB_ROWS];
};

static void read_slabs(struct slabs *s)
{
	char line[256];
	FILE *f = fopen("/proc/slabinfo", "r");

	s->n = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && s->n < SLAB_ROWS)
		if (sscanf(line, "%23s %ld", s->name[s->n], &s->active[s->n]) == 2)
			s->n++;
	fclose(f);
}

static void print_leak(const struct counters *b, const struct counters *n, const struct slabs *sb)
{
	struct slabs sn;

	printf("%s: FAIL leak: heap_bytes %ld (was %ld), pages_free %ld (was %ld), heap_pages %ld "
	       "(was %ld), sockets %ld (was %ld)\n", prog, n->heap_bytes, b->heap_bytes,
	       n->pages_free, b->pages_free, n->heap_pages, b->heap_pages, n->sockets, b->sockets);
	for (int i = 0; i < n->npools && i < b->npools; i++)
		if (n->pool_used[i] > b->pool_used[i])
			printf("%s:   pool %s used %ld (was %ld)\n", prog, n->pool_name[i],
			       n->pool_used[i], b->pool_used[i]);
	{
		char line[128];
		FILE *f = fopen("/proc/processes", "r");

		while (f && fgets(line, sizeof(line), f))
			printf("%s:   process %s", prog, line);
		if (f)
			fclose(f);
	}
	read_slabs(&sn);
	for (int i = 0; i < sn.n && i < sb->n; i++)
		if (sn.active[i] != sb->active[i])
			printf("%s:   slab %s active %ld (was %ld)\n", prog, sn.name[i], sn.active[i],
			       sb->active[i]);
}

/*
 * Walk dir (depth first, at most 16 deep) with raw getdents64 into stack
 * buffers: no malloc, so the walk never grows our own memory, which the
 * leak check would count. remove: unlink/rmdir everything; else list it.
 */
static void walk_dir(const char *dir, int depth, bool remove)
{
	char buf[1024], path[512];
	long fd = depth < 16 ? raw(__NR_openat, -100, dir, 0200000 | 040000 /* O_RDONLY|O_DIRECTORY|O_CLOEXEC */) : -1;
	long n;

	if (fd < 0)
		return;
	while ((n = raw(__NR_getdents64, fd, buf, sizeof(buf))) > 0) {
		bool removed = false;

		for (long off = 0; off < n;) {
			struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);

			off += e->d_reclen;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (!remove)
				printf("%s:   left: %s\n", prog, path);
			if (!remove || raw(__NR_unlinkat, -100, path, 0)) {
				walk_dir(path, depth + 1, remove);
				if (remove)
					removed |= !raw(__NR_unlinkat, -100, path, 0x200 /* AT_REMOVEDIR */);
			} else {
				removed = true;
			}
		}
		if (removed)
			raw(__NR_lseek, fd, 0, 0); /* entries went: start again */
	}
	raw(__NR_close, fd);
}

static void empty_dir(const char *dir, int depth)
{
	walk_dir(dir, depth, true);
}

static void list_dir(const char *dir, int depth)
{
	walk_dir(dir, depth, false);
}

/*
 * The names directly in / and /tmp, the fuzzer's only writable places
 * outside /tmp/fz: every name the workers create must stay inside /tmp/fz,
 * which reset_tree empties. One that escapes (a sockaddr_un whose fuzzed
 * length cuts an absolute path short binds its prefix, "/no" of
 * "/nonexistent/s", as on Linux) is a file the run leaves behind: its
 * inode and entry would read as a kernel heap leak.
 */
#define OUTSIDE_MAX 96
struct outside {
	int n;
	char name[OUTSIDE_MAX][48];
};

static void list_outside(struct outside *o)
{
	static const char *const dirs[] = { "/", "/tmp/" };
	char buf[1024];

	o->n = 0;
	for (unsigned d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		long fd = raw(__NR_openat, -100, dirs[d], 0200000 | 040000), n;

		while (fd >= 0 && (n = raw(__NR_getdents64, fd, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n && o->n < OUTSIDE_MAX;) {
				struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);

				off += e->d_reclen;
				if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					snprintf(o->name[o->n++], sizeof(o->name[0]), "%s%s", dirs[d],
						 e->d_name);
			}
		}
		if (fd >= 0)
			raw(__NR_close, fd);
	}
}

static struct outside outside_base; /* before the first round */

/* Print the names outside /tmp/fz that were not there before; how many. */
static int new_outside(const struct outside *before)
{
	static struct outside now; /* static: our stack stays at its size */
	int found = 0;

	list_outside(&now);
	for (int i = 0; i < now.n; i++) {
		bool known = false;

		for (int j = 0; j < before->n && !known; j++)
			known = !strcmp(now.name[i], before->name[j]);
		if (!known) {
			printf("%s:   created outside /tmp/fz: %s\n", prog, now.name[i]);
			found++;
		}
	}
	return found;
}

static void reset_tree(void)
{
	empty_dir("/tmp/fz", 0);
	mkdir("/tmp/fz", 0755);
	mkdir("/tmp/fz/d0", 0755);
}

/* Kill and reap every process but us (workers' children, orphans). */
static void reap_all(void)
{
	int status;

	kill(-1, SIGKILL);
	while (waitpid(-1, &status, 0) > 0)
		;
}

static uint64_t round_seed(uint64_t seed, long r)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (uint64_t)(r + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct tally {
	long exited, signaled, stuck, failures;
	long by_signal[65]; /* workers killed, per signal */
};

/* Print what the worker reported; count its failures. */
static void drain_reports(int fd, long r, uint64_t seed, struct tally *t)
{
	char buf[1024];
	long n;

	while ((n = raw(__NR_read, fd, buf, sizeof(buf) - 1)) > 0) {
		char *line = buf, *nl;

		buf[n] = 0;
		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			printf("%s: round %ld (seed %016llx): %s\n", prog, r, (unsigned long long)seed,
			       line);
			t->failures += !strncmp(line, "FAIL", 4);
			line = nl + 1;
		}
	}
}

static bool trace;

/*
 * Our rlimits as the run began. A worker may prlimit64 pid 1, us: once
 * one set our RLIMIT_AS to 64 bytes, every later worker inherited it and
 * died at its first mmap (seed c2f7cbc950360965: 1,000,000 "calls" in 39 s).
 * Each round starts from these again.
 */
#define RLIM_NLIMITS 16 /* (uapi/sis/resource.h's: it clashes with picolibc's time.h) */
static uint64_t rlimits[RLIM_NLIMITS][2]; /* struct rlimit64: cur, max */

static void save_rlimits(void)
{
	for (int res = 0; res < RLIM_NLIMITS; res++)
		raw(__NR_prlimit64, 0, res, 0, rlimits[res]);
}

static void restore_rlimits(void)
{
	for (int res = 0; res < RLIM_NLIMITS; res++)
		raw(__NR_prlimit64, 0, res, rlimits[res], 0);
}

static int one_round(long r, uint64_t seed, unsigned long calls, struct tally *t)
{
	int pfd[2], status = 0;
	pid_t pid;

	restore_rlimits();
	if (raw(__NR_pipe2, pfd, 04000 /* O_NONBLOCK */)) {
		printf("%s: FAIL pipe in round %ld\n", prog, r);
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		raw(__NR_dup3, pfd[1], FZ_REPORT_FD, 0);
		raw(__NR_close, pfd[0]);
		raw(__NR_close, pfd[1]);
		fz_worker(round_seed(seed, r), calls, trace);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		printf("%s: FAIL fork in round %ld\n", prog, r);
		return -1;
	}
	for (int i = 0; i < ROUND_LIMIT_S * 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			goto reaped;
		drain_reports(pfd[0], r, round_seed(seed, r), t);
		usleep(10000);
	}
	printf("%s: round %ld (seed %016llx): worker still running after %d s, killed\n", prog, r,
	       (unsigned long long)round_seed(seed, r), ROUND_LIMIT_S);
	t->stuck++;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
reaped:
	drain_reports(pfd[0], r, round_seed(seed, r), t);
	close(pfd[0]);
	if (WIFSIGNALED(status)) {
		t->signaled++;
		t->by_signal[WTERMSIG(status) & 63]++;
	}
	else
		t->exited++;
	while (waitpid(-1, &status, WNOHANG) > 0)
		; /* orphans */
	return 0;
}

/* "each": find the rounds that leak. Settle after every round and say
 * which did not come back (then take the new level as the baseline). */
static bool each;
static long last_calls; /* LAST_CALLS: the last round's calls, to bisect a leak */

static void check_round(long r, uint64_t seed, struct counters *base)
{
	struct counters now;

	reap_all();
	reset_tree();
	if (new_outside(&outside_base)) {
		printf("%s: round %ld (seed %016llx) created files outside /tmp/fz\n", prog, r,
		       (unsigned long long)round_seed(seed, r));
		list_outside(&outside_base); /* the next rounds are judged on their own */
	}
	for (int i = 0; i < 80; i++) {
		if (read_counters(&now) && back_to(base, &now))
			return;
		usleep(100000);
	}
	printf("%s: round %ld (seed %016llx) leaked: heap_bytes %+ld, pages outside the heap %+ld\n",
	       prog, r, (unsigned long long)round_seed(seed, r), now.heap_bytes - base->heap_bytes,
	       pages_outside_heap(&now) - pages_outside_heap(base));
	list_dir("/tmp/fz", 0);
	*base = now;
}

/* Grow our own stack and heap now: a deeper call later (empty_dir on a
 * deeper tree, with a DIR per level) would otherwise map a user page that
 * looks like a kernel leak to the check. */
static void __attribute__((noinline)) prefault_self(void)
{
	volatile char buf[65536];
	char *heap = malloc(256 << 10);

	for (size_t i = 0; i < sizeof(buf); i += 4096)
		buf[i] = 0;
	for (size_t i = 0; heap && i < (256 << 10); i += 4096)
		heap[i] = 0;
	free(heap);
}

static uint64_t fresh_seed(void)
{
	uint64_t s = 0;

	raw(__NR_getrandom, &s, sizeof(s), 0);
	return s ? s : 0x9e3779b97f4a7c15ULL ^ (uint64_t)time(NULL);
}

static bool settle(const struct counters *base, struct counters *now)
{
	for (int i = 0; i < SETTLE_S * 10; i++) {
		if (read_counters(now) && back_to(base, now))
			return true;
		usleep(100000);
	}
	return false;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 200, first = argc > 4 ? atol(argv[4]) : 0;
	unsigned long calls = argc > 2 ? strtoul(argv[2], NULL, 0) : 500;
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 16) : fresh_seed();
	struct tally t;
	struct counters base, now;
	struct slabs base_slabs;

	prefault_self();
	save_rlimits();
	if (argc > 0 && strstr(argv[0], "sock_fuzz")) {
		prog = "sock_fuzz";
		fz.sockets_only = true;
	}
	printf("%s: %ld rounds of %lu calls, seed %016llx (replay: %s %ld %lu %llx %ld)\n", prog,
	       rounds, calls, (unsigned long long)seed, prog, rounds, calls,
	       (unsigned long long)seed, first);
	reset_tree();
	list_outside(&outside_base);
	for (long r = -WARMUP; r < 0; r++) /* tables and caches reach their size */
		if (one_round(r, seed, calls, &t))
			return 1;
	reap_all();
	reset_tree();
	sleep(5); /* TIME-WAIT of the warm-up's connections (2 * TCP_MSL = 4 s) */
	/* Everything the end of the run does, once before the baseline, so our
	 * own memory (stdio buffers, stack) is already at its size. */
	read_slabs(&base_slabs);
	if (!read_counters(&base)) {
		printf("%s: FAIL cannot read /proc/net/sis_pools\n", prog);
		return 1;
	}
	back_to(&base, &base);
	read_slabs(&base_slabs);
	read_counters(&base);
	trace = argc > 5 && strstr(argv[5], "trace");
	fz.crowd = argc > 5 && strstr(argv[5], "crowd");
	memset(&t, 0, sizeof(t));
	each = argc > 5 && strstr(argv[5], "each");
	last_calls = argc > 6 ? atol(argv[6]) : -1;
	for (long r = first; r < first + rounds; r++) {
		bool last = r == first + rounds - 1;

		if (one_round(r, seed, last && last_calls >= 0 ? (unsigned long)last_calls : calls, &t))
			return 1;
		if (each)
			check_round(r, seed, &base);
	}
	reap_all();
	restore_rlimits();
	reset_tree();
	printf("%s: %ld calls; workers: %ld exited, %ld killed by signals, %ld stuck; "
	       "%ld failed checks; kernel still up\n", prog,
	       rounds * (long)calls, t.exited, t.signaled, t.stuck, t.failures);
	for (int sig = 1; sig < 65; sig++)
		if (t.by_signal[sig])
			printf("%s: %ld workers killed by signal %d\n", prog, t.by_signal[sig], sig);
	if (new_outside(&outside_base)) {
		printf("%s: FAIL the workers created files outside /tmp/fz\n", prog);
		return 1;
	}
	if (!settle(&base, &now)) {
		print_leak(&base, &now, &base_slabs);
		return 1;
	}
	if (t.failures) {
		printf("%s: FAIL %ld checks failed\n", prog, t.failures);
		return 1;
	}
	printf("%s: PASS\n", prog);
	return 0;
}
