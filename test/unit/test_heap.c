/*
 * Kernel heap (src/mm/heap.c) on the host, backed by the buddy core managing
 * a malloc'ed arena: every size class, large blocks, kzalloc/kcalloc
 * (overflow), krealloc, invalid and double kfree (logged, ignored, nothing
 * damaged), exhaustion, a random stress run, and after each test every page
 * back in the buddy.
 */
#include <stdlib.h>
#include <stdint.h>
#include <sis/kernel.h>
#include <sis/mm.h>

#include "buddy.h"
#include "heap.h"
#include "unit.h"

#define ARENA_ALIGN (PAGE_SIZE << PAGE_MAX_ORDER)

static struct buddy_zone zone;
static struct buddy_page *meta;
static unsigned char *arena;
static size_t arena_pages;

static void *arena_alloc(unsigned order)
{
	paddr_t pa;

	if (buddy_alloc(&zone, order, &pa))
		return NULL;
	return (void *)(uintptr_t)pa;
}

static void arena_free(void *p, unsigned order)
{
	int err = buddy_free(&zone, (paddr_t)(uintptr_t)p, order);

	if (err) {
		fprintf(stderr, "heap gave back %p order %u: buddy says %d\n", p, order, err);
		unit_failures++;
	}
}

static const struct heap_page_provider arena_provider = {
    .alloc = arena_alloc,
    .free = arena_free,
};

static void arena_open(size_t npages)
{
	size_t bytes = ALIGN_UP(npages * PAGE_SIZE, ARENA_ALIGN);

	arena_pages = npages;
	arena = aligned_alloc(ARENA_ALIGN, bytes);
	meta = calloc(npages, sizeof(*meta));
	if (!arena || !meta) {
		perror("arena");
		exit(2);
	}
	CHECK_EQ(buddy_init(&zone, (paddr_t)(uintptr_t)arena, npages, meta), 0);
	CHECK_EQ(buddy_add_range(&zone, (paddr_t)(uintptr_t)arena,
				 (paddr_t)(uintptr_t)arena + npages * PAGE_SIZE),
		 0);
	heap_setup(&arena_provider);
}

/* Everything must be back: no bytes in use, no pages held, buddy whole. */
static void arena_close(void)
{
	CHECK_EQ(heap_bytes_in_use(), 0);
	CHECK_EQ(heap_pages_held(), 0);
	CHECK_EQ(buddy_free_count(&zone), arena_pages);
	CHECK_EQ(buddy_check(&zone), 0);
	CHECK_EQ(heap_check(), 0);
	free(arena);
	free(meta);
}

static size_t expected_class(size_t size)
{
	size_t c = 16;

	while (c < size)
		c <<= 1;
	return c;
}

/* Large blocks: the smallest power-of-two pages holding a 16-byte header too. */
static size_t expected_large(size_t size)
{
	size_t block = PAGE_SIZE;

	while (block - 16 < size)
		block <<= 1;
	return block - 16;
}

