/*
 * abi_more: the rest of issue 17's Linux calls, as a glibc program booted
 * as init on SIS (built with -DON_SIS) and run natively on Linux as the
 * reference (as root there too):
 *   - capget/capset: v1/v3 layouts, bad versions, root's sets (the
 *     bounding set; on SIS every capability), dropping and raising, what
 *     setuid/seteuid do to the sets, execve giving root its sets back;
 *   - chown/fchownat by a file's owner without CAP_CHOWN (the group to
 *     one of its own, never the owner), -1, and the set-id bits chown
 *     clears;
 *   - /proc/PID/task/TID/{stat,status,comm}: a thread asleep in a futex
 *     shows state S with its own tid and name; gone once it exits.
 * Prints "abi_more: N checks, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "glibc_check.h"

#define NOBODY 65534
#define NOGROUP2 65533 /* a supplementary group of the unprivileged child */

static char tmp[64];

static int capget_raw(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return (int)syscall(SYS_capget, h, d);
}

static int capset_raw(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return (int)syscall(SYS_capset, h, d);
}

/* The current effective, permitted and inheritable sets (v3). */
static bool caps_now(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (capget_raw(&h, d))
		return false;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return true;
}

static int caps_set(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};

	return capset_raw(&h, d);
}

/* A "Name:\tVALUE" line of a /proc status file as a hex number, or -1. */
static long long status_hex(const char *path, const char *name)
{
	char buf[4096], *s;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	s = strstr(buf, name);
	return s ? strtoll(s + strlen(name) + 1, NULL, 16) : -1;
}

/* Run fn in a forked child; its failed checks come back as its status. */
static void in_child(void (*fn)(void), const char *what)
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		failed = 0;
		fn();
		_exit(failed);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "%s: child status %#x", what, st);
}

/* ---- capabilities ------------------------------------------------------ */

static uint64_t bounding;

static void caps_header(void)
{
	struct __user_cap_header_struct h = { 0x12345678, 0 };
	struct __user_cap_data_struct d[2];

	CHECK_ERR(capget_raw(&h, d), EINVAL, "capget with a bad version");
	CHECK(h.version == _LINUX_CAPABILITY_VERSION_3, "the version written back: %#x", h.version);
	h.version = 0x12345678;
	CHECK(capget_raw(&h, NULL) == 0 && h.version == _LINUX_CAPABILITY_VERSION_3,
	      "capget(bad version, NULL) is libcap's probe: version %#x", h.version);
	h.version = 0x12345678;
	CHECK_ERR(capset_raw(&h, d), EINVAL, "capset with a bad version");
	CHECK_ERR(capget_raw(NULL, d), EFAULT, "capget(NULL header)");
	h.version = _LINUX_CAPABILITY_VERSION_3;
	CHECK_ERR(capget_raw(&h, (void *)8), EFAULT, "capget to a bad data pointer");
	h.pid = -1;
	CHECK_ERR(capget_raw(&h, d), EINVAL, "capget pid -1");
	h.pid = 999999;
	CHECK_ERR(capget_raw(&h, d), ESRCH, "capget of no process");
	h.pid = fork();
	if (h.pid == 0) {
		pause();
		_exit(0);
	}
	CHECK(capget_raw(&h, d) == 0 && d[0].effective == (uint32_t)bounding,
	      "capget of another process");
	CHECK_ERR(capset_raw(&h, d), EPERM, "capset of another process");
	kill(h.pid, SIGKILL);
	waitpid(h.pid, NULL, 0);
	h.pid = 0;
	h.version = _LINUX_CAPABILITY_VERSION_1;
	memset(d, 0x5a, sizeof(d));
	CHECK(capget_raw(&h, d) == 0 && d[0].effective == (uint32_t)bounding &&
	      d[1].effective == 0x5a5a5a5a, "v1 fills one struct: %#x %#x", d[0].effective,
	      d[1].effective);
}

