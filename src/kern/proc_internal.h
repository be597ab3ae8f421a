/*
 * Process internals shared by the process-layer files (proc.c, fork.c,
 * exit.c, exec.c, signal.c, sched.c, uaccess.c). Other modules use the small
 * surface in sis/proc.h.
 *
 * A process (struct proc) is a thread group: its pid is the group's id,
 * and it has one or more threads (struct thread, one per struct task) that
 * share its address space, descriptors, signal handlers and credentials.
 * Each thread has its own tid (the first one's is the pid), signal mask,
 * thread-directed pending signals, sigaltstack, clear_child_tid and robust
 * list. The process lives from fork (or start_init) until its parent reaps
 * it with wait4; it becomes a zombie when its last thread exits: no
 * threads, no address space, no files, only its exit status.
 *
 * Thread lifetime: a struct thread lives from clone (or fork, or
 * start_init) until its own exit, which unlinks it from proc->threads with
 * interrupts masked and frees it; only its own task and, with interrupts
 * masked and without sleeping, signal senders (tgkill) use it, so no
 * reference count is needed. A thread never waits for another thread's
 * object: futex waiters are on the sleeper's own stack.
 *
 * Lifetime: struct proc is reference counted. The process table holds one
 * reference from proc_alloc until proc_free (the reaping, or an error path);
 * code that keeps a struct proc * across a sleep holds its own (proc_get)
 * and drops it with proc_put, which frees the memory on the last one. A
 * pointer to another process read before a sleep (p->parent above all:
 * reparenting happens while others sleep) is read again after it, with
 * interrupts masked up to its last use.
 */
#ifndef SIS_KERN_PROC_INTERNAL_H
#define SIS_KERN_PROC_INTERNAL_H

#include <sis/kernel.h>
#include <sis/list.h>
#include <sis/wait.h>
#include <sis/sched.h>
#include <sis/proc.h>
#include <sis/vm.h>
#include <uapi/sis/signal.h>
#include <uapi/sis/resource.h>

/* Processes (alive or zombie) and threads at once: Linux's max_threads,
 * RAM / (8 * kernel stack), here at least 512 processes and 1024
 * threads and at most what the kernel-stack area holds (proc.c). */
#define PROC_MIN_MAX 512
#define THREAD_MIN_MAX 1024
int proc_max(void);
int thread_max(void);
#define PID_MAX 32768    /* pids wrap below this */
#define PROC_NAME_LEN 16

enum proc_state {
	PROC_ALIVE,
	PROC_ZOMBIE, /* exited, waiting for the parent's wait4 */
};

/* Why a signal is pending: what its siginfo will say. */
struct sig_origin {
	int code;      /* SI_USER, SI_TKILL, SI_KERNEL, SEGV_MAPERR... */
	int pid;       /* sender for kill/tgkill */
	/* fault address for SIGSEGV/SIGBUS/SIGILL/SIGTRAP; si_band of a POLL
	 * origin; si_value of a VALUE one */
	u64 addr;
	union {
		u32 uid;   /* the sender's real uid (kill, tgkill, sigqueue) */
		int fd;    /* si_fd of a POLL origin (SIGIO with F_SETSIG) */
	};
	u8 kind;       /* SIGO_*: which fields the siginfo shows */
};
#define SIGO_PLAIN 0 /* by code: pid and uid (SI_USER, SI_TKILL), addr (faults) */
#define SIGO_POLL 1  /* si_band, si_fd */
#define SIGO_VALUE 2 /* si_pid, si_uid, si_value (sigqueue, rt_sigqueueinfo) */

/* Credentials (credentials(7)); privilege is the effective capability
 * set (capability.c). */
