/*
 * The process table: allocation of processes and pids, lookups, process
 * groups and sessions, and the identity system calls (getpid, setpgid...).
 * Creation is in fork.c and exec.c (start_init), the end of a process in
 * exit.c, signals in signal.c.
 *
 * The list of processes is read from interrupt context (Ctrl-C sends
 * SIGINT to a process group from the console's IRQ handler), so changes to
 * it mask interrupts.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/irq.h>
#include <sis/timer.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <sis/file.h>
#include <sis/procfs.h>
#include <sis/kstack.h>
#include <sis/mm.h>
#include "proc_internal.h"

#define MLOCK_LIMIT (8UL << 20) /* Linux's default RLIMIT_MEMLOCK (since 5.16) */

LIST_HEAD(proc_list);
static int proc_count;
static int thread_count;
static int last_pid;

static bool pid_in_use(int pid)
{
	struct proc *p;
	struct thread *t;

	list_for_each_entry(p, &proc_list, all_node) {
		/* A pid is also busy while it names a process group or session,
		 * and a thread's tid comes from the same space. */
		if (p->pid == pid || p->pgid == pid || p->sid == pid)
			return true;
		list_for_each_entry(t, &p->threads, group_node) {
			if (t->tid == pid)
				return true;
		}
	}
	return false;
}

static int pid_alloc(void)
{
	for (int i = 0; i < PID_MAX; i++) {
		int pid = last_pid + 1 + i;

		if (pid >= PID_MAX)
			pid = pid % PID_MAX + 2; /* wrap; 1 is init's forever */
		if (!pid_in_use(pid)) {
			last_pid = pid;
			return pid;
		}
	}
	return -EAGAIN;
}

/* Linux's set_max_threads: RAM over 8 kernel stacks; below the number of
 * stack slots, with room for the kernel's own tasks. */
static int tasks_by_memory(int at_least)
{
	u64 n = page_total_count() / (8 * (KSTACK_SIZE / PAGE_SIZE));

	return (int)MIN(MAX(n, (u64)at_least), (u64)(KSTACK_SLOTS - 64));
}

int proc_max(void)
{
	return tasks_by_memory(PROC_MIN_MAX);
}

int thread_max(void)
{
	return tasks_by_memory(THREAD_MIN_MAX);
}

void proc_default_rlimits(struct proc *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlimit[i] = (struct linux_rlimit64){ RLIM64_INFINITY, RLIM64_INFINITY };
	p->rlimit[RLIMIT_STACK] = (struct linux_rlimit64){ VM_STACK_SIZE, RLIM64_INFINITY };
	p->rlimit[RLIMIT_MEMLOCK] = (struct linux_rlimit64){ MLOCK_LIMIT, MLOCK_LIMIT };
	p->rlimit[RLIMIT_NOFILE] = (struct linux_rlimit64){ FD_SOFT_DEFAULT, FD_MAX };
	p->rlimit[RLIMIT_NPROC] = (struct linux_rlimit64){ (u64)proc_max(), (u64)proc_max() };
	p->rlimit[RLIMIT_CORE] = (struct linux_rlimit64){ 0, 0 };
	/* queued signals: Linux's max_threads / 2, about RAM / 128 KiB */
	p->rlimit[RLIMIT_SIGPENDING].rlim_cur = MIN(MAX(page_total_count() / 32, 64), 65536);
	p->rlimit[RLIMIT_SIGPENDING].rlim_max = p->rlimit[RLIMIT_SIGPENDING].rlim_cur;
}

struct proc *proc_alloc(void)
{
	struct proc *p;
	unsigned long flags;
	int pid;

	if (proc_count >= proc_max())
		return NULL;
	pid = pid_alloc();
	if (pid < 0)
		return NULL;
	p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->refs = 1; /* the process table's, dropped by proc_free */
	p->pid = p->pgid = p->sid = pid;
	p->state = PROC_ALIVE;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->threads);
	list_init(&p->sig_queue);
	waitq_init(&p->child_wait);
	waitq_init(&p->vfork_wait);
	waitq_init(&p->thread_wait);
	waitq_init(&p->signalfd_wait);
	p->exit_signal = SIGCHLD;
	p->start_ns = time_ns();
	proc_default_rlimits(p);
	p->umask = 022;
	cap_init_root(&p->cred);
	signal_init_proc(p);
	itimer_init_proc(p);
	flags = irq_save();
	list_add_tail(&p->all_node, &proc_list);
	proc_count++;
	irq_restore(flags);
	return p;
}