static void caps_drop_raise(void)
{
	uint64_t eff, perm, inh;
	char f[96];
	int fd;

	snprintf(f, sizeof(f), "%s/capfile", tmp);
	fd = open(f, O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK(caps_set(bounding & ~(1ULL << CAP_CHOWN), bounding, 0) == 0, "drop CAP_CHOWN from eff");
	CHECK(caps_now(&eff, &perm, &inh) && eff == (bounding & ~(1ULL << CAP_CHOWN)) &&
	      perm == bounding, "sets after the drop: %llx %llx", (unsigned long long)eff,
	      (unsigned long long)perm);
	CHECK_ERR(chown(f, 1234, -1), EPERM, "chown without CAP_CHOWN");
	CHECK(status_hex("/proc/self/status", "CapEff:") == (long long)eff, "CapEff in status");
	CHECK(caps_set(bounding, bounding, 0) == 0, "raise it again (it is permitted)");
	CHECK(chown(f, 1234, -1) == 0, "chown with CAP_CHOWN");
	CHECK_ERR(caps_set(bounding, bounding & ~(1ULL << CAP_CHOWN), 0), EPERM,
		  "effective outside permitted");
	CHECK(caps_set(1ULL << CAP_KILL, (1ULL << CAP_KILL) | (1ULL << CAP_SETUID),
		       1ULL << CAP_SETUID) == 0, "drop permitted, set an inheritable one");
	CHECK(caps_now(&eff, &perm, &inh) && eff == 1ULL << CAP_KILL && inh == 1ULL << CAP_SETUID,
	      "sets: %llx %llx %llx", (unsigned long long)eff, (unsigned long long)perm,
	      (unsigned long long)inh);
	CHECK_ERR(caps_set(1ULL << CAP_KILL, bounding, 0), EPERM, "permitted cannot grow");
	CHECK_ERR(caps_set(1ULL << CAP_KILL, 1ULL << CAP_KILL, 1ULL << CAP_CHOWN), EPERM,
		  "inheritable outside permitted without CAP_SETPCAP");
	CHECK_ERR(chown(f, 0, -1), EPERM, "chown without CAP_CHOWN (dropped from permitted)");
	CHECK_ERR(setuid(NOBODY), EPERM, "setuid to another uid without CAP_SETUID");
	unlink(f);
}

static void caps_setuid(void)
{
	uint64_t eff, perm, inh;

	CHECK(setresuid(-1, NOBODY, -1) == 0, "seteuid(nobody)");
	CHECK(caps_now(&eff, &perm, &inh) && eff == 0 && perm == bounding,
	      "euid 0 -> nobody clears eff only: %llx %llx", (unsigned long long)eff,
	      (unsigned long long)perm);
	CHECK(setresuid(-1, 0, -1) == 0, "seteuid(0)");
	CHECK(caps_now(&eff, &perm, &inh) && eff == bounding, "eff = permitted again: %llx",
	      (unsigned long long)eff);
	CHECK(setuid(NOBODY) == 0, "setuid(nobody)");
	CHECK(caps_now(&eff, &perm, &inh) && eff == 0 && perm == 0 && inh == 0,
	      "all ids non-zero: no capabilities: %llx %llx", (unsigned long long)eff,
	      (unsigned long long)perm);
	CHECK(status_hex("/proc/self/status", "CapPrm:") == 0, "CapPrm 0 in status");
	CHECK_ERR(caps_set(1, 1, 0), EPERM, "no raising them back");
}

/* Re-run as "abi_more --caps": exit 0 if the sets are root's full ones. */
static int caps_after_exec(void)
{
	uint64_t eff, perm, inh;

	return caps_now(&eff, &perm, &inh) && eff == bounding && perm == bounding ? 0 : 1;
}

static void caps_exec(void)
{
	CHECK(caps_set(0, bounding, 0) == 0, "drop eff");
	execl("/proc/self/exe", "abi_more", "--caps", (char *)NULL);
	CHECK(0, "exec /proc/self/exe");
}

static void check_caps(void)
{
	uint64_t eff, perm, inh;

	bounding = (uint64_t)status_hex("/proc/self/status", "CapBnd:");
	CHECK(caps_now(&eff, &perm, &inh), "capget v3");
	CHECK(eff == bounding && perm == bounding && inh == 0,
	      "root's sets are the bounding set: %llx %llx %llx (bnd %llx)", (unsigned long long)eff,
	      (unsigned long long)perm, (unsigned long long)inh, (unsigned long long)bounding);
#ifdef ON_SIS
	CHECK(bounding == 0x1ffffffffffULL, "SIS's bounding set is every capability: %llx",
	      (unsigned long long)bounding);
#endif
	caps_header();
	in_child(caps_drop_raise, "capset drop/raise");
	in_child(caps_setuid, "setuid and capabilities");
	in_child(caps_exec, "execve gives root its capabilities back");
}

/* ---- chown by the owner --------------------------------------------------- */

static mode_t mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

static void chown_as_owner(void)
{
	gid_t groups[] = { NOGROUP2 };
	char mine[96], roots[96];
	struct stat st;

	snprintf(mine, sizeof(mine), "%s/mine", tmp);
	snprintf(roots, sizeof(roots), "%s/roots", tmp);
	if (setgroups(1, groups) || setgid(NOBODY) || setuid(NOBODY))
		_exit(100);
	CHECK(close(open(mine, O_CREAT | O_WRONLY, 0755)) == 0, "create as nobody");
	CHECK(chown(mine, -1, NOGROUP2) == 0, "owner: group to a supplementary group");
	CHECK(stat(mine, &st) == 0 && st.st_gid == NOGROUP2 && st.st_uid == NOBODY, "gid %u",
	      st.st_gid);
	CHECK(chown(mine, NOBODY, NOBODY) == 0, "owner: its own uid and egid");
	CHECK_ERR(chown(mine, -1, 100), EPERM, "owner: a group it is not in");
	CHECK_ERR(chown(mine, 0, -1), EPERM, "owner: giving the file away");
	CHECK(chown(mine, -1, -1) == 0, "owner: -1, -1");
	CHECK(chmod(mine, 04755) == 0 && chown(mine, -1, NOGROUP2) == 0 && mode_of(mine) == 0755,
	      "chown clears S_ISUID: %o", mode_of(mine));
	CHECK(fchownat(AT_FDCWD, mine, -1, NOBODY, AT_SYMLINK_NOFOLLOW) == 0, "fchownat");
	CHECK_ERR(chown(roots, -1, NOBODY), EPERM, "not the owner: the group");
	CHECK(chown(roots, -1, -1) == 0, "not the owner: -1, -1 changes nothing");
	CHECK_ERR(fchownat(AT_FDCWD, roots, NOBODY, -1, 0), EPERM, "not the owner: fchownat");
	unlink(mine);
}

static void check_chown(void)
{
	char roots[96];

	snprintf(roots, sizeof(roots), "%s/roots", tmp);
	CHECK(close(open(roots, O_CREAT | O_WRONLY, 0644)) == 0, "create");
	CHECK(chmod(roots, 06755) == 0 && chown(roots, -1, -1) == 0 && mode_of(roots) == 0755,
	      "root's chown(-1, -1) clears both set-id bits of a group-executable file: %o",
	      mode_of(roots));
	CHECK(chmod(roots, 02644) == 0 && chown(roots, 0, 0) == 0 && mode_of(roots) == 02644,
	      "S_ISGID without group execute stays: %o", mode_of(roots));
	CHECK(chmod(tmp, 06777) == 0 && chown(tmp, 0, 0) == 0 && mode_of(tmp) == 06777,
	      "a directory keeps its set-id bits: %o", mode_of(tmp));
	CHECK(chmod(tmp, 0777) == 0 && chmod(roots, 0644) == 0, "chmod");
	in_child(chown_as_owner, "chown as the owner");
	unlink(roots);
}

/* ---- /proc/PID/task ------------------------------------------------------ */

static int futex_word, sleeper_tid;

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "sleeper");
	__atomic_store_n(&sleeper_tid, (int)gettid(), __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&futex_word, __ATOMIC_SEQ_CST) == 0)
		syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

