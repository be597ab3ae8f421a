/*
 * User address spaces: TTBR0 page tables, ASIDs, copy-on-write (see sis/vm.h).
 *
 * Leaf entries of a user table are in one of three states: 0 (nothing),
 * PTE_SW_RESERVED (an invalid entry: a PROT_NONE reservation with no page),
 * or a valid page. A valid page with EL1-only access is a backed PROT_NONE
 * page (mprotect). The trampoline page is shared by every space and marked
 * PTE_SW_SHARED so it is never freed (and copied before anyone writes it).
 *
 * Copy-on-write: fork shares every page instead of copying it. Writable
 * pages become read-only in both spaces and carry PTE_SW_COW ("writable
 * once private"); a write fault on one (vm_break_cow), or a kernel write on
 * the user's behalf (vm_access_ok, vm_write), gives the writer its own copy,
 * or just write access back when nobody else maps the page any more.
 * share_count[] counts, per RAM page, the mappings beyond the first; a page
 * is freed when its last mapping goes.
 *
 * MAP_PRIVATE file mappings (vm_map_pages without VM_SHARED) map the file's
 * own pages (vfs_filemap.c holds a reference to each) read-only, marked
 * PTE_SW_FILE, and PTE_SW_COW where the mapping may be written: until the
 * first write they see every change to the file; the write copies the page
 * like a fork's, so a private store never reaches the file. The copy keeps
 * a reference to the file page it came from (origin[], also across fork's
 * sharing of the copy), so MADV_DONTNEED maps the file's page again, as
 * Linux drops a private copy.
 *
 * Pages of a file mapping wholly past the end of the file are the file's
 * (page cache) pages mapped with the access flag clear: any access faults
 * (there is no hardware AF update, TCR_EL1.HA is 0), and the fault gives
 * SIGBUS, as Linux, unless the file has grown over the page since, which
 * then gets its access flag and the access runs again (vm_file_fault). A
 * truncate clears the flag again in every space and turns the private
 * copies of a page it cuts back into that page (vm_revoke_page), as
 * Linux's truncate zaps COW pages: their next access is SIGBUS too.
 *
 * TLB: entries are tagged with the space's ASID (PTE_NG); changing or
 * removing a valid entry flushes that page, and a freed ASID is flushed
 * before it can be reused.
 */
#include <sis/kernel.h>
#include <sis/vm.h>
#include <sis/log.h>
#include <sis/arch.h>
#include <sis/init.h>
#include <sis/devtree.h>
#include <sis/list.h>

#define PTE_SW_SHARED (1UL << 56)   /* page not owned by this space */
#define PTE_SW_RESERVED (1UL << 57) /* invalid entry reserving the page (PROT_NONE) */
#define PTE_SW_SHMEM (1UL << 58)    /* MAP_SHARED page: fork shares it writable, never COW */
/* A MAP_PRIVATE view of a file's page not yet copied (still the file's
 * contents). Bit 59 is PBHA[0], IGNORED while TCR_EL1.HWU59 is clear
 * (Arm ARM D8.3.1; boot.S leaves the HWU bits clear). */
#define PTE_SW_FILE (1UL << 59)
/* mlock'ed (a page or a reservation): PBHA[1], ignored as bit 59. */
#define PTE_SW_LOCKED (1UL << 60)
#define PROT_USER_NONE                                                               \
	(PTE_AF | PTE_SH_INNER | PTE_ATTR(MT_NORMAL) | PTE_AP_EL1_RW | PTE_NG | PTE_PXN | \
	 PTE_UXN)
#define PTE_AP_EL0 (1UL << 6)       /* AP[1]: EL0 may access */
#define PTE_AP_RDONLY (1UL << 7)    /* AP[2]: read-only */

#define ASID_COUNT 4096
/* A space's page tables may take at most 1/TABLE_SHARE of RAM (and at least
 * TABLE_MIN pages): with PROT_NONE or one page per 2 MiB a program otherwise
 * makes the kernel allocate a table per page it names. */
#define TABLE_SHARE 8
#define TABLE_MIN 64
#define FLUSH_ASID_THRESHOLD 64     /* unmapping more pages flushes the ASID once */

static u16 *share_count;    /* per RAM page: mappings beyond the first */
/* Per RAM page: a private copy's file page (1 + its page number; 0: none),
 * referenced (counted in share_count) until the copy is freed. In pages of
 * ORIGIN_PER_PAGE entries (4 MiB at 4 GiB of RAM, more than one heap block). */
#define ORIGIN_PER_PAGE (PAGE_SIZE / sizeof(u32))
static u32 **origin_pages;
static LIST_HEAD(spaces);   /* every vm_space: a truncate revokes pages in each */
static paddr_t ram_base;
static size_t ram_pages;
static size_t table_limit = TABLE_MIN;
static u64 asid_map[ASID_COUNT / 64];
static unsigned asid_next = 1;
static void *trampoline_page;

static int asid_alloc(void)
{
	for (unsigned i = 0; i < ASID_COUNT - 1; i++) {
		unsigned a = 1 + (asid_next - 1 + i) % (ASID_COUNT - 1);

		if (!(asid_map[a / 64] & (1UL << (a % 64)))) {
			asid_map[a / 64] |= 1UL << (a % 64);
			asid_next = a + 1;
			return a;
		}
	}
	return -EAGAIN;
}

static void asid_free(u16 asid)
{
	tlb_flush_asid(asid);
	asid_map[asid / 64] &= ~(1UL << (asid % 64));
}

static size_t (*reclaim_fn)(void); /* vm_set_reclaim: the page cache's shrinker */
static int (*in_file_fn)(const void *page); /* vm_set_in_file: the page cache's sizes */

void vm_set_reclaim(size_t (*reclaim)(void))
{
	reclaim_fn = reclaim;
}

void vm_set_in_file(int (*in_file)(const void *page))
{
	in_file_fn = in_file;
}

/* Does the file a mapped file page belongs to cover it (now)? orphan: the
 * answer for a page no file holds any more (its file was freed: it cannot
 * grow or shrink again). */
static bool page_in_file(const void *page, bool orphan)
{
	int r = in_file_fn ? in_file_fn(page) : 1;

	return r < 0 ? orphan : r > 0;
}

/* Can user space take n more pages without touching the kernel's reserve
 * (sis/mm.h)? The kernel keeps working when a program allocates all it can.
 * Short of pages, the page cache gives back what nothing maps first. */
static bool user_pages_available(size_t n)
{
	if (page_user_may_alloc(n))
		return true;
	return reclaim_fn && reclaim_fn() && page_user_may_alloc(n);
}

