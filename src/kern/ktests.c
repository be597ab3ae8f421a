/*
 * Boot self-tests selected with ktest=NAME (see sis/init.h).
 *   dt     the device facts were printed at boot; checks they are sane.
 *   sleep  100 ms ktimer sleeps: never early, the best of five within one
 *          scheduler tick.
 *   panic  deliberately faults, to exercise the panic dump (exits non-zero).
 *   wx-text, wx-rodata, wx-data-exec  write kernel text, write read-only
 *          data, run a data page: each must panic with a permission fault.
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

/*
 * W^X, checked from the inside: each of these must end in a permission
 * fault (the panic dump names it), never return. Writing kernel text or
 * read-only data, and running code from a data page.
 */
static const u32 ktest_rodata_word = 0x5a5a5a5a;
static u32 ktest_data_code[2] __attribute__((aligned(8))) = { 0xd65f03c0 }; /* ret */

static int ktest_wx_text(void)
{
	volatile u32 *p = (volatile u32 *)(uintptr_t)ktest_wx_text;

	log_info("ktest: writing kernel text at %p", (void *)p);
	*p = 0xd503201f; /* nop */
	log_err("ktest: the write to kernel text did not fault");
	return 1;
}
KTEST("wx-text", ktest_wx_text);

static int ktest_wx_rodata(void)
{
	volatile u32 *p = (volatile u32 *)(uintptr_t)&ktest_rodata_word;

	log_info("ktest: writing read-only data at %p", (void *)p);
	*p = 0;
	log_err("ktest: the write to read-only data did not fault");
	return 1;
}
KTEST("wx-rodata", ktest_wx_rodata);

static int ktest_wx_data_exec(void)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)ktest_data_code;

	log_info("ktest: running data at %p", (void *)ktest_data_code);
	fn();
	log_err("ktest: code in a data page ran");
	return 1;
}
KTEST("wx-data-exec", ktest_wx_data_exec);
