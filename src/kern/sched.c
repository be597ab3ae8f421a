/*
 * The scheduler: tasks, one round-robin run queue, the idle task, the timer
 * tick's preemption of user mode and the context switch (see sis/sched.h).
 *
 * kmain's own context becomes the "boot" task at INIT_CORE, so boot code may
 * sleep (DHCP waits for its lease during INIT_NET); the idle task runs
 * whenever nothing else can. The current task is never in the run queue.
 */
#include <sis/kernel.h>
#include <sis/sched.h>
#include <sis/init.h>
#include <sis/irq.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/arch.h>
#include <sis/softirq.h>
#include <sis/vm.h>
#include <sis/kstack.h>
#include "proc_internal.h"

#define STACK_CANARY 0x4b41545353495321UL /* "!SISSTAK", at each stack's lowest word */

struct task *current_task;
static LIST_HEAD(run_queue);
static struct task boot_task;
static struct task *idle_task;
static volatile bool need_resched;
static struct task *dead_task;  /* exited; freed by whoever runs after it */

static void sleep_timeout(struct ktimer *kt);

static void task_init_common(struct task *t, const char *name)
{
	t->name = name;
	t->state = TASK_RUNNING;
	t->slice = SCHED_SLICE_TICKS;
	list_init(&t->run_node);
	ktimer_init(&t->sleep_timer, sleep_timeout);
}

struct task *task_create(const char *name, void (*fn)(void *), void *arg, bool user)
{
	struct task *t = kzalloc(sizeof(*t));
	u64 top;

	if (!t)
		return NULL;
	t->kstack = kstack_alloc(user); /* guarded: see sis/kstack.h */
	if (!t->kstack) {
		kfree(t);
		return NULL;
	}
	*(u64 *)t->kstack = STACK_CANARY;
	task_init_common(t, name);
	top = (u64)t->kstack + KSTACK_SIZE;
	if (user) {
		top -= sizeof(struct trap_frame);
		memset((void *)top, 0, sizeof(struct trap_frame));
	}
	/* First switch lands in ret_from_fork with fn in x19, arg in x20. */
	t->ctx.sp = top;
	t->ctx.lr = (u64)ret_from_fork;
	t->ctx.x19 = (u64)fn;
	t->ctx.x20 = (u64)arg;
	return t;
}

static void task_free(struct task *t)
{
	if (t == &boot_task)
		return; /* static, on the boot stack */
	ktimer_cancel(&t->sleep_timer);
	fpsimd_flush_task(t); /* the registers' owner must not be freed memory */
	kstack_free(t->kstack);
	kfree(t);
}

void task_discard(struct task *t)
{
	task_free(t);
}

u64 sched_idle_ticks(void)
{
	return idle_task ? idle_task->ticks : 0;
}

static void check_stack(struct task *t)
{
	if (t->kstack && *(u64 *)t->kstack != STACK_CANARY)
		panic("sched: kernel stack overflow in task %s", t->name);
}

void sched_start(struct task *t)
{
	unsigned long flags = irq_save();

	t->state = TASK_RUNNING;
	list_add_tail(&t->run_node, &run_queue);
	irq_restore(flags);
}

/* Runs in the task that just got the CPU, before anything else it does. */
static void finish_switch(void)
{
	if (dead_task) {
		task_free(dead_task);
		dead_task = NULL;
	}
}

/* First code of every new task (called from ret_from_fork in vectors.S). */
void sched_new_task_tail(void)
{
	finish_switch();
	irq_enable_local();
}

static struct vm_space *task_vm(struct task *t)
{
	return t->proc ? t->proc->vm : NULL;
}

/* IRQs masked. Returns in prev's context when prev runs again. */
static void switch_to(struct task *prev, struct task *next)
{
	prev->tpidr_el0 = read_sysreg(tpidr_el0);
	write_sysreg(tpidr_el0, next->tpidr_el0);
	if (task_vm(prev) != task_vm(next) || !task_vm(next))
		vm_activate(task_vm(next));
	if (prev->state == TASK_DEAD)
		dead_task = prev;
	current_task = next;
	cpu_switch(&prev->ctx, &next->ctx);
	finish_switch();
}

