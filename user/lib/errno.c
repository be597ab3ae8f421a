/* errno for picolibc programs from the kernel's -errno results. */
#include <errno.h>
#include "sis_syscall.h"

long __sis_ret(long r)
{
	if (r < 0 && r >= -4095) {
		errno = __sis_errno_from_linux((int)-r);
		return -1;
	}
	return r;
}
