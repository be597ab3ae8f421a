/*
 * User FP/SIMD state, switched lazily at the return to user space
 * (sis/fpsimd.h), as Linux arm64 does on one CPU (its fpsimd_last_state
 * and TIF_FOREIGN_FPSTATE): the registers belong to fpsimd_owner, and a
 * task's own copy in memory is stale while it is the owner.
 *
 * Why not trap instead: CPACR_EL1.FPEN (Arm ARM D17.2.30, bits [21:20])
 * could be set to 0b01 after each switch, so that the next task's first
 * FP/SIMD instruction at EL0 traps (ESR_EL1.EC 0x07) and only then swaps
 * the state; 0b11, which boot.S sets, traps nothing. But glibc and
 * picolibc use SIMD in memcpy, strlen and memchr, so nearly every task
 * would take that trap after nearly every switch: one more exception
 * round trip (and an ISB for each FPEN write) to save one 1 KiB copy it
 * then makes anyway. Checking the owner at the return to user space costs
 * a compare, and nothing at all when the task that returns is the one
 * that last ran in user space (a task, the idle task, the same task: the
 * common case of a server that sleeps in poll()).
 *
 * Interrupts: handlers never touch the registers (check-fpsimd.py) and
 * never change the owner, so the save and flush need no masking; the
 * restore runs masked only because it is the last step before eret.
 */
#include <sis/kernel.h>
#include <sis/fpsimd.h>
#include <sis/sched.h>

/* The task whose user state the registers hold; NULL when nobody's. */
static struct task *fpsimd_owner;

void fpsimd_save_task(struct task *t)
{
	if (fpsimd_owner == t)
		fpsimd_save_regs(&t->fpsimd);
}

void fpsimd_flush_task(struct task *t)
{
	if (fpsimd_owner == t)
		fpsimd_owner = NULL;
}

void fpsimd_restore_current(void)
{
	struct task *t = current_task;

	if (fpsimd_owner == t)
		return;
	if (fpsimd_owner)
		fpsimd_save_regs(&fpsimd_owner->fpsimd);
	fpsimd_load_regs(&t->fpsimd);
	fpsimd_owner = t;
}
