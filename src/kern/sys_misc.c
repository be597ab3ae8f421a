/*
 * Small system calls about the system as a whole: uname, sethostname and
 * setdomainname (also /proc/sys/kernel/hostname and domainname), sysinfo,
 * reboot, prlimit64 (and getrlimit/setrlimit), sched_yield (prctl is in
 * prctl.c).
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/init.h>
#include <sis/mm.h>
#include <sis/timer.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <sis/version.h>
#include <uapi/sis/utsname.h>
#include <uapi/sis/sysinfo.h>
#include <uapi/sis/reboot.h>
#include <uapi/sis/time.h>
#include <uapi/sis/resource.h>
#include <uapi/sis/capability.h>
#include <sis/proc.h>
#include <sis/vfs.h>
#include "proc_internal.h"

_Static_assert(sizeof(struct linux_sysinfo) == 112, "struct sysinfo is 112 bytes on arm64");
_Static_assert(sizeof(struct linux_utsname) == 6 * 65, "struct new_utsname");

int proc_live_count(void);

#define UTS_NAME_MAX 64 /* Linux's __NEW_UTS_LEN */

/* The host and domain names (one machine: Linux's initial UTS namespace). */
static char uts_nodename[UTS_NAME_MAX + 1] = "sis";
static char uts_domainname[UTS_NAME_MAX + 1] = "(none)";

SYSCALL_DEFINE1(uname, void *, ubuf)
{
	struct linux_utsname u;

	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, UTS_SYSNAME);
	strcpy(u.nodename, uts_nodename);
	strcpy(u.release, UTS_RELEASE);
	strcpy(u.version, UTS_VERSION);
	strcpy(u.machine, "aarch64");
	strcpy(u.domainname, uts_domainname);
	return copy_to_user(ubuf, &u, sizeof(u));
}

/* sethostname/setdomainname: CAP_SYS_ADMIN (EPERM), at most 64 bytes
 * (EINVAL), then EFAULT; the name is the len bytes given. */
static long set_uts_name(char *name, const char *uname, int len)
{
	char buf[UTS_NAME_MAX + 1];

	if (!proc_capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (len < 0 || len > UTS_NAME_MAX)
		return -EINVAL;
	if (copy_from_user(buf, uname, (size_t)len))
		return -EFAULT;
	buf[len] = 0;
	memcpy(name, buf, (size_t)len + 1);
	return 0;
}

SYSCALL_DEFINE2(sethostname, const char *, uname, int, len)
{
	return set_uts_name(uts_nodename, uname, len);
}

SYSCALL_DEFINE2(setdomainname, const char *, uname, int, len)
{
	return set_uts_name(uts_domainname, uname, len);
}

/* /proc/sys/kernel/hostname and domainname: the name and a newline; a
 * write (root's, the file is 0644) sets the text up to its first newline
 * (Linux's proc_dostring). */
static int uts_store(char *name, const char *text)
{
	size_t n = 0;

	while (text[n] && text[n] != '\n' && n < UTS_NAME_MAX)
		n++;
	memcpy(name, text, n);
	name[n] = 0;
	return 0;
}

static long hostname_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%s\n", uts_nodename);
}

static int hostname_store(const char *text)
{
	return uts_store(uts_nodename, text);
}

static long domainname_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%s\n", uts_domainname);
}

static int domainname_store(const char *text)
{
	return uts_store(uts_domainname, text);
}

static int uts_sysctl_init(void)
{
	int err = vfs_add_sysctl("/proc/sys/kernel/hostname", hostname_show, hostname_store);

	if (!err)
		err = vfs_add_sysctl("/proc/sys/kernel/domainname", domainname_show, domainname_store);
	if (err)
		log_warn("uts: cannot add /proc/sys/kernel/{hostname,domainname}: %d", err);
	return err;
}
INITCALL(INIT_LATE, uts_sysctl_init);

/* Memory in bytes (mem_unit 1): freeram is the free-page count exactly. */
SYSCALL_DEFINE1(sysinfo, void *, uinfo)
{
	struct linux_sysinfo si;

	memset(&si, 0, sizeof(si));
	si.uptime = (s64)(time_ns() / NSEC_PER_SEC);
	si.totalram = page_total_count() * PAGE_SIZE;
	si.freeram = page_free_count() * PAGE_SIZE;
	si.procs = (u16)proc_live_count();
	si.mem_unit = 1;
	return copy_to_user(uinfo, &si, sizeof(si));
}

static bool reboot_magic_ok(u64 magic1, u64 magic2)
{
	return (u32)magic1 == LINUX_REBOOT_MAGIC1 &&
	       ((u32)magic2 == LINUX_REBOOT_MAGIC2 || (u32)magic2 == LINUX_REBOOT_MAGIC2A ||
		(u32)magic2 == LINUX_REBOOT_MAGIC2B || (u32)magic2 == LINUX_REBOOT_MAGIC2C);
}

/* Power off and halt end the machine (status 0); Ctrl-Alt-Del settings are
 * accepted and mean nothing here; restart is not supported. */
