/*
 * The file-system calls of issue 17 item 3, through glibc (built with
 * aarch64-linux-gnu-gcc -static by test/qemu/test_vfs.py, so the libc
 * wrappers are the ones real programs use), each with Linux's errno:
 * symbolic and hard links, lstat, readlink, ELOOP, O_NOFOLLOW, FIFOs and
 * their open rules, utimensat, statx, preadv/pwritev(2), renameat2,
 * mknodat, /proc/self, and AF_UNIX socket files.
 * Prints "vfs_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "text_file.h"

static int failures, checks;

/* call must return want; with want -1, errno must be err. */
#define EXPECT_ERR(call, want, err)                                                     \
	do {                                                                            \
		errno = 0;                                                              \
		long r_ = (long)(call);                                                 \
		int e_ = errno;                                                         \
		checks++;                                                               \
		if (r_ != (long)(want) || (r_ == -1 && e_ != (err))) {                  \
			failures++;                                                     \
			printf("FAIL line %d: %s = %ld (%s), want %ld (%s)\n", __LINE__, \
			       #call, r_, strerror(e_), (long)(want), strerror(err));   \
		}                                                                       \
	} while (0)
#define EXPECT(call, want) EXPECT_ERR(call, want, 0)
#define EXPECT_TRUE(cond)                                                               \
	do {                                                                            \
		checks++;                                                               \
		if (!(cond)) {                                                          \
			failures++;                                                     \
			printf("FAIL line %d: %s\n", __LINE__, #cond);                  \
		}                                                                       \
	} while (0)

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		printf("FAIL: cannot write %s: %s\n", path, strerror(errno));
	close(fd);
}


static void symlinks(void)
{
	struct stat st, lst;
	char buf[PATH_MAX];
	int fd;

	mkdir("/tmp/v", 0755);
	write_file("/tmp/v/file", "hello");
	EXPECT(symlink("file", "/tmp/v/rel"), 0);
	EXPECT(symlink("/tmp/v/file", "/tmp/v/abs"), 0);
	EXPECT_ERR(symlink("x", "/tmp/v/rel"), -1, EEXIST);
	EXPECT_ERR(symlink("", "/tmp/v/empty"), -1, ENOENT);
	EXPECT_ERR(symlink("x", "/tmp/nodir/l"), -1, ENOENT);
	EXPECT(readlink("/tmp/v/rel", buf, sizeof(buf)), 4);
	EXPECT(memcmp(buf, "file", 4), 0);
	EXPECT(readlink("/tmp/v/abs", buf, 3), 3); /* truncated, no NUL */
	EXPECT(memcmp(buf, "/tm", 3), 0);
	EXPECT_ERR(readlink("/tmp/v/file", buf, sizeof(buf)), -1, EINVAL);
	EXPECT_ERR(readlink("/tmp/v/none", buf, sizeof(buf)), -1, ENOENT);
	EXPECT_ERR(readlink("/tmp/v/rel", buf, 0), -1, EINVAL);
	EXPECT(read_file_text("/tmp/v/rel", buf, sizeof(buf)), 5);
	EXPECT(strcmp(buf, "hello"), 0);
	EXPECT(read_file_text("/tmp/v/abs", buf, sizeof(buf)), 5);

	EXPECT(stat("/tmp/v/rel", &st), 0);
	EXPECT(lstat("/tmp/v/rel", &lst), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode) && st.st_size == 5);
	EXPECT_TRUE(S_ISLNK(lst.st_mode) && lst.st_size == 4 && lst.st_ino != st.st_ino);
	EXPECT_TRUE((lst.st_mode & 07777) == 0777);

	/* Loops and limits. */
	EXPECT(symlink("loop", "/tmp/v/loop"), 0);
	EXPECT_ERR(open("/tmp/v/loop", O_RDONLY), -1, ELOOP);
	EXPECT_ERR(stat("/tmp/v/loop", &st), -1, ELOOP);
	EXPECT(lstat("/tmp/v/loop", &st), 0);
	for (int i = 0; i < 41; i++) {
		char name[32], target[32];

		snprintf(name, sizeof(name), "/tmp/v/c%d", i);
		snprintf(target, sizeof(target), i == 40 ? "file" : "c%d", i + 1);
		symlink(target, name);
	}
	EXPECT(stat("/tmp/v/c1", &st), 0);  /* 40 links: the most Linux follows */
	EXPECT_ERR(stat("/tmp/v/c0", &st), -1, ELOOP); /* 41 */

	/* O_NOFOLLOW, O_CREAT through links. */
	EXPECT_ERR(open("/tmp/v/rel", O_RDONLY | O_NOFOLLOW), -1, ELOOP);
	fd = open("/tmp/v/file", O_RDONLY | O_NOFOLLOW);
	EXPECT_TRUE(fd >= 0);
	close(fd);
	EXPECT(symlink("made", "/tmp/v/dangling"), 0);
	EXPECT_ERR(open("/tmp/v/dangling", O_RDONLY), -1, ENOENT);
	EXPECT_ERR(open("/tmp/v/dangling", O_WRONLY | O_CREAT | O_EXCL, 0600), -1, EEXIST);
	fd = open("/tmp/v/dangling", O_WRONLY | O_CREAT, 0600);
	EXPECT_TRUE(fd >= 0);
	close(fd);
	EXPECT(stat("/tmp/v/made", &st), 0); /* the target was created */

	/* Directories through links, trailing slashes. */
	mkdir("/tmp/v/d", 0755);
	write_file("/tmp/v/d/inner", "in");
	EXPECT(symlink("d", "/tmp/v/dl"), 0);
	EXPECT(read_file_text("/tmp/v/dl/inner", buf, sizeof(buf)), 2);
	EXPECT(stat("/tmp/v/dl/", &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT(lstat("/tmp/v/dl/", &st), 0); /* a trailing slash follows */
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_ERR(stat("/tmp/v/rel/", &st), -1, ENOTDIR);
	EXPECT(chdir("/tmp/v/dl"), 0);
	EXPECT(getcwd(buf, sizeof(buf)) != NULL, 1);
	EXPECT(strcmp(buf, "/tmp/v/d"), 0);
	EXPECT(read_file_text("../rel", buf, sizeof(buf)), 5);
	chdir("/");

	/* Removing and renaming links leaves their targets alone. */
	EXPECT(unlink("/tmp/v/abs"), 0);
	EXPECT(stat("/tmp/v/file", &st), 0);
	EXPECT(rename("/tmp/v/rel", "/tmp/v/rel2"), 0);
	EXPECT(readlink("/tmp/v/rel2", buf, sizeof(buf)), 4);
	EXPECT_ERR(rmdir("/tmp/v/dl"), -1, ENOTDIR);
	EXPECT(unlink("/tmp/v/dl"), 0);
	EXPECT(stat("/tmp/v/d/inner", &st), 0);

	/* lchown/fchownat(AT_SYMLINK_NOFOLLOW) change the link only. */
	EXPECT(lchown("/tmp/v/rel2", 7, 8), 0);
	EXPECT(lstat("/tmp/v/rel2", &lst), 0);
	EXPECT(stat("/tmp/v/rel2", &st), 0);
	EXPECT_TRUE(lst.st_uid == 7 && lst.st_gid == 8 && st.st_uid == 0);

	/* getdents reports the type. */
	DIR *dir = opendir("/tmp/v");
	struct dirent *de;
	int saw = 0;

	while (dir && (de = readdir(dir)))
		if (!strcmp(de->d_name, "rel2"))
			saw = de->d_type == DT_LNK;
	if (dir)
		closedir(dir);
	EXPECT_TRUE(saw);
	EXPECT(realpath("/tmp/v/rel2", buf) != NULL, 1);
	EXPECT(strcmp(buf, "/tmp/v/file"), 0);
}

static void hardlinks(void)
{
	struct stat a, b;

	write_file("/tmp/v/h1", "hard");
	EXPECT(link("/tmp/v/h1", "/tmp/v/h2"), 0);
	EXPECT(stat("/tmp/v/h1", &a), 0);
	EXPECT(stat("/tmp/v/h2", &b), 0);
	EXPECT_TRUE(a.st_ino == b.st_ino && a.st_nlink == 2 && b.st_nlink == 2);
	EXPECT_ERR(link("/tmp/v/h1", "/tmp/v/h2"), -1, EEXIST);
	EXPECT_ERR(link("/tmp/v", "/tmp/v2"), -1, EPERM);
	EXPECT_ERR(link("/tmp/v/none", "/tmp/v/h3"), -1, ENOENT);
	EXPECT_ERR(link("/tmp/v/h1", "/tmp/none/h3"), -1, ENOENT);
	EXPECT(unlink("/tmp/v/h1"), 0);
	EXPECT(stat("/tmp/v/h2", &b), 0);
	EXPECT_TRUE(b.st_nlink == 1 && b.st_size == 4);
	/* linkat links the symbolic link itself, or its target with AT_SYMLINK_FOLLOW. */
	EXPECT(linkat(AT_FDCWD, "/tmp/v/rel2", AT_FDCWD, "/tmp/v/h4", 0), 0);
	EXPECT(lstat("/tmp/v/h4", &a), 0);
	EXPECT_TRUE(S_ISLNK(a.st_mode) && a.st_nlink == 2);
	EXPECT(linkat(AT_FDCWD, "/tmp/v/rel2", AT_FDCWD, "/tmp/v/h5", AT_SYMLINK_FOLLOW), 0);
	EXPECT(lstat("/tmp/v/h5", &a), 0);
	EXPECT(stat("/tmp/v/file", &b), 0);
	EXPECT_TRUE(S_ISREG(a.st_mode) && a.st_ino == b.st_ino && b.st_nlink == 2);
	EXPECT_ERR(linkat(AT_FDCWD, "/tmp/v/h5", AT_FDCWD, "/tmp/v/h6", 0x1), -1, EINVAL);
	EXPECT_ERR(link("/proc/meminfo", "/tmp/v/mi"), -1, EXDEV);
	EXPECT_ERR(unlink("/proc/meminfo"), -1, EPERM);
}

/* readlink into a NUL-terminated buffer. */
static const char *link_of(const char *path, char *buf, size_t size)
{
	long n = readlink(path, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void proc_self(void)
{
	char buf[PATH_MAX], want[64], path[64];
	struct statfs sf;
	struct stat st;
	int fd, status;
	pid_t pid;

	snprintf(want, sizeof(want), "%d", getpid());
	EXPECT(strcmp(link_of("/proc/self", buf, sizeof(buf)), want), 0);
	EXPECT(strcmp(link_of("/proc/self/exe", buf, sizeof(buf)), "/bin/vfs_calls"), 0);
	chdir("/tmp/v");
	EXPECT(strcmp(link_of("/proc/self/cwd", buf, sizeof(buf)), "/tmp/v"), 0);
	chdir("/");
	fd = open("/tmp/v/file", O_RDONLY);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	EXPECT(strcmp(link_of(path, buf, sizeof(buf)), "/tmp/v/file"), 0);
	EXPECT(read_file_text(path, buf, sizeof(buf)), 5); /* followed as a path */
	close(fd);
	EXPECT_ERR(readlink(path, buf, sizeof(buf)), -1, ENOENT);
	EXPECT(strcmp(link_of("/proc/self/fd/0", buf, sizeof(buf)), "/dev/console"), 0);
	int p[2];
	pipe(p);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	EXPECT(strncmp(link_of(path, buf, sizeof(buf)), "pipe:[", 6), 0);
	close(p[0]);
	close(p[1]);
	/* Reading the executable through /proc/self/exe. */
	EXPECT(read_file_text("/proc/self/exe", buf, 5), 4);
	EXPECT(memcmp(buf, "\177ELF", 4), 0);
	EXPECT(read_file_text("/proc/self/stat", buf, sizeof(buf)) > 0, 1);
	snprintf(want, sizeof(want), "%d (vfs_calls) R %d ", getpid(), getppid());
	EXPECT(strncmp(buf, want, strlen(want)), 0);
	EXPECT(read_file_text("/proc/self/cmdline", buf, sizeof(buf)), 15);
	EXPECT(strcmp(buf, "/bin/vfs_calls"), 0);
	EXPECT(read_file_text("/proc/self/status", buf, sizeof(buf)) > 0, 1);
	EXPECT(strncmp(buf, "Name:\tvfs_calls\n", 16), 0);
	EXPECT(read_file_text("/proc/self/maps", buf, sizeof(buf)) > 0, 1);
	EXPECT_TRUE(strstr(buf, " r-xp ") && strstr(buf, " rw-p ") && strstr(buf, "[stack]\n"));
	void *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char line[64];

	snprintf(line, sizeof(line), "%08lx-%08lx rw-s ", (unsigned long)shared,
		 (unsigned long)shared + 4096);
	EXPECT(read_file_text("/proc/self/maps", buf, sizeof(buf)) > 0, 1);
	EXPECT_TRUE(strstr(buf, line) != NULL);
	munmap(shared, 4096);
	EXPECT(read_file_text("/proc/cpuinfo", buf, sizeof(buf)) > 0, 1);
	EXPECT(strncmp(buf, "processor\t: 0\n", 14), 0);
	EXPECT(read_file_text("/proc/mounts", buf, sizeof(buf)) > 0, 1);
	EXPECT(strncmp(buf, "ramfs / ramfs rw 0 0\n", 21), 0);
	EXPECT(statfs("/proc/self/stat", &sf), 0);
	EXPECT(sf.f_type, 0x9fa0);
	EXPECT(statfs("/tmp", &sf), 0);
	EXPECT(sf.f_type, 0x858458f6);
	EXPECT_ERR(open("/proc/self/stat", O_WRONLY), -1, EACCES);
	EXPECT_ERR(mkdir("/proc/self/x", 0755), -1, EACCES);
	/* A child has its directory until it is reaped; then it is gone. */
	pid = fork();
	if (pid == 0) {
		/* Re-run this program through /proc/self/exe, as busybox does. */
		execl("/proc/self/exe", "vfs_child", "child", (char *)NULL);
		_exit(99);
	}
	snprintf(path, sizeof(path), "/proc/%d", pid);
	EXPECT(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 42);
	EXPECT_ERR(stat(path, &st), -1, ENOENT);
	EXPECT(stat("/proc/1", &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

/* The child of proc_self, run through /proc/self/exe: its own view. */
static int exec_child(void)
{
	char buf[PATH_MAX];

	if (strcmp(link_of("/proc/self/exe", buf, sizeof(buf)), "/bin/vfs_calls"))
		return 1;
	if (read_file_text("/proc/self/cmdline", buf, sizeof(buf)) != 16 ||
	    strcmp(buf, "vfs_child") || strcmp(buf + 10, "child"))
		return 2;
	return 42;
}

static void unix_sockets(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int srv, cli, c2, fd;
	struct stat st;

	strcpy(a.sun_path, "/tmp/v/sock");
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	umask(022);
	EXPECT(bind(srv, (struct sockaddr *)&a, sizeof(a)), 0);
	EXPECT(lstat("/tmp/v/sock", &st), 0);
	EXPECT_TRUE(S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0755);
	EXPECT(listen(srv, 4), 0);
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT(connect(cli, (struct sockaddr *)&a, sizeof(a)), 0);
	fd = accept(srv, NULL, NULL);
	EXPECT_TRUE(fd >= 0);
	EXPECT(write(cli, "u", 1), 1);
	char c = 0;
	EXPECT(read(fd, &c, 1), 1);
	close(fd);
	close(cli);
	/* A second bind to the path, and binds in bad places. */
	c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_ERR(bind(c2, (struct sockaddr *)&a, sizeof(a)), -1, EADDRINUSE);
	strcpy(a.sun_path, "/tmp/nodir/sock");
	EXPECT_ERR(bind(c2, (struct sockaddr *)&a, sizeof(a)), -1, ENOENT);
	strcpy(a.sun_path, "/tmp/v/file/sock");
	EXPECT_ERR(bind(c2, (struct sockaddr *)&a, sizeof(a)), -1, ENOTDIR);
	strcpy(a.sun_path, "/tmp/v/file");
	EXPECT_ERR(bind(c2, (struct sockaddr *)&a, sizeof(a)), -1, EADDRINUSE);
	/* connect: through a link, to a non-socket, to a missing path. */
	symlink("sock", "/tmp/v/socklink");
	strcpy(a.sun_path, "/tmp/v/socklink");
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT(connect(cli, (struct sockaddr *)&a, sizeof(a)), 0);
	close(cli);
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(a.sun_path, "/tmp/v/file");
	EXPECT_ERR(connect(cli, (struct sockaddr *)&a, sizeof(a)), -1, ECONNREFUSED);
	strcpy(a.sun_path, "/tmp/v/nosock");
	EXPECT_ERR(connect(cli, (struct sockaddr *)&a, sizeof(a)), -1, ENOENT);
	/* A closed socket leaves its file: refused until unlinked. */
	close(srv);
	strcpy(a.sun_path, "/tmp/v/sock");
	EXPECT_ERR(connect(cli, (struct sockaddr *)&a, sizeof(a)), -1, ECONNREFUSED);
	EXPECT(bind(c2, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EADDRINUSE, 1);
	EXPECT(unlink("/tmp/v/sock"), 0);
	EXPECT_ERR(connect(cli, (struct sockaddr *)&a, sizeof(a)), -1, ENOENT);
	/* Relative to the cwd, and unlinking while bound. */
	chdir("/tmp/v");
	strcpy(a.sun_path, "rel.sock");
	EXPECT(bind(c2, (struct sockaddr *)&a, sizeof(a)), 0);
	chdir("/");
	EXPECT(stat("/tmp/v/rel.sock", &st), 0);
	EXPECT(unlink("/tmp/v/rel.sock"), 0);
	close(c2);
	close(cli);
	/* Datagrams to a path. */
	int d1 = socket(AF_UNIX, SOCK_DGRAM, 0), d2 = socket(AF_UNIX, SOCK_DGRAM, 0);

	strcpy(a.sun_path, "/tmp/v/dgram");
	EXPECT(bind(d1, (struct sockaddr *)&a, sizeof(a)), 0);
	EXPECT(sendto(d2, "dg", 2, 0, (struct sockaddr *)&a, sizeof(a)), 2);
	char dbuf[4];
	EXPECT(recv(d1, dbuf, sizeof(dbuf), 0), 2);
	close(d1);
	EXPECT_ERR(sendto(d2, "dg", 2, 0, (struct sockaddr *)&a, sizeof(a)), -1, ECONNREFUSED);
	close(d2);
	EXPECT(unlink("/tmp/v/dgram"), 0);
}

/* A child that opens the FIFO for writing, writes a line and exits. */
static pid_t fifo_writer(const char *path)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(path, O_WRONLY);

		_exit(fd < 0 || write(fd, "via fifo", 8) != 8);
	}
	return pid;
}

static void fifos(void)
{
	struct stat st;
	char buf[32];
	int rd, wr, status;
	pid_t pid;

	EXPECT(mkfifo("/tmp/v/fifo", 0640), 0);
	EXPECT_ERR(mkfifo("/tmp/v/fifo", 0640), -1, EEXIST);
	EXPECT(lstat("/tmp/v/fifo", &st), 0);
	EXPECT_TRUE(S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0640);
	EXPECT_ERR(open("/tmp/v/fifo", O_WRONLY | O_NONBLOCK), -1, ENXIO);
	rd = open("/tmp/v/fifo", O_RDONLY | O_NONBLOCK);
	EXPECT_TRUE(rd >= 0);
	EXPECT_ERR(read(rd, buf, sizeof(buf)), 0, 0); /* no writer yet: end of file */
	wr = open("/tmp/v/fifo", O_WRONLY | O_NONBLOCK);
	EXPECT_TRUE(wr >= 0);
	EXPECT(write(wr, "abc", 3), 3);
	EXPECT(read(rd, buf, sizeof(buf)), 3);
	EXPECT_ERR(read(rd, buf, sizeof(buf)), -1, EAGAIN);
	EXPECT(fstat(wr, &st), 0);
	EXPECT_TRUE(S_ISFIFO(st.st_mode));
	close(wr);
	close(rd);

	/* A blocking open for reading waits for the writer. */
	pid = fifo_writer("/tmp/v/fifo");
	rd = open("/tmp/v/fifo", O_RDONLY);
	EXPECT_TRUE(rd >= 0);
	EXPECT(read(rd, buf, sizeof(buf)), 8);
	EXPECT(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT(read(rd, buf, sizeof(buf)), 0); /* the writer left */
	close(rd);
	/* O_RDWR never waits. */
	rd = open("/tmp/v/fifo", O_RDWR);
	EXPECT_TRUE(rd >= 0);
	EXPECT(write(rd, "x", 1), 1);
	EXPECT(read(rd, buf, 1), 1);
	close(rd);
	EXPECT(mknod("/tmp/v/fifo2", S_IFIFO | 0600, 0), 0);
	EXPECT(mknod("/tmp/v/chr", S_IFCHR | 0600, makedev(1, 3)), 0); /* root: CAP_MKNOD */
	EXPECT(unlink("/tmp/v/chr"), 0);
	EXPECT_ERR(mknod("/tmp/v/bad", 0170000 | 0600, 0), -1, EINVAL);
	EXPECT(mknod("/tmp/v/reg", S_IFREG | 0600, 0), 0);
	EXPECT(unlink("/tmp/v/fifo2"), 0);
}

static void file_times(void)
{
	struct timespec ts[2] = { { 1000000000, 5 }, { 1500000000, 7 } };
	struct stat st;
	struct timespec now;
	int fd;

	clock_gettime(CLOCK_REALTIME, &now);
	write_file("/tmp/v/t", "t");
	EXPECT(stat("/tmp/v/t", &st), 0);
	EXPECT_TRUE(st.st_mtim.tv_sec >= now.tv_sec - 1 && st.st_mtim.tv_sec <= now.tv_sec + 5);
	EXPECT(utimensat(AT_FDCWD, "/tmp/v/t", ts, 0), 0);
	EXPECT(stat("/tmp/v/t", &st), 0);
	EXPECT_TRUE(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 5);
	EXPECT_TRUE(st.st_mtim.tv_sec == 1500000000 && st.st_mtim.tv_nsec == 7);
	EXPECT_TRUE(st.st_ctim.tv_sec >= now.tv_sec - 1);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 1600000000;
	ts[1].tv_nsec = 0;
	EXPECT(utimensat(AT_FDCWD, "/tmp/v/t", ts, 0), 0);
	EXPECT(stat("/tmp/v/t", &st), 0);
	EXPECT_TRUE(st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec == 1600000000);
	ts[0].tv_nsec = UTIME_NOW;
	ts[1].tv_nsec = UTIME_OMIT;
	EXPECT(utimensat(AT_FDCWD, "/tmp/v/t", ts, 0), 0);
	EXPECT(stat("/tmp/v/t", &st), 0);
	EXPECT_TRUE(st.st_atim.tv_sec >= now.tv_sec - 1 && st.st_mtim.tv_sec == 1600000000);
	ts[0].tv_nsec = 1000000000;
	EXPECT_ERR(utimensat(AT_FDCWD, "/tmp/v/t", ts, 0), -1, EINVAL);
	EXPECT_ERR(utimensat(AT_FDCWD, "/tmp/v/none", NULL, 0), -1, ENOENT);
	EXPECT_ERR(utimensat(AT_FDCWD, "/tmp/v/t", NULL, 0x4), -1, EINVAL);
	fd = open("/tmp/v/t", O_RDONLY);
	EXPECT(futimens(fd, NULL), 0);
	EXPECT(fstat(fd, &st), 0);
	EXPECT_TRUE(st.st_mtim.tv_sec >= now.tv_sec - 1);
	close(fd);
	/* utimensat(AT_SYMLINK_NOFOLLOW) sets the link's own times. */
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	ts[0].tv_sec = ts[1].tv_sec = 1234567890;
	EXPECT(utimensat(AT_FDCWD, "/tmp/v/rel2", ts, AT_SYMLINK_NOFOLLOW), 0);
	EXPECT(lstat("/tmp/v/rel2", &st), 0);
	EXPECT_TRUE(st.st_mtim.tv_sec == 1234567890);
	EXPECT(stat("/tmp/v/rel2", &st), 0);
	EXPECT_TRUE(st.st_mtim.tv_sec != 1234567890);
}

static void statx_calls(void)
{
	struct statx sx;
	struct stat st;
	int fd;

	EXPECT(stat("/tmp/v/file", &st), 0);
	EXPECT(statx(AT_FDCWD, "/tmp/v/file", 0, STATX_BASIC_STATS, &sx), 0);
	EXPECT_TRUE((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
	EXPECT_TRUE(sx.stx_ino == st.st_ino && sx.stx_size == (unsigned long)st.st_size);
	EXPECT_TRUE(sx.stx_mode == st.st_mode && sx.stx_nlink == st.st_nlink);
	EXPECT_TRUE(sx.stx_mtime.tv_sec == st.st_mtim.tv_sec);
	EXPECT_TRUE(makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev);
	EXPECT(statx(AT_FDCWD, "/tmp/v/rel2", AT_SYMLINK_NOFOLLOW, STATX_ALL, &sx), 0);
	EXPECT_TRUE(S_ISLNK(sx.stx_mode));
	EXPECT_ERR(statx(AT_FDCWD, "/tmp/v/file", 0, 0x80000000u, &sx), -1, EINVAL);
	EXPECT_ERR(statx(AT_FDCWD, "/tmp/v/file", 0x6000, STATX_ALL, &sx), -1, EINVAL);
	EXPECT_ERR(statx(AT_FDCWD, "/tmp/v/none", 0, STATX_ALL, &sx), -1, ENOENT);
	EXPECT_ERR(statx(AT_FDCWD, "", 0, STATX_ALL, &sx), -1, ENOENT);
	fd = open("/tmp/v/file", O_RDONLY);
	EXPECT(statx(fd, "", AT_EMPTY_PATH, STATX_ALL, &sx), 0);
	EXPECT_TRUE(sx.stx_ino == st.st_ino);
	close(fd);
}

static void vectors(void)
{
	char a[4] = "", b[8] = "";
	struct iovec v[2] = { { "0123", 4 }, { "456789", 6 } };
	struct iovec r[2] = { { a, 3 }, { b, 7 } };
	int fd = open("/tmp/v/vec", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int p[2];

	EXPECT(pwritev(fd, v, 2, 2), 10);
	EXPECT(lseek(fd, 0, SEEK_CUR), 0); /* the position does not move */
	EXPECT(preadv(fd, r, 2, 0), 10);
	EXPECT_TRUE(a[0] == 0 && a[2] == '0' && !memcmp(b, "1234567", 7));
	EXPECT(preadv(fd, r, 2, 100), 0);
	EXPECT_ERR(preadv(fd, r, 2, -1), -1, EINVAL);
	EXPECT(preadv2(fd, r, 2, 9, 0), 3);
	EXPECT(preadv2(fd, r, 2, -1, 0), 10); /* -1: at the file position */
	EXPECT(lseek(fd, 0, SEEK_CUR), 10);
	EXPECT(pwritev2(fd, v, 1, 0, 0), 4);
	EXPECT_ERR(pwritev2(fd, v, 1, 0, 0x40), -1, EOPNOTSUPP);
	EXPECT_ERR(preadv(-1, r, 2, 0), -1, EBADF);
	close(fd);
	EXPECT(pipe(p), 0);
	EXPECT_ERR(preadv(p[0], r, 2, 0), -1, ESPIPE);
	close(p[0]);
	close(p[1]);
	write_file("/tmp/v/n1", "1");
	write_file("/tmp/v/n2", "2");
	EXPECT_ERR(renameat2(AT_FDCWD, "/tmp/v/n1", AT_FDCWD, "/tmp/v/n2", RENAME_NOREPLACE), -1,
		   EEXIST);
	EXPECT(renameat2(AT_FDCWD, "/tmp/v/n1", AT_FDCWD, "/tmp/v/n3", RENAME_NOREPLACE), 0);
	EXPECT_ERR(renameat2(AT_FDCWD, "/tmp/v/n3", AT_FDCWD, "/tmp/v/n2", 0x80), -1, EINVAL);
	/* RENAME_EXCHANGE swaps two names, a directory's too. */
	char buf[8];
	EXPECT(renameat2(AT_FDCWD, "/tmp/v/n3", AT_FDCWD, "/tmp/v/n2", RENAME_EXCHANGE), 0);
	EXPECT(read_file_text("/tmp/v/n2", buf, sizeof(buf)), 1);
	EXPECT(buf[0], '1');
	EXPECT(read_file_text("/tmp/v/n3", buf, sizeof(buf)), 1);
	EXPECT(buf[0], '2');
	EXPECT(renameat2(AT_FDCWD, "/tmp/v/n3", AT_FDCWD, "/tmp/v/d", RENAME_EXCHANGE), 0);
	EXPECT(read_file_text("/tmp/v/n3/inner", buf, sizeof(buf)), 2);
	EXPECT(read_file_text("/tmp/v/d", buf, sizeof(buf)), 1);
	EXPECT(chdir("/tmp/v/n3"), 0);
	char cwd[64];
	EXPECT(getcwd(cwd, sizeof(cwd)) != NULL && !strcmp(cwd, "/tmp/v/n3"), 1);
	chdir("/");
	EXPECT_ERR(renameat2(AT_FDCWD, "/tmp/v/n3", AT_FDCWD, "/tmp/v/n3/inner", RENAME_EXCHANGE),
		   -1, EINVAL);
	EXPECT_ERR(renameat2(AT_FDCWD, "/tmp/v/n3", AT_FDCWD, "/tmp/v/none", RENAME_EXCHANGE), -1,
		   ENOENT);
	EXPECT_ERR(renameat2(AT_FDCWD, "/tmp/v/n3", AT_FDCWD, "/tmp/v/d",
			     RENAME_EXCHANGE | RENAME_NOREPLACE), -1, EINVAL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return exec_child();
	symlinks();
	hardlinks();
	proc_self();
	unix_sockets();
	fifos();
	file_times();
	statx_calls();
	vectors();
	printf("vfs_calls: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
