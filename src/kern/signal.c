/*
 * Signals: sending, default actions, handlers with a Linux-compatible
 * arm64 signal frame (on the sigaltstack with SA_ONSTACK), job-control
 * stops, SA_RESTART, and the signal system calls (kill, tgkill,
 * rt_sigaction, rt_sigprocmask, rt_sigreturn, sigaltstack).
 *
 * A signal is a bit in a pending set, plus the origin its siginfo reports
 * (one per signal: standard signals do not queue; real-time ones queue,
 * each with its origin, in sigqueue.c). A signal sent to a
 * process (kill, Ctrl-C, SIGCHLD, SIGALRM) is pending in the process and
 * taken by whichever thread does not block it (one such thread is woken);
 * one sent to a thread (tgkill, tkill, a fault) is pending in that thread.
 * Handlers are the process's, the mask and sigaltstack each thread's.
 * Pending, unblocked signals are acted on in return_to_user(): ignored,
 * default (terminate the group, ignore, stop the group) or a handler frame
 * built on the user stack; the handler returns through SA_RESTORER or the
 * kernel's trampoline page to rt_sigreturn, which restores the frame.
 * SIGKILL (and a group exit, which puts SIGKILL into every thread) ends
 * every thread; a stop holds every thread until SIGCONT.
 *
 * Sending may happen in interrupt context (Ctrl-C), so the pending sets and
 * the process and thread lists are changed with interrupts masked.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/irq.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <sis/tty.h>
#include <uapi/sis/fcntl.h>
#include "proc_internal.h"

#define UNBLOCKABLE (SIS_SIGBIT(SIGKILL) | SIS_SIGBIT(SIGSTOP))
#define STOP_SIGNALS                                                             \
	(SIS_SIGBIT(SIGSTOP) | SIS_SIGBIT(SIGTSTP) | SIS_SIGBIT(SIGTTIN) | \
	 SIS_SIGBIT(SIGTTOU))
#define DEFAULT_IGNORED                                                          \
	(SIS_SIGBIT(SIGCHLD) | SIS_SIGBIT(SIGURG) | SIS_SIGBIT(SIGWINCH) | \
	 SIS_SIGBIT(SIGCONT))

/* What a handler finds at sp: Linux's arm64 struct rt_sigframe. */
struct rt_sigframe {
	struct linux_siginfo info;
	struct linux_ucontext uc;
	u64 fp, lr; /* frame record, so user backtraces walk out of the handler */
};

size_t signal_frame_size(void)
{
	return ALIGN_UP(sizeof(struct rt_sigframe), 16);
}

static bool sig_valid(int sig)
{
	return sig >= 1 && sig <= SIS_NSIG;
}

void signal_init_proc(struct proc *p)
{
	memset(p->sig_action, 0, sizeof(p->sig_action));
	p->sig_pending = 0;
}

void signal_fork(struct proc *child, const struct proc *parent)
{
	memcpy(child->sig_action, parent->sig_action, sizeof(child->sig_action));
	child->sig_pending = 0;
}

/* A new thread (of a new process or of the creator's): the creator's mask
 * (the one it returns to), nothing pending; the sigaltstack with
 * keep_altstack, which Linux's copy_process denies a thread sharing the
 * address space without vfork (two on one alternate stack would clash). */
void signal_thread_init(struct thread *t, const struct thread *creator, bool keep_altstack)
{
	t->sig_blocked = creator->sig_restore_mask ? creator->sig_saved_mask : creator->sig_blocked;
	t->sig_pending = 0;
	if (!keep_altstack)
		return;
	t->alt_sp = creator->alt_sp;
	t->alt_size = creator->alt_size;
	t->alt_autodisarm = creator->alt_autodisarm;
}

/* execve: handlers point into the old image, so they become SIG_DFL;
 * ignored signals stay ignored, the mask and pending signals stay. */
void signal_exec(struct proc *p)
{
	struct thread *t = cur_thread();

	t->alt_sp = t->alt_size = 0; /* the old image's memory */
	t->name[0] = '\0';          /* exec names the thread after the program */
	p->tagged_addr = false;      /* execve resets the tagged-address ABI, as Linux */
	p->undumpable = false;       /* and makes the process dumpable (no set-id exec in SIS) */
	t->alt_autodisarm = false;
	for (int i = 0; i < SIS_NSIG; i++) {
		struct k_sigaction *ka = &p->sig_action[i];

		if (ka->handler != SIG_IGN)
			*ka = (struct k_sigaction){ 0 };
	}
}

bool signal_is_ignored(const struct proc *p, int sig)
{
	void *h = p->sig_action[sig - 1].handler;

	return h == SIG_IGN || (h == SIG_DFL && (DEFAULT_IGNORED & SIS_SIGBIT(sig)));
}

/* Signals t may take now: its own and its process's, less its mask. */
static k_sigset_t thread_ready(const struct thread *t)
{
	return (t->sig_pending | t->proc->sig_pending) & ~t->sig_blocked;
}