void schedule(void)
{
	unsigned long flags = irq_save();
	struct task *prev = current_task, *next = idle_task;

	check_stack(prev);
	if (prev->state == TASK_RUNNING && prev != idle_task)
		list_add_tail(&prev->run_node, &run_queue);
	if (!list_empty(&run_queue)) {
		next = list_first_entry(&run_queue, struct task, run_node);
		list_del(&next->run_node);
	}
	need_resched = false;
	next->slice = SCHED_SLICE_TICKS;
	if (next != prev)
		switch_to(prev, next);
	irq_restore(flags);
}

void sched_yield(void)
{
	schedule();
}

bool sched_need_resched(void)
{
	return need_resched;
}

static unsigned long late_resched; /* user-mode entries with a switch due */

void sched_user_entry(void)
{
	if (need_resched)
		late_resched++;
}

/* /proc/sis_sched: SIS's own scheduler counters (no Linux file has them). */
long sched_stats_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "late_resched %lu\n", late_resched);
}

void sched_switch_mm(void)
{
	unsigned long flags = irq_save();

	vm_activate(task_vm(current_task));
	irq_restore(flags);
}

void sched_prepare_sleep(void)
{
	unsigned long flags = irq_save();

	if (!current_task->sleep_armed) {
		current_task->state = TASK_SLEEPING;
		current_task->sleep_armed = true;
	}
	irq_restore(flags);
}

void sched_cancel_sleep(void)
{
	unsigned long flags = irq_save();

	current_task->state = TASK_RUNNING;
	current_task->sleep_armed = false;
	irq_restore(flags);
}

void task_wake(struct task *t)
{
	unsigned long flags = irq_save();

	if (t->state == TASK_SLEEPING) {
		t->state = TASK_RUNNING;
		/* The current task may be woken between prepare_to_wait and
		 * schedule_sleep: it is still on the CPU, not queued. */
		if (t != current_task) {
			list_add_tail(&t->run_node, &run_queue);
			if (current_task != idle_task)
				need_resched = true;
		}
	}
	irq_restore(flags);
}

void task_wake_signal(struct task *t)
{
	unsigned long flags = irq_save();

	if (t->state == TASK_SLEEPING && t->sleep_interruptible) {
		t->woken_by_signal = true;
		task_wake(t);
	}
	irq_restore(flags);
}

static void sleep_timeout(struct ktimer *kt)
{
	struct task *t = container_of(kt, struct task, sleep_timer);

	if (t->state == TASK_SLEEPING) {
		t->timed_out = true;
		task_wake(t);
	}
}

void task_exit(void)
{
	irq_disable_local();
	current_task->state = TASK_DEAD;
	schedule();
	panic("sched: dead task %s ran again", current_task->name);
}

/*
 * Timer tick (IRQ context): charge the tick and, when the slice is used up
 * and another task waits, ask for a switch on the way back to user space.
 */
void sched_tick(void)
{
	struct task *t = current_task;

	if (!t)
		return;
	t->ticks++;
	if (t == idle_task)
		return;
	if (--t->slice <= 0) {
		t->slice = SCHED_SLICE_TICKS;
		if (!list_empty(&run_queue))
			need_resched = true;
	}
}

/*
 * The idle task: run deferred work, then sleep until an interrupt. IRQs are
 * masked between the check and wfi, so a wake-up cannot slip in between (a
 * pending interrupt ends wfi even while masked).
 */
static void idle_main(void *arg)
{
	(void)arg;
	for (;;) {
		softirq_run_pending();
		irq_disable_local();
		if (list_empty(&run_queue) && !softirq_pending())
			wfi();
		irq_enable_local();
		if (!list_empty(&run_queue))
			schedule();
	}
}

static int sched_init(void)
{
	task_init_common(&boot_task, "boot");
	current_task = &boot_task;
	idle_task = task_create("idle", idle_main, NULL, false);
	if (!idle_task)
		panic("sched: no memory for the idle task");
	log_info("sched: round-robin, %lu ms slices, %lu KiB kernel stacks",
		 (unsigned long)(SCHED_SLICE_TICKS * 1000 / HZ), KSTACK_SIZE >> 10);
	return 0;
}
INITCALL(INIT_CORE, sched_init);
