/*
 * Memory calls checked against Linux (glibc; static for SIS with -DON_SIS,
 * native on the Linux host as the reference, test/qemu/test_mm.py):
 * - MAP_PRIVATE file mappings are copy-on-write views of the file's pages:
 *   a page not yet written sees write(2) and a MAP_SHARED mapping's stores;
 *   after the mapping's own write it does not, and a private store never
 *   reaches the file; fork, mprotect (RW, PROT_NONE and back), madvise;
 * - MADV_DONTNEED of a written private file page drops the private copy:
 *   the page is the file's again (and sees write(2)), also for a copy that
 *   fork shares, after mprotect, and for an unlinked file;
 * - a page of a file mapping wholly past the end of the file (shared or
 *   private) is SIGBUS (BUS_ADRERR, si_addr) to read or write, EFAULT for
 *   read(2) into it, SIGSEGV if PROT_NONE; it is readable once the file
 *   grows over it, and SIGBUS again after a truncate below it; so is a
 *   private copy of a page the truncate cut (Linux zaps COW pages), in a
 *   fork child sharing it too;
 * - mlock, mlock2, munlock, mlockall, munlockall: RLIMIT_MEMLOCK for the
 *   unprivileged (ENOMEM, EPERM at 0, EAGAIN for MAP_LOCKED and MCL_FUTURE
 *   mappings), root past it, VmLck, holes, fork, munmap, MADV_DONTNEED;
 * - RLIMIT_DATA (brk, private writable mmap and mprotect, malloc), execve
 *   within and past RLIMIT_AS, the initial stack's size from RLIMIT_STACK;
 * - (SIS) many map/write/fork/unmap cycles leave the kernel's page and heap
 *   counters (/proc/net/sis_pools) where they were; the cache of a file
 *   mapped and unmapped shows in Cached and MemAvailable and is given back
 *   when memory fills up.
 * Prints "mm_calls: N checks, M failed".
 */
#define _GNU_SOURCE
#include <alloca.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glibc_check.h"

static long pg;
static char dir[256];

