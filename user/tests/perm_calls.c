/*
 * perm_calls: file permissions with Linux's rules, as a glibc program run
 * as root that sets files up and checks them from children that become the
 * unprivileged uid/gid 65534 (setuid), booted as init on SIS and run
 * natively on Linux as the reference:
 *   - open/openat read and write against the owner/group/other bits (the
 *     owner's class decides even when others may do more), O_TRUNC;
 *   - search (x) permission on every directory of a path walk, chdir, and
 *     AF_UNIX connect/bind through such a path;
 *   - creating, removing and renaming names: write+search on the directory,
 *     the sticky bit;
 *   - access/faccessat with the real ids, AT_EACCESS with the effective
 *     ones (both ways round), faccessat2;
 *   - execve: EACCES without an execute bit, for root too; ETXTBSY while
 *     the file is open for writing; an empty argv gets argv[0] "";
 *   - O_NOATIME (open, F_SETFL) is the owner's; setgid directories hand
 *     their group (and, to directories, the bit) down, and a file's S_ISGID
 *     stays only for a member of its group.
 * Prints "perm_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "glibc_check.h"

static char dir[64];
static char self[4096];

static const char *at(const char *name)
{
	static char paths[8][160];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, 160, "%s/%s", dir, name);
	return p;
}

static void make_file(const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	int fd = open(at(name), O_CREAT | O_WRONLY | O_TRUNC, 0600);

	CHECK(fd >= 0 && write(fd, "data", 4) == 4, "create %s", name);
	close(fd);
	CHECK(chown(at(name), uid, gid) == 0 && chmod(at(name), mode) == 0, "chown/chmod %s", name);
}

static void make_dir(const char *name, mode_t mode)
{
	CHECK(mkdir(at(name), 0700) == 0 && chmod(at(name), mode) == 0, "mkdir %s", name);
}

/* errno of open(name, flags), 0 if it opened */
static int open_err(const char *name, int flags)
{
	int fd = open(at(name), flags, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int ret_err(int r)
{
	return r < 0 ? errno : 0;
}

static int unix_sock(const char *name, bool do_bind)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0), r;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", at(name));
	r = do_bind ? bind(s, (struct sockaddr *)&a, sizeof(a))
		    : connect(s, (struct sockaddr *)&a, sizeof(a));
	r = r < 0 ? errno : 0;
	if (do_bind && !r)
		listen(s, 4);
	else
		close(s);
	return r;
}

/* errno of running self with "exit0" (0 if it ran and exited 0) */
static int exec_err(const char *name)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execl(at(name), name, "exit0", (char *)NULL);
		_exit(100 + errno);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st) >= 100 ? WEXITSTATUS(st) - 100 : WEXITSTATUS(st) ? -1 : 0;
}

