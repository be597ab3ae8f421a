/*
 * Linux calls real programs make (issue 17 item 3), through raw system
 * calls so the kernel's own -errno values are compared: credentials
 * (setres[ug]id, setgroups, honest EPERM after dropping root), umask
 * applied at creation and inherited, chmod/chown kept in the inode,
 * sched_getaffinity, prctl names, times/getrusage, clock_getres, fsync.
 * Prints "linux_calls: ok" and exits 0, or a FAIL line per failed check.
 */
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>
#include <uapi/sis/syscall.h>
#include <uapi/sis/errno.h>
#include <uapi/sis/stat.h>
#include <time.h>
#include "proc_raw.h"

static int failures;

#define CHECK(cond, what)                                                    \
	do {                                                                 \
		if (!(cond)) {                                               \
			printf("FAIL line %d: %s\n", __LINE__, what);        \
			failures++;                                          \
		}                                                            \
	} while (0)
#define EQ(expr, want) CHECK((long)(expr) == (long)(want), #expr " == " #want)

#define AT_FDCWD_RAW (-100)
#define AT_EMPTY_PATH_RAW 0x1000

static struct linux_stat st_of(const char *path)
{
	struct linux_stat st;

	memset(&st, 0xff, sizeof(st));
	raw(__NR_newfstatat, AT_FDCWD_RAW, path, &st, 0);
	return st;
}

static void files(void)
{
	struct linux_stat st;
	long fd;

	EQ(raw(__NR_umask, 027), 022);
	fd = raw(__NR_openat, AT_FDCWD_RAW, "/tmp/lc_a", O_CREAT | O_WRONLY, 0666);
	CHECK(fd >= 0, "create /tmp/lc_a");
	st = st_of("/tmp/lc_a");
	EQ(st.st_mode & 0777, 0640);
	EQ(st.st_uid, 0);
	EQ(raw(__NR_mkdirat, AT_FDCWD_RAW, "/tmp/lc_d", 0777), 0);
	EQ(st_of("/tmp/lc_d").st_mode & 0777, 0750);
	EQ(raw(__NR_umask, 022), 027);

	EQ(raw(__NR_fchmodat, AT_FDCWD_RAW, "/tmp/lc_a", 04711), 0);
	st = st_of("/tmp/lc_a");
	EQ(st.st_mode, S_IFREG | 04711);
	EQ(raw(__NR_fchmod, fd, 0600), 0);
	EQ(st_of("/tmp/lc_a").st_mode & 07777, 0600);
	EQ(raw(__NR_fchownat, AT_FDCWD_RAW, "/tmp/lc_a", 1000, 100, 0), 0);
	st = st_of("/tmp/lc_a");
	EQ(st.st_uid, 1000);
	EQ(st.st_gid, 100);
	EQ(raw(__NR_fchown, fd, -1, 7), 0);
	EQ(st_of("/tmp/lc_a").st_gid, 7);
	EQ(st_of("/tmp/lc_a").st_uid, 1000);
	EQ(raw(__NR_fchownat, AT_FDCWD_RAW, "", 5, 5, AT_EMPTY_PATH_RAW), 0);
	EQ(raw(__NR_fchownat, AT_FDCWD_RAW, "/tmp/lc_a", 0, 0, 0x1), -EINVAL);
	EQ(raw(__NR_fchownat, AT_FDCWD_RAW, "", 0, 0, 0), -ENOENT);
	EQ(raw(__NR_fchownat, AT_FDCWD_RAW, "/tmp/nope", 0, 0, 0), -ENOENT);
	EQ(raw(__NR_fchmodat, AT_FDCWD_RAW, "/tmp/nope", 0), -ENOENT);
	EQ(raw(__NR_fchmod, 999, 0), -EBADF);
	EQ(raw(__NR_fchownat, AT_FDCWD_RAW, "/tmp", 0, 0, 0), 0);
	EQ(raw(__NR_fchownat, AT_FDCWD_RAW, "/tmp/lc_a", 0, 0, 0), 0);
	EQ(raw(__NR_fsync, fd), 0);
	EQ(raw(__NR_fdatasync, fd), 0);
	EQ(raw(__NR_fsync, 999), -EBADF);
	raw(__NR_close, fd);
}