#define CRED_NGROUPS 32
struct proc_cred {
	u32 uid[3];                 /* real, effective, saved */
	u32 gid[3];
	u32 ngroups;
	u32 groups[CRED_NGROUPS];
	u64 cap_eff, cap_perm, cap_inh; /* capability sets, bit CAP_x */
	u64 cap_bset;               /* bounding set (PR_CAPBSET_DROP): what execve may give */
	u64 cap_amb;                /* ambient set: kept by execve; always in perm and inh */
	u32 securebits;             /* PR_SET_SECUREBITS: SECBIT_* (uapi/sis/securebits.h) */
};

/* capability.c */
void cap_init_root(struct proc_cred *c);  /* the full set */
/* After a set*uid call changed c->uid from old_uid (Linux's rules). */
void cap_setuid_fixup(struct proc_cred *c, const u32 old_uid[3]);
/* execve of a program without file capabilities: capabilities(7)'s rules */
void cap_exec(struct proc_cred *c);

struct proc {
	unsigned refs;              /* proc_get/proc_put; the table's is one */
	int pid;
	int pgid;                   /* process group (Ctrl-C goes to the foreground one) */
	int sid;                    /* session */
	enum proc_state state;
	char name[PROC_NAME_LEN];   /* basename of the program, for logs and ps */

	struct proc *parent;        /* init adopts orphans; NULL only for init */
	struct list_head children;  /* struct proc.sibling */
	struct list_head sibling;   /* in parent->children */
	struct list_head all_node;  /* in the global process list */
	struct wait_queue child_wait; /* woken when a child exits (wait4 sleeps here) */
	int exit_signal;            /* sent to the parent at exit: SIGCHLD, or 0 */
	int wait_status;            /* wait4 status, valid once a zombie */

	struct list_head threads;   /* struct thread.group_node: the live ones */
	int nr_threads;             /* length of threads; 0 once a zombie */
	bool group_exit;            /* exit_group or a fatal signal: all threads end */
	int group_exit_status;      /* the wait status of that group exit */
	bool leader_exited;         /* the first thread ended with exit() first */
	int leader_exit_status;     /* its status: the group's without a group exit */
	struct thread *exec_thread; /* execve from it is killing the other threads */
	struct wait_queue thread_wait; /* woken when one of its threads exits */
	u64 dead_ticks;             /* CPU ticks of its threads that exited */
	struct vm_space *vm;        /* NULL before the first exec and after exit */
	struct fd_table *fds;       /* NULL after exit */

	/* vfork: the calling thread sleeps on the parent's vfork_wait until
	 * the child execs or exits (clears vfork_parent); both hold references. */
	struct proc *vfork_parent;  /* in the child: whom to release (referenced) */
	struct wait_queue vfork_wait;

	/* Job control: stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU until SIGCONT. */
	bool stopped;
	int stop_sig;
	bool report_stop;           /* wait4(WUNTRACED) has not seen the stop yet */
	bool report_cont;           /* wait4(WCONTINUED) has not seen the continue yet */

	/* Signals sent to the process (bit sig-1): any thread not blocking
	 * one takes it. Thread-directed ones are in struct thread. */
	k_sigset_t sig_pending;
	struct sig_origin sig_origin[SIS_NSIG];
	struct list_head sig_queue;  /* queued real-time signals (sigqueue.c) */
	struct k_sigaction sig_action[SIS_NSIG];
	struct wait_queue signalfd_wait; /* woken whenever a signal is queued (signalfd.c) */
	struct ktimer real_timer;    /* ITIMER_REAL (itimer.c) */
	u64 real_interval_ns;        /* its reload value, 0 = one-shot */

