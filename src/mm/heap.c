/*
 * Kernel heap: kmalloc() and friends.
 *
 * Requests up to SLAB_MAX_SIZE bytes come from size-class slabs (16, 32, ...,
 * 2048 bytes). A slab is one block of 2^order pages from the page provider: a
 * header at its start, then equal objects, with an allocation bitmap in the
 * header. Slabs with free objects sit on their class's partial list; a slab
 * whose last object is freed goes straight back to the provider, so a leak
 * shows up as a lower page_free_count(). Bigger requests get their own block
 * of pages with a small header recording the order.
 *
 * Every header carries a tag mixing a magic with its own address, so kfree()
 * can tell a live heap pointer from anything else (a double free, a pointer
 * into the middle of an object, a stale or foreign pointer): those are logged
 * and ignored, never acted on. Headers are cleared when their pages go back.
 *
 * Locking: the whole heap runs with IRQs masked (uniprocessor kernel), so it
 * is callable from any context. Host tests build it with SIS_HOST_TEST and no
 * locking.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/list.h>
#include <sis/mm.h>

#include "heap.h"
#ifndef SIS_HOST_TEST
#include <sis/init.h>
#include <sis/vfs.h>
#endif

#ifdef SIS_HOST_TEST
static inline unsigned long heap_lock(void)
{
	return 0;
}
static inline void heap_unlock(unsigned long flags)
{
	(void)flags;
}
#else
#include <sis/irq.h>
#define heap_lock irq_save
#define heap_unlock irq_restore
#endif

#define HEAP_ALIGN 16
#define SLAB_MIN_SHIFT 4 /* smallest class: 16 bytes */
#define SLAB_CLASSES 8	 /* 16 .. 2048 */
#define SLAB_MAX_SIZE (1UL << (SLAB_MIN_SHIFT + SLAB_CLASSES - 1))
#define SLAB_MAX_ORDER 2		  /* largest slab block */
#define SLAB_MIN_OBJECTS 4		  /* per slab, picks the order */
#define SLAB_BITMAP_WORDS 4		  /* 256 objects at most */
#define SLAB_MAGIC 0x534c414253495321ULL  /* "SLABSIS!" */
#define LARGE_MAGIC 0x4c41524745534953ULL /* "LARGESIS" */

/* Header at the start of every slab block. */
struct slab {
	u64 tag;		     /* SLAB_MAGIC ^ own address while live */
	struct list_head link;	     /* class partial list while 0 < inuse < nobj */
	u16 cls;		     /* index into classes[] */
	u16 nobj;		     /* objects in this slab */
	u16 inuse;		     /* allocated objects */
	u8 order;		     /* block is 2^order pages */
	u64 used[SLAB_BITMAP_WORDS]; /* bit i set: object i allocated */
};
#define SLAB_FIRST_OBJ ALIGN_UP(sizeof(struct slab), HEAP_ALIGN)

/* Header at the start of a large allocation's pages; data follows it. */
struct large_hdr {
	u64 tag;   /* LARGE_MAGIC ^ own address while live */
	u32 order; /* block is 2^order pages */
	u32 pad;
};
_Static_assert(sizeof(struct large_hdr) == HEAP_ALIGN, "large data must stay 16-aligned");

struct slab_class {
	struct list_head partial; /* slabs with free objects */
	size_t size;		  /* object size */
	unsigned order;		  /* slab block order */
	unsigned nobj;		  /* objects per slab */
	size_t active;		  /* objects allocated (/proc/slabinfo) */
	size_t slabs;		  /* slabs held, partial or full */
};

static struct heap_state {
	const struct heap_page_provider *pages; /* NULL until heap_setup() */
	struct slab_class classes[SLAB_CLASSES];
	size_t bytes_in_use;
	size_t pages_held;
	size_t large_blocks; /* live large allocations (/proc/slabinfo) */
	size_t large_pages;  /* pages they hold */
} heap;

static size_t block_bytes(unsigned order)
{
	return PAGE_SIZE << order;
}

static unsigned slab_capacity(size_t size, unsigned order)
{
	return (unsigned)((block_bytes(order) - SLAB_FIRST_OBJ) / size);
}

