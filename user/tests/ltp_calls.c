/*
 * ltp_calls: regression checks for what LTP's syscall tests found different
 * from Linux (tools/ltp), as a glibc-static program (booted as init):
 *   - uname's release names /boot/config-RELEASE, a kernel .config that says
 *     which Linux features SIS has (LTP's tst_kconfig reads it);
 *   - /etc/passwd and /etc/group have root and nobody/nogroup (getpwnam);
 *   - setreuid/setregid with Linux's rules for the saved id and EPERM;
 *   - F_GETLK reports the conflicting lock that starts first (fcntl11/21);
 *   - F_SETLKW that would close a cycle of waiting owners: EDEADLK (fcntl17).
 * Prints "ltp_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "glibc_check.h"

static void check_kconfig(void)
{
	struct utsname u;
	char path[128], line[128];
	bool eventfd = false, no_userns = false;
	FILE *f;

	CHECK(uname(&u) == 0, "uname");
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	CHECK(f != NULL, "fopen %s", path);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		eventfd |= strcmp(line, "CONFIG_EVENTFD=y\n") == 0;
		no_userns |= strcmp(line, "# CONFIG_USER_NS is not set\n") == 0;
	}
	fclose(f);
	CHECK(eventfd, "%s lacks CONFIG_EVENTFD=y", path);
	CHECK(no_userns, "%s does not say CONFIG_USER_NS is not set", path);
}

static void check_users(void)
{
	struct passwd *pw = getpwnam("nobody");
	struct group *gr;

	CHECK(pw && pw->pw_uid == 65534 && pw->pw_gid == 65534, "getpwnam(nobody)");
	pw = getpwuid(0);
	CHECK(pw && strcmp(pw->pw_name, "root") == 0, "getpwuid(0)");
	gr = getgrnam("nogroup");
	CHECK(gr && gr->gr_gid == 65534, "getgrnam(nogroup)");
	gr = getgrgid(0);
	CHECK(gr && strcmp(gr->gr_name, "root") == 0, "getgrgid(0)");
}

static bool res_is(bool user, unsigned r, unsigned e, unsigned s)
{
	unsigned gr, ge, gs;
	int rc = user ? getresuid(&gr, &ge, &gs) : getresgid(&gr, &ge, &gs);

	return rc == 0 && gr == r && ge == e && gs == s;
}

/* In a child: the credentials are one-way once root is dropped. */
static int cred_child(void)
{
	CHECK(setregid(-1, 65534) == 0 && res_is(false, 0, 65534, 65534),
	      "setregid(-1, 65534) as root: saved follows effective");
	CHECK(setregid(65534, 0) == 0 && res_is(false, 65534, 0, 0), "setregid(65534, 0)");
	CHECK(setreuid(-1, 65534) == 0 && res_is(true, 0, 65534, 65534), "setreuid(-1, 65534)");
	CHECK(setreuid(-1, 0) == 0 && res_is(true, 0, 0, 65534),
	      "setreuid(-1, 0): back to the real id, saved id kept");
	CHECK(setreuid(65534, 65534) == 0 && res_is(true, 65534, 65534, 65534),
	      "setreuid(65534, 65534)");
	CHECK_ERR(setreuid(0, -1), EPERM, "setreuid(0, -1) unprivileged");
	CHECK_ERR(setreuid(-1, 0), EPERM, "setreuid(-1, 0) unprivileged");
	CHECK_ERR(setregid(-1, 1), EPERM, "setregid(-1, 1) unprivileged");
	CHECK(setreuid(-1, -1) == 0 && res_is(true, 65534, 65534, 65534), "setreuid(-1, -1)");
	return failed;
}

static void check_creds(void)
{
	int st = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(cred_child() ? 1 : 0);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "credential checks in the child (status %#x)", st);
	CHECK(geteuid() == 0 && getegid() == 0, "the parent is still root");
}

