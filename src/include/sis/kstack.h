/*
 * Kernel stacks with guard pages (arch/aarch64/mmu.c).
 *
 * Every task's stack lives in its own slot of a dedicated TTBR1 area, away
 * from the linear map: a slot is 2 * KSTACK_SIZE, naturally aligned, the
 * stack in its upper half and the lower half never mapped. An overflow runs
 * into the unmapped half and faults instead of overwriting whatever lies
 * below. The exception vector recognises that case without touching the
 * stack (bit KSTACK_AREA_BIT of SP set: a task stack; bit KSTACK_SIZE_SHIFT
 * of SP-1 clear: the guard half) and switches to an emergency stack to
 * report it (traps.c, like Linux arm64's overflow stack).
 *
 * kstack_alloc() returns the lowest address of a fresh KSTACK_SIZE stack
 * (not zeroed) or NULL when pages or slots run out, or, for a user task
 * (user set), when it would take the kernel's reserve (page_user_may_alloc);
 * kstack_free() takes it back. Process context only.
 */
#ifndef SIS_KSTACK_H
#define SIS_KSTACK_H

#define KSTACK_SIZE_SHIFT 15                  /* 32 KiB stacks */
#define KSTACK_AREA_BIT 47                    /* set in area addresses only */
#define KSTACK_AREA_BASE 0xffff800000000000UL /* far above the linear map */
#define KSTACK_SLOTS 2048                     /* stacks at once (tasks) */
#define KSTACK_OVERFLOW_SIZE 16384            /* the emergency stack */

#ifndef __ASSEMBLER__
#include <sis/types.h>

#define KSTACK_SLOT_SIZE (2UL << KSTACK_SIZE_SHIFT)

void *kstack_alloc(bool user);
void kstack_free(void *stack);
/* Is addr in the unmapped guard half of a kernel stack slot? */
bool kstack_in_guard(u64 addr);
#endif

#endif
