/*
 * The small Linux calls busybox and LTP's library use, through raw system
 * calls (Linux errno values): umask (applied at creation, inherited by
 * fork), fchmod/fchmodat, fchown/fchownat (kept and reported by stat),
 * statfs/fstatfs, clock_getres, sched_getaffinity, prctl PR_SET/GET_NAME,
 * getgroups/setgroups and the uid/gid calls (dropping root is one-way);
 * times, getrusage, sched_setaffinity, fsync/fdatasync/sync; what nginx
 * sets up: FIOASYNC/O_ASYNC and F_SETOWN/F_GETOWN on a socketpair,
 * PR_SET/GET_DUMPABLE, TCP_CORK; the stack growing past its first 256 KiB
 * once RLIMIT_STACK allows it (soft 256 KiB by default, hard unlimited), by
 * faults and by a system call's write into untouched room, also in a fork
 * child (redis' BGSAVE child needs it).
 * Prints "linux_calls: N checks, M failed"; exit status 1 on any failure.
 */
#include <stdio.h>
#include <string.h>
#include <uapi/sis/errno.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/in.h>
#include <uapi/sis/ioctl.h>
#include <uapi/sis/socket.h>
#include <uapi/sis/tcp.h>
#include <uapi/sis/prctl.h>
#include <uapi/sis/resource.h>
#include <uapi/sis/signal.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/statfs.h>
#include <uapi/sis/time.h>
#include "proc_raw.h"

static int failures, checks;

