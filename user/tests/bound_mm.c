/*
 * The memory side of the user/kernel boundary (issue 11), one case per run:
 *   bound_mm prot_none   a child maps one PROT_NONE page per 2 MiB (a page
 *                        table each) until ENOMEM: it is stopped by its
 *                        page-table cap, not by the machine running dry, so
 *                        pipe2, fork, fork+exec of the shell and signal
 *                        delivery still work, in it and in its parent; a
 *                        huge PROT_NONE mmap fails at once; munmap gives the
 *                        tables back and exit gives back everything.
 *   bound_mm kptr        kernel-half pointers never alias user addresses:
 *                        clone CHILD_SETTID/PARENT_SETTID, read, write and
 *                        friends with 0xffff... pointers or ranges that
 *                        straddle the top of user space give EFAULT (mmap,
 *                        munmap: EINVAL, mprotect: ENOMEM) and write nothing.
 *   bound_mm rlimit_as   RLIMIT_AS: getrlimit/setrlimit/prlimit64 agree;
 *                        mmap and brk past the limit fail with ENOMEM,
 *                        MAP_FIXED over old pages counts only the growth,
 *                        children inherit it.
 *   bound_mm many_maps   40,000 hint-less one-page mmaps take well under
 *                        10 s (the free-range search starts where the last
 *                        one ended: it used to cost n^2/2 page lookups, about
 *                        100 s), a hole munmap opens is found again, and
 *                        everything is given back.
 *   bound_mm mprotect    mprotect(PROT_READ|PROT_WRITE) of a PROT_NONE
 *                        region larger than free memory fails with ENOMEM
 *                        and changes nothing (the region still faults, no
 *                        memory is gone).
 * Prints "bound_mm: CASE PASS" or FAIL lines; exit status: failures.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <uapi/sis/errno.h>
#include <uapi/sis/signal.h>
#include <uapi/sis/mman.h>
#include <uapi/sis/resource.h>
#include <uapi/sis/sysinfo.h>
#include <uapi/sis/utsname.h>
#include <uapi/sis/time.h>
#include "proc_raw.h"
#include "check.h"

#define KVA 0xffff000000000000UL /* the kernel half: same low 48 bits */
#define USER_END 0x0001000000000000UL
#define SZ_2M (2UL << 20)
#define SZ_1M (1UL << 20)
#define CLONE_SETTID_CHILD 0x01000000UL
#define CLONE_SETTID_PARENT 0x00100000UL
#define CLONE_CLEARTID_CHILD 0x00200000UL
#define WNOHANG_ 1


static long free_kib(void)
{
	struct linux_sysinfo si;

	return raw(__NR_sysinfo, &si) ? -1 : (long)(si.freeram / 1024);
}

static long map(uint64_t addr, uint64_t len, int prot, int flags)
{
	return raw6(__NR_mmap, (long)addr, (long)len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags,
		    -1, 0);
}

static int fork_raw(void)
{
	return (int)raw(__NR_clone, SIGCHLD, 0, 0, 0, 0);
}

/* Wait for pid: its exit status, 128+signal if killed, -1 on error. */
static int reap(int pid)
{
	int status = 0;

	if (raw(__NR_wait4, pid, &status, 0, 0) != pid)
		return -1;
	if ((status & 0x7f) == 0)
		return (status >> 8) & 0xff;
	return 128 + (status & 0x7f);
}

static volatile int usr1_seen;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}

