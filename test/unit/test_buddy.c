/*
 * Buddy core (src/mm/buddy.c) on the host: every order, alignment,
 * coalescing back to the initial state, exhaustion, bad frees rejected
 * without damage, holes and odd zone bases, a randomized stress run checking
 * the invariants, and the gap walker mm_init() uses against a brute force.
 * The core never touches the memory it manages, so zones here are made-up
 * physical ranges; only the metadata is real.
 */
#include <stdlib.h>
#include <sis/kernel.h>
#include <sis/devtree.h>

#include "buddy.h"
#include "unit.h"

#define RAM_BASE 0x40000000ULL
#define PG(n) ((paddr_t)(n) << PAGE_SHIFT)

struct zone_fixture {
	struct buddy_zone z;
	struct buddy_page *meta;
};

static void zone_make(struct zone_fixture *f, paddr_t base, size_t npages)
{
	f->meta = calloc(npages ? npages : 1, sizeof(*f->meta));
	CHECK(buddy_meta_bytes(npages) == npages * sizeof(struct buddy_page));
	CHECK_EQ(buddy_init(&f->z, base, npages, f->meta), 0);
}

static void zone_drop(struct zone_fixture *f)
{
	free(f->meta);
}

/* Number of free blocks per order: the zone's shape. */
static void zone_shape(const struct buddy_zone *z, size_t shape[PAGE_MAX_ORDER + 1])
{
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
		shape[o] = z->nr_free[o];
}

static bool same_shape(const struct buddy_zone *z, const size_t shape[PAGE_MAX_ORDER + 1])
{
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
		if (z->nr_free[o] != shape[o])
			return false;
	return true;
}

static void test_init_errors(void)
{
	struct buddy_zone z;
	struct buddy_page meta[4];

	CHECK_EQ(buddy_init(&z, RAM_BASE + 1, 4, meta), -EINVAL);
	CHECK_EQ(buddy_init(&z, RAM_BASE, 4, NULL), -EINVAL);
	CHECK_EQ(buddy_init(&z, PG(0xfffffffffffffULL), 4, meta), -EINVAL); /* wraps */
	CHECK_EQ(buddy_init(&z, RAM_BASE, 0, NULL), 0);
	CHECK_EQ(buddy_free_count(&z), 0);
	paddr_t pa;
	CHECK_EQ(buddy_alloc(&z, 0, &pa), -ENOMEM);
	CHECK_EQ(buddy_free(&z, RAM_BASE, 0), -ERANGE);
	CHECK_EQ(buddy_check(&z), 0);
}

/* Every order allocates an aligned block inside the zone and frees back. */
static void test_all_orders(void)
{
	struct zone_fixture f;
	size_t npages = 4096 + 37, shape[PAGE_MAX_ORDER + 1];

	zone_make(&f, RAM_BASE, npages);
	CHECK_EQ(buddy_add_range(&f.z, RAM_BASE, RAM_BASE + PG(npages)), 0);
	CHECK_EQ(buddy_free_count(&f.z), npages);
	CHECK_EQ(buddy_managed_count(&f.z), npages);
	CHECK_EQ(f.z.nr_free[PAGE_MAX_ORDER], 4); /* 4096 pages = 4 max blocks */
	CHECK_EQ(buddy_check(&f.z), 0);
	zone_shape(&f.z, shape);
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		paddr_t pa = 0;

		CHECK_EQ(buddy_alloc(&f.z, o, &pa), 0);
		CHECK(IS_ALIGNED(pa, PAGE_SIZE << o));
		CHECK(pa >= RAM_BASE && pa + (PAGE_SIZE << o) <= RAM_BASE + PG(npages));
		CHECK_EQ(buddy_free_count(&f.z), npages - (1UL << o));
		CHECK_EQ(buddy_check(&f.z), 0);
		CHECK_EQ(buddy_free(&f.z, pa, o), 0);
		CHECK_EQ(buddy_free_count(&f.z), npages);
		CHECK(same_shape(&f.z, shape));
	}
	CHECK_EQ(buddy_check(&f.z), 0);
	zone_drop(&f);
}

