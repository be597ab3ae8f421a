/*
 * Memory system calls: brk, mmap, munmap, mprotect, mremap, madvise, msync.
 * mmap: anonymous memory (private, or MAP_SHARED so that fork shares the
 * pages writable; /dev/zero is anonymous too) and regular files, whose
 * pages (vfs_filemap.c) a shared mapping maps, kept coherent with
 * read(2)/write(2) and written back by msync, and a private one maps
 * copy-on-write (zero past the end of the file).
 * Mappings are backed eagerly (see sis/vm.h) and W^X: PROT_WRITE|PROT_EXEC
 * is refused with -EACCES. RLIMIT_AS bounds the pages a process has mapped
 * or reserved, like Linux's total_vm: mmap and brk past it fail (ENOMEM).
 */
#include <sis/kernel.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <sis/syscall.h>
#include <uapi/sis/mman.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/capability.h>
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

/* Would grow more bytes of private writable memory fit RLIMIT_DATA (Linux's
 * may_expand_vm on data_vm; the initial stack does not count)? */
static bool data_fits(struct vm_space *vm, u64 grow)
{
	const struct linux_rlimit64 *lim = &cur_proc()->rlimit[RLIMIT_DATA];
	u64 used = (u64)(vm->data_pages - MIN(vm->stack_pages, vm->data_pages)) * PAGE_SIZE;

	if (lim->rlim_cur == RLIM64_INFINITY || (used <= lim->rlim_cur && grow <= lim->rlim_cur - used))
		return true;
	/* Linux's allowance for Valgrind: a soft limit of 0 checks the hard one */
	return lim->rlim_cur == 0 && used <= lim->rlim_max && grow <= lim->rlim_max - used;
}

/* Linux's check_data_rlimit: the heap from its start to brk plus the
 * program's data segment stay within RLIMIT_DATA. */
static bool brk_fits(struct vm_space *vm, u64 brk)
{
	u64 limit = proc_rlimit_cur(cur_proc(), RLIMIT_DATA);

	return limit == RLIM64_INFINITY || brk - vm->brk_start + vm->data_size <= limit;
}

/* What mlockall(MCL_FUTURE) asks of a new mapping of len bytes: lock it.
 * -EAGAIN past RLIMIT_MEMLOCK. */
static int lock_future_ok(struct vm_space *vm, u64 len, bool lock)
{
	return !lock || mlock_may_grow(vm, len / PAGE_SIZE) ? 0 : -EAGAIN;
}

/*
 * brk(addr): move the end of the heap; returns the new break, or the old one
 * when addr is 0, out of range, past RLIMIT_DATA (also when shrinking, as
 * Linux) or RLIMIT_AS, or memory runs out (Linux's convention).
 */
SYSCALL_DEFINE1(brk, u64, want)
{
	struct vm_space *vm = cur_proc()->vm;
	u64 old_end = ALIGN_UP(vm->brk, PAGE_SIZE), new_end = ALIGN_UP(want, PAGE_SIZE);

	if (want < vm->brk_start || want > vm->brk_start + VM_BRK_MAX || !brk_fits(vm, want))
		return (long)vm->brk;
	if (new_end > old_end) {
		u64 grow = new_end - old_end;

		if (!as_fits(vm, grow, 0) || !data_fits(vm, grow) ||
		    lock_future_ok(vm, grow, vm->lock_future) ||
		    vm_map_zero(vm, old_end, grow, VM_READ | VM_WRITE))
			return (long)vm->brk;
		if (vm->lock_future)
			vm_lock(vm, old_end, grow, true, false);
	} else if (new_end < old_end) {
		vm_unmap(vm, new_end, old_end - new_end);
	}
	vm->brk = want;
	return (long)want;
}

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
	return vm_find_free(vm, len, vm->mmap_top ? vm->mmap_top : VM_MMAP_TOP);
}

/* What an mmap maps: anonymous memory, or a regular file's bytes. */
struct map_source {
	struct file *file;   /* referenced; NULL: anonymous (also /dev/zero) */
	struct inode *inode;
	bool writable;       /* opened O_RDWR: a shared mapping may be written */
};

/* Resolve fd for a file mapping: -EBADF, -ENODEV (nothing mmap-able: a
 * directory, pipe, socket, device other than /dev/zero, generated file),
 * -EACCES (not open for reading; MAP_SHARED+PROT_WRITE needs O_RDWR). */
static long map_source_get(int fd, unsigned prot, unsigned flags, struct map_source *src)
{
	struct file *f = fd_get(fd);
	struct inode *ino = f ? file_inode(f) : NULL;
	unsigned acc = f ? (f->flags & O_ACCMODE) : 0;
	size_t size;
	long err = -ENODEV;

	if (!f)
		return -EBADF;
	if (ino && S_ISCHR(ino->mode) && ino->rdev == SIS_MKDEV(1, 5)) {
		file_put(f); /* /dev/zero: anonymous memory */
		return 0;
	}
	if (!ino || !vfs_reg_peek(ino, &size))
		goto out_put;
	err = -EACCES;
	if (acc == O_WRONLY || ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) &&
				acc != O_RDWR))
		goto out_put;
	src->file = f;
	src->inode = ino;
	src->writable = acc == O_RDWR;
	return 0;