static void *user_page_alloc(bool zero)
{
	if (!user_pages_available(1))
		return NULL;
	return zero ? page_alloc_zeroed(0) : page_alloc(0);
}

size_t vm_table_limit(void)
{
	return table_limit;
}

/* A zeroed page-table page charged to vm: NULL past its cap or the reserve. */
static pte_t *table_alloc(struct vm_space *vm)
{
	pte_t *t;

	if (vm->table_pages >= table_limit)
		return NULL;
	t = user_page_alloc(true);
	if (t)
		vm->table_pages++;
	return t;
}

static pte_t *table_of(pte_t e)
{
	return pa_to_kva(e & PTE_ADDR_MASK);
}

static void *page_of(pte_t e)
{
	return pa_to_kva(e & PTE_ADDR_MASK);
}

static size_t ram_index(pte_t e)
{
	size_t i = ((e & PTE_ADDR_MASK) - ram_base) >> PAGE_SHIFT;

	BUG_ON(i >= ram_pages);
	return i;
}

static u16 *share_of(pte_t e)
{
	return &share_count[ram_index(e)];
}

static u32 *origin_slot(pte_t e)
{
	size_t i = ram_index(e);

	return &origin_pages[i / ORIGIN_PER_PAGE][i % ORIGIN_PER_PAGE];
}

/* The file page the private page e was copied from, or NULL. */
static void *origin_of(pte_t e)
{
	u32 o = *origin_slot(e);

	return o ? pa_to_kva(ram_base + ((paddr_t)(o - 1) << PAGE_SHIFT)) : NULL;
}

/* Does another mapping use this page (so a write needs a copy first)? */
static bool page_shared(pte_t e)
{
	return (e & PTE_SW_SHARED) || *share_of(e);
}

/* Drop one mapping of a page; the last one frees it. */
static void put_page(pte_t e)
{
	u16 *n;

	if (e & PTE_SW_SHARED)
		return;
	n = share_of(e);
	if (*n) {
		(*n)--;
		return;
	}
	if (*origin_slot(e)) { /* a private copy: let its file page go */
		pte_t from = kva_to_pa(origin_of(e));

		*origin_slot(e) = 0;
		put_page(from); /* a file page has no origin: one level deep */
	}
	page_free(page_of(e), 0);
}

/* copy (a new private page) was copied from the page of e: remember the
 * file page behind it (e's own if e is a file view, else e's origin). */
static void origin_inherit(void *copy, pte_t e)
{
	void *from = (e & PTE_SW_FILE) ? page_of(e) : origin_of(e);

	if (!from)
		return;
	(*share_of(kva_to_pa(from)))++;
	*origin_slot(kva_to_pa(copy)) = (u32)(ram_index(kva_to_pa(from)) + 1);
}

static bool pte_writable(pte_t e)
{
	return (e & PTE_AP_EL0) && !(e & PTE_AP_RDONLY);
}

/* Does the entry count as data (Linux's data_vm): a private page that is
 * writable, or will be once copied? */
static bool entry_is_data(pte_t e)
{
	return (e & PTE_VALID) && !(e & (PTE_SW_SHMEM | PTE_SW_SHARED)) &&
	       (pte_writable(e) || ((e & PTE_AP_EL0) && (e & PTE_SW_COW)));
}

/* Account an entry changing from old to new (pages locked, data pages). */
static void account(struct vm_space *vm, pte_t old, pte_t new)
{
	vm->data_pages += (size_t)entry_is_data(new) - (size_t)entry_is_data(old);
	vm->locked += (size_t)!!(new & PTE_SW_LOCKED) - (size_t)!!(old & PTE_SW_LOCKED);
}

static u64 prot_attrs(unsigned prot)
{
	if (prot & VM_EXEC)
		return PROT_USER_RX;
	if (prot & VM_WRITE)
		return PROT_USER_RW;
	if (prot & VM_READ)
		return PROT_USER_RO;
	return PROT_USER_NONE;
}

/*
 * The L3 entry for va without allocating, or NULL when a table on the way is
 * missing; then *span (if given) is the size of the aligned empty block.
 */
static const int table_shifts[] = { L0_SHIFT, L1_SHIFT, L2_SHIFT };

static pte_t *lookup(pte_t *root, u64 va, u64 *span)
{
	const int *shifts = table_shifts;
	pte_t *table = root;

	BUG_ON(va >= USER_VA_END); /* callers check with user_addr_ok() */
	for (int l = 0; l < 3; l++) {
		pte_t e = table[PT_INDEX(va, shifts[l])];

		if (!(e & PTE_VALID)) {
			if (span)
				*span = 1UL << shifts[l];
			return NULL;
		}
		table = table_of(e);
	}
	return &table[PT_INDEX(va, L3_SHIFT)];
}

/*
 * The L3 entry for va in vm, allocating the tables on the way (charged to
 * vm); NULL when the cap or the reserve is reached.
 */
static pte_t *walk_alloc(struct vm_space *vm, u64 va)
{
	pte_t *table = vm->root;

	for (int l = 0; l < 3; l++) {
		pte_t *e = &table[PT_INDEX(va, table_shifts[l])];

		if (!(*e & PTE_VALID)) {
			pte_t *next = table_alloc(vm);

			if (!next)
				return NULL;
			/* Arm ARM D8.2.5: the zeroed table is visible before the entry */
			dsb(ishst);
			*e = kva_to_pa(next) | PTE_VALID | PTE_TABLE;
		}
		table = table_of(*e);
	}
	return &table[PT_INDEX(va, L3_SHIFT)];
}

/* Number of aligned 2^shift spans [va, end) touches (va < end). */
static u64 spans(u64 va, u64 end, int shift)
{
	return ((end - 1) >> shift) - (va >> shift) + 1;
}

/*
 * Page-table pages mapping [va, end) would allocate; counting stops once it
 * passes limit (so a huge range costs no more than the answer needs).
 */
static size_t tables_needed(struct vm_space *vm, u64 va, u64 end, size_t limit)
{
	size_t n = 0;

	while (va < end && n <= limit) {
		pte_t *table = vm->root;
		int l = 0;
		u64 stop;

		for (; l < 3; l++) {
			pte_t e = table[PT_INDEX(va, table_shifts[l])];

			if (!(e & PTE_VALID))
				break;
			table = table_of(e);
		}
		if (l == 3) { /* the L3 table is there */
			va = ALIGN_DOWN(va, 1UL << L2_SHIFT) + (1UL << L2_SHIFT);
			continue;
		}
		/* Entry l is empty: every table below it is missing. */
		stop = ALIGN_DOWN(va, 1UL << table_shifts[l]) + (1UL << table_shifts[l]);
		stop = MIN(stop, end);
		for (int k = l; k < 3; k++)
			n += spans(va, stop, table_shifts[k]);
		va = stop;
	}
	return n;
}

