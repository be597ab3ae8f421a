/*
 * System-call argument validation, at the ABI level (raw system calls,
 * Linux errno values): bad pointers give EFAULT, bad descriptors EBADF,
 * unknown numbers ENOSYS, bad flags and values EINVAL, W+X EACCES. Every
 * check prints a line only when it fails; the exit status is 1 if any check
 * failed. Run as init by test/qemu/test_proc.py (errors).
 */
#include <stdio.h>
#include <uapi/sis/errno.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/mman.h>
#include <uapi/sis/reboot.h>
#include <uapi/sis/resource.h>
#include <uapi/sis/sched.h>
#include <uapi/sis/signal.h>
#include <uapi/sis/sysinfo.h>
#include <uapi/sis/time.h>
#include <uapi/sis/utsname.h>
#include <uapi/sis/wait.h>
#include "proc_raw.h"

static int failures, checks;

#define EXPECT(call, want)                                                              \
	do {                                                                            \
		long r_ = (call);                                                       \
		checks++;                                                               \
		if (r_ != (want)) {                                                     \
			failures++;                                                     \
			printf("FAIL line %d: %s = %ld, want %s (%ld)\n", __LINE__, #call, \
			       r_, #want, (long)(want));                                \
		}                                                                       \
	} while (0)

static void bad_pointers(void)
{
	const void *k = (const void *)KERNEL_ADDR;
	void *low = (void *)0x1000; /* below every mapping */
	struct linux_timespec ts = { 0, 1 };
	k_sigset_t set = 0;

	EXPECT(raw(__NR_write, 1, k, 16), -EFAULT);
	EXPECT(raw(__NR_write, 1, low, 1), -EFAULT);
	EXPECT(raw(__NR_read, 0, k, 1), -EFAULT);
	EXPECT(raw(__NR_clock_gettime, CLOCK_MONOTONIC, 0), -EFAULT);
	EXPECT(raw(__NR_clock_gettime, CLOCK_MONOTONIC, k), -EFAULT);
	EXPECT(raw(__NR_gettimeofday, low, 0), -EFAULT);
	EXPECT(raw(__NR_uname, k), -EFAULT);
	EXPECT(raw(__NR_sysinfo, 0), -EFAULT);
	EXPECT(raw(__NR_nanosleep, low, 0), -EFAULT);
	EXPECT(raw(__NR_nanosleep, &ts, k), 0);      /* rem is only written on EINTR */
	EXPECT(raw(__NR_execve, k, 0, 0), -EFAULT);
	EXPECT(raw(__NR_execve, "/bin/true", k, 0), -EFAULT);
	EXPECT(raw(__NR_wait4, -1, k, WNOHANG, 0), -EFAULT);
	EXPECT(raw(__NR_rt_sigaction, SIGUSR1, k, 0, sizeof(k_sigset_t)), -EFAULT);
	EXPECT(raw(__NR_rt_sigaction, SIGUSR1, 0, k, sizeof(k_sigset_t)), -EFAULT);
	EXPECT(raw(__NR_rt_sigprocmask, SIG_BLOCK, low, 0, sizeof(k_sigset_t)), -EFAULT);
	EXPECT(raw(__NR_rt_sigprocmask, SIG_BLOCK, &set, k, sizeof(k_sigset_t)), -EFAULT);
	EXPECT(raw(__NR_getrandom, k, 16, 0), -EFAULT);
	EXPECT(raw(__NR_prlimit64, 0, RLIMIT_NOFILE, 0, k), -EFAULT);
	EXPECT(raw(__NR_openat, -100, k, 0, 0), -EFAULT);
	/* Read-only memory is not writable by the kernel on the user's behalf. */
	EXPECT(raw(__NR_clock_gettime, CLOCK_MONOTONIC, (void *)&bad_pointers), -EFAULT);
}

static void bad_descriptors(void)
{
	char c;

	EXPECT(raw(__NR_write, 77, "x", 1), -EBADF);
	EXPECT(raw(__NR_read, 200, &c, 1), -EBADF);
	EXPECT(raw(__NR_write, -1, "x", 1), -EBADF);
	EXPECT(raw(__NR_close, 250), -EBADF);
	EXPECT(raw(__NR_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 77, 0), -EBADF);
	EXPECT(raw(__NR_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 1, 0), -ENODEV);
}

static void unknown_numbers(void)
{
	EXPECT(raw(500), -ENOSYS);
	EXPECT(raw(511), -ENOSYS);
	EXPECT(raw(4095), -ENOSYS);
	EXPECT(raw(100000), -ENOSYS);
	EXPECT(raw(-1), -ENOSYS);
	EXPECT(raw(1), -ENOSYS); /* io_destroy: not provided */
}

static void bad_flags(void)
{
	struct linux_timespec bad_ns = { 0, 1000000000 }, neg = { -1, 0 };
	struct linux_rlimit64 lim = { 10, 5 };
	struct k_sigaction sa = { SIG_IGN, 0, 0, 0 };
	k_sigset_t set = 0;

	EXPECT(raw(__NR_clone, CLONE_THREAD | CLONE_VM | CLONE_SIGHAND | SIGCHLD, 0), -EINVAL);
	EXPECT(raw(__NR_clone, CLONE_SIGHAND | SIGCHLD, 0), -EINVAL); /* needs CLONE_VM */
	EXPECT(raw(__NR_clone, CLONE_THREAD | CLONE_VM | SIGCHLD, 0), -EINVAL); /* needs SIGHAND */
	EXPECT(raw(__NR_clone, CLONE_FILES | SIGCHLD, 0), -EINVAL);
	EXPECT(raw(__NR_clone, 65, 0), -EINVAL); /* exit signal > 64 */
	EXPECT(raw(__NR_wait4, -1, 0, 0x100, 0), -EINVAL);
	EXPECT(raw(__NR_wait4, -1, 0, WNOHANG, 0), -ECHILD);
	EXPECT(raw(__NR_mmap, 0, 4096, 8, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -EINVAL);
	EXPECT(raw(__NR_mmap, 0, 4096, PROT_READ, MAP_TYPE | MAP_ANONYMOUS, -1, 0), -EINVAL); /* MAP_SHARED works: bound_mm shared */
	EXPECT(raw(__NR_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -EINVAL);
	EXPECT(raw(__NR_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | 0x40000000, -1, 0),
	       -EINVAL);
	EXPECT(raw(__NR_mmap, 0x400001, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		   -1, 0), -EINVAL);
	EXPECT(raw(__NR_mmap, 0, 4096, PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	       -EACCES);
	EXPECT(raw(__NR_munmap, 0x400001, 4096), -EINVAL);
	EXPECT(raw(__NR_munmap, 0x400000, 0), -EINVAL);
	EXPECT(raw(__NR_mprotect, 0x400001, 4096, PROT_READ), -EINVAL);
	EXPECT(raw(__NR_mprotect, 0x400000, 4096, 0x10), -EINVAL);
	EXPECT(raw(__NR_mprotect, 0x400000, 4096, PROT_READ | PROT_WRITE | PROT_EXEC), -EACCES);
	EXPECT(raw(__NR_mprotect, 0x7000000000, 4096, PROT_READ), -ENOMEM); /* not mapped */
	EXPECT(raw(__NR_getrandom, &set, sizeof(set), 0x80), -EINVAL);
	EXPECT(raw(__NR_getrandom, &set, sizeof(set), GRND_RANDOM | GRND_INSECURE), -EINVAL);
	EXPECT(raw(__NR_clock_gettime, 99, &bad_ns), -EINVAL);
	EXPECT(raw(__NR_nanosleep, &bad_ns, 0), -EINVAL);
	EXPECT(raw(__NR_nanosleep, &neg, 0), -EINVAL);
	EXPECT(raw(__NR_clock_nanosleep, CLOCK_MONOTONIC, 2, &bad_ns, 0), -EINVAL);
	EXPECT(raw(__NR_clock_nanosleep, 99, 0, &bad_ns, 0), -EINVAL);
	EXPECT(raw(__NR_rt_sigprocmask, 7, &set, 0, sizeof(set)), -EINVAL);
	EXPECT(raw(__NR_rt_sigprocmask, SIG_BLOCK, &set, 0, 4), -EINVAL);
	EXPECT(raw(__NR_rt_sigaction, SIGUSR1, &sa, 0, 4), -EINVAL);
	EXPECT(raw(__NR_rt_sigaction, 0, &sa, 0, sizeof(k_sigset_t)), -EINVAL);
	EXPECT(raw(__NR_rt_sigaction, 65, &sa, 0, sizeof(k_sigset_t)), -EINVAL);
	EXPECT(raw(__NR_rt_sigaction, SIGKILL, &sa, 0, sizeof(k_sigset_t)), -EINVAL);
	EXPECT(raw(__NR_rt_sigaction, SIGSTOP, &sa, 0, sizeof(k_sigset_t)), -EINVAL);
	EXPECT(raw(__NR_kill, raw(__NR_getpid), 65), -EINVAL);
	EXPECT(raw(__NR_kill, 30000, SIGUSR1), -ESRCH);
	EXPECT(raw(__NR_tgkill, 1, 0, SIGUSR1), -EINVAL);
	EXPECT(raw(__NR_prlimit64, 0, 99, 0, 0), -EINVAL);
	EXPECT(raw(__NR_prlimit64, 0, RLIMIT_NOFILE, &lim, 0), -EINVAL); /* cur > max */
	EXPECT(raw(__NR_prlimit64, 30000, RLIMIT_NOFILE, 0, &lim), -ESRCH);
	EXPECT(raw(__NR_reboot, 0x1234, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0),
	       -EINVAL);
	EXPECT(raw(__NR_reboot, LINUX_REBOOT_MAGIC1, 1, LINUX_REBOOT_CMD_POWER_OFF, 0), -EINVAL);
	EXPECT(raw(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0x12345, 0), -EINVAL);
	EXPECT(raw(__NR_setpgid, -1, 0), -EINVAL);
	EXPECT(raw(__NR_setpgid, 30000, 0), -ESRCH);
	EXPECT(raw(__NR_getpgid, 30000), -ESRCH);
	EXPECT(raw(__NR_execve, "", 0, 0), -ENOENT);
	EXPECT(raw(__NR_execve, "/no/such/file", 0, 0), -ENOENT);
	EXPECT(raw(__NR_execve, "/", 0, 0), -EACCES);
	/* A file that is not an ELF executable. */
	long fd = raw(__NR_openat, AT_FDCWD, "/tmp/proc_notelf", O_CREAT | O_WRONLY | O_TRUNC, 0755);

	EXPECT(fd >= 0, 1);
	EXPECT(raw(__NR_write, fd, "#!/bin/nothing\n", 15), 15);
	EXPECT(raw(__NR_close, fd), 0);
	EXPECT(raw(__NR_execve, "/tmp/proc_notelf", 0, 0), -ENOEXEC);
}

static void good_calls(void)
{
	struct linux_utsname u;
	struct linux_sysinfo si;
	struct linux_rlimit64 lim;
	long pid = raw(__NR_getpid);

	EXPECT(raw(__NR_uname, &u), 0);
	checks++;
	if (u.sysname[0] != 'S' || u.sysname[1] != 'I' || u.sysname[2] != 'S' || u.sysname[3]) {
		failures++;
		printf("FAIL: uname sysname \"%s\"\n", u.sysname);
	}
	EXPECT(raw(__NR_sysinfo, &si), 0);
	EXPECT(si.mem_unit, 1);
	EXPECT(si.freeram > 0 && si.freeram <= si.totalram, 1);
	EXPECT(raw(__NR_gettid), pid);
	EXPECT(raw(__NR_set_tid_address, 0), pid);
	EXPECT(raw(__NR_getuid) | raw(__NR_geteuid) | raw(__NR_getgid) | raw(__NR_getegid), 0);
	EXPECT(raw(__NR_prlimit64, 0, RLIMIT_NOFILE, 0, &lim), 0);
	EXPECT(lim.rlim_cur > 0 && lim.rlim_cur <= lim.rlim_max, 1);
	EXPECT(raw(__NR_kill, pid, 0), 0);
	EXPECT(raw(__NR_tgkill, pid, pid, 0), 0);
	EXPECT(raw(__NR_sched_yield), 0);
	EXPECT(raw(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF,
		   0), 0);
}

int main(void)
{
	bad_pointers();
	bad_descriptors();
	unknown_numbers();
	bad_flags();
	good_calls();
	printf("proc_errors: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