SYSCALL_DEFINE3(reboot, u64, magic1, u64, magic2, u32, cmd)
{
	if (!reboot_magic_ok(magic1, magic2))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT:
		log_info("reboot: power off requested by pid %d (%s)", cur_proc()->pid,
			 cur_proc()->name);
		kernel_poweroff(0);
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * prlimit64(pid, resource, new, old): limits are per process and inherited
 * by children. Enforced: RLIMIT_NOFILE (fd.c: new descriptors stay below
 * it), RLIMIT_AS (mman.c, exec.c: mmap/brk/execve past it fail with ENOMEM),
 * RLIMIT_DATA (mman.c: brk and private writable memory), RLIMIT_MEMLOCK
 * (mlock.c), RLIMIT_STACK (exec.c: the initial stack's size; raised later, the
 * stack grows to it on faults, vm_grow_stack). The others are
 * stored and reported back: the real bounds are fixed (FD_MAX, proc_max()) and
 * the defaults say so. A limit below what is in
 * use is accepted (Linux too): only growth fails.
 */
static long do_prlimit(int pid, unsigned res, const void *unew, void *uold)
{
	struct proc *p = pid ? proc_find(pid) : cur_proc();
	struct linux_rlimit64 lim;

	if (pid < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	if (!p || p->state != PROC_ALIVE)
		return -ESRCH;
	if (unew) {
		if (copy_from_user(&lim, unew, sizeof(lim)))
			return -EFAULT;
		if (lim.rlim_cur > lim.rlim_max)
			return -EINVAL;
	}
	if (uold && copy_to_user(uold, &p->rlimit[res], sizeof(p->rlimit[res])))
		return -EFAULT;
	if (unew) {
		p->rlimit[res] = lim;
		if (res == RLIMIT_STACK && p->vm)
			vm_set_stack_limit(p->vm, lim.rlim_cur);
	}
	return 0;
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned, resource, const void *, unew, void *, uold)
{
	return do_prlimit(pid, resource, unew, uold);
}

/* getrlimit/setrlimit: arm64's struct rlimit is struct rlimit64. */
SYSCALL_DEFINE2(getrlimit, unsigned, resource, void *, uold)
{
	return uold ? do_prlimit(0, resource, NULL, uold) : -EFAULT;
}

SYSCALL_DEFINE2(setrlimit, unsigned, resource, const void *, unew)
{
	return unew ? do_prlimit(0, resource, unew, NULL) : -EFAULT;
}

SYSCALL_DEFINE0(sched_yield)
{
	sched_yield();
	return 0;
}

/* ---- CPU time, affinity -------------------------------------------------- */

/* sched_setaffinity(pid, size, mask): one CPU; a mask including CPU 0 is
 * accepted, one without it is -EINVAL (no CPU left, sched_setaffinity(2)). */
SYSCALL_DEFINE3(sched_setaffinity, int, pid, size_t, len, const void *, umask)
{
	u8 first = 0;

	if (pid < 0 || len == 0)
		return -EINVAL;
	if (pid && !proc_find(pid))
		return -ESRCH;
	if (copy_from_user(&first, umask, 1))
		return -EFAULT;
	return (first & 1) ? 0 : -EINVAL;
}

/* struct tms (times(2)), in clock ticks of HZ (AT_CLKTCK says the same). */
struct linux_tms {
	s64 tms_utime, tms_stime, tms_cutime, tms_cstime;
};

static u64 own_ticks(void)
{
	return proc_cpu_ticks(cur_proc());
}

/* CPU time is counted per tick without a user/system split: all of it is
 * reported as user time. Returns the ticks since boot; buf may be NULL. */
/* Linux's INITIAL_JIFFIES on 64-bit, (u32)(-300 * HZ), in USER_HZ ticks. */
#define TIMES_EPOCH ((u64)(u32)(-300 * HZ))

SYSCALL_DEFINE1(times, void *, ut)
{
	struct linux_tms t = { .tms_utime = (s64)own_ticks(),
			       .tms_cutime = (s64)cur_proc()->child_ticks };

	if (ut && copy_to_user(ut, &t, sizeof(t)))
		return -EFAULT;
	/* Linux counts from INITIAL_JIFFIES, so the result is never 0 or negative. */
	return (long)(TIMES_EPOCH + time_ns() / (NSEC_PER_SEC / HZ));
}

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

static void ticks_timeval(u64 ticks, struct linux_timeval *tv)
{
	u64 us = ticks * (1000000 / HZ);

	tv->tv_sec = (s64)(us / 1000000);
	tv->tv_usec = (s64)(us % 1000000);
}

/* getrusage(who, usage): CPU time as for times(); the other fields are 0. */
SYSCALL_DEFINE2(getrusage, int, who, void *, uru)
{
	struct linux_rusage ru;

	memset(&ru, 0, sizeof(ru));
	if (who == RUSAGE_SELF || who == RUSAGE_THREAD)
		ticks_timeval(own_ticks(), &ru.ru_utime);
	else if (who == RUSAGE_CHILDREN)
		ticks_timeval(cur_proc()->child_ticks, &ru.ru_utime);
	else
		return -EINVAL;
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}