/* Make table/entry writes visible to the walker before user code runs
 * (Arm ARM D8.2.5). */
static void tables_sync(void)
{
	dsb(ishst);
}

static void dcache_clean_pou(const void *kva, size_t n)
{
	u64 line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);

	for (u64 a = ALIGN_DOWN((u64)kva, line); a < (u64)kva + n; a += line)
		__asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
	dsb(ish);
}

static void icache_invalidate_all(void)
{
	__asm__ volatile("ic ialluis" ::: "memory");
	dsb(ish);
	isb();
}

struct vm_space *vm_create(void)
{
	struct vm_space *vm = kzalloc(sizeof(*vm));
	int asid;

	if (!vm)
		return ERR_PTR(-ENOMEM);
	vm->root = table_alloc(vm);
	if (!vm->root) {
		kfree(vm);
		return ERR_PTR(-ENOMEM);
	}
	asid = asid_alloc();
	if (asid < 0) {
		page_free(vm->root, 0);
		kfree(vm);
		return ERR_PTR(asid);
	}
	vm->asid = (u16)asid;
	vm->refs = 1;
	list_add_tail(&vm->node, &spaces);
	return vm;
}

static void free_level(pte_t *table, int level)
{
	for (int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];

		if (!(e & PTE_VALID))
			continue;
		if (level < 3) {
			free_level(table_of(e), level + 1);
			page_free(table_of(e), 0);
		} else {
			put_page(e);
		}
	}
}

void vm_destroy(struct vm_space *vm)
{
	list_del(&vm->node);
	free_level(vm->root, 0);
	page_free(vm->root, 0);
	asid_free(vm->asid);
	kfree(vm);
}

void vm_get(struct vm_space *vm)
{
	BUG_ON(!vm->refs);
	vm->refs++;
}

void vm_put(struct vm_space *vm)
{
	BUG_ON(!vm->refs);
	if (--vm->refs == 0)
		vm_destroy(vm);
}

/*
 * Share one table level of src with dst (a zeroed table of the same level):
 * every page becomes a second mapping; writable ones turn copy-on-write in
 * both spaces.
 */
static int clone_level(pte_t *src, pte_t *dst, int level, struct vm_space *vm)
{
	for (int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = src[i];

		if (!e)
			continue;
		if (level < 3) {
			pte_t *t = table_alloc(vm);
			int err;

			if (!t)
				return -ENOMEM;
			dst[i] = kva_to_pa(t) | PTE_VALID | PTE_TABLE;
			err = clone_level(table_of(e), t, level + 1, vm);
			if (err)
				return err;
			continue;
		}
		if (e & PTE_VALID) {
			if (pte_writable(e) && !(e & PTE_SW_SHMEM)) {
				e |= PTE_AP_RDONLY | PTE_SW_COW;
				src[i] = e;
			}
			if (!(e & PTE_SW_SHARED)) {
				(*share_of(e))++;
				vm->pages++;
			}
		}
		dst[i] = e & ~PTE_SW_LOCKED; /* a page, or a reservation; locks stay behind */
		account(vm, 0, dst[i]);
		vm->leaves++;
	}
	return 0;
}

struct vm_space *vm_clone(struct vm_space *src)
{
	struct vm_space *vm = vm_create();
	int err;

	if (IS_ERR(vm))
		return vm;
	vm->brk_start = src->brk_start;
	vm->brk = src->brk;
	vm->free_cache = src->free_cache;
	vm->mmap_top = src->mmap_top;
	vm->stack_top = src->stack_top;
	vm->stack_bottom = src->stack_bottom;
	vm->stack_limit = src->stack_limit;
	vm->stack_pages = src->stack_pages;
	vm->data_size = src->data_size;
	err = clone_level(src->root, vm->root, 0, vm);
	/* src's writable pages are read-only now (also if we stop half-way). */
	tlb_flush_asid(src->asid);
	if (err) {
		vm_destroy(vm); /* drops whatever was shared so far */
		return ERR_PTR(err);
	}
	tables_sync();
	return vm;
}

void vm_activate(struct vm_space *vm)
{
	if (vm)
		mmu_set_user_table(kva_to_pa(vm->root), vm->asid);
	else
		mmu_set_user_table(mmu_empty_user_root(), 0);
}

static bool range_ok(u64 va, size_t len)
{
	return IS_ALIGNED(va, PAGE_SIZE) && IS_ALIGNED(len, PAGE_SIZE) && len &&
	       user_addr_ok(va, len);
}

/* Used (mapped or reserved) pages of [va, va+len), counting stops past limit. */
static size_t count_used(struct vm_space *vm, u64 va, size_t len, size_t limit)
{
	u64 end = va + len;
	size_t n = 0;

	if (!len || !user_addr_ok(va, len))
		return 0;
	while (va < end && n <= limit) {
		u64 span;
		pte_t *e = lookup(vm->root, va, &span);

		if (!e) {
			va = ALIGN_DOWN(va, span) + span;
			continue;
		}
		if (*e)
			n++;
		va += PAGE_SIZE;
	}
	return n;
}

bool vm_shared_page(struct vm_space *vm, u64 va, paddr_t *pa)
{
	pte_t *e;

	if (!user_addr_ok(va, 1))
		return false;
	e = lookup(vm->root, va, NULL);
	if (!e || !(*e & PTE_VALID) || !(*e & PTE_SW_SHMEM))
		return false;
	*pa = (*e & PTE_ADDR_MASK) + (va & (PAGE_SIZE - 1));
	return true;
}

bool vm_range_free(struct vm_space *vm, u64 va, size_t len)
{
	return !count_used(vm, va, len, 0);
}

size_t vm_range_used(struct vm_space *vm, u64 va, size_t len)
{
	return count_used(vm, ALIGN_DOWN(va, PAGE_SIZE), ALIGN_UP(len, PAGE_SIZE), SIZE_MAX);
}

/* Highest used (mapped or reserved) page in [start, end), or 0 if none. */
static u64 highest_used(struct vm_space *vm, u64 start, u64 end)
{
	u64 va = end - PAGE_SIZE;

	while (va >= start) {
		u64 span;
		pte_t *e = lookup(vm->root, va, &span);

		if (e && *e)
			return va;
		if (e) {
			va -= PAGE_SIZE;
			continue;
		}
		if (ALIGN_DOWN(va, span) < start + PAGE_SIZE)
			break;
		va = ALIGN_DOWN(va, span) - PAGE_SIZE;
	}
	return 0;
}