static void nobody_checks(void)
{
	/* open against the bits */
	CHECK(open_err("f0600", O_RDONLY) == EACCES, "read a 0600 root file");
	CHECK(open_err("f0644", O_RDONLY) == 0, "read a 0644 file");
	CHECK(open_err("f0644", O_WRONLY) == EACCES, "write a 0644 root file");
	CHECK(open_err("f0644", O_RDWR) == EACCES, "O_RDWR a 0644 root file");
	CHECK(open_err("f0644", O_RDONLY | O_TRUNC) == EACCES, "O_TRUNC asks for write");
	CHECK(open_err("f0646", O_WRONLY) == 0, "write an other-writable file");
	CHECK(open_err("g0640", O_RDONLY) == 0, "read through the group bits");
	CHECK(open_err("g0640", O_WRONLY) == EACCES, "no group write");
	CHECK(open_err("own0407", O_RDONLY) == 0, "the owner reads its 0407 file");
	CHECK(open_err("own0407", O_WRONLY) == EACCES, "the owner's bits decide, not the others'");
	CHECK(open_err("d0700", O_RDONLY | O_DIRECTORY) == EACCES, "list a 0700 directory");
	/* search permission */
	CHECK(open_err("d0700/inner", O_RDONLY) == EACCES, "walk through a 0700 directory");
	CHECK(open_err("d0744/inner", O_RDONLY) == EACCES, "walk through a 0744 directory");
	CHECK(open_err("d0711/inner", O_RDONLY) == 0, "walk through a 0711 directory");
	CHECK(open_err("d0711", O_RDONLY | O_DIRECTORY) == EACCES, "but not list it");
	CHECK(ret_err(access(at("d0700/inner"), F_OK)) == EACCES, "access F_OK behind 0700");
	CHECK(ret_err(chdir(at("d0744"))) == EACCES, "chdir into a 0744 directory");
	CHECK(ret_err(chdir(at("d0711"))) == 0 && chdir("/") == 0, "chdir into 0711");
	CHECK(open_err("d0700/new", O_CREAT | O_WRONLY) == EACCES, "create behind 0700");
	CHECK(unix_sock("d0700/sock", false) == EACCES, "connect behind 0700");
	CHECK(unix_sock("d0755/sock", false) == 0, "connect to a 0777 socket");
	CHECK(unix_sock("d0755/sock0755", false) == EACCES, "connect to a 0755 root socket");
	/* names in directories */
	CHECK(open_err("d0755/new", O_CREAT | O_WRONLY) == EACCES, "create in a 0755 directory");
	CHECK(ret_err(mkdir(at("d0755/newdir"), 0755)) == EACCES, "mkdir in 0755");
	CHECK(ret_err(unlink(at("d0755/inner"))) == EACCES, "unlink in 0755");
	CHECK(ret_err(rename(at("d0755/inner"), at("d0777/moved"))) == EACCES, "rename out of 0755");
	CHECK(ret_err(symlink("x", at("d0755/link"))) == EACCES, "symlink in 0755");
	CHECK(ret_err(link(at("f0646"), at("d0755/hard"))) == EACCES, "link into 0755");
	CHECK(unix_sock("d0755/mine", true) == EACCES, "bind in 0755");
	CHECK(open_err("d0777/mine", O_CREAT | O_EXCL | O_WRONLY) == 0, "create in 0777");
	CHECK(open_err("d0777/mine", O_WRONLY) == 0, "write what one made");
	CHECK(ret_err(chmod(at("d0777/mine"), 0400)) == 0, "chmod own file");
	CHECK(ret_err(rename(at("d0777/mine"), at("d0777/mine2"))) == 0, "rename in 0777");
	CHECK(ret_err(unlink(at("d0777/mine2"))) == 0, "unlink in 0777");
	CHECK(unix_sock("d0777/s", true) == 0, "bind in 0777");
	CHECK(ret_err(unlink(at("d1777/rootfile"))) == EPERM, "sticky: unlink another's file");
	CHECK(ret_err(rename(at("d1777/rootfile"), at("d1777/x"))) == EPERM, "sticky: rename it");
	CHECK(open_err("d1777/mine", O_CREAT | O_WRONLY) == 0 && unlink(at("d1777/mine")) == 0,
	      "sticky: one's own file");
	/* access with the real ids (= effective here) */
	CHECK(ret_err(access(at("f0600"), R_OK)) == EACCES, "access R_OK 0600");
	CHECK(ret_err(access(at("f0644"), R_OK)) == 0, "access R_OK 0644");
	CHECK(ret_err(access(at("f0644"), W_OK)) == EACCES, "access W_OK 0644");
	CHECK(ret_err(access(at("x0744"), X_OK)) == EACCES, "access X_OK 0744");
	CHECK(ret_err(access(at("x0755"), X_OK)) == 0, "access X_OK 0755");
	/* exec */
	CHECK(exec_err("x0744") == EACCES, "exec a 0744 root file");
	CHECK(exec_err("x0755") == 0, "exec a 0755 file");
	/* O_NOATIME */
	CHECK(open_err("f0644", O_RDONLY | O_NOATIME) == EPERM, "O_NOATIME on another's file");
	CHECK(open_err("own0407", O_RDONLY | O_NOATIME) == 0, "O_NOATIME on one's own");
	{
		int fd = open(at("f0644"), O_RDONLY);

		CHECK(fd >= 0 && ret_err(fcntl(fd, F_SETFL, O_NOATIME)) == EPERM,
		      "F_SETFL O_NOATIME on another's file");
		close(fd);
	}
	/* a setgid directory of another group */
	{
		struct stat st;
		int fd = open(at("sg/f"), O_CREAT | O_EXCL | O_WRONLY, 02755);

		CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_gid == 4321 && !(st.st_mode & S_ISGID),
		      "setgid dir: the dir's group, S_ISGID dropped: %u %o", st.st_gid, st.st_mode);
		close(fd);
		CHECK(mkdir(at("sg/d"), 0755) == 0 && stat(at("sg/d"), &st) == 0 && st.st_gid == 4321 &&
		      (st.st_mode & S_ISGID), "setgid dir: a subdirectory is setgid: %u %o", st.st_gid,
		      st.st_mode);
	}
}

