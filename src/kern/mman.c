/*
 * Memory system calls: brk, mmap (anonymous: private, or MAP_SHARED so that
 * fork shares the pages writable), munmap, mprotect.
 * Mappings are backed eagerly (see sis/vm.h) and W^X: PROT_WRITE|PROT_EXEC
 * is refused with -EACCES. RLIMIT_AS bounds the pages a process has mapped
 * or reserved, like Linux's total_vm: mmap and brk past it fail (ENOMEM).
 */
#include <sis/kernel.h>
#include <sis/file.h>
#include <sis/syscall.h>
#include <uapi/sis/mman.h>
#include "proc_internal.h"

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)
#define MAP_KNOWN                                                                  \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE |    \
	 MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | \
	 MAP_STACK | MAP_FIXED_NOREPLACE)

/* Would the space still fit RLIMIT_AS with grow more bytes, of which
 * replaced are already mapped (MAP_FIXED over old pages)? */
static bool as_fits(struct vm_space *vm, u64 grow, u64 replaced)
{
	u64 limit = proc_rlimit_cur(cur_proc(), RLIMIT_AS);
	u64 used = (u64)vm->leaves * PAGE_SIZE - replaced;

	return used <= limit && grow <= limit - used;
}

/*
 * brk(addr): move the end of the heap; returns the new break, or the old one
 * when addr is 0, out of range or memory runs out (Linux's convention).
 */
static long sys_brk(struct trap_frame *tf)
{
	struct vm_space *vm = cur_proc()->vm;
	u64 want = SC_ARG(tf, 0);
	u64 old_end = ALIGN_UP(vm->brk, PAGE_SIZE), new_end = ALIGN_UP(want, PAGE_SIZE);

	if (want < vm->brk_start || want > vm->brk_start + VM_BRK_MAX)
		return (long)vm->brk;
	if (new_end > old_end) {
		if (!as_fits(vm, new_end - old_end, 0) ||
		    vm_map_zero(vm, old_end, new_end - old_end, VM_READ | VM_WRITE))
			return (long)vm->brk;
	} else if (new_end < old_end) {
		vm_unmap(vm, new_end, old_end - new_end);
	}
	vm->brk = want;
	return (long)want;
}
SYSCALL(__NR_brk, sys_brk);

static bool user_span_ok(u64 addr, u64 len)
{
	return addr >= VM_USER_MIN && user_addr_ok(addr, len) && addr + len <= VM_USER_MAX;
}

/* Where a new mapping of len bytes goes: 0 if nowhere. */
static u64 place_mapping(struct vm_space *vm, u64 hint, u64 len)
{
	if (hint && IS_ALIGNED(hint, PAGE_SIZE) && user_span_ok(hint, len) &&
	    vm_range_free(vm, hint, len))
		return hint;
	return vm_find_free(vm, len, VM_MMAP_TOP);
}

static long check_mmap(u64 addr, u64 len, unsigned prot, unsigned flags, int fd, u64 off)
{
	if (!len || (prot & ~PROT_ALL) || (flags & ~MAP_KNOWN) || !IS_ALIGNED(off, PAGE_SIZE))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		struct file *f = fd_get(fd);

		if (!f)
			return -EBADF;
		file_put(f);
		return -ENODEV; /* no file mappings */
	}
	if ((flags & MAP_TYPE) != MAP_PRIVATE && (flags & MAP_TYPE) != MAP_SHARED &&
	    (flags & MAP_TYPE) != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if ((prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC))
		return -EACCES;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
	    (!IS_ALIGNED(addr, PAGE_SIZE) || !user_span_ok(addr, len)))
		return -EINVAL;
	return 0;
}

static long sys_mmap(struct trap_frame *tf)
{
	u64 addr = SC_ARG(tf, 0), len = SC_ARG(tf, 1);
	unsigned prot = (unsigned)SC_ARG(tf, 2), flags = (unsigned)SC_ARG(tf, 3);
	struct vm_space *vm = cur_proc()->vm;
	long err = check_mmap(addr, len, prot, flags, (int)SC_ARG(tf, 4), SC_ARG(tf, 5));

	if (err)
		return err;
	if (len > VM_USER_MAX)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!as_fits(vm, len, (flags & MAP_FIXED) ? vm_range_used(vm, addr, len) * PAGE_SIZE : 0))
		return -ENOMEM;
	if (flags & MAP_FIXED_NOREPLACE) {
		if (!vm_range_free(vm, addr, len))
			return -EEXIST;
	} else if (flags & MAP_FIXED) {
		vm_unmap(vm, addr, len);
	} else {
		addr = place_mapping(vm, addr, len);
		if (!addr)
			return -ENOMEM;
	}
	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		prot |= VM_SHARED;
	err = vm_map_zero(vm, addr, len, prot);
	return err ? err : (long)addr;
}
SYSCALL(__NR_mmap, sys_mmap);

static long sys_munmap(struct trap_frame *tf)
{
	u64 addr = SC_ARG(tf, 0), len = ALIGN_UP(SC_ARG(tf, 1), PAGE_SIZE);

	if (!IS_ALIGNED(addr, PAGE_SIZE) || !len || !user_addr_ok(addr, len))
		return -EINVAL;
	vm_unmap(cur_proc()->vm, addr, len);
	return 0;
}
SYSCALL(__NR_munmap, sys_munmap);

static long sys_mprotect(struct trap_frame *tf)
{
	u64 addr = SC_ARG(tf, 0), len = SC_ARG(tf, 1);
	unsigned prot = (unsigned)SC_ARG(tf, 2);

	if (!IS_ALIGNED(addr, PAGE_SIZE) || (prot & ~PROT_ALL))
		return -EINVAL;
	if (!len)
		return 0;
	if (len > USER_VA_END)
		return -ENOMEM; /* (Linux: also when rounding it up wraps) */
	len = ALIGN_UP(len, PAGE_SIZE);
	if ((prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC))
		return -EACCES;
	if (!user_addr_ok(addr, len))
		return -ENOMEM;
	return vm_protect(cur_proc()->vm, addr, len, prot);
}
SYSCALL(__NR_mprotect, sys_mprotect);