static char *path_in_dir(const char *name)
{
	static char buf[4][320];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

/* ---- MAP_PRIVATE is copy-on-write of the file's pages -------------------- */

static void check_private_sees_file(void)
{
	int fd = make_filled_file(path_in_dir("cow"), 3 * pg + 100, 'a');
	volatile char *p, *sh;
	pid_t pid;

	p = map_checked(fd, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, "cow");
	if (!p)
		return;
	CHECK(p[0] == 'a' && p[3 * pg + 99] == 'a' && p[3 * pg + 100] == 0, "contents");
	/* before its own write, the page is the file's */
	CHECK(pwrite(fd, "B", 1, 10) == 1 && p[10] == 'B', "write(2) before a private write: %c",
	      p[10]);
	p[20] = 'P';
	CHECK(file_byte(fd, 20) == 'a', "a private store reached the file");
	CHECK(pwrite(fd, "C", 1, 30) == 1 && p[30] == 'a', "write(2) after the private write: %c",
	      p[30]);
	CHECK(p[10] == 'B' && p[20] == 'P', "the private copy keeps what it had");
	/* the other pages are still the file's */
	CHECK(pwrite(fd, "D", 1, pg + 5) == 1 && p[pg + 5] == 'D', "untouched page 1: %c",
	      p[pg + 5]);
	sh = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(sh != MAP_FAILED, "mmap shared");
	if (sh != MAP_FAILED) {
		sh[2 * pg + 1] = 'S';
		CHECK(p[2 * pg + 1] == 'S', "a shared mapping's store, seen privately: %c",
		      p[2 * pg + 1]);
		sh[40] = 'T';
		CHECK(p[40] == 'a', "a shared store reached the private copy");
	}
	/* fork: the child's writes are its own; the parent's view stays the file's */
	pid = fork();
	if (pid == 0) {
		p[pg + 7] = 'K';
		p[21] = 'K';
		_exit(p[pg + 7] == 'K' && p[20] == 'P' && p[pg + 5] == 'D' ? 0 : 1);
	}
	CHECK(reap(pid) == 0, "child saw its own copy");
	CHECK(p[pg + 7] == 'a' && p[21] == 'a' && file_byte(fd, pg + 7) == 'a',
	      "the child's writes reached the parent or the file: %c %c", p[pg + 7], p[21]);
	CHECK(pwrite(fd, "E", 1, pg + 8) == 1 && p[pg + 8] == 'E', "page 1 after fork: %c",
	      p[pg + 8]);
	CHECK(munmap((void *)p, 4 * pg) == 0, "munmap private");
	if (sh != MAP_FAILED)
		CHECK(munmap((void *)sh, 3 * pg) == 0, "munmap shared");
	close(fd);
	unlink(path_in_dir("cow"));
}

static void check_private_mprotect(void)
{
	int fd = make_filled_file(path_in_dir("prot"), 4 * pg, 'r');
	volatile char *q, *n;

	q = map_checked(fd, 2 * pg, PROT_READ, MAP_PRIVATE, pg, "prot, read-only at an offset");
	if (!q)
		return;
	CHECK(pwrite(fd, "ab", 2, pg) == 2 && q[0] == 'a' && q[1] == 'b', "read-only view");
	CHECK(mprotect((void *)q, pg, PROT_READ | PROT_WRITE) == 0, "mprotect RW");
	q[2] = 'W';
	CHECK(file_byte(fd, pg + 2) == 'r', "a store after mprotect reached the file");
	CHECK(pwrite(fd, "x", 1, pg + 3) == 1 && q[3] == 'r', "the written page saw write(2)");
	CHECK(pwrite(fd, "y", 1, 2 * pg) == 1 && q[pg] == 'y', "the unwritten page missed write(2)");
	CHECK(mprotect((void *)q, 2 * pg, PROT_READ) == 0 && q[2] == 'W', "back to read-only");
	/* PROT_NONE, then readable: the file's bytes as they are then */
	n = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE, fd, 3 * pg);
	CHECK(n != MAP_FAILED, "mmap PROT_NONE");
	if (n != MAP_FAILED) {
		CHECK(pwrite(fd, "N", 1, 3 * pg + 9) == 1, "pwrite");
		CHECK(mprotect((void *)n, pg, PROT_READ) == 0 && n[9] == 'N' && n[0] == 'r',
		      "PROT_NONE made readable: %c", n[9]);
		CHECK(mprotect((void *)n, pg, PROT_NONE) == 0 &&
		      mprotect((void *)n, pg, PROT_READ | PROT_WRITE) == 0, "PROT_NONE, then RW");
		n[9] = 'M';
		CHECK(file_byte(fd, 3 * pg + 9) == 'N', "store after PROT_NONE reached the file");
		munmap((void *)n, pg);
	}
	/* MADV_DONTNEED of a page never written: still the file's bytes */
	CHECK(madvise((void *)(q + pg), pg, MADV_DONTNEED) == 0 && q[pg] == 'y',
	      "MADV_DONTNEED of a file page: %d", q[pg]);
	munmap((void *)q, 2 * pg);
	close(fd);
	unlink(path_in_dir("prot"));
}

/* Beyond the end of the file a private mapping reads zero (the part of the
 * last page) and its stores stay its own. */
static void check_private_eof(void)
{
	int fd = make_filled_file(path_in_dir("eof"), 100, 'e');
	volatile char *p;

	p = map_checked(fd, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, "eof");
	if (!p)
		return;
	CHECK(p[99] == 'e' && p[100] == 0 && p[pg - 1] == 0, "tail of page");
	p[200] = 'z';
	CHECK(lseek(fd, 0, SEEK_END) == 100, "a store past EOF grew the file");
	munmap((void *)p, pg);
	close(fd);
	unlink(path_in_dir("eof"));
}

