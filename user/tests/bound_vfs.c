/*
 * bound_vfs: the VFS and the console line discipline hold against an
 * unprivileged program (issue 11). One case per run, chosen by argv[1];
 * each prints "bound_vfs.CASE: N checks, M failed" and exits 0 on success.
 *   deep N    N nested directories, an fd on the deepest, every level
 *             removed bottom-up, then the fd closed: the parents are freed
 *             one after the other (no recursion), memory comes back; and
 *             getcwd / rename into the subtree / long paths at that depth.
 *   removed   a removed directory (cwd, or a held descriptor) refuses new
 *             entries, reads as gone, and is freed once left.
 *   siblings  rename/rmdir/unlink corner cases, link counts, unlinked and
 *             truncated open files, another process's removed cwd.
 *   fill      files filling memory fail with ENOSPC, the machine still
 *             forks, and everything comes back when they are removed.
 *   names     empty files and directories until ENOSPC: inodes and names
 *             are charged as well; all of it is freed again.
 *   pipes     24 processes make pipes until refused: the rings' total is
 *             bounded (ENFILE past it), the kernel keeps free memory, and
 *             it all comes back when they exit.
 *   ttywrite  1 MiB written to the console in one call does not keep
 *             another process from running meanwhile, and a signal ends
 *             it early with the count written.
 *   tty       the test types 5 lines of 1000 bytes into the console while
 *             nothing reads: the read queue fills; each line read back
 *             ends with its newline and nothing phantom stays readable;
 *             then "r\n" typed in raw mode reads as one line once
 *             canonical mode is back; with VINTR/VEOF/VERASE disabled
 *             (0), a NUL byte typed is plain data.
 * Memory is compared through /proc/meminfo (MemFree and Slab) after a
 * warm-up, so user-space growth and one-time kernel allocations do not
 * count.
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include "files_check.h"
#include "proc_raw.h"

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);

/* Linux errno values, for raw system calls (picolibc's differ). */
#define LINUX_ENOENT 2
#define LINUX_ENAMETOOLONG 36

/* The head of a linux_dirent64 record. */
struct dirent64_rec {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
};

struct mem {
	long free_kb, slab_kb;
};

