/*
 * Boot ordering. A subsystem registers its set-up with INITCALL(level, fn);
 * kmain runs every level in order after the core (memory, MMU, interrupts,
 * timer) is up. fn returns 0 or -errno (logged; boot continues).
 *   INIT_CORE   scheduler, VFS
 *   INIT_DEV    device drivers (virtio-net...)
 *   INIT_NET    network stack, interfaces, DHCP
 *   INIT_LATE   everything that wants the above (procfs, resolv.conf)
 * After the last level kmain prints "SIS: boot complete", runs a ktest if one
 * was asked for, then calls start_init() (the process layer's; it does not
 * return).
 */
#ifndef SIS_INIT_H
#define SIS_INIT_H

typedef int (*initcall_t)(void);

#define INIT_CORE 1
#define INIT_DEV 2
#define INIT_NET 3
#define INIT_LATE 4

#define __INITCALL(level, fn, id)                                                  \
	static const initcall_t __initcall_##fn##id                                \
		__attribute__((used, section("initcalls." #level), aligned(8))) = fn
#define INITCALL(level, fn) __INITCALL(level, fn, _)

/*
 * In-kernel self-tests: KTEST("name", fn) runs fn after boot when the command
 * line says ktest=name; the machine powers off with fn's return value as the
 * exit status (0 = pass).
 */
struct ktest {
	const char *name;
	int (*fn)(void);
};
#define KTEST(tname, tfn)                                                           \
	static const struct ktest __ktest_##tfn                                     \
		__attribute__((used, section("ktests"), aligned(8))) = { tname, tfn }
/* Timing ktests sleep this many times: none may be early or later than
 * KTEST_LOAD_NS (QEMU's thread can be descheduled on a busy host), the best
 * must be within one tick (a systematic error shows in every round). */
#define KTEST_SLEEP_ROUNDS 5
#define KTEST_LOAD_NS (150 * NSEC_PER_MSEC)

/* Start the first user program; provided by the process layer. */
void start_init(void) __attribute__((noreturn));

/* Power off (semihosting exit with status under QEMU, else PSCI) at once. */
void machine_poweroff(int status) __attribute__((noreturn));
/*
 * Orderly power-off for the normal ends of a run (init exits, reboot(2), a
 * ktest finishes): lets queued network traffic leave first (net_quiesce),
 * then machine_poweroff(). panic() uses machine_poweroff() directly.
 */
void kernel_poweroff(int status) __attribute__((noreturn));

#endif