/* pipe2, fork (+ exec of the shell) and a signal to ourselves all work. */
static void kernel_still_serves(const char *who)
{
	struct k_sigaction sa = { (void *)on_usr1, 0, 0, 0 };
	int fds[2], pid, before = usr1_seen;
	long r;

	r = raw(__NR_pipe2, fds, 0);
	CHECK(r == 0, "%s: pipe2: %ld", who, r);
	if (r == 0) {
		CHECK(raw(__NR_write, fds[1], "x", 1) == 1, "%s: pipe write", who);
		raw(__NR_close, fds[0]);
		raw(__NR_close, fds[1]);
	}
	pid = fork_raw();
	if (pid == 0)
		raw(__NR_exit, 7);
	CHECK(pid > 0 && reap(pid) == 7, "%s: fork: %d", who, pid);
	pid = fork_raw();
	if (pid == 0) {
		const char *argv[] = { "sh", "-c", "exit 5", 0 };
		const char *envp[] = { 0 };

		raw(__NR_execve, "/bin/sh", argv, envp);
		raw(__NR_exit, 99);
	}
	CHECK(pid > 0 && reap(pid) == 5, "%s: fork+exec of the shell: %d", who, pid);
	CHECK(raw(__NR_rt_sigaction, SIGUSR1, &sa, 0, sizeof(k_sigset_t)) == 0, "%s: sigaction",
	      who);
	raw(__NR_kill, raw(__NR_getpid), SIGUSR1);
	CHECK(usr1_seen == before + 1, "%s: SIGUSR1 handler ran %d times", who,
	      usr1_seen - before);
}

#define HOG_BASE 0x0000100000000000UL /* 16 TiB: nothing else lives there */
#define HOG_MAX 200000

/* The child: PROT_NONE pages 2 MiB apart until ENOMEM, checks, unmaps. */
static int hog(int report_fd, int wait_fd)
{
	long before = free_kib(), full, after, r = 0;
	uint64_t n = 0;
	char c;

	for (; n < HOG_MAX; n++) {
		r = map(HOG_BASE + n * SZ_2M, 4096, PROT_NONE, MAP_FIXED_NOREPLACE);
		if (r < 0)
			break;
	}
	full = free_kib();
	printf("bound_mm: %lu PROT_NONE pages 2 MiB apart, then %ld; free %ld -> %ld KiB\n",
	       (unsigned long)n, r, before, full);
	CHECK(r == -ENOMEM, "mmap stopped with %ld, want -ENOMEM", r);
	CHECK(full > before / 2, "the tables took %ld of %ld KiB", before - full, before);
	r = map(0, 1UL << 46, PROT_NONE, 0);
	CHECK(r == -ENOMEM, "64 TiB PROT_NONE mmap: %ld", r);
	kernel_still_serves("at the cap");
	raw(__NR_write, report_fd, "r", 1);
	raw(__NR_read, wait_fd, &c, 1); /* the parent checks meanwhile */
	r = raw(__NR_munmap, HOG_BASE, n * SZ_2M);
	after = free_kib();
	printf("bound_mm: after munmap free %ld KiB (before the mappings %ld)\n", after, before);
	CHECK(r == 0, "munmap: %ld", r);
	CHECK(after >= before - 64, "munmap left %ld KiB", before - after);
	r = map(HOG_BASE, 4096, PROT_READ | PROT_WRITE, MAP_FIXED_NOREPLACE);
	CHECK(r == (long)HOG_BASE, "mapping again after munmap: %ld", r);
	fflush(stdout);
	return failures;
}

static int case_prot_none(void)
{
	struct k_sigaction ign = { (void *)1 /* SIG_IGN */, 0, 0, 0 };
	long before = free_kib(), after;
	int up[2], down[2], pid, st;
	char c = 0;

	raw(__NR_rt_sigaction, SIGPIPE, &ign, 0, sizeof(k_sigset_t)); /* if the hog dies */
	raw(__NR_pipe2, up, 0);
	raw(__NR_pipe2, down, 0);
	fflush(stdout);
	pid = fork_raw();
	if (pid == 0)
		raw(__NR_exit, hog(up[1], down[0]));
	raw(__NR_close, up[1]);
	raw(__NR_close, down[0]);
	CHECK(raw(__NR_read, up[0], &c, 1) == 1 && c == 'r', "the hog did not report");
	kernel_still_serves("beside the hog");
	raw(__NR_write, down[1], "g", 1);
	st = reap(pid);
	CHECK(st == 0, "the hog ended with %d", st);
	raw(__NR_close, up[0]);
	raw(__NR_close, down[1]);
	after = free_kib();
	printf("bound_mm: free memory before %ld after %ld KiB\n", before, after);
	CHECK(before == after, "%ld KiB not given back", before - after);
	return failures;
}

