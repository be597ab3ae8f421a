/*
 * Boot self-tests selected with ktest=NAME (see sis/init.h).
 *   dt     the device facts were printed at boot; checks they are sane.
 *   sleep  a 100 ms ktimer sleep takes 100 ms within one scheduler tick.
 *   panic  deliberately faults, to exercise the panic dump (exits non-zero).
 */
#include <sis/kernel.h>
#include <sis/init.h>
#include <sis/log.h>
#include <sis/timer.h>
#include <sis/devtree.h>

static int ktest_dt(void)
{
	if (!boot_dt.valid || !boot_dt.memory.size || !boot_dt.uart.base || !boot_dt.gicd.base)
		return 1;
	return 0;
}
KTEST("dt", ktest_dt);

static volatile bool sleep_fired;

static void sleep_done(struct ktimer *t)
{
	(void)t;
	sleep_fired = true;
}

static int ktest_sleep(void)
{
	struct ktimer t;
	u64 start, elapsed, want = 100 * NSEC_PER_MSEC, tick = NSEC_PER_SEC / HZ;

	ktimer_init(&t, sleep_done);
	start = time_ns();
	ktimer_arm(&t, start + want);
	while (!sleep_fired)
		__asm__ volatile("wfi");
	elapsed = time_ns() - start;
	log_info("ktest: sleep 100 ms took %lu us (tick %lu us)", (unsigned long)(elapsed / 1000),
		 (unsigned long)(tick / 1000));
	return (elapsed >= want && elapsed < want + tick) ? 0 : 1;
}
KTEST("sleep", ktest_sleep);

static int ktest_panic(void)
{
	volatile u64 *bad = (u64 *)0xffff7ffffffff000UL;

	return (int)*bad;
}
KTEST("panic", ktest_panic);
