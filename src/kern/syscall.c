/*
 * System-call dispatch (see sis/syscall.h). At INIT_CORE the SYSCALL_DEFINEn
 * entries every module placed in the "syscall_table" section are sorted
 * into a table indexed by number; syscall_dispatch() calls the handler with
 * the trap frame and stores its result in x0. Unknown numbers get -ENOSYS.
 * A handler registered with SYSCALL_F_SETS_FRAME (rt_sigreturn) has put a
 * whole user context in the frame: the dispatcher leaves it untouched, so
 * a restored x0 that happens to equal a restart code is not one.
 *
 * `strace` on the command line logs every call: pid, name, the first three
 * arguments and the result.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/init.h>
#include <sis/cmdline.h>
#include <sis/syscall.h>
#include "proc_internal.h"

extern const struct syscall_entry __start_syscall_table[], __stop_syscall_table[];

static const struct syscall_entry **table; /* indexed by number */
static unsigned long table_size;
static bool strace;

static int strace_option(const char *value)
{
	strace = !value || strcmp(value, "0") != 0;
	return 0;
}
CMDLINE_OPTION("strace", strace_option);

static int syscall_table_init(void)
{
	const struct syscall_entry *e;
	unsigned long max = 0;
	int n = 0;

	/* Numbers are < SYSCALL_NR_LIMIT (checked at compile time) and each
	 * is registered once (a link error otherwise). */
	for (e = __start_syscall_table; e < __stop_syscall_table; e++)
		max = MAX(max, e->nr);
	table_size = max + 1;
	table = kcalloc(table_size, sizeof(*table));
	if (!table)
		panic("syscall: no memory for the dispatch table");
	for (e = __start_syscall_table; e < __stop_syscall_table; e++, n++)
		table[e->nr] = e;
	log_info("syscall: %d system calls", n);
	return 0;
}
INITCALL(INIT_CORE, syscall_table_init);

void syscall_dispatch(struct trap_frame *tf)
{
	u64 nr = tf->x[8];
	const struct syscall_entry *e = nr < table_size ? table[nr] : NULL;
	u64 a0 = tf->x[0], a1 = tf->x[1], a2 = tf->x[2];
	long ret;

	if (e) {
		ret = e->fn(tf);
	} else {
		ret = -ENOSYS;
		log_debug("syscall: pid %d: unknown number %lu", proc_pid(cur_proc()),
			  (unsigned long)nr);
	}
	if (strace)
		log_info("strace: %d %s(%#lx, %#lx, %#lx) = %ld", proc_pid(cur_proc()),
			 e ? e->name : "?", (unsigned long)a0, (unsigned long)a1,
			 (unsigned long)a2, ret);
	if (e && (e->flags & SYSCALL_F_SETS_FRAME))
		return;
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOHAND || ret == -ERESTARTNOINTR)
		ret = signal_syscall_interrupted(ret, a0); /* EINTR, or restarted */
	tf->x[0] = (u64)ret;
}
