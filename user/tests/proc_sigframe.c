/*
 * The signal frame at the ABI level (raw system calls, Linux numbers):
 *  - an SA_SIGINFO handler returning through the kernel's trampoline gets
 *    siginfo (signo, code SI_USER, sender pid) and a ucontext whose pc is
 *    where the program was; the signal is blocked while the handler runs
 *    and unblocked after; callee-saved and FP/SIMD registers survive;
 *  - SA_RESTORER with the program's own restorer works the same way;
 *  - a SIGSEGV handler sees the fault address and SEGV_MAPERR, moves the
 *    saved pc past the faulting load, and execution resumes there.
 * Exit status: 1 on any failure.
 */
#include <stdio.h>
#include <stdint.h>
#include <uapi/sis/errno.h>
#include <uapi/sis/signal.h>
#include "proc_raw.h"

#include "check.h"

static volatile int got_signo, got_code, got_pid, mask_had_sig;
static volatile uint64_t got_pc, got_addr;

static k_sigset_t blocked_now(void)
{
	k_sigset_t old = 0;

	raw(__NR_rt_sigprocmask, SIG_BLOCK, 0, &old, sizeof(old));
	return old;
}

static void on_usr1(int sig, struct linux_siginfo *si, struct linux_ucontext *uc)
{
	got_signo = sig == si->si_signo ? sig : -1;
	got_code = si->si_code;
	got_pid = si->u.kill.pid;
	got_pc = uc->uc_mcontext.pc;
	mask_had_sig = (blocked_now() & SIS_SIGBIT(SIGUSR1)) != 0;
	/* Clobber registers the interrupted code may rely on. */
	__asm__ volatile("mov x19, #1\n\tmov x28, #2\n\tmovi v8.2d, #0\n\tmovi v31.2d, #0" :::
			 "x19", "x28", "v8", "v31");
}

static void on_segv(int sig, struct linux_siginfo *si, struct linux_ucontext *uc)
{
	(void)sig;
	got_code = si->si_code;
	got_addr = si->u.fault.addr;
	uc->uc_mcontext.pc += 4; /* skip the faulting instruction */
	uc->uc_mcontext.regs[0] = 1234;
}

/* Our own restorer: exactly rt_sigreturn with sp as the handler left it. */
__asm__(".text\n.global my_restorer\nmy_restorer:\n\tmov x8, #139\n\tsvc #0\n");
void my_restorer(void);

static int install(int sig, void *fn, unsigned long flags, void *restorer)
{
	struct k_sigaction sa = { fn, SA_SIGINFO | flags, restorer, 0 };

	return (int)raw(__NR_rt_sigaction, sig, &sa, 0, sizeof(k_sigset_t));
}

/* Send SIGUSR1 to ourselves with values in callee-saved and SIMD registers,
 * and check they are intact afterwards. */
static void one_round(const char *how)
{
	long pid = raw(__NR_getpid);
	uint64_t x19_after, d8_after;

	got_signo = got_code = got_pid = 0;
	__asm__ volatile("mov x19, #0x5151\n\tfmov d8, x19\n\t"
			 "mov x8, %[nr]\n\tmov x0, %[pid]\n\tmov x1, %[sig]\n\tsvc #0\n\t"
			 "mov %[x19], x19\n\tfmov %[d8], d8"
			 : [x19] "=r"(x19_after), [d8] "=r"(d8_after)
			 : [nr] "i"(__NR_kill), [pid] "r"(pid), [sig] "i"(SIGUSR1)
			 : "x0", "x1", "x8", "x19", "v8", "memory");
	printf("proc_sigframe: %s: signo %d code %d pid %d pc 0x%lx\n", how, got_signo, got_code,
	       got_pid, (unsigned long)got_pc);
	CHECK(got_signo == SIGUSR1, "handler ran with siginfo");
	CHECK(got_code == SI_USER && got_pid == pid, "SI_USER from our pid");
	CHECK(got_pc > 0x400000 && got_pc < 0x10000000, "pc inside the program");
	CHECK(mask_had_sig, "signal blocked during its handler");
	CHECK(!(blocked_now() & SIS_SIGBIT(SIGUSR1)), "unblocked after sigreturn");
	CHECK(x19_after == 0x5151, "x19 restored");
	CHECK(d8_after == 0x5151, "d8 restored");
}

int main(void)
{
	volatile uint64_t result;

	CHECK(install(SIGUSR1, (void *)on_usr1, 0, 0) == 0, "rt_sigaction");
	one_round("kernel trampoline");
	CHECK(install(SIGUSR1, (void *)on_usr1, SA_RESTORER, (void *)my_restorer) == 0,
	      "rt_sigaction SA_RESTORER");
	one_round("SA_RESTORER");

	CHECK(install(SIGSEGV, (void *)on_segv, 0, 0) == 0, "rt_sigaction SIGSEGV");
	__asm__ volatile("mov x0, #0x2000\n\tldr x0, [x0]\n\tmov %0, x0" : "=r"(result)::"x0",
			 "memory");
	printf("proc_sigframe: fault at 0x%lx code %d, resumed with x0=%lu\n",
	       (unsigned long)got_addr, got_code, (unsigned long)result);
	CHECK(got_addr == 0x2000 && got_code == SEGV_MAPERR, "fault siginfo");
	CHECK(result == 1234, "resumed after the faulting load with the handler's x0");
	printf("proc_sigframe: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
