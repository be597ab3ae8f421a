/*
 * The trap frame: everything an exception saves, on the kernel stack of the
 * task that took it. Layout is shared with vectors.S (offsets asserted below).
 * No FP/SIMD state: the kernel never touches those registers, so a user
 * task's values stay in them across the exception (sis/fpsimd.h).
 */
#ifndef SIS_TRAP_H
#define SIS_TRAP_H

#ifndef __ASSEMBLER__
#include <sis/types.h>
#endif

#ifndef __ASSEMBLER__
struct trap_frame {
	u64 x[31];   /* x0..x30 */
	u64 sp;      /* SP_EL0 for traps from EL0; the old SP for traps from EL1 */
	u64 elr;     /* return address */
	u64 spsr;    /* saved PSTATE */
	u64 esr;     /* syndrome */
	u64 far;     /* fault address */
};

#endif
#define TF_SP 248
#define TF_ELR 256
#define TF_SPSR 264
#define TF_ESR 272
#define TF_FAR 280
#define TF_SIZE 288 /* a multiple of 16: SP stays aligned (SCTLR_EL1.SA) */

#ifndef __ASSEMBLER__
_Static_assert(__builtin_offsetof(struct trap_frame, sp) == TF_SP, "trap frame layout");
_Static_assert(__builtin_offsetof(struct trap_frame, far) == TF_FAR, "trap frame layout");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame layout");
#endif

#ifndef __ASSEMBLER__
/* Callee-saved state switched by cpu_switch() (AAPCS64 x19-x30, sp). */
struct cpu_context {
	u64 x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	u64 fp, sp, lr;
};

/* Save prev's callee-saved registers, load next's, return into next. */
void cpu_switch(struct cpu_context *prev, struct cpu_context *next);
/*
 * A new task's first cpu_switch() lands here (put it in context.lr with the
 * function to run in x19 and its argument in x20). If that function returns,
 * the task returns to user space through the trap frame at its stack pointer.
 */
void ret_from_fork(void);
/* Restore the trap frame at sp and eret (never returns). */
void trap_return(struct trap_frame *tf) __attribute__((noreturn));

/* Exception classes (ESR_ELx.EC, Arm ARM D17.2.37). */
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_FP 0x07
#define EC_ILLEGAL 0x0e
#define EC_SVC64 0x15
#define EC_SYS64 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR 0x2f
#define EC_BRK64 0x3c
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)

/*
 * Hooks the process layer provides (weak defaults in traps.c):
 *  - syscall_dispatch: handle SVC from EL0 (number in x8, result in x0);
 *  - user_fault: an EL0 exception that is not a syscall (abort, undefined
 *    instruction...): deliver a signal / kill the process;
 *  - return_to_user: last work before eret to EL0 (signals, rescheduling).
 */
void syscall_dispatch(struct trap_frame *tf);
void user_fault(struct trap_frame *tf);
void return_to_user(struct trap_frame *tf);
/* Called from the timer tick in IRQ context (scheduler accounting). */
void sched_tick(void);

const char *esr_class_name(u64 esr);
void dump_trap_frame(const struct trap_frame *tf);
void backtrace_from(u64 fp, u64 pc);
const char *ksym_lookup(u64 addr, u64 *offset);

#endif /* __ASSEMBLER__ */
#endif
