/*
 * bound_proc's rt_sigreturn checks, at the ABI level (the kernel's
 * <uapi/sis/signal.h>, which cannot share a file with picolibc's
 * <signal.h>): a SIGTRAP handler plants a value in the saved x0 and steps
 * the saved pc over the brk; rt_sigreturn must resume with exactly that
 * context, even when the value looks like a restart code (-512
 * -ERESTARTSYS, -514 -ERESTARTNOHAND), and also from a nested handler.
 */
#include <stdint.h>
#include <stdio.h>
#include <uapi/sis/signal.h>
#include "proc_raw.h"
#include "check.h"

int bound_sigreturn_handlers(void);

static volatile int trap_count, nested_ok;
static volatile uint64_t plant_x0;

static void on_trap(int sig, struct linux_siginfo *si, struct linux_ucontext *uc)
{
	(void)sig;
	(void)si;
	if (++trap_count > 1)
		plant_x0 = 7; /* back at the brk: something moved the pc */
	uc->uc_mcontext.regs[0] = plant_x0;
	uc->uc_mcontext.pc += 4;
}

/* x0 after a brk whose handler plants v (x0 is 0 before it). */
static uint64_t trap_with_x0(uint64_t v)
{
	register uint64_t x0 __asm__("x0") = 0;

	plant_x0 = v;
	trap_count = 0;
	__asm__ volatile("brk #0" : "+r"(x0)::"memory");
	return x0;
}

static int install(int sig, void *fn, unsigned long flags, struct k_sigaction *old)
{
	struct k_sigaction sa = { fn, SA_SIGINFO | flags, 0, 0 };

	return (int)raw(__NR_rt_sigaction, sig, &sa, old, sizeof(k_sigset_t));
}

/* The outer handler takes a nested trap (its handler plants -514), checks
 * that came back intact, then plants -512 for the main program. */
static void on_trap_outer(int sig, struct linux_siginfo *si, struct linux_ucontext *uc)
{
	struct k_sigaction outer;

	(void)sig;
	(void)si;
	install(SIGTRAP, (void *)on_trap, SA_NODEFER, &outer);
	nested_ok = (int64_t)trap_with_x0((uint64_t)-514) == -514 && trap_count == 1;
	raw(__NR_rt_sigaction, SIGTRAP, &outer, 0, sizeof(k_sigset_t));
	uc->uc_mcontext.regs[0] = (uint64_t)-512;
	uc->uc_mcontext.pc += 4;
}

int bound_sigreturn_handlers(void)
{
	static const int64_t values[] = { -512, -514, -513, -516, -4, 0x1234 };
	register uint64_t x0 __asm__("x0") = 0;

	CHECK(install(SIGTRAP, (void *)on_trap, 0, 0) == 0, "rt_sigaction SIGTRAP");
	for (unsigned i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		int64_t got = (int64_t)trap_with_x0((uint64_t)values[i]);

		CHECK(got == values[i] && trap_count == 1,
		      "x0 planted %lld came back %lld after %d handler runs",
		      (long long)values[i], (long long)got, trap_count);
	}
	CHECK(install(SIGTRAP, (void *)on_trap_outer, SA_NODEFER, 0) == 0, "rt_sigaction outer");
	__asm__ volatile("brk #0" : "+r"(x0)::"memory");
	CHECK((int64_t)x0 == -512, "outer x0 came back %lld", (long long)(int64_t)x0);
	CHECK(nested_ok, "the nested handler's -514 did not come back intact");
	install(SIGTRAP, (void *)0, 0, 0); /* SIG_DFL */
	return failures;
}
