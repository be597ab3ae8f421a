/*
 * Signals: sending, default actions, handlers with a Linux-compatible
 * arm64 signal frame (on the sigaltstack with SA_ONSTACK), job-control
 * stops, SA_RESTART, and the signal system calls (kill, tgkill,
 * rt_sigaction, rt_sigprocmask, rt_sigreturn, sigaltstack).
 *
 * A signal is a bit in the process's pending set, plus the origin its
 * siginfo reports (one per signal: standard signals do not queue). Pending,
 * unblocked signals are acted on in return_to_user(): ignored, default
 * (terminate, ignore, stop) or a handler frame built on the user stack; the
 * handler returns through SA_RESTORER or the kernel's trampoline page to
 * rt_sigreturn, which restores the frame.
 *
 * Sending may happen in interrupt context (Ctrl-C), so the pending set and
 * the process list are changed with interrupts masked.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/irq.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <sis/tty.h>
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
	p->sig_pending = p->sig_blocked = 0;
	p->sig_restore_mask = false;
	p->sys_restart = 0;
}

void signal_fork(struct proc *child, const struct proc *parent)
{
	memcpy(child->sig_action, parent->sig_action, sizeof(child->sig_action));
	child->sig_blocked = parent->sig_restore_mask ? parent->sig_saved_mask : parent->sig_blocked;
	child->sig_pending = 0;
	child->alt_sp = parent->alt_sp;
	child->alt_size = parent->alt_size;
	child->alt_autodisarm = parent->alt_autodisarm;
}

/* execve: handlers point into the old image, so they become SIG_DFL;
 * ignored signals stay ignored, the mask and pending signals stay. */