static int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n > 0 ? 0 : -1;
}

/* The state letter of /proc/self/task/TID/stat (after "(comm) "), or 0. */
static char task_state(int tid, int *first, char *comm, size_t comm_size)
{
	char path[64], buf[1024], *rp;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	if (read_text(path, buf, sizeof(buf)))
		return 0;
	rp = strrchr(buf, ')');
	*first = atoi(buf);
	if (!rp || !strchr(buf, '('))
		return 0;
	snprintf(comm, comm_size, "%.*s", (int)(rp - strchr(buf, '(') - 1), strchr(buf, '(') + 1);
	return rp[2];
}

static bool task_listed(int tid)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while ((e = readdir(d)))
		found |= atoi(e->d_name) == tid;
	closedir(d);
	return found;
}

static void check_task(void)
{
	char path[64], buf[2048], comm[32];
	pthread_t th;
	int tid, first = 0;
	char st = 0;

	CHECK(pthread_create(&th, NULL, sleeper, NULL) == 0, "pthread_create");
	while (!(tid = __atomic_load_n(&sleeper_tid, __ATOMIC_SEQ_CST)))
		usleep(1000);
	for (int i = 0; i < 200 && st != 'S'; i++) {
		usleep(5000);
		st = task_state(tid, &first, comm, sizeof(comm));
	}
	CHECK(st == 'S' && first == tid && !strcmp(comm, "sleeper"),
	      "task/TID/stat of a futex waiter: %c %d (%s)", st ? st : '?', first, comm);
	st = task_state(getpid(), &first, comm, sizeof(comm));
	CHECK(st == 'R' && first == getpid(), "the reader's own task/stat: %c %d", st ? st : '?',
	      first);
	CHECK(task_listed(tid) && task_listed(getpid()), "task/ lists both threads");
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", getpid(), tid);
	CHECK(read_text(path, buf, sizeof(buf)) == 0 && strstr(buf, "State:\tS (sleeping)") &&
	      strstr(buf, "Name:\tsleeper"), "task status: %.80s", buf);
	snprintf(comm, sizeof(comm), "Pid:\t%d\n", tid);
	CHECK(strstr(buf, comm) != NULL, "task status Pid is the tid");
	snprintf(comm, sizeof(comm), "Tgid:\t%d\n", getpid());
	CHECK(strstr(buf, comm) != NULL, "task status Tgid is the pid");
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
	CHECK(read_text(path, buf, sizeof(buf)) == 0 && !strcmp(buf, "sleeper\n"), "task comm '%s'",
	      buf);
	__atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	CHECK(pthread_join(th, NULL) == 0, "join");
	usleep(20000);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	CHECK(access(path, F_OK) == -1 && errno == ENOENT, "an exited thread's directory is gone");
	CHECK(!task_listed(tid), "and not listed");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--caps")) {
		bounding = (uint64_t)status_hex("/proc/self/status", "CapBnd:");
		return caps_after_exec();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(tmp, sizeof(tmp), "/tmp/abi_more.XXXXXX");
	CHECK(mkdtemp(tmp) != NULL && chmod(tmp, 0777) == 0, "mkdtemp");
	check_caps();
	check_chown();
	check_task();
	rmdir(tmp);
	return check_summary("abi_more");
}
