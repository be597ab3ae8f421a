/*
 * <time.h> for SIS: picolibc's, with the POSIX clock and timer section
 * switched on (picolibc only enables it on some systems): clock_gettime,
 * clock_nanosleep, CLOCK_MONOTONIC and the CPU-time clocks, with picolibc's
 * own numbers; the runtime translates every clock id to the kernel's.
 * (timer_create and friends are declared but not provided.)
 */
#ifndef _SIS_TIME_H
#define _SIS_TIME_H

#ifndef _POSIX_TIMERS
#define _POSIX_TIMERS 1
#endif
#ifndef _POSIX_MONOTONIC_CLOCK
#define _POSIX_MONOTONIC_CLOCK 200112L
#endif
#ifndef _POSIX_CPUTIME
#define _POSIX_CPUTIME 1
#endif
#ifndef _POSIX_THREAD_CPUTIME
#define _POSIX_THREAD_CPUTIME 1
#endif
#ifndef _POSIX_CLOCK_SELECTION
#define _POSIX_CLOCK_SELECTION 1
#endif
#include_next <time.h>

#endif