static long meminfo_field(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

static struct mem mem_now(void)
{
	static char text[512];
	struct mem m = { -1, -1 };
	int fd = open("/proc/meminfo", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return m;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return m;
	text[n] = '\0';
	m.free_kb = meminfo_field(text, "MemFree:");
	m.slab_kb = meminfo_field(text, "Slab:");
	return m;
}

/* Memory is where it was; prints both on a mismatch. */
static void check_mem(const char *what, struct mem before)
{
	struct mem after = mem_now();

	printf("%s: MemFree %ld -> %ld kB, Slab %ld -> %ld kB\n", what, before.free_kb,
	       after.free_kb, before.slab_kb, after.slab_kb);
	/* Never less (a leak); one page more happens when the heap's layout at
	 * the ENOSPC point differs (a bigger test ramdisk moves it). */
	CHECK(before.free_kb > 0 && after.free_kb >= before.free_kb &&
	      after.free_kb <= before.free_kb + 4);
	/* in use may shrink (boot-time objects freed meanwhile), never grow */
	CHECK(after.slab_kb >= 0 && after.slab_kb <= before.slab_kb);
}

/* ---- deep ------------------------------------------------------------------ */

/* n nested "d" directories under /tmp/deep, removed bottom-up under an fd. */
static void deep_chain(int n)
{
	int fd, made = 0;

	CHECK(mkdir("/tmp/deep", 0755) == 0 && chdir("/tmp/deep") == 0);
	while (made < n && mkdir("d", 0755) == 0 && chdir("d") == 0)
		made++;
	CHECK(made == n);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	if (n > 2100) { /* "/tmp/deep" + n * "/d" is longer than PATH_MAX */
		static char cwd[16384];

		CHECK(raw(__NR_getcwd, cwd, sizeof(cwd)) == -LINUX_ENAMETOOLONG);
	}
	/* Into its own subtree, checked over the whole depth. */
	CHECK_ERR(renameat(AT_FDCWD, "/tmp/deep", fd, "x"), EINVAL);
	CHECK(mkdir("leaf", 0755) == 0 && rmdir("leaf") == 0);
	for (int i = 0; i < made; i++)
		if (chdir("..") || rmdir("d"))
			break;
	CHECK(chdir("/tmp") == 0 && rmdir("/tmp/deep") == 0);
	CHECK(close(fd) == 0); /* frees the whole removed chain */
	CHECK(access("/tmp/deep", F_OK) == -1);
	CHECK(chdir("/") == 0);
}

static void case_deep(int n)
{
	struct mem before;

	deep_chain(8); /* warm-up */
	before = mem_now();
	deep_chain(n);
	check_mem("deep", before);
}

/* ---- removed ---------------------------------------------------------------- */

/* Everything that would add a name to the removed directory dfd / the cwd. */
static void refuse_entries(int dfd)
{
	CHECK_ERR(open("f", O_CREAT | O_WRONLY, 0644), ENOENT);
	CHECK_ERR(openat(dfd, "f", O_CREAT | O_RDWR, 0644), ENOENT);
	CHECK_ERR(openat(dfd, "f", O_CREAT | O_EXCL | O_RDWR, 0644), ENOENT);
	CHECK_ERR(mkdir("s", 0755), ENOENT);
	CHECK_ERR(mkdirat(dfd, "s", 0755), ENOENT);
	CHECK_ERR(rename("/tmp/rm_src", "y"), ENOENT);
	CHECK_ERR(renameat(AT_FDCWD, "/tmp/rm_srcdir", dfd, "z"), ENOENT);
	CHECK_ERR(open("f", O_RDONLY), ENOENT);
	CHECK_ERR(rmdir("."), EINVAL);
}

/* The directory reads as gone: getcwd, getdents64 (Linux: ENOENT), nlink 0. */
static void reads_as_gone(int dfd)
{
	char buf[256];
	struct stat st;

	CHECK(getcwd(buf, sizeof(buf)) == NULL && errno == ENOENT);
	CHECK(raw(__NR_getdents64, dfd, buf, sizeof(buf)) == -LINUX_ENOENT);
	CHECK(fstat(dfd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 0);
	CHECK(stat(".", &st) == 0 && st.st_nlink == 0);
	CHECK(stat("..", &st) == 0 && S_ISDIR(st.st_mode));
}

/* mkdir d, chdir d, remove it by path (absolute or via ".."), try it all. */
static void removed_once(const char *rmpath)
{
	int fd, dfd;

	fd = open("/tmp/rm_src", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && close(fd) == 0);
	CHECK(mkdir("/tmp/rm_srcdir", 0755) == 0);
	CHECK(mkdir("/tmp/rm", 0755) == 0 && chdir("/tmp/rm") == 0);
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK(rmdir(rmpath) == 0);
	refuse_entries(dfd);
	reads_as_gone(dfd);
	CHECK(chdir("..") == 0);   /* ".." still leads to the old parent */
	CHECK(access("/tmp/rm_src", F_OK) == 0 && access("/tmp/rm", F_OK) == -1);
	CHECK(fchdir(dfd) == 0);    /* back into it through the descriptor */
	CHECK_ERR(mkdir("again", 0755), ENOENT);
	CHECK(chdir("/") == 0);     /* base: panic, the dir held an entry */
	CHECK(close(dfd) == 0);
	CHECK(unlink("/tmp/rm_src") == 0 && rmdir("/tmp/rm_srcdir") == 0);
}

static void case_removed(void)
{
	struct mem before;

	removed_once("/tmp/rm"); /* warm-up */
	before = mem_now();
	removed_once("/tmp/rm");
	removed_once("../rm");
	check_mem("removed", before);
}

/* ---- siblings --------------------------------------------------------------- */

static void rename_rules(void)
{
	int fd;

	CHECK(mkdir("/tmp/s", 0755) == 0 && mkdir("/tmp/s/a", 0755) == 0);
	CHECK(mkdir("/tmp/s/a/b", 0755) == 0 && mkdir("/tmp/s/full", 0755) == 0);
	CHECK(mkdir("/tmp/s/full/x", 0755) == 0 && mkdir("/tmp/s/empty", 0755) == 0);
	fd = open("/tmp/s/file", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && close(fd) == 0);
	CHECK_ERR(rename("/tmp/s/a", "/tmp/s/full"), ENOTEMPTY);
	CHECK_ERR(rename("/tmp/s/a", "/tmp/s/a/b/c"), EINVAL);
	CHECK_ERR(rename("/tmp/s/a", "/tmp/s/a/c"), EINVAL);
	CHECK_ERR(rename("/tmp/s/a", "/tmp/s/file"), ENOTDIR);
	CHECK_ERR(rename("/tmp/s/file", "/tmp/s/empty"), EISDIR);
	CHECK_ERR(rename("/tmp/s/a/b", "/tmp/s/a"), ENOTEMPTY); /* onto its parent */
	CHECK(rename("/tmp/s/a", "/tmp/s/empty") == 0);         /* an empty dir: replaced */
	CHECK(access("/tmp/s/empty/b", F_OK) == 0 && access("/tmp/s/a", F_OK) == -1);
	CHECK(rename("/tmp/s/empty", "/tmp/s/empty") == 0);
}

static void remove_rules(void)
{
	struct stat st;

	CHECK(chdir("/tmp/s/full") == 0);
	CHECK_ERR(rmdir("."), EINVAL);
	CHECK_ERR(rmdir("x/."), EINVAL);
	CHECK_ERR(rmdir(".."), ENOTEMPTY);
	CHECK_ERR(rmdir("/"), EBUSY);
	CHECK_ERR(unlink("/"), EISDIR);
	CHECK_ERR(open("/tmp", O_CREAT | O_RDONLY, 0644), EISDIR);
	CHECK_ERR(open(".", O_CREAT | O_RDONLY, 0644), EISDIR);
	CHECK_ERR(open(".", O_RDONLY | O_TRUNC), EISDIR);
	CHECK_ERR(mkdir("/", 0755), EEXIST);
	CHECK_ERR(rename("/", "/tmp/root"), EBUSY);
	CHECK_ERR(unlink("x"), EISDIR);
	CHECK_ERR(unlink("/tmp/s/file/"), ENOTDIR);
	CHECK_ERR(rmdir("/tmp/s/file"), ENOTDIR);
	CHECK(stat("/tmp/s/full", &st) == 0 && st.st_nlink == 3); /* ".", its entry, x/.. */
	CHECK(rmdir("x") == 0 && stat(".", &st) == 0 && st.st_nlink == 2);
	CHECK(chdir("/") == 0);
	CHECK(rmdir("/tmp/s/full") == 0 && unlink("/tmp/s/file") == 0);
	CHECK(rmdir("/tmp/s/empty/b") == 0 && rmdir("/tmp/s/empty") == 0);
	CHECK(rmdir("/tmp/s") == 0);
}

/* An open file outlives its name; O_TRUNC from another open shows at once. */
static void open_file_rules(void)
{
	static char big[65536], back[65536];
	struct stat st;
	int fd = open("/tmp/u", O_CREAT | O_RDWR | O_TRUNC, 0644), fd2;

	memset(big, 'u', sizeof(big));
	CHECK(fd >= 0 && write(fd, big, sizeof(big)) == (ssize_t)sizeof(big));
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 1);
	CHECK(unlink("/tmp/u") == 0 && access("/tmp/u", F_OK) == -1);
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == (off_t)sizeof(big));
	CHECK(pread(fd, back, sizeof(back), 0) == (ssize_t)sizeof(back));
	CHECK(memcmp(big, back, sizeof(big)) == 0);
	CHECK(write(fd, "more", 4) == 4 && fstat(fd, &st) == 0 && st.st_size == 65540);
	CHECK(close(fd) == 0);

	fd = open("/tmp/t", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "hello", 5) == 5);
	fd2 = open("/tmp/t", O_WRONLY | O_TRUNC);
	CHECK(fd2 >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK(read(fd, back, 8) == 0);            /* position 5, past the end */
	CHECK(write(fd, "!", 1) == 1 && fstat(fd, &st) == 0 && st.st_size == 6);
	CHECK(pread(fd2, back, 8, 0) == -1);      /* write-only */
	CHECK(pread(fd, back, 8, 0) == 6 && memcmp(back, "\0\0\0\0\0!", 6) == 0);
	CHECK(close(fd) == 0 && close(fd2) == 0 && unlink("/tmp/t") == 0);
}

/* A child sits in a directory the parent removes: the child can add nothing. */
static void other_cwd_rules(void)
{
	int go[2], done[2], status;
	char c;
	pid_t pid;

	CHECK(pipe(go) == 0 && pipe(done) == 0);
	CHECK(mkdir("/tmp/oc", 0755) == 0);
	pid = fork();
	if (pid == 0) {
		char buf[64];
		int bad = 0;

		bad |= chdir("/tmp/oc") != 0;
		bad |= write(done[1], "r", 1) != 1;
		bad |= read(go[0], &c, 1) != 1;
		bad |= open("f", O_CREAT | O_WRONLY, 0644) != -1 || errno != ENOENT;
		bad |= mkdir("s", 0755) != -1 || errno != ENOENT;
		bad |= getcwd(buf, sizeof(buf)) != NULL || errno != ENOENT;
		bad |= chdir("/") != 0;
		_exit(bad ? 1 : 0);
	}
	CHECK(pid > 0 && read(done[0], &c, 1) == 1);
	CHECK(rmdir("/tmp/oc") == 0); /* Linux allows it: only mount points are busy */
	CHECK(write(go[1], "g", 1) == 1);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(go[0]), close(go[1]), close(done[0]), close(done[1]);
}

/* NAME_MAX and PATH_MAX, counted like Linux (PATH_MAX includes the NUL). */
static void name_limits(void)
{
	static char path[4200];
	char name[300];
	int fd;

	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(path, sizeof(path), "/tmp/%s", name);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && close(fd) == 0 && unlink(path) == 0);
	strcat(path, "n");
	CHECK_ERR(open(path, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
	memset(path, '/', 4095);             /* 4095 bytes + NUL: the root */
	path[4095] = '\0';
	CHECK(access(path, F_OK) == 0);
	path[4095] = '/';
	path[4096] = '\0';
	CHECK_ERR(access(path, F_OK), ENAMETOOLONG);
}

static void siblings_once(void)
{
	rename_rules();
	remove_rules();
	open_file_rules();
	other_cwd_rules();
	name_limits();
}

static void case_siblings(void)
{
	struct mem before;

	siblings_once(); /* warm-up */
	before = mem_now();
	siblings_once();
	check_mem("siblings", before);
}

/* ---- fill ------------------------------------------------------------------- */

#define FILL_CHUNK (1 << 20)

/* Write 1 MiB files into /tmp/fill until an error; returns files made. */
static int fill_files(char *chunk, int *err)
{
	char path[32];
	int n = 0;

	*err = 0;
	for (;;) {
		int fd;
		ssize_t w;

		snprintf(path, sizeof(path), "/tmp/fill/%d", n);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0) {
			*err = errno;
			return n;
		}
		w = write(fd, chunk, FILL_CHUNK);
		if (w != FILL_CHUNK)
			*err = w < 0 ? errno : ENOSPC;
		close(fd);
		n++;
		if (*err)
			return n;
	}
}

static void case_fill(void)
{
	static char chunk[FILL_CHUNK];
	char path[32];
	struct mem before, full;
	int n, err, status;
	pid_t pid;

	memset(chunk, 'f', sizeof(chunk));
	CHECK(mkdir("/tmp/fill", 0755) == 0);
	before = mem_now();
	n = fill_files(chunk, &err);
	full = mem_now();
	printf("fill: %d files, stopped by errno %d (%s), MemFree %ld kB\n", n, err,
	       strerror(err), full.free_kb);
	CHECK(err == ENOSPC);
	CHECK(full.free_kb >= 1024); /* the kernel keeps its reserve */
	pid = fork();                /* the machine still works */
	if (pid == 0)
		_exit(42);
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 42);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/tmp/fill/%d", i);
		CHECK(unlink(path) == 0);
	}
	CHECK(rmdir("/tmp/fill") == 0);
	check_mem("fill", before);
}

