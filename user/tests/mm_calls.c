/*
 * Memory calls checked against Linux (glibc; static for SIS with -DON_SIS,
 * native on the Linux host as the reference, test/qemu/test_mm.py):
 * - MAP_PRIVATE file mappings are copy-on-write views of the file's pages:
 *   a page not yet written sees write(2) and a MAP_SHARED mapping's stores;
 *   after the mapping's own write it does not, and a private store never
 *   reaches the file; fork, mprotect (RW, PROT_NONE and back), madvise;
 * - (SIS) many map/write/fork/unmap cycles leave the kernel's page and heap
 *   counters (/proc/net/sis_pools) where they were.
 * Prints "mm_calls: N checks, M failed".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
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

/* A file of len bytes of fill, open O_RDWR. */
static int make_file(const char *path, size_t len, char fill)
{
	char buf[4096];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	memset(buf, fill, sizeof(buf));
	for (size_t done = 0; fd >= 0 && done < len; done += sizeof(buf))
		if (write(fd, buf, len - done < sizeof(buf) ? len - done : sizeof(buf)) < 0)
			return -1;
	return fd;
}

static char file_byte(int fd, off_t off)
{
	char c = 0;

	return pread(fd, &c, 1, off) == 1 ? c : 0;
}

static int reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- MAP_PRIVATE is copy-on-write of the file's pages -------------------- */

static void check_private_sees_file(void)
{
	int fd = make_file(path_in_dir("cow"), 3 * pg + 100, 'a');
	volatile char *p, *sh;
	pid_t pid;

	CHECK(fd >= 0, "create cow");
	p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "mmap private");
	if (p == MAP_FAILED)
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
	int fd = make_file(path_in_dir("prot"), 4 * pg, 'r');
	volatile char *q, *n;

	CHECK(fd >= 0, "create prot");
	q = mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE, fd, pg);
	CHECK(q != MAP_FAILED, "mmap read-only at an offset");
	if (q == MAP_FAILED)
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
	int fd = make_file(path_in_dir("eof"), 100, 'e');
	volatile char *p;

	CHECK(fd >= 0, "create eof");
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED && p[99] == 'e' && p[100] == 0 && p[pg - 1] == 0, "tail of page");
	if (p == MAP_FAILED)
		return;
	p[200] = 'z';
	CHECK(lseek(fd, 0, SEEK_END) == 100, "a store past EOF grew the file");
	munmap((void *)p, pg);
	close(fd);
	unlink(path_in_dir("eof"));
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
	int fd = open("/proc/net/sis_pools", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
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
	int fd = make_file(path_in_dir("leak"), 6 * pg + 5, 'l'), bad = 0;
	int tmp;

	CHECK(fd >= 0 && read_counters(&before) == 0, "counters");
	if (fd < 0)
		return;
	map_cycle(fd, 1); /* the file's page cache, made once */
	close(fd);
	/* a file unlinked while mapped: its pages go with the last mapping */
	tmp = make_file(path_in_dir("gone"), 3 * pg, 'g');
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
#endif

int main(void)
{
	const char *t = getenv("TMPDIR");

	pg = sysconf(_SC_PAGESIZE);
	snprintf(dir, sizeof(dir), "%s/mm_calls.%d", t && *t ? t : "/tmp", (int)getpid());
	mkdir(t && *t ? t : "/tmp", 01777);
	errno = 0;
	CHECK(mkdir(dir, 0755) == 0, "mkdir %s", dir);
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_private_sees_file();
	check_private_mprotect();
	check_private_eof();
#ifdef ON_SIS
	check_no_leak();
#endif
	rmdir(dir);
	return check_summary("mm_calls");
}
