/*
 * User address spaces (the TTBR0 half), one per process.
 *
 * The page tables are the only record of what is mapped: every mapped page is
 * backed by a physical page from the start (no demand paging). fork shares
 * pages copy-on-write, and MAP_PRIVATE file mappings map the file's pages
 * copy-on-write: the first write to a shared page (a fault, or the kernel
 * writing for the user) copies it. Pages are W^X: a mapping is
 * readable, read-write or read-execute. PROT_NONE reservations are invalid entries that carry a
 * software marker, with no page behind them.
 *
 * Layout (48-bit user VAs):
 *   ELF segments            where the program asks, at or above VM_USER_MIN
 *   heap (brk)              from the page after the highest segment, upwards
 *   ET_DYN programs         from 0xaaaaaaaaa000 (+ up to 1 GiB, ASLR: exec.c)
 *   interpreter, mmap       downwards from VM_MMAP_TOP (- up to 1 GiB: mmap_top)
 *   stack                   VM_STACK_SIZE below VM_STACK_TOP (- up to 1 GiB),
 *                           growing down on faults to RLIMIT_STACK (vm_grow_stack)
 *   sigreturn trampoline    one shared read-execute page at VM_TRAMPOLINE
 *
 * Errors: -ENOMEM when pages run out (a reserve is kept for the kernel),
 * -EAGAIN when no ASID is free, -EINVAL/-EEXIST for ranges as documented.
 *
 * Accounting: every page a space allocates (data pages and its page tables)
 * leaves the kernel's reserve alone, and its page tables are capped per
 * space (vm_table_limit()), so address space that needs no data page
 * (PROT_NONE, sparse mappings) cannot turn into unbounded kernel memory.
 * Page tables that an unmap empties are freed at once. Addresses are checked
 * with user_addr_ok() (sis/mm.h) at every entry point: a kernel-half address
 * never reaches a table walk.
 */
#ifndef SIS_VM_H
#define SIS_VM_H

#include <sis/types.h>
#include <sis/pgtable.h>
#include <sis/mm.h>
#include <sis/list.h>

#define VM_USER_MIN 0x10000UL                 /* nothing is mapped below */
#define VM_USER_MAX 0x0000ff0000000000UL      /* ELF and mmap addresses stay below */
#define VM_TRAMPOLINE 0x0000fffffffff000UL    /* sigreturn trampoline page */
#define VM_STACK_TOP 0x0000ffffffff0000UL
#define VM_STACK_SIZE (256UL << 10)          /* RLIMIT_STACK's default */
#define VM_STACK_DEFAULT_MAX (8UL << 20)      /* the stack for RLIM_INFINITY (Linux's _STK_LIM) */
#define VM_STACK_MAX (64UL << 20)             /* largest initial stack (mapped whole) */
#define VM_MMAP_TOP VM_USER_MAX                /* hint-less mmap searches below */
#define VM_BRK_MAX (1UL << 30)                /* heap may grow this far past its start */

/* Access rights of a mapping (the PROT_* values of uapi/sis/mman.h). */
#define VM_READ 0x1
#define VM_WRITE 0x2
#define VM_EXEC 0x4
#define VM_SHARED 0x8 /* vm_map_zero: MAP_SHARED (fork shares the pages, no COW) */

struct vm_space {
	unsigned refs;    /* processes using it (vfork and CLONE_VM share one) */
	pte_t *root;      /* L0 table (kernel VA) */
	u16 asid;         /* TLB tag; never 0 (0 is the empty table's) */
	u64 brk_start;    /* heap start (page aligned), set by exec */
	u64 brk;          /* current break (byte granular, as brk() returns it) */
	size_t pages;     /* user pages mapped (backed) */
	size_t leaves;    /* pages mapped or reserved (address space, RLIMIT_AS) */
	size_t table_pages; /* page-table pages, the root included */
	u64 free_cache;   /* vm_find_free starts below here (0: from its top) */
	u64 mmap_top;     /* hint-less mmap searches below (exec's random base; 0: VM_MMAP_TOP) */
	u64 stack_top;    /* top of the initial stack (exec's, ASLR; 0: VM_STACK_TOP) */
	u64 stack_bottom; /* lowest page the stack has grown to (0: no stack) */
	u64 stack_limit;  /* how far below stack_top it may grow (RLIMIT_STACK, soft) */
	size_t stack_pages; /* pages of the initial stack (exec's, from RLIMIT_STACK) */
	size_t data_pages;  /* private writable pages (Linux's data_vm, RLIMIT_DATA) */
	u64 data_size;    /* the program's data segment (Linux's end_data - start_data) */
	size_t locked;    /* pages mlock'ed (VmLck, RLIMIT_MEMLOCK) */
	bool lock_future; /* mlockall(MCL_FUTURE): new mappings are locked */
	struct list_head node; /* in vm.c's list of every space */
};