/* real root, effective nobody: access uses the real ids, AT_EACCESS not */
static void real_root_checks(void)
{
	CHECK(ret_err(access(at("f0600"), R_OK | W_OK)) == 0, "access as the real root");
	CHECK(ret_err(faccessat(AT_FDCWD, at("f0600"), R_OK, AT_EACCESS)) == EACCES,
	      "AT_EACCESS as the effective nobody");
	CHECK(ret_err(syscall(SYS_faccessat2, AT_FDCWD, at("f0600"), R_OK, AT_EACCESS)) == EACCES,
	      "faccessat2 AT_EACCESS");
	CHECK(ret_err(access(at("d0700/inner"), R_OK)) == 0, "access walks as the real root");
	CHECK(open_err("f0600", O_RDONLY) == EACCES, "open uses the effective ids");
}

static void real_nobody_checks(void)
{
	CHECK(ret_err(access(at("f0600"), R_OK)) == EACCES, "access as the real nobody");
	CHECK(ret_err(faccessat(AT_FDCWD, at("f0600"), R_OK, AT_EACCESS)) == 0,
	      "AT_EACCESS as the effective root");
	CHECK(ret_err(syscall(SYS_faccessat2, AT_FDCWD, at("d0700/inner"), R_OK, 0)) == EACCES,
	      "faccessat2 walks as the real nobody");
	CHECK(open_err("f0600", O_RDWR) == 0, "open as the effective root");
}

static void split_ids(bool real_root)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		failed = 0;
		if (setgroups(0, NULL) ||
		    (real_root ? setresuid(0, NOBODY, 0) : setresuid(NOBODY, 0, 0)))
			_exit(100);
		(real_root ? real_root_checks : real_nobody_checks)();
		_exit(failed);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "split ids (real %s): status %#x", real_root ? "root" : "nobody", st);
}

static void copy_self(const char *name, mode_t mode)
{
	int in = open(self, O_RDONLY), out = open(at(name), O_CREAT | O_WRONLY | O_TRUNC, 0700);
	static char buf[65536];
	ssize_t n;

	CHECK(in >= 0 && out >= 0, "copy %s to %s", self, name);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, (size_t)n) == n, "write %s", name);
	close(in);
	close(out);
	CHECK(chmod(at(name), mode) == 0, "chmod %s", name);
}

static void set_up(void)
{
	snprintf(dir, sizeof(dir), "/tmp/perm_calls.XXXXXX");
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	CHECK(chmod(dir, 0755) == 0, "chmod %s", dir);
	make_file("f0600", 0600, 0, 0);
	make_file("f0644", 0644, 0, 0);
	make_file("f0646", 0646, 0, 0);
	make_file("g0640", 0640, 0, NOBODY);
	make_file("own0407", 0407, NOBODY, 0);
	copy_self("x0744", 0744);
	copy_self("x0755", 0755);
	copy_self("x0644", 0644);
	make_dir("d0700", 0700);
	make_file("d0700/inner", 0644, 0, 0);
	make_dir("d0744", 0744);
	make_file("d0744/inner", 0644, 0, 0);
	make_dir("d0711", 0711);
	make_file("d0711/inner", 0644, 0, 0);
	make_dir("d0755", 0755);
	make_file("d0755/inner", 0644, 0, 0);
	make_dir("d0777", 0777);
	make_dir("d1777", 01777);
	make_dir("sg", 0777);
	CHECK(chown(at("sg"), 0, 4321) == 0 && chmod(at("sg"), 02777) == 0, "a setgid directory");
	make_file("d1777/rootfile", 0666, 0, 0);
	CHECK(unix_sock("d0755/sock", true) == 0 && chmod(at("d0755/sock"), 0777) == 0, "bind");
	CHECK(unix_sock("d0755/sock0755", true) == 0 && chmod(at("d0755/sock0755"), 0755) == 0,
	      "bind");
	CHECK(unix_sock("d0700/sock", true) == 0 && chmod(at("d0700/sock"), 0777) == 0, "bind");
}