/* Entries of a directory by getdents64 with a large buffer (the kernel may
 * answer short: loop until 0). */
static int count_entries(const char *path)
{
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY | O_DIRECTORY), n = 0;
	long got;

	if (fd < 0)
		return -1;
	while ((got = raw(__NR_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < got; off += ((struct dirent64_rec *)(buf + off))->reclen)
			n++;
	close(fd);
	return got == 0 ? n : -1;
}

/* Empty files and directories until the tree is full: names and inodes
 * are charged too (ENOSPC), and all of it is freed again. */
static void case_names(void)
{
	char path[48];
	struct mem before, full;
	int n = 0, err = 0, status;
	pid_t pid;

	CHECK(mkdir("/tmp/names", 0755) == 0 && chdir("/tmp/names") == 0);
	before = mem_now();
	for (;;) {
		int fd;

		snprintf(path, sizeof(path), n % 2 ? "f%d" : "directory-%d", n);
		fd = n % 2 ? open(path, O_CREAT | O_WRONLY, 0644) : mkdir(path, 0755);
		if (fd < 0) {
			err = errno;
			break;
		}
		if (n % 2)
			close(fd);
		n++;
	}
	full = mem_now();
	printf("names: %d made, stopped by errno %d (%s), MemFree %ld kB\n", n, err, strerror(err),
	       full.free_kb);
	CHECK(err == ENOSPC && n > 1000);
	CHECK(full.free_kb >= 1024);
	CHECK(count_entries(".") == n + 2);
	pid = fork();
	if (pid == 0)
		_exit(42);
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 42);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), i % 2 ? "f%d" : "directory-%d", i);
		CHECK(i % 2 ? unlink(path) == 0 : rmdir(path) == 0);
	}
	CHECK(chdir("/") == 0 && rmdir("/tmp/names") == 0);
	check_mem("names", before);
}