/* A stopped group counts: its threads must come out to stop. */
bool signal_pending(void)
{
	struct thread *t = cur_thread();

	return t && (thread_ready(t) || t->proc->stopped);
}

k_sigset_t signal_thread_pending(const struct thread *t)
{
	return t->sig_pending | t->proc->sig_pending;
}

bool signal_fatal_pending(const struct thread *t)
{
	return t->sig_pending & SIS_SIGBIT(SIGKILL);
}

/* Wake t for a signal; kill also ends sleeps that signals do not. */
static void wake_thread(struct thread *t, bool kill)
{
	task_wake_signal(t->task);
	if (kill && t->wake_on_kill)
		task_wake(t->task);
}

static void drop_pending(struct proc *p, k_sigset_t set)
{
	struct thread *t;

	p->sig_pending &= ~set;
	list_for_each_entry(t, &p->threads, group_node)
		t->sig_pending &= ~set;
}

/* SIGCONT resumes a stopped process, whatever its action is. */
static void continue_proc(struct proc *p)
{
	struct thread *t;

	drop_pending(p, STOP_SIGNALS);
	if (p->stopped) {
		p->stopped = false;
		p->report_cont = true;
		if (p->parent)
			wake_up(&p->parent->child_wait);
		list_for_each_entry(t, &p->threads, group_node) {
			if (t->wake_on_kill)
				task_wake(t->task);
		}
	}
}

void signal_kill_threads(struct proc *p, struct thread *except)
{
	unsigned long flags = irq_save();
	struct thread *t;

	list_for_each_entry(t, &p->threads, group_node) {
		if (t == except)
			continue;
		t->sig_pending |= SIS_SIGBIT(SIGKILL);
		t->sig_origin[SIGKILL - 1] = (struct sig_origin){ .code = SI_KERNEL };
		wake_thread(t, true);
	}
	irq_restore(flags);
}

static bool blocked_by_all(const struct proc *p, u64 bit)
{
	const struct thread *t;

	list_for_each_entry(t, &p->threads, group_node) {
		if (!(t->sig_blocked & bit))
			return false;
	}
	return true;
}

static bool blocked_by_any(const struct proc *p, u64 bit)
{
	const struct thread *t;

	list_for_each_entry(t, &p->threads, group_node) {
		if ((t->sig_blocked | t->sig_real_blocked) & bit)
			return true;
	}
	return false;
}

/* Wake one thread that takes bit (the current one if it does: it will see
 * the signal on its way out anyway). */
static void wake_taker(struct proc *p, u64 bit)
{
	struct thread *t, *self = cur_thread();

	if (self && self->proc == p && !(self->sig_blocked & bit))
		return;
	list_for_each_entry(t, &p->threads, group_node) {
		if (!(t->sig_blocked & bit)) {
			wake_thread(t, false);
			return;
		}
	}
}

/*
 * Like Linux's SIGNAL_UNKILLABLE: init takes only the signals it handles
 * or ignores. One left at its default action (SIGKILL and SIGSTOP always
 * are) would stop or power off the whole machine at any process's word:
 * kill(1, ...), or a child cloned with that exit signal. A fault in init
 * still ends it (signal_fault does not come through here), as does exit.
 */
static bool init_protected(const struct proc *p, int sig)
{
	return p->pid == 1 && p->sig_action[sig - 1].handler == SIG_DFL;
}

/* What sending sig to p does before it is queued; false: it is dropped
 * (a zombie, init's protection, or an ignored signal nobody blocks). */
static bool send_prepare(struct proc *p, int sig)
{
	u64 bit = SIS_SIGBIT(sig);

	if (p->state != PROC_ALIVE)
		return false; /* a zombie takes no more signals */
	if (init_protected(p, sig) && (sig == SIGKILL || sig == SIGSTOP || !blocked_by_any(p, bit)))
		return false; /* init, see above; a blocked one queues (sigtimedwait), as on Linux */
	if (sig == SIGCONT)
		continue_proc(p);
	if (STOP_SIGNALS & bit)
		drop_pending(p, SIS_SIGBIT(SIGCONT));
	return !signal_is_ignored(p, sig) || blocked_by_any(p, bit);
}

/*
 * Make sig pending in *pending with origin o: a real-time signal joins the
 * queue q of process to; past the queue's limit a kill() still sets the bit
 * (with o kept in origins, as the last word), anything else is -EAGAIN.
 */
static int mark_pending(k_sigset_t *pending, struct sig_origin *origins, struct list_head *q,
			const struct proc *to, int sig, const struct sig_origin *o)
{
	if (sig >= SIGRTMIN && sigq_add(q, to, sig, o)) {
		if (o->code != SI_USER)
			return -EAGAIN;
		origins[sig - 1] = *o;
	} else if (sig < SIGRTMIN) {
		origins[sig - 1] = *o;
	}
	*pending |= SIS_SIGBIT(sig);
	return 0;
}

