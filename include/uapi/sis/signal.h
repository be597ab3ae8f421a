/*
 * Signals of the SIS ABI: Linux's numbers and structures for arm64
 * (include/uapi/asm-generic/signal.h, arch/arm64/include/uapi/asm/sigcontext.h,
 * include/uapi/asm-generic/siginfo.h, include/uapi/asm-generic/ucontext.h).
 *
 * picolibc's <signal.h> numbers signals differently: the user runtime
 * translates, so include this header in files that do not include picolibc's.
 * Structures carry a linux_/k_ prefix so they never clash with libc names.
 */
#ifndef UAPI_SIS_SIGNAL_H
#define UAPI_SIS_SIGNAL_H

#include <stdint.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGIOT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPOLL SIGIO
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32
#define SIGRTMAX 64
#define SIS_NSIG 64 /* signals are 1..64; sigset bit (sig - 1) */

/* sa_handler special values */
#define SIG_DFL ((void *)0)
#define SIG_IGN ((void *)1)

/* sa_flags */
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000 /* run the handler on the sigaltstack, if one is set */
#define SA_RESTART 0x10000000 /* restart read/write/recv/accept/wait4... after the handler */
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

/* rt_sigprocmask how */
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* rt_sigaction/rt_sigprocmask take sigsetsize == 8 (one 64-bit word). */
typedef uint64_t k_sigset_t;
#define SIS_SIGBIT(sig) (1ULL << ((sig) - 1))

/* struct sigaction as the arm64 kernel reads it in rt_sigaction. */
struct k_sigaction {
	void *handler;          /* void (*)(int) or, with SA_SIGINFO, void (*)(int, siginfo *, void *) */
	unsigned long flags;    /* SA_* */
	void *restorer;         /* with SA_RESTORER: where the handler returns (calls rt_sigreturn) */
	k_sigset_t mask;        /* blocked while the handler runs */
};

/* si_code values SIS produces */
#define SI_USER 0      /* kill() */
#define SI_KERNEL 0x80
#define SI_TKILL (-6)  /* tgkill() */
#define SI_QUEUE (-1)  /* sigqueue() */
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2 /* nonexistent physical address: past the end of a mapped file */
#define ILL_ILLOPC 1
#define TRAP_BRKPT 1
#define POLL_IN 1      /* SIGIO with F_SETSIG: si_band and si_fd are set */
#define POLL_OUT 2
#define POLL_MSG 3
#define POLL_ERR 4
#define POLL_PRI 5
#define POLL_HUP 6
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3

/* siginfo_t: 128 bytes; the fields SIS fills. */
struct linux_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t __pad0;
	union {
		struct { int32_t pid; uint32_t uid; } kill;          /* SI_USER, SI_TKILL */
		struct { int32_t pid; uint32_t uid; int32_t status; } chld; /* SIGCHLD */
		struct { uint64_t addr; } fault;                     /* SIGSEGV/SIGBUS/SIGILL/SIGTRAP */
		struct { int64_t band; int32_t fd; } poll;           /* SIGIO with F_SETSIG */
		struct { int32_t pid; uint32_t uid; uint64_t value; } rt; /* SI_QUEUE: sigqueue */
		uint8_t __pad[128 - 16];
	} u;
};

/* The signal frame a handler finds (arm64 struct ucontext / sigcontext). */
struct linux_sigaltstack {
	void *ss_sp;
	int32_t ss_flags;
	int32_t __pad;
	uint64_t ss_size;
};
#define LINUX_SS_ONSTACK 1
#define LINUX_SS_DISABLE 2
#define LINUX_SS_AUTODISARM (1U << 31)
#define LINUX_MINSIGSTKSZ 5120 /* arm64: a frame with the FP/SIMD record fits */

#define FPSIMD_MAGIC 0x46508001
struct linux_fpsimd_context {
	uint32_t magic;  /* FPSIMD_MAGIC */
	uint32_t size;   /* sizeof(struct linux_fpsimd_context) = 528 */
	uint32_t fpsr;
	uint32_t fpcr;
	__uint128_t vregs[32];
};

struct linux_sigcontext {
	uint64_t fault_address;
	uint64_t regs[31];
	uint64_t sp;
	uint64_t pc;
	uint64_t pstate;
	/* Records {magic, size, ...}: an FPSIMD record, then a zero terminator. */
	uint8_t __reserved[4096] __attribute__((aligned(16)));
};

struct linux_ucontext {
	uint64_t uc_flags;
	struct linux_ucontext *uc_link;
	struct linux_sigaltstack uc_stack;
	k_sigset_t uc_sigmask;
	uint8_t __uc_unused[1024 / 8 - sizeof(k_sigset_t)];
	struct linux_sigcontext uc_mcontext;
};

#endif
