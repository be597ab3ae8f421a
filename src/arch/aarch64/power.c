/*
 * Powering the machine off.
 *
 * Under QEMU with `-semihosting-config enable=on,target=native`, the
 * semihosting SYS_EXIT call (op 0x18, reason ADP_Stopped_ApplicationExit
 * 0x20026, subcode = status) makes QEMU exit with that status: tools/run and
 * the test runner turn guest results into process exit codes this way.
 * Without semihosting the HLT is an undefined instruction; traps.c skips it
 * and we fall back to PSCI SYSTEM_OFF over HVC (QEMU virt's PSCI conduit).
 */
#include <sis/kernel.h>
#include <sis/init.h>
#include <sis/irq.h>
#include <sis/log.h>

bool semihost_trapped;

static long semihost_call(long op, void *arg)
{
	register long x0 __asm__("x0") = op;
	register void *x1 __asm__("x1") = arg;

	__asm__ volatile(".global semihost_hlt_insn\n"
			 "semihost_hlt_insn: hlt #0xf000"
			 : "+r"(x0)
			 : "r"(x1)
			 : "memory");
	return x0;
}

void machine_poweroff(int status)
{
	u64 block[2] = { 0x20026, (u64)(unsigned)status };

	irq_disable_local();
	kprintf("SIS: power off (status %d)\n", status);
	semihost_call(0x18, block);
	register u64 x0 __asm__("x0") = 0x84000008; /* PSCI SYSTEM_OFF */
	__asm__ volatile("hvc #0" : "+r"(x0)::"memory");
	for (;;)
		__asm__ volatile("wfi");
}
