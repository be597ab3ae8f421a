/*
 * Internal to the SIS user runtime: the system-call instruction and the
 * error convention. Linux aarch64 ABI: number in x8, arguments in x0-x5,
 * svc #0, result in x0; results in [-4095, -1] are -errno (Linux values).
 * Numbers come from <uapi/sis/syscall.h>, never re-typed.
 */
#ifndef SIS_USER_SYSCALL_H
#define SIS_USER_SYSCALL_H

#include <uapi/sis/syscall.h>

static inline long __sis_syscall6(long n, long a, long b, long c, long d, long e, long f)
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

/* sis_syscall(nr, args...): up to six arguments, the rest are 0. */
#define __SIS_SC(n, a, b, c, d, e, f, ...) \
	__sis_syscall6((long)(n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define sis_syscall(...) __SIS_SC(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)

/*
 * The usual libc convention: a -errno result sets errno (translated from
 * Linux's numbering to picolibc's) and becomes -1; anything else passes.
 */
long __sis_ret(long r);
#define sis_call(...) __sis_ret(sis_syscall(__VA_ARGS__))

/* errno for picolibc from a positive Linux errno. */
int __sis_errno_from_linux(int e);

#endif
