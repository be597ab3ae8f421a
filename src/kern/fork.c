/*
 * clone() and clone3(): new processes and new threads.
 *   fork:   an exit signal (SIGCHLD) plus optionally CLONE_SETTLS,
 *           CLONE_PARENT_SETTID, CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID:
 *           the address space is copied copy-on-write (vm_clone), the
 *           descriptors through fd_table_clone;
 *   CLONE_VM: the child process shares the caller's address space
 *           (reference counted); with CLONE_VFORK the calling thread sleeps
 *           until the child execs or exits (posix_spawn, vfork);
 *   thread: CLONE_THREAD with CLONE_VM | CLONE_SIGHAND | CLONE_FS |
 *           CLONE_FILES (glibc's pthread_create, with CLONE_SYSVSEM and the
 *           TID/TLS flags): a new thread of the caller's process.
 * Refused with -EINVAL as on Linux: CLONE_THREAD without CLONE_SIGHAND,
 * CLONE_SIGHAND without CLONE_VM. Refused because SIS shares handlers,
 * descriptors and the working directory only within a thread group:
 * CLONE_SIGHAND, CLONE_FILES or CLONE_FS without CLONE_THREAD, and
 * CLONE_THREAD without CLONE_FILES and CLONE_FS; and namespaces, pidfds,
 * ptrace, CLONE_PARENT. The new thread or process returns 0 from the same
 * system call, on the given stack.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/arch.h>
#include <sis/file.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <uapi/sis/sched.h>
#include <sis/procfs.h>
#include "proc_internal.h"

#define CLONE_TID_FLAGS \
	(CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)
#define CLONE_PROC_FLAGS (CLONE_TID_FLAGS | CLONE_VM | CLONE_VFORK | CLONE_SYSVSEM)
#define CLONE_THREAD_NEEDS (CLONE_VM | CLONE_SIGHAND | CLONE_FS | CLONE_FILES)
#define CLONE_THREAD_FLAGS \
	(CLONE_TID_FLAGS | CLONE_THREAD_NEEDS | CLONE_THREAD | CLONE_SYSVSEM | CLONE_DETACHED)

/* What clone and clone3 ask for, in one shape. */
struct clone_req {
	u64 flags;       /* CLONE_*, without the exit signal */
	int exit_signal; /* to the parent when a child process ends; 0: none */
	u64 stack;       /* the new sp; 0: the caller's */
	u64 tls;         /* TPIDR_EL0 with CLONE_SETTLS */
	u64 ptid, ctid;  /* user addresses for the TID flags */
};

/* The child's first kernel code: nothing to do but return to user space. */
static void fork_child_entry(void *arg)
{
	(void)arg;
}

static int check_flags(u64 flags)
{
	if (flags & CLONE_THREAD) {
		if ((flags & ~CLONE_THREAD_FLAGS) ||
		    (flags & CLONE_THREAD_NEEDS) != CLONE_THREAD_NEEDS)
			return -EINVAL;
		return 0;
	}
	return (flags & ~CLONE_PROC_FLAGS) ? -EINVAL : 0;
}

/* A task whose user frame is a copy of the caller's, returning 0. */
static struct task *new_user_task(struct trap_frame *tf, const struct clone_req *r)
{
	struct task *t = task_create("user", fork_child_entry, NULL, true);
	struct trap_frame *ctf;

	if (!t)
		return NULL;
	ctf = task_user_frame(t);
	*ctf = *tf;
	fpsimd_save_task(current_task); /* the child starts with the caller's values */
	t->fpsimd = current_task->fpsimd;
	ctf->x[0] = 0; /* the child's return value */
	if (r->stack)
		ctf->sp = r->stack;
	t->tpidr_el0 = (r->flags & CLONE_SETTLS) ? r->tls : read_sysreg(tpidr_el0);
	return t;
}

