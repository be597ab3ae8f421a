/*
 * A user task's FP/SIMD state (V0-V31, FPSR, FPCR), as Linux arm64 keeps it:
 * the kernel never touches these registers (it is built
 * -mgeneral-regs-only, links no C library routine that uses them, and
 * tools/check-fpsimd.py fails the build if any code it can call does), so
 * they stay live across system calls and interrupts. Only a return to
 * user space of a task other than the one whose state the registers hold
 * saves that one's and loads its own (src/arch/aarch64/fpsimd.c says why
 * there, and why not by trapping).
 *
 * Call order for code that reads or writes a task's state (signal frames,
 * fork, exec): fpsimd_save_task(t) before reading t->fpsimd, which is then
 * current; fpsimd_flush_task(t) after writing it, so the next return to
 * user space loads it. A task that goes away calls fpsimd_flush_task too.
 * None of these sleep or need interrupts masked (interrupt handlers never
 * touch the registers or the owner).
 */
#ifndef SIS_FPSIMD_H
#define SIS_FPSIMD_H

#ifndef __ASSEMBLER__
#include <sis/types.h>

struct fpsimd_state {
	__uint128_t v[32];
	u32 fpsr, fpcr; /* the registers are 64-bit; their upper halves are RES0 */
};
#endif

#define FPSIMD_FPSR 512 /* offsetof(struct fpsimd_state, fpsr), for fpsimd.S */

#ifndef __ASSEMBLER__
_Static_assert(__builtin_offsetof(struct fpsimd_state, fpsr) == FPSIMD_FPSR, "fpsimd layout");
_Static_assert(__builtin_offsetof(struct fpsimd_state, fpcr) == FPSIMD_FPSR + 4,
	       "fpsimd layout");

struct task;

/* The registers hold t's state: copy them to t->fpsimd (they stay t's). */
void fpsimd_save_task(struct task *t);
/* t->fpsimd changed, or t goes away: the registers are no longer t's. */
void fpsimd_flush_task(struct task *t);
/* Before eret to EL0, interrupts masked: load the current task's state
 * unless the registers already hold it. */
void fpsimd_restore_current(void);

/* fpsimd.S: the plain copies. */
void fpsimd_save_regs(struct fpsimd_state *st);
void fpsimd_load_regs(const struct fpsimd_state *st);
#endif

#endif
