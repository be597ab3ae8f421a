/*
 * picolibc's <sys/resource.h> (struct rusage, getrusage) plus resource
 * limits with the kernel's numbers and layout (those of
 * uapi/sis/resource.h, which user programs cannot include next to picolibc's
 * <time.h>): getrlimit, setrlimit and prlimit on prlimit64. SIS enforces
 * RLIMIT_NOFILE; the others are stored and reported.
 */
#ifndef SIS_SYS_RESOURCE_H
#define SIS_SYS_RESOURCE_H

#include_next <sys/resource.h>
#include <stdint.h>
#include <sys/types.h>

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIM_NLIMITS 16

typedef uint64_t rlim_t;
struct rlimit {
	rlim_t rlim_cur;
	rlim_t rlim_max;
};
#define RLIM_INFINITY (~(rlim_t)0)
#define RLIM_SAVED_CUR RLIM_INFINITY
#define RLIM_SAVED_MAX RLIM_INFINITY

int getrlimit(int resource, struct rlimit *rl);
int setrlimit(int resource, const struct rlimit *rl);
int prlimit(pid_t pid, int resource, const struct rlimit *nl, struct rlimit *ol);

#endif