/* MADV_DONTNEED of a written private page of a file: the file's page again. */
static void check_dontneed_private(void)
{
	int fd = make_filled_file(path_in_dir("dn"), 3 * pg, 'f');
	volatile char *p;
	pid_t pid;

	p = map_checked(fd, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, "dn");
	if (!p)
		return;
	p[5] = 'P';
	p[pg + 5] = 'Q';
	CHECK(madvise((void *)p, pg, MADV_DONTNEED) == 0, "madvise");
	CHECK(p[5] == 'f', "MADV_DONTNEED of a written private file page: %d (want 'f')", p[5]);
	CHECK(pwrite(fd, "W", 1, 6) == 1 && p[6] == 'W', "the file's page again sees write(2): %d",
	      p[6]);
	CHECK(p[pg + 5] == 'Q', "the next page kept its copy");
	p[7] = 'X';
	CHECK(p[7] == 'X' && file_byte(fd, 7) == 'f', "written again: a private copy again");
	/* a copy fork shares: the child's discard is its own */
	pid = fork();
	if (pid == 0) {
		int ok = madvise((void *)(p + pg), pg, MADV_DONTNEED) == 0 && p[pg + 5] == 'f';

		_exit(ok ? 0 : 1);
	}
	CHECK(reap(pid) == 0, "the child's MADV_DONTNEED of a shared copy gave the file's page");
	CHECK(p[pg + 5] == 'Q', "the parent kept its copy: %d", p[pg + 5]);
	CHECK(mprotect((void *)(p + pg), pg, PROT_READ) == 0 &&
	      madvise((void *)(p + pg), pg, MADV_DONTNEED) == 0 && p[pg + 5] == 'f',
	      "read-only copy discarded: %d", p[pg + 5]);
	/* the file unlinked and closed: its bytes are still what comes back */
	p[2 * pg + 3] = 'U';
	close(fd);
	unlink(path_in_dir("dn"));
	CHECK(madvise((void *)(p + 2 * pg), pg, MADV_DONTNEED) == 0 && p[2 * pg + 3] == 'f',
	      "unlinked file's page: %d", p[2 * pg + 3]);
	munmap((void *)p, 3 * pg);
}

/* ---- past the end of a mapped file --------------------------------------------- */

static sigjmp_buf probe_jmp;
static volatile int probe_code;
static void *volatile probe_addr;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	probe_code = si->si_code;
	probe_addr = si->si_addr;
	siglongjmp(probe_jmp, sig);
}

/* The signal an access to a raises (0: none); *code its si_code. */
static int probe(volatile char *a, int write, int *code)
{
	struct sigaction sa = { .sa_sigaction = probe_handler, .sa_flags = SA_SIGINFO };
	struct sigaction old_bus, old_segv;
	int sig;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	probe_addr = NULL;
	sig = sigsetjmp(probe_jmp, 1);
	if (!sig) {
		if (write)
			*a = 'w';
		else
			(void)*a;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	*code = probe_code;
	if (sig && probe_addr != (void *)a)
		return -1; /* the wrong si_addr */
	return sig;
}

#define CHECK_BUS(a, write, what)                                                      \
	do {                                                                           \
		int code_ = 0, sig_ = probe((a), (write), &code_);                     \
		CHECK(sig_ == SIGBUS && code_ == BUS_ADRERR, "%s: signal %d code %d", what, \
		      sig_, code_);                                                    \
	} while (0)

static void check_past_eof_of(int shared)
{
	int fd = make_filled_file(path_in_dir("eofb"), pg + 100, 'e');
	int in = open("/proc/self/stat", O_RDONLY);
	volatile char *p;
	int code = 0;
	const char *kind = shared ? "shared" : "private";

	CHECK(fd >= 0 && in >= 0, "create eofb");
	p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "mmap %s", kind);
	if (p == MAP_FAILED)
		return;
	CHECK(p[pg + 99] == 'e' && p[pg + 100] == 0 && p[2 * pg - 1] == 0,
	      "%s: the last page, zero past EOF", kind);
	CHECK_BUS(p + 2 * pg, 0, shared ? "shared read past EOF" : "private read past EOF");
	CHECK_BUS(p + 3 * pg + 8, 1, shared ? "shared write past EOF" : "private write past EOF");
	errno = 0;
	CHECK(read(in, (void *)(p + 2 * pg), 16) == -1 && errno == EFAULT,
	      "%s: read(2) into a page past EOF", kind);
	/* the file grows over page 2: readable, the file's */
	CHECK(ftruncate(fd, 3 * pg) == 0 && pwrite(fd, "G", 1, 2 * pg + 1) == 1, "grow");
	CHECK(probe(p + 2 * pg, 0, &code) == 0 && p[2 * pg] == 0 && p[2 * pg + 1] == 'G',
	      "%s: page 2 after the file grew: %d", kind, p[2 * pg + 1]);
	CHECK_BUS(p + 3 * pg, 0, shared ? "shared page 3 still past EOF" :
	      "private page 3 still past EOF");
	/* truncated below page 1: SIGBUS there again, the first page stays */
	CHECK(ftruncate(fd, 50) == 0, "shrink");
	CHECK_BUS(p + pg, 0, shared ? "shared page 1 after truncate" : "private page 1 after truncate");
	CHECK_BUS(p + 2 * pg + 1, 0, shared ? "shared page 2 after truncate" :
	      "private page 2 after truncate");
	CHECK(p[49] == 'e' && p[50] == 0, "%s: page 0 after truncate", kind);
	munmap((void *)p, 4 * pg);
	/* PROT_NONE past EOF: no access at all, SIGSEGV; readable: SIGBUS */
	p = mmap(NULL, 2 * pg, PROT_NONE, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "mmap PROT_NONE");
	if (p != MAP_FAILED) {
		CHECK(probe(p + pg, 0, &code) == SIGSEGV, "%s: PROT_NONE past EOF", kind);
		CHECK(mprotect((void *)p, 2 * pg, PROT_READ) == 0, "mprotect");
		CHECK_BUS(p + pg, 0, shared ? "shared PROT_READ past EOF" :
		      "private PROT_READ past EOF");
		munmap((void *)p, 2 * pg);
	}
	/* a mapping wholly past the end */
	p = mmap(NULL, pg, PROT_READ, shared ? MAP_SHARED : MAP_PRIVATE, fd, 8 * pg);
	CHECK(p != MAP_FAILED, "mmap past EOF");
	if (p != MAP_FAILED) {
		CHECK_BUS(p, 0, shared ? "shared mapping past EOF" : "private mapping past EOF");
		munmap((void *)p, pg);
	}
	close(in);
	close(fd);
	unlink(path_in_dir("eofb"));
}

