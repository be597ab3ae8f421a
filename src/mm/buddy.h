/*
 * Buddy allocator core: private to src/mm (page.c is the kernel glue, the host
 * tests drive it directly).
 *
 * A zone covers npages physical pages starting at base. Its per-page metadata
 * lives in caller-provided storage (buddy_meta_bytes(npages) bytes), never in
 * the pages themselves, so a bad free can be detected without touching the
 * memory it names. Blocks of 2^order pages are naturally aligned in physical
 * address space. After buddy_init() no page is free: the caller hands usable
 * ranges over with buddy_add_range().
 *
 * Not locked: the caller serialises (page.c masks IRQs).
 */
#ifndef SIS_MM_BUDDY_H
#define SIS_MM_BUDDY_H

#include <sis/types.h>
#include <sis/list.h>
#include <sis/mm.h>

struct dt_reg;

/* State of one page's metadata entry. */
enum buddy_page_state {
	BUDDY_RESERVED = 0, /* never handed to the zone (or carved for metadata) */
	BUDDY_TAIL,	    /* inside a block whose head is another page */
	BUDDY_FREE_HEAD,    /* first page of a free block, on free_lists[order] */
	BUDDY_ALLOC_HEAD,   /* first page of an allocated block */
};

/* Per-page metadata, indexed by pfn - zone->base_pfn. */
struct buddy_page {
	struct list_head link; /* free_lists[order] entry while BUDDY_FREE_HEAD */
	u8 state;	       /* enum buddy_page_state */
	u8 order;	       /* block order, meaningful for the two HEAD states */
};

struct buddy_zone {
	u64 base_pfn;			    /* first page frame number of the zone */
	size_t npages;			    /* pages covered by meta[] */
	struct buddy_page *meta;	    /* caller-provided, npages entries */
	size_t managed_pages;		    /* pages handed over with buddy_add_range() */
	size_t free_pages;		    /* pages currently on the free lists */
	size_t nr_free[PAGE_MAX_ORDER + 1]; /* blocks per free list */
	struct list_head free_lists[PAGE_MAX_ORDER + 1]; /* free block heads */
};

/* Bytes of metadata storage a zone of npages needs. */
size_t buddy_meta_bytes(size_t npages);

/* Set up an empty zone; base must be page aligned. 0 or -EINVAL. */
int buddy_init(struct buddy_zone *z, paddr_t base, size_t npages, struct buddy_page *meta);

/*
 * Hand [start, end) (page aligned, inside the zone, not yet handed over) to
 * the allocator as free memory. 0, -ERANGE (outside/misaligned) or -EEXIST
 * (some page already handed over; nothing is changed then).
 */
int buddy_add_range(struct buddy_zone *z, paddr_t start, paddr_t end);

/* Allocate 2^order pages: 0 and *pa, or -EINVAL (bad order) / -ENOMEM. */
int buddy_alloc(struct buddy_zone *z, unsigned order, paddr_t *pa);

/*
 * Free a block returned by buddy_alloc() with the same order. 0, -ERANGE
 * (outside the zone or misaligned for the order) or -EINVAL (not the head of an
 * allocated block of that order: double free, wrong order, reserved page).
 * On error nothing is changed.
 */
int buddy_free(struct buddy_zone *z, paddr_t pa, unsigned order);

static inline size_t buddy_free_count(const struct buddy_zone *z)
{
	return z->free_pages;
}
static inline size_t buddy_managed_count(const struct buddy_zone *z)
{
	return z->managed_pages;
}

/*
 * Check every invariant (free lists consistent with page states, blocks
 * aligned and disjoint, counters exact, no two free buddies left uncoalesced).
 * O(npages). 0 or -EINVAL; for tests and self-checks.
 */
int buddy_check(const struct buddy_zone *z);

/*
 * Walk the pieces of [*cursor, end) covered by none of the n ranges in excl
 * (each rounded outward to whole pages; they may overlap each other or lie
 * partly or wholly outside [*cursor, end)). *cursor and end must be page
 * aligned. Returns true and the next piece in [*gap_start, *gap_end),
 * advancing *cursor past it; false when none is left.
 */
bool buddy_next_gap(paddr_t *cursor, paddr_t end, const struct dt_reg *excl, int n,
		    paddr_t *gap_start, paddr_t *gap_end);

#endif
