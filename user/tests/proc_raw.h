/*
 * Raw system calls for the process-layer tests (user/tests/proc_*.c): the
 * Linux aarch64 convention (number in x8, arguments in x0-x5, -errno in x0),
 * bypassing the runtime's errno translation so results can be compared
 * with the kernel ABI's own values (<uapi/sis/errno.h>).
 */
#ifndef PROC_RAW_H
#define PROC_RAW_H

#include <uapi/sis/syscall.h>

static inline long raw6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}

#define RAW_(n, a, b, c, d, e, f, ...) \
	raw6((long)(n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
/* raw(nr, args...): up to six arguments, the rest are 0. */
#define raw(...) RAW_(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)

/* An address in the kernel half: never accessible from user space. */
#define KERNEL_ADDR 0xffff000040200000UL

#endif
