/*
 * System V shared memory: shmget, shmat, shmdt and shmctl (IPC_RMID,
 * IPC_STAT, IPC_SET), with Linux's errno values (shmget(2), shmop(2),
 * shmctl(2)). A segment is an array of zeroed user pages it owns (taken
 * at shmget, not on first touch as Linux: a segment larger than free
 * memory is ENOMEM); shmat maps them MAP_SHARED (vm_map_pages), so fork
 * shares an attachment and exec or exit ends it like any shared mapping.
 * There are no VMAs: shm_nattch is the number of mappings of the
 * segment's first page, and shmdt finds the segment by the page mapped at
 * its address, unmapping each page of the segment's size that still maps
 * the segment. IPC_RMID marks it SHM_DEST with a private key; it and its
 * pages go when nothing maps the first page any more (at once, or at the
 * first shm call after the last detach, exec or exit). Access follows the
 * segment's mode bits against the effective uid and gid (CAP_IPC_OWNER
 * may do anything; the owner, creator or CAP_SYS_ADMIN may remove and set). A writable and
 * executable attachment is EACCES (SIS never maps W+X).
 * Not done: IPC_INFO, SHM_INFO, SHM_STAT, SHM_LOCK/UNLOCK (EINVAL),
 * /proc/sysvipc/shm, message queues.
 *
 * The kernel is uniprocessor and not preempted, and nothing here sleeps:
 * no lock is needed around the table.
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/proc.h>
#include <sis/syscall.h>
#include <sis/timer.h>
#include <sis/uaccess.h>
#include <sis/vm.h>
#include <uapi/sis/sem.h>
#include <uapi/sis/shm.h>
#include <uapi/sis/capability.h>
#include "proc_internal.h"
#include "sysv_ipc.h"

_Static_assert(sizeof(struct sis_shmid64_ds) == 112, "arm64's struct shmid64_ds");

#define SHMMAX (1UL << 40) /* larger sizes are EINVAL (Linux: ULONG_MAX - 2^24) */
#define ID_SHIFT 15

struct shm_seg {
	int key;
	int id;                /* seq << ID_SHIFT | slot: a stale id finds no new segment */
	struct sysv_perm perm;  /* owner, creator, permission bits */
	size_t size;           /* as asked for; npages of it mapped */
	size_t npages;
	void **pages;          /* owned (vm_page_alloc) until the segment goes */
	int cpid, lpid;        /* creator, last shmat/shmdt */
	s64 atime, dtime, ctime;
	bool removed;          /* IPC_RMID (SHM_DEST): freed once nothing is attached */
};

static struct shm_seg *segs[SHMMNI];
static unsigned next_seq = 1;

static s64 now_sec(void)
{
	return (s64)((time_realtime_offset_ns() + (s64)time_ns()) / (s64)NSEC_PER_SEC);
}

static struct shm_seg *seg_of(int id)
{
	unsigned slot = (unsigned)id & ((1u << ID_SHIFT) - 1);

	if (id < 0 || slot >= SHMMNI || !segs[slot] || segs[slot]->id != id)
		return NULL;
	return segs[slot];
}

static unsigned attached(const struct shm_seg *s)
{
	return vm_page_map_count(s->pages[0]);
}

static void seg_free(struct shm_seg *s)
{
	for (size_t i = 0; i < s->npages; i++)
		vm_page_put(s->pages[i]);
	kfree(s->pages);
	kfree(s);
}

/* Free the removed segments nothing has attached any more. */
static void doomed_reap(void)
{
	for (int i = 0; i < SHMMNI; i++) {
		if (segs[i] && segs[i]->removed && !attached(segs[i])) {
			seg_free(segs[i]);
			segs[i] = NULL;
		}
	}
}

static long seg_create(int key, size_t size, int flags)
{
	struct shm_seg *s;
	int slot;

	if (size < SHMMIN || size > SHMMAX)
		return -EINVAL;
	for (slot = 0; slot < SHMMNI && segs[slot]; slot++)
		;
	if (slot == SHMMNI)
		return -ENOSPC;
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->npages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	s->pages = kzalloc(s->npages * sizeof(s->pages[0]));
	if (!s->pages)
		goto out_free_seg;
	for (size_t i = 0; i < s->npages; i++) {
		s->pages[i] = vm_page_alloc();
		if (!s->pages[i]) {
			s->npages = i; /* seg_free puts those taken */
			seg_free(s);
			return -ENOMEM;
		}
	}
	s->key = key;
	s->id = (int)((next_seq++ & 0xffff) << ID_SHIFT | (unsigned)slot);
	s->perm.uid = s->perm.cuid = proc_euid();
	s->perm.gid = s->perm.cgid = proc_egid();
	s->perm.mode = (u32)flags & 0777;
	s->size = size;
	s->cpid = cur_proc()->pid;
	s->ctime = now_sec();
	segs[slot] = s;
	return s->id;
out_free_seg:
	kfree(s);
	return -ENOMEM;
}

SYSCALL_DEFINE3(shmget, int, key, size_t, size, int, flags)
{
	struct shm_seg *s = NULL;

	doomed_reap();
	if (key != IPC_PRIVATE) {
		for (int i = 0; i < SHMMNI && !s; i++)
			if (segs[i] && segs[i]->key == key)
				s = segs[i];
	}
	if (!s) {
		if (key != IPC_PRIVATE && !(flags & IPC_CREAT))
			return -ENOENT;
		return seg_create(key, size, flags);
	}
	if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
		return -EEXIST;
	if (size > s->size)
		return -EINVAL;
	if (!sysv_allowed(&s->perm, ((u32)flags >> 6) & 7))
		return -EACCES;
	return s->id;
}

