/*
 * <sys/wait.h> for SIS: picolibc's (Linux's status layout; signal numbers
 * in statuses are translated to picolibc's by the runtime) plus what it
 * leaves out.
 */
#ifndef _SIS_SYS_WAIT_H
#define _SIS_SYS_WAIT_H

#include_next <sys/wait.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WCOREDUMP
#define WCOREDUMP(w) ((w) & 0x80)
#endif
#ifndef WIFCONTINUED
#define WIFCONTINUED(w) ((w) == 0xffff)
#endif
#ifndef WCONTINUED
#define WCONTINUED 8
#endif

struct rusage;
pid_t wait3(int *status, int options, struct rusage *ru);
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);

#ifdef __cplusplus
}
#endif
#endif