static void check_past_eof(void)
{
	check_past_eof_of(1);
	check_past_eof_of(0);
}

/* A private copy of a page a truncate cuts away goes with it (Linux zaps
 * COW pages too: LTP's futex_wake05): SIGBUS in the writer and in a fork
 * child sharing the copy; a copy of the page the new end falls in stays.
 * Grown again, the page is the file's (zeros), not the old copy. */
static void check_truncate_cow(void)
{
	int fd = make_filled_file(path_in_dir("tcow"), 3 * pg, 'c');
	int go[2], st = 0;
	volatile char *p;
	char b = 1;
	pid_t pid;

	CHECK(fd >= 0 && pipe(go) == 0, "create tcow");
	p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "mmap tcow");
	if (p == MAP_FAILED)
		return;
	p[pg] = 'x';
	p[2 * pg] = 'y';
	pid = fork();
	if (pid == 0) {
		int code = 0;

		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(3);
		if (probe(p + 2 * pg, 0, &code) != SIGBUS || code != BUS_ADRERR)
			_exit(1);
		_exit(p[pg] == 'x' && p[pg + 20] == 'c' ? 0 : 2);
	}
	close(go[0]);
	CHECK(ftruncate(fd, pg + 10) == 0, "truncate tcow");
	CHECK(write(go[1], &b, 1) == 1, "wake the child");
	CHECK_BUS(p + 2 * pg, 0, "a written private page after truncate");
	CHECK_BUS(p + 2 * pg + 5, 1, "a store to it after truncate");
	CHECK(p[pg] == 'x' && p[pg + 20] == 'c', "the copy at the new end stays: %c %c", p[pg],
	      p[pg + 20]);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "fork child's shared copy after truncate: status %#x", st);
	CHECK(ftruncate(fd, 3 * pg) == 0, "grow tcow");
	CHECK(p[2 * pg] == 0, "grown again: the file's page, not the copy: %d", p[2 * pg]);
	p[2 * pg + 1] = 'z';
	CHECK(pread(fd, &b, 1, 2 * pg + 1) == 1 && b == 0, "a private store reached the file");
	close(go[1]);
	munmap((void *)p, 3 * pg);
	close(fd);
	unlink(path_in_dir("tcow"));
}


/* ---- mlock ------------------------------------------------------------------ */

/* VmLck of /proc/self/status in kB, or -1. */
static long vm_lck_kb(void)
{
	return file_number("/proc/self/status", "VmLck:", 10);
}

/* Has this process CAP_IPC_LOCK (bit 14 of CapEff; SIS: euid 0)? */
static int may_lock_all(void)
{
#ifdef ON_SIS
	return geteuid() == 0;
#else
	char buf[4096], *s;
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	s = strstr(buf, "CapEff:");
	return s && (strtoull(s + 7, NULL, 16) >> 14 & 1);
#endif
}