/* Where an attachment of s goes: *addr (checked, rounded) or a free range. */
static long attach_address(struct vm_space *vm, const struct shm_seg *s, u64 *addr, int flags)
{
	size_t len = s->npages * PAGE_SIZE;

	if (!*addr) {
		if (flags & SHM_REMAP)
			return -EINVAL;
		*addr = vm_find_free(vm, len, vm->mmap_top ? vm->mmap_top : VM_MMAP_TOP);
		return *addr ? 0 : -ENOMEM;
	}
	if (*addr & (SHMLBA - 1)) {
		if (!(flags & SHM_RND))
			return -EINVAL;
		*addr &= ~(u64)(SHMLBA - 1);
	}
	if (*addr < VM_USER_MIN || !user_addr_ok(*addr, len) || *addr + len > VM_USER_MAX)
		return -EINVAL;
	if (flags & SHM_REMAP)
		vm_unmap(vm, *addr, len);
	else if (!vm_range_free(vm, *addr, len))
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE3(shmat, int, shmid, u64, addr, int, flags)
{
	struct vm_space *vm = cur_proc()->vm;
	unsigned prot = VM_READ | VM_SHARED;
	u32 want = 4;
	struct shm_seg *s;
	long err;

	doomed_reap();
	if (!(flags & SHM_RDONLY))
		prot |= VM_WRITE, want |= 2;
	if (flags & SHM_EXEC)
		prot |= VM_EXEC, want |= 1;
	s = seg_of(shmid);
	if (!s)
		return -EINVAL;
	if (!sysv_allowed(&s->perm, want))
		return -EACCES;
	err = attach_address(vm, s, &addr, flags);
	if (err)
		return err;
	err = vm_map_pages(vm, addr, s->pages, s->npages, prot, s->npages);
	if (err)
		return err;
	s->atime = now_sec();
	s->lpid = cur_proc()->pid;
	return (long)addr;
}

/* The page (kernel VA) a MAP_SHARED mapping has at the page address va. */
static void *shared_page_at(struct vm_space *vm, u64 va)
{
	paddr_t pa;

	return IS_ALIGNED(va, PAGE_SIZE) && vm_shared_page(vm, va, &pa) ? pa_to_kva(pa) : NULL;
}

/* The segment whose first page is mapped at addr. */
static struct shm_seg *seg_at(struct vm_space *vm, u64 addr)
{
	void *page = shared_page_at(vm, addr);

	for (int i = 0; page && i < SHMMNI; i++)
		if (segs[i] && segs[i]->pages[0] == page)
			return segs[i];
	return NULL;
}

SYSCALL_DEFINE1(shmdt, u64, addr)
{
	struct vm_space *vm = cur_proc()->vm;
	struct shm_seg *s = seg_at(vm, addr);

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < s->npages; i++) {
		u64 va = addr + i * PAGE_SIZE;

		if (shared_page_at(vm, va) == s->pages[i])
			vm_unmap(vm, va, PAGE_SIZE);
	}
	s->dtime = now_sec();
	s->lpid = cur_proc()->pid;
	doomed_reap();
	return 0;
}

static void seg_remove(struct shm_seg *s)
{
	s->removed = true;
	s->key = IPC_PRIVATE;
	doomed_reap();
}

static long seg_stat(const struct shm_seg *s, void *ubuf)
{
	struct sis_shmid64_ds d;

	if (!sysv_allowed(&s->perm, 4))
		return -EACCES;
	memset(&d, 0, sizeof(d));
	d.shm_perm = (struct sis_ipc64_perm){
		.key = s->key, .uid = s->perm.uid, .gid = s->perm.gid, .cuid = s->perm.cuid, .cgid = s->perm.cgid,
		.mode = s->perm.mode | (s->removed ? SHM_DEST : 0), .seq = (u16)((unsigned)s->id >> ID_SHIFT),
	};
	d.shm_segsz = s->size;
	d.shm_atime = s->atime;
	d.shm_dtime = s->dtime;
	d.shm_ctime = s->ctime;
	d.shm_cpid = s->cpid;
	d.shm_lpid = s->lpid;
	d.shm_nattch = attached(s);
	return copy_to_user(ubuf, &d, sizeof(d)) ? -EFAULT : 0;
}

/* IPC_SET: the owner (or root) sets uid, gid and the permission bits. */
static long seg_set(struct shm_seg *s, const void *ubuf)
{
	struct sis_shmid64_ds d;

	if (copy_from_user(&d, ubuf, sizeof(d)))
		return -EFAULT;
	if (!proc_capable(CAP_SYS_ADMIN) && proc_euid() != s->perm.uid && proc_euid() != s->perm.cuid)
		return -EPERM;
	s->perm.uid = d.shm_perm.uid;
	s->perm.gid = d.shm_perm.gid;
	s->perm.mode = (s->perm.mode & ~0777u) | (d.shm_perm.mode & 0777);
	s->ctime = now_sec();
	return 0;
}

SYSCALL_DEFINE3(shmctl, int, shmid, int, cmd, void *, ubuf)
{
	struct shm_seg *s;

	doomed_reap();
	cmd &= ~IPC_64;
	if (shmid < 0 || cmd < 0)
		return -EINVAL;
	s = seg_of(shmid);
	if (!s)
		return -EINVAL;
	switch (cmd) {
	case IPC_RMID:
		if (!proc_capable(CAP_SYS_ADMIN) && proc_euid() != s->perm.uid &&
		    proc_euid() != s->perm.cuid)
			return -EPERM;
		seg_remove(s);
		return 0;
	case IPC_STAT:
		return seg_stat(s, ubuf);
	case IPC_SET:
		return seg_set(s, ubuf);
	default:
		return -EINVAL; /* IPC_INFO, SHM_INFO, SHM_STAT, SHM_LOCK: not done */
	}
}