int signal_send_proc(struct proc *p, int sig, const struct sig_origin *o)
{
	unsigned long flags;
	u64 bit = SIS_SIGBIT(sig);
	int err = 0;

	if (!sig_valid(sig))
		return -EINVAL;
	flags = irq_save();
	if (send_prepare(p, sig)) {
		if (sig == SIGKILL) {
			signal_kill_threads(p, NULL); /* every thread ends */
		} else {
			err = mark_pending(&p->sig_pending, p->sig_origin, &p->sig_queue, p, sig, o);
			if (!err && !blocked_by_all(p, bit))
				wake_taker(p, bit);
		}
		wake_up(&p->signalfd_wait);
	}
	irq_restore(flags);
	return err;
}

int signal_send_thread(struct thread *t, int sig, const struct sig_origin *o)
{
	unsigned long flags;
	u64 bit = SIS_SIGBIT(sig);
	int err = 0;

	if (!sig_valid(sig))
		return -EINVAL;
	if (sig == SIGKILL)
		return signal_send_proc(t->proc, sig, o); /* never just one thread */
	flags = irq_save();
	if (send_prepare(t->proc, sig)) {
		err = mark_pending(&t->sig_pending, t->sig_origin, &t->sig_queue, t->proc, sig, o);
		if (!err && !(t->sig_blocked & bit))
			wake_thread(t, false);
		wake_up(&t->proc->signalfd_wait);
	}
	irq_restore(flags);
	return err;
}

int signal_send(int pid, int sig)
{
	struct sig_origin o = { .code = SI_KERNEL };
	struct proc *p = proc_find(pid);

	if (!sig_valid(sig))
		return -EINVAL;
	if (!p)
		return -ESRCH;
	return signal_send_proc(p, sig, &o);
}

/* Send to every live process in group pgid: the count reached. */
static int send_group(int pgid, int sig, const struct sig_origin *o)
{
	unsigned long flags = irq_save();
	struct proc *p;
	int n = 0;

	list_for_each_entry(p, &proc_list, all_node) {
		if (p->pgid == pgid && p->state == PROC_ALIVE) {
			if (sig)
				signal_send_proc(p, sig, o);
			n++;
		}
	}
	irq_restore(flags);
	return n;
}

/* Linux's sigio_perm: may a file owner set with credentials uid/euid
 * signal p? */
static bool sigio_perm(const struct proc *p, u32 uid, u32 euid)
{
	const u32 *t = p->cred.uid;

	return euid == 0 || euid == t[0] || euid == t[2] || uid == t[0] || uid == t[2];
}

int signal_send_owner(int type, int id, int sig, const struct sig_origin *o, u32 uid, u32 euid)
{
	unsigned long flags = irq_save();
	struct thread *t;
	struct proc *p;

	if (type == F_OWNER_TID) {
		t = thread_find(id);
		if (t && sigio_perm(t->proc, uid, euid))
			signal_send_thread(t, sig, o);
	} else if (type == F_OWNER_PID) {
		p = proc_find(id);
		if (p && sigio_perm(p, uid, euid))
			signal_send_proc(p, sig, o);
	} else {
		list_for_each_entry(p, &proc_list, all_node) {
			if (p->pgid == id && p->state == PROC_ALIVE && sigio_perm(p, uid, euid))
				signal_send_proc(p, sig, o);
		}
	}
	irq_restore(flags);
	return 0;
}

void signal_tty_pgrp(int pgrp, int sig)
{
	struct sig_origin o = { .code = SI_KERNEL };

	if (pgrp > 0)
		send_group(pgrp, sig, &o);
}

/* Linux's orphaned process group: no member has a parent in another group
 * of the same session (nobody left to continue it after a stop). */
static bool pgrp_orphaned(int pgid, int sid)
{
	struct proc *p;

	list_for_each_entry(p, &proc_list, all_node) {
		if (p->pgid != pgid || p->state != PROC_ALIVE || !p->parent)
			continue;
		if (p->parent->pgid != pgid && p->parent->sid == sid)
			return false;
	}
	return true;
}

int signal_tty_check(int fg_pgrp, int sig)
{
	struct sig_origin o = { .code = SI_KERNEL };
	struct proc *p = cur_proc();
	struct thread *t = cur_thread();
	bool ignored;

	if (!p || !t || !fg_pgrp || p->pgid == fg_pgrp)
		return 0;
	ignored = (t->sig_blocked & SIS_SIGBIT(sig)) ||
		  p->sig_action[sig - 1].handler == SIG_IGN;
	if (ignored)
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(p->pgid, p->sid))
		return -EIO;
	return send_group(p->pgid, sig, &o) ? -ERESTARTSYS : -EIO;
}

void signal_set_temp_mask(u64 mask)
{
	struct thread *t = cur_thread();

	if (!t)
		return;
	if (!t->sig_restore_mask) {
		t->sig_saved_mask = t->sig_blocked;
		t->sig_restore_mask = true;
	}
	t->sig_blocked = mask & ~UNBLOCKABLE;
}

/* ---- delivery ---- */

