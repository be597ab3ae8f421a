/*
 * Time of the SIS ABI: Linux's clock ids and 64-bit timespec/timeval
 * (include/uapi/linux/time.h; arm64 has 64-bit time_t and long).
 * The structures carry a linux_ prefix so they never clash with picolibc's.
 */
#ifndef UAPI_SIS_TIME_H
#define UAPI_SIS_TIME_H

#include <stdint.h>

struct linux_timespec {
	int64_t tv_sec;
	int64_t tv_nsec; /* 0 .. 999999999 */
};

struct linux_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

/* setitimer/getitimer (only ITIMER_REAL: SIGALRM on wall-clock time). */
#define LINUX_ITIMER_REAL 0
#define LINUX_ITIMER_VIRTUAL 1
#define LINUX_ITIMER_PROF 2
struct linux_itimerval {
	struct linux_timeval it_interval; /* reload value, 0 = one-shot */
	struct linux_timeval it_value;    /* time to the next expiry, 0 = disarmed */
};

struct linux_timezone {
	int32_t tz_minuteswest;
	int32_t tz_dsttime;
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7

/* clock_nanosleep flags */
#define TIMER_ABSTIME 0x01

#endif