/* Highest free range of len (page multiple) bytes ending at or below top. */
static u64 find_below(struct vm_space *vm, size_t len, u64 top)
{
	u64 end = ALIGN_DOWN(top, PAGE_SIZE);

	while (len && end >= VM_USER_MIN + len) {
		u64 used = highest_used(vm, end - len, end);

		if (!used)
			return end - len;
		end = used; /* the range must end below that page */
	}
	return 0;
}

/*
 * The search starts where the last one ended (free_cache, raised again by
 * vm_unmap when it opens a hole above): mmap after mmap then costs the gap
 * below the last mapping, not a walk over every page mapped before it (which
 * made n hint-less mmaps cost n^2 / 2 page lookups). Only when nothing fits
 * below the cache does it search from top.
 */
u64 vm_find_free(struct vm_space *vm, size_t len, u64 top)
{
	u64 start = vm->free_cache && vm->free_cache < top ? vm->free_cache : top;
	u64 va;

	len = ALIGN_UP(len, PAGE_SIZE);
	va = find_below(vm, len, start);
	if (!va && start != top)
		va = find_below(vm, len, top);
	if (va)
		vm->free_cache = va;
	return va;
}

/* Point the empty entry e at page (or reserve it when page is NULL). */
static void set_leaf(struct vm_space *vm, pte_t *e, void *page, unsigned prot)
{
	vm->leaves++;
	if (!page) {
		*e = PTE_SW_RESERVED;
		return;
	}
	*e = kva_to_pa(page) | prot_attrs(prot) | PTE_VALID | PTE_PAGE |
	     ((prot & VM_SHARED) ? PTE_SW_SHMEM : 0);
	account(vm, 0, *e);
	vm->pages++;
}

static int map_one(struct vm_space *vm, u64 va, unsigned prot)
{
	pte_t *e = walk_alloc(vm, va);
	void *page = NULL;

	if (!e)
		return -ENOMEM;
	if (prot) { /* a shared PROT_NONE page is backed too: others may map it */
		page = user_page_alloc(true);
		if (!page)
			return -ENOMEM;
	}
	set_leaf(vm, e, page, prot);
	return 0;
}

/* Could [va, va+len) be mapped at all? A huge request fails at once instead
 * of after filling memory (the allocations still check each page). */
static bool map_fits(struct vm_space *vm, u64 va, size_t len, unsigned prot)
{
	size_t room = table_limit - MIN(vm->table_pages, table_limit);
	size_t tables = tables_needed(vm, va, va + len, room);

	if (tables > room)
		return false;
	return user_pages_available(tables + (prot ? len / PAGE_SIZE : 0));
}

int vm_map_zero(struct vm_space *vm, u64 va, size_t len, unsigned prot)
{
	if (!range_ok(va, len))
		return -EINVAL;
	if ((prot & (VM_WRITE | VM_EXEC)) == (VM_WRITE | VM_EXEC))
		return -EACCES;
	if (!vm_range_free(vm, va, len))
		return -EEXIST;
	if (!map_fits(vm, va, len, prot))
		return -ENOMEM;
	for (u64 a = va; a < va + len; a += PAGE_SIZE) {
		int err = map_one(vm, a, prot);

		if (err) {
			if (a > va)
				vm_unmap(vm, va, a - va);
			return err;
		}
	}
	tables_sync();
	return 0;
}

/*
 * A list of pages threaded through their first word: the pages an mprotect
 * needs for reservations, taken before anything changes so the change
 * cannot fail half-way; and page tables an unmap emptied, freed only after
 * the TLB flush.
 */
struct page_pool {
	void *head;
};

static void pool_put(struct page_pool *pool, void *p)
{
	*(void **)p = pool->head;
	pool->head = p;
}

static void pool_free(struct page_pool *pool)
{
	while (pool->head) {
		void *p = pool->head;

		pool->head = *(void **)p;
		page_free(p, 0);
	}
}

static int pool_fill(struct page_pool *pool, size_t n)
{
	if (!user_pages_available(n))
		return -ENOMEM;
	while (n--) {
		void *p = user_page_alloc(true);

		if (!p) {
			pool_free(pool);
			return -ENOMEM;
		}
		pool_put(pool, p);
	}
	return 0;
}

