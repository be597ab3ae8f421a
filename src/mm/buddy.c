/*
 * Buddy page allocator core (see buddy.h for the contract).
 *
 * Free blocks of each order sit on a doubly linked list threaded through the
 * per-page metadata, so removing a buddy while coalescing is O(1) and an
 * allocation scans at most PAGE_MAX_ORDER + 1 lists. Every page is in exactly
 * one state (reserved, head of a free or allocated block, or tail of one),
 * which is what lets buddy_free() reject double frees, wrong orders and
 * foreign addresses before changing anything.
 *
 * Pure code: no locking, no logging, no access to the managed memory; built
 * into the kernel and into the host unit tests alike.
 */
#include "buddy.h"

#include <sis/kernel.h>
#include <sis/devtree.h>

#define BLOCK_PAGES(order) ((u64)1 << (order))

static struct buddy_page *page_of(const struct buddy_zone *z, u64 pfn)
{
	return &z->meta[pfn - z->base_pfn];
}

static u64 pfn_of(const struct buddy_zone *z, const struct buddy_page *pg)
{
	return z->base_pfn + (u64)(pg - z->meta);
}

/* Does the block of 2^order pages at pfn lie entirely inside the zone? */
static bool block_in_zone(const struct buddy_zone *z, u64 pfn, unsigned order)
{
	if (pfn < z->base_pfn)
		return false;
	return pfn - z->base_pfn + BLOCK_PAGES(order) <= z->npages;
}

static void push_free(struct buddy_zone *z, struct buddy_page *pg, unsigned order)
{
	pg->state = BUDDY_FREE_HEAD;
	pg->order = (u8)order;
	list_add(&pg->link, &z->free_lists[order]);
	z->nr_free[order]++;
	z->free_pages += BLOCK_PAGES(order);
}

/* Take a free block off its list; its head becomes a tail until reused. */
static void pop_free(struct buddy_zone *z, struct buddy_page *pg)
{
	list_del(&pg->link);
	z->nr_free[pg->order]--;
	z->free_pages -= BLOCK_PAGES(pg->order);
	pg->state = BUDDY_TAIL;
}

/* Put the block at pfn on the free lists, merging with free buddies. */
static void free_block(struct buddy_zone *z, u64 pfn, unsigned order)
{
	while (order < PAGE_MAX_ORDER) {
		u64 buddy = pfn ^ BLOCK_PAGES(order);
		struct buddy_page *bp;

		if (!block_in_zone(z, buddy, order))
			break;
		bp = page_of(z, buddy);
		if (bp->state != BUDDY_FREE_HEAD || bp->order != order)
			break;
		pop_free(z, bp);
		page_of(z, pfn)->state = BUDDY_TAIL;
		pfn &= ~BLOCK_PAGES(order);
		order++;
	}
	push_free(z, page_of(z, pfn), order);
}

size_t buddy_meta_bytes(size_t npages)
{
	return npages * sizeof(struct buddy_page);
}

int buddy_init(struct buddy_zone *z, paddr_t base, size_t npages, struct buddy_page *meta)
{
	u64 base_pfn = base >> PAGE_SHIFT;

	if (!IS_ALIGNED(base, PAGE_SIZE) || (npages && !meta))
		return -EINVAL;
	if (npages > (UINT64_MAX >> PAGE_SHIFT) - base_pfn)
		return -EINVAL;
	z->base_pfn = base_pfn;
	z->npages = npages;
	z->meta = meta;
	z->managed_pages = 0;
	z->free_pages = 0;
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		list_init(&z->free_lists[o]);
		z->nr_free[o] = 0;
	}
	for (size_t i = 0; i < npages; i++) {
		list_init(&meta[i].link);
		meta[i].state = BUDDY_RESERVED;
		meta[i].order = 0;
	}
	return 0;
}

/* Largest order a block starting at pfn may have without passing end_pfn. */
static unsigned fit_order(u64 pfn, u64 end_pfn)
{
	unsigned order = PAGE_MAX_ORDER;

	if (pfn && (unsigned)__builtin_ctzll(pfn) < order)
		order = (unsigned)__builtin_ctzll(pfn);
	while (pfn + BLOCK_PAGES(order) > end_pfn)
		order--;
	return order;
}

int buddy_add_range(struct buddy_zone *z, paddr_t start, paddr_t end)
{
	u64 spfn = start >> PAGE_SHIFT, epfn = end >> PAGE_SHIFT;

	if (!IS_ALIGNED(start, PAGE_SIZE) || !IS_ALIGNED(end, PAGE_SIZE) || start > end)
		return -ERANGE;
	if (spfn == epfn)
		return 0;
	if (!block_in_zone(z, spfn, 0) || epfn - z->base_pfn > z->npages)
		return -ERANGE;
	for (u64 pfn = spfn; pfn < epfn; pfn++)
		if (page_of(z, pfn)->state != BUDDY_RESERVED)
			return -EEXIST;
	for (u64 pfn = spfn; pfn < epfn; pfn++)
		page_of(z, pfn)->state = BUDDY_TAIL;
	z->managed_pages += epfn - spfn;
	for (u64 pfn = spfn; pfn < epfn;) {
		unsigned order = fit_order(pfn, epfn);

		free_block(z, pfn, order);
		pfn += BLOCK_PAGES(order);
	}
	return 0;
}

