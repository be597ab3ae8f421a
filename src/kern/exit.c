/*
 * The end of threads and processes: exit (one thread), exit_group and
 * death by signal (the whole group), zombies, orphans adopted by init (or
 * a PR_SET_CHILD_SUBREAPER ancestor, with PR_SET_PDEATHSIG signals), and
 * wait4. When init (pid 1) ends, the machine powers off with its exit
 * status (128 + signal if a signal killed it).
 *
 * A group exit marks the process (group_exit) and puts SIGKILL into every
 * other thread, waking it; each ends on its way back to user space. Every
 * thread releases its own robust locks and clear_child_tid while the
 * address space is still there; the last one to end tears the process down
 * and makes it a zombie, which wait4 then sees.
 */
#include <sis/kernel.h>
#include <sis/tty.h>
#include <sis/log.h>
#include <sis/irq.h>
#include <sis/init.h>
#include <sis/file.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <uapi/sis/wait.h>
#include "proc_internal.h"

void proc_release_vfork(struct proc *p)
{
	struct proc *parent = p->vfork_parent;

	if (parent) {
		p->vfork_parent = NULL;
		wake_up(&parent->vfork_wait);
		proc_put(parent); /* taken by clone */
	}
}

static __noreturn void init_ended(struct proc *p, int wait_status)
{
	int sig = wait_status & 0x7f;
	int status = sig ? 128 + sig : (wait_status >> 8) & 0xff;

	if (sig)
		log_info("init: %s (pid 1) killed by %s", p->name, signal_name(sig));
	else
		log_info("init: %s (pid 1) exited with status %d", p->name, status);
	kernel_poweroff(status);
}

/* Who adopts p's children: the nearest live ancestor that is a child
 * subreaper (PR_SET_CHILD_SUBREAPER), else init (Linux's find_new_reaper). */
static struct proc *find_reaper(struct proc *p)
{
	struct proc *init = proc_init_proc();

	for (struct proc *r = p->parent; r && r != init; r = r->parent)
		if (r->child_subreaper && r->state == PROC_ALIVE && !r->group_exit)
			return r;
	return init;
}

/* Give p's children to their reaper, each one that asked for it getting its
 * PR_SET_PDEATHSIG signal; zombies among them are the reaper's to reap now. */
static void reparent_children(struct proc *p)
{
	struct proc *reaper = find_reaper(p), *c, *n;
	struct sig_origin o = { .code = SI_USER, .pid = p->pid, .uid = p->cred.uid[0] };
	bool zombies = false;
	unsigned long flags = irq_save();

	list_for_each_entry_safe(c, n, &p->children, sibling) {
		list_del(&c->sibling);
		c->parent = reaper;
		list_add_tail(&c->sibling, &reaper->children);
		zombies |= c->state == PROC_ZOMBIE;
		if (c->pdeath_sig && c->state == PROC_ALIVE)
			signal_send_proc(c, c->pdeath_sig, &o);
	}
	irq_restore(flags);
	if (zombies)
		wake_up(&reaper->child_wait);
}

/* The parent said it does not want zombies (SIGCHLD ignored / SA_NOCLDWAIT). */
static bool parent_autoreaps(const struct proc *parent)
{
	const struct k_sigaction *ka = &parent->sig_action[SIGCHLD - 1];

	return ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT);
}

static void release_resources(struct proc *p)
{
	struct vm_space *vm = p->vm;

	proc_release_vfork(p);
	if (p->fds) {
		fd_table_release(p->fds); /* may sleep (e.g. socket linger) */
		p->fds = NULL;
	}
	if (vm) {
		p->vm = NULL;
		sched_switch_mm(); /* off the tables before they may go */
		vm_put(vm);
	}
}

/*
 * Tell p's parent that p is a zombie now (or reap p at once if the parent
 * does not want zombies). Interrupts are masked by the caller and nothing
 * here sleeps, so the parent read here stays valid to the end: only
 * process context reaps or reparents, and it cannot run before task_exit.
 */
static void notify_parent(struct proc *p, u64 ticks)
{
	struct proc *parent = p->parent;
	struct sig_origin o = { .code = SI_KERNEL, .pid = p->pid };

	if (parent_autoreaps(parent)) {
		parent->child_ticks += ticks;
		proc_free(p);
		return;
	}
	p->child_ticks += ticks;
	if (p->exit_signal)
		signal_send_proc(parent, p->exit_signal, &o);
	wake_up(&parent->child_wait);
}

/* The last thread t of p is ending: p becomes a zombie. */
static __noreturn void proc_teardown(struct proc *p, struct thread *t, int wait_status)
{
	struct task *task = current_task;

	if (p->pid == 1)
		init_ended(p, wait_status);
	itimer_exit(p);
	/* May sleep (a socket's SO_LINGER): meanwhile the parent may exit,
	 * hand p to init and be reaped, so p->parent is only read after. */
	release_resources(p);
	if (p->pid == p->sid)
		tty_session_end(p->sid); /* after its files: a pty slave among them */
	reparent_children(p);
	irq_disable_local();
	thread_free(t);
	p->wait_status = wait_status;
	p->state = PROC_ZOMBIE;
	task->proc = NULL;
	notify_parent(p, p->dead_ticks);
	task_exit();
}

