/*
 * Kernel heap internals: private to src/mm (page.c and the host tests).
 *
 * The heap gets its pages through a provider so the host tests can back it
 * with the buddy core on a malloc'ed arena; in the kernel heap_init() plugs in
 * page_alloc()/page_free().
 */
#ifndef SIS_MM_HEAP_H
#define SIS_MM_HEAP_H

#include <sis/types.h>

struct heap_page_provider {
	/* 2^order contiguous pages aligned to their size, or NULL. */
	void *(*alloc)(unsigned order);
	void (*free)(void *p, unsigned order);
};

/*
 * Start (or restart, in tests) the heap on a page provider. Any previous
 * heap state is forgotten, not freed: call it only when nothing is allocated.
 */
void heap_setup(const struct heap_page_provider *pages);

/* Sum of kmalloc_usable_size() over live allocations. */
size_t heap_bytes_in_use(void);

/* Pages the heap holds from its provider (slabs and large blocks). */
size_t heap_pages_held(void);

/* Walk every slab and check its bookkeeping; 0 or -EINVAL. For tests. */
int heap_check(void);

#endif
