/*
 * Access to user memory (see sis/uaccess.h). A range is usable when every
 * page of it is mapped in the current process's tables with EL0 access (and
 * write access for copies to user space). The current process's table is in
 * TTBR0, so after the check the copy goes straight through the user address;
 * nothing can unmap it in between (uniprocessor, kernel not preempted).
 */
#include <sis/kernel.h>
#include <sis/uaccess.h>
#include "proc_internal.h"

static struct vm_space *cur_vm(void)
{
	struct proc *p = cur_proc();

	return p ? p->vm : NULL;
}

/*
 * A tagged pointer is usable only by a process that enabled the
 * tagged-address ABI; the copy then goes through the tagged pointer, which
 * TBI0 translates like the untagged one.
 */
bool user_range_ok(const void *uaddr, size_t n, bool for_write)
{
	struct vm_space *vm = cur_vm();
	u64 a = (u64)uaddr;

	if (vm && cur_proc()->tagged_addr)
		a = user_untag(a);
	if (!vm || !user_addr_ok(a, n))
		return false; /* the one range check: sis/mm.h */
	if (!n)
		return true;
	return vm_access_ok(vm, a, n, for_write);
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range_ok(usrc, n, false))
		return -EFAULT;
	memcpy(dst, usrc, n);
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n, true))
		return -EFAULT;
	memcpy(udst, src, n);
	return 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	size_t i = 0;

	if (!max)
		return -ENAMETOOLONG;
	while (i < max) {
		/* Check one page at a time: the string may end before a hole. */
		u64 a = (u64)usrc + i;
		size_t chunk = MIN(max - i, PAGE_SIZE - (a & (PAGE_SIZE - 1)));

		if (!user_range_ok((const void *)a, chunk, false))
			return -EFAULT;
		for (size_t j = 0; j < chunk; j++, i++) {
			dst[i] = usrc[i];
			if (!dst[i])
				return (long)i;
		}
	}
	dst[max - 1] = '\0';
	return -ENAMETOOLONG;
}