/* ---- pipes ------------------------------------------------------------------ */

#define PIPE_HOLDERS 24

/* A child makes pipes until refused, reports how it stopped, and holds them
 * until the parent closes go. Reports: 'F' ENFILE, 'M' EMFILE, 'N' ENOMEM. */
static void pipe_holder(int go, int report)
{
	int fds[2], n = 0;
	char c;

	while (pipe(fds) == 0)
		n++;
	c = errno == ENFILE ? 'F' : errno == EMFILE ? 'M' : errno == ENOMEM ? 'N' : '?';
	if (c == 'F' && n) {
		/* The last pipes made past the soft limit still work (PIPE_BUF ring). */
		static char buf[4096];

		memset(buf, 'p', sizeof(buf));
		if (write(fds[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
		    read(fds[0], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			c = 'W';
	}
	if (write(report, &c, 1) != 1 || read(go, &c, 1) != 0)
		_exit(1);
	_exit(0);
}

/* Processes together hold thousands of pipes: the total is bounded (ENFILE),
 * the kernel keeps memory, and it all comes back. */
static void pipes_once(bool report_counts)
{
	int go[2], rep[2], nfile = 0, other = 0, status;
	pid_t pids[PIPE_HOLDERS];
	struct mem full;

	CHECK(pipe(go) == 0 && pipe(rep) == 0);
	for (int i = 0; i < PIPE_HOLDERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(go[1]);
			close(rep[0]);
			pipe_holder(go[0], rep[1]);
		}
		CHECK(pids[i] > 0);
		if (pids[i] > 0) {
			char c = 0;

			CHECK(read(rep[0], &c, 1) == 1);
			nfile += c == 'F';
			other += c != 'F' && c != 'M';
		}
	}
	full = mem_now();
	if (report_counts)
		printf("pipes: %d of %d holders stopped by ENFILE, %d otherwise; MemFree %ld kB\n",
		       nfile, PIPE_HOLDERS, other, full.free_kb);
	CHECK(nfile > 0 && other == 0);
	CHECK(full.free_kb >= 4096);
	close(go[1]); /* the holders exit */
	for (int i = 0; i < PIPE_HOLDERS; i++)
		CHECK(pids[i] <= 0 || (waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) &&
				       WEXITSTATUS(status) == 0));
	close(go[0]);
	close(rep[0]);
	close(rep[1]);
}

static void case_pipes(void)
{
	struct mem before;

	pipes_once(false); /* warm-up */
	before = mem_now();
	pipes_once(true);
	check_mem("pipes", before);
}

/* ---- console writes --------------------------------------------------------- */

#define TTY_WRITE_BYTES (1 << 20)

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* A signal ends a long console write early with the count written so far
 * (exit 0), not after the whole megabyte (exit 1). */
static void tty_write_interrupted(const char *buf)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_usr1 };
		ssize_t n;

		sigaction(SIGUSR1, &sa, NULL);
		n = write(1, buf, TTY_WRITE_BYTES);
		printf("\nttywrite: interrupted after %ld bytes\n", (long)n);
		_exit(n > 0 && n < TTY_WRITE_BYTES ? 0 : 1);
	}
	CHECK(pid > 0);
	usleep(200 * 1000);
	CHECK(kill(pid, SIGUSR1) == 0);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* One process writes 1 MiB to the console in one call; another must still
 * be scheduled meanwhile (the write gives up the CPU between chunks): the
 * longest time the sleeping parent went without running stays short,
 * whether the child runs first after fork or not. */
