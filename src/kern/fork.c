/*
 * clone(): new processes. SIS processes have one thread, so clone accepts
 * the shapes fork and vfork take and refuses thread creation (-EINVAL):
 *   fork:  exit signal (SIGCHLD) plus optionally CLONE_SETTLS,
 *          CLONE_PARENT_SETTID, CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID;
 *   vfork: CLONE_VM | CLONE_VFORK as well. The child still gets a copy of
 *          the address space (no sharing); the parent sleeps until the child
 *          execs or exits, which is all a correct vfork user can observe.
 * The address space is copied eagerly (vm_clone), descriptors through
 * fd_table_clone. The child returns 0 from the same system call.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/arch.h>
#include <sis/file.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <uapi/sis/sched.h>
#include "proc_internal.h"

#define CLONE_FORK_FLAGS                                                       \
	(CSIGNAL | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | \
	 CLONE_CHILD_CLEARTID | CLONE_VM | CLONE_VFORK)

/* The child's first kernel code: nothing to do but return to user space. */
static void fork_child_entry(void *arg)
{
	(void)arg;
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
	child->tagged_addr = parent->tagged_addr;
	child->personality = parent->personality;
	signal_fork(child, parent);
	list_add_tail(&child->sibling, &parent->children);
}

/* Copy the caller into a new process; its task is created but not started. */
static int copy_process(struct proc *parent, struct trap_frame *tf, u64 flags, u64 newsp,
			u64 tls, struct proc **out)
{
	struct proc *child = proc_alloc();
	struct trap_frame *ctf;
	struct task *t;
	int err = -ENOMEM;

	if (!child)
		return -EAGAIN;
	child->vm = vm_clone(parent->vm);
	if (IS_ERR(child->vm)) {
		err = (int)PTR_ERR(child->vm);
		child->vm = NULL;
		goto out_free_proc;
	}
	child->fds = fd_table_clone(parent->fds);
	if (!child->fds)
		goto out_free_vm;
	t = task_create("user", fork_child_entry, NULL, true);
	if (!t)
		goto out_free_fds;
	ctf = task_user_frame(t);
	*ctf = *tf;
	ctf->x[0] = 0; /* the child's return value */
	if (newsp)
		ctf->sp = newsp;
	t->tpidr_el0 = (flags & CLONE_SETTLS) ? tls : read_sysreg(tpidr_el0);
	t->proc = child;
	child->task = t;
	child->exit_signal = (int)(flags & CSIGNAL);
	link_child(parent, child);
	*out = child;
	return 0;

out_free_fds:
	fd_table_release(child->fds);
out_free_vm:
	vm_destroy(child->vm);
out_free_proc:
	proc_free(child);
	return err;
}

/* The vfork parent waits here until the child execs or exits, or until a
 * SIGKILL (killable, as on Linux: a child that never lets go must not make
 * its parent immortal). The child's reference keeps the parent's memory
 * valid for proc_release_vfork even if the parent is reaped first. */
static void wait_vfork(struct proc *parent)
{
	struct waiter w;

	parent->vfork_waiting = true;
	for (;;) {
		prepare_to_wait(&parent->vfork_wait, &w);
		if (parent->vfork_done || (parent->sig_pending & SIS_SIGBIT(SIGKILL)))
			break;
		schedule_sleep(0, false); /* other signals wait for the child */
	}
	finish_wait(&parent->vfork_wait, &w);
	parent->vfork_waiting = false;
}

static long sys_clone(struct trap_frame *tf)
{
	u64 flags = SC_ARG(tf, 0), newsp = SC_ARG(tf, 1), tls = SC_ARG(tf, 3);
	int *ptid = (int *)SC_ARG(tf, 2);
	u64 ctid = SC_ARG(tf, 4);
	struct proc *parent = cur_proc(), *child = NULL;
	int err, pid;

	if ((flags & ~CLONE_FORK_FLAGS) || (flags & CSIGNAL) > SIS_NSIG)
		return -EINVAL;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL; /* a thread: SIS has none */
	if ((flags & CLONE_PARENT_SETTID) && !user_range_ok(ptid, sizeof(int), true))
		return -EFAULT;
	err = copy_process(parent, tf, flags, newsp, tls, &child);
	if (err)
		return err;
	pid = child->pid;
	if (flags & CLONE_CHILD_SETTID)
		vm_write(child->vm, ctid, &pid, sizeof(pid)); /* unmapped: ignored, like Linux */
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = ctid;
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(ptid, &pid, sizeof(pid));
	if (flags & CLONE_VFORK) {
		parent->vfork_done = false;
		proc_get(parent); /* dropped by proc_release_vfork */
		child->vfork_parent = parent;
	}
	sched_start(child->task);
	if (flags & CLONE_VFORK)
		wait_vfork(parent);
	return pid;
}
SYSCALL(__NR_clone, sys_clone);