out_put:
	file_put(f);
	return err;
}

static long check_mmap(u64 addr, u64 len, unsigned prot, unsigned flags, u64 off)
{
	if (!len || (prot & ~PROT_ALL) || (flags & ~MAP_KNOWN) || !IS_ALIGNED(off, PAGE_SIZE))
		return -EINVAL;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && (flags & MAP_TYPE) != MAP_SHARED &&
	    (flags & MAP_TYPE) != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if ((prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC))
		return -EACCES;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
	    (!IS_ALIGNED(addr, PAGE_SIZE) || !user_span_ok(addr, len)))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) && off + len < off)
		return -EOVERFLOW;
	return 0;
}

/* Where the mapping goes; unmaps what MAP_FIXED replaces. 0 or -errno.
 * data: the mapping is private and writable (RLIMIT_DATA counts it). */
static long choose_address(struct vm_space *vm, u64 *addr, u64 len, unsigned flags, bool data)
{
	u64 replaced = (flags & MAP_FIXED) ? vm_range_used(vm, *addr, len) * PAGE_SIZE : 0;

	if (!as_fits(vm, len, replaced) || (data && !data_fits(vm, len - replaced)))
		return -ENOMEM;
	if (flags & MAP_FIXED_NOREPLACE)
		return vm_range_free(vm, *addr, len) ? 0 : -EEXIST;
	if (flags & MAP_FIXED) {
		vm_unmap(vm, *addr, len);
		return 0;
	}
	*addr = place_mapping(vm, *addr, len);
	return *addr ? 0 : -ENOMEM;
}

/*
 * mmap(addr, len, prot, flags, fd, off): Linux declares prot and flags
 * unsigned long but ignores the upper halves (do_mmap looks only at bits it
 * knows), so they are unsigned here.
 */
SYSCALL_DEFINE6(mmap, u64, addr, u64, len, unsigned, prot, unsigned, flags, int, fd, u64, off)
{
	struct vm_space *vm = cur_proc()->vm;
	struct map_source src = { NULL, NULL, false };
	long err = check_mmap(addr, len, prot, flags, off);
	bool lock = (flags & MAP_LOCKED) || vm->lock_future;

	if (!err && (flags & MAP_LOCKED) && proc_rlimit_cur(cur_proc(), RLIMIT_MEMLOCK) == 0 &&
	    !proc_capable(CAP_IPC_LOCK))
		err = -EPERM; /* (Linux's can_do_mlock) */
	if (!err && !(flags & MAP_ANONYMOUS))
		err = map_source_get(fd, prot, flags, &src);
	if (err)
		return err;
	err = -ENOMEM;
	if (len > VM_USER_MAX)
		goto out_put;
	len = ALIGN_UP(len, PAGE_SIZE);
	err = lock_future_ok(vm, len, lock);
	if (!err)
		err = choose_address(vm, &addr, len, flags,
				     (prot & PROT_WRITE) && (flags & MAP_TYPE) == MAP_PRIVATE &&
				     !(flags & MAP_GROWSDOWN));
	if (err)
		goto out_put;
	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		prot |= VM_SHARED;
	if (src.file)
		err = filemap_map(vm, addr, len, prot, src.inode, off,
				  (prot & VM_SHARED) && src.writable);
	else
		err = vm_map_zero(vm, addr, len, prot);
	if (!err && lock)
		vm_lock(vm, addr, len, true, false); /* a copy that fails leaves it unlocked */
out_put:
	if (src.file)
		file_put(src.file);
	return err ? err : (long)addr;
}

SYSCALL_DEFINE2(munmap, u64, addr, size_t, size)
{
	u64 len = ALIGN_UP(size, PAGE_SIZE);

	if (!IS_ALIGNED(addr, PAGE_SIZE) || !len || !user_addr_ok(addr, len))
		return -EINVAL;
	vm_unmap(cur_proc()->vm, addr, len);
	return 0;
}

SYSCALL_DEFINE3(mprotect, u64, addr, size_t, len, unsigned long, prot)
{
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
	/* private pages turning writable count against RLIMIT_DATA (Linux's
	 * mprotect_fixup) */
	if ((prot & PROT_WRITE) &&
	    !data_fits(cur_proc()->vm, vm_range_new_data(cur_proc()->vm, addr, len) * PAGE_SIZE))
		return -ENOMEM;
	return vm_protect(cur_proc()->vm, addr, len, prot);
}

/* Is every page of [addr, addr+len) (page aligned) mapped or reserved? */
static bool range_mapped(struct vm_space *vm, u64 addr, u64 len)
{
	return vm_range_used(vm, addr, len) == len / PAGE_SIZE;
}

/* Map zeroed pages over the free [addr, addr+len) with the rights of the
 * page at like (a grown mremap's new part), locked if it is (-EAGAIN past
 * RLIMIT_MEMLOCK, as Linux's vma_to_resize). */
