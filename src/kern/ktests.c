/*
 * Boot self-tests selected with ktest=NAME (see sis/init.h).
 *   dt     the device facts were printed at boot; checks they are sane.
 *   sleep  100 ms ktimer sleeps: never early, the best of five within one
 *          scheduler tick.
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

/* One 100 ms ktimer sleep (wfi until it fires); how long it took in ns. */
static u64 timer_sleep_once(u64 want)
{
	struct ktimer t;
	u64 start;

	sleep_fired = false;
	ktimer_init(&t, sleep_done);
	start = time_ns();
	ktimer_arm(&t, start + want);
	while (!sleep_fired)
		__asm__ volatile("wfi");
	return time_ns() - start;
}

/*
 * Five sleeps: none may end early or more than KTEST_LOAD_NS late, and the
 * best must be within one tick. A timer that is systematically late is late
 * every time; a busy host (QEMU's thread descheduled) only some of the time.
 */
static int ktest_sleep(void)
{
	u64 want = 100 * NSEC_PER_MSEC, tick = NSEC_PER_SEC / HZ, best = ~0ULL, worst = 0;
	bool early = false;

	for (int i = 0; i < KTEST_SLEEP_ROUNDS; i++) {
		u64 took = timer_sleep_once(want);

		early |= took < want;
		best = took < best ? took : best;
		worst = took > worst ? took : worst;
	}
	log_info("ktest: sleep 100 ms took %lu-%lu us in %d rounds (tick %lu us)",
		 (unsigned long)(best / 1000), (unsigned long)(worst / 1000), KTEST_SLEEP_ROUNDS,
		 (unsigned long)(tick / 1000));
	return (!early && best < want + tick && worst < want + KTEST_LOAD_NS) ? 0 : 1;
}
KTEST("sleep", ktest_sleep);

static int ktest_panic(void)
{
	volatile u64 *bad = (u64 *)0xffff7ffffffff000UL;

	return (int)*bad;
}
KTEST("panic", ktest_panic);