static void case_ttywrite(void)
{
	static char buf[TTY_WRITE_BYTES];
	long start, last, max_gap = 0, took;
	int status = -1, ticks = 0;
	pid_t pid, done = 0;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = i % 128 == 127 ? '\n' : '.';
	start = last = now_ms();
	pid = fork();
	if (pid == 0)
		_exit(write(1, buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : 1);
	CHECK(pid > 0);
	while (pid > 0 && (done = waitpid(pid, &status, WNOHANG)) == 0 && ticks < 2000) {
		long now = now_ms();

		max_gap = now - last > max_gap ? now - last : max_gap;
		usleep(10 * 1000);
		last = now_ms();
		max_gap = last - now - 10 > max_gap ? last - now - 10 : max_gap;
		ticks++;
	}
	took = now_ms() - start;
	if (pid > 0 && done == 0)
		done = waitpid(pid, &status, 0);
	CHECK(done == pid);
	printf("\nttywrite: 1 MiB in %ld ms, %d sleeps meanwhile, longest without the CPU %ld ms\n",
	       took, ticks, max_gap);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(ticks > 0 && max_gap < 500); /* base: the whole write, seconds */
	tty_write_interrupted(buf);
}

/* ---- tty -------------------------------------------------------------------- */

#define TTY_LINES 5
#define TTY_LINE_LEN 1000

/* Wait until input stops arriving (the test types everything at once). */
static int tty_settle(void)
{
	int avail = -1, last = -2;

	for (int i = 0; i < 100 && avail != last; i++) {
		last = avail;
		usleep(300 * 1000);
		if (ioctl(0, FIONREAD, &avail) != 0)
			return -1;
	}
	return avail;
}

/* Bytes typed in raw mode and not read are one line when canonical mode
 * returns (Linux pushes them): read whole, then nothing phantom is left
 * (base: the '\n' counted as a line end it never was: the count wrapped). */
static void tty_raw_leftover(char *buf)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	struct termios canon, raw;
	int avail = 0;

	CHECK(tcgetattr(0, &canon) == 0);
	raw = canon;
	cfmakeraw(&raw);
	CHECK(tcsetattr(0, TCSANOW, &raw) == 0);
	printf("tty: raw\r\n");
	for (int i = 0; i < 100 && avail < 2; i++) {
		usleep(100 * 1000);
		ioctl(0, FIONREAD, &avail);
	}
	CHECK(avail == 2);
	CHECK(tcsetattr(0, TCSANOW, &canon) == 0);
	CHECK(poll(&p, 1, 1000) == 1 && read(0, buf, 64) == 2 && memcmp(buf, "r\n", 2) == 0);
	CHECK(poll(&p, 1, 0) == 0);
	CHECK(ioctl(0, FIONREAD, &avail) == 0 && avail == 0);
}