/* Allocate everything as order-0 pages, free in random order: all coalesces. */
static void test_exhaustion_and_coalescing(void)
{
	struct zone_fixture f;
	size_t npages = 2048 + 513, shape[PAGE_MAX_ORDER + 1], n = 0;
	paddr_t *pages = calloc(npages, sizeof(*pages)), pa;
	unsigned char *seen = calloc(npages, 1);

	zone_make(&f, RAM_BASE, npages);
	CHECK_EQ(buddy_add_range(&f.z, RAM_BASE, RAM_BASE + PG(npages)), 0);
	zone_shape(&f.z, shape);
	while (buddy_alloc(&f.z, 0, &pa) == 0) {
		size_t idx = (pa - RAM_BASE) >> PAGE_SHIFT;

		CHECK(idx < npages);
		if (idx < npages) {
			CHECK(!seen[idx]);
			seen[idx] = 1;
		}
		if (n < npages)
			pages[n] = pa;
		n++;
	}
	CHECK_EQ(n, npages);
	CHECK_EQ(buddy_free_count(&f.z), 0);
	CHECK_EQ(buddy_alloc(&f.z, 0, &pa), -ENOMEM);
	CHECK_EQ(buddy_alloc(&f.z, PAGE_MAX_ORDER, &pa), -ENOMEM);
	CHECK_EQ(buddy_check(&f.z), 0);
	unit_srand(7);
	for (size_t i = npages; i > 1; i--) { /* shuffle */
		size_t j = unit_rand() % i;
		paddr_t t = pages[i - 1];

		pages[i - 1] = pages[j];
		pages[j] = t;
	}
	for (size_t i = 0; i < npages; i++)
		CHECK_EQ(buddy_free(&f.z, pages[i], 0), 0);
	CHECK_EQ(buddy_free_count(&f.z), npages);
	CHECK(same_shape(&f.z, shape));
	CHECK_EQ(buddy_check(&f.z), 0);

	/* Exhaust with max-order blocks: the tail that is not 4 MiB stays free. */
	n = 0;
	while (buddy_alloc(&f.z, PAGE_MAX_ORDER, &pa) == 0)
		pages[n++] = pa;
	CHECK_EQ(n, 2);
	CHECK_EQ(buddy_free_count(&f.z), 513);
	while (n)
		CHECK_EQ(buddy_free(&f.z, pages[--n], PAGE_MAX_ORDER), 0);
	CHECK(same_shape(&f.z, shape));
	free(pages);
	free(seen);
	zone_drop(&f);
}