static bool table_empty(const pte_t *t)
{
	for (int i = 0; i < PT_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/*
 * Unhook the tables below table (a level 0..2 table) that hold nothing any
 * more, for the part [va, end) covers, onto dead (freed once the TLB no
 * longer walks them). Depth is the fixed table depth, not a user's choice.
 */
static void prune_level(struct vm_space *vm, pte_t *table, int level, u64 va, u64 end,
			struct page_pool *dead)
{
	u64 span = 1UL << table_shifts[level];

	while (va < end) {
		pte_t *e = &table[PT_INDEX(va, table_shifts[level])];
		u64 next = ALIGN_DOWN(va, span) + span;

		if (*e & PTE_VALID) {
			pte_t *child = table_of(*e);

			if (level < 2)
				prune_level(vm, child, level + 1, va, MIN(next, end), dead);
			if (table_empty(child)) {
				*e = 0;
				vm->table_pages--;
				pool_put(dead, child);
			}
		}
		va = next;
	}
}

void vm_unmap(struct vm_space *vm, u64 va, size_t len)
{
	u64 start = va, end = va + len;
	bool flush_all = len / PAGE_SIZE > FLUSH_ASID_THRESHOLD;
	struct page_pool dead = { NULL };

	if (!len || !user_addr_ok(va, len))
		return;
	if (vm->free_cache && end > vm->free_cache)
		vm->free_cache = end; /* the next search sees the new hole */
	while (va < end) {
		u64 span;
		pte_t *e = lookup(vm->root, va, &span);
		pte_t old;

		if (!e) {
			va = ALIGN_DOWN(va, span) + span;
			continue;
		}
		old = *e;
		*e = 0;
		account(vm, old, 0);
		if (old)
			vm->leaves--;
		if (old & PTE_VALID) {
			if (!flush_all)
				tlb_flush_page(va, vm->asid);
			if (!(old & PTE_SW_SHARED))
				vm->pages--;
			put_page(old);
		}
		va += PAGE_SIZE;
	}
	/* An unhooked table may still sit in the walk caches: flush before it
	 * is freed (Arm ARM D8.16, break-before-make). */
	prune_level(vm, vm->root, 0, start, end, &dead);
	if (dead.head)
		flush_all = true;
	if (flush_all)
		tlb_flush_asid(vm->asid);
	pool_free(&dead);
}

static void *pool_take(struct page_pool *pool)
{
	void *p = pool->head;

	BUG_ON(!p); /* vm_protect counted the reservations */
	pool->head = *(void **)p;
	*(void **)p = NULL;
	return p;
}

static void protect_one(struct vm_space *vm, pte_t *e, u64 va, unsigned prot,
			struct page_pool *pool)
{
	pte_t old = *e, new;

	if (!(old & PTE_VALID)) { /* a reservation */
		if (!prot)
			return;
		vm->leaves--; /* set_leaf counts it again */
		set_leaf(vm, e, pool_take(pool), prot);
		*e |= old & PTE_SW_LOCKED; /* counted when the reservation was locked */
		return;
	}
	if ((prot & VM_WRITE) && (page_shared(old) || (old & PTE_SW_FILE)) &&
	    !(old & PTE_SW_SHMEM)) /* writable once private (a file view: always copied) */
		new = (old & PTE_ADDR_MASK) | (old & (PTE_SW_SHARED | PTE_SW_FILE)) |
		      prot_attrs(prot) | PTE_AP_RDONLY | PTE_SW_COW | PTE_VALID | PTE_PAGE;
	else if (prot & VM_WRITE) /* written in place: no longer the file's view */
		new = (old & PTE_ADDR_MASK) | (old & (PTE_SW_SHARED | PTE_SW_SHMEM)) |
		      prot_attrs(prot) | PTE_VALID | PTE_PAGE;
	else
		new = (old & PTE_ADDR_MASK) | (old & (PTE_SW_SHARED | PTE_SW_SHMEM | PTE_SW_FILE)) |
		      prot_attrs(prot) | PTE_VALID | PTE_PAGE;
	new |= old & PTE_SW_LOCKED;
	if (!(old & PTE_AF))
		new &= ~PTE_AF; /* past the end of its file: still faults */
	account(vm, old, new);
	*e = new;
	tlb_flush_page(va, vm->asid);
	if (prot & VM_EXEC)
		dcache_clean_pou(page_of(old), PAGE_SIZE);
}

/* Reservations in [va, va+len) if every page is used, else -ENOMEM. */
static long count_reserved(struct vm_space *vm, u64 va, size_t len)
{
	long n = 0;

	for (u64 a = va; a < va + len; a += PAGE_SIZE) {
		pte_t *e = lookup(vm->root, a, NULL);

		if (!e || !*e)
			return -ENOMEM;
		if (!(*e & PTE_VALID))
			n++;
	}
	return n;
}

int vm_protect(struct vm_space *vm, u64 va, size_t len, unsigned prot)
{
	struct page_pool pool = { NULL };
	long reserved;
	int err;

	if (!range_ok(va, len))
		return -EINVAL;
	if ((prot & (VM_WRITE | VM_EXEC)) == (VM_WRITE | VM_EXEC))
		return -EACCES;
	reserved = count_reserved(vm, va, len);
	if (reserved < 0)
		return (int)reserved;
	if (prot) {
		err = pool_fill(&pool, (size_t)reserved);
		if (err)
			return err;
	}
	for (u64 a = va; a < va + len; a += PAGE_SIZE)
		protect_one(vm, lookup(vm->root, a, NULL), a, prot, &pool);
	if (prot & VM_EXEC)
		icache_invalidate_all();
	tables_sync();
	return 0;
}

/*
 * Give vm its own writable copy of the copy-on-write page at va (or just
 * write access, when no other mapping is left). 0, -EFAULT if the page is
 * not copy-on-write, -ENOMEM.
 */
int vm_break_cow(struct vm_space *vm, u64 va)
{
	pte_t *e, old;

	if (!user_addr_ok(va, PAGE_SIZE))
		return -EFAULT;
	e = lookup(vm->root, va, NULL);
	if (!e || !(*e & PTE_VALID) || !(*e & PTE_SW_COW) || !(*e & PTE_AF))
		return -EFAULT;
	old = *e;
	/* a file view is copied even when nothing else maps its page: the
	 * page stays the copy's origin */
	if (page_shared(old) || (old & PTE_SW_FILE)) {
		void *copy = user_page_alloc(false);

		if (!copy)
			return -ENOMEM;
		memcpy(copy, page_of(old), PAGE_SIZE);
		origin_inherit(copy, old);
		put_page(old);
		old = (old & ~(PTE_ADDR_MASK | PTE_SW_SHARED)) | kva_to_pa(copy);
	}
	*e = old & ~(PTE_AP_RDONLY | PTE_SW_COW | PTE_SW_FILE); /* the writer's own now */
	tlb_flush_page(va, vm->asid);
	return 0;
}

void vm_set_stack_limit(struct vm_space *vm, u64 limit)
{
	vm->stack_limit = MAX(MIN(limit, VM_STACK_MAX), VM_STACK_SIZE);
}

int vm_grow_stack(struct vm_space *vm, u64 va)
{
	u64 top = vm->stack_top ? vm->stack_top : VM_STACK_TOP;
	u64 page = ALIGN_DOWN(va, PAGE_SIZE), bottom = vm->stack_bottom;
	int err;

	if (!bottom || page >= bottom || va >= top || top - page > vm->stack_limit)
		return -EFAULT;
	if (!vm_range_free(vm, page, bottom - page))
		return -EFAULT;
	err = vm_map_zero(vm, page, bottom - page, VM_READ | VM_WRITE);
	if (err)
		return err == -ENOMEM ? -ENOMEM : -EFAULT;
	vm->stack_pages += (bottom - page) / PAGE_SIZE;
	vm->stack_bottom = page;
	return 0;
}

/* A file page past the end of its file at e (va): if the file has grown
 * over it since, it is accessible from now on (true). */
static bool past_eof_fixup(struct vm_space *vm, pte_t *e, u64 va)
{
	if (!page_in_file(page_of(*e), false))
		return false; /* (past the end when its file went: still) */
	*e |= PTE_AF;
	tlb_flush_page(va, vm->asid);
	return true;
}

int vm_file_fault(struct vm_space *vm, u64 va, bool write, bool exec)
{
	pte_t *e;

	if (!user_addr_ok(va, 1))
		return -EFAULT;
	e = lookup(vm->root, ALIGN_DOWN(va, PAGE_SIZE), NULL);
	if (!e || !(*e & PTE_VALID) || (*e & PTE_AF))
		return -EFAULT;
	if (past_eof_fixup(vm, e, ALIGN_DOWN(va, PAGE_SIZE)))
		return 0;
	/* the rights come first, as on Linux: no access is SIGSEGV */
	if (!(*e & PTE_AP_EL0) || (exec && (*e & PTE_UXN)) ||
	    (write && (*e & PTE_AP_RDONLY) && !(*e & PTE_SW_COW)))
		return -EFAULT;
	return -EIO;
}

bool vm_access_ok(struct vm_space *vm, u64 va, size_t n, bool write)
{
	u64 end = va + n;

	if (!user_addr_ok(va, n))
		return false;
	for (u64 a = ALIGN_DOWN(va, PAGE_SIZE); a < end; a += PAGE_SIZE) {
		pte_t *e = lookup(vm->root, a, NULL);

		if ((!e || !*e) && vm_grow_stack(vm, a) == 0)
			e = lookup(vm->root, a, NULL); /* a buffer in the stack's growth room */
		if (!e || !(*e & PTE_VALID) || !(*e & PTE_AP_EL0))
			return false;
		if (!(*e & PTE_AF) && !past_eof_fixup(vm, e, a))
			return false; /* past the end of its file (Linux: EFAULT) */
		if (write && (*e & PTE_SW_COW) && vm_break_cow(vm, a))
			return false;
		if (write && (*e & PTE_AP_RDONLY))
			return false;
	}
	return true;
}

/* Copy between kernel memory and vm's pages; to_vm selects the direction. */
static int vm_copy(struct vm_space *vm, u64 va, void *kbuf, size_t n, bool to_vm)
{
	char *k = kbuf;

	if (!user_addr_ok(va, n))
		return -EFAULT;
	while (n) {
		pte_t *e = lookup(vm->root, va, NULL);
		size_t off = va & (PAGE_SIZE - 1), chunk = MIN(n, PAGE_SIZE - off);
		char *p;

		if (!e || !(*e & PTE_VALID) ||
		    (!(*e & PTE_AF) && !past_eof_fixup(vm, e, va & ~(PAGE_SIZE - 1))))
			return -EFAULT;
		/* Never write into a page another space still maps. */
		if (to_vm && page_shared(*e) && !(*e & PTE_SW_SHMEM) &&
		    (!(*e & PTE_SW_COW) || vm_break_cow(vm, va & ~(PAGE_SIZE - 1))))
			return -EFAULT;
		p = (char *)page_of(*e) + off;
		if (to_vm)
			memcpy(p, k, chunk);
		else
			memcpy(k, p, chunk);
		va += chunk;
		k += chunk;
		n -= chunk;
	}
	return 0;
}

int vm_write(struct vm_space *vm, u64 va, const void *src, size_t n)
{
	return vm_copy(vm, va, (void *)src, n, true);
}

void vm_sync_icache(struct vm_space *vm, u64 va, size_t n)
{
	u64 end = va + n;

	if (!user_addr_ok(va, n))
		return;
	for (u64 a = ALIGN_DOWN(va, PAGE_SIZE); a < end; a += PAGE_SIZE) {
		pte_t *e = lookup(vm->root, a, NULL);

		if (e && (*e & PTE_VALID))
			dcache_clean_pou(page_of(*e), PAGE_SIZE);
	}
	icache_invalidate_all();
}

void *vm_page_alloc(void)
{
	return user_page_alloc(true);
}

void vm_page_put(void *page)
{
	put_page(kva_to_pa(page));
}

bool vm_page_mapped(const void *page)
{
	return *share_of(kva_to_pa(page)) != 0;
}

unsigned vm_page_map_count(const void *page)
{
	return *share_of(kva_to_pa(page));
}

/* Point the empty entry e at another owner's page (taking a reference):
 * shared, or a private copy-on-write view of it. */
static void set_owned_leaf(struct vm_space *vm, pte_t *e, void *page, unsigned prot)
{
	(*share_of(kva_to_pa(page)))++; /* the owner keeps its own reference */
	set_leaf(vm, e, page, prot);
	if (!(prot & VM_SHARED))
		*e |= PTE_SW_FILE | ((prot & VM_WRITE) ? PTE_AP_RDONLY | PTE_SW_COW : 0);
}

int vm_map_pages(struct vm_space *vm, u64 va, void *const *pages, size_t n, unsigned prot,
		 size_t in_file)
{
	size_t len = n * PAGE_SIZE;

	if (!n || !range_ok(va, len))
		return -EINVAL;
	if ((prot & (VM_WRITE | VM_EXEC)) == (VM_WRITE | VM_EXEC))
		return -EACCES;
	if (!vm_range_free(vm, va, len))
		return -EEXIST;
	if (!map_fits(vm, va, len, 0))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		pte_t *e = walk_alloc(vm, va + i * PAGE_SIZE);

		if (!e) {
			if (i)
				vm_unmap(vm, va, i * PAGE_SIZE);
			return -ENOMEM;
		}
		set_owned_leaf(vm, e, pages[i], prot);
		if (i >= in_file)
			*e &= ~PTE_AF; /* past the end of the file: SIGBUS */
		if (prot & VM_EXEC)
			dcache_clean_pou(pages[i], PAGE_SIZE);
	}
	if (prot & VM_EXEC)
		icache_invalidate_all();
	tables_sync();
	return 0;
}

/* The VM_* rights (and VM_SHARED) a leaf entry gives; a copy-on-write page
 * counts as writable (it is, once private). */
static unsigned leaf_prot(pte_t e)
{
	unsigned prot;

	if (!(e & PTE_VALID) || !(e & PTE_AP_EL0))
		return 0;
	prot = VM_READ;
	if (!(e & PTE_UXN))
		prot |= VM_EXEC;
	if (!(e & PTE_AP_RDONLY) || (e & PTE_SW_COW))
		prot |= VM_WRITE;
	if (e & PTE_SW_SHMEM)
		prot |= VM_SHARED;
	return prot;
}

int vm_page_prot(struct vm_space *vm, u64 va)
{
	pte_t *e;

	if (!IS_ALIGNED(va, PAGE_SIZE) || !user_addr_ok(va, PAGE_SIZE))
		return -EINVAL;
	e = lookup(vm->root, va, NULL);
	if (!e || !*e)
		return -ENOMEM;
	return (int)leaf_prot(*e);
}

/*
 * Move the entries of [from, from+len) to the free range [to, to+len): the
 * tables for the destination are made first, so only that can fail (and
 * then nothing moved). Pages keep their rights and owners.
 */
int vm_move(struct vm_space *vm, u64 from, u64 to, size_t len)
{
	if (!range_ok(from, len) || !range_ok(to, len) || !vm_range_free(vm, to, len))
		return -EINVAL;
	for (u64 off = 0; off < len; off += PAGE_SIZE) {
		if (!walk_alloc(vm, to + off)) {
			vm_unmap(vm, to, len); /* prunes the tables just made */
			return -ENOMEM;
		}
	}
	for (u64 off = 0; off < len; off += PAGE_SIZE) {
		pte_t *src = lookup(vm->root, from + off, NULL);

		if (!src || !*src)
			continue;
		*lookup(vm->root, to + off, NULL) = *src;
		*src = 0;
		tlb_flush_page(from + off, vm->asid);
	}
	tables_sync();
	vm_unmap(vm, from, len); /* nothing left there: prunes the old tables */
	return 0;
}

/* The private copy at e (va) goes; the file page it was copied from is
 * mapped again as the file's view, with the copy's rights (and lock). */
static void discard_to_origin(struct vm_space *vm, pte_t *e, u64 va)
{
	pte_t old = *e;
	void *file = origin_of(old);
	unsigned prot = leaf_prot(old) & ~VM_SHARED;

	(*share_of(kva_to_pa(file)))++; /* before the copy (and its reference) goes */
	put_page(old);
	*e = kva_to_pa(file) | prot_attrs(prot) | PTE_VALID | PTE_PAGE | PTE_SW_FILE |
	     ((prot & VM_WRITE) ? PTE_AP_RDONLY | PTE_SW_COW : 0) | (old & PTE_SW_LOCKED);
	if (!page_in_file(file, true))
		*e &= ~PTE_AF; /* truncated since: past the end now */
	account(vm, old, *e);
	tlb_flush_page(va, vm->asid);
	if (prot & VM_EXEC) {
		dcache_clean_pou(file, PAGE_SIZE);
		icache_invalidate_all();
	}
}

/*
 * madvise(MADV_DONTNEED): private pages of the range read as zero again (a
 * page only this space maps is cleared in place; a shared copy-on-write one
 * is replaced by a zeroed page), and a private copy of a file page is the
 * file's page again (Linux drops the copy). MAP_SHARED pages keep their
 * contents, as Linux's shmem does; the trampoline stays. Reservations and
 * holes are skipped.
 */
int vm_discard(struct vm_space *vm, u64 va, size_t len)
{
	if (!range_ok(va, len) || vm_range_locked(vm, va, len))
		return -EINVAL; /* (Linux: MADV_DONTNEED refuses VM_LOCKED areas) */
	for (u64 a = va; a < va + len; a += PAGE_SIZE) {
		pte_t *e = lookup(vm->root, a, NULL);
		pte_t old;
		void *fresh;

		/* a file page not yet copied is what the file says: kept */
		if (!e || !(*e & PTE_VALID) || (*e & (PTE_SW_SHMEM | PTE_SW_SHARED | PTE_SW_FILE)))
			continue;
		old = *e;
		if (origin_of(old)) {
			discard_to_origin(vm, e, a);
			continue;
		}
		if (!page_shared(old)) {
			memset(page_of(old), 0, PAGE_SIZE);
			continue;
		}
		fresh = user_page_alloc(true);
		if (!fresh)
			return -ENOMEM;
		put_page(old);
		*e = kva_to_pa(fresh) | prot_attrs(leaf_prot(old)) | PTE_VALID | PTE_PAGE;
		tlb_flush_page(a, vm->asid);
	}
	tables_sync();
	return 0;
}

/* Every entry of table (level, mapping from base) that maps the file page
 * at pa loses its access flag; every private copy of it goes, and the file
 * page is mapped there again, without the flag (discard_to_origin): Linux's
 * truncate unmaps private COW pages too (unmap_mapping_range, even_cows). */
static void revoke_level(struct vm_space *vm, pte_t *table, int level, u64 base, paddr_t pa)
{
	for (int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];
		u64 va = base + ((u64)i << (level < 3 ? table_shifts[level] : L3_SHIFT));

		if (!(e & PTE_VALID))
			continue;
		if (level < 3) {
			revoke_level(vm, table_of(e), level + 1, va, pa);
		} else if ((e & PTE_ADDR_MASK) == pa && (e & PTE_AF)) {
			table[i] = e & ~PTE_AF;
			tlb_flush_page(va, vm->asid);
		} else if (!(e & PTE_SW_SHARED) && origin_of(e) == pa_to_kva(pa)) {
			discard_to_origin(vm, &table[i], va);
		}
	}
}

