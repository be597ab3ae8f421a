/*
 * Physical memory and the kernel address space.
 *
 * All RAM is mapped linearly in the TTBR1 half at KVA_BASE + physical address
 * (normal memory, non-executable, except the kernel image which is mapped
 * page by page with W^X). Device MMIO is mapped in the same linear window as
 * Device-nGnRE. The TTBR0 half belongs to user processes.
 */
#ifndef SIS_MM_H
#define SIS_MM_H

#include <sis/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define KVA_BASE 0xffff000000000000UL
/* User addresses are below this (48-bit TTBR0 half). */
#define USER_VA_END 0x0001000000000000UL

/*
 * The one test that [addr, addr+len) is a user range: it does not wrap and
 * ends at or below USER_VA_END, so a kernel-half pointer never aliases a
 * user address through the low 48 bits a table walk uses. Every path that
 * takes an address from user space checks it here (uaccess, vm_*). EL0 has
 * top-byte-ignore (TCR_EL1.TBI0): a tagged pointer is refused here unless
 * the caller untagged it first (user_untag(), for processes that opted in
 * with PR_SET_TAGGED_ADDR_CTRL, in uaccess only, as Linux's access_ok).
 */
static inline bool user_addr_ok(u64 addr, u64 len)
{
	return addr < USER_VA_END && len <= USER_VA_END - addr;
}

/* Clear the tag byte (63:56) of a lower-half address (bit 55 clear), as
 * Linux's untagged_addr(); a kernel-half address is left for the check above. */
static inline u64 user_untag(u64 addr)
{
	return (addr & (1UL << 55)) ? addr : addr & ~(0xffUL << 56);
}

static inline void *pa_to_kva(paddr_t pa) { return (void *)(pa + KVA_BASE); }
static inline paddr_t kva_to_pa(const void *va) { return (paddr_t)va - KVA_BASE; }

/*
 * Page allocator (buddy). Returns kernel virtual addresses of 2^order
 * contiguous, naturally aligned pages, or NULL. Pages are not zeroed unless
 * page_alloc_zeroed() is used. Callable from any context (IRQs masked inside).
 */
#define PAGE_MAX_ORDER 10 /* 4 MiB blocks */
void *page_alloc(unsigned order);
void *page_alloc_zeroed(unsigned order);
void page_free(void *kva, unsigned order);
size_t page_free_count(void);  /* free pages, for leak checks */
/*
 * The kernel's reserve: allocations made because a user program asked
 * (its pages and page tables, its processes' kernel stacks; pipe and socket
 * buffers should too) check page_user_may_alloc() first and fail with
 * -ENOMEM instead of taking the last pages, which the kernel keeps for
 * itself (signal frames, a fork of the shell, interrupts). At least 128
 * pages, or 1/64 of RAM.
 */
bool page_user_may_alloc(size_t pages);
size_t page_user_reserve_count(void); /* the pages user memory leaves free */
size_t page_total_count(void); /* pages managed */

/*
 * Kernel heap. kmalloc() memory is 16-byte aligned; large requests go to the
 * page allocator directly. NULL on exhaustion. Callable from any context.
 */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kcalloc(size_t n, size_t size);
void kfree(void *p);
void *krealloc(void *p, size_t size);
size_t kmalloc_usable_size(const void *p);

/* Boot-time set-up (called from kmain in this order). */
struct dt_reg;
/*
 * Hand RAM to the page allocator, minus the reserved ranges (kernel image,
 * device tree, initrd). Ranges may overlap or fall outside RAM.
 */
void mm_init(paddr_t ram_base, size_t ram_size, const struct dt_reg *reserved, int n_reserved);
void heap_init(void);

/* Memory statistics for /proc/meminfo and leak tests. */
struct mm_stats {
	size_t total_pages;
	size_t free_pages;
	size_t heap_bytes_in_use;
	size_t heap_pages; /* pages the heap holds: its slabs (partly free) and large blocks */
};
void mm_get_stats(struct mm_stats *st);

#endif