	struct linux_rlimit64 rlimit[RLIM_NLIMITS];
	struct proc_cred cred;      /* sys_cred.c; copied by fork */
	u32 umask;                  /* applied at file and directory creation */
	bool tagged_addr;           /* PR_TAGGED_ADDR_ENABLE: syscalls untag pointers */
	bool undumpable;            /* PR_SET_DUMPABLE 0 (kept for PR_GET_DUMPABLE; SIS dumps no core) */
	u32 personality;            /* personality(2): ADDR_NO_RANDOMIZE is obeyed (exec.c) */
	int pdeath_sig;             /* PR_SET_PDEATHSIG: sent when the parent ends; not inherited */
	bool child_subreaper;       /* PR_SET_CHILD_SUBREAPER: adopts orphaned descendants */
	bool no_new_privs;          /* PR_SET_NO_NEW_PRIVS (fork and execve keep it) */
	bool thp_disable;           /* PR_SET_THP_DISABLE (fork and execve keep it) */
	u64 start_ns;               /* time_ns() at creation */
	u64 child_ticks;            /* CPU ticks of reaped children */
	struct proc_exe *exe;       /* program and argv for /proc (procfs_pid.c); fork shares it */
};

#define TIMER_SLACK_DEFAULT_NS 50000 /* init's, as Linux's */

/* One thread of a process. Owned by its task (see the top of this file). */
struct thread {
	struct task *task;          /* the kernel task running it */
	struct proc *proc;          /* its thread group */
	int tid;                    /* gettid(); the first thread's is the pid */
	char name[PROC_NAME_LEN];   /* PR_SET_NAME of a later thread ("": the process's) */
	struct list_head group_node; /* in proc->threads */
	k_sigset_t sig_pending;     /* sent to this thread: tgkill, faults, kills */
	struct sig_origin sig_origin[SIS_NSIG];
	struct list_head sig_queue; /* queued real-time signals (sigqueue.c) */
	k_sigset_t sig_blocked;
	k_sigset_t sig_real_blocked; /* rt_sigtimedwait: what it unblocked to wait for (Linux's real_blocked) */
	k_sigset_t sig_saved_mask;  /* restored on the way out (signal_set_temp_mask) */
	bool sig_restore_mask;
	u64 alt_sp, alt_size;       /* sigaltstack, alt_size 0 = none */
	bool alt_autodisarm;        /* SS_AUTODISARM: off while a handler runs on it */
	long sys_restart;           /* -ERESTART* of the syscall returning now, or 0 */
	u64 sys_restart_x0;         /* its first argument, for a restart */
	u64 clear_child_tid;        /* set_tid_address: zeroed and futex-woken at exit */
	u64 robust_list;            /* set_robust_list head, walked at exit (futex.c) */
	/* Asleep without a signal ending the sleep (stopped, vfork, exec's
	 * wait for the other threads): SIGKILL and SIGCONT wake it anyway. */
	bool wake_on_kill;
	u64 timer_slack_ns;         /* PR_SET_TIMERSLACK (reported only: no timer is late on purpose) */
	u64 default_slack_ns;       /* the creating thread's slack: what 0 sets */
};


/* proc.c */
extern struct list_head proc_list;
struct proc *proc_alloc(void);               /* pid assigned, in proc_list; NULL if full */
/* A new thread of p run by t (tid: the pid for the first, else a new one);
 * NULL if the thread limit or memory ran out. thread_free undoes it. */
struct thread *thread_alloc(struct proc *p, struct task *t);
void thread_free(struct thread *th);         /* unlink from its group, free */
struct thread *thread_find(int tid);         /* a live thread, NULL if none */
u64 proc_cpu_ticks(const struct proc *p);    /* its threads', live and exited */
void proc_free(struct proc *p);              /* unlink a reaped/never-run proc, drop the table's ref */
void proc_get(struct proc *p);
void proc_put(struct proc *p);               /* the last reference frees p */
struct proc *proc_find(int pid);             /* alive or zombie, NULL if none */
char proc_state_char(const struct proc *p);  /* ps's R, S, T or Z */
struct proc *proc_init_proc(void);           /* pid 1, or NULL before start_init */
void proc_set_name(struct proc *p, const char *path);
void proc_default_rlimits(struct proc *p);

/* mlock.c: may vm lock pages more pages (RLIMIT_MEMLOCK, or euid 0)? */
bool mlock_may_grow(struct vm_space *vm, u64 pages);