static void fill_siginfo(struct linux_siginfo *si, int sig, const struct sig_origin *o)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = o->code;
	if (o->kind == SIGO_POLL) {
		si->u.poll.band = (s64)o->addr;
		si->u.poll.fd = o->fd;
	} else if (o->kind == SIGO_VALUE) {
		si->u.rt.pid = o->pid;
		si->u.rt.uid = o->uid;
		si->u.rt.value = o->addr;
	} else if (o->code == SI_USER || o->code == SI_TKILL) {
		si->u.kill.pid = o->pid;
		si->u.kill.uid = o->uid;
	}
	else if (o->code != SI_KERNEL)
		si->u.fault.addr = o->addr;
}

/* The handler runs with the same FP/SIMD values (as on Linux): only read. */
static void save_fpsimd(struct linux_sigcontext *sc, struct task *task)
{
	struct linux_fpsimd_context *fp = (struct linux_fpsimd_context *)sc->__reserved;

	fpsimd_save_task(task);
	fp->magic = FPSIMD_MAGIC;
	fp->size = sizeof(*fp);
	fp->fpsr = task->fpsimd.fpsr;
	fp->fpcr = task->fpsimd.fpcr;
	memcpy(fp->vregs, task->fpsimd.v, sizeof(fp->vregs));
	/* the zeroed header after it terminates the record list */
}

static bool on_alt_stack(const struct thread *t, u64 sp)
{
	return t->alt_size && sp > t->alt_sp && sp - t->alt_sp <= t->alt_size;
}

/* What sigaltstack(2) reports, and the frame records in uc_stack. */
static struct linux_sigaltstack alt_stack_state(const struct thread *t, u64 sp)
{
	struct linux_sigaltstack ss = { .ss_sp = (void *)t->alt_sp, .ss_size = t->alt_size };

	if (!t->alt_size)
		ss.ss_flags = LINUX_SS_DISABLE;
	else if (on_alt_stack(t, sp))
		ss.ss_flags = LINUX_SS_ONSTACK;
	if (t->alt_autodisarm)
		ss.ss_flags |= (int32_t)LINUX_SS_AUTODISARM;
	return ss;
}

/* Build the frame for sig on the user stack and point tf at the handler. */
static int setup_frame(struct trap_frame *tf, int sig, const struct k_sigaction *ka,
		       const struct sig_origin *o, k_sigset_t saved_mask)
{
	struct thread *t = cur_thread();
	struct rt_sigframe *f = kzalloc(sizeof(*f));
	u64 base = tf->sp, sp;
	int err;

	if (!f)
		return -ENOMEM;
	f->uc.uc_stack = alt_stack_state(t, tf->sp);
	/* SA_ONSTACK: the handler gets the alternate stack, unless already on it. */
	if ((ka->flags & SA_ONSTACK) && t->alt_size && !on_alt_stack(t, tf->sp)) {
		base = t->alt_sp + t->alt_size;
		if (t->alt_autodisarm)
			t->alt_sp = t->alt_size = 0; /* back with the frame's uc_stack */
	}
	sp = ALIGN_DOWN(base - sizeof(*f), 16);
	fill_siginfo(&f->info, sig, o);
	f->uc.uc_sigmask = saved_mask;
	memcpy(f->uc.uc_mcontext.regs, tf->x, sizeof(tf->x));
	f->uc.uc_mcontext.sp = tf->sp;
	f->uc.uc_mcontext.pc = tf->elr;
	f->uc.uc_mcontext.pstate = tf->spsr;
	f->uc.uc_mcontext.fault_address = o->addr;
	save_fpsimd(&f->uc.uc_mcontext, current_task);
	f->fp = tf->x[29];
	f->lr = tf->x[30];
	err = sp < base ? copy_to_user((void *)sp, f, sizeof(*f)) : -EFAULT;
	kfree(f);
	if (err)
		return err;
	tf->sp = sp;
	tf->x[0] = (u64)sig;
	tf->x[1] = sp + offsetof(struct rt_sigframe, info);
	tf->x[2] = sp + offsetof(struct rt_sigframe, uc);
	tf->x[29] = sp + offsetof(struct rt_sigframe, fp);
	tf->x[30] = (ka->flags & SA_RESTORER) ? (u64)ka->restorer : VM_TRAMPOLINE;
	tf->elr = (u64)ka->handler;
	return 0;
}

/* Lowest pending signal of set taken off *pending (for a real-time one,
 * the oldest in q; the bit stays while more are queued); 0 if none. */
static int take_lowest(k_sigset_t *pending, k_sigset_t set, const struct sig_origin *origins,
		       struct list_head *q, struct sig_origin *o)
{
	int sig, left = -ENOENT;

	if (!set)
		return 0;
	sig = __builtin_ctzll(set) + 1;
	if (sig >= SIGRTMIN)
		left = sigq_take(q, sig, o);
	if (left == -ENOENT)
		*o = origins[sig - 1]; /* standard, or queued past the limit */
	if (left <= 0)
		*pending &= ~SIS_SIGBIT(sig);
	return sig;
}