struct thread *thread_alloc(struct proc *p, struct task *task)
{
	struct thread *t;
	unsigned long flags;
	int tid = p->pid;

	if (thread_count >= thread_max())
		return NULL;
	if (p->nr_threads) {
		tid = pid_alloc();
		if (tid < 0)
			return NULL;
	}
	t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->task = task;
	t->proc = p;
	t->tid = tid;
	/* the creating thread's timer slack (Linux's copy_process) */
	t->timer_slack_ns = current_task && current_task->thread ? current_task->thread->timer_slack_ns
								  : TIMER_SLACK_DEFAULT_NS;
	t->default_slack_ns = t->timer_slack_ns;
	list_init(&t->sig_queue);
	task->proc = p;
	task->thread = t;
	flags = irq_save();
	list_add_tail(&t->group_node, &p->threads);
	p->nr_threads++;
	thread_count++;
	irq_restore(flags);
	return t;
}

/* The caller is t's own task on its way out (or clone's error path): after
 * this no sender finds t. */
void thread_free(struct thread *t)
{
	struct proc *p = t->proc;
	unsigned long flags = irq_save();

	list_del(&t->group_node);
	p->nr_threads--;
	thread_count--;
	p->dead_ticks += t->task->ticks;
	t->task->thread = NULL;
	sigq_flush(&t->sig_queue);
	irq_restore(flags);
	kfree(t);
}

struct thread *thread_find(int tid)
{
	struct proc *p;
	struct thread *t;

	list_for_each_entry(p, &proc_list, all_node) {
		list_for_each_entry(t, &p->threads, group_node) {
			if (t->tid == tid)
				return t;
		}
	}
	return NULL;
}

u64 proc_cpu_ticks(const struct proc *p)
{
	const struct thread *t;
	u64 ticks = p->dead_ticks;

	list_for_each_entry(t, &p->threads, group_node)
		ticks += t->task->ticks;
	return ticks;
}

void proc_get(struct proc *p)
{
	unsigned long flags = irq_save();

	BUG_ON(!p->refs);
	p->refs++;
	irq_restore(flags);
}

void proc_put(struct proc *p)
{
	unsigned long flags = irq_save();
	bool last;

	BUG_ON(!p->refs);
	last = --p->refs == 0;
	irq_restore(flags);
	if (!last)
		return;
	ktimer_cancel(&p->real_timer); /* never armed past exit; cheap to be sure */
	flags = irq_save();
	sigq_flush(&p->sig_queue);
	irq_restore(flags);
	proc_exe_put(p->exe);
	kfree(p);
}

/* Out of the table: no lookup, pid or parent finds p any more. Holders of
 * a reference may still read it (a zombie's fields) until they drop it. */
void proc_free(struct proc *p)
{
	unsigned long flags = irq_save();

	list_del(&p->all_node);
	list_del(&p->sibling);
	list_init(&p->sibling);
	proc_count--;
	irq_restore(flags);
	proc_put(p);
}

struct proc *proc_find(int pid)
{
	struct proc *p;

