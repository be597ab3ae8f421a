/*
 * Raw system calls for the process-layer tests (user/tests/proc_*.c): the
 * Linux aarch64 convention (number in x8, arguments in x0-x5, -errno in x0),
 * bypassing the runtime's errno translation so results can be compared
 * with the kernel ABI's own values (<uapi/sis/errno.h>).
 */
#ifndef PROC_RAW_H
#define PROC_RAW_H

#include "../lib/sis_syscall.h"

/* raw(nr, args...): up to six arguments, the rest are 0; -errno on failure. */
#define raw6 __sis_syscall6
#define raw sis_syscall

/* An address in the kernel half: never accessible from user space. */
#define KERNEL_ADDR 0xffff000040200000UL

#endif
