/*
 * Processes as the rest of the kernel sees them. The scheduler and process
 * internals live in src/kern/ (sched.c, proc.c, fork.c, exit.c, exec.c,
 * signal.c); this header is the small surface other modules need.
 */
#ifndef SIS_PROC_H
#define SIS_PROC_H

#include <sis/types.h>

struct proc;
struct fd_table;

struct proc *current_proc(void);   /* NULL in kernel-only context */
int proc_pid(const struct proc *p);
struct fd_table *proc_fds(struct proc *p);
/* The soft limit (rlim_cur) of resource (RLIMIT_*, uapi/sis/resource.h). */
u64 proc_rlimit_cur(const struct proc *p, unsigned resource);
/* sys_cred.c: the current process's umask and effective ids (0 without one). */
u32 proc_umask(void);
u32 proc_euid(void);
u32 proc_egid(void);
/* capability.c: does the current process have CAP_x (<uapi/sis/capability.h>)
 * in its effective set? True without a process. */
bool proc_capable(int cap);
/* The capability prctl options of the current process (PR_CAPBSET_READ/
 * DROP, PR_CAP_AMBIENT, PR_GET/SET_SECUREBITS, PR_GET/SET_KEEPCAPS), with
 * Linux's results and errnos. */
long cap_prctl(int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5);
/* The ids file permissions use (vfs_perm.c): the effective ones, or the
 * real ones for access(2) (real); 0 outside any process. */
u32 proc_access_uid(bool real);
bool proc_access_in_group(bool real, u32 gid); /* that gid or a supplementary one */

/* Signals (Linux numbers, uapi/sis/signal.h). 0 or -ESRCH/-EINVAL.
 * Safe in any context, including interrupt handlers. */
int signal_send(int pid, int sig);
/* Send sig from the kernel to every process of group pgrp (a terminal's
 * Ctrl-C, hangup, SIGWINCH). Any context. */
void signal_tty_pgrp(int pgrp, int sig);
/*
 * Job control on the terminal (Linux's tty_check_change): a process outside
 * the foreground group fg_pgrp (0: none set, no check) that reads (sig =
 * SIGTTIN) or, with TOSTOP, writes or changes the terminal (SIGTTOU) has sig
 * sent to its group: -ERESTARTSYS (the call runs again after SIGCONT). -EIO
 * if its group is orphaned, or for SIGTTIN blocked or ignored; 0 (go on) in
 * the foreground or for SIGTTOU blocked or ignored.
 */
int signal_tty_check(int fg_pgrp, int sig);
/* True if the current task has an unblocked signal pending (for -EINTR). */
bool signal_pending(void);
/*
 * ppoll/pselect6: block `mask` (a 64-bit sigset, bit sig-1) until the
 * current system call returns to user space. The previous mask comes back
 * after signal delivery, so a handler run for a signal the temporary mask
 * let through returns to the old mask (Linux's restore_sigmask semantics).
 * SIGKILL and SIGSTOP are never blocked.
 */
void signal_set_temp_mask(u64 mask);

/* True if some live process is in process group pgid (TIOCSPGRP checks). */
bool proc_pgrp_exists(int pgid);
/* True if some live process of session sid is in process group pgid. */
bool proc_pgrp_in_session(int pgid, int sid);
/* Process group and session of the current process (0 outside a process). */
int proc_current_pgrp(void);
int proc_current_sid(void);
int proc_current_pid(void);

/* One line of `ps`. */
struct proc_info {
	int pid, ppid, pgid, sid;
	char state;    /* R running/runnable, S sleeping, T stopped, Z zombie */
	char name[16]; /* program basename, NUL-terminated */
};
/* Fill out[0..max) with the processes in pid order of creation; returns the
 * number of processes (which may exceed max; out may be NULL to count). */
int proc_snapshot(struct proc_info *out, int max);

#endif