static long map_like(struct vm_space *vm, u64 addr, u64 len, u64 like)
{
	int prot = vm_page_prot(vm, like);
	bool lock = vm_range_locked(vm, like, PAGE_SIZE);
	long err;

	if (prot < 0)
		return prot;
	err = lock_future_ok(vm, len, lock);
	if (err)
		return err;
	if (!as_fits(vm, len, 0) ||
	    ((prot & VM_WRITE) && !(prot & VM_SHARED) && !data_fits(vm, len)))
		return -ENOMEM;
	err = vm_map_zero(vm, addr, len, (unsigned)prot);
	if (!err && lock)
		vm_lock(vm, addr, len, true, false);
	return err;
}

/* Move [old, old+old_len) to new (free, new_len >= old_len) and extend it:
 * the new tail first, so that a failure leaves the old mapping as it was. */
static long move_mapping(struct vm_space *vm, u64 old, u64 old_len, u64 new, u64 new_len)
{
	long err = 0;

	if (new_len > old_len)
		err = map_like(vm, new + old_len, new_len - old_len, old + old_len - PAGE_SIZE);
	if (!err) {
		err = vm_move(vm, old, new, old_len);
		if (err)
			vm_unmap(vm, new + old_len, new_len - old_len);
	}
	return err ? err : (long)new;
}

/*
 * mremap(old, old_len, new_len, flags, new): shrink in place, grow in place
 * when the pages after are free, else move (MREMAP_MAYMOVE; MREMAP_FIXED to
 * new). Grown parts are zero-filled pages with the rights of the last page
 * (of a file mapping too: they do not read the file). Not supported:
 * old_len 0 (duplicating a shared mapping) and MREMAP_DONTUNMAP (-EINVAL).
 */
SYSCALL_DEFINE5(mremap, u64, old, u64, old_size, u64, new_size, unsigned long, flags, u64, new)
{
	u64 old_len = ALIGN_UP(old_size, PAGE_SIZE), new_len = ALIGN_UP(new_size, PAGE_SIZE);
	struct vm_space *vm = cur_proc()->vm;

	if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || !IS_ALIGNED(old, PAGE_SIZE) ||
	    !old_len || !new_len || new_size > VM_USER_MAX ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	if (!user_span_ok(old, old_len) || !range_mapped(vm, old, old_len))
		return -EFAULT;
	if (flags & MREMAP_FIXED) {
		if (!IS_ALIGNED(new, PAGE_SIZE) || !user_span_ok(new, new_len) ||
		    (new < old + old_len && old < new + new_len))
			return -EINVAL;
		vm_unmap(vm, new, new_len);
		if (new_len < old_len) {
			vm_unmap(vm, old + new_len, old_len - new_len);
			old_len = new_len;
		}
		return move_mapping(vm, old, old_len, new, new_len);
	}
	if (new_len <= old_len) {
		vm_unmap(vm, old + new_len, old_len - new_len);
		return (long)old;
	}
	if (user_span_ok(old, new_len) && vm_range_free(vm, old + old_len, new_len - old_len)) {
		long err = map_like(vm, old + old_len, new_len - old_len, old + old_len - PAGE_SIZE);

		return err ? err : (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	new = place_mapping(vm, 0, new_len);
	return new ? move_mapping(vm, old, old_len, new, new_len) : -ENOMEM;
}

/*
 * madvise: MADV_DONTNEED zeroes the private pages of the range (vm_discard);
 * hints that change nothing visible are accepted and ignored (MADV_FREE may
 * free nothing: its pages keep their contents). Advice that would change
 * fork or file semantics SIS does not have (MADV_REMOVE, MADV_DONTFORK,
 * MADV_WIPEONFORK...) is -EINVAL, as for unknown advice. -ENOMEM if part of
 * the range is not mapped.
 */
SYSCALL_DEFINE3(madvise, u64, addr, size_t, len, int, advice)
{
	struct vm_space *vm = cur_proc()->vm;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || len > VM_USER_MAX)
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTNEED: case MADV_FREE: case MADV_DOFORK: case MADV_KEEPONFORK:
	case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP: case MADV_DODUMP: case MADV_COLD: case MADV_PAGEOUT:
		break;
	default:
		return -EINVAL;
	}
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len)
		return 0;
	if (!user_span_ok(addr, len) || !range_mapped(vm, addr, len))
		return -ENOMEM;
	return advice == MADV_DONTNEED ? vm_discard(vm, addr, len) : 0;
}

/*
 * msync: the range must be mapped (-ENOMEM); MS_ASYNC and MS_SYNC together,
 * unknown flags or an unaligned address are -EINVAL. Shared file mappings
 * are written back to their files (vm_file_sync).
 */
SYSCALL_DEFINE3(msync, u64, addr, size_t, len, int, flags)
{
	struct vm_space *vm = cur_proc()->vm;

	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || !IS_ALIGNED(addr, PAGE_SIZE) ||
	    (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC) || len > VM_USER_MAX)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len)
		return 0;
	if (!user_span_ok(addr, len) || !range_mapped(vm, addr, len))
		return -ENOMEM;
	return filemap_sync_all();
}