static int victim; /* what an aliased kernel address would hit */

/* A kernel-half alias of p, and a range straddling the top of user space. */
#define ALIAS(p) ((long)(KVA | (uint64_t)(uintptr_t)(p)))
#define STRADDLE ((long)(USER_END - 8))

static void kptr_clone(void)
{
	uint64_t flags[] = { CLONE_SETTID_CHILD, CLONE_SETTID_CHILD | CLONE_CLEARTID_CHILD };
	int pid;

	for (unsigned i = 0; i < 2; i++) {
		victim = 0;
		fflush(stdout);
		pid = (int)raw6(__NR_clone, (long)(flags[i] | SIGCHLD), 0, 0, 0, ALIAS(&victim), 0);
		if (pid == 0)
			raw(__NR_exit, victim != 0); /* the child's own copy */
		CHECK(pid > 0, "clone CHILD_SETTID with a kernel ctid: %d", pid);
		CHECK(pid <= 0 || reap(pid) == 0, "clone %lx: pid written through a kernel ctid",
		      (unsigned long)flags[i]);
	}
	pid = (int)raw6(__NR_clone, (long)(CLONE_SETTID_PARENT | SIGCHLD), 0, ALIAS(&victim), 0, 0,
			0);
	if (pid == 0)
		raw(__NR_exit, 0);
	CHECK(pid == -EFAULT, "clone PARENT_SETTID with a kernel ptid: %d", pid);
	if (pid > 0)
		reap(pid);
	CHECK(victim == 0, "victim written: %d", victim);
	CHECK(raw(__NR_set_tid_address, ALIAS(&victim)) > 0, "set_tid_address");
}

static void kptr_io(void)
{
	static char buf[64];
	long bad[] = { ALIAS(buf), STRADDLE, (long)0xfffffffffffffff0UL, (long)USER_END };
	int fds[2];

	raw(__NR_pipe2, fds, 0);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long r;

		raw(__NR_write, fds[1], "abcdefghijklmnop", 16);
		memset(buf, 0, sizeof(buf));
		r = raw(__NR_read, fds[0], bad[i], 16);
		CHECK(r == -EFAULT, "read into %lx: %ld", (unsigned long)bad[i], r);
		CHECK(buf[0] == 0, "read through %lx wrote the user alias", (unsigned long)bad[i]);
		raw(__NR_read, fds[0], buf, 16); /* drain */
		memset(buf, 0, sizeof(buf));
		r = raw(__NR_write, fds[1], bad[i], 16);
		CHECK(r == -EFAULT, "write from %lx: %ld", (unsigned long)bad[i], r);
		r = raw(__NR_getrandom, bad[i], 16, 0);
		CHECK(r == -EFAULT, "getrandom into %lx: %ld", (unsigned long)bad[i], r);
		r = raw(__NR_uname, bad[i]);
		CHECK(r == -EFAULT, "uname into %lx: %ld", (unsigned long)bad[i], r);
		r = raw(__NR_pipe2, bad[i], 0);
		CHECK(r == -EFAULT, "pipe2 into %lx: %ld", (unsigned long)bad[i], r);
		/* (A string may end before the limit: the top page is the
		 * readable trampoline, so a path at STRADDLE is just "".) */
		r = raw(__NR_openat, -100, bad[i], 0);
		CHECK(r == -EFAULT || (bad[i] == STRADDLE && r == -ENOENT), "openat path %lx: %ld",
		      (unsigned long)bad[i], r);
		r = raw(__NR_clock_gettime, 0, bad[i]);
		CHECK(r == -EFAULT, "clock_gettime into %lx: %ld", (unsigned long)bad[i], r);
		r = raw(__NR_sigaltstack, bad[i], 0);
		CHECK(r == -EFAULT, "sigaltstack from %lx: %ld", (unsigned long)bad[i], r);
		r = raw(__NR_prlimit64, 0, RLIMIT_AS, 0, bad[i]);
		CHECK(r == -EFAULT, "prlimit64 old into %lx: %ld", (unsigned long)bad[i], r);
		CHECK(buf[0] == 0, "something wrote the user alias of %lx", (unsigned long)bad[i]);
	}
	raw(__NR_close, fds[0]);
	raw(__NR_close, fds[1]);
}

