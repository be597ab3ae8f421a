/*
 * Tasks and the scheduler.
 *
 * A task is a kernel thread of control: a 32 KiB kernel stack (with an
 * unmapped guard below it, sis/kstack.h), saved
 * callee-saved registers and a state. Each thread of a user process
 * (sis/proc.h) is one task; kernel-only tasks (the boot thread, idle) have
 * no process.
 *
 * Scheduling is round-robin over one run queue. The kernel is uniprocessor
 * and never preempted in kernel mode: a task runs until it sleeps, exits or
 * returns to user space with need_resched set (the timer tick sets it when
 * the task's time slice is used up and someone else is runnable). When no
 * task is runnable the idle task runs softirqs and waits with wfi.
 *
 * Locking: the run queue and task states are touched from IRQ context
 * (wake-ups from ktimers and drivers), so every change masks interrupts.
 */
#ifndef SIS_SCHED_H
#define SIS_SCHED_H

#include <sis/types.h>
#include <sis/list.h>
#include <sis/timer.h>
#include <sis/trap.h>
#include <sis/fpsimd.h>

#define KSTACK_ORDER 3
#define KSTACK_SIZE (4096UL << KSTACK_ORDER) /* 32 KiB */
#define SCHED_SLICE_TICKS 2                  /* 20 ms at HZ 100 */

enum task_state {
	TASK_RUNNING,  /* on the CPU or in the run queue */
	TASK_SLEEPING, /* waiting for wake_up / a deadline / a signal */
	TASK_DEAD,     /* exited; its stack is freed by the next task to run */
};

struct proc;
struct thread;

struct task {
	struct cpu_context ctx;     /* callee-saved registers while switched out */
	enum task_state state;
	struct list_head run_node;  /* in the run queue while runnable and not current */
	void *kstack;               /* lowest address of the stack (kstack_alloc), NULL for boot */
	struct proc *proc;          /* the process it runs, NULL for kernel-only tasks */
	struct thread *thread;      /* its thread of that process (proc_internal.h) */
	const char *name;           /* for kernel-only tasks and logs */
	int slice;                  /* ticks left before preemption */
	u64 tpidr_el0;              /* user TLS pointer, saved while switched out */
	struct fpsimd_state fpsimd; /* user FP/SIMD state; stale while the registers
				     * hold it (fpsimd.c: fpsimd_save_task first) */
	u64 ticks;                  /* timer ticks it was running at (CPU time) */
	/* Sleeping (schedule_sleep): */
	struct ktimer sleep_timer;  /* the deadline, when there is one */
	bool sleep_armed;           /* prepare_to_wait/sched_prepare_sleep since the last sleep */
	bool sleep_interruptible;   /* a signal may end the sleep */
	bool timed_out;             /* the deadline woke it */
	bool woken_by_signal;       /* a signal woke it */
	/* file.c: files whose last reference this task dropped while it held
	 * releases back (file_release_hold), released in one loop after. */
	struct file *release_list;
	unsigned release_hold;
};

/* The running task; NULL before sched_init (early boot). */
extern struct task *current_task;
static inline struct task *current(void) { return current_task; }

/*
 * New task that starts in fn(arg) on a fresh kernel stack, with interrupts
 * enabled. With user set, a zeroed trap frame is reserved at the top of the
 * stack (task_user_frame): when fn returns, the task enters user space
 * through it. Without user, fn must never return (it ends with task_exit).
 * The task is not runnable until sched_start(). NULL on -ENOMEM.
 */
struct task *task_create(const char *name, void (*fn)(void *), void *arg, bool user);
/* The trap frame of a user task: at the top of its kernel stack. */
static inline struct trap_frame *task_user_frame(struct task *t)
{
	return (struct trap_frame *)((char *)t->kstack + KSTACK_SIZE) - 1;
}
/* Free a created task that never ran (an error path after task_create). */
void task_discard(struct task *t);
/* Make a created task runnable. */
void sched_start(struct task *t);

/* Give up the CPU: the current task stays runnable if its state is RUNNING. */
void schedule(void);
/* sched_yield(): move to the back of the run queue. */
void sched_yield(void);
/* True when the current task should call schedule() before user space. */
bool sched_need_resched(void);
/*
 * Called on every exception from user mode, before anything else: a
 * reschedule already due there was missed by the return to user space
 * (return_to_user_final's last check is made with interrupts masked, so
 * none can be). Counted for /proc/sis_sched ("late_resched"), which tests
 * read.
 */
void sched_user_entry(void);
long sched_stats_show(char *buf, size_t size);
/* Mark the current task sleeping without a wait queue, before checking a
 * condition that task_wake() callers change (like prepare_to_wait). */
void sched_prepare_sleep(void);
/* Undo sched_prepare_sleep when the condition already holds. */
void sched_cancel_sleep(void);
/* Make a sleeping task runnable (any context); signal: woken by a signal,
 * only effective for interruptible sleeps. */
void task_wake(struct task *t);
void task_wake_signal(struct task *t);
/* End the current task (after its process was torn down). Never returns. */
void task_exit(void) __attribute__((noreturn));
/* Switch TTBR0 to the current task's address space (after exec changes it). */
void sched_switch_mm(void);
/* Timer ticks (HZ) the CPU spent in the idle task (/proc/uptime). */
u64 sched_idle_ticks(void);

#endif