	list_for_each_entry(p, &proc_list, all_node) {
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

struct proc *proc_init_proc(void)
{
	return proc_find(1);
}

void proc_set_name(struct proc *p, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base && base[1] ? base + 1 : path;
	strncpy(p->name, base, PROC_NAME_LEN - 1);
	p->name[PROC_NAME_LEN - 1] = '\0';
}

struct proc *current_proc(void)
{
	return cur_proc();
}

int proc_pid(const struct proc *p)
{
	return p ? p->pid : 0;
}

struct fd_table *proc_fds(struct proc *p)
{
	return p ? p->fds : NULL;
}

u64 proc_rlimit_cur(const struct proc *p, unsigned resource)
{
	return resource < RLIM_NLIMITS ? p->rlimit[resource].rlim_cur : RLIM64_INFINITY;
}

bool proc_pgrp_exists(int pgid)
{
	struct proc *p;

	list_for_each_entry(p, &proc_list, all_node) {
		if (p->pgid == pgid && p->state == PROC_ALIVE)
			return true;
	}
	return false;
}

bool proc_pgrp_in_session(int pgid, int sid)
{
	struct proc *p;

	list_for_each_entry(p, &proc_list, all_node) {
		if (p->pgid == pgid && p->sid == sid && p->state == PROC_ALIVE)
			return true;
	}
	return false;
}

int proc_current_pgrp(void)
{
	struct proc *p = cur_proc();

	return p ? p->pgid : 0;
}

int proc_current_pid(void)
{
	struct proc *p = cur_proc();

	return p ? p->pid : 0;
}

int proc_current_sid(void)
{
	struct proc *p = cur_proc();

	return p ? p->sid : 0;
}

/* R if any thread can run, S if all sleep. */
char proc_state_char(const struct proc *p)
{
	const struct thread *t;

	if (p->state == PROC_ZOMBIE)
		return 'Z';
	if (p->stopped)
		return 'T';
	list_for_each_entry(t, &p->threads, group_node) {
		if (t->task->state != TASK_SLEEPING)
			return 'R';
	}
	return 'S';
}

int proc_snapshot(struct proc_info *out, int max)
{
	struct proc *p;
	int n = 0;

	list_for_each_entry(p, &proc_list, all_node) {
		if (out && n < max) {
			struct proc_info *i = &out[n];

			i->pid = p->pid;
			i->ppid = p->parent ? p->parent->pid : 0;
			i->pgid = p->pgid;
			i->sid = p->sid;
			i->state = proc_state_char(p);
			memcpy(i->name, p->name, sizeof(i->name));
		}
		n++;
	}
	return n;
}

int proc_live_count(void)
{
	return proc_count;
}

/* ---- identity system calls ---- */

SYSCALL_DEFINE0(getpid)
{
	return cur_proc()->pid;
}

SYSCALL_DEFINE0(gettid)
{
	return cur_thread()->tid;
}

SYSCALL_DEFINE0(getppid)
{
	struct proc *parent = cur_proc()->parent;

	return parent ? parent->pid : 0;
}

SYSCALL_DEFINE1(set_tid_address, u64, tidptr)
{
	struct thread *t = cur_thread();

	t->clear_child_tid = tidptr;
	return t->tid;
}

/*
 * setpgid(pid, pgid): pid 0 is the caller, pgid 0 is pid. The target is the
 * caller or one of its children in the same session, not a session leader;
 * the group must be the target's own pid or an existing group of the
 * caller's session.
 */
SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct proc *self = cur_proc(), *target;

	if (pid < 0 || pgid < 0)
		return -EINVAL;
	target = pid ? proc_find(pid) : self;
	if (!target || (target != self && target->parent != self) ||
	    target->state != PROC_ALIVE)
		return -ESRCH;
	if (!pgid)
		pgid = target->pid;
	if (target->sid != self->sid || target->sid == target->pid)
		return -EPERM;
	if (pgid != target->pid && !proc_pgrp_in_session(pgid, self->sid))
		return -EPERM;
	target->pgid = pgid;
	return 0;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	struct proc *p = pid ? proc_find(pid) : cur_proc();

	if (pid < 0)
		return -EINVAL;
	return p ? p->pgid : -ESRCH;
}

/* getsid(pid): pid 0 is the caller; init's session is 0, as on Linux. */
SYSCALL_DEFINE1(getsid, int, pid)
{
	struct proc *p = pid ? proc_find(pid) : cur_proc();

	if (pid < 0)
		return -ESRCH; /* Linux: find_vpid of a negative number finds none */
	return p ? p->sid : -ESRCH;
}

/* A new session and group led by the caller; -EPERM for a group leader. */
SYSCALL_DEFINE0(setsid)
{
	struct proc *self = cur_proc(), *p;

	list_for_each_entry(p, &proc_list, all_node) {
		if (p->pgid == self->pid)
			return -EPERM;
	}
	self->sid = self->pgid = self->pid;
	return self->sid;
}