void heap_setup(const struct heap_page_provider *pages)
{
	for (unsigned i = 0; i < SLAB_CLASSES; i++) {
		struct slab_class *c = &heap.classes[i];

		list_init(&c->partial);
		c->size = (size_t)1 << (SLAB_MIN_SHIFT + i);
		c->order = 0;
		while (slab_capacity(c->size, c->order) < SLAB_MIN_OBJECTS)
			c->order++;
		c->nobj = MIN(slab_capacity(c->size, c->order), 64U * SLAB_BITMAP_WORDS);
		c->active = 0;
		c->slabs = 0;
	}
	heap.bytes_in_use = 0;
	heap.pages_held = 0;
	heap.large_blocks = 0;
	heap.large_pages = 0;
	heap.pages = pages;
}

_Static_assert((PAGE_SIZE << SLAB_MAX_ORDER) - ALIGN_UP(sizeof(struct slab), HEAP_ALIGN) >=
		   SLAB_MIN_OBJECTS * SLAB_MAX_SIZE,
	       "largest class must fit SLAB_MIN_OBJECTS objects in a SLAB_MAX_ORDER slab");

static unsigned class_of(size_t size)
{
	unsigned cls = 0;

	while (((size_t)1 << (SLAB_MIN_SHIFT + cls)) < size)
		cls++;
	return cls;
}

static void *provider_alloc(unsigned order)
{
	void *p = heap.pages->alloc(order);

	if (p)
		heap.pages_held += (size_t)1 << order;
	return p;
}

static void provider_free(void *p, unsigned order)
{
	heap.pages_held -= (size_t)1 << order;
	heap.pages->free(p, order);
}

static struct slab *slab_create(unsigned cls)
{
	struct slab_class *c = &heap.classes[cls];
	struct slab *s = provider_alloc(c->order);

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->tag = SLAB_MAGIC ^ (uintptr_t)s;
	s->cls = (u16)cls;
	s->nobj = (u16)c->nobj;
	s->order = (u8)c->order;
	list_add(&s->link, &c->partial);
	c->slabs++;
	return s;
}

static void slab_destroy(struct slab *s)
{
	list_del(&s->link);
	heap.classes[s->cls].slabs--;
	s->tag = 0;
	provider_free(s, s->order);
}

static void *slab_obj(struct slab *s, unsigned idx)
{
	return (char *)s + SLAB_FIRST_OBJ + (size_t)idx * heap.classes[s->cls].size;
}

/* Take a free object from a partial slab (there is one by construction). */
static void *slab_take(struct slab *s)
{
	for (unsigned w = 0; w < SLAB_BITMAP_WORDS; w++) {
		unsigned idx;

		if (s->used[w] == ~0ULL)
			continue;
		idx = w * 64 + (unsigned)__builtin_ctzll(~s->used[w]);
		if (idx >= s->nobj)
			break;
		s->used[w] |= 1ULL << (idx % 64);
		if (++s->inuse == s->nobj)
			list_del(&s->link); /* full: on no list */
		return slab_obj(s, idx);
	}
	panic("heap: slab %p on partial list has no free object", (void *)s);
}

static void *small_alloc(size_t size)
{
	unsigned cls = class_of(size);
	struct slab_class *c = &heap.classes[cls];
	struct slab *s;

	if (list_empty(&c->partial)) {
		if (!slab_create(cls))
			return NULL;
	}
	s = list_first_entry(&c->partial, struct slab, link);
	heap.bytes_in_use += c->size;
	c->active++;
	return slab_take(s);
}

static void *large_alloc(size_t size)
{
	struct large_hdr *h;
	unsigned order = 0;

	if (size > block_bytes(PAGE_MAX_ORDER) - sizeof(*h))
		return NULL;
	while (block_bytes(order) - sizeof(*h) < size)
		order++;
	h = provider_alloc(order);
	if (!h)
		return NULL;
	h->tag = LARGE_MAGIC ^ (uintptr_t)h;
	h->order = order;
	heap.bytes_in_use += block_bytes(order) - sizeof(*h);
	heap.large_blocks++;
	heap.large_pages += (size_t)1 << order;
	return h + 1;
}

void *kmalloc(size_t size)
{
	unsigned long flags;
	void *p;

	if (!heap.pages)
		return NULL;
	if (size == 0)
		size = 1; /* a unique pointer, like malloc(0) */
	flags = heap_lock();
	p = size <= SLAB_MAX_SIZE ? small_alloc(size) : large_alloc(size);
	heap_unlock(flags);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	return kzalloc(total);
}

/* What a pointer handed to kfree() turned out to be. */
struct heap_obj {
	struct slab *slab;	 /* the object's slab, or NULL */
	unsigned idx;		 /* object index in slab */
	struct large_hdr *large; /* the large block, or NULL */
};

/*
 * Find the live slab whose block contains p: its header sits at p rounded
 * down to the slab's block size, which is one of the few slab orders.
 */