void vm_revoke_page(void *page)
{
	struct vm_space *vm;

	if (!vm_page_mapped(page))
		return;
	list_for_each_entry(vm, &spaces, node)
		revoke_level(vm, vm->root, 0, 0, kva_to_pa(page));
}

/* ---- mlock ------------------------------------------------------------------ */

/* The first used (mapped or reserved) entry at or after *va below end, or
 * NULL; *va is its address. Empty tables are skipped whole. */
static pte_t *next_used(struct vm_space *vm, u64 *va, u64 end)
{
	while (*va < end) {
		u64 span;
		pte_t *e = lookup(vm->root, *va, &span);

		if (!e) {
			*va = ALIGN_DOWN(*va, span) + span;
			continue;
		}
		if (*e)
			return e;
		*va += PAGE_SIZE;
	}
	return NULL;
}

size_t vm_range_locked(struct vm_space *vm, u64 va, size_t len)
{
	size_t n = 0;
	pte_t *e;

	if (!len || !user_addr_ok(va, len))
		return 0;
	for (u64 a = va; (e = next_used(vm, &a, va + len)); a += PAGE_SIZE)
		n += !!(*e & PTE_SW_LOCKED);
	return n;
}

size_t vm_range_new_data(struct vm_space *vm, u64 va, size_t len)
{
	size_t n = 0;
	pte_t *e;

	if (!len || !user_addr_ok(va, len))
		return 0;
	for (u64 a = va; (e = next_used(vm, &a, va + len)); a += PAGE_SIZE)
		n += !(*e & (PTE_SW_SHMEM | PTE_SW_SHARED)) && !entry_is_data(*e);
	return n;
}

