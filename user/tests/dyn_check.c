/*
 * Dynamic ELF and file mappings (issue 14), built by aarch64-linux-gnu-gcc
 * twice: dynamically linked (a PIE run by /lib/ld-linux-aarch64.so.1 from
 * glibc, test/qemu/test_dynelf.py puts it and libc.so.6/libm.so.6 into the
 * ramdisk) and as a static-pie. Booted as init:
 *
 *   dyn_check            the checks below, then "dyn_check: N checks, M failed"
 *   dyn_check --addrs    one line "addrs: main=... libc=... stack=... mmap=... brk=..."
 *
 * Checks: the auxiliary vector (AT_PHDR/PHENT/PHNUM/BASE/ENTRY/PAGESZ/RANDOM/
 * HWCAP/HWCAP2/UID../EXECFN/SECURE/MINSIGSTKSZ/CLKTCK/PLATFORM) against what
 * the program sees of itself; dlopen of libm; MAP_PRIVATE file mappings
 * (copy-on-write: the file never changes, a forked child's writes stay its
 * own, a page not yet written shows the file's changes), MAP_SHARED file mappings seen by read(2)/write(2) and another
 * process, msync, mprotect of file segments, partial munmap, mremap,
 * madvise(MADV_DONTNEED), mmap errors; personality(ADDR_NO_RANDOMIZE) makes
 * two executions lay out identically, and without it they differ.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "glibc_check.h"

extern char _start[];
static char **saved_argv;
int main(int argc, char **argv);
static const long pg = 4096;

/* ---- auxv ---------------------------------------------------------------- */

static int find_self(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	if (info->dlpi_name[0] == '\0' && !*(const ElfW(Phdr) **)data)
		*(const ElfW(Phdr) **)data = info->dlpi_phdr;
	return 0;
}

static void check_auxv(void)
{
	const ElfW(Phdr) *self = NULL;
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int dynamic = getauxval(AT_BASE) != 0;
	ElfW(Ehdr) *base = (ElfW(Ehdr) *)getauxval(AT_BASE);

	dl_iterate_phdr(find_self, &self);
	CHECK(getauxval(AT_PHDR) == (unsigned long)self, "AT_PHDR %#lx, dl_iterate_phdr %p",
	      getauxval(AT_PHDR), (void *)self);
	CHECK(getauxval(AT_PHENT) == sizeof(ElfW(Phdr)), "AT_PHENT %lu", getauxval(AT_PHENT));
	CHECK(getauxval(AT_PHNUM) >= 4 && getauxval(AT_PHNUM) < 20, "AT_PHNUM %lu",
	      getauxval(AT_PHNUM));
	CHECK(getauxval(AT_ENTRY) == (unsigned long)_start, "AT_ENTRY %#lx, _start %p",
	      getauxval(AT_ENTRY), (void *)_start);
	CHECK(getauxval(AT_PAGESZ) == 4096 && sysconf(_SC_PAGESIZE) == 4096, "AT_PAGESZ %lu",
	      getauxval(AT_PAGESZ));
	if (dynamic)
		CHECK(memcmp(base->e_ident, ELFMAG, SELFMAG) == 0 && base->e_type == ET_DYN,
		      "AT_BASE %p is no ELF header of the dynamic linker", (void *)base);
	CHECK(rnd && (rnd[0] | rnd[1] | rnd[2] | rnd[3] | rnd[15]), "AT_RANDOM %p", (void *)rnd);
	CHECK((getauxval(AT_HWCAP) & 3) == 3, "AT_HWCAP %#lx lacks FP|ASIMD", getauxval(AT_HWCAP));
	errno = 0;
	CHECK(getauxval(AT_HWCAP2) == 0 && errno == 0, "AT_HWCAP2 %#lx", getauxval(AT_HWCAP2));
	CHECK(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
	      getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid(), "AT_[E]UID/GID");
	errno = 0;
	CHECK(getauxval(AT_SECURE) == 0 && errno == 0, "AT_SECURE %lu", getauxval(AT_SECURE));
	CHECK(execfn && strcmp(execfn, saved_argv[0]) == 0, "AT_EXECFN %s, argv[0] %s",
	      execfn ? execfn : "(none)", saved_argv[0]);
	CHECK(plat && strcmp(plat, "aarch64") == 0, "AT_PLATFORM %s", plat ? plat : "(none)");
	CHECK(getauxval(AT_MINSIGSTKSZ) >= 1024 && getauxval(AT_MINSIGSTKSZ) <= 4UL * MINSIGSTKSZ,
	      "AT_MINSIGSTKSZ %lu", getauxval(AT_MINSIGSTKSZ));
	CHECK(getauxval(AT_CLKTCK) == (unsigned long)sysconf(_SC_CLK_TCK) && getauxval(AT_CLKTCK),
	      "AT_CLKTCK %lu", getauxval(AT_CLKTCK));
	printf("auxv: %s base=%#lx entry=%#lx\n", dynamic ? "dynamic" : "static-pie",
	       getauxval(AT_BASE), getauxval(AT_ENTRY));
}