/* Most page-table pages one space may hold (a share of RAM). */
size_t vm_table_limit(void);
/* Pages of [va, va+len) that are mapped or reserved. */
size_t vm_range_used(struct vm_space *vm, u64 va, size_t len);

/* Empty address space with a fresh ASID, or ERR_PTR(-ENOMEM/-EAGAIN). */
struct vm_space *vm_create(void);
/* Free every page, table and the ASID. vm must not be active (TTBR0). */
void vm_destroy(struct vm_space *vm);
/* Another user of vm (CLONE_VM); vm_put drops one, destroying vm with the
 * last (which must not be active then). vm_create's caller holds one. */
void vm_get(struct vm_space *vm);
void vm_put(struct vm_space *vm);
/* A copy of src for fork: pages shared copy-on-write. ERR_PTR on failure. */
struct vm_space *vm_clone(struct vm_space *src);
/* Install vm (NULL: the empty table) in TTBR0. */
void vm_activate(struct vm_space *vm);

/*
 * Map zeroed pages over [va, va+len) (page aligned) with prot (VM_*; W+X is
 * -EACCES; 0 reserves the range without pages). Fails with -EEXIST if any
 * page is already mapped or reserved; nothing is left mapped on failure.
 */
int vm_map_zero(struct vm_space *vm, u64 va, size_t len, unsigned prot);
/* Unmap (and free) whatever is mapped in [va, va+len); holes are fine. */
void vm_unmap(struct vm_space *vm, u64 va, size_t len);
/* Change the rights of every page in the range: -ENOMEM if any page is not
 * mapped or reserved, or if pages for the reserved ones run out (nothing
 * changed then), -EACCES for W+X. */
int vm_protect(struct vm_space *vm, u64 va, size_t len, unsigned prot);
/* True if no page of [va, va+len) is mapped or reserved. */
bool vm_range_free(struct vm_space *vm, u64 va, size_t len);
/* True if va is in a MAP_SHARED page (VM_SHARED): *pa is its physical
 * address, the same in every space sharing the page (futex keys). */
bool vm_shared_page(struct vm_space *vm, u64 va, paddr_t *pa);
/* A free, page-aligned range of len bytes below top (the highest below
 * where the previous search ended, else the highest below top), or 0. */
u64 vm_find_free(struct vm_space *vm, size_t len, u64 top);

/* True if [va, va+n) is mapped and user-accessible (writable if write;
 * copy-on-write pages are copied on the way, false if memory runs out). */
bool vm_access_ok(struct vm_space *vm, u64 va, size_t n, bool write);
/* A fault at va below the stack's lowest page but within its limit maps
 * zeroed pages from va's page up to it (Linux's VM_GROWSDOWN, without the
 * laziness): 0, -EFAULT (not the stack's to grow: a real fault, also when
 * something else is mapped in the way) or -ENOMEM. */
int vm_grow_stack(struct vm_space *vm, u64 va);
/* RLIMIT_STACK's soft limit changed (or exec): how far the stack may grow,
 * at least what exec maps, at most VM_STACK_MAX. */
void vm_set_stack_limit(struct vm_space *vm, u64 limit);
/* Resolve a write to the copy-on-write page at va: 0, -EFAULT (not a
 * copy-on-write page: a real fault) or -ENOMEM. */
int vm_break_cow(struct vm_space *vm, u64 va);
/* Copy into vm (not necessarily active) through the kernel's linear
 * map, ignoring user rights (the loader writes read-only text this way);
 * writes copy copy-on-write pages first. 0 or -EFAULT if a page is not
 * mapped (or a shared page cannot be copied). */
int vm_write(struct vm_space *vm, u64 va, const void *src, size_t n);
/* Make instructions written to [va, va+n) visible to instruction fetch. */
void vm_sync_icache(struct vm_space *vm, u64 va, size_t n);
/* VM_* rights (| VM_SHARED) of the page at va (page aligned), 0 for a
 * reservation; -ENOMEM if nothing is mapped there, -EINVAL for a bad va. */
int vm_page_prot(struct vm_space *vm, u64 va);
/* Move what is mapped in [from, from+len) to the free [to, to+len) (mremap):
 * 0, -EINVAL (ranges), -ENOMEM (page tables; nothing moved then). */
