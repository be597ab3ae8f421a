/*
 * <sys/signal.h> for SIS, in place of picolibc's (which has no sa_sigaction
 * and a siginfo_t without si_pid/si_status/si_addr on this target).
 *
 * Signal numbers and the sigset_t bit layout (bit 1 << sig) stay picolibc's,
 * so its strsignal()/psignal() agree; the runtime translates numbers, masks
 * and sigprocmask's "how" to the kernel's (Linux) values. sa_flags, si_code
 * and the SI_/CLD_/SEGV_ codes carry the kernel's values unchanged.
 */
#ifndef _SYS_SIGNAL_H
#define _SYS_SIGNAL_H

#include <sys/cdefs.h>
#include <sys/features.h>
#include <sys/types.h>
#include <sys/_sigset.h>
#include <sys/_timespec.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(_SIGSET_T_DECLARED)
#define _SIGSET_T_DECLARED
typedef __sigset_t sigset_t;
#endif

typedef void (*_sig_func_ptr)(int);

union sigval {
	int sival_int;
	void *sival_ptr;
};

struct sigevent {
	int sigev_notify;
	int sigev_signo;
	union sigval sigev_value;
};
#define SIGEV_NONE 1
#define SIGEV_SIGNAL 2
#define SIGEV_THREAD 3

typedef struct {
	int si_signo;     /* picolibc numbering */
	int si_code;      /* SI_USER, CLD_EXITED, SEGV_MAPERR... */
	int si_errno;
	pid_t si_pid;     /* sender (kill) or child (SIGCHLD) */
	uid_t si_uid;
	int si_status;    /* SIGCHLD: exit code or signal */
	void *si_addr;    /* SIGSEGV/SIGBUS/SIGILL/SIGFPE: faulting address */
	union sigval si_value;
} siginfo_t;

/* si_code values (Linux's) */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_MESGQ (-3)
#define SI_ASYNCIO (-4)
#define SI_TKILL (-6)
#define ILL_ILLOPC 1
#define FPE_INTDIV 1
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define TRAP_BRKPT 1
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

struct sigaction {
	union {
		_sig_func_ptr __sa_handler;
		void (*__sa_sigaction)(int, siginfo_t *, void *);
	} __sa_u;
	sigset_t sa_mask;
	int sa_flags;
};
#define sa_handler __sa_u.__sa_handler
#define sa_sigaction __sa_u.__sa_sigaction

/* sa_flags (Linux's values; passed to the kernel as they are) */
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

typedef struct sigaltstack {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} stack_t;
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)
#define MINSIGSTKSZ 5120 /* Linux arm64's: the signal frame holds the FP/SIMD registers */
#define SIGSTKSZ 16384

/* sigprocmask() how (picolibc's values; translated) */
#define SIG_SETMASK 0
#define SIG_BLOCK 1
#define SIG_UNBLOCK 2

int sigprocmask(int how, const sigset_t *set, sigset_t *oset);
int pthread_sigmask(int how, const sigset_t *set, sigset_t *oset);
int kill(pid_t pid, int sig);
int killpg(pid_t pgrp, int sig);
int sigaction(int sig, const struct sigaction *act, struct sigaction *oact);
int sigaddset(sigset_t *set, const int sig);
int sigdelset(sigset_t *set, const int sig);
int sigismember(const sigset_t *set, int sig);
int sigfillset(sigset_t *set);
int sigemptyset(sigset_t *set);
int sigpending(sigset_t *set);
int sigsuspend(const sigset_t *set);
int sigwait(const sigset_t *set, int *sig);
int sigaltstack(const stack_t *__restrict ss, stack_t *__restrict old);
int pause(void);

#define sigaddset(what, sig) (*(what) |= (1UL << (sig)), 0)
#define sigdelset(what, sig) (*(what) &= ~(1UL << (sig)), 0)
#define sigemptyset(what) (*(what) = 0, 0)
#define sigfillset(what) (*(what) = ~(sigset_t)0, 0)
#define sigismember(what, sig) (((*(what)) & (1UL << (sig))) != 0)

/* Signal numbers: picolibc's (BSD) numbering. */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGIOT 6
#define SIGABRT 6
#define SIGEMT 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGBUS 10
#define SIGSEGV 11
#define SIGSYS 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGURG 16
#define SIGSTOP 17
#define SIGTSTP 18
#define SIGCONT 19
#define SIGCHLD 20
#define SIGCLD 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGIO 23
#define SIGPOLL SIGIO
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGLOST 29
#define SIGUSR1 30
#define SIGUSR2 31
#define NSIG 32

#ifdef __cplusplus
}
#endif
#endif