/* Drop root (CAP_IPC_LOCK on Linux, euid 0 on SIS) in a child. */
static void unprivileged(void)
{
	if (geteuid() == 0 && setresuid(65534, 65534, 65534) != 0)
		_exit(90);
}

static void set_limit(int res, rlim_t cur)
{
	struct rlimit r;

	getrlimit(res, &r);
	r.rlim_cur = cur;
	if (r.rlim_max != RLIM_INFINITY && r.rlim_max < cur)
		r.rlim_max = cur;
	if (setrlimit(res, &r) != 0)
		_exit(91);
}

static char *map_anon(long pages, int prot)
{
	char *p = mmap(NULL, pages * pg, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

#define KB(pages) ((pages) * pg / 1024)

/* The child's checks (unprivileged, RLIMIT_MEMLOCK 16 pages). */
static void mlock_limits_child(void)
{
	char *p = map_anon(8, PROT_READ | PROT_WRITE), *h = map_anon(3, PROT_READ | PROT_WRITE);
	long base = vm_lck_kb();
	int st;

	unprivileged();
	set_limit(RLIMIT_MEMLOCK, 16 * pg);
	CHECK(p && h && base == 0, "maps, VmLck %ld", base);
	if (!p || !h)
		return;
	CHECK(mlock(p, 4 * pg) == 0 && vm_lck_kb() == KB(4), "mlock 4 pages: VmLck %ld",
	      vm_lck_kb());
	CHECK(mlock(p, 4 * pg) == 0 && vm_lck_kb() == KB(4), "again: counted once: %ld",
	      vm_lck_kb());
	CHECK(mlock(p + 4 * pg + 100, 10) == 0 && vm_lck_kb() == KB(5),
	      "unaligned start: its page: %ld", vm_lck_kb());
	CHECK_ERR(mlock(p, 17 * pg), ENOMEM, "mlock past RLIMIT_MEMLOCK");
	CHECK(vm_lck_kb() == KB(5), "a refused mlock locked something: %ld", vm_lck_kb());
	munmap(h + pg, pg);
	/* a hole: ENOMEM, what comes before it is locked (Linux) */
	CHECK_ERR(mlock(h, 3 * pg), ENOMEM, "mlock over a hole");
	CHECK(vm_lck_kb() == KB(6), "mlock up to the hole: %ld", vm_lck_kb());
	CHECK(mlock(p, 0) == 0, "mlock of nothing");
	CHECK_ERR(madvise(p, pg, MADV_DONTNEED), EINVAL, "MADV_DONTNEED of locked pages");
	CHECK_ERR(syscall(SYS_mlock2, p, pg, 2), EINVAL, "mlock2 bad flags");
	CHECK(syscall(SYS_mlock2, p + 5 * pg, pg, MLOCK_ONFAULT) == 0 && vm_lck_kb() == KB(7),
	      "mlock2 MLOCK_ONFAULT: %ld", vm_lck_kb());
	CHECK(munlock(p + pg, pg) == 0 && vm_lck_kb() == KB(6), "munlock one: %ld",
	      vm_lck_kb());
	CHECK_ERR(munlock(h, 3 * pg), ENOMEM, "munlock over a hole");
	CHECK(vm_lck_kb() == KB(5), "munlock up to the hole: %ld", vm_lck_kb());
	CHECK(munmap(p, 2 * pg) == 0 && vm_lck_kb() == KB(4), "munmap drops locks: %ld",
	      vm_lck_kb());
	CHECK(mprotect(p + 2 * pg, pg, PROT_READ) == 0 && vm_lck_kb() == KB(4),
	      "mprotect keeps locks: %ld", vm_lck_kb());
	if (fork() == 0)
		_exit(vm_lck_kb() == 0 ? 0 : 1);
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && vm_lck_kb() == KB(4),
	      "a fork child has no locks");
	CHECK_ERR(mlockall(0), EINVAL, "mlockall(0)");
	CHECK_ERR(mlockall(MCL_ONFAULT), EINVAL, "mlockall(MCL_ONFAULT)");
	CHECK_ERR(mlockall(8), EINVAL, "mlockall(8)");
	CHECK_ERR(mlockall(MCL_CURRENT), ENOMEM, "mlockall(MCL_CURRENT) past the limit");
	CHECK(munlockall() == 0 && vm_lck_kb() == 0, "munlockall: %ld", vm_lck_kb());
	/* MCL_FUTURE: new mappings are locked, within the limit */
	CHECK(mlockall(MCL_FUTURE) == 0, "mlockall(MCL_FUTURE)");
	h = map_anon(4, PROT_READ | PROT_WRITE);
	CHECK(h && vm_lck_kb() == KB(4), "a new mapping is locked: %ld", vm_lck_kb());
	CHECK(mmap(NULL, 40 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == EAGAIN, "a new mapping past the limit");
	CHECK(munlockall() == 0 && vm_lck_kb() == 0, "munlockall");
	h = map_anon(4, PROT_READ | PROT_WRITE);
	CHECK(h && vm_lck_kb() == 0, "MCL_FUTURE is gone: %ld", vm_lck_kb());
	CHECK(mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0) !=
	      MAP_FAILED && vm_lck_kb() == KB(2), "MAP_LOCKED: %ld", vm_lck_kb());
	CHECK(mmap(NULL, 40 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0) ==
	      MAP_FAILED && errno == EAGAIN, "MAP_LOCKED past the limit");
	/* a limit of 0 without the privilege: EPERM */
	set_limit(RLIMIT_MEMLOCK, 0);
	CHECK_ERR(mlock(p + 2 * pg, pg), EPERM, "mlock with RLIMIT_MEMLOCK 0");
	CHECK_ERR(mlockall(MCL_FUTURE), EPERM, "mlockall with RLIMIT_MEMLOCK 0");
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0) ==
	      MAP_FAILED && errno == EPERM, "MAP_LOCKED with RLIMIT_MEMLOCK 0");
	CHECK(munlock(p + 2 * pg, pg) == 0, "munlock needs no limit");
}