void thread_exit(int wait_status)
{
	struct thread *t = cur_thread();
	struct proc *p = t->proc;

	if (p->vm) {
		futex_exit_robust_list(t->robust_list, t->tid);
		/* Linux's mm_release: only if someone else uses the memory */
		if (p->nr_threads > 1 || p->vm->refs > 1)
			futex_clear_child_tid(t->clear_child_tid);
	}
	if (t->tid == p->pid && !p->group_exit) {
		p->leader_exited = true;
		p->leader_exit_status = wait_status;
	}
	if (p->nr_threads == 1) {
		if (p->group_exit)
			wait_status = p->group_exit_status;
		else if (p->leader_exited)
			wait_status = p->leader_exit_status; /* Linux reports the leader's */
		proc_teardown(p, t, wait_status);
	}
	irq_disable_local();
	thread_free(t);
	current_task->proc = NULL;
	wake_up(&p->thread_wait); /* execve may wait for us */
	task_exit();
}

void proc_exit(int wait_status)
{
	struct thread *self = cur_thread();
	struct proc *p = self->proc;

	if (p->group_exit || (p->exec_thread && p->exec_thread != self))
		thread_exit(wait_status); /* already ending, or killed by execve */
	if (p->pid == 1)
		init_ended(p, wait_status);
	p->group_exit = true;
	p->group_exit_status = wait_status;
	signal_kill_threads(p, self);
	thread_exit(wait_status);
}

int thread_exec_kill_others(void)
{
	struct thread *self = cur_thread();
	struct proc *p = self->proc;
	struct waiter w;
	int err = 0;

	if (p->nr_threads > 1) {
		if (p->group_exit || p->exec_thread)
			return -EAGAIN;
		p->exec_thread = self;
		signal_kill_threads(p, self);
		self->wake_on_kill = true;
		for (;;) {
			prepare_to_wait(&p->thread_wait, &w);
			if (p->nr_threads == 1)
				break;
			if (signal_fatal_pending(self)) {
				err = -EINTR; /* killed too: we end on the way out */
				break;
			}
			schedule_sleep(0, false);
		}
		finish_wait(&p->thread_wait, &w);
		self->wake_on_kill = false;
		p->exec_thread = NULL;
		if (err)
			return err;
	}
	self->tid = p->pid; /* as Linux's de_thread: the execing thread leads */
	p->leader_exited = false;
	return 0;
}

SYSCALL_DEFINE1(exit, int, code)
{
	thread_exit(SIS_W_EXITCODE(code, 0));
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	proc_exit(SIS_W_EXITCODE(code, 0));
}

/* ---- wait4 ---- */

static bool child_matches(const struct proc *self, const struct proc *c, int pid)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	if (pid == 0)
		return c->pgid == self->pgid;
	return c->pgid == -pid;
}

struct wait_result {
	int pid;
	int status;
	u64 ticks; /* CPU time of the child and its reaped children */
};

/* The status to report for c, if any: reaping it if it is a zombie. */
static bool collect(struct proc *c, int options, struct wait_result *r)
{
	r->pid = c->pid;
	if (c->state == PROC_ZOMBIE) {
		r->status = c->wait_status;
		r->ticks = c->child_ticks;
		c->parent->child_ticks += c->child_ticks;
		proc_free(c);
		return true;
	}
	r->ticks = proc_cpu_ticks(c) + c->child_ticks;
	if ((options & WUNTRACED) && c->stopped && c->report_stop) {
		c->report_stop = false;
		r->status = SIS_W_STOPCODE(c->stop_sig);
		return true;
	}
	if ((options & WCONTINUED) && c->report_cont) {
		c->report_cont = false;
		r->status = SIS_W_CONTINUED;
		return true;
	}
	return false;
}

/* 1 with *r filled, 0 if matching children exist but none has news,
 * -ECHILD if there is no matching child. */
static int wait_once(struct proc *self, int pid, int options, struct wait_result *r)
{
	struct proc *c;
	bool any = false;

	list_for_each_entry(c, &self->children, sibling) {
		if (!child_matches(self, c, pid))
			continue;
		any = true;
		if (collect(c, options, r))
			return 1;
	}
	return any ? 0 : -ECHILD;
}

static void ticks_to_timeval(u64 ticks, struct linux_timeval *tv)
{
	u64 us = ticks * (1000000 / HZ);

	tv->tv_sec = (s64)(us / 1000000);
	tv->tv_usec = (s64)(us % 1000000);
}

SYSCALL_DEFINE4(wait4, int, pid, int *, ustatus, int, options, struct linux_rusage *, uru)
{
	struct proc *self = cur_proc();
	struct wait_result r;
	struct waiter w;
	int ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	/* Check the buffers first: a child is never reaped into a bad pointer. */
	if ((ustatus && !user_range_ok(ustatus, sizeof(int), true)) ||
	    (uru && !user_range_ok(uru, sizeof(*uru), true)))
		return -EFAULT;
	for (;;) {
		prepare_to_wait(&self->child_wait, &w);
		ret = wait_once(self, pid, options, &r);
		if (ret || (options & WNOHANG))
			break;
		ret = schedule_sleep_restartable(0);
		if (ret)
			break;
	}
	finish_wait(&self->child_wait, &w);
	if (ret <= 0)
		return ret;
	if (ustatus)
		copy_to_user(ustatus, &r.status, sizeof(int));
	if (uru) {
		struct linux_rusage ru = { 0 };

		ticks_to_timeval(r.ticks, &ru.ru_utime);
		copy_to_user(uru, &ru, sizeof(ru));
	}
	return r.pid;
}
