/*
 * Exception vectors (Arm ARM D1.10.2: VBAR_EL1 + 0x000/0x200/0x400/0x600 for
 * current EL with SP0, current EL with SPx, lower EL AArch64, lower EL AArch32),
 * the trap-frame save/restore shared by all of them, and the context switch.
 * SIS runs EL1 on SP_EL1, so the "SP0" entries are never taken.
 * FP/SIMD registers are neither saved nor restored here: the kernel never
 * touches them (sis/fpsimd.h); return_to_user_final loads a task's own
 * when the registers hold another's.
 */
#include <sis/trap.h>
#include <sis/kstack.h>

	.macro	save_frame, el
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	.if \el == 0
	mrs	x21, sp_el0
	.else
	add	x21, sp, #TF_SIZE
	.endif
	stp	x30, x21, [sp, #240]
	mrs	x22, elr_el1
	mrs	x23, spsr_el1
	stp	x22, x23, [sp, #TF_ELR]
	mrs	x24, esr_el1
	mrs	x25, far_el1
	stp	x24, x25, [sp, #TF_ESR]
	/* A frame record so backtraces walk from the handler into the
	 * interrupted code: {fp, elr} of the interrupted context. */
	.if \el == 0
	mov	x29, #0
	.else
	stp	x29, x22, [sp, #-16]!
	mov	x29, sp
	add	sp, sp, #16
	.endif
	mov	x0, sp
	.endm

	.macro	vector, label
	.balign	128
	b	\label
	.endm

	.section .text.vectors, "ax"
	.balign	2048
	.global	vectors
vectors:
	vector	bad_vector	/* EL1t sync */
	vector	bad_vector	/* EL1t irq */
	vector	bad_vector	/* EL1t fiq */
	vector	bad_vector	/* EL1t serror */
	vector	el1_sync_entry
	vector	el1_irq_entry
	vector	bad_vector	/* EL1h fiq */
	vector	el1_serror_entry
	vector	el0_sync_entry
	vector	el0_irq_entry
	vector	bad_vector	/* EL0 fiq */
	vector	el0_serror_entry
	vector	bad_vector	/* AArch32 */
	vector	bad_vector
	vector	bad_vector
	vector	bad_vector

	.text
bad_vector:
	save_frame 1
	bl	trap_bad_vector
	b	.

el1_sync_entry:
	/*
	 * A task stack that ran into its guard (sis/kstack.h) cannot take the
	 * trap frame: test SP before storing anything. No register is free,
	 * so x0 and SP trade places arithmetically (Linux arm64's trick):
	 * sp += x0, x0 = sp - x0 (the old SP), and back the same way.
	 */
	add	sp, sp, x0
	sub	x0, sp, x0
	tbz	x0, #KSTACK_AREA_BIT, 1f	/* not a task stack (boot stack) */
	sub	x0, x0, #1
	tbz	x0, #KSTACK_SIZE_SHIFT, el1_stack_overflow	/* SP-1 in the guard half */
	add	x0, x0, #1
1:	sub	x0, sp, x0
	sub	sp, sp, x0
	save_frame 1
	/* The frame record sits just below the trap frame: keep it. */
	sub	sp, sp, #16
	add	x0, sp, #16
	bl	trap_el1_sync
	add	sp, sp, #16
	b	trap_return_el1

/*
 * SP is in a stack guard (x0 = SP - 1, sp = SP + old x0): restore both, park
 * them in registers nothing else uses while the kernel is dying (TPIDR_EL1;
 * SP_EL0, whose user value is in the trap frame), and build the trap frame
 * on the emergency stack. Never returns.
 */
el1_stack_overflow:
	add	x0, x0, #1
	sub	x0, sp, x0
	sub	sp, sp, x0
	msr	tpidr_el1, x0
	mov	x0, sp
	msr	sp_el0, x0
	adrp	x0, kstack_overflow_stack
	add	x0, x0, :lo12:kstack_overflow_stack
	add	x0, x0, #KSTACK_OVERFLOW_SIZE
	mov	sp, x0
	mrs	x0, tpidr_el1
	save_frame 1
	mrs	x1, sp_el0
	str	x1, [sp, #TF_SP]	/* the overflowed SP, not the emergency one */
	sub	sp, sp, #16
	add	x0, sp, #16
	bl	trap_kstack_overflow
	b	.

el1_irq_entry:
	save_frame 1
	sub	sp, sp, #16
	add	x0, sp, #16
	bl	trap_el1_irq
	add	sp, sp, #16
	b	trap_return_el1

el1_serror_entry:
	save_frame 1
	sub	sp, sp, #16
	add	x0, sp, #16
	bl	trap_serror
	b	.

el0_sync_entry:
	save_frame 0
	bl	trap_el0_sync
	mov	x0, sp
	b	trap_return

el0_irq_entry:
	save_frame 0
	bl	trap_el0_irq
	mov	x0, sp
	b	trap_return

el0_serror_entry:
	save_frame 0
	bl	trap_serror
	b	.

	.macro	restore_regs
	ldp	x22, x23, [sp, #TF_ELR]
	msr	elr_el1, x22
	msr	spsr_el1, x23
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #240]
	.endm

/* Return to EL1 code: IRQs masked until eret restores SPSR. */
trap_return_el1:
	msr	daifset, #2
	restore_regs
	add	sp, sp, #TF_SIZE
	eret

/* void trap_return(struct trap_frame *tf): return to EL0 through tf. */
	.global	trap_return
trap_return:
	mov	sp, x0
	bl	return_to_user_final	/* signals, rescheduling, FP/SIMD; masks IRQs */
	ldr	x21, [sp, #TF_SP]
	msr	sp_el0, x21
	restore_regs
	add	sp, sp, #TF_SIZE
	eret

/* A new task starts here: x19 = function, x20 = argument. */
	.global	ret_from_fork
ret_from_fork:
	bl	sched_new_task_tail
	mov	x0, x20
	blr	x19
	mov	x0, sp
	b	trap_return

/* void cpu_switch(struct cpu_context *prev, struct cpu_context *next) */
	.global	cpu_switch
cpu_switch:
	stp	x19, x20, [x0, #16 * 0]
	stp	x21, x22, [x0, #16 * 1]
	stp	x23, x24, [x0, #16 * 2]
	stp	x25, x26, [x0, #16 * 3]
	stp	x27, x28, [x0, #16 * 4]
	mov	x9, sp
	stp	x29, x9, [x0, #16 * 5]
	str	x30, [x0, #16 * 6]
	ldp	x19, x20, [x1, #16 * 0]
	ldp	x21, x22, [x1, #16 * 1]
	ldp	x23, x24, [x1, #16 * 2]
	ldp	x25, x26, [x1, #16 * 3]
	ldp	x27, x28, [x1, #16 * 4]
	ldp	x29, x9, [x1, #16 * 5]
	mov	sp, x9
	ldr	x30, [x1, #16 * 6]
	ret
