/*
 * Memory locks: mlock, mlock2, munlock, mlockall, munlockall, with Linux's
 * semantics (mm/mlock.c). Every mapped page is resident anyway (sis/vm.h);
 * a lock is a mark on the page (vm_lock) that makes it private at once
 * (writable copy-on-write pages are copied, as Linux's populate write-faults
 * them), is counted in VmLck, survives mprotect and mremap, refuses
 * MADV_DONTNEED, and is dropped by munmap, fork (the child has none) and
 * execve. RLIMIT_MEMLOCK bounds the pages a space locks unless the caller
 * has CAP_IPC_LOCK, which in SIS is euid 0 (sys_cred.c): a limit of 0
 * without it is EPERM. mlockall(MCL_FUTURE) locks what mmap, brk and
 * mremap map later (mman.c asks mlock_may_grow first: EAGAIN past the
 * limit). MLOCK_ONFAULT and MCL_ONFAULT are accepted; pages are resident
 * from the start either way.
 */
#include <sis/kernel.h>
#include <sis/syscall.h>
#include <uapi/sis/mman.h>
#include <uapi/sis/capability.h>
#include "proc_internal.h"

/* Linux's can_do_mlock: a nonzero RLIMIT_MEMLOCK or CAP_IPC_LOCK. */
static bool may_lock(void)
{
	return proc_rlimit_cur(cur_proc(), RLIMIT_MEMLOCK) != 0 || proc_capable(CAP_IPC_LOCK);
}

bool mlock_may_grow(struct vm_space *vm, u64 pages)
{
	u64 limit = proc_rlimit_cur(cur_proc(), RLIMIT_MEMLOCK) >> PAGE_SHIFT;

	return proc_capable(CAP_IPC_LOCK) || (vm->locked <= limit && pages <= limit - vm->locked);
}

/* Linux's rounding: the pages [start, start+len) touches. */
static void lock_range(u64 *start, u64 *len)
{
	u64 off = *start & (PAGE_SIZE - 1);

	*len = (*len + off + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	*start -= off;
}

/* Lock or unlock the rounded range: -EINVAL when its end wraps, 0 when it
 * is empty, -ENOMEM past user space or at a hole (vm_lock). */
static long lock_pages(u64 start, u64 len, bool lock)
{
	if (start + len < start)
		return -EINVAL;
	if (!len)
		return 0;
	if (!user_addr_ok(start, len))
		return -ENOMEM;
	return vm_lock(cur_proc()->vm, start, len, lock, false);
}

/* Linux's do_mlock: EPERM, then the limit (pages locked already are not
 * counted twice), then the range. */
static long do_mlock(u64 start, u64 len)
{
	struct vm_space *vm = cur_proc()->vm;
	u64 pages;

	if (!may_lock())
		return -EPERM;
	start = user_untag(start);
	lock_range(&start, &len);
	pages = len / PAGE_SIZE - vm_range_locked(vm, start, len);
	if (!mlock_may_grow(vm, pages))
		return -ENOMEM;
	return lock_pages(start, len, true);
}

SYSCALL_DEFINE2(mlock, u64, start, u64, len)
{
	return do_mlock(start, len);
}

SYSCALL_DEFINE3(mlock2, u64, start, u64, len, unsigned, flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(start, len);
}

SYSCALL_DEFINE2(munlock, u64, start, u64, len)
{
	start = user_untag(start);
	lock_range(&start, &len);
	return lock_pages(start, len, false);
}

SYSCALL_DEFINE1(mlockall, int, flags)
{
	struct vm_space *vm = cur_proc()->vm;
	u64 limit = proc_rlimit_cur(cur_proc(), RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	int err = 0;

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!may_lock())
		return -EPERM;
	/* Linux compares the whole address space (total_vm) with the limit */
	if ((flags & MCL_CURRENT) && vm->leaves > limit && !proc_capable(CAP_IPC_LOCK))
		return -ENOMEM;
	vm->lock_future = flags & MCL_FUTURE;
	if (flags & MCL_CURRENT)
		err = vm_lock(vm, 0, USER_VA_END, true, true);
	return err;
}

SYSCALL_DEFINE0(munlockall)
{
	struct vm_space *vm = cur_proc()->vm;

	vm->lock_future = false;
	return vm_lock(vm, 0, USER_VA_END, false, true);
}