static void check_dlopen(void)
{
#ifdef DYN_CHECK_STATIC
	CHECK(getauxval(AT_BASE) == 0, "static-pie with AT_BASE %#lx", getauxval(AT_BASE));
#else
	void *m = dlopen("libm.so.6", RTLD_NOW);
	double (*cosine)(double);

	CHECK(m != NULL, "dlopen libm.so.6: %s", dlerror());
	if (!m)
		return;
	cosine = (double (*)(double))dlsym(m, "cos");
	CHECK(cosine && cosine(0.0) == 1.0, "dlsym cos");
	CHECK(dlclose(m) == 0, "dlclose");
#endif
}

/* ---- file mappings ------------------------------------------------------- */

static void check_private_file(void)
{
	int fd = make_filled_file("/tmp/priv", 3 * pg + 100, 'a');
	char *p, *q;
	int st;

	p = map_checked(fd, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, "/tmp/priv");
	if (!p)
		return;
	CHECK(p[0] == 'a' && p[3 * pg + 99] == 'a' && p[3 * pg + 100] == 0 && p[4 * pg - 1] == 0,
	      "contents %c %c, zero past EOF", p[0], p[3 * pg + 99]);
	p[5] = 'X';
	CHECK(file_byte(fd, 5) == 'a', "a private write reached the file");
	CHECK(pwrite(fd, "W", 1, 2 * pg) == 1, "pwrite");
	if (fork() == 0) { /* the child's copy-on-write pages are its own */
		p[6] = 'C';
		_exit(p[5] == 'X' ? 0 : 1);
	}
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child saw its copy");
	CHECK(p[6] == 'a', "the child's write reached the parent");
	/* a read-only private map at an offset, then mprotect and partial munmap */
	q = mmap(NULL, 2 * pg, PROT_READ, MAP_PRIVATE, fd, pg);
	CHECK(q != MAP_FAILED && q[0] == 'a' && q[pg] == 'W', "mmap at offset 4096");
	CHECK(mprotect(q, pg, PROT_READ | PROT_WRITE) == 0, "mprotect RW");
	if (q != MAP_FAILED) {
		q[1] = 'Y';
		CHECK(file_byte(fd, pg + 1) == 'a', "write after mprotect reached the file");
	}
	CHECK(mprotect(q, pg, PROT_READ | PROT_WRITE | PROT_EXEC) == -1 && errno == EACCES,
	      "W+X mprotect");
	CHECK(munmap(p + pg, pg) == 0, "munmap the second page");
	/* page 2 was never written privately: it shows the pwrite (Linux) */
	CHECK(p[0] == 'a' && p[2 * pg] == 'W', "pages around the hole: %c %c", p[0], p[2 * pg]);
	CHECK(msync(p + pg, pg, MS_SYNC) == -1 && errno == ENOMEM, "msync over the hole");
	CHECK(munmap(p, 4 * pg) == 0 && munmap(q, 2 * pg) == 0, "munmap");
	close(fd);
}

static void check_shared_file(void)
{
	int fd = make_filled_file("/tmp/shared", 2 * pg, 's');
	char *p, *p2, buf[4] = { 0 };
	int st;

	p = map_checked(fd, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, 0, "/tmp/shared");
	if (!p)
		return;
	memcpy(p + 10, "map", 3);
	CHECK(pread(fd, buf, 3, 10) == 3 && memcmp(buf, "map", 3) == 0,
	      "read(2) does not see the mapping's store: %.3s", buf);
	CHECK(pwrite(fd, "wr", 2, pg + 7) == 2 && memcmp(p + pg + 7, "wr", 2) == 0,
	      "the mapping does not see write(2)");
	p2 = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, pg);
	CHECK(p2 != MAP_FAILED && p2 != p + pg && memcmp(p2 + 7, "wr", 2) == 0,
	      "second mapping of the same page");
	if (fork() == 0) {
		int f2 = open("/tmp/shared", O_RDWR);
		char *c = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, f2, 0);

		if (c == MAP_FAILED)
			_exit(2);
		c[100] = 'K'; /* another process, its own mapping */
		_exit(msync(c, pg, MS_SYNC) == 0 ? 0 : 3);
	}
	CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child mapping");
	CHECK(p[100] == 'K' && file_byte(fd, 100) == 'K', "child's store: map %c file %c",
	      p[100], file_byte(fd, 100));
	CHECK(msync(p, 2 * pg, MS_ASYNC | MS_SYNC) == -1 && errno == EINVAL, "msync flags");
	CHECK(msync(p + 1, pg, MS_SYNC) == -1 && errno == EINVAL, "msync unaligned");
	CHECK(msync(p, 2 * pg, MS_SYNC) == 0, "msync");
	CHECK(munmap(p, 2 * pg) == 0 && munmap(p2, pg) == 0, "munmap shared");
	CHECK(file_byte(fd, 12) == 'p', "data after munmap");
	close(fd);
	fd = open("/tmp/shared", O_RDONLY);
	CHECK(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
	      errno == EACCES, "shared writable map of a read-only fd");
	close(fd);
}