/* The next signal t takes, its own ones first (as Linux); 0 if none. */
static int dequeue_signal(struct thread *t, k_sigset_t allowed, struct sig_origin *o)
{
	unsigned long flags = irq_save();
	struct proc *p = t->proc;
	int sig = take_lowest(&t->sig_pending, t->sig_pending & allowed, t->sig_origin,
			      &t->sig_queue, o);

	if (!sig)
		sig = take_lowest(&p->sig_pending, p->sig_pending & allowed, p->sig_origin,
				  &p->sig_queue, o);
	irq_restore(flags);
	return sig;
}

int signal_dequeue(struct thread *t, k_sigset_t set, struct sig_origin *o)
{
	return dequeue_signal(t, set & ~UNBLOCKABLE, o);
}

/* Wake every other thread of p so that it comes out to stop too. */
static void stop_others(struct proc *p)
{
	struct thread *t, *self = cur_thread();
	unsigned long flags = irq_save();

	list_for_each_entry(t, &p->threads, group_node) {
		if (t != self)
			wake_thread(t, false);
	}
	irq_restore(flags);
}

/* The group stops until SIGCONT or SIGKILL. The parent hears of it through
 * wait4; every thread holds in stop_wait. */
static void do_stop(struct proc *p, int sig)
{
	struct proc *parent = p->parent;

	p->stopped = true;
	p->stop_sig = sig;
	p->report_stop = true;
	if (parent) {
		if (!(parent->sig_action[SIGCHLD - 1].flags & SA_NOCLDSTOP)) {
			struct sig_origin o = { .code = SI_KERNEL, .pid = p->pid };

			signal_send_proc(parent, SIGCHLD, &o);
		}
		wake_up(&parent->child_wait);
	}
	stop_others(p);
}

static void stop_wait(struct thread *t)
{
	t->wake_on_kill = true;
	for (;;) {
		sched_prepare_sleep();
		if (!t->proc->stopped || signal_fatal_pending(t))
			break;
		schedule_sleep(0, false); /* SIGCONT and SIGKILL wake it explicitly */
	}
	sched_cancel_sleep();
	t->wake_on_kill = false;
}

static void default_action(struct proc *p, int sig)
{
	u64 bit = SIS_SIGBIT(sig);

	if (DEFAULT_IGNORED & bit)
		return;
	if (STOP_SIGNALS & bit) {
		do_stop(p, sig);
		return;
	}
	proc_exit(sig); /* terminated: the wait status is the signal number */
}

static void handler_delivered(struct thread *t, int sig, struct k_sigaction *ka)
{
	t->sig_blocked |= ka->mask & ~UNBLOCKABLE;
	if (!(ka->flags & SA_NODEFER))
		t->sig_blocked |= SIS_SIGBIT(sig);
	if (ka->flags & SA_RESETHAND)
		*ka = (struct k_sigaction){ 0 };
	t->sig_restore_mask = false;
}

/*
 * A system call was interrupted by a signal (-ERESTARTSYS or -ERESTARTNOHAND,
 * see sis/errno.h): it returns EINTR for now, and signal_deliver, on the way
 * out, may turn that into a restart.
 */
long signal_syscall_interrupted(long how, u64 orig_x0)
{
	struct thread *t = cur_thread();

	if (t) {
		t->sys_restart = how;
		t->sys_restart_x0 = orig_x0;
	}
	return -EINTR;
}

/* Make the interrupted call run again: its arguments are still in x1..x7
 * and its number in x8; x0 gets its first argument back, and the return
 * address goes back to the svc (4 bytes). */
static void restart_syscall(struct trap_frame *tf, const struct thread *t)
{
	tf->x[0] = t->sys_restart_x0;
	tf->elr -= 4;
}

void signal_deliver(struct trap_frame *tf)
{
	struct thread *t = cur_thread();
	struct proc *p = cur_proc();
	struct sig_origin o;
	long restart;
	int sig;

	if (!t)
		return;
	restart = t->sys_restart;
	t->sys_restart = 0;
	for (;;) {
		struct k_sigaction *ka;
		k_sigset_t saved;

		if (p->stopped && !signal_fatal_pending(t))
			stop_wait(t);
		sig = dequeue_signal(t, ~t->sig_blocked, &o);
		if (!sig)
			break;
		ka = &p->sig_action[sig - 1];
		saved = t->sig_restore_mask ? t->sig_saved_mask : t->sig_blocked;
		if (ka->handler == SIG_IGN)
			continue;
		if (ka->handler == SIG_DFL) {
			/* init: sent while it had a handler; but a group exit
			 * or an execve's kill ends any thread */
			if (p->pid != 1 || sig == SIGKILL)
				default_action(p, sig);
			continue;
		}
		/* A handler runs: the interrupted call restarts after it only
		 * with SA_RESTART, and only if it is a restartable one. Decided
		 * before the frame saves where to resume. */
		if ((restart == -ERESTARTSYS && (ka->flags & SA_RESTART)) ||
		    restart == -ERESTARTNOINTR)
			restart_syscall(tf, t);
		restart = 0;
		if (setup_frame(tf, sig, ka, &o, saved)) {
			log_warn("proc: pid %d (%s): no room for a signal frame at sp 0x%lx; "
				 "killed by SIGSEGV", p->pid, p->name, (unsigned long)tf->sp);
			proc_exit(SIGSEGV);
		}
		handler_delivered(t, sig, ka);
		break; /* one handler per return; others follow on the next one */
	}
	if (restart)
		restart_syscall(tf, t); /* no handler ran: as if nothing happened */
	if (t->sig_restore_mask) {
		t->sig_blocked = t->sig_saved_mask;
		t->sig_restore_mask = false;
	}
}

