/*
 * files_io: the file system from user space. The ramdisk's contents are
 * there (/sbin/init, /bin/sh, /etc/rc, /etc/hosts, /tmp); /tmp is writable:
 * create, write, read back, append, lseek, pread/pwrite, truncate, stat,
 * getdents (readdir), mkdir/rmdir, unlink, rename, chdir/getcwd, dup/dup2/fcntl
 * (close-on-exec, O_NONBLOCK), O_EXCL/O_DIRECTORY, /dev/null and /dev/zero,
 * poll/select on files that are always ready.
 * Prints one result line; exit status 0 if every check passed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include "files_check.h"

static void test_ramdisk(void)
{
	struct stat st;
	char buf[64];
	int fd;

	CHECK(stat("/sbin/init", &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0100));
	CHECK(stat("/bin/sh", &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 1000);
	CHECK(stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/dev", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/dev/console", &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(access("/etc/rc", R_OK) == 0);
	fd = open("/etc/hosts", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof(buf)) > 9 && strstr(buf, "localhost") != NULL);
	close(fd);
}

static void test_write_read(void)
{
	char buf[64] = { 0 };
	struct stat st;
	int fd;

	fd = open("/tmp/a.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello world\n", 12) == 12);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 12 && S_ISREG(st.st_mode));
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 12 && memcmp(buf, "hello world\n", 12) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK(pwrite(fd, "W", 1, 6) == 1);
	CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 12);
	CHECK(lseek(fd, 20, SEEK_SET) == 20 && write(fd, "!", 1) == 1);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 21);
	CHECK(pread(fd, buf, 8, 12) == 8 && buf[0] == 0 && buf[7] == 0); /* hole reads zeros */
	CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
	CHECK(lseek(fd, 0, SEEK_END) == 5);
	close(fd);

	fd = open("/tmp/a.txt", O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "+tail", 5) == 5);
	close(fd);
	fd = open("/tmp/a.txt", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK(read(fd, buf, sizeof(buf)) == 10 && strcmp(buf, "hello+tail") == 0);
	close(fd);

	/* A big file, grown in pieces. */
	fd = open("/tmp/big", O_CREAT | O_RDWR | O_TRUNC, 0600);
	for (int i = 0; i < 64; i++) {
		char block[1024];

		memset(block, 'a' + i % 26, sizeof(block));
		CHECK(write(fd, block, sizeof(block)) == sizeof(block));
	}
	CHECK(fstat(fd, &st) == 0 && st.st_size == 65536);
	CHECK(pread(fd, buf, 2, 1023) == 2 && buf[0] == 'a' && buf[1] == 'b');
	close(fd);
	CHECK(unlink("/tmp/big") == 0);
	CHECK_ERR(stat("/tmp/big", &st), ENOENT);
}

static void test_stdio(void)
{
	FILE *f = fopen("/tmp/stdio.txt", "w");
	char line[64];
	int n = 0;

	CHECK(f != NULL);
	if (!f)
		return;
	fprintf(f, "line %d\nline %d\n", 1, 2);
	CHECK(fclose(f) == 0);
	f = fopen("/tmp/stdio.txt", "r");
	CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f))
		n++;
	CHECK(n == 2);
	if (f)
		fclose(f);
}

/* Names in dir (sorted by the caller's expectations: just membership). */
static int dir_has(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (!strcmp(e->d_name, name))
			found = 1;
	closedir(d);
	return found;
}

