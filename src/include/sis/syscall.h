/*
 * System-call registration. Linux aarch64 ABI: number in x8, arguments in
 * x0-x5, result (or -errno) in x0. Numbers come from <uapi/sis/syscall.h>.
 *
 * Each module defines its handlers where they belong:
 *
 *	static long sys_getpid(struct trap_frame *tf) { ... }
 *	SYSCALL(__NR_getpid, sys_getpid);
 *
 * and syscall_dispatch() finds them through a table built at boot from the
 * "syscall_table" linker section. Unknown numbers return -ENOSYS.
 */
#ifndef SIS_SYSCALL_H
#define SIS_SYSCALL_H

#include <sis/types.h>
#include <sis/trap.h>
#include <uapi/sis/syscall.h>

typedef long (*syscall_fn_t)(struct trap_frame *tf);

struct syscall_entry {
	unsigned long nr;
	syscall_fn_t fn;
	const char *name;
	unsigned flags; /* SYSCALL_F_* */
};

/* The handler rewrote the whole user context (rt_sigreturn): its return
 * value is neither stored in x0 nor read as a restart code. */
#define SYSCALL_F_SETS_FRAME 1u

/* Each number also defines a global symbol named after it, so a number
 * registered twice is a link error ("multiple definition of sis_syscall_nr_N"). */
#define SYSCALL_NR_SYMBOL_(n) const char sis_syscall_nr_##n __attribute__((used)) = 0
#define SYSCALL_NR_SYMBOL(n) SYSCALL_NR_SYMBOL_(n)

#define SYSCALL_FLAGS(num, handler, fl)                                           \
	SYSCALL_NR_SYMBOL(num);                                                   \
	static const struct syscall_entry __syscall_##handler                     \
		__attribute__((used, section("syscall_table"), aligned(8))) = {   \
			.nr = (num), .fn = (handler), .name = #handler, .flags = (fl) }
#define SYSCALL(num, handler) SYSCALL_FLAGS(num, handler, 0)

/* Argument accessors. */
#define SC_ARG(tf, i) ((tf)->x[(i)])

#endif