/* Bad frees return an error and leave the zone exactly as it was. */
static void test_bad_frees(void)
{
	struct zone_fixture f;
	size_t npages = 1024, shape[PAGE_MAX_ORDER + 1], free_before;
	paddr_t a, b;

	zone_make(&f, RAM_BASE, npages + 16);
	/* the last 16 pages stay reserved (never handed over) */
	CHECK_EQ(buddy_add_range(&f.z, RAM_BASE, RAM_BASE + PG(npages)), 0);
	CHECK_EQ(buddy_alloc(&f.z, 3, &a), 0);
	CHECK_EQ(buddy_alloc(&f.z, 0, &b), 0);
	zone_shape(&f.z, shape);
	free_before = buddy_free_count(&f.z);

	CHECK_EQ(a, RAM_BASE);				   /* lowest half of the first split */
	CHECK_EQ(buddy_free(&f.z, a, 2), -EINVAL);	   /* wrong order */
	CHECK_EQ(buddy_free(&f.z, a, 4), -EINVAL);	   /* wrong order */
	CHECK_EQ(buddy_free(&f.z, a + PG(8), 4), -ERANGE); /* misaligned for order 4 */
	CHECK_EQ(buddy_free(&f.z, a + PG(8), 3), -EINVAL); /* a free block's head */
	CHECK_EQ(buddy_free(&f.z, a + PG(1), 0), -EINVAL); /* tail page */
	CHECK_EQ(buddy_free(&f.z, a + 8, 0), -ERANGE);	   /* not page aligned */
	CHECK_EQ(buddy_free(&f.z, RAM_BASE - PG(1), 0), -ERANGE);
	CHECK_EQ(buddy_free(&f.z, RAM_BASE + PG(npages + 16), 0), -ERANGE);
	CHECK_EQ(buddy_free(&f.z, RAM_BASE + PG(npages), 5), -ERANGE);	   /* runs off the end */
	CHECK_EQ(buddy_free(&f.z, RAM_BASE + PG(npages + 2), 0), -EINVAL); /* reserved */
	CHECK_EQ(buddy_free(&f.z, a, PAGE_MAX_ORDER + 1), -EINVAL);
	CHECK_EQ(buddy_free(&f.z, 0, 0), -ERANGE);
	CHECK_EQ(buddy_free(&f.z, ~(paddr_t)0 & ~(PAGE_SIZE - 1), 0), -ERANGE);
	CHECK_EQ(buddy_free_count(&f.z), free_before);
	CHECK(same_shape(&f.z, shape));
	CHECK_EQ(buddy_check(&f.z), 0);

	CHECK_EQ(buddy_free(&f.z, b, 0), 0);
	CHECK_EQ(buddy_free(&f.z, b, 0), -EINVAL); /* double free */
	CHECK_EQ(buddy_free(&f.z, a, 3), 0);
	CHECK_EQ(buddy_free(&f.z, a, 3), -EINVAL); /* double free after coalescing */
	CHECK_EQ(buddy_free(&f.z, RAM_BASE, PAGE_MAX_ORDER), -EINVAL); /* a free block */
	CHECK_EQ(buddy_free_count(&f.z), npages);
	CHECK_EQ(f.z.nr_free[PAGE_MAX_ORDER], 1);
	CHECK_EQ(buddy_alloc(&f.z, PAGE_MAX_ORDER + 1, &a), -EINVAL);
	CHECK_EQ(buddy_check(&f.z), 0);
	zone_drop(&f);
}

/* Holes, repeated and out-of-zone ranges, and a zone base not 4 MiB aligned. */
static void test_ranges_and_odd_base(void)
{
	struct zone_fixture f;
	paddr_t base = RAM_BASE + PG(3), pa;
	size_t npages = 2000, n = 0;

	zone_make(&f, base, npages);
	CHECK_EQ(buddy_add_range(&f.z, base, base + PG(100)), 0);
	CHECK_EQ(buddy_add_range(&f.z, base + PG(150), base + PG(npages)), 0);
	CHECK_EQ(buddy_add_range(&f.z, base + PG(50), base + PG(60)), -EEXIST);
	CHECK_EQ(buddy_add_range(&f.z, base + PG(140), base + PG(151)), -EEXIST);
	CHECK_EQ(buddy_add_range(&f.z, base - PG(1), base + PG(1)), -ERANGE);
	CHECK_EQ(buddy_add_range(&f.z, base + PG(npages), base + PG(npages + 1)), -ERANGE);
	CHECK_EQ(buddy_add_range(&f.z, base + PG(100) + 1, base + PG(110)), -ERANGE);
	CHECK_EQ(buddy_add_range(&f.z, base + PG(110), base + PG(100)), -ERANGE);
	CHECK_EQ(buddy_add_range(&f.z, base + PG(120), base + PG(120)), 0);
	CHECK_EQ(buddy_managed_count(&f.z), npages - 50);
	CHECK_EQ(buddy_free_count(&f.z), npages - 50);
	CHECK_EQ(buddy_check(&f.z), 0);
	/* Every block is naturally aligned in physical space, holes never used. */
	for (unsigned o = PAGE_MAX_ORDER + 1; o-- > 0;) {
		while (buddy_alloc(&f.z, o, &pa) == 0) {
			CHECK(IS_ALIGNED(pa, PAGE_SIZE << o));
			CHECK(pa + (PAGE_SIZE << o) <= base + PG(100) || pa >= base + PG(150));
			CHECK(pa >= base && pa + (PAGE_SIZE << o) <= base + PG(npages));
			n += 1UL << o;
		}
	}
	CHECK_EQ(n, npages - 50);
	CHECK_EQ(buddy_check(&f.z), 0);
	/* The hole can still be handed over later. */
	CHECK_EQ(buddy_add_range(&f.z, base + PG(100), base + PG(150)), 0);
	CHECK_EQ(buddy_free_count(&f.z), 50);
	CHECK_EQ(buddy_check(&f.z), 0);
	zone_drop(&f);
}

