/*
 * Small system calls about the system as a whole: uname, sysinfo, reboot,
 * prlimit64 (and getrlimit/setrlimit), sched_yield, prctl.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/init.h>
#include <sis/mm.h>
#include <sis/timer.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <uapi/sis/utsname.h>
#include <uapi/sis/sysinfo.h>
#include <uapi/sis/reboot.h>
#include <uapi/sis/prctl.h>
#include <uapi/sis/time.h>
#include <uapi/sis/resource.h>
#include "proc_internal.h"

_Static_assert(sizeof(struct linux_sysinfo) == 112, "struct sysinfo is 112 bytes on arm64");
_Static_assert(sizeof(struct linux_utsname) == 6 * 65, "struct new_utsname");

int proc_live_count(void);

static long sys_uname(struct trap_frame *tf)
{
	struct linux_utsname u;

	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "SIS");
	strcpy(u.nodename, "sis");
	strcpy(u.release, "0.1.0");
	strcpy(u.version, "#1 SIS " __DATE__);
	strcpy(u.machine, "aarch64");
	strcpy(u.domainname, "(none)");
	return copy_to_user((void *)SC_ARG(tf, 0), &u, sizeof(u));
}
SYSCALL(__NR_uname, sys_uname);

/* Memory in bytes (mem_unit 1): freeram is the free-page count exactly. */
static long sys_sysinfo(struct trap_frame *tf)
{
	struct linux_sysinfo si;

	memset(&si, 0, sizeof(si));
	si.uptime = (s64)(time_ns() / NSEC_PER_SEC);
	si.totalram = page_total_count() * PAGE_SIZE;
	si.freeram = page_free_count() * PAGE_SIZE;
	si.procs = (u16)proc_live_count();
	si.mem_unit = 1;
	return copy_to_user((void *)SC_ARG(tf, 0), &si, sizeof(si));
}
SYSCALL(__NR_sysinfo, sys_sysinfo);

static bool reboot_magic_ok(u64 magic1, u64 magic2)
{
	return (u32)magic1 == LINUX_REBOOT_MAGIC1 &&
	       ((u32)magic2 == LINUX_REBOOT_MAGIC2 || (u32)magic2 == LINUX_REBOOT_MAGIC2A ||
		(u32)magic2 == LINUX_REBOOT_MAGIC2B || (u32)magic2 == LINUX_REBOOT_MAGIC2C);
}

/* Power off and halt end the machine (status 0); Ctrl-Alt-Del settings are
 * accepted and mean nothing here; restart is not supported. */