static void test_dirs(void)
{
	char cwd[256];
	struct stat st;
	int fd;

	CHECK(mkdir("/tmp/d", 0755) == 0);
	CHECK_ERR(mkdir("/tmp/d", 0755), EEXIST);
	fd = open("/tmp/d/f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(dir_has("/tmp/d", "f") && dir_has("/tmp/d", ".") && dir_has("/tmp/d", ".."));
	CHECK(dir_has("/", "bin") && dir_has("/bin", "sh") && dir_has("/sbin", "init"));
	CHECK_ERR(rmdir("/tmp/d"), ENOTEMPTY);
	CHECK(chdir("/tmp/d") == 0);
	CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/tmp/d") == 0);
	CHECK(stat("f", &st) == 0 && S_ISREG(st.st_mode));      /* relative to the cwd */
	CHECK(stat("../d/./f", &st) == 0);
	CHECK(chdir("..") == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/tmp") == 0);
	fd = open("/tmp/d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0 && fstatat(fd, "f", &st, 0) == 0);          /* *at() with a dirfd */
	CHECK(unlinkat(fd, "f", 0) == 0);
	close(fd);
	CHECK(rmdir("/tmp/d") == 0);
	CHECK(chdir("/") == 0);
	CHECK_ERR(open("/tmp/nonexistent/x", O_CREAT | O_WRONLY, 0644), ENOENT);
	CHECK_ERR(open("/etc/hosts", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(open("/tmp", O_WRONLY), EISDIR);
	fd = open("/tmp/x", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK_ERR(open("/tmp/x", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	CHECK(unlink("/tmp/x") == 0);
}

static void test_rename(void)
{
	struct stat st;
	char buf[8] = { 0 };
	int fd = open("/tmp/r1", O_CREAT | O_WRONLY | O_TRUNC, 0644);

	CHECK(fd >= 0 && write(fd, "one", 3) == 3);
	close(fd);
	close(open("/tmp/r2", O_CREAT | O_WRONLY | O_TRUNC, 0644));
	CHECK(rename("/tmp/r1", "/tmp/r2") == 0);            /* replaces r2 */
	CHECK_ERR(stat("/tmp/r1", &st), ENOENT);
	fd = open("/tmp/r2", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 3 && strcmp(buf, "one") == 0);
	close(fd);
	CHECK(mkdir("/tmp/rd", 0755) == 0 && mkdir("/tmp/rd/sub", 0755) == 0);
	CHECK(rename("/tmp/r2", "/tmp/rd/moved") == 0 && stat("/tmp/rd/moved", &st) == 0);
	CHECK_ERR(rename("/tmp/rd", "/tmp/rd/sub/inside"), EINVAL);
	CHECK_ERR(rename("/tmp/rd/moved", "/tmp/rd/sub"), EISDIR);
	CHECK(mkdir("/tmp/rd2", 0755) == 0);
	CHECK(rename("/tmp/rd", "/tmp/rd2") == 0);           /* onto an empty directory */
	CHECK(stat("/tmp/rd2/sub", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(chdir("/tmp/rd2/sub") == 0 && rename("/tmp/rd2", "/tmp/rd3") == 0);
	char cwd[64];
	CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/tmp/rd3/sub") == 0); /* ".." moved along */
	CHECK(chdir("/") == 0);
	CHECK_ERR(rename("/tmp/nope", "/tmp/x"), ENOENT);
	CHECK(unlink("/tmp/rd3/moved") == 0 && rmdir("/tmp/rd3/sub") == 0 && rmdir("/tmp/rd3") == 0);
}

static void test_fds(void)
{
	int fd = open("/etc/hosts", O_RDONLY | O_CLOEXEC), fd2, fl;
	char a, b;

	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(fd, F_SETFD, 0) == 0 && fcntl(fd, F_GETFD) == 0);
	fd2 = dup(fd);
	CHECK(fd2 > fd && fcntl(fd2, F_GETFD) == 0);
	CHECK(read(fd, &a, 1) == 1 && read(fd2, &b, 1) == 1); /* shared offset */
	CHECK(lseek(fd, 0, SEEK_CUR) == 2);
	CHECK(dup2(fd, 20) == 20 && lseek(20, 0, SEEK_CUR) == 2);
	CHECK(dup2(20, 20) == 20);
	CHECK(fcntl(fd, F_DUPFD, 30) == 30);
	CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 30) == 31 && fcntl(31, F_GETFD) == FD_CLOEXEC);
	fl = fcntl(fd, F_GETFL);
	CHECK(fl >= 0 && (fl & O_ACCMODE) == O_RDONLY && !(fl & O_NONBLOCK));
	CHECK(fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK));
	CHECK(dup3(fd, 40, O_CLOEXEC) == 40 && fcntl(40, F_GETFD) == FD_CLOEXEC);
	for (int i = 20; i <= 40; i++)
		close(i);
	close(fd2);
	close(fd);
}

static void test_poll_files(void)
{
	struct pollfd p[2];
	fd_set rd, wr;
	int fd = open("/etc/hosts", O_RDONLY), nul = open("/dev/null", O_WRONLY);

	/* Regular files and /dev/null are always ready (no ->poll). */
	p[0] = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	p[1] = (struct pollfd){ .fd = nul, .events = POLLOUT };
	CHECK(poll(p, 2, 0) == 2 && p[0].revents == (POLLIN | POLLOUT) && p[1].revents == POLLOUT);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(fd, &rd);
	FD_SET(nul, &wr);
	CHECK(select(nul > fd ? nul + 1 : fd + 1, &rd, &wr, NULL, NULL) == 2);
	CHECK(FD_ISSET(fd, &rd) && FD_ISSET(nul, &wr));
	close(fd);
	close(nul);
}

static void test_devices(void)
{
	char buf[100];
	int fd = open("/dev/null", O_RDWR);

	CHECK(fd >= 0 && write(fd, "x", 1) == 1 && read(fd, buf, sizeof(buf)) == 0);
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 1, sizeof(buf));
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == sizeof(buf) && buf[0] == 0 && buf[99] == 0);
	close(fd);
}

int main(void)
{
	test_ramdisk();
	test_write_read();
	test_stdio();
	test_dirs();
	test_rename();
	test_fds();
	test_devices();
	test_poll_files();
	return finish("files_io");
}
