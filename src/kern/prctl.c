/*
 * prctl(2): the options SIS implements, with Linux's results and errnos
 * (kernel/sys.c). The capability ones (PR_CAPBSET_*, PR_CAP_AMBIENT,
 * securebits, keepcaps) are capability.c's. Per process here where Linux
 * keeps them per task: PR_SET_PDEATHSIG (sent when the parent process's
 * last thread ends: SIS's parent is the process, Linux's the thread that
 * forked) and PR_SET_NO_NEW_PRIVS. Stored and reported, with nothing
 * more to do in SIS: the timer slack (SIS's timers are never late on
 * purpose), PR_SET_THP_DISABLE (no huge pages), no_new_privs (no set-id
 * programs, file capabilities or seccomp), PR_SET_TIMING (statistical only).
 * Anything else is EINVAL, as an option Linux does not know.
 */
#include <sis/kernel.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <uapi/sis/prctl.h>
#include "proc_internal.h"

/* The calling thread's name (comm): the process's for its first thread
 * (ps and /proc/PID/comm show that one), its own for a later thread, so a
 * helper thread naming itself (jemalloc's, pthread_setname_np) does not
 * rename the process. */
static long prctl_set_name(const char *uname)
{
	struct thread *t = cur_thread();
	char name[PROC_NAME_LEN];
	long n = strncpy_from_user(name, uname, sizeof(name));

	if (n == -EFAULT)
		return -EFAULT;
	name[sizeof(name) - 1] = '\0'; /* longer names are cut, as Linux's comm */
	memcpy(t->tid == t->proc->pid ? t->proc->name : t->name, name, sizeof(name));
	return 0;
}

static const char *thread_name(void)
{
	struct thread *t = cur_thread();

	return t->tid != t->proc->pid && t->name[0] ? t->name : t->proc->name;
}

/* The tagged-address ABI: only the enable bit (no MTE), unused args zero. */
static long prctl_tagged(bool set, u64 arg2, u64 arg3, u64 arg4, u64 arg5)
{
	struct proc *p = cur_proc();

	if (!set)
		return (arg2 | arg3 | arg4 | arg5) ?
			       -EINVAL : (long)(p->tagged_addr ? PR_TAGGED_ADDR_ENABLE : 0);
	if ((arg2 & ~PR_TAGGED_ADDR_ENABLE) || arg3 || arg4 || arg5)
		return -EINVAL;
	p->tagged_addr = arg2 & PR_TAGGED_ADDR_ENABLE;
	return 0;
}

/* PR_SET/GET_PDEATHSIG: 0 or a signal number (Linux's valid_signal). */
static long prctl_pdeathsig(bool set, u64 arg2)
{
	struct proc *p = cur_proc();
	int sig = p->pdeath_sig;

	if (!set)
		return copy_to_user((void *)arg2, &sig, sizeof(sig)) ? -EFAULT : 0;
	if (arg2 > SIS_NSIG)
		return -EINVAL;
	p->pdeath_sig = (int)arg2;
	return 0;
}

static long prctl_subreaper(bool set, u64 arg2)
{
	struct proc *p = cur_proc();
	int on = p->child_subreaper;

	if (!set)
		return copy_to_user((void *)arg2, &on, sizeof(on)) ? -EFAULT : 0;
	p->child_subreaper = arg2 != 0;
	return 0;
}

/* PR_SET_TIMERSLACK 0: back to the slack the thread started with. */
static long prctl_timerslack(bool set, u64 arg2)
{
	struct thread *t = cur_thread();

	if (!set)
		return (long)t->timer_slack_ns;
	t->timer_slack_ns = arg2 ? arg2 : t->default_slack_ns;
	return 0;
}

/* The options with one flag each: -ENOSYS if option is not one of them. */
static long prctl_flag(int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5)
{
	struct proc *p = cur_proc();

	switch (option) {
	case PR_SET_NO_NEW_PRIVS: /* for good: there is no way back */
		if (arg2 != 1 || arg3 || arg4 || arg5)
			return -EINVAL;
		p->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		return (arg2 | arg3 | arg4 | arg5) ? -EINVAL : p->no_new_privs;
	case PR_SET_THP_DISABLE:
		if (arg3 || arg4 || arg5)
			return -EINVAL;
		p->thp_disable = arg2 != 0;
		return 0;
	case PR_GET_THP_DISABLE:
		return (arg2 | arg3 | arg4 | arg5) ? -EINVAL : p->thp_disable;
	case PR_GET_TIMING:
		return PR_TIMING_STATISTICAL;
	case PR_SET_TIMING:
		return arg2 == PR_TIMING_STATISTICAL ? 0 : -EINVAL;
	case PR_GET_DUMPABLE:
		return p->undumpable ? 0 : 1;
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL; /* SUID_DUMP_ROOT (2) is refused, as Linux */
		p->undumpable = !arg2;
		return 0;
	default:
		return -ENOSYS;
	}
}

SYSCALL_DEFINE5(prctl, int, option, u64, arg2, u64, arg3, u64, arg4, u64, arg5)
{
	long r;

	switch (option) {
	case PR_SET_NAME:
		return prctl_set_name((const char *)arg2);
	case PR_GET_NAME:
		return copy_to_user((void *)arg2, thread_name(), PROC_NAME_LEN);
	case PR_SET_PDEATHSIG:
	case PR_GET_PDEATHSIG:
		return prctl_pdeathsig(option == PR_SET_PDEATHSIG, arg2);
	case PR_SET_CHILD_SUBREAPER:
	case PR_GET_CHILD_SUBREAPER:
		return prctl_subreaper(option == PR_SET_CHILD_SUBREAPER, arg2);
	case PR_SET_TIMERSLACK:
	case PR_GET_TIMERSLACK:
		return prctl_timerslack(option == PR_SET_TIMERSLACK, arg2);
	case PR_GET_KEEPCAPS:
	case PR_SET_KEEPCAPS:
	case PR_CAPBSET_READ:
	case PR_CAPBSET_DROP:
	case PR_GET_SECUREBITS:
	case PR_SET_SECUREBITS:
	case PR_CAP_AMBIENT:
		return cap_prctl(option, arg2, arg3, arg4, arg5);
	case PR_SET_TAGGED_ADDR_CTRL:
		return prctl_tagged(true, arg2, arg3, arg4, arg5);
	case PR_GET_TAGGED_ADDR_CTRL:
		return prctl_tagged(false, arg2, arg3, arg4, arg5);
	default:
		r = prctl_flag(option, arg2, arg3, arg4, arg5);
		return r == -ENOSYS ? -EINVAL : r;
	}
}