static void misc(void)
{
	unsigned long mask[2] = { 0, 0 };
	struct timespec ts;
	char name[16];
	long tms[4];

	EQ(raw(__NR_sched_getaffinity, 0, sizeof(mask), mask), 8);
	EQ(mask[0], 1);
	EQ(raw(__NR_sched_getaffinity, 0, 4, mask), -EINVAL);
	EQ(raw(__NR_prctl, 15, "renamed-process-long", 0, 0, 0), 0);
	EQ(raw(__NR_prctl, 16, name, 0, 0, 0), 0);
	CHECK(strcmp(name, "renamed-process") == 0, "PR_GET_NAME is the first 15 bytes");
	EQ(raw(__NR_prctl, 9999, 0, 0, 0, 0), -EINVAL);
	CHECK(raw(__NR_times, tms) > 0, "times returns ticks since boot");
	CHECK(raw(__NR_times, KERNEL_ADDR) == -EFAULT, "times EFAULT");
	EQ(raw(__NR_clock_getres, CLOCK_MONOTONIC, &ts), 0);
	CHECK(ts.tv_sec == 0 && ts.tv_nsec > 0 && ts.tv_nsec <= 1000000, "clock_getres");
	EQ(raw(__NR_clock_getres, 99, &ts), -EINVAL);
	EQ(raw(__NR_clock_getres, CLOCK_REALTIME, 0), 0);
	EQ(raw(__NR_getrusage, 5, tms), -EINVAL);
}

/* In a child: drop root and see EPERM where Linux gives it. */
static void creds_child(void)
{
	unsigned r, e, s, groups[4] = { 10, 20 };

	EQ(raw(__NR_getgroups, 0, 0), 0);
	EQ(raw(__NR_setgroups, 2, groups), 0);
	EQ(raw(__NR_getgroups, 0, 0), 2);
	EQ(raw(__NR_getgroups, 1, groups), -EINVAL);
	EQ(raw(__NR_getgroups, 4, groups), 2);
	EQ(groups[1], 20);
	EQ(raw(__NR_setresgid, 100, 100, 100), 0);
	EQ(raw(__NR_setresuid, 1000, 1000, 0), 0);
	EQ(raw(__NR_getresuid, &r, &e, &s), 0);
	CHECK(r == 1000 && e == 1000 && s == 0, "getresuid 1000 1000 0");
	EQ(raw(__NR_getuid), 1000);
	EQ(raw(__NR_geteuid), 1000);
	EQ(raw(__NR_getegid), 100);
	EQ(raw(__NR_setgroups, 0, 0), -EPERM);
	EQ(raw(__NR_setuid, 0), 0); /* the saved id is 0: euid back to 0 */
	EQ(raw(__NR_geteuid), 0);
	EQ(raw(__NR_setresuid, 1000, 1000, 1000), 0);
	EQ(raw(__NR_setuid, 0), -EPERM);
	EQ(raw(__NR_setresuid, -1, 0, -1), -EPERM);
	EQ(raw(__NR_setresgid, 0, -1, -1), -EPERM);
	EQ(raw(__NR_fchownat, AT_FDCWD_RAW, "/tmp/lc_a", 1000, -1, 0), -EPERM);
	EQ(raw(__NR_fchmodat, AT_FDCWD_RAW, "/tmp/lc_a", 0777), -EPERM);
	raw(__NR_exit, failures ? 1 : 0);
}

static void creds(void)
{
	long pid = fork();
	int status = -1;

	if (pid == 0)
		creds_child();
	CHECK(pid > 0, "fork");
	waitpid((int)pid, &status, 0);
	EQ(status, 0);
	EQ(raw(__NR_getuid), 0); /* the parent keeps root */
}

int main(void)
{
	files();
	misc();
	creds();
	printf("linux_calls: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