/* buddy_check() itself notices damage. */
static void test_checker_catches_corruption(void)
{
	struct zone_fixture f;
	paddr_t pa;

	zone_make(&f, RAM_BASE, 64);
	CHECK_EQ(buddy_add_range(&f.z, RAM_BASE, RAM_BASE + PG(64)), 0);
	CHECK_EQ(buddy_alloc(&f.z, 0, &pa), 0);
	CHECK_EQ(buddy_check(&f.z), 0);
	f.meta[5].state = BUDDY_ALLOC_HEAD; /* a head inside a free block */
	CHECK_EQ(buddy_check(&f.z), -EINVAL);
	f.meta[5].state = BUDDY_TAIL;
	f.z.free_pages++;
	CHECK_EQ(buddy_check(&f.z), -EINVAL);
	f.z.free_pages--;
	CHECK_EQ(buddy_check(&f.z), 0);
	zone_drop(&f);
}

struct live_block {
	paddr_t pa;
	unsigned order;
};

/* Random allocs and frees with a page ownership map; invariants throughout. */
static void test_random_stress(void)
{
	enum { NPAGES = 3 * 1024 + 700, OPS = 200000, MAX_LIVE = 4096 };
	struct zone_fixture f;
	struct live_block *live = calloc(MAX_LIVE, sizeof(*live));
	unsigned char *owned = calloc(NPAGES, 1);
	size_t nlive = 0, used = 0, shape[PAGE_MAX_ORDER + 1];

	zone_make(&f, RAM_BASE, NPAGES);
	CHECK_EQ(buddy_add_range(&f.z, RAM_BASE, RAM_BASE + PG(NPAGES)), 0);
	zone_shape(&f.z, shape);
	unit_srand(12345);
	for (int op = 0; op < OPS && !unit_failures; op++) {
		bool do_alloc = nlive == 0 || (nlive < MAX_LIVE && unit_rand() % 100 < 55);

		if (do_alloc) {
			unsigned order =
			    (unsigned)(unit_rand() % 100 < 80 ? unit_rand() % 3
							      : unit_rand() % (PAGE_MAX_ORDER + 1));
			paddr_t pa;
			int err = buddy_alloc(&f.z, order, &pa);

			if (err) {
				CHECK_EQ(err, -ENOMEM);
				continue;
			}
			CHECK(IS_ALIGNED(pa, PAGE_SIZE << order));
			for (size_t i = 0; i < (1UL << order); i++) {
				size_t idx = ((pa - RAM_BASE) >> PAGE_SHIFT) + i;

				CHECK(idx < NPAGES && !owned[idx]);
				if (idx < NPAGES)
					owned[idx] = 1;
			}
			used += 1UL << order;
			live[nlive++] = (struct live_block){pa, order};
		} else {
			size_t k = unit_rand() % nlive;
			struct live_block b = live[k];

			live[k] = live[--nlive];
			for (size_t i = 0; i < (1UL << b.order); i++)
				owned[((b.pa - RAM_BASE) >> PAGE_SHIFT) + i] = 0;
			CHECK_EQ(buddy_free(&f.z, b.pa, b.order), 0);
			used -= 1UL << b.order;
		}
		CHECK_EQ(buddy_free_count(&f.z), NPAGES - used);
		if (op % 1000 == 0)
			CHECK_EQ(buddy_check(&f.z), 0);
	}
	while (nlive) {
		nlive--;
		CHECK_EQ(buddy_free(&f.z, live[nlive].pa, live[nlive].order), 0);
	}
	CHECK_EQ(buddy_free_count(&f.z), NPAGES);
	CHECK(same_shape(&f.z, shape));
	CHECK_EQ(buddy_check(&f.z), 0);
	free(live);
	free(owned);
	zone_drop(&f);
}