static const char *const sig_names[SIS_NSIG + 1] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP",
	[SIGTSTP] = "SIGTSTP", [SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	return sig_valid(sig) && sig_names[sig] ? sig_names[sig] : "signal";
}

/*
 * A fault raised by the instruction at tf->elr. A handler that is installed
 * and not blocked runs (Linux's force_sig does the same); otherwise the
 * process dies with sig and one log line says why.
 */
void signal_fault(struct trap_frame *tf, int sig, int code, u64 addr, const char *what)
{
	struct proc *p = cur_proc();
	struct thread *t = cur_thread();
	struct k_sigaction *ka = &p->sig_action[sig - 1];
	struct sig_origin o = { .code = code, .addr = addr };

	if (ka->handler != SIG_DFL && ka->handler != SIG_IGN &&
	    !(t->sig_blocked & SIS_SIGBIT(sig))) {
		signal_send_thread(t, sig, &o);
		return;
	}
	log_warn("proc: pid %d (%s) killed by %s: %s at 0x%lx, pc 0x%lx", p->pid, p->name,
		 signal_name(sig), what, (unsigned long)addr, (unsigned long)tf->elr);
	proc_exit(sig);
}

/* ---- system calls ---- */

/* kill(pid, sig): pid > 0 one process, 0 the caller's group, -1 everyone
 * but init and the caller, < -1 group -pid. sig 0 only checks. */
SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	struct proc *self = cur_proc(), *p;
	struct sig_origin o = { .code = SI_USER, .pid = self->pid, .uid = self->cred.uid[0] };
	int n = 0;

	if (sig && !sig_valid(sig))
		return -EINVAL;
	if (pid > 0) {
		p = proc_find(pid);
		if (!p)
			return -ESRCH;
		return sig ? signal_send_proc(p, sig, &o) : 0;
	}
	if (pid == 0 || pid < -1)
		n = send_group(pid ? -pid : self->pgid, sig, &o);
	else {
		list_for_each_entry(p, &proc_list, all_node) {
			if (p->pid != 1 && p != self && p->state == PROC_ALIVE) {
				if (sig)
					signal_send_proc(p, sig, &o);
				n++;
			}
		}
	}
	return n ? 0 : -ESRCH;
}

/* To one thread: tgid -1 for tkill (any group). */
static long kill_thread(int tgid, int tid, int sig)
{
	struct sig_origin o = { .code = SI_TKILL, .pid = cur_proc()->pid,
				.uid = cur_proc()->cred.uid[0] };
	struct thread *t;

	if (tid <= 0 || (sig && !sig_valid(sig)))
		return -EINVAL;
	t = thread_find(tid);
	if (!t || (tgid > 0 && t->proc->pid != tgid) || t->proc->state != PROC_ALIVE)
		return -ESRCH;
	return sig ? signal_send_thread(t, sig, &o) : 0;
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return kill_thread(tgid, tid, sig);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	return kill_thread(-1, tid, sig);
}

/* Linux's kill_ok_by_cred: root, or a real or effective uid of the caller
 * that is the target's real or saved one. */
static bool may_signal(const struct proc *p)
{
	const u32 *me = cur_proc()->cred.uid, *them = p->cred.uid;

	return me[1] == 0 || me[0] == them[0] || me[0] == them[2] || me[1] == them[0] ||
	       me[1] == them[2];
}

/*
 * The siginfo of rt_sigqueueinfo/rt_tgsigqueueinfo: its si_code, pid, uid
 * and si_value as the caller wrote them (glibc's sigqueue: SI_QUEUE, its
 * own pid and uid). Only to oneself may one claim a kernel-made or kill()
 * code (si_code >= 0, or SI_TKILL): -EPERM, as Linux.
 */
static int queueinfo_origin(const void *uinfo, int self_id, struct sig_origin *o)
{
	struct linux_siginfo si;

	if (copy_from_user(&si, uinfo, sizeof(si)))
		return -EFAULT;
	if ((si.si_code >= 0 || si.si_code == SI_TKILL) && self_id != cur_proc()->pid &&
	    self_id != cur_thread()->tid)
		return -EPERM;
	*o = (struct sig_origin){ .code = si.si_code, .pid = si.u.rt.pid, .uid = si.u.rt.uid,
				  .addr = si.u.rt.value, .kind = SIGO_VALUE };
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, tgid, int, sig, const void *, uinfo)
{
	struct sig_origin o;
	struct proc *p;
	int err;

	if (sig < 0 || sig > SIS_NSIG)
		return -EINVAL;
	err = queueinfo_origin(uinfo, tgid, &o);
	if (err)
		return err;
	p = tgid > 0 ? proc_find(tgid) : NULL;
	if (!p && tgid > 0 && thread_find(tgid))
		p = thread_find(tgid)->proc; /* Linux: any thread's id names its group */
	if (!p || p->state != PROC_ALIVE)
		return -ESRCH;
	if (!may_signal(p))
		return -EPERM;
	return sig ? signal_send_proc(p, sig, &o) : 0;
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig, const void *, uinfo)
{
	struct sig_origin o;
	struct thread *t;
	int err;

	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > SIS_NSIG)
		return -EINVAL;
	err = queueinfo_origin(uinfo, tid, &o);
	if (err)
		return err;
	t = thread_find(tid);
	if (!t || t->proc->pid != tgid || t->proc->state != PROC_ALIVE)
		return -ESRCH;
	if (!may_signal(t->proc))
		return -EPERM;
	return sig ? signal_send_thread(t, sig, &o) : 0;
}