static void kptr_exec_and_mm(void)
{
	static const char path[] = "/bin/sh";
	long argv_bad[] = { (long)path, ALIAS(path), 0 };
	long r;

	r = raw(__NR_execve, path, argv_bad, 0);
	CHECK(r == -EFAULT, "execve with a kernel argv[1]: %ld", r);
	r = raw(__NR_execve, ALIAS(path), 0, 0);
	CHECK(r == -EFAULT, "execve of a kernel path: %ld", r);
	r = map(KVA | 0x400000, 4096, PROT_READ, MAP_FIXED);
	CHECK(r == -EINVAL, "mmap MAP_FIXED at a kernel address: %ld", r);
	r = map(KVA | 0x10000000, 4096, PROT_READ, 0); /* a hint only */
	CHECK(r > 0 && (uint64_t)r < USER_END, "mmap with a kernel hint: %lx", (unsigned long)r);
	if (r > 0)
		raw(__NR_munmap, r, 4096);
	r = map(USER_END - 4096, 8192, PROT_READ, MAP_FIXED);
	CHECK(r == -EINVAL, "mmap MAP_FIXED straddling the top: %ld", r);
	r = raw(__NR_munmap, KVA | 0x400000, 4096);
	CHECK(r == -EINVAL, "munmap of a kernel address: %ld", r);
	r = raw(__NR_mprotect, KVA | 0x400000, 4096, PROT_READ);
	CHECK(r == -ENOMEM, "mprotect of a kernel address: %ld", r);
	r = raw(__NR_brk, 0);
	CHECK(raw(__NR_brk, KVA | (uint64_t)r) == r, "brk to a kernel address moved the break");
}

/* A store to the kernel alias of our own data kills us with SIGSEGV. */
static void kptr_store(void)
{
	int pid;

	fflush(stdout);
	pid = fork_raw();
	if (pid == 0) {
		*(volatile int *)ALIAS(&victim) = 42;
		raw(__NR_exit, victim == 42 ? 2 : 1);
	}
	CHECK(reap(pid) == 128 + SIGSEGV, "store to a kernel alias did not SIGSEGV");
}

static int case_kptr(void)
{
	kptr_clone();
	kptr_io();
	kptr_exec_and_mm();
	kptr_store();
	CHECK(victim == 0, "victim written: %d", victim);
	return failures;
}

static uint64_t as_cur(int pid)
{
	struct linux_rlimit64 l = { 0, 0 };

	raw(__NR_prlimit64, pid, RLIMIT_AS, 0, &l);
	return l.rlim_cur;
}

