/*
 * wait4 with the kernel's struct rusage, in a file that sees only uapi
 * headers (their names clash with picolibc's): hands back the user and
 * system times as {sec, usec, sec, usec}, which is all picolibc's struct
 * rusage has room for.
 */
#include <stddef.h>
#include <uapi/sis/resource.h>
#include "sis_syscall.h"

long __sis_wait4_times(int pid, int *status, int options, int64_t times[4])
{
	struct linux_rusage ru;
	long r = sis_syscall(__NR_wait4, pid, status, options, times ? &ru : NULL);

	if (r >= 0 && times) {
		times[0] = ru.ru_utime.tv_sec;
		times[1] = ru.ru_utime.tv_usec;
		times[2] = ru.ru_stime.tv_sec;
		times[3] = ru.ru_stime.tv_usec;
	}
	return r;
}