int vm_lock(struct vm_space *vm, u64 va, size_t len, bool lock, bool holes)
{
	u64 end = va + len, a = va, next = va; /* next: where a page must be unless holes */
	pte_t *e;

	if (!range_ok(va, len))
		return -EINVAL;
	while ((e = next_used(vm, &a, end))) {
		pte_t new;

		if (!holes && a != next)
			return -ENOMEM;
		next = a + PAGE_SIZE;
		/* (a page past the end of its file stays as it is) */
		if (lock && (*e & PTE_SW_COW) && (*e & PTE_AF) && vm_break_cow(vm, a))
			return -EAGAIN; /* (Linux: mlock's populate ran out of memory) */
		new = lock ? *e | PTE_SW_LOCKED : *e & ~PTE_SW_LOCKED;
		if (!(*e & PTE_SW_SHARED)) { /* not the trampoline (Linux: nor the vDSO) */
			account(vm, *e, new);
			*e = new; /* software bits only: no TLB flush */
		}
		a = next;
	}
	return !holes && next != end ? -ENOMEM : 0;
}

/* The shared sigreturn trampoline: `mov x8, #__NR_rt_sigreturn; svc #0`. */
static void *trampoline(void)
{
	static const u32 code[] = {
		0xd2801168, /* movz x8, #139 */
		0xd4000001, /* svc #0 */
	};

	if (!trampoline_page) {
		void *p = page_alloc_zeroed(0);

		if (!p)
			return NULL;
		memcpy(p, code, sizeof(code));
		dcache_clean_pou(p, PAGE_SIZE);
		icache_invalidate_all();
		trampoline_page = p;
	}
	return trampoline_page;
}