int buddy_alloc(struct buddy_zone *z, unsigned order, paddr_t *pa)
{
	struct buddy_page *pg;
	unsigned o = order;
	u64 pfn;

	if (order > PAGE_MAX_ORDER)
		return -EINVAL;
	while (o <= PAGE_MAX_ORDER && list_empty(&z->free_lists[o]))
		o++;
	if (o > PAGE_MAX_ORDER)
		return -ENOMEM;
	pg = list_first_entry(&z->free_lists[o], struct buddy_page, link);
	pop_free(z, pg);
	pfn = pfn_of(z, pg);
	/* Split: keep the lower half, return upper halves to the lists. */
	while (o > order) {
		o--;
		push_free(z, page_of(z, pfn + BLOCK_PAGES(o)), o);
	}
	pg->state = BUDDY_ALLOC_HEAD;
	pg->order = (u8)order;
	*pa = (paddr_t)(pfn << PAGE_SHIFT);
	return 0;
}

int buddy_free(struct buddy_zone *z, paddr_t pa, unsigned order)
{
	struct buddy_page *pg;
	u64 pfn = pa >> PAGE_SHIFT;

	if (order > PAGE_MAX_ORDER)
		return -EINVAL;
	if (!IS_ALIGNED(pa, PAGE_SIZE << order) || !block_in_zone(z, pfn, order))
		return -ERANGE;
	pg = page_of(z, pfn);
	if (pg->state != BUDDY_ALLOC_HEAD || pg->order != order)
		return -EINVAL;
	free_block(z, pfn, order);
	return 0;
}

/* Free lists: every entry a correctly placed free head; counters exact. */
static int check_free_lists(const struct buddy_zone *z, size_t *free_heads)
{
	size_t pages = 0, heads = 0;

	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		const struct list_head *pos;
		size_t blocks = 0;

		list_for_each(pos, &z->free_lists[o])
		{
			const struct buddy_page *pg = list_entry(pos, struct buddy_page, link);

			if (pg < z->meta || pg >= z->meta + z->npages || blocks >= z->npages)
				return -EINVAL;
			if (pg->state != BUDDY_FREE_HEAD || pg->order != o)
				return -EINVAL;
			blocks++;
		}
		if (blocks != z->nr_free[o])
			return -EINVAL;
		pages += blocks * BLOCK_PAGES(o);
		heads += blocks;
	}
	*free_heads = heads;
	return pages == z->free_pages ? 0 : -EINVAL;
}

/* One block at pfn: aligned, inside the zone, tails behind it, coalesced. */
static int check_block(const struct buddy_zone *z, u64 pfn, const struct buddy_page *pg)
{
	u64 buddy = pfn ^ BLOCK_PAGES(pg->order);

	if (pg->order > PAGE_MAX_ORDER || !IS_ALIGNED(pfn, BLOCK_PAGES(pg->order)) ||
	    !block_in_zone(z, pfn, pg->order))
		return -EINVAL;
	for (u64 i = 1; i < BLOCK_PAGES(pg->order); i++)
		if (page_of(z, pfn + i)->state != BUDDY_TAIL)
			return -EINVAL;
	if (pg->state == BUDDY_FREE_HEAD && pg->order < PAGE_MAX_ORDER &&
	    block_in_zone(z, buddy, pg->order) && page_of(z, buddy)->state == BUDDY_FREE_HEAD &&
	    page_of(z, buddy)->order == pg->order)
		return -EINVAL;
	return 0;
}

int buddy_check(const struct buddy_zone *z)
{
	size_t list_heads, walk_heads = 0, managed = 0;
	u64 end = z->base_pfn + z->npages;

	if (check_free_lists(z, &list_heads))
		return -EINVAL;
	for (u64 pfn = z->base_pfn; pfn < end;) {
		const struct buddy_page *pg = page_of(z, pfn);

		if (pg->state == BUDDY_RESERVED) {
			pfn++;
			continue;
		}
		if (pg->state != BUDDY_FREE_HEAD && pg->state != BUDDY_ALLOC_HEAD)
			return -EINVAL; /* a tail with no head before it */
		if (check_block(z, pfn, pg))
			return -EINVAL;
		walk_heads += pg->state == BUDDY_FREE_HEAD;
		managed += BLOCK_PAGES(pg->order);
		pfn += BLOCK_PAGES(pg->order);
	}
	if (walk_heads != list_heads || managed != z->managed_pages)
		return -EINVAL;
	return 0;
}

/* An exclusion rounded outward to pages; an end past the top saturates. */
static void excl_bounds(const struct dt_reg *r, paddr_t *start, paddr_t *end)
{
	paddr_t last = r->base + r->size;

	*start = ALIGN_DOWN(r->base, PAGE_SIZE);
	if (r->size == 0)
		*end = *start; /* empty: covers nothing */
	else if (last < r->base || last > ALIGN_DOWN(~(paddr_t)0, PAGE_SIZE))
		*end = ~(paddr_t)0;
	else
		*end = ALIGN_UP(last, PAGE_SIZE);
}

bool buddy_next_gap(paddr_t *cursor, paddr_t end, const struct dt_reg *excl, int n,
		    paddr_t *gap_start, paddr_t *gap_end)
{
	paddr_t cur = *cursor, next = end, s, e;
	bool moved;

	/* Skip past every exclusion covering cur; each pass only moves forward. */
	do {
		moved = false;
		if (cur >= end) {
			*cursor = cur;
			return false;
		}
		for (int i = 0; i < n; i++) {
			excl_bounds(&excl[i], &s, &e);
			if (s <= cur && cur < e) {
				cur = e;
				moved = true;
			}
		}
	} while (moved);
	for (int i = 0; i < n; i++) {
		excl_bounds(&excl[i], &s, &e);
		if (s < e && s > cur && s < next)
			next = s;
	}
	*gap_start = cur;
	*gap_end = next;
	*cursor = next;
	return true;
}
