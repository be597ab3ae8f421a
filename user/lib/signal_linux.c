/*
 * The kernel side of signals, in a file that sees only uapi headers:
 * rt_sigaction with the restorer in crt0.S, rt_sigprocmask, and reading
 * the fields of the kernel's siginfo. See signal.c for the picolibc side.
 */
#include <stddef.h>
#include <uapi/sis/signal.h>
#include "runtime.h"
#include "signal_priv.h"
#include "sis_syscall.h"

long __sis_rt_sigaction(int lsig, const struct sis_kact *act, struct sis_kact *old)
{
	struct k_sigaction k, ok;
	long r;

	if (act) {
		k.handler = act->handler;
		k.flags = act->flags | SA_RESTORER;
		k.restorer = (void *)__sis_sigreturn;
		k.mask = act->mask;
	}
	r = sis_syscall(__NR_rt_sigaction, lsig, act ? &k : NULL, old ? &ok : NULL,
			sizeof(k_sigset_t));
	if (r == 0 && old) {
		old->handler = ok.handler;
		old->flags = ok.flags & ~(unsigned long)SA_RESTORER;
		old->mask = ok.mask;
	}
	return r;
}

long __sis_rt_sigprocmask(int lhow, const uint64_t *set, uint64_t *old)
{
	return sis_syscall(__NR_rt_sigprocmask, lhow, set, old, sizeof(k_sigset_t));
}

void __sis_siginfo_read(const void *info, struct sis_siginfo_fields *out)
{
	const struct linux_siginfo *si = info;
	int sig = si->si_signo;

	out->code = si->si_code;
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) {
		out->addr = (void *)(uintptr_t)si->u.fault.addr;
		out->pid = out->uid = out->status = 0;
		return;
	}
	out->addr = NULL;
	out->pid = si->u.kill.pid;
	out->uid = (int)si->u.kill.uid;
	out->status = sig == SIGCHLD ? si->u.chld.status : 0;
}
