/*
 * Signals for picolibc programs. picolibc numbers signals BSD-style; the
 * kernel uses Linux's numbers. sigaction() installs one dispatcher for
 * every caught signal: it translates the number (and builds picolibc's
 * siginfo_t for SA_SIGINFO handlers) and calls the program's handler from
 * a table. SIG_DFL/SIG_IGN go to the kernel as they are. Masks and
 * sigprocmask's "how" are translated too. SA_* flags other than SA_SIGINFO
 * have the kernel's values (see <signal.h>) and pass through.
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include "signal_priv.h"
#include "sis_syscall.h"
#include "xlat.h"

/* The program's handlers, indexed by kernel signal number. */
static struct {
	union {
		void (*fn)(int);
		void (*action)(int, siginfo_t *, void *);
	};
	int flags;
} handlers[SIS_KNSIG + 1];

static void dispatch(int lsig, void *linfo, void *uctx)
{
	int psig = __sis_sig_to_pico(lsig);
	void (*fn)(int);

	if (lsig <= 0 || lsig > SIS_KNSIG)
		return;
	fn = handlers[lsig].fn;
	if (fn == SIG_DFL || fn == SIG_IGN)
		return;
	if (handlers[lsig].flags & SA_SIGINFO) {
		struct sis_siginfo_fields k;
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		__sis_siginfo_read(linfo, &k);
		si.si_signo = psig;
		si.si_code = k.code;
		si.si_pid = k.pid;
		si.si_uid = (uid_t)k.uid;
		si.si_status = k.status;
		si.si_addr = k.addr;
		handlers[lsig].action(psig, &si, uctx);
	} else {
		fn(psig);
	}
}

static int to_linux_sig(int sig)
{
	int lsig = __sis_sig_to_linux(sig);

	if (lsig <= 0) {
		errno = EINVAL;
		return -1;
	}
	return lsig;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
	int lsig = to_linux_sig(sig);
	struct sis_kact k, ok;
	typeof(handlers[0]) saved;

	if (lsig < 0)
		return -1;
	saved = handlers[lsig];
	if (act) {
		k.flags = (unsigned)act->sa_flags & ~SIS_KSA_SIGINFO;
		k.mask = __sis_sigset_to_linux(act->sa_mask);
		if (act->sa_handler == SIG_DFL || act->sa_handler == SIG_IGN) {
			k.handler = (void *)act->sa_handler;
		} else {
			k.handler = (void *)dispatch;
			k.flags |= SIS_KSA_SIGINFO;
			handlers[lsig].fn = act->sa_handler;
			handlers[lsig].flags = act->sa_flags;
		}
	}
	if (__sis_ret(__sis_rt_sigaction(lsig, act ? &k : NULL, &ok)) < 0) {
		handlers[lsig] = saved;
		return -1;
	}
	if (oact) {
		memset(oact, 0, sizeof(*oact));
		if (ok.handler == (void *)dispatch) {
			oact->sa_handler = saved.fn;
			oact->sa_flags = saved.flags;
		} else {
			oact->sa_handler = (void (*)(int))ok.handler;
			oact->sa_flags = (int)(ok.flags & ~SIS_KSA_SIGINFO);
		}
		oact->sa_mask = __sis_sigset_to_pico(ok.mask);
	}
	return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr fn)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = SA_RESTART;
	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *oset)
{
	const struct sis_xlat_consts *p = &__sis_pico_consts, *l = &__sis_linux_consts;
	uint64_t lset, lold;
	int lhow;

	if (how == p->sig_block)
		lhow = l->sig_block;
	else if (how == p->sig_unblock)
		lhow = l->sig_unblock;
	else if (how == p->sig_setmask)
		lhow = l->sig_setmask;
	else if (set) {
		errno = EINVAL;
		return -1;
	} else
		lhow = l->sig_block;
	if (set)
		lset = __sis_sigset_to_linux(*set);
	if (__sis_ret(__sis_rt_sigprocmask(lhow, set ? &lset : NULL, oset ? &lold : NULL)) < 0)
		return -1;
	if (oset)
		*oset = __sis_sigset_to_pico(lold);
	return 0;
}

int pthread_sigmask(int how, const sigset_t *set, sigset_t *oset)
{
	return sigprocmask(how, set, oset) < 0 ? errno : 0;
}

int raise(int sig)
{
	return kill(getpid(), sig);
}

/* Sleep until a signal is delivered: ppoll with nothing to wait for. */
int pause(void)
{
	return ppoll(NULL, 0, NULL, NULL);
}

/* ppoll with a mask sets it for the wait only (the kernel restores the old
 * one after the handler runs): exactly sigsuspend. */
int sigsuspend(const sigset_t *mask)
{
	return ppoll(NULL, 0, NULL, mask);
}

/* stack_t and SS_* are the kernel's (user/include/sys/signal.h). */
int sigaltstack(const stack_t *restrict ss, stack_t *restrict old)
{
	return (int)sis_call(__NR_sigaltstack, ss, old);
}