#define EXPECT(call, want)                                                              \
	do {                                                                            \
		long r_ = (long)(call);                                                 \
		checks++;                                                               \
		if (r_ != (long)(want)) {                                               \
			failures++;                                                     \
			printf("FAIL line %d: %s = %ld, want %s (%ld)\n", __LINE__, #call, \
			       r_, #want, (long)(want));                                \
		}                                                                       \
	} while (0)

static unsigned mode_of(const char *path)
{
	struct linux_stat st;

	if (raw(__NR_newfstatat, AT_FDCWD, path, &st, 0))
		return 0xffffffff;
	return st.st_mode & 07777;
}

/* Run fn in a child; its exit status (the child's failures) comes back. */
static int in_child(int (*fn)(void))
{
	int status = 0;
	long pid = raw(__NR_clone, SIGCHLD, 0);

	if (pid == 0)
		raw(__NR_exit_group, fn());
	if (pid < 0 || raw(__NR_wait4, pid, &status, 0, 0) != pid)
		return 100;
	return (status >> 8) & 0xff;
}

static int child_umask(void)
{
	return raw(__NR_umask, 022) != 077; /* inherited from the parent */
}

static void umask_mode(void)
{
	long fd;

	EXPECT(raw(__NR_umask, 077), 022); /* the default */
	EXPECT(raw(__NR_umask, 077), 077);
	EXPECT(in_child(child_umask), 0);
	fd = raw(__NR_openat, AT_FDCWD, "/tmp/lc_f", O_CREAT | O_WRONLY | O_EXCL, 0666);
	EXPECT(fd >= 0, 1);
	EXPECT(mode_of("/tmp/lc_f"), 0600);
	EXPECT(raw(__NR_mkdirat, AT_FDCWD, "/tmp/lc_d", 0777), 0);
	EXPECT(mode_of("/tmp/lc_d"), 0700);
	EXPECT(raw(__NR_umask, 01777), 077); /* only the permission bits are kept */
	EXPECT(raw(__NR_umask, 022), 0777);
	EXPECT(raw(__NR_fchmod, fd, 04751), 0);
	EXPECT(mode_of("/tmp/lc_f"), 04751);
	EXPECT(raw(__NR_fchmodat, AT_FDCWD, "/tmp/lc_f", 0644), 0);
	EXPECT(mode_of("/tmp/lc_f"), 0644);
	EXPECT(raw(__NR_fchmodat, AT_FDCWD, "/tmp/nope", 0644), -ENOENT);
	EXPECT(raw(__NR_fchmodat, AT_FDCWD, "", 0644), -ENOENT);
	EXPECT(raw(__NR_fchmod, 99, 0644), -EBADF);
	EXPECT(raw(__NR_fchmodat, AT_FDCWD, (void *)KERNEL_ADDR, 0644), -EFAULT);
	raw(__NR_close, fd);
}

static void chown_stat(void)
{
	struct linux_stat st;
	long fd = raw(__NR_openat, AT_FDCWD, "/tmp/lc_f", O_RDONLY, 0);

	EXPECT(raw(__NR_fchownat, AT_FDCWD, "/tmp/lc_f", 1000, 2000, 0), 0);
	EXPECT(raw(__NR_fstat, fd, &st), 0);
	EXPECT(st.st_uid, 1000);
	EXPECT(st.st_gid, 2000);
	EXPECT(raw(__NR_fchown, fd, -1, 3000), 0); /* -1 keeps the uid */
	EXPECT(raw(__NR_fstat, fd, &st), 0);
	EXPECT(st.st_uid, 1000);
	EXPECT(st.st_gid, 3000);
	EXPECT(raw(__NR_fchownat, fd, "", 5, 6, AT_EMPTY_PATH), 0);
	EXPECT(raw(__NR_fstat, fd, &st), 0);
	EXPECT(st.st_uid == 5 && st.st_gid == 6, 1);
	EXPECT(raw(__NR_fchownat, AT_FDCWD, "/tmp/lc_f", 0, 0, 0x1), -EINVAL);
	EXPECT(raw(__NR_fchownat, AT_FDCWD, "", 0, 0, 0), -ENOENT);
	EXPECT(raw(__NR_fchown, 99, 0, 0), -EBADF);
	raw(__NR_close, fd);
}

static void statfs_res_affinity(void)
{
	struct linux_statfs sf;
	struct linux_timespec ts = { 7, 7 };
	unsigned long mask[4] = { 0 };
	char name[16];
	long fd;

	memset(&sf, 0, sizeof(sf));
	EXPECT(raw(__NR_statfs, "/tmp", &sf), 0);
	EXPECT(sf.f_type, SIS_RAMFS_MAGIC);
	EXPECT(sf.f_bsize, 4096);
	EXPECT(sf.f_blocks > 0 && sf.f_bfree > 0 && sf.f_bfree <= sf.f_blocks, 1);
	EXPECT(raw(__NR_statfs, "/nope", &sf), -ENOENT);
	EXPECT(raw(__NR_statfs, "/tmp", (void *)KERNEL_ADDR), -EFAULT);
	fd = raw(__NR_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0);
	memset(&sf, 0, sizeof(sf));
	EXPECT(raw(__NR_fstatfs, fd, &sf), 0);
	EXPECT(sf.f_type, SIS_RAMFS_MAGIC);
	EXPECT(raw(__NR_fstatfs, 99, &sf), -EBADF);
	raw(__NR_close, fd);

	EXPECT(raw(__NR_clock_getres, CLOCK_MONOTONIC, &ts), 0);
	EXPECT(ts.tv_sec == 0 && ts.tv_nsec == 1, 1);
	EXPECT(raw(__NR_clock_getres, CLOCK_REALTIME, 0), 0);
	EXPECT(raw(__NR_clock_getres, 99, &ts), -EINVAL);
	EXPECT(raw(__NR_clock_getres, CLOCK_MONOTONIC, (void *)KERNEL_ADDR), -EFAULT);

	EXPECT(raw(__NR_sched_getaffinity, 0, sizeof(mask), mask), 8);
	EXPECT(mask[0], 1);
	EXPECT(raw(__NR_sched_getaffinity, 0, 4, mask), -EINVAL);
	EXPECT(raw(__NR_sched_getaffinity, 0, 12, mask), -EINVAL);
	EXPECT(raw(__NR_sched_getaffinity, 30000, 8, mask), -ESRCH);
	EXPECT(raw(__NR_sched_getaffinity, 0, 8, (void *)KERNEL_ADDR), -EFAULT);

	EXPECT(raw(__NR_prctl, PR_SET_NAME, "a-very-long-thread-name"), 0);
	EXPECT(raw(__NR_prctl, PR_GET_NAME, name), 0);
	EXPECT(strcmp(name, "a-very-long-thr"), 0); /* 15 bytes and the NUL */
	EXPECT(raw(__NR_prctl, PR_SET_NAME, "linux_calls"), 0);
	EXPECT(raw(__NR_prctl, PR_GET_NAME, name), 0);
	EXPECT(strcmp(name, "linux_calls"), 0);
	EXPECT(raw(__NR_prctl, 9999, 0), -EINVAL);
	EXPECT(raw(__NR_prctl, PR_GET_NAME, (void *)KERNEL_ADDR), -EFAULT);
}

static int drop_root(void)
{
	unsigned r = 9, e = 9, s = 9, g[4], want[2] = { 10, 20 };
	int bad = 0;

	bad |= raw(__NR_setgroups, 2, want) != 0;
	bad |= raw(__NR_getgroups, 0, 0) != 2;
	bad |= raw(__NR_getgroups, 1, g) != -EINVAL;
	bad |= raw(__NR_getgroups, 4, g) != 2 || g[0] != 10 || g[1] != 20;
	bad |= raw(__NR_setresgid, 100, 100, 100) != 0;
	bad |= raw(__NR_setresuid, 1000, 1000, 0) != 0; /* saved 0 stays */
	bad |= raw(__NR_getresuid, &r, &e, &s) != 0 || r != 1000 || e != 1000 || s != 0;
	bad |= raw(__NR_getuid) != 1000 || raw(__NR_geteuid) != 1000;
	bad |= raw(__NR_getgid) != 100 || raw(__NR_getegid) != 100;
	bad |= raw(__NR_getresgid, &r, &e, &s) != 0 || r != 100 || e != 100 || s != 100;
	bad |= (raw(__NR_setuid, 0) != 0 || raw(__NR_geteuid) != 0) << 1; /* back via saved */
	bad |= (raw(__NR_setuid, 2000) != 0) << 2;       /* root again: all three */
	bad |= (raw(__NR_setuid, 0) != -EPERM) << 3;     /* no way back now */
	bad |= (raw(__NR_setresuid, -1, 0, -1) != -EPERM) << 3;
	bad |= (raw(__NR_setgid, 0) != -EPERM) << 3;
	bad |= (raw(__NR_setgroups, 0, 0) != -EPERM) << 4;
	bad |= (raw(__NR_fchownat, AT_FDCWD, "/tmp/lc_f", 2000, -1, 0) != -EPERM) << 4;
	bad |= (raw(__NR_fchmodat, AT_FDCWD, "/tmp/lc_f", 0777) != -EPERM) << 4;
	bad |= (raw(__NR_setuid, 2000) != 0 || raw(__NR_setuid, -1) != -EINVAL) << 5;
	bad |= (raw(__NR_getresuid, &r, (void *)KERNEL_ADDR, &s) != -EFAULT) << 5;
	return bad;
}

static void creds(void)
{
	unsigned r = 9, e = 9, s = 9;

	EXPECT(raw(__NR_getresuid, &r, &e, &s), 0);
	EXPECT(r == 0 && e == 0 && s == 0, 1);
	EXPECT(raw(__NR_getgroups, 0, 0), 0);
	EXPECT(raw(__NR_getgroups, -1, 0), -EINVAL);
	EXPECT(raw(__NR_setgroups, -1, 0), -EINVAL);
	EXPECT(raw(__NR_setgroups, 1, (void *)KERNEL_ADDR), -EFAULT);
	EXPECT(in_child(drop_root), 0);
	EXPECT(raw(__NR_getuid), 0); /* the child's creds were its own */
	EXPECT(raw(__NR_getgroups, 0, 0), 0);
}

/* times, getrusage, sched_setaffinity, fsync/fdatasync/sync. */
static void time_sync(void)
{
	long tms[4] = { -1, -1, -1, -1 }, ru[18];
	unsigned long one = 1, none = 0;
	long fd;

	EXPECT(raw(__NR_times, tms) > 0, 1);
	EXPECT(tms[0] >= 0 && tms[1] == 0 && tms[2] >= 0, 1);
	EXPECT(raw(__NR_times, 0) > 0, 1);
	EXPECT(raw(__NR_times, (void *)KERNEL_ADDR), -EFAULT);
	EXPECT(raw(__NR_getrusage, 0, ru), 0);
	EXPECT(raw(__NR_getrusage, -1, ru), 0);
	EXPECT(raw(__NR_getrusage, 5, ru), -EINVAL);
	EXPECT(raw(__NR_getrusage, 0, (void *)KERNEL_ADDR), -EFAULT);
	EXPECT(raw(__NR_sched_setaffinity, 0, sizeof(one), &one), 0);
	EXPECT(raw(__NR_sched_setaffinity, 0, sizeof(none), &none), -EINVAL);
	EXPECT(raw(__NR_sched_setaffinity, 30000, sizeof(one), &one), -ESRCH);
	fd = raw(__NR_openat, AT_FDCWD, "/tmp/lc_sync", O_CREAT | O_WRONLY, 0600);
	EXPECT(fd >= 0, 1);
	EXPECT(raw(__NR_fsync, fd), 0);
	EXPECT(raw(__NR_fdatasync, fd), 0);
	EXPECT(raw(__NR_fsync, 999), -EBADF);
	EXPECT(raw(__NR_sync), 0);
	raw(__NR_close, fd);
}

/* Frames of 512 KiB each: three go 1.5 MiB below the first 256 KiB. */
static int __attribute__((noinline)) deep(int n)
{
	volatile char big[512 * 1024];

	big[sizeof(big) - 1] = (char)n;
	big[0] = (char)n;
	return big[0] + big[sizeof(big) - 1] + (n ? deep(n - 1) : 0);
}

/* The kernel writes into stack room the program never touched. */
static int __attribute__((noinline)) syscall_into_stack(void)
{
	volatile char buf[700 * 1024];

	if (raw(__NR_getrandom, (char *)buf, 4096, 0) != 4096)
		return 1;
	return 0;
}

static int grow_in_child(void)
{
	return deep(2) == 2 * (2 + 1 + 0) && !syscall_into_stack() ? 0 : 1;
}

/* Does fn die of SIGSEGV in a child? */
static int segv_child(int (*fn)(void))
{
	int status = 0;
	long pid = raw(__NR_clone, SIGCHLD, 0);

	if (pid == 0)
		raw(__NR_exit_group, fn());
	if (pid < 0 || raw(__NR_wait4, pid, &status, 0, 0) != pid)
		return -1;
	return (status & 0x7f) == SIGSEGV;
}

static void stack_growth(void)
{
	struct linux_rlimit64 lim, old, big = { 8UL << 20, RLIM64_INFINITY };

	EXPECT(raw(__NR_prlimit64, 0, RLIMIT_STACK, 0, &old), 0);
	EXPECT(old.rlim_cur, 256 << 10);
	EXPECT(old.rlim_max == RLIM64_INFINITY, 1);
	EXPECT(segv_child(grow_in_child), 1); /* within 256 KiB */
	EXPECT(raw(__NR_prlimit64, 0, RLIMIT_STACK, &big, &lim), 0);
	EXPECT(deep(2), 2 * (2 + 1 + 0));
	EXPECT(syscall_into_stack(), 0);
	EXPECT(in_child(grow_in_child), 0);
	EXPECT(raw(__NR_prlimit64, 0, RLIMIT_STACK, &old, 0), 0);
}

/* The calls Debian's nginx makes on its channels and connections. */
static void server_setup(void)
{
	int sv[2], on = 1, off = 0, v = -1, pid = (int)raw(__NR_getpid);
	int pgid = (int)raw(__NR_getpgid, 0), tcp;
	unsigned vlen = sizeof(v);

	EXPECT(raw(__NR_socketpair, AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT(raw(__NR_fcntl, sv[0], F_GETFL) & O_ASYNC, 0);
	EXPECT(raw(__NR_ioctl, sv[0], FIOASYNC, &on), 0);
	EXPECT(raw(__NR_fcntl, sv[0], F_GETFL) & O_ASYNC, O_ASYNC);
	EXPECT(raw(__NR_fcntl, sv[1], F_GETFL) & O_ASYNC, 0); /* one file's flag */
	EXPECT(raw(__NR_ioctl, sv[0], FIOASYNC, &off), 0);
	EXPECT(raw(__NR_fcntl, sv[0], F_GETFL) & O_ASYNC, 0);
	EXPECT(raw(__NR_fcntl, sv[0], F_SETFL, O_ASYNC | O_NONBLOCK), 0);
	EXPECT(raw(__NR_fcntl, sv[0], F_GETFL) & (O_ASYNC | O_NONBLOCK), O_ASYNC | O_NONBLOCK);
	EXPECT(raw(__NR_ioctl, sv[0], FIOASYNC, (void *)KERNEL_ADDR), -EFAULT);
	EXPECT(raw(__NR_ioctl, 999, FIOASYNC, &on), -EBADF);
	EXPECT(raw(__NR_fcntl, sv[0], F_GETOWN), 0);
	EXPECT(raw(__NR_fcntl, sv[0], F_SETOWN, pid), 0);
	EXPECT(raw(__NR_fcntl, sv[0], F_GETOWN), pid);
	EXPECT(raw(__NR_fcntl, sv[0], F_SETOWN, -pgid), 0);
	EXPECT(raw(__NR_fcntl, sv[0], F_GETOWN), -pgid);
	EXPECT(raw(__NR_fcntl, sv[0], F_SETOWN, 30000), -ESRCH);
	EXPECT(raw(__NR_fcntl, sv[0], F_SETOWN, -30000), -ESRCH);
	EXPECT(raw(__NR_fcntl, sv[0], F_SETOWN, (int)0x80000000), -EINVAL);
	EXPECT(raw(__NR_fcntl, sv[0], F_GETOWN), -pgid); /* failures keep the owner */
	EXPECT(raw(__NR_fcntl, sv[0], F_SETOWN, 0), 0);
	EXPECT(raw(__NR_fcntl, sv[0], F_GETOWN), 0);
	raw(__NR_close, sv[0]);
	raw(__NR_close, sv[1]);

	EXPECT(raw(__NR_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
	EXPECT(raw(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0), 0);
	EXPECT(raw(__NR_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	EXPECT(raw(__NR_prctl, PR_SET_DUMPABLE, 2, 0, 0, 0), -EINVAL);
	EXPECT(raw(__NR_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
	EXPECT(raw(__NR_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0), 1);

	tcp = (int)raw(__NR_socket, AF_INET, SOCK_STREAM, 0);
	EXPECT(tcp >= 0, 1);
	EXPECT(raw(__NR_getsockopt, tcp, IPPROTO_TCP, TCP_CORK, &v, &vlen), 0);
	EXPECT(v, 0);
	EXPECT(raw(__NR_setsockopt, tcp, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)), 0);
	EXPECT(raw(__NR_getsockopt, tcp, IPPROTO_TCP, TCP_CORK, &v, &vlen), 0);
	EXPECT(v, 1);
	EXPECT(raw(__NR_setsockopt, tcp, IPPROTO_TCP, TCP_CORK, &off, sizeof(off)), 0);
	EXPECT(raw(__NR_getsockopt, tcp, IPPROTO_TCP, TCP_CORK, &v, &vlen), 0);
	EXPECT(v, 0);
	EXPECT(raw(__NR_setsockopt, tcp, IPPROTO_TCP, TCP_CORK, &on, 2), -EINVAL);
	raw(__NR_close, tcp);
}

int main(void)
{
	time_sync();
	umask_mode();
	chown_stat();
	statfs_res_affinity();
	server_setup();
	stack_growth();
	creds();
	printf("linux_calls: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