static void check_mlock(void)
{
	int fd = make_filled_file(path_in_dir("lockf"), 2 * pg, 'f');
	char *p = map_anon(4, PROT_READ | PROT_WRITE), *f;
	pid_t pid;
	int st;

	CHECK(p != NULL && fd >= 0, "map");
	if (!p || fd < 0)
		return;
	CHECK(munmap(p + 3 * pg, pg) == 0, "munmap");
	CHECK_ERR(mlock(p + 3 * pg, pg), ENOMEM, "mlock of an unmapped page");
	/* the privileged (CAP_IPC_LOCK) may pass the limit */
	if (may_lock_all()) {
		pid = fork();
		if (pid == 0) {
			set_limit(RLIMIT_MEMLOCK, pg);
			_exit(mlock(p, 3 * pg) == 0 && vm_lck_kb() == KB(3) ? 0 : 1);
		}
		CHECK(reap(pid) == 0, "root's mlock past RLIMIT_MEMLOCK");
	}
	/* a locked private file page is private: writes never reach the file */
	f = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(f != MAP_FAILED && mlock(f, 2 * pg) == 0, "mlock a private file mapping");
	if (f != MAP_FAILED) {
		f[1] = 'L';
		CHECK(file_byte(fd, 1) == 'f' && f[0] == 'f', "locked private store");
		CHECK(munlock(f, 2 * pg) == 0 && munmap(f, 2 * pg) == 0, "munlock, munmap");
	}
	close(fd);
	unlink(path_in_dir("lockf"));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		checks = failed = 0;
		mlock_limits_child();
		fflush(stdout);
		_exit(failed ? 10 + (failed > 100 ? 100 : failed) : 0);
	}
	st = reap(pid);
	CHECK(st == 0, "unprivileged mlock checks: exit %d", st);
	munmap(p, 4 * pg);
}

/* ---- RLIMIT_DATA, RLIMIT_AS, RLIMIT_STACK ------------------------------------ */

static void data_limit_child(void)
{
	void *cur = sbrk(0), *m;

	set_limit(RLIMIT_DATA, 2 << 20);
	CHECK(sbrk(4 << 20) == (void *)-1 && errno == ENOMEM, "sbrk past RLIMIT_DATA");
	CHECK(sbrk(0) == cur, "the break moved");
	CHECK(sbrk(16 * pg) != (void *)-1, "a small sbrk");
	m = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m == MAP_FAILED && errno == ENOMEM, "private writable mmap past RLIMIT_DATA");
	CHECK(malloc(4 << 20) == NULL, "malloc past RLIMIT_DATA");
	m = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "MAP_SHARED is no data");
	if (m != MAP_FAILED)
		munmap(m, 4 << 20);
	m = mmap(NULL, 4 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "read-only private memory is no data");
	if (m != MAP_FAILED) {
		CHECK_ERR(mprotect(m, 4 << 20, PROT_READ | PROT_WRITE), ENOMEM,
			  "mprotect into data past RLIMIT_DATA");
		CHECK(mprotect(m, pg, PROT_READ | PROT_WRITE) == 0, "one page more is fine");
		munmap(m, 4 << 20);
	}
}

