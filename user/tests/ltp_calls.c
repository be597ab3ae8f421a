/*
 * ltp_calls: regression checks for what LTP's syscall tests found different
 * from Linux (tools/ltp), as a glibc-static program (booted as init):
 *   - uname's release is Linux-style with the ABI level (LTP's tst_kvercmp);
 *   - /proc/config.gz is a gzipped .config that says which Linux features
 *     SIS has (LTP's tst_kconfig reads it through zcat);
 *   - /etc/passwd and /etc/group have root and nobody/nogroup (getpwnam);
 *   - setreuid/setregid with Linux's rules for the saved id and EPERM;
 *   - F_GETLK reports the conflicting lock that starts first (fcntl11/21);
 *   - F_SETLKW that would close a cycle of waiting owners: EDEADLK (fcntl17);
 *   - System V semaphores (sendmsg02): semget/semctl/semop/semtimedop.
 * Prints "ltp_calls: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "glibc_check.h"

/* The text of a small file, NUL-terminated, into buf; its length or -1. */
static long read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* uname's release is Linux-style, ABI level first (tst_kvercmp compares it),
 * and /proc/sys/kernel/osrelease says the same. */
static void check_release(void)
{
	struct utsname u;
	char text[128], want[80];
	int major = 0, minor = 0, patch = -1;

	CHECK(uname(&u) == 0, "uname");
	CHECK(strcmp(u.sysname, "SIS") == 0, "sysname %s", u.sysname);
	CHECK(sscanf(u.release, "%d.%d.%d", &major, &minor, &patch) == 3 &&
		      (major > 5 || (major == 5 && minor >= 16)) && strstr(u.release, "-sis-"),
	      "release %s: not Linux-style at ABI level 5.16 or later", u.release);
	snprintf(want, sizeof(want), "%s\n", u.release);
	CHECK(read_small("/proc/sys/kernel/osrelease", text, sizeof(text)) > 0 &&
		      strcmp(text, want) == 0,
	      "/proc/sys/kernel/osrelease: %s", text);
	CHECK(read_small("/proc/sys/kernel/ostype", text, sizeof(text)) > 0 &&
		      strcmp(text, "SIS\n") == 0,
	      "/proc/sys/kernel/ostype: %s", text);
}

/* /proc/config.gz is a gzip stream of a .config (LTP's tst_kconfig reads it
 * through zcat, as here) saying which features SIS has. */
static void check_kconfig(void)
{
	static const char *const want[] = {
		"CONFIG_IKCONFIG_PROC=y\n", "CONFIG_EVENTFD=y\n", "CONFIG_SIGNALFD=y\n",
		"CONFIG_IPV6=y\n", "CONFIG_FUTEX=y\n", "# CONFIG_USER_NS is not set\n",
	};
	bool seen[sizeof(want) / sizeof(want[0])] = { false };
	unsigned char magic[3] = { 0 };
	char line[128];
	int fd = open("/proc/config.gz", O_RDONLY), lines = 0;
	FILE *f;

	CHECK(fd >= 0 && read(fd, magic, 3) == 3 && magic[0] == 0x1f && magic[1] == 0x8b &&
		      magic[2] == 8,
	      "/proc/config.gz is not gzip (%02x %02x %02x)", magic[0], magic[1], magic[2]);
	if (fd >= 0)
		close(fd);
	f = popen("zcat /proc/config.gz", "r");
	CHECK(f != NULL, "popen zcat");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		lines++;
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			seen[i] |= strcmp(line, want[i]) == 0;
	}
	CHECK(pclose(f) == 0, "zcat /proc/config.gz failed");
	CHECK(lines > 20, "zcat /proc/config.gz: %d lines", lines);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK(seen[i], "/proc/config.gz lacks %.*s", (int)strlen(want[i]) - 1, want[i]);
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

union semun_arg {
	int val;
	unsigned short *array;
};

static int sem_val(int id, int n)
{
	return semctl(id, n, GETVAL);
}