static struct slab *find_slab(uintptr_t p)
{
	for (unsigned order = 0; order <= SLAB_MAX_ORDER; order++) {
		uintptr_t base = ALIGN_DOWN(p, (uintptr_t)block_bytes(order));
		struct slab *s = (struct slab *)base;

		if (s->tag == (SLAB_MAGIC ^ base) && s->order >= order &&
		    p < base + block_bytes(s->order))
			return s;
	}
	return NULL;
}

/* Classify p; false if it is not a live heap allocation. */
static bool heap_lookup(const void *ptr, struct heap_obj *obj)
{
	uintptr_t p = (uintptr_t)ptr, page = ALIGN_DOWN(p, (uintptr_t)PAGE_SIZE);
	struct large_hdr *h = (struct large_hdr *)page;
	struct slab *s;
	size_t off, size;

	obj->slab = NULL;
	obj->large = NULL;
	if (!IS_ALIGNED(p, HEAP_ALIGN) || p == page)
		return false; /* every heap pointer follows a header */
#ifndef SIS_HOST_TEST
	if (p < KVA_BASE)
		return false; /* a user address: never dereference it */
#endif
	if (p == page + sizeof(*h) && h->tag == (LARGE_MAGIC ^ page) &&
	    h->order <= PAGE_MAX_ORDER) {
		obj->large = h;
		return true;
	}
	s = find_slab(p);
	if (!s || s->cls >= SLAB_CLASSES || p < (uintptr_t)s + SLAB_FIRST_OBJ)
		return false;
	size = heap.classes[s->cls].size;
	off = p - ((uintptr_t)s + SLAB_FIRST_OBJ);
	if (off % size || off / size >= s->nobj)
		return false;
	obj->idx = (unsigned)(off / size);
	if (!(s->used[obj->idx / 64] & (1ULL << (obj->idx % 64))))
		return false; /* a free object: double free */
	obj->slab = s;
	return true;
}

static size_t obj_usable(const struct heap_obj *obj)
{
	if (obj->large)
		return block_bytes(obj->large->order) - sizeof(struct large_hdr);
	return heap.classes[obj->slab->cls].size;
}

static void obj_free(const struct heap_obj *obj)
{
	struct slab *s = obj->slab;

	heap.bytes_in_use -= obj_usable(obj);
	if (obj->large) {
		heap.large_blocks--;
		heap.large_pages -= (size_t)1 << obj->large->order;
		obj->large->tag = 0;
		provider_free(obj->large, obj->large->order);
		return;
	}
	s->used[obj->idx / 64] &= ~(1ULL << (obj->idx % 64));
	heap.classes[s->cls].active--;
	if (s->inuse-- == s->nobj)
		list_add(&s->link, &heap.classes[s->cls].partial); /* was full */
	if (s->inuse == 0)
		slab_destroy(s);
}

void kfree(void *p)
{
	struct heap_obj obj;
	unsigned long flags;

	if (!p)
		return;
	flags = heap_lock();
	if (heap.pages && heap_lookup(p, &obj))
		obj_free(&obj);
	else
		log_err("heap: kfree(%p) from %p: not a live allocation (double free?), ignored", p,
			__builtin_return_address(0));
	heap_unlock(flags);
}

size_t kmalloc_usable_size(const void *p)
{
	struct heap_obj obj;
	unsigned long flags;
	size_t size = 0;

	if (!p)
		return 0;
	flags = heap_lock();
	if (heap.pages && heap_lookup(p, &obj))
		size = obj_usable(&obj);
	else
		log_err("heap: kmalloc_usable_size(%p): not a live allocation", p);
	heap_unlock(flags);
	return size;
}

/*
 * Resize: keeps p when the new size fits and would not waste more than half
 * of it; otherwise moves. On failure p is untouched and NULL returned
 * (krealloc(p, 0) frees p and returns NULL).
 */
void *krealloc(void *p, size_t size)
{
	size_t old;
	void *q;

	if (!p)
		return kmalloc(size);
	if (size == 0) {
		kfree(p);
		return NULL;
	}
	old = kmalloc_usable_size(p);
	if (old == 0)
		return NULL; /* not a heap pointer: logged above */
	if (size <= old && size >= old / 2)
		return p;
	q = kmalloc(size);
	if (!q)
		return size <= old ? p : NULL;
	memcpy(q, p, MIN(old, size));
	kfree(p);
	return q;
}

size_t heap_bytes_in_use(void)
{
	return heap.bytes_in_use;
}