static void test_every_size(void)
{
	arena_open(2048);
	for (size_t size = 0; size <= 3 * PAGE_SIZE; size++) {
		unsigned char *p = kmalloc(size);
		size_t usable = kmalloc_usable_size(p);

		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK(IS_ALIGNED((uintptr_t)p, 16));
		CHECK(usable >= size && usable >= 1);
		if (size <= 2048)
			CHECK_EQ(usable, expected_class(size));
		else
			CHECK_EQ(usable, expected_large(size));
		CHECK(p >= arena && p + usable <= arena + arena_pages * PAGE_SIZE);
		memset(p, 0xab, usable);
		CHECK_EQ(heap_bytes_in_use(), usable);
		kfree(p);
		CHECK_EQ(heap_bytes_in_use(), 0);
		CHECK_EQ(heap_pages_held(), 0);
	}
	arena_close();
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* Many objects per class: distinct, non-overlapping, contents kept. */
static void test_many_objects(void)
{
	enum { N = 600 };
	unsigned char *objs[N];
	uintptr_t sorted[N];

	arena_open(4096);
	unit_srand(3);
	for (size_t size = 16; size <= 2048; size <<= 1) {
		for (int i = 0; i < N; i++) {
			objs[i] = kmalloc(size);
			CHECK(objs[i] != NULL);
			if (!objs[i])
				return;
			memset(objs[i], i & 0xff, size);
			sorted[i] = (uintptr_t)objs[i];
		}
		CHECK_EQ(heap_bytes_in_use(), N * size);
		CHECK_EQ(heap_check(), 0);
		qsort(sorted, N, sizeof(sorted[0]), cmp_ptr);
		for (int i = 1; i < N; i++)
			CHECK(sorted[i - 1] + size <= sorted[i]);
		for (int i = 0; i < N; i++)
			for (size_t b = 0; b < size; b += 7)
				CHECK(objs[i][b] == (i & 0xff));
		for (int i = N; i > 1; i--) { /* free in random order */
			int j = (int)(unit_rand() % (unsigned)i);
			unsigned char *t = objs[i - 1];

			objs[i - 1] = objs[j];
			objs[j] = t;
		}
		for (int i = 0; i < N; i++) {
			kfree(objs[i]);
			if (i % 97 == 0)
				CHECK_EQ(heap_check(), 0);
		}
		CHECK_EQ(heap_pages_held(), 0);
	}
	arena_close();
}

static void test_large(void)
{
	size_t free0;
	void *p;

	arena_open(4096);
	free0 = buddy_free_count(&zone);
	p = kmalloc(2049);
	CHECK_EQ(kmalloc_usable_size(p), PAGE_SIZE - 16);
	CHECK_EQ(buddy_free_count(&zone), free0 - 1);
	kfree(p);
	p = kmalloc(PAGE_SIZE - 16);
	CHECK_EQ(buddy_free_count(&zone), free0 - 1);
	kfree(p);
	p = kmalloc(PAGE_SIZE - 15);
	CHECK_EQ(kmalloc_usable_size(p), 2 * PAGE_SIZE - 16);
	CHECK_EQ(buddy_free_count(&zone), free0 - 2);
	kfree(p);
	p = kmalloc(1 << 20);
	CHECK(p && IS_ALIGNED((uintptr_t)p, 16));
	CHECK_EQ(buddy_free_count(&zone), free0 - 512); /* 1 MiB + header: order 9 */
	memset(p, 0x5a, 1 << 20);
	kfree(p);
	p = kmalloc((PAGE_SIZE << PAGE_MAX_ORDER) - 16); /* the biggest there is */
	CHECK(p != NULL);
	CHECK_EQ(heap_bytes_in_use(), (PAGE_SIZE << PAGE_MAX_ORDER) - 16);
	kfree(p);
	CHECK(kmalloc((PAGE_SIZE << PAGE_MAX_ORDER) - 15) == NULL);
	CHECK(kmalloc(SIZE_MAX) == NULL);
	CHECK(kmalloc(SIZE_MAX - 8) == NULL);
	CHECK_EQ(buddy_free_count(&zone), free0);
	arena_close();
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_zeroed(void)
{
	unsigned char *p, *keep;

	arena_open(256);
	keep = kmalloc(100); /* keeps the 128-byte slab alive */
	p = kmalloc(100);
	memset(p, 0xff, 128);
	kfree(p);
	p = kzalloc(100);
	CHECK(p && all_zero(p, 100));
	kfree(p);
	p = kmalloc(5000);
	memset(p, 0xff, 5000);
	kfree(p);
	p = kzalloc(5000);
	CHECK(p && all_zero(p, 5000));
	kfree(p);
	p = kcalloc(10, 10);
	CHECK(p && all_zero(p, 100));
	CHECK_EQ(kmalloc_usable_size(p), 128);
	kfree(p);
	unit_log_reset();
	CHECK(kcalloc(SIZE_MAX / 2, 3) == NULL);
	CHECK(kcalloc(3, SIZE_MAX / 2) == NULL);
	CHECK(kcalloc((size_t)1 << 33, (size_t)1 << 31) == NULL);
	CHECK_EQ(unit_log_count(LOG_ERR), 0);
	p = kcalloc(0, 5);
	CHECK(p != NULL);
	kfree(p);
	kfree(keep);
	arena_close();
}

static void test_realloc(void)
{
	char *p, *q;

	arena_open(2048);
	p = krealloc(NULL, 10);
	CHECK(p != NULL);
	memcpy(p, "012345678", 10);
	q = krealloc(p, 12); /* fits in the 16-byte object */
	CHECK(q == p);
	for (size_t size = 100; size <= 100000; size *= 10) {
		p = krealloc(q, size);
		CHECK(p && strcmp(p, "012345678") == 0);
		CHECK(kmalloc_usable_size(p) >= size);
		q = p;
	}
	p = krealloc(q, 50); /* big shrink moves to a slab */
	CHECK(p && p != q && strcmp(p, "012345678") == 0);
	CHECK_EQ(kmalloc_usable_size(p), 64);
	q = krealloc(p, 40);
	CHECK(q == p);
	CHECK(krealloc(q, SIZE_MAX) == NULL); /* q untouched */
	CHECK(strcmp(q, "012345678") == 0);
	unit_log_reset();
	unit_log_quiet(true);
	CHECK(krealloc(q + 16, 100) == NULL); /* not a heap pointer */
	unit_log_quiet(false);
	CHECK_EQ(unit_log_count(LOG_ERR), 1);
	CHECK(krealloc(q, 0) == NULL);
	arena_close();
}

/* Each bad kfree logs one error and changes nothing. */
static void expect_rejected(void *p)
{
	size_t bytes = heap_bytes_in_use(), held = heap_pages_held();
	size_t free_pages = buddy_free_count(&zone);
	int errs = unit_log_count(LOG_ERR);

	kfree(p);
	CHECK_EQ(unit_log_count(LOG_ERR), errs + 1);
	CHECK_EQ(heap_bytes_in_use(), bytes);
	CHECK_EQ(heap_pages_held(), held);
	CHECK_EQ(buddy_free_count(&zone), free_pages);
	CHECK_EQ(heap_check(), 0);
	CHECK_EQ(buddy_check(&zone), 0);
}

static void test_bad_frees(void)
{
	unsigned char *a, *b, *big, *s2048, *stray;

	arena_open(1024);
	unit_log_reset();
	unit_log_quiet(true);
	a = kmalloc(32);
	b = kmalloc(32);
	kfree(a);
	expect_rejected(a);	 /* double free in a live slab */
	expect_rejected(b + 16); /* middle of an object */
	expect_rejected(b + 1);	 /* misaligned */
	expect_rejected((unsigned char *)ALIGN_DOWN((uintptr_t)b, PAGE_SIZE)); /* slab header */
	big = kmalloc(10000);
	kfree(big);
	expect_rejected(big); /* double free of a large block */
	big = kmalloc(10000);
	expect_rejected(big + PAGE_SIZE); /* inside a large block */
	expect_rejected(big + 16);
	s2048 = kmalloc(2048);				    /* an order-2 slab holding 7 objects */
	expect_rejected(s2048 + 7 * 2048);		    /* slack after the last object */
	expect_rejected(s2048 + 3 * PAGE_SIZE + 64);	    /* interior page of the slab */
	stray = arena + (arena_pages - 3) * PAGE_SIZE + 64; /* a page nobody owns */
	memset(stray - 64, 0, PAGE_SIZE);
	expect_rejected(stray);
	CHECK_EQ(kmalloc_usable_size(stray), 0);
	CHECK_EQ(kmalloc_usable_size(a), 0);
	CHECK_EQ(unit_log_count(LOG_ERR), 12);
	kfree(NULL);
	CHECK_EQ(kmalloc_usable_size(NULL), 0);
	CHECK_EQ(unit_log_count(LOG_ERR), 12);
	unit_log_quiet(false);
	kfree(b);
	kfree(big);
	kfree(s2048);
	arena_close();
}

/* Running out of pages: NULL, then everything frees cleanly. */
static void test_exhaustion(void)
{
	enum { MAX = 4096 };
	void **ptrs = calloc(MAX, sizeof(*ptrs));
	size_t n = 0;

	arena_open(64);
	while (n < MAX && (ptrs[n] = kmalloc(1000)) != NULL)
		n++;
	CHECK(n > 100 && n < MAX);
	CHECK(kmalloc(20000) == NULL);
	CHECK_EQ(heap_check(), 0);
	while (n)
		kfree(ptrs[--n]);
	while (n < MAX && (ptrs[n] = kmalloc(5000)) != NULL)
		n++;
	CHECK(n == 32); /* each takes two of the 64 pages */
	while (n)
		kfree(ptrs[--n]);
	free(ptrs);
	arena_close();
}

struct live {
	unsigned char *p;
	size_t size;
	unsigned char fill;
};

static size_t random_size(void)
{
	unsigned r = (unsigned)(unit_rand() % 100);

	if (r < 70)
		return unit_rand() % 257;
	if (r < 92)
		return 257 + unit_rand() % (2048 - 256);
	return 2049 + unit_rand() % 70000;
}

static bool filled(const struct live *l)
{
	for (size_t i = 0; i < l->size; i += 1 + l->size / 64)
		if (l->p[i] != l->fill)
			return false;
	return !l->size || l->p[l->size - 1] == l->fill;
}

static void test_random_stress(void)
{
	enum { OPS = 150000, MAX_LIVE = 3000 };
	struct live *live = calloc(MAX_LIVE, sizeof(*live));
	size_t nlive = 0, usable_sum = 0;

	arena_open(8192);
	unit_srand(2024);
	for (int op = 0; op < OPS && !unit_failures; op++) {
		unsigned r = (unsigned)(unit_rand() % 100);

		if (nlive < MAX_LIVE && (nlive == 0 || r < 50)) {
			struct live l = {NULL, random_size(), (unsigned char)unit_rand()};

			l.p = kmalloc(l.size);
			CHECK(l.p != NULL);
			if (!l.p)
				break;
			memset(l.p, l.fill, l.size);
			usable_sum += kmalloc_usable_size(l.p);
			live[nlive++] = l;
		} else if (r < 85) {
			size_t k = unit_rand() % nlive;

			CHECK(filled(&live[k]));
			usable_sum -= kmalloc_usable_size(live[k].p);
			kfree(live[k].p);
			live[k] = live[--nlive];
		} else {
			struct live *l = &live[unit_rand() % nlive];
			size_t size = random_size(), keep = MIN(size, l->size);
			unsigned char *q;

			usable_sum -= kmalloc_usable_size(l->p);
			q = krealloc(l->p, size ? size : 1);
			CHECK(q != NULL);
			if (!q)
				break;
			for (size_t i = 0; i < keep; i += 1 + keep / 32)
				CHECK(q[i] == l->fill);
			l->p = q;
			l->size = size;
			memset(q, l->fill, size);
			usable_sum += kmalloc_usable_size(q);
		}
		CHECK_EQ(heap_bytes_in_use(), usable_sum);
		if (op % 1000 == 0) {
			CHECK_EQ(heap_check(), 0);
			CHECK_EQ(buddy_check(&zone), 0);
		}
	}
	while (nlive) {
		nlive--;
		CHECK(filled(&live[nlive]));
		kfree(live[nlive].p);
	}
	free(live);
	arena_close();
}

int main(void)
{
	test_every_size();
	test_many_objects();
	test_large();
	test_zeroed();
	test_realloc();
	test_bad_frees();
	test_exhaustion();
	test_random_stress();
	return unit_finish("heap");
}
