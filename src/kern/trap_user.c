/*
 * What happens around user mode: faults raised by user code become signals
 * (user_fault), and the last work before eret to EL0 (return_to_user):
 * rescheduling when the tick asked for it, then signal delivery.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/irq.h>
#include <sis/trap.h>
#include "proc_internal.h"

#define ESR_WNR (1UL << 6)   /* data abort: write, not read */
#define EC_FP_EXC64 0x2c

/* Data/instruction abort status code (ESR ISS[5:0]) -> signal and code. */
static int abort_signal(u64 esr, int *code, const char **what)
{
	unsigned fsc = esr & 0x3f;

	if (fsc == 0x21) {
		*code = BUS_ADRALN;
		*what = "alignment fault";
		return SIGBUS;
	}
	switch (fsc >> 2) {
	case 1: /* translation fault, level 0-3 */
		*code = SEGV_MAPERR;
		*what = "translation fault";
		return SIGSEGV;
	case 2: /* access flag fault */
	case 3: /* permission fault */
		*code = SEGV_ACCERR;
		*what = "permission fault";
		return SIGSEGV;
	default:
		*code = SI_KERNEL;
		*what = "external or other abort";
		return SIGBUS;
	}
}

/*
 * A write to a copy-on-write page (a permission fault on a write): copy it
 * and let the instruction run again. Out of memory kills the process.
 */
static bool cow_write(struct trap_frame *tf)
{
	struct proc *p = cur_proc();
	unsigned fsc = tf->esr & 0x3f;
	int err;

	if ((fsc >> 2) != 3 || !(tf->esr & ESR_WNR) || !p->vm)
		return false;
	err = vm_break_cow(p->vm, ALIGN_DOWN(tf->far, PAGE_SIZE));
	if (err == -ENOMEM) {
		log_warn("proc: pid %d (%s) killed by SIGKILL: out of memory copying a page at 0x%lx",
			 p->pid, p->name, (unsigned long)tf->far);
		proc_exit(SIGKILL);
	}
	return err == 0;
}

/*
 * An access flag fault: a file page past the end of its file (vm.c maps
 * those with the flag clear). The file grew over it since: retry (true).
 * Still past the end: SIGBUS (BUS_ADRERR), as on Linux (true, signalled).
 * Anything else: false, the caller's SIGSEGV.
 */
static bool file_fault(struct trap_frame *tf, bool exec)
{
	struct proc *p = cur_proc();
	int err;

	if (((tf->esr & 0x3f) >> 2) != 2 || !p->vm)
		return false;
	err = vm_file_fault(p->vm, tf->far, !exec && (tf->esr & ESR_WNR), exec);
	if (err == -EIO)
		signal_fault(tf, SIGBUS, BUS_ADRERR, tf->far,
			     exec ? "instruction abort (past the end of a mapped file)"
				  : "data abort (past the end of a mapped file)");
	return err == 0 || err == -EIO;
}

/* A read or write below the stack, within its limit: grow it and retry. */
static bool stack_fault(struct trap_frame *tf)
{
	struct proc *p = cur_proc();
	int err;

	if (((tf->esr & 0x3f) >> 2) != 1 || !p->vm)
		return false; /* only a translation fault can be the growth room */
	err = vm_grow_stack(p->vm, tf->far);
	if (err == -ENOMEM) {
		log_warn("proc: pid %d (%s) killed by SIGKILL: out of memory growing the stack to "
			 "0x%lx", p->pid, p->name, (unsigned long)tf->far);
		proc_exit(SIGKILL);
	}
	return err == 0;
}

void user_fault(struct trap_frame *tf)
{
	u64 esr = tf->esr, ec = ESR_EC(esr);

	/* With TBI0, FAR_EL1's top byte for a tagged EL0 access is the tag (or
	 * UNKNOWN; Arm ARM D17.2 FAR_EL1): untag it, as si_addr is on Linux. */
	if (ec == EC_DABT_LOW || ec == EC_IABT_LOW)
		tf->far = user_untag(tf->far);
	char what[96];
	const char *kind;
	int sig, code;

	switch (ec) {
	case EC_DABT_LOW:
		if (cow_write(tf) || stack_fault(tf) || file_fault(tf, false))
			return; /* the page is the writer's own now, or the stack grew: retry */
		sig = abort_signal(esr, &code, &kind);
		ksnprintf(what, sizeof(what), "data abort (%s, %s)", kind,
			  (esr & ESR_WNR) ? "write" : "read");
		signal_fault(tf, sig, code, tf->far, what);
		return;
	case EC_IABT_LOW:
		if (file_fault(tf, true))
			return;
		sig = abort_signal(esr, &code, &kind);
		ksnprintf(what, sizeof(what), "instruction abort (%s)", kind);
		signal_fault(tf, sig, code, tf->far, what);
		return;
	case EC_PC_ALIGN:
	case EC_SP_ALIGN:
		signal_fault(tf, SIGBUS, BUS_ADRALN, ec == EC_PC_ALIGN ? tf->elr : tf->sp,
			     esr_class_name(esr));
		return;
	case EC_BRK64:
		signal_fault(tf, SIGTRAP, TRAP_BRKPT, tf->elr, "breakpoint");
		return;
	case EC_FP_EXC64:
		signal_fault(tf, SIGFPE, SI_KERNEL, tf->elr, "floating-point exception");
		return;
	default: /* undefined instruction, illegal state, trapped system register... */
		signal_fault(tf, SIGILL, ILL_ILLOPC, tf->elr, esr_class_name(esr));
		return;
	}
}

void return_to_user(struct trap_frame *tf)
{
	irq_enable_local();
	if (sched_need_resched())
		schedule();
	signal_deliver(tf);
}