static void check_mmap_errors(void)
{
	int fd = open("/tmp", O_RDONLY), wfd = open("/tmp/wo", O_WRONLY | O_CREAT, 0644), pfd[2];

	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == ENODEV,
	      "mmap a directory");
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, wfd, 0) == MAP_FAILED && errno == EACCES,
	      "mmap a write-only fd");
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 99, 0) == MAP_FAILED && errno == EBADF,
	      "mmap a bad fd");
	CHECK(pipe(pfd) == 0 && mmap(NULL, pg, PROT_READ, MAP_PRIVATE, pfd[0], 0) == MAP_FAILED &&
	      errno == ENODEV, "mmap a pipe");
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, wfd, 1) == MAP_FAILED && errno == EINVAL,
	      "unaligned offset");
	close(fd);
	close(wfd);
	close(pfd[0]);
	close(pfd[1]);
	fd = open("/dev/zero", O_RDWR);
	char *z = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(z != MAP_FAILED && z[0] == 0 && (z[1] = 1), "mmap /dev/zero");
	close(fd);
}

/* ---- mremap, madvise ----------------------------------------------------- */

static void check_mremap_madvise(void)
{
	char *a = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b, *c;

	CHECK(a != MAP_FAILED, "mmap anon");
	a[0] = 'x';
	a[pg] = 'y';
	b = mremap(a, 2 * pg, pg, 0);
	CHECK(b == a && b[0] == 'x', "mremap shrink");
	c = mmap(a + pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(c == a + pg, "the page after is free again");
	CHECK(mremap(a, pg, 3 * pg, 0) == MAP_FAILED && errno == ENOMEM, "grow in place blocked");
	b = mremap(a, pg, 3 * pg, MREMAP_MAYMOVE);
	CHECK(b != MAP_FAILED && b != a && b[0] == 'x' && b[2 * pg + 5] == 0, "mremap move");
	if (b != MAP_FAILED) {
		b[2 * pg] = 'z';
		CHECK(madvise(b, 3 * pg, MADV_DONTNEED) == 0 && b[0] == 0 && b[2 * pg] == 0,
		      "MADV_DONTNEED zeroes");
		CHECK(madvise(b, pg, MADV_WILLNEED) == 0, "MADV_WILLNEED");
		CHECK(madvise(b, pg, 12345) == -1 && errno == EINVAL, "bad advice");
		CHECK(mremap(b, 3 * pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, c) == c, "MREMAP_FIXED");
		CHECK(munmap(c, pg) == 0, "munmap");
	}
	CHECK(mremap(a + 1, pg, pg, 0) == MAP_FAILED && errno == EINVAL, "mremap unaligned");
	CHECK(madvise(a, pg, MADV_DONTNEED) == -1 && errno == ENOMEM, "madvise unmapped");
}

/* ---- ASLR ---------------------------------------------------------------- */

static void print_addrs(void)
{
	int local;
	void *m = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	printf("addrs: main=%p libc=%p stack=%p mmap=%p brk=%p\n", (void *)main, (void *)&printf,
	       (void *)&local, m, sbrk(0));
}

/* Run ourselves with --addrs and return its line. */
static void child_addrs(char *out, size_t size)
{
	int pfd[2], st;
	ssize_t n;

	out[0] = '\0';
	if (pipe(pfd))
		return;
	if (fork() == 0) {
		dup2(pfd[1], 1);
		execl(saved_argv[0], saved_argv[0], "--addrs", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	n = read(pfd[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	wait(&st);
}

static void check_aslr(void)
{
	char a[256], b[256];
	int old = personality(0xffffffff);

	child_addrs(a, sizeof(a));
	child_addrs(b, sizeof(b));
	CHECK(strncmp(a, "addrs: ", 7) == 0 && strcmp(a, b) != 0, "two runs: %s / %s", a, b);
	CHECK(personality(ADDR_NO_RANDOMIZE) == old, "personality set");
	CHECK(personality(0xffffffff) == ADDR_NO_RANDOMIZE, "personality get");
	child_addrs(a, sizeof(a));
	child_addrs(b, sizeof(b));
	CHECK(strncmp(a, "addrs: ", 7) == 0 && strcmp(a, b) == 0, "ADDR_NO_RANDOMIZE: %s / %s",
	      a, b);
	personality(old);
}

int main(int argc, char **argv)
{
	saved_argv = argv;
	mkdir("/tmp", 0777);
	if (argc > 1 && strcmp(argv[1], "--addrs") == 0) {
		print_addrs();
		return 0;
	}
	check_auxv();
	check_dlopen();
	check_private_file();
	check_shared_file();
	check_mmap_errors();
	check_mremap_madvise();
	if (argc > 1 && strcmp(argv[1], "--norandmaps") == 0) {
		char a[256], b[256];

		child_addrs(a, sizeof(a));
		child_addrs(b, sizeof(b));
		CHECK(strncmp(a, "addrs: ", 7) == 0 && strcmp(a, b) == 0, "norandmaps: %s / %s",
		      a, b);
	} else {
		check_aslr();
	}
	return check_summary("dyn_check");
}