int vm_move(struct vm_space *vm, u64 from, u64 to, size_t len);
/* Private pages of the range read as zero again (MADV_DONTNEED): 0,
 * -EINVAL, -ENOMEM (a copy-on-write page could not be replaced). */
int vm_discard(struct vm_space *vm, u64 va, size_t len);
/*
 * Map n pages another owner holds (kernel VAs, e.g. a file's pages) at va
 * with prot: MAP_SHARED memory if prot has VM_SHARED, else a MAP_PRIVATE
 * view that reads the owner's page (and sees its changes) until the first
 * write, which copies it (copy-on-write, as after fork). Each mapping takes
 * a reference, so a page lives until its owner (vm_page_put) and every
 * mapping let it go. Errors as vm_map_zero; nothing is mapped on failure.
 */
int vm_map_pages(struct vm_space *vm, u64 va, void *const *pages, size_t n, unsigned prot,
		 size_t in_file);
/* in_file: pages from this index on are wholly past the end of their file;
 * any access to one faults: vm_file_fault. */
/* An access flag fault at va (write, exec: the access): 0 if the page is a
 * file page whose file has grown over it (accessible now: retry), -EIO if
 * it is past the end of its file (SIGBUS), -EFAULT otherwise (SIGSEGV). */
int vm_file_fault(struct vm_space *vm, u64 va, bool write, bool exec);
/* The file shrank below a mapped page: every mapping of it faults again,
 * private copies made of it included (they are dropped: Linux's truncate
 * unmaps COW pages too). */
void vm_revoke_page(void *page);
/* The page cache's answer to "does the file still cover this page?": 1,
 * 0, or -1 when no file holds the page any more. */
void vm_set_in_file(int (*in_file)(const void *page));
/* A zeroed page for vm_map_pages, from user memory (NULL past the kernel's
 * reserve); vm_page_put drops it. */
void *vm_page_alloc(void);
/* Drop the owner's reference to a user page (freed once nothing maps it). */
void vm_page_put(void *page);
/* Does any mapping besides its owner use the page? */
bool vm_page_mapped(const void *page);
/* How many mappings besides its owner use the page. */
unsigned vm_page_map_count(const void *page);
/* The function that frees pages when user memory runs out (the page cache's
 * unmapped pages; it returns how many), called in process context before
 * an allocation for user space fails. It must not allocate user pages. */
void vm_set_reclaim(size_t (*reclaim)(void));
/* /proc/PID/maps: fn for each run of adjacent pages with the same rights
 * (VM_READ/WRITE/EXEC, VM_SHARED; 0 for a PROT_NONE reservation), in
 * address order, until it returns nonzero. Copy-on-write pages count as
 * writable. vm must not change meanwhile (no sleeping in fn). */
void vm_for_each_range(struct vm_space *vm, int (*fn)(void *arg, u64 start, u64 end,
						     unsigned rights), void *arg);
/* /proc/PID/smaps: what the pages of [start, end) are, in bytes. A page
 * counts as shared when another space maps it too (a file's or a shared
 * object's own reference does not count); anonymous private pages are dirty,
 * file pages clean (SIS keeps no dirty bits). pss divides each page by its
 * mappings. vm must not change meanwhile. */
struct vm_usage {
	u64 rss, pss, shared_clean, shared_dirty, private_clean, private_dirty, anonymous;
};
void vm_range_usage(struct vm_space *vm, u64 start, u64 end, struct vm_usage *u);
/*
 * mlock/munlock: lock (lock true) or unlock every page of [va, va+len)
 * (page aligned), in address order. Unless holes, a page neither mapped nor
 * reserved stops it with -ENOMEM, the pages before it done (as Linux's
 * apply_vma_lock_flags); with holes (mlockall) unused ranges are skipped.
 * Locking gives a writable copy-on-write page its own copy, so a locked
 * page is resident and private: -EAGAIN if memory runs out. The shared
 * trampoline is never locked. Locks are not inherited by vm_clone.
 * 0, -EINVAL (range), -ENOMEM, -EAGAIN.
 */
int vm_lock(struct vm_space *vm, u64 va, size_t len, bool lock, bool holes);
/* Pages of [va, va+len) that are locked. */
size_t vm_range_locked(struct vm_space *vm, u64 va, size_t len);
/* Pages of [va, va+len) that would become data (private and writable,
 * vm->data_pages) if the range were made writable. */
size_t vm_range_new_data(struct vm_space *vm, u64 va, size_t len);
/* Map the shared sigreturn trampoline page (read-execute). */
int vm_map_trampoline(struct vm_space *vm);

#endif