int vm_map_trampoline(struct vm_space *vm)
{
	void *page = trampoline();
	pte_t *e;

	if (!page)
		return -ENOMEM;
	e = walk_alloc(vm, VM_TRAMPOLINE);
	if (!e)
		return -ENOMEM;
	if (*e)
		return -EEXIST;
	*e = kva_to_pa(page) | PROT_USER_RX | PTE_VALID | PTE_PAGE | PTE_SW_SHARED;
	vm->leaves++;
	tables_sync();
	return 0;
}

/* Share counts for every RAM page the allocator may hand out. */
static int vm_init(void)
{
	size_t chunks;

	ram_base = boot_dt.memory.base;
	ram_pages = boot_dt.memory.size >> PAGE_SHIFT;
	share_count = kcalloc(ram_pages, sizeof(*share_count));
	chunks = ALIGN_UP(ram_pages, ORIGIN_PER_PAGE) / ORIGIN_PER_PAGE;
	origin_pages = kcalloc(chunks, sizeof(*origin_pages));
	if (!share_count || !origin_pages)
		panic("vm: no memory for %lu page share counts", (unsigned long)ram_pages);
	for (size_t i = 0; i < chunks; i++) {
		origin_pages[i] = page_alloc_zeroed(0);
		if (!origin_pages[i])
			panic("vm: no memory for the origins of %lu pages", (unsigned long)ram_pages);
	}
	table_limit = MAX(TABLE_MIN, page_total_count() / TABLE_SHARE);
	log_info("vm: at most %lu page-table pages per process", (unsigned long)table_limit);
	return 0;
}
INITCALL(INIT_CORE, vm_init);

/* ---- /proc/PID/maps ---------------------------------------------------------- */

/* The rights a leaf gives (VM_*, VM_SHARED for MAP_SHARED), or -1 for none. */
static int leaf_rights(pte_t e)
{
	unsigned r = 0;

	if (!(e & PTE_VALID))
		return (e & PTE_SW_RESERVED) ? 0 : -1;
	if (e & PTE_AP_EL0)
		r |= VM_READ;
	if (pte_writable(e) || (e & PTE_SW_COW))
		r |= VM_WRITE;
	if (!(e & PTE_UXN))
		r |= VM_EXEC;
	if (e & PTE_SW_SHMEM)
		r |= VM_SHARED;
	return (int)r;
}

/* The run being gathered by vm_for_each_range. */
struct range_walk {
	u64 start, end;  /* current run; end == 0: none */
	int rights;
	int (*fn)(void *arg, u64 start, u64 end, unsigned rights);
	void *arg;
	int stop;
};

static void range_leaf(struct range_walk *w, u64 va, int rights)
{
	if (w->end && (va != w->end || rights != w->rights)) {
		w->stop = w->fn(w->arg, w->start, w->end, (unsigned)w->rights);
		w->end = 0;
	}
	if (w->stop || rights < 0)
		return;
	if (!w->end) {
		w->start = va;
		w->rights = rights;
	}
	w->end = va + PAGE_SIZE;
}

/* Walk one table (depth at most four: bounded recursion). */
static void range_level(struct range_walk *w, const pte_t *table, int level, u64 base)
{
	int shift = level < 3 ? table_shifts[level] : L3_SHIFT;

	for (int i = 0; i < PT_ENTRIES && !w->stop; i++) {
		pte_t e = table[i];
		u64 va = base + ((u64)i << shift);

		if (level == 3)
			range_leaf(w, va, leaf_rights(e));
		else if (e & PTE_VALID)
			range_level(w, table_of(e), level + 1, va);
	}
}

void vm_range_usage(struct vm_space *vm, u64 start, u64 end, struct vm_usage *u)
{
	memset(u, 0, sizeof(*u));
	for (u64 va = start; va < end;) {
		u64 span = PAGE_SIZE;
		pte_t *e = lookup(vm->root, va, &span);
		bool owned, dirty;
		unsigned maps;

		if (!e || !(*e & PTE_VALID)) {
			va = e ? va + PAGE_SIZE : ALIGN_DOWN(va, span) + span;
			continue;
		}
		/* The trampoline is every space's; a file's or shared object's
		 * pages carry their owner's reference in share_count. */
		owned = *e & (PTE_SW_FILE | PTE_SW_SHMEM);
		maps = (*e & PTE_SW_SHARED) ? 2 : (unsigned)*share_of(*e) + (owned ? 0 : 1);
		maps = MAX(maps, 1u);
		dirty = !owned && !(*e & PTE_SW_SHARED);
		u->rss += PAGE_SIZE;
		u->pss += PAGE_SIZE / maps;
		if (maps > 1)
			*(dirty ? &u->shared_dirty : &u->shared_clean) += PAGE_SIZE;
		else
			*(dirty ? &u->private_dirty : &u->private_clean) += PAGE_SIZE;
		if (dirty)
			u->anonymous += PAGE_SIZE;
		va += PAGE_SIZE;
	}
}

void vm_for_each_range(struct vm_space *vm, int (*fn)(void *arg, u64 start, u64 end,
						     unsigned rights), void *arg)
{
	struct range_walk w = { .fn = fn, .arg = arg };

	range_level(&w, vm->root, 0, 0);
	if (w.end && !w.stop)
		fn(arg, w.start, w.end, (unsigned)w.rights);
}
