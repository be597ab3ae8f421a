/*
 * Time system calls: clock_gettime, gettimeofday, nanosleep and
 * clock_nanosleep.
 *
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME are time_ns() (the generic timer since
 * boot; the machine never suspends). CLOCK_REALTIME adds the wall-clock time
 * of boot, read once from the PL031 real-time clock QEMU virt provides
 * ("arm,pl031" in the device tree; PrimeCell PL031 TRM, RTCDR at 0x000 holds
 * seconds since the epoch). Without it the wall clock starts at the epoch.
 * Sleeps are exact to the counter (ktimer deadlines), not to the tick.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/init.h>
#include <sis/mm.h>
#include <sis/board.h>
#include <sis/devtree.h>
#include <sis/timer.h>
#include <sis/sched.h>
#include <sis/wait.h>
#include <sis/random.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <uapi/sis/time.h>
#include <libfdt.h>
#include "proc_internal.h"

#define PL031_DR 0x000          /* data register: seconds */
#define PL031_PERIPH_ID0 0xfe0  /* reads 0x31 on a PL031 */

static s64 boot_epoch_ns; /* CLOCK_REALTIME at time_ns() == 0 */

static bool find_pl031(paddr_t *base)
{
	const void *fdt = boot_fdt();
	const fdt64_t *reg;
	int node, len;

	if (!boot_dt.valid)
		return false;
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl031");
	if (node < 0)
		return false;
	/* QEMU virt: #address-cells = #size-cells = 2 at the root. */
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < 16)
		return false;
	*base = fdt64_to_cpu(reg[0]);
	return *base >= VIRT_MMIO_START && *base < VIRT_MMIO_END;
}

static int wallclock_init(void)
{
	paddr_t base;
	volatile u32 *rtc;
	u32 secs;

	if (!find_pl031(&base)) {
		log_warn("time: no PL031 real-time clock; wall clock starts at the epoch");
		return 0;
	}
	rtc = pa_to_kva(base);
	if ((rtc[PL031_PERIPH_ID0 / 4] & 0xff) != 0x31) {
		log_warn("time: device at 0x%lx is not a PL031", (unsigned long)base);
		return 0;
	}
	secs = rtc[PL031_DR / 4];
	boot_epoch_ns = (s64)secs * (s64)NSEC_PER_SEC - (s64)time_ns();
	random_add_entropy(secs);
	log_info("time: PL031 at 0x%lx: %u seconds since the epoch", (unsigned long)base, secs);
	return 0;
}
INITCALL(INIT_DEV, wallclock_init);

static void ns_to_timespec(s64 ns, struct linux_timespec *ts)
{
	ts->tv_sec = ns / (s64)NSEC_PER_SEC;
	ts->tv_nsec = ns % (s64)NSEC_PER_SEC;
}

static bool timespec_valid(const struct linux_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (s64)NSEC_PER_SEC;
}

/* ns of a valid timespec, saturated far in the future. */
static u64 timespec_to_ns(const struct linux_timespec *ts)
{
	u64 max_sec = (UINT64_MAX / 2) / NSEC_PER_SEC;

	if ((u64)ts->tv_sec > max_sec)
		return max_sec * NSEC_PER_SEC;
	return (u64)ts->tv_sec * NSEC_PER_SEC + (u64)ts->tv_nsec;
}

s64 time_realtime_offset_ns(void)
{
	return boot_epoch_ns;
}

/* The clock's value in ns, or -EINVAL for an unknown clock. */
static int clock_read(int clk, s64 *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = boot_epoch_ns + (s64)time_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = (s64)time_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = (s64)(current_task->ticks * (NSEC_PER_SEC / HZ));
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE2(clock_gettime, int, clk, void *, uts)
{
	struct linux_timespec ts;
	s64 ns;
	int err = clock_read(clk, &ns);

	if (err)
		return err;
	ns_to_timespec(ns, &ts);
	return copy_to_user(uts, &ts, sizeof(ts));
}

/* clock_getres(clk, res): the timer tick for the CPU-time clocks (they count
 * ticks), 1 ns for the others (time_ns() is the generic timer's count, as
 * Linux's hrtimer clocks report); res may be NULL (clock_getres(2)). */
SYSCALL_DEFINE2(clock_getres, int, clk, void *, uts)
{
	struct linux_timespec ts;
	s64 ns;
	int err = clock_read(clk, &ns);

	if (err)
		return err;
	if (!uts)
		return 0;
	bool cpu = clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID;
	ns_to_timespec(cpu ? NSEC_PER_SEC / HZ : 1, &ts);
	return copy_to_user(uts, &ts, sizeof(ts));
}

SYSCALL_DEFINE2(gettimeofday, void *, utv, void *, utz)
{
	s64 ns = boot_epoch_ns + (s64)time_ns();
	struct linux_timeval tv = { ns / (s64)NSEC_PER_SEC, (ns % (s64)NSEC_PER_SEC) / 1000 };
	struct linux_timezone tz = { 0, 0 };

	if (utv && copy_to_user(utv, &tv, sizeof(tv)))
		return -EFAULT;
	if (utz && copy_to_user(utz, &tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

/* Sleep until the monotonic deadline: 0, or -EINTR when a signal came. */
static int sleep_until(u64 deadline_ns)
{
	while (time_ns() < deadline_ns) {
		int err;

		sched_prepare_sleep();
		err = schedule_sleep(deadline_ns, true);
		if (err == -EINTR)
			return err;
	}
	return 0;
}

/* Shared by nanosleep and relative clock_nanosleep: on -EINTR the time
 * left goes to urem (if given). */
static long sleep_relative(const struct linux_timespec *req, void *urem)
{
	u64 deadline = time_ns() + timespec_to_ns(req);
	int err = sleep_until(deadline);

	if (err == -EINTR && urem) {
		struct linux_timespec rem;
		u64 now = time_ns();

		ns_to_timespec(now < deadline ? (s64)(deadline - now) : 0, &rem);
		if (copy_to_user(urem, &rem, sizeof(rem)))
			return -EFAULT;
	}
	return err;
}

SYSCALL_DEFINE2(nanosleep, const void *, ureq, void *, urem)
{
	struct linux_timespec req;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (!timespec_valid(&req))
		return -EINVAL;
	return sleep_relative(&req, urem);
}

SYSCALL_DEFINE4(clock_nanosleep, int, clk, int, flags, const void *, ureq, void *, urem)
{
	struct linux_timespec req;
	s64 target, now = 0;

	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME)
		return -EINVAL;
	if (flags & ~TIMER_ABSTIME)
		return -EINVAL;
	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (!timespec_valid(&req))
		return -EINVAL;
	if (!(flags & TIMER_ABSTIME))
		return sleep_relative(&req, urem);
	/* Absolute: turn the clock's deadline into a monotonic one. */
	clock_read(clk, &now);
	target = (s64)timespec_to_ns(&req);
	if (target <= now)
		return 0;
	return sleep_until(time_ns() + (u64)(target - now));
}