/* A special character set to 0 (_POSIX_VDISABLE) is disabled: a NUL byte
 * typed is data (base: it was VINTR, and the line was flushed). */
static void tty_disabled_chars(char *buf)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	struct termios t, off;

	CHECK(tcgetattr(0, &t) == 0);
	off = t;
	off.c_cc[VINTR] = 0;
	off.c_cc[VEOF] = 0;
	off.c_cc[VERASE] = 0;
	CHECK(tcsetattr(0, TCSANOW, &off) == 0);
	printf("tty: nul\n");
	CHECK(poll(&p, 1, 10000) == 1 && read(0, buf, 64) == 4 && memcmp(buf, "a\0b\n", 4) == 0);
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
}

static void case_tty(void)
{
	static char buf[2048];
	struct pollfd p = { .fd = 0, .events = POLLIN };
	int avail, lines = 0;

	printf("tty: fill\n");
	fflush(stdout);
	avail = tty_settle();
	printf("tty: %d bytes queued\n", avail);
	CHECK(avail > 4 * (TTY_LINE_LEN + 1) && avail <= 4096);
	/* Every line read ends with its newline; nothing is left over. */
	while (poll(&p, 1, 0) == 1) {
		size_t got = 0;
		ssize_t n;

		do {
			n = read(0, buf + got, sizeof(buf) - got);
			got += n > 0 ? (size_t)n : 0;
		} while (n > 0 && buf[got - 1] != '\n' && got < sizeof(buf));
		CHECK(n > 0 && got > 0 && buf[got - 1] == '\n');
		if (n <= 0 || ++lines > TTY_LINES)
			break;
	}
	printf("tty: %d lines read\n", lines);
	CHECK(lines == TTY_LINES);
	CHECK(ioctl(0, FIONREAD, &avail) == 0 && avail == 0);
	/* The queue works again: one more line. */
	printf("tty: again\n");
	fflush(stdout);
	CHECK(poll(&p, 1, 10000) == 1 && read(0, buf, sizeof(buf)) == 3 && memcmp(buf, "ok\n", 3) == 0);
	tty_raw_leftover(buf);
	tty_disabled_chars(buf);
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	char name[64];

	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(c, "deep") == 0)
		case_deep(argc > 2 ? atoi(argv[2]) : 10000);
	else if (strcmp(c, "removed") == 0)
		case_removed();
	else if (strcmp(c, "siblings") == 0)
		case_siblings();
	else if (strcmp(c, "fill") == 0)
		case_fill();
	else if (strcmp(c, "names") == 0)
		case_names();
	else if (strcmp(c, "pipes") == 0)
		case_pipes();
	else if (strcmp(c, "ttywrite") == 0)
		case_ttywrite();
	else if (strcmp(c, "tty") == 0)
		case_tty();
	else
		CHECK(!"usage: bound_vfs deep [N] | removed | siblings | fill | names | pipes | ttywrite | tty");
	snprintf(name, sizeof(name), "bound_vfs.%s", c);
	return finish(name);
}