size_t heap_pages_held(void)
{
	return heap.pages_held;
}

static int check_slab(const struct slab *s, unsigned cls)
{
	unsigned count = 0;

	if (s->tag != (SLAB_MAGIC ^ (uintptr_t)s) || s->cls != cls ||
	    s->order != heap.classes[cls].order || s->nobj != heap.classes[cls].nobj)
		return -EINVAL;
	for (unsigned w = 0; w < SLAB_BITMAP_WORDS; w++)
		count += (unsigned)__builtin_popcountll(s->used[w]);
	if (count != s->inuse || s->inuse == 0 || s->inuse >= s->nobj)
		return -EINVAL;
	for (unsigned i = s->nobj; i < 64 * SLAB_BITMAP_WORDS; i++)
		if (s->used[i / 64] & (1ULL << (i % 64)))
			return -EINVAL;
	return 0;
}

int heap_check(void)
{
	int err = 0;
	unsigned long flags = heap_lock();

	for (unsigned cls = 0; cls < SLAB_CLASSES && !err; cls++) {
		const struct slab *s;

		list_for_each_entry(s, &heap.classes[cls].partial, link)
		{
			err = check_slab(s, cls);
			if (err)
				break;
		}
	}
	heap_unlock(flags);
	return err;
}

#ifndef SIS_HOST_TEST
/*
 * /proc/slabinfo in Linux's version 2.1 layout: per size class the objects
 * in use (active_objs) against the objects its slabs hold (num_objs), so what
 * is allocated shows apart from what partial slabs merely keep free. The
 * kmalloc-large row counts page blocks of bigger requests: objsize is their
 * mean size in bytes, pagesperslab their pages in all. Snapshot under the
 * heap lock, formatted outside it.
 */
/* Where the next line goes, and the room left (none once it overflowed). */
#define SLABINFO_AT(buf, size, len) \
	((size_t)(len) < (size) ? (buf) + (len) : (buf)), \
	((size_t)(len) < (size) ? (size) - (size_t)(len) : 0)

static long slabinfo_show(char *buf, size_t size)
{
	struct slab_class snap[SLAB_CLASSES];
	size_t large_blocks, large_pages;
	unsigned long flags = heap_lock();
	long len;

	memcpy(snap, heap.classes, sizeof(snap));
	large_blocks = heap.large_blocks;
	large_pages = heap.large_pages;
	heap_unlock(flags);
	len = ksnprintf(buf, size, "slabinfo - version: 2.1\n"
			"# name            <active_objs> <num_objs> <objsize> <objperslab> "
			"<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
			"slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	for (unsigned i = 0; i < SLAB_CLASSES; i++) {
		const struct slab_class *c = &snap[i];

		len += ksnprintf(SLABINFO_AT(buf, size, len),
				 "kmalloc-%-8lu %6lu %6lu %6lu %4u %4u : tunables 0 0 0 : "
				 "slabdata %6lu %6lu 0\n",
				 (unsigned long)c->size, (unsigned long)c->active,
				 (unsigned long)(c->slabs * c->nobj), (unsigned long)c->size,
				 c->nobj, 1U << c->order, (unsigned long)c->slabs,
				 (unsigned long)c->slabs);
	}
	len += ksnprintf(SLABINFO_AT(buf, size, len),
				 "kmalloc-large  %6lu %6lu %6lu %4u %4lu : tunables 0 0 0 : "
				 "slabdata %6lu %6lu 0\n",
				 (unsigned long)large_blocks, (unsigned long)large_blocks,
				 large_blocks ? (unsigned long)(large_pages * PAGE_SIZE / large_blocks)
					      : 0UL,
				 1U, (unsigned long)large_pages, (unsigned long)large_blocks,
				 (unsigned long)large_blocks);
	return len; /* the whole length, like snprintf: the caller retries bigger */
}

static int slabinfo_init(void)
{
	int err = vfs_add_generated("/proc/slabinfo", slabinfo_show);

	if (err)
		log_warn("heap: cannot add /proc/slabinfo: %d", err);
	return err;
}
INITCALL(INIT_LATE, slabinfo_init);

static const struct heap_page_provider kernel_pages = {
    .alloc = page_alloc,
    .free = page_free,
};

void heap_init(void)
{
	heap_setup(&kernel_pages);
	log_info("heap: %u size classes, %lu..%lu bytes", SLAB_CLASSES, 1UL << SLAB_MIN_SHIFT,
		 SLAB_MAX_SIZE);
}
#endif