/* Gaps of [start, end) per page by brute force, compared with the walker. */
static void check_gaps(paddr_t start, paddr_t end, const struct dt_reg *excl, int n)
{
	size_t npages = (end - start) >> PAGE_SHIFT;
	unsigned char *covered = calloc(npages ? npages : 1, 1);
	paddr_t cursor = start, gs, ge, expect = start;
	int pieces = 0;

	for (int i = 0; i < n; i++) {
		for (size_t p = 0; p < npages; p++) {
			paddr_t pg = start + PG(p);
			__uint128_t lo = excl[i].base,
				    hi = (__uint128_t)excl[i].base + excl[i].size;

			/* page [pg, pg+4K) overlaps [lo, hi)? */
			if (excl[i].size && pg < hi && (__uint128_t)pg + PAGE_SIZE > lo)
				covered[p] = 1;
		}
	}
	while (buddy_next_gap(&cursor, end, excl, n, &gs, &ge)) {
		CHECK(gs < ge && IS_ALIGNED(gs, PAGE_SIZE) && IS_ALIGNED(ge, PAGE_SIZE));
		CHECK(gs >= expect && ge <= end);
		if (gs < expect || ge > end || gs >= ge || ++pieces > 1000)
			break;
		for (paddr_t p = expect; p < gs; p += PAGE_SIZE) /* skipped: covered */
			CHECK(covered[(p - start) >> PAGE_SHIFT]);
		for (paddr_t p = gs; p < ge; p += PAGE_SIZE) /* returned: free */
			CHECK(!covered[(p - start) >> PAGE_SHIFT]);
		CHECK(ge == end || covered[(ge - start) >> PAGE_SHIFT]); /* maximal */
		expect = ge;
	}
	for (paddr_t p = expect; p < end; p += PAGE_SIZE)
		CHECK(covered[(p - start) >> PAGE_SHIFT]);
	free(covered);
}

static void test_gap_walker(void)
{
	const paddr_t s = RAM_BASE, e = RAM_BASE + (8UL << 20);
	/* kernel image, DTB, initrd outside RAM, overlap, range over the end, wrap */
	struct dt_reg boot[] = {
	    {RAM_BASE + 0x200000, 0x123456}, {RAM_BASE, 0x100000},
	    {0x50000000, 0x10000},	     {RAM_BASE + 0x300000, 0x1000},
	    {RAM_BASE + 0x7ff800, 0x10000},  {RAM_BASE + 0x500001, 0},
	    {~0ULL - 0x1000, 0x5000},
	};
	struct dt_reg all[] = {{0, ~0ULL}};
	struct dt_reg edge[] = {{RAM_BASE + 0xfff, 2}, {RAM_BASE + 0x2000, 1}};
	struct dt_reg rnd[6];
	paddr_t cursor = s, gs, ge;

	check_gaps(s, e, NULL, 0);
	check_gaps(s, e, boot, (int)ARRAY_SIZE(boot));
	check_gaps(s, e, all, 1);
	check_gaps(s, e, edge, 2);
	CHECK(!buddy_next_gap(&cursor, e, all, 1, &gs, &ge));
	cursor = s;
	CHECK(buddy_next_gap(&cursor, e, boot, (int)ARRAY_SIZE(boot), &gs, &ge));
	CHECK_EQ(gs, RAM_BASE + 0x100000);
	CHECK_EQ(ge, RAM_BASE + 0x200000);
	unit_srand(99);
	for (int iter = 0; iter < 300; iter++) {
		int n = (int)(unit_rand() % ARRAY_SIZE(rnd)) + 1;

		for (int i = 0; i < n; i++) {
			rnd[i].base = s - 0x10000 + unit_rand() % (e - s + 0x20000);
			rnd[i].size =
			    unit_rand() % 4 ? unit_rand() % 0x80000 : unit_rand() % 0x3000;
		}
		check_gaps(s, e, rnd, n);
	}
}

int main(void)
{
	test_init_errors();
	test_all_orders();
	test_exhaustion_and_coalescing();
	test_bad_frees();
	test_ranges_and_odd_base();
	test_checker_catches_corruption();
	test_random_stress();
	test_gap_walker();
	return unit_finish("buddy");
}
