/* Kernel errno: Linux's values, shared with user space through the uapi. */
#ifndef SIS_ERRNO_H
#define SIS_ERRNO_H
#include <uapi/sis/errno.h>

/*
 * Kernel-only results of an interrupted blocking call, as on Linux; the
 * syscall layer turns them into EINTR or a restart (signal_deliver), so user
 * space never sees them.
 *   ERESTARTSYS     restart after a handler with SA_RESTART, or when no
 *                   handler runs; else EINTR (read, write, recv, accept...)
 *   ERESTARTNOHAND  restart only when no handler runs (poll, ppoll, select)
 *   ERESTARTNOINTR  always restart, a handler or not (FUTEX_LOCK_PI)
 */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#endif