static int lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* Another owner's F_GETLK sees the lock with the lowest start first. */
static void check_getlk_order(int fd)
{
	int p[2], st = -1;
	struct flock fl;
	pid_t pid;

	CHECK(lock(fd, F_SETLK, F_WRLCK, 10, 5) == 0, "write lock [10, 15)");
	CHECK(lock(fd, F_SETLK, F_RDLCK, 1, 5) == 0, "read lock [1, 6)");
	CHECK(pipe(p) == 0, "pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		if (fcntl(fd, F_GETLK, &q) != 0)
			q.l_type = -1;
		_exit(write(p[1], &q, sizeof(q)) == sizeof(q) ? 0 : 1);
	}
	memset(&fl, 0, sizeof(fl));
	CHECK(read(p[0], &fl, sizeof(fl)) == sizeof(fl), "read the child's F_GETLK");
	CHECK(fl.l_type == F_RDLCK && fl.l_start == 1 && fl.l_len == 5 && fl.l_pid == getpid(),
	      "F_GETLK: type %d start %ld len %ld pid %d, want the read lock at 1", fl.l_type,
	      (long)fl.l_start, (long)fl.l_len, fl.l_pid);
	CHECK(waitpid(pid, &st, 0) == pid && st == 0, "F_GETLK child");
	CHECK(lock(fd, F_SETLK, F_UNLCK, 0, 0) == 0, "unlock all");
	close(p[0]);
	close(p[1]);
}

/*
 * Parent holds byte 0, child byte 1; each then waits (F_SETLKW) for the
 * other's byte. Whichever asks second closes the cycle and must get EDEADLK
 * (no timing assumed: exactly one of them does), then gives its byte up.
 */
static void check_deadlock(int fd)
{
	int ready[2], result[2], st = -1, child_err = -1, r;
	char c;
	pid_t pid;

	CHECK(pipe(ready) == 0 && pipe(result) == 0, "pipes");
	CHECK(lock(fd, F_SETLK, F_WRLCK, 0, 1) == 0, "parent locks byte 0");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int e = 0;

		alarm(20); /* a kernel without the check would leave both asleep */
		if (lock(fd, F_SETLK, F_WRLCK, 1, 1) != 0 || write(ready[1], "r", 1) != 1)
			_exit(2);
		if (lock(fd, F_SETLKW, F_WRLCK, 0, 1) != 0)
			e = errno;
		if (write(result[1], &e, sizeof(e)) != sizeof(e))
			_exit(2);
		_exit(0); /* drops byte 1 (and 0, if it got it) */
	}
	close(ready[1]);
	close(result[1]);
	CHECK(read(ready[0], &c, 1) == 1, "child holds byte 1");
	r = lock(fd, F_SETLKW, F_WRLCK, 1, 1);
	int parent_err = r == 0 ? 0 : errno;

	if (parent_err == EDEADLK)
		lock(fd, F_SETLK, F_UNLCK, 0, 1); /* let the child through */
	CHECK(read(result[0], &child_err, sizeof(child_err)) == sizeof(child_err), "child result");
	CHECK(waitpid(pid, &st, 0) == pid && st == 0, "deadlock child status %#x", st);
	CHECK((parent_err == EDEADLK) != (child_err == EDEADLK) &&
	      (parent_err == 0 || parent_err == EDEADLK) && (child_err == 0 || child_err == EDEADLK),
	      "exactly one EDEADLK: parent errno %d, child errno %d", parent_err, child_err);
	CHECK(lock(fd, F_SETLK, F_UNLCK, 0, 0) == 0, "unlock all");
	close(ready[0]);
	close(result[0]);
}

int main(void)
{
	int fd;

	check_kconfig();
	check_users();
	check_creds();
	fd = open("/tmp/ltp_calls.lock", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "open lock file");
	if (fd >= 0) {
		CHECK(write(fd, "0123456789abcdefghij", 20) == 20, "write");
		check_getlk_order(fd);
		check_deadlock(fd);
		close(fd);
	}
	return check_summary("ltp_calls");
}
