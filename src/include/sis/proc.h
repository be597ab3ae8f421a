/*
 * Processes as the rest of the kernel sees them. The scheduler and process
 * internals live in src/kern/ (sched.c, proc.c); this header is the small
 * surface other modules need.
 */
#ifndef SIS_PROC_H
#define SIS_PROC_H

#include <sis/types.h>

struct proc;
struct fd_table;

struct proc *current_proc(void);   /* NULL in kernel-only context */
int proc_pid(const struct proc *p);
struct fd_table *proc_fds(struct proc *p);

/* Signals (Linux numbers, uapi/sis/signal.h). 0 or -ESRCH/-EINVAL. */
int signal_send(int pid, int sig);
/* Send sig to the console's foreground process group (Ctrl-C). */
void signal_foreground(int sig);
/* True if the current task has an unblocked signal pending (for -EINTR). */
bool signal_pending(void);

#endif