static void root_checks(void)
{
	CHECK(open_err("f0600", O_RDWR) == 0, "root opens a 0600 file");
	CHECK(open_err("own0407", O_RDWR) == 0, "root opens another's 0407 file");
	CHECK(ret_err(access(at("f0600"), R_OK | W_OK)) == 0, "root: access R_OK|W_OK");
	CHECK(ret_err(access(at("x0644"), X_OK)) == EACCES, "root: X_OK needs an execute bit");
	CHECK(ret_err(access(at("x0744"), X_OK)) == 0, "root: one execute bit is enough");
	CHECK(ret_err(access(at("d0700"), X_OK)) == 0, "root searches any directory");
	CHECK(exec_err("x0644") == EACCES, "root cannot exec without an execute bit");
	CHECK(exec_err("x0744") == 0, "root execs with the owner's execute bit");
	CHECK(exec_err("d0755") == EACCES, "exec a directory");
	{
		int fd = open(at("x0755"), O_WRONLY), st;
		pid_t pid;

		CHECK(fd >= 0 && exec_err("x0755") == ETXTBSY, "exec a file open for writing");
		close(fd);
		CHECK(exec_err("x0755") == 0, "and once closed");
		pid = fork();
		if (pid == 0) {
			char *const argv[] = { NULL }, *const envp[] = { NULL };

			execve(at("x0755"), argv, envp);
			_exit(100);
		}
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42,
		      "an empty argv gets argv[0] \"\": %#x", st);
	}
	{
		struct stat st;
		int fd = open(at("sg/rootfile"), O_CREAT | O_WRONLY, 02755);

		CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_gid == 4321 && (st.st_mode & S_ISGID),
		      "root keeps S_ISGID in a setgid dir: %u %o", st.st_gid, st.st_mode);
		close(fd);
	}
	CHECK_ERR(access(at("f0600"), 8), EINVAL, "access mode 8");
	CHECK_ERR(syscall(SYS_faccessat2, AT_FDCWD, at("f0600"), R_OK, 0x4), EINVAL,
		  "faccessat2 bad flags");
}

static void clean_up(void)
{
	static const char *const names[] = {
		"d1777/rootfile", "d0777/s", "d0755/sock", "d0755/sock0755", "d0755/inner",
		"d0711/inner", "d0744/inner", "d0700/sock", "d0700/inner", "f0600", "f0644",
		"f0646", "g0640", "own0407", "x0744", "x0755", "x0644", "sg/f", "sg/rootfile",
	};
	static const char *const dirs[] = { "sg/d", "sg", "d1777", "d0777", "d0755", "d0711",
					    "d0744", "d0700" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(at(names[i]));
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		CHECK(rmdir(at(dirs[i])) == 0, "rmdir %s", dirs[i]);
	CHECK(rmdir(dir) == 0, "rmdir %s", dir);
}

int main(int argc, char **argv)
{
	ssize_t n;

	if (argc > 1 && strcmp(argv[1], "exit0") == 0)
		return 0;
	if (argc == 1 && argv[0][0] == 0)
		return 42; /* execve with an empty argv */
	setvbuf(stdout, NULL, _IOLBF, 0);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0, "readlink /proc/self/exe");
	self[n > 0 ? n : 0] = 0;
	if (geteuid() != 0) {
		printf("perm_calls: needs root\n");
		return 1;
	}
	set_up();
	root_checks();
	check_as_nobody(nobody_checks, "checks");
	split_ids(true);
	split_ids(false);
	clean_up();
	return check_summary("perm_calls");
}