static int case_rlimit_as(void)
{
	struct linux_rlimit64 lim = { 64 * SZ_1M, RLIM64_INFINITY }, got = { 0, 0 };
	long r, brk0;
	int pid;

	r = raw(__NR_getrlimit, RLIMIT_AS, &got);
	CHECK(r == 0 && got.rlim_cur == RLIM64_INFINITY, "getrlimit(RLIMIT_AS): %ld %lx", r,
	      (unsigned long)got.rlim_cur);
	r = raw(__NR_setrlimit, RLIMIT_AS, &lim);
	CHECK(r == 0 && as_cur(0) == lim.rlim_cur, "setrlimit(RLIMIT_AS): %ld", r);
	r = map(0, 128 * SZ_1M, PROT_NONE, 0);
	CHECK(r == -ENOMEM, "128 MiB PROT_NONE under a 64 MiB RLIMIT_AS: %ld", r);
	r = map(0, 32 * SZ_1M, PROT_NONE, 0);
	CHECK(r > 0, "32 MiB PROT_NONE under a 64 MiB RLIMIT_AS: %ld", r);
	if (r > 0) {
		long again = map((uint64_t)r, 32 * SZ_1M, PROT_NONE, MAP_FIXED);

		CHECK(again == r, "MAP_FIXED over the same 32 MiB: %ld", again);
		CHECK(map(0, 32 * SZ_1M, PROT_NONE, 0) == -ENOMEM, "another 32 MiB fit");
		raw(__NR_munmap, r, 32 * SZ_1M);
	}
	brk0 = raw(__NR_brk, 0);
	r = raw(__NR_brk, brk0 + 100 * (long)SZ_1M);
	CHECK(r == brk0, "brk 100 MiB past a 64 MiB RLIMIT_AS moved to %lx", (unsigned long)r);
	r = raw(__NR_brk, brk0 + 4 * (long)SZ_1M);
	CHECK(r == brk0 + 4 * (long)SZ_1M, "brk 4 MiB: %lx", (unsigned long)r);
	raw(__NR_brk, brk0);
	fflush(stdout);
	pid = fork_raw();
	if (pid == 0)
		raw(__NR_exit, as_cur(0) == lim.rlim_cur && map(0, 128 * SZ_1M, PROT_NONE, 0) == -ENOMEM
				       ? 0 : 1);
	CHECK(reap(pid) == 0, "the child did not inherit RLIMIT_AS");
	lim.rlim_cur = RLIM64_INFINITY;
	CHECK(raw(__NR_prlimit64, 0, RLIMIT_AS, &lim, 0) == 0, "prlimit64 back to infinity");
	r = map(0, 128 * SZ_1M, PROT_NONE, 0);
	CHECK(r > 0, "128 MiB PROT_NONE without a limit: %ld", r);
	if (r > 0)
		raw(__NR_munmap, r, 128 * SZ_1M);
	return failures;
}

#define MANY 40000

