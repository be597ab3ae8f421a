/*
 * Kernel page allocator: one buddy zone (buddy.c) covering all RAM.
 *
 * mm_init() sizes the zone to the RAM the device tree reports, carves the
 * zone's per-page metadata out of the first free stretch of RAM big enough to
 * hold it (about 0.6% of RAM), and hands every page that is neither reserved
 * (kernel image, DTB, initrd) nor metadata to the buddy core. The core is
 * unlocked and pure; this file adds IRQ masking, the physical <-> linear map
 * conversion, and logging of bad frees. ktest=mm exercises both allocators
 * on real RAM.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/irq.h>
#include <sis/devtree.h>
#include <sis/init.h>

#include "buddy.h"
#include "heap.h"

static struct buddy_zone zone; /* all RAM; guarded by IRQ masking */
static bool zone_ready;	       /* set once mm_init() has filled the zone */
static size_t user_reserve = 128; /* see page_user_may_alloc() */

/* Start of the first free stretch of [base, end) holding bytes, or panic. */
static paddr_t place_metadata(paddr_t base, paddr_t end, const struct dt_reg *reserved, int n,
			      size_t bytes)
{
	paddr_t cursor = base, start, stop;

	while (buddy_next_gap(&cursor, end, reserved, n, &start, &stop))
		if (stop - start >= bytes)
			return start;
	panic("mm: no room for %lu KiB of page metadata in RAM", (unsigned long)(bytes >> 10));
}

void mm_init(paddr_t ram_base, size_t ram_size, const struct dt_reg *reserved, int n_reserved)
{
	paddr_t base = ALIGN_UP(ram_base, PAGE_SIZE), end, meta_pa, cursor, start, stop;
	size_t npages, meta_bytes;

	BUG_ON(zone_ready);
	if (ram_base + ram_size < ram_base)
		ram_size = ~(paddr_t)0 - ram_base; /* clamp a size that wraps */
	end = ALIGN_DOWN(ram_base + ram_size, PAGE_SIZE);
	if (end <= base)
		panic("mm: no usable RAM at 0x%lx size 0x%lx", (unsigned long)ram_base,
		      (unsigned long)ram_size);
	npages = (end - base) >> PAGE_SHIFT;
	meta_bytes = ALIGN_UP(buddy_meta_bytes(npages), PAGE_SIZE);
	meta_pa = place_metadata(base, end, reserved, n_reserved, meta_bytes);
	BUG_ON(buddy_init(&zone, base, npages, pa_to_kva(meta_pa)));

	cursor = base;
	while (buddy_next_gap(&cursor, end, reserved, n_reserved, &start, &stop)) {
		if (start == meta_pa)
			start += meta_bytes; /* the metadata opens its gap */
		if (start < stop)
			BUG_ON(buddy_add_range(&zone, start, stop));
	}
	zone_ready = true;
	user_reserve = MAX(user_reserve, zone.managed_pages / 64);
	log_info("mm: RAM 0x%lx-0x%lx, %lu pages managed, %lu KiB metadata at 0x%lx",
		 (unsigned long)base, (unsigned long)end, (unsigned long)zone.managed_pages,
		 (unsigned long)(meta_bytes >> 10), (unsigned long)meta_pa);
}

void *page_alloc(unsigned order)
{
	unsigned long flags;
	paddr_t pa;
	int err;

	if (order > PAGE_MAX_ORDER) {
		log_warn("mm: page_alloc(order %u) from %p: order too large", order,
			 __builtin_return_address(0));
		return NULL;
	}
	flags = irq_save();
	err = zone_ready ? buddy_alloc(&zone, order, &pa) : -ENOMEM;
	irq_restore(flags);
	return err ? NULL : pa_to_kva(pa);
}

void *page_alloc_zeroed(unsigned order)
{
	void *p = page_alloc(order);

	if (p)
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

void page_free(void *kva, unsigned order)
{
	unsigned long flags;
	int err = -ERANGE;

	if (!kva)
		return;
	flags = irq_save();
	if (zone_ready && (uintptr_t)kva >= KVA_BASE)
		err = buddy_free(&zone, kva_to_pa(kva), order);
	irq_restore(flags);
	if (err == -ERANGE)
		log_err("mm: page_free(%p, order %u) from %p: not an allocator page, ignored", kva,
			order, __builtin_return_address(0));
	else if (err)
		log_err("mm: page_free(%p, order %u) from %p: not allocated with this order "
			"(double free?), ignored",
			kva, order, __builtin_return_address(0));
}

size_t page_free_count(void)
{
	return zone.free_pages;
}

bool page_user_may_alloc(size_t pages)
{
	size_t free = zone.free_pages;

	return free > user_reserve && pages <= free - user_reserve;
}

size_t page_user_reserve_count(void)
{
	return user_reserve;
}

size_t page_total_count(void)
{
	return zone.managed_pages;
}

void mm_get_stats(struct mm_stats *st)
{
	unsigned long flags = irq_save();

	st->total_pages = zone.managed_pages;
	st->free_pages = zone.free_pages;
	st->heap_bytes_in_use = heap_bytes_in_use();
	st->heap_pages = heap_pages_held();
	irq_restore(flags);
}

/* One block of every order: aligned, zeroed, inside RAM. 0 or 1. */
static int ktest_page_orders(void)
{
	void *blocks[PAGE_MAX_ORDER + 1];
	int err = 0;

	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		u64 *p = blocks[o] = page_alloc_zeroed(o);

		if (!p || !IS_ALIGNED(kva_to_pa(p), PAGE_SIZE << o) || p[0] ||
		    p[(PAGE_SIZE << o) / sizeof(u64) - 1]) {
			log_err("ktest: mm: order %u block %p bad", o, (void *)p);
			err = 1;
		}
	}
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
		page_free(blocks[o], o);
	return err;
}

/* Batches of kmalloc()s of growing sizes, written and freed. 0 or 1. */
static int ktest_heap_sizes(void)
{
	void *objs[64];
	size_t size = 1;

	while (size < 3 * PAGE_SIZE) {
		for (unsigned i = 0; i < ARRAY_SIZE(objs); i++, size += 13) {
			objs[i] = kmalloc(size);
			if (!objs[i] || kmalloc_usable_size(objs[i]) < size) {
				log_err("ktest: mm: kmalloc(%lu) failed", (unsigned long)size);
				return 1;
			}
			memset(objs[i], 0x5a, size);
		}
		for (unsigned i = 0; i < ARRAY_SIZE(objs); i++)
			kfree(objs[i]);
	}
	return 0;
}

/*
 * ktest=mm: page_alloc()/kmalloc() on real RAM, then every page and heap
 * byte must be back and the zone consistent. IRQs stay masked so nothing
 * else allocates meanwhile.
 */
static int ktest_mm(void)
{
	unsigned long flags = irq_save();
	size_t free0 = page_free_count(), heap0 = heap_bytes_in_use();
	int err = buddy_check(&zone) ? 1 : 0;

	err |= ktest_page_orders();
	err |= ktest_heap_sizes();
	if (page_free_count() != free0 || heap_bytes_in_use() != heap0 || buddy_check(&zone)) {
		log_err("ktest: mm: %lu pages free (was %lu), heap %lu bytes (was %lu)",
			(unsigned long)page_free_count(), (unsigned long)free0,
			(unsigned long)heap_bytes_in_use(), (unsigned long)heap0);
		err = 1;
	}
	irq_restore(flags);
	return err;
}
KTEST("mm", ktest_mm);
