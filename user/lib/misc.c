/*
 * Odds and ends: uname, getrandom/getentropy, reboot, the heap break
 * (sbrk over the brk system call, replacing picolibc's fixed-arena sbrk so
 * malloc can grow), mmap/munmap/mprotect, sysconf.
 */

#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include "sis_syscall.h"

int uname(struct utsname *u)
{
	return (int)sis_call(__NR_uname, u);
}

ssize_t getrandom(void *buf, size_t len, unsigned flags)
{
	return sis_call(__NR_getrandom, buf, len, flags);
}

int getentropy(void *buf, size_t len)
{
	size_t done = 0;

	if (len > 256) {
		errno = EIO;
		return -1;
	}
	while (done < len) {
		ssize_t n = getrandom((char *)buf + done, len - done, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

int reboot(int howto)
{
	return (int)sis_call(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, howto, 0);
}

static uintptr_t cur_brk; /* 0 until first asked */

int brk(void *addr)
{
	uintptr_t got = (uintptr_t)sis_syscall(__NR_brk, addr);

	if (got != (uintptr_t)addr) {
		errno = ENOMEM;
		return -1;
	}
	cur_brk = got;
	return 0;
}

void *sbrk(ptrdiff_t incr)
{
	uintptr_t old, want;

	if (!cur_brk)
		cur_brk = (uintptr_t)sis_syscall(__NR_brk, 0);
	old = cur_brk;
	if (!incr)
		return (void *)old;
	want = old + (uintptr_t)incr;
	if ((incr > 0 && want < old) || (incr < 0 && want > old) || brk((void *)want) < 0) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return (void *)old;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long r = sis_call(__NR_mmap, addr, len, prot, flags, fd, off);

	return r == -1 ? MAP_FAILED : (void *)r;
}

int munmap(void *addr, size_t len)
{
	return (int)sis_call(__NR_munmap, addr, len);
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)sis_call(__NR_mprotect, addr, len, prot);
}

long sysconf(int name)
{
	switch (name) {
	case _SC_PAGESIZE:
		return 4096;
	case _SC_CLK_TCK:
		return 100;
	case _SC_OPEN_MAX: { /* RLIMIT_NOFILE's soft limit, as glibc answers */
		struct rlimit rl;

		return getrlimit(RLIMIT_NOFILE, &rl) < 0 ? -1 : (long)rl.rlim_cur;
	}
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN:
		return 1;
	case _SC_ARG_MAX:
		return 131072;
	default:
		errno = EINVAL;
		return -1;
	}
}