static long now_ms(void)
{
	struct linux_timespec ts = { 0, 0 };

	raw(__NR_clock_gettime, 1 /* CLOCK_MONOTONIC */, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int case_many_maps(void)
{
	static long maps[MANY];
	long before = free_kib(), t0 = now_ms(), ms, r;
	int n;

	for (n = 0; n < MANY; n++) {
		maps[n] = map(0, 4096, PROT_NONE, 0);
		if (maps[n] < 0)
			break;
	}
	ms = now_ms() - t0;
	printf("bound_mm: %d one-page mmaps in %ld ms\n", n, ms);
	CHECK(n == MANY, "mmap %d failed: %ld", n, n < MANY ? maps[n] : 0);
	CHECK(ms < 10000, "%d mmaps took %ld ms", n, ms);
	if (n > 200) {
		raw(__NR_munmap, maps[100], 4096);
		r = map(0, 4096, PROT_NONE, 0);
		CHECK(r == maps[100], "the hole at %lx was not found again (got %lx)",
		      (unsigned long)maps[100], (unsigned long)r);
	}
	for (int i = 0; i < n; i++)
		raw(__NR_munmap, maps[i], 4096);
	CHECK(free_kib() >= before - 16, "munmap left %ld KiB", before - free_kib());
	return failures;
}

static int case_mprotect(void)
{
	long before = free_kib(), r, len = (before + 64 * 1024) * 1024L;
	long base = map(0, (uint64_t)len, PROT_NONE, 0), mid;
	int pid;

	CHECK(base > 0, "PROT_NONE mmap of %ld KiB: %ld", len / 1024, base);
	if (base <= 0)
		return failures;
	mid = free_kib();
	r = raw(__NR_mprotect, base, len, PROT_READ | PROT_WRITE);
	printf("bound_mm: mprotect of %ld KiB with %ld KiB free: %ld, free after %ld KiB\n",
	       len / 1024, mid, r, free_kib());
	CHECK(r == -ENOMEM, "mprotect past free memory: %ld", r);
	CHECK(free_kib() == mid, "the failed mprotect kept %ld KiB", mid - free_kib());
	fflush(stdout);
	pid = fork_raw();
	if (pid == 0)
		raw(__NR_exit, *(volatile char *)base == 0 ? 3 : 4);
	CHECK(reap(pid) == 128 + SIGSEGV, "the first page is readable after a failed mprotect");
	r = raw(__NR_mprotect, base, 4096, PROT_READ | PROT_WRITE);
	CHECK(r == 0, "mprotect of one page: %ld", r);
	if (r == 0)
		*(volatile char *)base = 1;
	raw(__NR_munmap, base, len);
	CHECK(free_kib() >= before - 16, "munmap left %ld KiB", before - free_kib());
	return failures;
}

/* MAP_SHARED anonymous memory: a fork child's writes (its own stores, a
 * read() into the page, after an mprotect round trip) reach the parent;
 * MAP_PRIVATE stays copy-on-write; munmap gives every page back. */
static int case_shared(void)
{
	long before = free_kib(), len = 4 * 4096;
	long sh = raw6(__NR_mmap, 0, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long pv = map(0, 4096, PROT_READ | PROT_WRITE, 0);
	int fds[2], pid;

	CHECK(sh > 0 && pv > 0, "mmap shared %ld private %ld", sh, pv);
	if (sh <= 0 || pv <= 0 || raw(__NR_pipe2, fds, 0))
		return failures + 1;
	*(volatile char *)pv = 1;
	raw(__NR_write, fds[1], "hello", 5);
	fflush(stdout);
	pid = fork_raw();
	if (pid == 0) {
		((volatile char *)sh)[0] = 42;
		((volatile char *)sh)[3 * 4096 + 5] = 7;
		*(volatile char *)pv = 9;
		raw(__NR_mprotect, sh + 4096, 4096, PROT_READ);
		raw(__NR_mprotect, sh + 4096, 4096, PROT_READ | PROT_WRITE);
		((volatile char *)sh)[4096] = 5;
		raw(__NR_exit, raw(__NR_read, fds[0], (void *)(sh + 2 * 4096), 5) == 5 ? 0 : 1);
	}
	CHECK(reap(pid) == 0, "child failed");
	CHECK(((volatile char *)sh)[0] == 42 && ((volatile char *)sh)[3 * 4096 + 5] == 7,
	      "child's stores to MAP_SHARED not seen");
	CHECK(((volatile char *)sh)[4096] == 5, "store after mprotect not shared");
	CHECK(!memcmp((void *)(sh + 2 * 4096), "hello", 5), "read() into MAP_SHARED not shared");
	CHECK(*(volatile char *)pv == 1, "MAP_PRIVATE page changed by the child");
	CHECK(raw6(__NR_mmap, 0, 4096, PROT_READ, MAP_TYPE | MAP_ANONYMOUS, -1, 0) == -EINVAL, "bad map type");
	raw(__NR_munmap, sh, len);
	raw(__NR_munmap, pv, 4096);
	raw(__NR_close, fds[0]);
	raw(__NR_close, fds[1]);
	CHECK(free_kib() >= before - 16, "munmap left %ld KiB", before - free_kib());
	return failures;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	int n;

	if (!strcmp(c, "prot_none"))
		n = case_prot_none();
	else if (!strcmp(c, "kptr"))
		n = case_kptr();
	else if (!strcmp(c, "rlimit_as"))
		n = case_rlimit_as();
	else if (!strcmp(c, "mprotect"))
		n = case_mprotect();
	else if (!strcmp(c, "shared"))
		n = case_shared();
	else if (!strcmp(c, "many_maps"))
		n = case_many_maps();
	else {
		printf("usage: bound_mm prot_none|kptr|rlimit_as|mprotect|shared|many_maps\n");
		return 2;
	}
	printf("bound_mm: %s %s\n", c, n ? "FAIL" : "PASS");
	return n;
}