#define SA_KNOWN                                                                            \
	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTORER | SA_ONSTACK | SA_RESTART | \
	 SA_NODEFER | SA_RESETHAND)

SYSCALL_DEFINE4(rt_sigaction, int, sig, const void *, uact, void *, uold, size_t, sigsetsize)
{
	struct proc *p = cur_proc();
	struct k_sigaction act, old;

	if (sigsetsize != sizeof(k_sigset_t) || !sig_valid(sig))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	if (uact && ((UNBLOCKABLE & SIS_SIGBIT(sig)) || (act.flags & ~SA_KNOWN)))
		return -EINVAL;
	old = p->sig_action[sig - 1];
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	if (uact) {
		unsigned long flags;

		act.mask &= ~UNBLOCKABLE;
		p->sig_action[sig - 1] = act;
		/* A signal now ignored is discarded if pending (POSIX). */
		flags = irq_save();
		if (signal_is_ignored(p, sig))
			drop_pending(p, SIS_SIGBIT(sig));
		irq_restore(flags);
	}
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, const void *, uset, void *, uold, size_t, sigsetsize)
{
	struct thread *t = cur_thread();
	k_sigset_t set, old = t->sig_blocked;

	if (sigsetsize != sizeof(k_sigset_t))
		return -EINVAL;
	if (uset && copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	if (!uset)
		return 0;
	switch (how) {
	case SIG_BLOCK:
		t->sig_blocked |= set;
		break;
	case SIG_UNBLOCK:
		t->sig_blocked &= ~set;
		break;
	case SIG_SETMASK:
		t->sig_blocked = set;
		break;
	default:
		return -EINVAL;
	}
	t->sig_blocked &= ~UNBLOCKABLE;
	return 0;
}

/* The frame's values replace the task's (loaded at the return to user). */
static bool restore_fpsimd(struct task *task, const struct linux_sigcontext *sc)
{
	const struct linux_fpsimd_context *fp = (const void *)sc->__reserved;

	if (fp->magic != FPSIMD_MAGIC || fp->size != sizeof(*fp))
		return false;
	task->fpsimd.fpsr = fp->fpsr;
	task->fpsimd.fpcr = fp->fpcr;
	memcpy(task->fpsimd.v, fp->vregs, sizeof(task->fpsimd.v));
	fpsimd_flush_task(task);
	return true;
}

/* Return from a handler: restore what setup_frame saved, from the frame at
 * sp. A frame that cannot be read or is corrupt kills with SIGSEGV. */
SYSCALL_DEFINE0_FLAGS(rt_sigreturn, SYSCALL_F_SETS_FRAME)
{
	struct trap_frame *tf = task_user_frame(current_task);
	struct rt_sigframe *f = kmalloc(sizeof(*f));
	struct proc *p = cur_proc();
	struct thread *t = cur_thread();
	const struct linux_sigcontext *sc;

	if (!f || copy_from_user(f, (void *)tf->sp, sizeof(*f)) ||
	    !restore_fpsimd(current_task, &f->uc.uc_mcontext)) {
		kfree(f);
		log_warn("proc: pid %d (%s) killed by SIGSEGV: bad signal frame at 0x%lx",
			 p->pid, p->name, (unsigned long)tf->sp);
		proc_exit(SIGSEGV);
	}
	sc = &f->uc.uc_mcontext;
	if (t->alt_autodisarm && !t->alt_size && !(f->uc.uc_stack.ss_flags & LINUX_SS_DISABLE)) {
		/* SS_AUTODISARM: the stack the handler ran on comes back. */
		t->alt_sp = (u64)f->uc.uc_stack.ss_sp;
		t->alt_size = f->uc.uc_stack.ss_size;
	}
	memcpy(tf->x, sc->regs, sizeof(tf->x));
	tf->sp = sc->sp;
	tf->elr = sc->pc;
	tf->spsr = sc->pstate & 0xf0000000UL; /* flags only: EL0t, interrupts on */
	t->sig_blocked = f->uc.uc_sigmask & ~UNBLOCKABLE;
	kfree(f);
	return 0; /* SYSCALL_F_SETS_FRAME: the restored x0 stays as it is */
}

/*
 * sigaltstack(ss, old): the stack SA_ONSTACK handlers run on, per thread.
 * old first (with SS_ONSTACK while on it); a new one needs MINSIGSTKSZ
 * bytes, and cannot be set while running on the current one (EPERM). Kept
 * across fork, dropped by execve, not given to new threads.
 */
SYSCALL_DEFINE2(sigaltstack, const void *, uss, void *, uold)
{
	struct thread *t = cur_thread();
	u64 sp = task_user_frame(current_task)->sp;
	struct linux_sigaltstack ss, old = alt_stack_state(t, sp);
	u32 mode;

	if (uss && copy_from_user(&ss, uss, sizeof(ss)))
		return -EFAULT;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	if (!uss)
		return 0;
	if (on_alt_stack(t, sp))
		return -EPERM;
	mode = (u32)ss.ss_flags & ~LINUX_SS_AUTODISARM;
	if (mode != 0 && mode != LINUX_SS_ONSTACK && mode != LINUX_SS_DISABLE)
		return -EINVAL;
	if (mode == LINUX_SS_DISABLE) {
		t->alt_sp = t->alt_size = 0;
		t->alt_autodisarm = false;
		return 0;
	}
	if (ss.ss_size < LINUX_MINSIGSTKSZ)
		return -ENOMEM;
	if ((u64)ss.ss_sp + ss.ss_size < (u64)ss.ss_sp)
		return -EINVAL;
	t->alt_sp = (u64)ss.ss_sp;
	t->alt_size = ss.ss_size;
	t->alt_autodisarm = (u32)ss.ss_flags & LINUX_SS_AUTODISARM;
	return 0;
}

/* ---- waiting for signals: rt_sigsuspend, rt_sigtimedwait, rt_sigpending ---- */

/* rt_sigsuspend(mask, size): wait with mask until a handler ran (EINTR; the
 * old mask is back after the handler, as Linux's restore_sigmask). */
SYSCALL_DEFINE2(rt_sigsuspend, const k_sigset_t *, umask, size_t, size)
{
	k_sigset_t set;

	if (size != sizeof(k_sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, umask, sizeof(set)))
		return -EFAULT;
	signal_set_temp_mask(set);
	while (!signal_pending())
		schedule_sleep(0, true);
	return -ERESTARTNOHAND;
}

/* Signals pending for the calling thread that it blocks. */
SYSCALL_DEFINE2(rt_sigpending, k_sigset_t *, uset, size_t, size)
{
	struct thread *t = cur_thread();
	k_sigset_t set = signal_thread_pending(t) & t->sig_blocked;

	if (size > sizeof(k_sigset_t))
		return -EINVAL;
	return copy_to_user(uset, &set, size) ? -EFAULT : 0;
}

/* The monotonic deadline of a relative timeout (NULL: none, 0); -EINVAL,
 * -EFAULT. A zero timeout is deadline 1: already past. */
static int relative_deadline(const void *uts, u64 *deadline)
{
	struct linux_timespec ts;
	u64 max_sec = (UINT64_MAX / 4) / NSEC_PER_SEC;

	*deadline = 0;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	if (!ts.tv_sec && !ts.tv_nsec) {
		*deadline = 1;
		return 0;
	}
	*deadline = time_ns() + MIN((u64)ts.tv_sec, max_sec) * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return 0;
}

/* Sleep until a signal of set (unblocked meanwhile, so that sending it
 * wakes us), another unblocked one, or the deadline. */
static int wait_for_set(struct thread *t, k_sigset_t set, u64 deadline)
{
	k_sigset_t saved = t->sig_blocked;
	int err = 0;

	t->sig_real_blocked = saved & set;
	t->sig_blocked &= ~set;
	while (!err && !signal_pending())
		err = schedule_sleep(deadline, true);
	t->sig_blocked = saved;
	t->sig_real_blocked = 0;
	return err;
}

/*
 * rt_sigtimedwait(set, info, timeout, size): take a pending signal of set
 * (normally blocked) without running its handler: its number, with its
 * siginfo in info. EAGAIN when the timeout passes, EINTR when another
 * signal's handler is due.
 */
SYSCALL_DEFINE4(rt_sigtimedwait, const k_sigset_t *, uset, void *, uinfo,
		const struct linux_timespec *, uts, size_t, size)
{
	struct thread *t = cur_thread();
	struct linux_siginfo si;
	struct sig_origin o;
	k_sigset_t set;
	u64 deadline;
	int sig, err;

	if (size != sizeof(k_sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	err = relative_deadline(uts, &deadline);
	if (err)
		return err;
	set &= ~UNBLOCKABLE;
	sig = signal_dequeue(t, set, &o);
	if (!sig) {
		err = deadline == 1 ? -ETIMEDOUT : wait_for_set(t, set, deadline);
		sig = signal_dequeue(t, set, &o);
		if (!sig)
			return err == -ETIMEDOUT ? -EAGAIN : -EINTR;
	}
	if (uinfo) {
		fill_siginfo(&si, sig, &o);
		if (copy_to_user(uinfo, &si, sizeof(si)))
			return -EFAULT;
	}
	return sig;
}