/* signal.c: SIGIO (or F_SETSIG's sig) to a file's owner (fown.c): a thread,
 * process or process group (F_OWNER_*) that the credentials uid/euid of
 * whoever set the owner may signal (Linux's sigio_perm). Any context. */
int signal_send_owner(int type, int id, int sig, const struct sig_origin *o, u32 uid, u32 euid);

/* sigqueue.c: a real-time signal queued on q for process to (0; -EAGAIN
 * past its user's RLIMIT_SIGPENDING or memory); the first one of sig taken
 * off q into *o (the number of sig left, -ENOENT if none); all dropped. */
int sigq_add(struct list_head *q, const struct proc *to, int sig, const struct sig_origin *o);
int sigq_take(struct list_head *q, int sig, struct sig_origin *o);
void sigq_flush(struct list_head *q);

/* exit.c */
/* End the whole group (exit_group, a fatal signal) with wait_status. */
void proc_exit(int wait_status) __attribute__((noreturn));
/* End the current thread only (exit); the last one ends the process. */
void thread_exit(int wait_status) __attribute__((noreturn));
/* execve: kill the other threads and wait until they are gone; -EAGAIN if
 * the group is exiting, -EINTR if the caller is killed meanwhile. */
int thread_exec_kill_others(void);
void proc_release_vfork(struct proc *p);             /* exec/exit of a vfork child */

/* signal.c */
void signal_init_proc(struct proc *p);                /* all default, nothing pending */
void signal_fork(struct proc *child, const struct proc *parent);
/* mask, and the sigaltstack if keep_altstack */
void signal_thread_init(struct thread *t, const struct thread *creator, bool keep_altstack);
void signal_exec(struct proc *p);                      /* handlers -> default */
size_t signal_frame_size(void);                        /* bytes a handler's frame takes (AT_MINSIGSTKSZ) */
int signal_send_proc(struct proc *p, int sig, const struct sig_origin *o);
int signal_send_thread(struct thread *t, int sig, const struct sig_origin *o);
/* SIGKILL into every thread of p but except (NULL: all), waking each. */
void signal_kill_threads(struct proc *p, struct thread *except);
bool signal_fatal_pending(const struct thread *t);     /* SIGKILL is pending */
/* Signals pending for t (its own and its process's), blocked or not. */
k_sigset_t signal_thread_pending(const struct thread *t);
/* Take the lowest pending signal of set from t (its own first): the signal
 * and its origin, or 0. For sigtimedwait and signalfd. */
int signal_dequeue(struct thread *t, k_sigset_t set, struct sig_origin *o);
void signal_deliver(struct trap_frame *tf);            /* return_to_user */
long signal_syscall_interrupted(long how, u64 orig_x0); /* syscall_dispatch */
void itimer_init_proc(struct proc *p); /* proc_alloc: disarmed (fork does not inherit) */
void itimer_exit(struct proc *p);      /* proc_exit: disarm before the proc goes */
bool signal_is_ignored(const struct proc *p, int sig); /* action is SIG_IGN (or default-ignore) */
/* A synchronous fault: deliver sig to a handler, or kill the process. */
void signal_fault(struct trap_frame *tf, int sig, int code, u64 addr, const char *what);
const char *signal_name(int sig);                      /* "SIGSEGV", or "signal" */

/* futex.c: run by the exiting (or execing) thread, its memory still mapped. */
void futex_exit_robust_list(u64 head_uaddr, int tid);  /* FUTEX_OWNER_DIED + wake */
void futex_clear_child_tid(u64 uaddr);                  /* store 0, wake one */
/* Wake up to nr sleepers of the futex at uaddr sharing a bit with bitset. */
int futex_wake_addr(u64 uaddr, bool private, int nr, u32 bitset);

/* exec.c */
struct exec_args;
int do_execve(const char *path, struct exec_args *args, struct trap_frame *tf);

static inline struct proc *cur_proc(void)
{
	return current_task ? current_task->proc : NULL;
}

static inline struct thread *cur_thread(void)
{
	return current_task ? current_task->thread : NULL;
}

#endif