/* The TID flags, once the new thread t exists (in vm, not yet running). */
static void set_tids(struct vm_space *vm, struct thread *t, const struct clone_req *r)
{
	int tid = t->tid;

	if (r->flags & CLONE_CHILD_SETTID)
		vm_write(vm, r->ctid, &tid, sizeof(tid)); /* unmapped: ignored, like Linux */
	if (r->flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = r->ctid;
	if (r->flags & CLONE_PARENT_SETTID)
		copy_to_user((void *)r->ptid, &tid, sizeof(tid)); /* checked before */
}

/* A new thread of the caller's process; its tid. */
static long clone_thread(struct proc *p, struct trap_frame *tf, const struct clone_req *r)
{
	struct task *task;
	struct thread *t;

	if (p->group_exit || p->exec_thread)
		return -EAGAIN; /* the group is going away */
	task = new_user_task(tf, r);
	if (!task)
		return -ENOMEM;
	t = thread_alloc(p, task);
	if (!t) {
		task_discard(task);
		return -EAGAIN;
	}
	signal_thread_init(t, cur_thread(), false);
	set_tids(p->vm, t, r);
	sched_start(task);
	return t->tid;
}

static void link_child(struct proc *parent, struct proc *child)
{
	child->parent = parent;
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	memcpy(child->name, parent->name, sizeof(child->name));
	memcpy(child->rlimit, parent->rlimit, sizeof(child->rlimit));
	child->cred = parent->cred;
	child->umask = parent->umask;
	child->exe = proc_exe_get(parent->exe);
	child->tagged_addr = parent->tagged_addr;
	child->undumpable = parent->undumpable;
	child->personality = parent->personality;
	child->no_new_privs = parent->no_new_privs;
	child->thp_disable = parent->thp_disable;
	signal_fork(child, parent);
	list_add_tail(&child->sibling, &parent->children);
}

/* The child's address space: the caller's shared (CLONE_VM) or a copy. */
static int child_vm(struct proc *parent, struct proc *child, u64 flags)
{
	if (flags & CLONE_VM) {
		vm_get(parent->vm);
		child->vm = parent->vm;
		return 0;
	}
	child->vm = vm_clone(parent->vm);
	if (IS_ERR(child->vm)) {
		int err = (int)PTR_ERR(child->vm);

		child->vm = NULL;
		return err;
	}
	return 0;
}

/* Copy the caller into a new process with one thread, created but not started. */
static int copy_process(struct proc *parent, struct trap_frame *tf, const struct clone_req *r,
			struct proc **out)
{
	struct proc *child = proc_alloc();
	struct task *task;
	struct thread *t;
	int err;

	if (!child)
		return -EAGAIN;
	err = child_vm(parent, child, r->flags);
	if (err)
		goto out_free_proc;
	err = -ENOMEM;
	child->fds = fd_table_clone(parent->fds);
	if (!child->fds)
		goto out_put_vm;
	task = new_user_task(tf, r);
	if (!task)
		goto out_free_fds;
	t = thread_alloc(child, task);
	if (!t) {
		err = -EAGAIN;
		goto out_discard_task;
	}
	signal_thread_init(t, cur_thread(), (r->flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM);
	child->exit_signal = r->exit_signal;
	link_child(parent, child);
	set_tids(child->vm, t, r);
	*out = child;
	return 0;

out_discard_task:
	task_discard(task);
out_free_fds:
	fd_table_release(child->fds);
out_put_vm:
	vm_put(child->vm);
out_free_proc:
	proc_free(child);
	return err;
}

/* The vfork caller waits here until the child execs or exits (clearing its
 * vfork_parent), or until a SIGKILL (killable, as on Linux: a child that
 * never lets go must not make its parent immortal). Both references (the
 * child's on the parent, ours on the child) keep the memory valid. */
static void wait_vfork(struct proc *parent, struct proc *child)
{
	struct thread *self = cur_thread();
	struct waiter w;

	self->wake_on_kill = true;
	for (;;) {
		prepare_to_wait(&parent->vfork_wait, &w);
		if (!child->vfork_parent || signal_fatal_pending(self))
			break;
		schedule_sleep(0, false); /* other signals wait for the child */
	}
	finish_wait(&parent->vfork_wait, &w);
	self->wake_on_kill = false;
	proc_put(child);
}

static long do_clone(struct trap_frame *tf, const struct clone_req *r)
{
	struct proc *parent = cur_proc(), *child = NULL;
	int err, pid;

	err = check_flags(r->flags);
	if (err)
		return err;
	if (r->exit_signal < 0 || r->exit_signal > SIS_NSIG)
		return -EINVAL;
	if ((r->flags & CLONE_PARENT_SETTID) &&
	    !user_range_ok((void *)r->ptid, sizeof(int), true))
		return -EFAULT;
	if (r->flags & CLONE_THREAD)
		return clone_thread(parent, tf, r);
	err = copy_process(parent, tf, r, &child);
	if (err)
		return err;
	pid = child->pid;
	if (r->flags & CLONE_VFORK) {
		proc_get(parent); /* dropped by proc_release_vfork */
		child->vfork_parent = parent;
		proc_get(child);  /* dropped by wait_vfork */
	}
	sched_start(list_first_entry(&child->threads, struct thread, group_node)->task);
	if (r->flags & CLONE_VFORK)
		wait_vfork(parent, child);
	return pid;
}

/* clone(flags, stack, ptid, tls, ctid): arm64's order (CLONE_BACKWARDS). The
 * child starts from a copy of the caller's user context. */
SYSCALL_DEFINE5(clone, u64, flags, u64, stack, u64, ptid, u64, tls, u64, ctid)
{
	struct clone_req r = {
		.flags = flags & ~(u64)CSIGNAL,
		.exit_signal = (int)(flags & CSIGNAL),
		.stack = stack,
		.ptid = ptid,
		.tls = tls,
		.ctid = ctid,
	};

	if (r.flags & CLONE_THREAD)
		r.exit_signal = 0; /* threads notify nobody */
	return do_clone(task_user_frame(current_task), &r);
}

/*
 * clone3(args, size): the same from a struct clone_args (Linux's, of which
 * the first 64 bytes are the version 0 layout). A larger struct must be
 * zero past what SIS knows (-E2BIG otherwise); set_tid and cgroup are not
 * supported (-EINVAL).
 */
SYSCALL_DEFINE2(clone3, const u8 *, uargs, size_t, size)
{
	struct linux_clone_args a = { 0 };
	struct clone_req r;

	if (size < LINUX_CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (copy_from_user(&a, uargs, MIN(size, sizeof(a))))
		return -EFAULT;
	for (size_t i = sizeof(a); i < size; i++) {
		u8 b;

		if (copy_from_user(&b, uargs + i, 1))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if ((a.flags & CSIGNAL) || (a.exit_signal & ~(u64)CSIGNAL) || a.set_tid ||
	    a.set_tid_size || a.cgroup || !a.stack != !a.stack_size)
		return -EINVAL;
	r = (struct clone_req){
		.flags = a.flags,
		.exit_signal = (a.flags & CLONE_THREAD) ? 0 : (int)a.exit_signal,
		.stack = a.stack ? a.stack + a.stack_size : 0,
		.tls = a.tls,
		.ptid = a.parent_tid,
		.ctid = a.child_tid,
	};
	return do_clone(task_user_frame(current_task), &r);
}
