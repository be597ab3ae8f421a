/*
 * System-call registration. Linux aarch64 ABI: number in x8, arguments in
 * x0-x5, result (or -errno) in x0. Numbers come from <uapi/sis/syscall.h>.
 *
 * Each module defines its handlers where they belong, with typed arguments:
 *
 *	SYSCALL_DEFINE3(getrandom, void *, ubuf, size_t, len, unsigned, flags)
 *	{ ... }
 *
 * defines `static long sys_getrandom(void *ubuf, size_t len, unsigned flags)`
 * and registers it for __NR_getrandom; each argument is converted once, from
 * x0..x5, by a cast to its declared type (an int argument takes the low 32
 * bits, as on Linux). The types are Linux's (fds int, sizes size_t, flags
 * int or unsigned as Linux declares them), so that a register's upper half
 * means what it means there. This is the only way to register a handler.
 *
 * A handler that needs the whole user context (clone copies it, execve and
 * rt_sigreturn replace it, sigaltstack reads sp) finds it with
 * task_user_frame(current_task) (<sis/sched.h>): a system call always comes
 * from user mode, so the frame is the one at the top of the kernel stack.
 * rt_sigreturn is SYSCALL_DEFINE0_FLAGS(rt_sigreturn, SYSCALL_F_SETS_FRAME).
 *
 * syscall_dispatch() finds them through a table built at boot from the
 * "syscall_table" linker section. Unknown numbers return -ENOSYS. A number
 * registered twice is a link error, a number past SYSCALL_NR_LIMIT a
 * compile error.
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

/* Highest number a handler may have, + 1 (the dispatch table's bound). */
#define SYSCALL_NR_LIMIT 4096

/* Each number also defines a global symbol named after it, so a number
 * registered twice is a link error ("multiple definition of sis_syscall_nr_N"). */
#define SYSCALL_NR_SYMBOL_(n) const char sis_syscall_nr_##n __attribute__((used)) = 0
#define SYSCALL_NR_SYMBOL(n) SYSCALL_NR_SYMBOL_(n)

#define SYSCALL_REGISTER(num, handler, label, fl)                                 \
	_Static_assert((num) < SYSCALL_NR_LIMIT, label ": number too large");    \
	SYSCALL_NR_SYMBOL(num);                                                   \
	static const struct syscall_entry __syscall_##handler                     \
		__attribute__((used, section("syscall_table"), aligned(8))) = {   \
			.nr = (num), .fn = (handler), .name = label, .flags = (fl) }

/* SYSCALL_DEFINEn(name, type1, arg1, ...): see the top of this file. */
#define SC_DECL1(t1, a1) t1 a1
#define SC_DECL2(t1, a1, ...) t1 a1, SC_DECL1(__VA_ARGS__)
#define SC_DECL3(t1, a1, ...) t1 a1, SC_DECL2(__VA_ARGS__)
#define SC_DECL4(t1, a1, ...) t1 a1, SC_DECL3(__VA_ARGS__)
#define SC_DECL5(t1, a1, ...) t1 a1, SC_DECL4(__VA_ARGS__)
#define SC_DECL6(t1, a1, ...) t1 a1, SC_DECL5(__VA_ARGS__)

#define SC_CAST1(x, t1, a1) (t1)(x)[0]
#define SC_CAST2(x, t1, a1, ...) (t1)(x)[0], SC_CAST1((x) + 1, __VA_ARGS__)
#define SC_CAST3(x, t1, a1, ...) (t1)(x)[0], SC_CAST2((x) + 1, __VA_ARGS__)
#define SC_CAST4(x, t1, a1, ...) (t1)(x)[0], SC_CAST3((x) + 1, __VA_ARGS__)
#define SC_CAST5(x, t1, a1, ...) (t1)(x)[0], SC_CAST4((x) + 1, __VA_ARGS__)
#define SC_CAST6(x, t1, a1, ...) (t1)(x)[0], SC_CAST5((x) + 1, __VA_ARGS__)

#define SYSCALL_DEFINEx(n, name, ...)                                             \
	static long sys_##name(SC_DECL##n(__VA_ARGS__));                          \
	static long sc_entry_##name(struct trap_frame *tf)                        \
	{                                                                         \
		return sys_##name(SC_CAST##n(tf->x, __VA_ARGS__));                \
	}                                                                         \
	SYSCALL_REGISTER(__NR_##name, sc_entry_##name, "sys_" #name, 0);         \
	static long sys_##name(SC_DECL##n(__VA_ARGS__))

#define SYSCALL_DEFINE0_FLAGS(name, fl)                                           \
	static long sys_##name(void);                                             \
	static long sc_entry_##name(struct trap_frame *tf)                        \
	{                                                                         \
		(void)tf;                                                         \
		return sys_##name();                                              \
	}                                                                         \
	SYSCALL_REGISTER(__NR_##name, sc_entry_##name, "sys_" #name, fl);        \
	static long sys_##name(void)
#define SYSCALL_DEFINE0(name) SYSCALL_DEFINE0_FLAGS(name, 0)
#define SYSCALL_DEFINE1(name, ...) SYSCALL_DEFINEx(1, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...) SYSCALL_DEFINEx(2, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...) SYSCALL_DEFINEx(3, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...) SYSCALL_DEFINEx(4, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...) SYSCALL_DEFINEx(5, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...) SYSCALL_DEFINEx(6, name, __VA_ARGS__)

#endif