/* Run this program again with argument mode under limit res = cur: its exit
 * status (128 + signal if killed), or 200 + errno when execve failed. */
static int exec_with_limit(const char *self, int res, rlim_t cur, const char *mode)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)self, (char *)mode, NULL };

		set_limit(res, cur);
		execv(self, argv);
		_exit(200 + errno);
	}
	return reap(pid);
}

/* --stack: use 1.5 MiB of stack, exit 43. */
static int use_stack(void)
{
	size_t n = 1536 * 1024;
	volatile char *p = alloca(n);

	for (long i = (long)n - 1; i >= 0; i -= 1024) /* downwards, as a stack grows */
		p[i] = 1;
	p[0] = 2;
	return p[0] == 2 && p[n - 1] == 1 ? 43 : 1;
}

static void check_rlimits(const char *self)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		checks = failed = 0;
		data_limit_child();
		fflush(stdout);
		_exit(failed ? 10 : 0);
	}
	CHECK(reap(pid) == 0, "RLIMIT_DATA checks");
	/* execve within and past RLIMIT_AS */
	st = exec_with_limit(self, RLIMIT_AS, 256 << 20, "--noop");
	CHECK(st == 42, "execve within RLIMIT_AS: %d", st);
	st = exec_with_limit(self, RLIMIT_AS, 512 << 10, "--noop");
#ifdef ON_SIS
	CHECK(st == 200 + ENOMEM, "execve past RLIMIT_AS: %d", st);
#else
	/* Linux maps after its point of no return: the process dies instead (or
	 * a dynamic program's loader fails, 127) */
	CHECK(st == 200 + ENOMEM || st == 128 + SIGSEGV || st == 128 + SIGKILL || st == 127,
	      "execve past RLIMIT_AS: %d", st);
#endif
	/* the initial stack follows RLIMIT_STACK */
	st = exec_with_limit(self, RLIMIT_STACK, 4 << 20, "--stack");
	CHECK(st == 43, "1.5 MiB of stack with RLIMIT_STACK 4 MiB: %d", st);
	st = exec_with_limit(self, RLIMIT_STACK, 512 << 10, "--stack");
	CHECK(st == 128 + SIGSEGV, "1.5 MiB of stack with RLIMIT_STACK 512 KiB: %d", st);
}

/* ---- leak check (SIS's counters) ------------------------------------------ */

#ifdef ON_SIS
struct counters {
	long heap_bytes, pages; /* pages: free pages plus the heap's */
};

static int read_counters(struct counters *c)
{
	char buf[4096], *s;
	long free_pages = -1, heap_pages = -1;

	if (read_file_text("/proc/net/sis_pools", buf, sizeof(buf)) < 0)
		return -1;
	c->heap_bytes = -1;
	for (s = buf; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		sscanf(s, "heap_bytes %ld", &c->heap_bytes);
		sscanf(s, "pages_free %ld", &free_pages);
		sscanf(s, "heap_pages %ld", &heap_pages);
	}
	c->pages = free_pages + heap_pages;
	return c->heap_bytes < 0 || free_pages < 0 || heap_pages < 0 ? -1 : 0;
}

/* One cycle: private and shared mappings of a file, written, forked, unmapped. */
static int map_cycle(int fd, int i)
{
	char *p = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *s = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pid_t pid;
	int bad = 0;

	if (p == MAP_FAILED || s == MAP_FAILED)
		return -1;
	for (int k = 0; k < 8; k += 2)
		p[k * pg] = (char)i;
	s[1] = 'x';
	mprotect(p + 4 * pg, 2 * pg, PROT_READ);
	if (i % 16 == 0) {
		pid = fork();
		if (pid == 0) {
			p[pg] = 1;
			_exit(0);
		}
		bad = reap(pid) != 0;
	}
	munmap(p + pg, pg); /* a hole first, then the rest */
	munmap(p, 8 * pg);
	munmap(s, 2 * pg);
	return bad;
}

