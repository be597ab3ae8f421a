/*
 * Exception dispatch, the panic dump and the frame-pointer backtrace.
 *
 * EL1 synchronous exceptions are kernel bugs (panic with a decoded dump;
 * a kernel stack overflow is reported from the emergency stack, see
 * sis/kstack.h), except the semihosting HLT probe, which is skipped when QEMU has
 * semihosting disabled. EL0 exceptions go to the process layer's hooks:
 * syscall_dispatch() for SVC, user_fault() for the rest.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/trap.h>
#include <sis/irq.h>
#include <sis/softirq.h>
#include <sis/arch.h>
#include <sis/mm.h>
#include <sis/init.h>
#include <sis/sched.h>
#include <sis/kstack.h>
#include <sis/proc.h>
#include <sis/fpsimd.h>

extern char _text[], _etext[];
extern const u64 ksyms_count;
extern const u64 ksyms_addrs[];
extern const u32 ksyms_names[];

static const char *const ec_names[64] = {
	[EC_UNKNOWN] = "unknown/undefined instruction",
	[EC_WFX] = "WFI/WFE",
	[EC_FP] = "FP/SIMD access",
	[EC_ILLEGAL] = "illegal execution state",
	[EC_SVC64] = "SVC (AArch64)",
	[EC_SYS64] = "MSR/MRS/system instruction",
	[EC_IABT_LOW] = "instruction abort from EL0",
	[EC_IABT_CUR] = "instruction abort from EL1",
	[EC_PC_ALIGN] = "PC alignment fault",
	[EC_DABT_LOW] = "data abort from EL0",
	[EC_DABT_CUR] = "data abort from EL1",
	[EC_SP_ALIGN] = "SP alignment fault",
	[EC_SERROR] = "SError",
	[EC_BRK64] = "BRK (AArch64)",
};

const char *esr_class_name(u64 esr)
{
	const char *n = ec_names[ESR_EC(esr)];
	return n ? n : "reserved/other";
}

static const char *abort_status(u64 esr)
{
	unsigned dfsc = esr & 0x3f;

	switch (dfsc >> 2) {
	case 0:
		return "address size fault";
	case 1:
		return "translation fault";
	case 2:
		return "access flag fault";
	case 3:
		return "permission fault";
	default:
		return dfsc == 0x21 ? "alignment fault" : "other fault";
	}
}

const char *ksym_lookup(u64 addr, u64 *offset)
{
	u64 lo = 0, hi = ksyms_count;

	if (!ksyms_count || addr < ksyms_addrs[0] || addr >= (u64)_etext)
		return NULL;
	while (hi - lo > 1) {
		u64 mid = (lo + hi) / 2;
		if (ksyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_addrs[lo];
	return (const char *)&ksyms_names[ksyms_count] + ksyms_names[lo];
}

static void print_addr(const char *prefix, u64 addr)
{
	u64 off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		kprintf("%s%016lx  %s+0x%lx\n", prefix, addr, name, off);
	else
		kprintf("%s%016lx\n", prefix, addr);
}

static bool kernel_addr_ok(u64 a)
{
	return a >= KVA_BASE && IS_ALIGNED(a, 8);
}

void backtrace_from(u64 fp, u64 pc)
{
	kprintf("Backtrace:\n");
	print_addr("  ", pc);
	for (int depth = 0; depth < 32 && fp && kernel_addr_ok(fp); depth++) {
		const u64 *rec = (const u64 *)fp;
		u64 next = rec[0], lr = rec[1];

		if (!lr)
			break;
		print_addr("  ", lr - 4);
		if (next <= fp)
			break;
		fp = next;
	}
}

void dump_trap_frame(const struct trap_frame *tf)
{
	u64 esr = tf->esr;

	kprintf("ESR %016lx  EC 0x%02lx (%s)  ISS 0x%07lx\n", esr, ESR_EC(esr),
		esr_class_name(esr), esr & 0x1ffffff);
	if (ESR_EC(esr) >= EC_IABT_LOW && ESR_EC(esr) <= EC_DABT_CUR)
		kprintf("  %s, %s access\n", abort_status(esr),
			(esr & (1 << 6)) ? "write" : "read");
	kprintf("FAR %016lx\n", tf->far);
	print_addr("ELR ", tf->elr);
	kprintf("SPSR %016lx  SP %016lx\n", tf->spsr, tf->sp);
	for (int i = 0; i < 31; i += 2) {
		if (i == 30)
			kprintf("x30 %016lx\n", tf->x[30]);
		else
			kprintf("x%-2d %016lx  x%-2d %016lx\n", i, tf->x[i], i + 1, tf->x[i + 1]);
	}
}

/* The stack el1_stack_overflow (vectors.S) reports on; one CPU, one stack. */
char kstack_overflow_stack[KSTACK_OVERFLOW_SIZE] __attribute__((aligned(16)));

