/*
 * Resource limits and usage of the SIS ABI: Linux's (include/uapi/linux/resource.h,
 * asm-generic/resource.h). prlimit64 reports per-process values; SIS stores
 * what a process sets but enforces only what the header of each limit says.
 */
#ifndef UAPI_SIS_RESOURCE_H
#define UAPI_SIS_RESOURCE_H

#include <stdint.h>
#include <uapi/sis/time.h>

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2      /* enforced: brk, private writable mmap/mprotect (ENOMEM) */
#define RLIMIT_STACK 3     /* the initial stack's size (execve); the stack grows to a raised one */
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6     /* reports the kernel's process table size */
#define RLIMIT_NOFILE 7    /* FD_MAX by default; enforced */
#define RLIMIT_MEMLOCK 8   /* enforced: mlock (ENOMEM), MAP_LOCKED (EAGAIN), euid 0 exempt */
#define RLIMIT_AS 9        /* enforced: mmap, brk, execve beyond it fail with ENOMEM */
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16

#define RLIM64_INFINITY (~0ULL)

struct linux_rlimit64 {
	uint64_t rlim_cur;
	uint64_t rlim_max;
};

/* wait4()'s struct rusage: SIS fills in the CPU times, zeroes the rest. */
struct linux_rusage {
	struct linux_timeval ru_utime;
	struct linux_timeval ru_stime;
	int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
	int64_t ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

#endif