static void check_no_leak(void)
{
	struct counters before, after;
	int fd = make_filled_file(path_in_dir("leak"), 6 * pg + 5, 'l'), bad = 0;
	int tmp;

	CHECK(fd >= 0 && read_counters(&before) == 0, "counters");
	if (fd < 0)
		return;
	map_cycle(fd, 1); /* the file's page cache, made once */
	close(fd);
	/* a file unlinked while mapped: its pages go with the last mapping */
	tmp = make_filled_file(path_in_dir("gone"), 3 * pg, 'g');
	if (tmp >= 0) {
		char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, tmp, 0);

		close(tmp);
		unlink(path_in_dir("gone"));
		if (m != MAP_FAILED) {
			m[5] = 1;
			CHECK(m[pg] == 'g', "unlinked file's page");
			munmap(m, 3 * pg);
		}
	}
	fd = open(path_in_dir("leak"), O_RDWR);
	read_counters(&before);
	for (int i = 0; i < 300 && fd >= 0; i++)
		bad += map_cycle(fd, i) != 0;
	CHECK(!bad, "%d cycles failed", bad);
	for (int tries = 0; tries < 50; tries++) {
		read_counters(&after);
		if (after.heap_bytes == before.heap_bytes && after.pages == before.pages)
			break;
		usleep(20000);
	}
	CHECK(after.heap_bytes == before.heap_bytes && after.pages == before.pages,
	      "300 cycles leaked: heap_bytes %+ld, pages %+ld", after.heap_bytes - before.heap_bytes,
	      after.pages - before.pages);
	close(fd);
	unlink(path_in_dir("leak"));
}
/* /proc/meminfo's field in kB, or -1. */
static long meminfo_kb(const char *field)
{
	return file_number("/proc/meminfo", field, 10);
}

/* The cache of a file mapped once and unmapped is counted as available and
 * given back when memory runs out; mapping the file again rebuilds it. */
static void check_cache_reclaim(void)
{
	long len = 2 << 20, cached, got = 0;
	int fd = make_filled_file(path_in_dir("cache"), len, 'c');
	char *m, *chunks[4096];
	int n = 0;

	CHECK(fd >= 0, "create cache");
	if (fd < 0)
		return;
	m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED && m[len - 1] == 'c', "map the file");
	if (m != MAP_FAILED)
		munmap(m, len);
	cached = meminfo_kb("Cached:");
	CHECK(cached >= len / 1024 &&
	      meminfo_kb("MemAvailable:") - meminfo_kb("MemFree:") >= len / 1024,
	      "Cached %ld kB, MemAvailable %ld kB, MemFree %ld kB", cached,
	      meminfo_kb("MemAvailable:"), meminfo_kb("MemFree:"));
	/* fill memory: the cache goes first */
	while (n < 4096) {
		char *c = mmap(NULL, 256 << 10, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (c == MAP_FAILED)
			break;
		chunks[n++] = c;
		got += 256;
	}
	CHECK(meminfo_kb("Cached:") < cached - len / 1024 + 64, "the cache was kept: %ld kB",
	      meminfo_kb("Cached:"));
	while (n)
		munmap(chunks[--n], 256 << 10);
	m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED && m[0] == 'c' && m[len / 2] == 'c' && m[len - 1] == 'c',
	      "the file mapped again after %ld kB filled memory", got);
	if (m != MAP_FAILED)
		munmap(m, len);
	close(fd);
	unlink(path_in_dir("cache"));
}
#endif

int main(int argc, char **argv)
{
	const char *t = getenv("TMPDIR");

	if (argc > 1 && !strcmp(argv[1], "--noop"))
		return 42;
	if (argc > 1 && !strcmp(argv[1], "--stack"))
		return use_stack();
	pg = sysconf(_SC_PAGESIZE);
	snprintf(dir, sizeof(dir), "%s/mm_calls.%d", t && *t ? t : "/tmp", (int)getpid());
	mkdir(t && *t ? t : "/tmp", 01777);
	errno = 0;
	CHECK(mkdir(dir, 0755) == 0, "mkdir %s", dir);
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_private_sees_file();
	check_private_mprotect();
	check_private_eof();
	check_dontneed_private();
	check_past_eof();
	check_truncate_cow();
	check_mlock();
	check_rlimits(argv[0]);
#ifdef ON_SIS
	check_no_leak();
	check_cache_reclaim();
#endif
	rmdir(dir);
	return check_summary("mm_calls");
}