/* Semihosting probe: see power.c. */
extern char semihost_hlt_insn[];
extern bool semihost_trapped;

static __noreturn void die_with_frame(const char *what, struct trap_frame *tf)
{
	irq_disable_local();
	kprintf("\nKERNEL PANIC: %s\n", what);
	dump_trap_frame(tf);
	backtrace_from(tf->x[29], tf->elr);
	machine_poweroff(99);
}

static const char *task_name(void)
{
	struct task *t = current();

	return t && t->name ? t->name : "?";
}

/* An EL1 exception with SP in a kernel stack's guard (vectors.S). */
void trap_kstack_overflow(struct trap_frame *tf)
{
	irq_disable_local();
	kprintf("\nKERNEL PANIC: kernel stack overflow in task %s (pid %d): SP %016lx is in "
		"the unmapped guard below its stack\n",
		task_name(), current() && current()->proc ? proc_pid(current()->proc) : 0,
		tf->sp);
	dump_trap_frame(tf);
	backtrace_from(tf->x[29], tf->elr);
	machine_poweroff(99);
}

void trap_el1_sync(struct trap_frame *tf)
{
	if (ESR_EC(tf->esr) == EC_UNKNOWN && tf->elr == (u64)semihost_hlt_insn) {
		semihost_trapped = true;
		tf->elr += 4;
		return;
	}
	if (ESR_EC(tf->esr) == EC_DABT_CUR && kstack_in_guard(tf->far)) {
		kprintf("\nFAR is in a kernel stack guard: task %s overflowed its stack\n",
			task_name());
		die_with_frame("kernel stack overflow (access below the stack)", tf);
	}
	die_with_frame(esr_class_name(tf->esr), tf);
}

void trap_serror(struct trap_frame *tf)
{
	die_with_frame("SError", tf);
}

void trap_bad_vector(struct trap_frame *tf)
{
	die_with_frame("unexpected exception vector", tf);
}

void gic_handle_irq(void);

void trap_el1_irq(struct trap_frame *tf)
{
	(void)tf;
	gic_handle_irq();
	softirq_run_pending();
}

void trap_el0_sync(struct trap_frame *tf)
{
	sched_user_entry();
	irq_enable_local();
	if (ESR_EC(tf->esr) == EC_SVC64)
		syscall_dispatch(tf);
	else
		user_fault(tf);
}

void trap_el0_irq(struct trap_frame *tf)
{
	(void)tf;
	sched_user_entry();
	gic_handle_irq();
	softirq_run_pending();
}

/*
 * The last check before eret is made with IRQs masked, and the work is done
 * again until it finds nothing (Linux's exit_to_user_mode_loop): an
 * interrupt taken during return_to_user (inside schedule(), as the task
 * that gets the CPU resumes there) may wake a task and set need_resched
 * after return_to_user looked; eret'ing anyway left the woken task waiting
 * for the next tick (a ping reply behind a CPU-bound task: 10 ms).
 */
void return_to_user_final(struct trap_frame *tf)
{
	for (;;) {
		return_to_user(tf);
		irq_disable_local();
		if (!sched_need_resched())
			break;
	}
	fpsimd_restore_current();
}

/* Defaults until the process layer provides these. */
__attribute__((weak)) void syscall_dispatch(struct trap_frame *tf)
{
	tf->x[0] = (u64)-ENOSYS;
}

__attribute__((weak)) void user_fault(struct trap_frame *tf)
{
	die_with_frame("user exception without a process layer", tf);
}

__attribute__((weak)) void return_to_user(struct trap_frame *tf)
{
	(void)tf;
}

__attribute__((weak)) void sched_tick(void)
{
}

__attribute__((weak)) void sched_new_task_tail(void)
{
}