void signal_exec(struct proc *p)
{
	p->alt_sp = p->alt_size = 0; /* the old image's memory */
	p->tagged_addr = false;      /* execve resets the tagged-address ABI, as Linux */
	p->alt_autodisarm = false;
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

bool signal_pending(void)
{
	struct proc *p = cur_proc();

	return p && (p->sig_pending & ~p->sig_blocked);
}

/* SIGCONT resumes a stopped process, whatever its action is. */
static void continue_proc(struct proc *p)
{
	p->sig_pending &= ~STOP_SIGNALS;
	if (p->stopped) {
		p->stopped = false;
		p->report_cont = true;
		if (p->parent)
			wake_up(&p->parent->child_wait);
		if (p->task)
			task_wake(p->task);
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

int signal_send_proc(struct proc *p, int sig, const struct sig_origin *o)
{
	unsigned long flags;
	u64 bit = SIS_SIGBIT(sig);

	if (!sig_valid(sig))
		return -EINVAL;
	if (p->state != PROC_ALIVE || init_protected(p, sig))
		return 0; /* a zombie takes no more signals; init, see above */
	flags = irq_save();
	if (sig == SIGCONT)
		continue_proc(p);
	if (STOP_SIGNALS & bit)
		p->sig_pending &= ~SIS_SIGBIT(SIGCONT);
	if (!signal_is_ignored(p, sig) || (p->sig_blocked & bit)) {
		p->sig_pending |= bit;
		p->sig_origin[sig - 1] = *o;
		if (p->task && !(p->sig_blocked & bit)) {
			task_wake_signal(p->task);
			if (sig == SIGKILL && (p->stopped || p->vfork_waiting))
				task_wake(p->task);
		}
	}
	irq_restore(flags);
	return 0;
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

void signal_foreground(int sig)
{
	struct sig_origin o = { .code = SI_KERNEL };
	int pgrp = tty_foreground_pgrp();
	struct proc *init;

	if (!pgrp) {
		init = proc_init_proc();
		if (!init)
			return;
		pgrp = init->pgid;
	}
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
	bool ignored;

	if (!p || !fg_pgrp || p->pgid == fg_pgrp)
		return 0;
	ignored = (p->sig_blocked & SIS_SIGBIT(sig)) ||
		  p->sig_action[sig - 1].handler == SIG_IGN;
	if (ignored)
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(p->pgid, p->sid))
		return -EIO;
	return send_group(p->pgid, sig, &o) ? -ERESTARTSYS : -EIO;
}

void signal_set_temp_mask(u64 mask)
{
	struct proc *p = cur_proc();

	if (!p)
		return;
	if (!p->sig_restore_mask) {
		p->sig_saved_mask = p->sig_blocked;
		p->sig_restore_mask = true;
	}
	p->sig_blocked = mask & ~UNBLOCKABLE;
}

/* ---- delivery ---- */

static void fill_siginfo(struct linux_siginfo *si, int sig, const struct sig_origin *o)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = o->code;
	if (o->code == SI_USER || o->code == SI_TKILL)
		si->u.kill.pid = o->pid;
	else if (o->code != SI_KERNEL)
		si->u.fault.addr = o->addr;
}

static void save_fpsimd(struct linux_sigcontext *sc, const struct trap_frame *tf)
{
	struct linux_fpsimd_context *fp = (struct linux_fpsimd_context *)sc->__reserved;

	fp->magic = FPSIMD_MAGIC;
	fp->size = sizeof(*fp);
	fp->fpsr = (u32)tf->fpsr;
	fp->fpcr = (u32)tf->fpcr;
	memcpy(fp->vregs, tf->v, sizeof(fp->vregs));
	/* the zeroed header after it terminates the record list */
}

/* Build the frame for sig on the user stack and point tf at the handler. */
static bool on_alt_stack(const struct proc *p, u64 sp)
{
	return p->alt_size && sp > p->alt_sp && sp - p->alt_sp <= p->alt_size;
}

/* What sigaltstack(2) reports, and the frame records in uc_stack. */
static struct linux_sigaltstack alt_stack_state(const struct proc *p, u64 sp)
{
	struct linux_sigaltstack ss = { .ss_sp = (void *)p->alt_sp, .ss_size = p->alt_size };

	if (!p->alt_size)
		ss.ss_flags = LINUX_SS_DISABLE;
	else if (on_alt_stack(p, sp))
		ss.ss_flags = LINUX_SS_ONSTACK;
	if (p->alt_autodisarm)
		ss.ss_flags |= (int32_t)LINUX_SS_AUTODISARM;
	return ss;
}

static int setup_frame(struct trap_frame *tf, int sig, const struct k_sigaction *ka,
		       const struct sig_origin *o, k_sigset_t saved_mask)
{
	struct proc *p = cur_proc();
	struct rt_sigframe *f = kzalloc(sizeof(*f));
	u64 base = tf->sp, sp;
	int err;

	if (!f)
		return -ENOMEM;
	f->uc.uc_stack = alt_stack_state(p, tf->sp);
	/* SA_ONSTACK: the handler gets the alternate stack, unless already on it. */
	if ((ka->flags & SA_ONSTACK) && p->alt_size && !on_alt_stack(p, tf->sp)) {
		base = p->alt_sp + p->alt_size;
		if (p->alt_autodisarm)
			p->alt_sp = p->alt_size = 0; /* back with the frame's uc_stack */
	}
	sp = ALIGN_DOWN(base - sizeof(*f), 16);
	fill_siginfo(&f->info, sig, o);
	f->uc.uc_sigmask = saved_mask;
	memcpy(f->uc.uc_mcontext.regs, tf->x, sizeof(tf->x));
	f->uc.uc_mcontext.sp = tf->sp;
	f->uc.uc_mcontext.pc = tf->elr;
	f->uc.uc_mcontext.pstate = tf->spsr;
	f->uc.uc_mcontext.fault_address = o->addr;
	save_fpsimd(&f->uc.uc_mcontext, tf);
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

/* Lowest pending unblocked signal, taken off the pending set; 0 if none. */
static int dequeue_signal(struct proc *p, struct sig_origin *o)
{
	unsigned long flags = irq_save();
	u64 ready = p->sig_pending & ~p->sig_blocked;
	int sig = 0;

	if (ready) {
		sig = __builtin_ctzll(ready) + 1;
		p->sig_pending &= ~SIS_SIGBIT(sig);
		*o = p->sig_origin[sig - 1];
	}
	irq_restore(flags);
	return sig;
}

/* Stopped until SIGCONT or SIGKILL. The parent hears of it through wait4. */
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
	for (;;) {
		sched_prepare_sleep();
		if (!p->stopped || (p->sig_pending & SIS_SIGBIT(SIGKILL)))
			break;
		schedule_sleep(0, false); /* SIGCONT and SIGKILL wake it explicitly */
	}
	sched_cancel_sleep();
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

static void handler_delivered(struct proc *p, int sig, struct k_sigaction *ka)
{
	p->sig_blocked |= ka->mask & ~UNBLOCKABLE;
	if (!(ka->flags & SA_NODEFER))
		p->sig_blocked |= SIS_SIGBIT(sig);
	if (ka->flags & SA_RESETHAND)
		*ka = (struct k_sigaction){ 0 };
	p->sig_restore_mask = false;
}

/*
 * A system call was interrupted by a signal (-ERESTARTSYS or -ERESTARTNOHAND,
 * see sis/errno.h): it returns EINTR for now, and signal_deliver, on the way
 * out, may turn that into a restart.
 */
long signal_syscall_interrupted(long how, u64 orig_x0)
{
	struct proc *p = cur_proc();

	if (p) {
		p->sys_restart = how;
		p->sys_restart_x0 = orig_x0;
	}
	return -EINTR;
}

/* Make the interrupted call run again: its arguments are still in x1..x7
 * and its number in x8; x0 gets its first argument back, and the return
 * address goes back to the svc (4 bytes). */
static void restart_syscall(struct trap_frame *tf, const struct proc *p)
{
	tf->x[0] = p->sys_restart_x0;
	tf->elr -= 4;
}

void signal_deliver(struct trap_frame *tf)
{
	struct proc *p = cur_proc();
	struct sig_origin o;
	long restart;
	int sig;

	if (!p)
		return;
	restart = p->sys_restart;
	p->sys_restart = 0;
	while ((sig = dequeue_signal(p, &o)) != 0) {
		struct k_sigaction *ka = &p->sig_action[sig - 1];
		k_sigset_t saved = p->sig_restore_mask ? p->sig_saved_mask : p->sig_blocked;

		if (ka->handler == SIG_IGN)
			continue;
		if (ka->handler == SIG_DFL) {
			if (p->pid != 1) /* sent while init had a handler */
				default_action(p, sig);
			continue;
		}
		/* A handler runs: the interrupted call restarts after it only
		 * with SA_RESTART, and only if it is a restartable one. Decided
		 * before the frame saves where to resume. */
		if (restart == -ERESTARTSYS && (ka->flags & SA_RESTART))
			restart_syscall(tf, p);
		restart = 0;
		if (setup_frame(tf, sig, ka, &o, saved)) {
			log_warn("proc: pid %d (%s): no room for a signal frame at sp 0x%lx; "
				 "killed by SIGSEGV", p->pid, p->name, (unsigned long)tf->sp);
			proc_exit(SIGSEGV);
		}
		handler_delivered(p, sig, ka);
		break; /* one handler per return; others follow on the next one */
	}
	if (restart)
		restart_syscall(tf, p); /* no handler ran: as if nothing happened */
	if (p->sig_restore_mask) {
		p->sig_blocked = p->sig_saved_mask;
		p->sig_restore_mask = false;
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
	struct k_sigaction *ka = &p->sig_action[sig - 1];
	struct sig_origin o = { .code = code, .addr = addr };

	if (ka->handler != SIG_DFL && ka->handler != SIG_IGN &&
	    !(p->sig_blocked & SIS_SIGBIT(sig))) {
		signal_send_proc(p, sig, &o);
		return;
	}
	log_warn("proc: pid %d (%s) killed by %s: %s at 0x%lx, pc 0x%lx", p->pid, p->name,
		 signal_name(sig), what, (unsigned long)addr, (unsigned long)tf->elr);
	proc_exit(sig);
}

/* ---- system calls ---- */

/* kill(pid, sig): pid > 0 one process, 0 the caller's group, -1 everyone
 * but init and the caller, < -1 group -pid. sig 0 only checks. */
static long sys_kill(struct trap_frame *tf)
{
	int pid = (int)SC_ARG(tf, 0), sig = (int)SC_ARG(tf, 1);
	struct proc *self = cur_proc(), *p;
	struct sig_origin o = { .code = SI_USER, .pid = self->pid };
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
SYSCALL(__NR_kill, sys_kill);

static long sys_tgkill(struct trap_frame *tf)
{
	int tgid = (int)SC_ARG(tf, 0), tid = (int)SC_ARG(tf, 1), sig = (int)SC_ARG(tf, 2);
	struct sig_origin o = { .code = SI_TKILL, .pid = cur_proc()->pid };
	struct proc *p;

	if (tgid <= 0 || tid <= 0 || (sig && !sig_valid(sig)))
		return -EINVAL;
	p = proc_find(tid);
	if (!p || p->pid != tgid || p->state != PROC_ALIVE)
		return -ESRCH;
	return sig ? signal_send_proc(p, sig, &o) : 0;
}
SYSCALL(__NR_tgkill, sys_tgkill);

#define SA_KNOWN                                                                            \
	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTORER | SA_ONSTACK | SA_RESTART | \
	 SA_NODEFER | SA_RESETHAND)

static long sys_rt_sigaction(struct trap_frame *tf)
{
	int sig = (int)SC_ARG(tf, 0);
	const void *uact = (const void *)SC_ARG(tf, 1);
	void *uold = (void *)SC_ARG(tf, 2);
	struct proc *p = cur_proc();
	struct k_sigaction act, old;

	if (SC_ARG(tf, 3) != sizeof(k_sigset_t) || !sig_valid(sig))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	if (uact && ((UNBLOCKABLE & SIS_SIGBIT(sig)) || (act.flags & ~SA_KNOWN)))
		return -EINVAL;
	old = p->sig_action[sig - 1];
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		p->sig_action[sig - 1] = act;
		/* A signal now ignored is discarded if pending (POSIX). */
		if (signal_is_ignored(p, sig))
			p->sig_pending &= ~SIS_SIGBIT(sig);
	}
	return 0;
}
SYSCALL(__NR_rt_sigaction, sys_rt_sigaction);

static long sys_rt_sigprocmask(struct trap_frame *tf)
{
	int how = (int)SC_ARG(tf, 0);
	const void *uset = (const void *)SC_ARG(tf, 1);
	void *uold = (void *)SC_ARG(tf, 2);
	struct proc *p = cur_proc();
	k_sigset_t set, old = p->sig_blocked;

	if (SC_ARG(tf, 3) != sizeof(k_sigset_t))
		return -EINVAL;
	if (uset && copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	if (!uset)
		return 0;
	switch (how) {
	case SIG_BLOCK:
		p->sig_blocked |= set;
		break;
	case SIG_UNBLOCK:
		p->sig_blocked &= ~set;
		break;
	case SIG_SETMASK:
		p->sig_blocked = set;
		break;
	default:
		return -EINVAL;
	}
	p->sig_blocked &= ~UNBLOCKABLE;
	return 0;
}
SYSCALL(__NR_rt_sigprocmask, sys_rt_sigprocmask);

static bool restore_fpsimd(struct trap_frame *tf, const struct linux_sigcontext *sc)
{
	const struct linux_fpsimd_context *fp = (const void *)sc->__reserved;

	if (fp->magic != FPSIMD_MAGIC || fp->size != sizeof(*fp))
		return false;
	tf->fpsr = fp->fpsr;
	tf->fpcr = fp->fpcr;
	memcpy(tf->v, fp->vregs, sizeof(tf->v));
	return true;
}

/* Return from a handler: restore what setup_frame saved, from the frame at
 * sp. A frame that cannot be read or is corrupt kills with SIGSEGV. */
static long sys_rt_sigreturn(struct trap_frame *tf)
{
	struct rt_sigframe *f = kmalloc(sizeof(*f));
	struct proc *p = cur_proc();
	const struct linux_sigcontext *sc;

	if (!f || copy_from_user(f, (void *)tf->sp, sizeof(*f)) ||
	    !restore_fpsimd(tf, &f->uc.uc_mcontext)) {
		kfree(f);
		log_warn("proc: pid %d (%s) killed by SIGSEGV: bad signal frame at 0x%lx",
			 p->pid, p->name, (unsigned long)tf->sp);
		proc_exit(SIGSEGV);
	}
	sc = &f->uc.uc_mcontext;
	if (p->alt_autodisarm && !p->alt_size && !(f->uc.uc_stack.ss_flags & LINUX_SS_DISABLE)) {
		/* SS_AUTODISARM: the stack the handler ran on comes back. */
		p->alt_sp = (u64)f->uc.uc_stack.ss_sp;
		p->alt_size = f->uc.uc_stack.ss_size;
	}
	memcpy(tf->x, sc->regs, sizeof(tf->x));
	tf->sp = sc->sp;
	tf->elr = sc->pc;
	tf->spsr = sc->pstate & 0xf0000000UL; /* flags only: EL0t, interrupts on */
	p->sig_blocked = f->uc.uc_sigmask & ~UNBLOCKABLE;
	kfree(f);
	return 0; /* SYSCALL_F_SETS_FRAME: the restored x0 stays as it is */
}
SYSCALL_FLAGS(__NR_rt_sigreturn, sys_rt_sigreturn, SYSCALL_F_SETS_FRAME);

/*
 * sigaltstack(ss, old): the stack SA_ONSTACK handlers run on. old first
 * (with SS_ONSTACK while on it); a new one needs MINSIGSTKSZ bytes, and
 * cannot be set while running on the current one (EPERM). Kept across fork,
 * dropped by execve.
 */
static long sys_sigaltstack(struct trap_frame *tf)
{
	const void *uss = (const void *)SC_ARG(tf, 0);
	void *uold = (void *)SC_ARG(tf, 1);
	struct proc *p = cur_proc();
	struct linux_sigaltstack ss, old = alt_stack_state(p, tf->sp);
	u32 mode;

	if (uss && copy_from_user(&ss, uss, sizeof(ss)))
		return -EFAULT;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	if (!uss)
		return 0;
	if (on_alt_stack(p, tf->sp))
		return -EPERM;
	mode = (u32)ss.ss_flags & ~LINUX_SS_AUTODISARM;
	if (mode != 0 && mode != LINUX_SS_ONSTACK && mode != LINUX_SS_DISABLE)
		return -EINVAL;
	if (mode == LINUX_SS_DISABLE) {
		p->alt_sp = p->alt_size = 0;
		p->alt_autodisarm = false;
		return 0;
	}
	if (ss.ss_size < LINUX_MINSIGSTKSZ)
		return -ENOMEM;
	if ((u64)ss.ss_sp + ss.ss_size < (u64)ss.ss_sp)
		return -EINVAL;
	p->alt_sp = (u64)ss.ss_sp;
	p->alt_size = ss.ss_size;
	p->alt_autodisarm = (u32)ss.ss_flags & LINUX_SS_AUTODISARM;
	return 0;
}
SYSCALL(__NR_sigaltstack, sys_sigaltstack);