/* A child blocks in semop until the parent's increment, then reports. */
static void check_sem_wakeup(int id)
{
	struct sembuf down = { .sem_num = 1, .sem_op = -2 }, up = { .sem_num = 1, .sem_op = 2 };
	int p[2], st = -1, r = -1;
	pid_t pid;

	CHECK(pipe(p) == 0, "pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		r = semop(id, &down, 1);
		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	while (semctl(id, 1, GETNCNT) != 1) /* the child is asleep: a real handshake */
		sched_yield();
	CHECK(semop(id, &up, 1) == 0, "semop +2");
	CHECK(read(p[0], &r, sizeof(r)) == sizeof(r) && r == 0, "the sleeper's semop returned %d", r);
	CHECK(waitpid(pid, &st, 0) == pid && st == 0, "sem child");
	CHECK(sem_val(id, 1) == 0 && semctl(id, 1, GETNCNT) == 0, "value taken, no sleeper left");
	CHECK(semctl(id, 1, GETPID) == pid, "GETPID: the child changed it last");
	close(p[0]);
}

/* IPC_RMID wakes a sleeper with EIDRM. */
static void check_sem_rmid(int id)
{
	struct sembuf zero = { .sem_num = 0, .sem_op = 0 };
	int p[2], st = -1, r = 0, e = 0;
	pid_t pid;

	CHECK(pipe(p) == 0, "pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		r = semop(id, &zero, 1);
		e = r < 0 ? errno : 0;
		_exit(write(p[1], &e, sizeof(e)) == sizeof(e) ? 0 : 1);
	}
	close(p[1]);
	while (semctl(id, 0, GETZCNT) != 1)
		sched_yield();
	CHECK(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID");
	CHECK(read(p[0], &e, sizeof(e)) == sizeof(e) && e == EIDRM, "sleeper got errno %d, want EIDRM",
	      e);
	CHECK(waitpid(pid, &st, 0) == pid && st == 0, "rmid child");
	CHECK_ERR(semctl(id, 0, GETVAL), EINVAL, "GETVAL on a removed set");
	close(p[0]);
}

static void check_sem(void)
{
	unsigned short all[3] = { 1, 0, 7 }, got[3] = { 0 };
	struct sembuf op = { .sem_num = 0, .sem_op = -1, .sem_flg = IPC_NOWAIT };
	struct sembuf two[2] = { { 0, -1, 0 }, { 2, -8, IPC_NOWAIT } };
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 50000000 };
	union semun_arg a;
	int key = 0x5153, id, id2;

	id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
	CHECK(id >= 0, "semget(IPC_PRIVATE, 3)");
	if (id < 0)
		return;
	CHECK(sem_val(id, 0) == 0 && sem_val(id, 2) == 0, "new semaphores are 0");
	a.array = all;
	CHECK(semctl(id, 0, SETALL, a) == 0, "SETALL");
	a.array = got;
	CHECK(semctl(id, 0, GETALL, a) == 0 && got[0] == 1 && got[1] == 0 && got[2] == 7, "GETALL");
	CHECK(semop(id, &op, 1) == 0 && sem_val(id, 0) == 0, "semop -1");
	CHECK_ERR(semop(id, &op, 1), EAGAIN, "semop -1 on 0 with IPC_NOWAIT");
	a.val = 1;
	CHECK(semctl(id, 0, SETVAL, a) == 0 && sem_val(id, 0) == 1, "SETVAL 1");
	CHECK_ERR(semop(id, two, 2), EAGAIN, "all or nothing: the second op cannot");
	CHECK(sem_val(id, 0) == 1 && sem_val(id, 2) == 7, "nothing applied");
	op.sem_flg = 0;
	op.sem_num = 1;
	CHECK_ERR(semtimedop(id, &op, 1, &ts), EAGAIN, "semtimedop times out");
	op.sem_num = 3;
	CHECK_ERR(semop(id, &op, 1), EFBIG, "sem_num past the set");
	a.val = 32768;
	CHECK_ERR(semctl(id, 0, SETVAL, a), ERANGE, "SETVAL past SEMVMX");
	CHECK_ERR(semop(id, &op, 0), EINVAL, "no operations");
	check_sem_wakeup(id);
	check_sem_rmid(id);

	id2 = semget(key, 1, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(id2 >= 0, "semget(key, IPC_CREAT|IPC_EXCL)");
	CHECK(semget(key, 1, 0) == id2, "semget finds the key");
	CHECK_ERR(semget(key, 1, IPC_CREAT | IPC_EXCL | 0600), EEXIST, "IPC_EXCL on an existing key");
	CHECK_ERR(semget(key, 2, 0), EINVAL, "more semaphores than the set has");
	CHECK(semctl(id2, 0, IPC_RMID) == 0, "IPC_RMID");
	CHECK_ERR(semget(key, 1, 0), ENOENT, "removed key without IPC_CREAT");
	CHECK_ERR(semget(IPC_PRIVATE, 0, IPC_CREAT), EINVAL, "nsems 0");
}

int main(void)
{
	int fd;

	check_release();
	check_kconfig();
	check_users();
	check_creds();
	check_sem();
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