static long sys_reboot(struct trap_frame *tf)
{
	u32 cmd = (u32)SC_ARG(tf, 2);

	if (!reboot_magic_ok(SC_ARG(tf, 0), SC_ARG(tf, 1)))
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
SYSCALL(__NR_reboot, sys_reboot);

/*
 * prlimit64(pid, resource, new, old): limits are per process and inherited
 * by children. RLIMIT_NOFILE (fd.c: new descriptors stay below it) and
 * RLIMIT_AS (mman.c: mmap/brk past it fail with ENOMEM) are enforced; the
 * others are stored and reported back: the real bounds are fixed (stack
 * size, FD_MAX, PROC_MAX) and the defaults say so. A limit below what is in
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
	if (unew)
		p->rlimit[res] = lim;
	return 0;
}

static long sys_prlimit64(struct trap_frame *tf)
{
	return do_prlimit((int)SC_ARG(tf, 0), (unsigned)SC_ARG(tf, 1), (const void *)SC_ARG(tf, 2),
			  (void *)SC_ARG(tf, 3));
}
SYSCALL(__NR_prlimit64, sys_prlimit64);

/* getrlimit/setrlimit: arm64's struct rlimit is struct rlimit64. */
static long sys_getrlimit(struct trap_frame *tf)
{
	void *uold = (void *)SC_ARG(tf, 1);

	return uold ? do_prlimit(0, (unsigned)SC_ARG(tf, 0), NULL, uold) : -EFAULT;
}
SYSCALL(__NR_getrlimit, sys_getrlimit);

static long sys_setrlimit(struct trap_frame *tf)
{
	const void *unew = (const void *)SC_ARG(tf, 1);

	return unew ? do_prlimit(0, (unsigned)SC_ARG(tf, 0), unew, NULL) : -EFAULT;
}
SYSCALL(__NR_setrlimit, sys_setrlimit);

static long sys_sched_yield(struct trap_frame *tf)
{
	(void)tf;
	sched_yield();
	return 0;
}
SYSCALL(__NR_sched_yield, sys_sched_yield);

static long prctl_set_name(const char *uname)
{
	char name[PROC_NAME_LEN];
	long n = strncpy_from_user(name, uname, sizeof(name));

	if (n == -EFAULT)
		return -EFAULT;
	name[sizeof(name) - 1] = '\0'; /* longer names are cut, as Linux's comm */
	memcpy(cur_proc()->name, name, sizeof(name));
	return 0;
}

/* The tagged-address ABI: only the enable bit (no MTE), unused args zero. */
static long prctl_tagged(struct trap_frame *tf, bool set)
{
	struct proc *p = cur_proc();

	if (!set)
		return (SC_ARG(tf, 1) | SC_ARG(tf, 2) | SC_ARG(tf, 3) | SC_ARG(tf, 4)) ?
			       -EINVAL : (long)(p->tagged_addr ? PR_TAGGED_ADDR_ENABLE : 0);
	if ((SC_ARG(tf, 1) & ~PR_TAGGED_ADDR_ENABLE) || SC_ARG(tf, 2) || SC_ARG(tf, 3) ||
	    SC_ARG(tf, 4))
		return -EINVAL;
	p->tagged_addr = SC_ARG(tf, 1) & PR_TAGGED_ADDR_ENABLE;
	return 0;
}

static long sys_prctl(struct trap_frame *tf)
{
	switch ((int)SC_ARG(tf, 0)) {
	case PR_SET_NAME:
		return prctl_set_name((const char *)SC_ARG(tf, 1));
	case PR_GET_NAME:
		return copy_to_user((void *)SC_ARG(tf, 1), cur_proc()->name, PROC_NAME_LEN);
	case PR_SET_TAGGED_ADDR_CTRL:
		return prctl_tagged(tf, true);
	case PR_GET_TAGGED_ADDR_CTRL:
		return prctl_tagged(tf, false);
	default:
		return -EINVAL;
	}
}
SYSCALL(__NR_prctl, sys_prctl);

/* ---- CPU time, affinity -------------------------------------------------- */

/* sched_setaffinity(pid, size, mask): one CPU; a mask including CPU 0 is
 * accepted, one without it is -EINVAL (no CPU left, sched_setaffinity(2)). */
static long sys_sched_setaffinity(struct trap_frame *tf)
{
	int pid = (int)SC_ARG(tf, 0);
	u8 first = 0;

	if (pid < 0 || SC_ARG(tf, 1) == 0)
		return -EINVAL;
	if (pid && !proc_find(pid))
		return -ESRCH;
	if (copy_from_user(&first, (const void *)SC_ARG(tf, 2), 1))
		return -EFAULT;
	return (first & 1) ? 0 : -EINVAL;
}
SYSCALL(__NR_sched_setaffinity, sys_sched_setaffinity);

/* struct tms (times(2)), in clock ticks of HZ (AT_CLKTCK says the same). */
struct linux_tms {
	s64 tms_utime, tms_stime, tms_cutime, tms_cstime;
};

static u64 own_ticks(void)
{
	struct task *t = cur_proc()->task;

	return t ? t->ticks : 0;
}

/* CPU time is counted per tick without a user/system split: all of it is
 * reported as user time. Returns the ticks since boot; buf may be NULL. */
/* Linux's INITIAL_JIFFIES on 64-bit, (u32)(-300 * HZ), in USER_HZ ticks. */
#define TIMES_EPOCH ((u64)(u32)(-300 * HZ))

static long sys_times(struct trap_frame *tf)
{
	struct linux_tms t = { .tms_utime = (s64)own_ticks(),
			       .tms_cutime = (s64)cur_proc()->child_ticks };
	void *ut = (void *)SC_ARG(tf, 0);

	if (ut && copy_to_user(ut, &t, sizeof(t)))
		return -EFAULT;
	/* Linux counts from INITIAL_JIFFIES, so the result is never 0 or negative. */
	return (long)(TIMES_EPOCH + time_ns() / (NSEC_PER_SEC / HZ));
}
SYSCALL(__NR_times, sys_times);

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
static long sys_getrusage(struct trap_frame *tf)
{
	struct linux_rusage ru;
	int who = (int)SC_ARG(tf, 0);

	memset(&ru, 0, sizeof(ru));
	if (who == RUSAGE_SELF || who == RUSAGE_THREAD)
		ticks_timeval(own_ticks(), &ru.ru_utime);
	else if (who == RUSAGE_CHILDREN)
		ticks_timeval(cur_proc()->child_ticks, &ru.ru_utime);
	else
		return -EINVAL;
	return copy_to_user((void *)SC_ARG(tf, 1), &ru, sizeof(ru)) ? -EFAULT : 0;
}
SYSCALL(__NR_getrusage, sys_getrusage);
