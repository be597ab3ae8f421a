/*
 * File mappings (mmap of a regular file): the pages that every mapping of
 * the file maps (its page cache), one per file page, kept by the inode
 * (inode->reg.filemap) and made on first use from the file's contents.
 *
 * The file's contents (one heap block, vfs.c) stay the file; the pages are
 * a second copy kept equal to it for the part they cover:
 *   - write(2) and truncate update the contents, then the pages (filemap_
 *     written, filemap_truncated);
 *   - a store through a mapping changes only the pages, so before anything
 *     reads the contents (read(2), exec, a private mapping, msync) the pages
 *     are copied back (filemap_sync), for files mapped writable only, and
 *     only where they differ (so mtime moves only for real changes).
 * Stores past the end of the file stay in the pages and never reach it (as
 * on Linux, where they are dropped). The pages are a cache: when user
 * memory runs out, those no mapping uses are dropped (filemap_reclaim). The pages outlive the inode while
 * mapped: each mapping holds a reference (vm_map_pages), the filemap one.
 *
 * Private mappings (MAP_PRIVATE) map the same pages copy-on-write (vm.c):
 * a page not yet written is the file's, so it sees write(2), truncate and
 * other mappings' stores as on Linux; a write copies it, so the file never
 * sees a private store. Every process running a library maps the same
 * pages.
 *
 * Pages wholly past the end of the file are mapped too (shared and
 * private alike), but faulting: an access is SIGBUS, as on Linux, until
 * the file grows over the page (filemap_in_file, asked by vm.c's fault);
 * a truncate makes the mapped pages past the new end fault again.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/vm.h>
#include <sis/vfs.h>
#include <sis/list.h>
#include <sis/init.h>
#include <uapi/sis/stat.h>
#include "vfs_internal.h"

struct filemap {
	struct inode *inode;   /* whose pages; cleared when the inode goes */
	size_t npages;         /* length of pages[] */
	void **pages;          /* kernel VA of file page i, NULL until first mapped */
	bool writable;         /* mapped PROT_WRITE-able (O_RDWR): pages may be newer */
	bool busy;             /* being mapped: filemap_reclaim leaves it alone */
	struct list_head node; /* in filemaps: msync writes them all back */
};

static LIST_HEAD(filemaps);

static struct filemap *filemap_get(struct inode *ino)
{
	struct filemap *fm = ino->reg.filemap;

	if (fm)
		return fm;
	fm = kzalloc(sizeof(*fm));
	if (!fm)
		return NULL;
	fm->inode = ino;
	list_add_tail(&fm->node, &filemaps);
	ino->reg.filemap = fm;
	return fm;
}

/* pages[] long enough for page index last. */
static int grow_array(struct filemap *fm, size_t last)
{
	size_t n = MAX(last + 1, fm->npages * 2);
	void **p;

	if (last < fm->npages)
		return 0;
	p = krealloc(fm->pages, n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	memset(p + fm->npages, 0, (n - fm->npages) * sizeof(*p));
	fm->pages = p;
	fm->npages = n;
	return 0;
}

/* Page i, made from the contents if it is new. */
static void *page_at(struct filemap *fm, size_t i)
{
	const char *bytes = vfs_reg_contents(fm->inode);
	size_t size = fm->inode->reg.size, off = i * PAGE_SIZE;
	void *pg = fm->pages[i];

	if (pg)
		return pg;
	pg = vm_page_alloc();
	if (!pg)
		return NULL;
	if (off < size)
		memcpy(pg, bytes + off, MIN(PAGE_SIZE, size - off));
	fm->pages[i] = pg;
	return pg;
}

/* Pages of the file, the last one partly (a page past them is past the end). */
static size_t pages_in_file(const struct inode *ino)
{
	return ALIGN_UP(ino->reg.size, PAGE_SIZE) / PAGE_SIZE;
}

/* Make pages [first, first+n) and map them at va (prot as vm_map_pages);
 * those wholly past the end of the file fault. */
static int map_file_pages(struct vm_space *vm, u64 va, struct filemap *fm, size_t first,
			  size_t n, unsigned prot)
{
	size_t in_file = pages_in_file(fm->inode);
	int err = 0;

	if (grow_array(fm, first + n - 1))
		return -ENOMEM;
	fm->busy = true; /* allocations below may reclaim: not these pages */
	for (size_t i = first; i < first + n && !err; i++)
		if (!page_at(fm, i))
			err = -ENOMEM; /* pages made so far stay for the next try */
	if (!err)
		err = vm_map_pages(vm, va, fm->pages + first, n, prot,
				   in_file > first ? in_file - first : 0);
	fm->busy = false;
	return err;
}

int filemap_map(struct vm_space *vm, u64 va, size_t len, unsigned prot, struct inode *ino,
		u64 off, bool writable)
{
	size_t first = off / PAGE_SIZE;
	struct filemap *fm;
	int err;

	err = filemap_sync(ino); /* new pages copy the contents: make them current */
	if (err)
		return err;
	fm = filemap_get(ino);
	if (!fm)
		return -ENOMEM;
	err = map_file_pages(vm, va, fm, first, len / PAGE_SIZE, prot);
	if (!err && writable)
		fm->writable = true;
	return err;
}

/* Copy the pages back into the contents where they differ. */
int filemap_sync(struct inode *ino)
{
	struct filemap *fm = S_ISREG(ino->mode) ? ino->reg.filemap : NULL;
	size_t size = S_ISREG(ino->mode) ? ino->reg.size : 0;

	if (!fm || !fm->writable)
		return 0;
	for (size_t i = 0; i < fm->npages && i * PAGE_SIZE < size; i++) {
		size_t off = i * PAGE_SIZE, n = MIN(PAGE_SIZE, size - off);
		char *dst;

		if (!fm->pages[i] || !memcmp(vfs_reg_contents(ino) + off, fm->pages[i], n))
			continue;
		dst = vfs_reg_write_area(ino, off, n);
		if (IS_ERR(dst)) {
			log_warn("vfs: shared mapping of inode %lu not written back: %ld",
				 (unsigned long)ino->ino, PTR_ERR(dst));
			return (int)PTR_ERR(dst);
		}
		memcpy(dst, fm->pages[i], n);
	}
	return 0;
}

int filemap_sync_all(void)
{
	struct filemap *fm;
	int err = 0;

	list_for_each_entry(fm, &filemaps, node)
		if (fm->inode && !err)
			err = filemap_sync(fm->inode);
	return err;
}

/* The contents of [off, off+len) changed (write(2)): so do the pages. */
void filemap_written(struct inode *ino, size_t off, size_t len)
{
	struct filemap *fm = ino->reg.filemap;
	const char *bytes = vfs_reg_contents(ino);

	if (!fm)
		return;
	for (size_t i = off / PAGE_SIZE; i < fm->npages && i * PAGE_SIZE < off + len; i++) {
		size_t lo = MAX(off, i * PAGE_SIZE), hi = MIN(off + len, (i + 1) * PAGE_SIZE);

		if (fm->pages[i])
			memcpy((char *)fm->pages[i] + (lo - i * PAGE_SIZE), bytes + lo, hi - lo);
	}
}

/* The file is size bytes now: pages past it read as zero, and those wholly
 * past it fault wherever they are mapped (SIGBUS). */
void filemap_truncated(struct inode *ino, size_t size)
{
	struct filemap *fm = ino->reg.filemap;

	if (!fm)
		return;
	for (size_t i = size / PAGE_SIZE; i < fm->npages; i++) {
		size_t from = i == size / PAGE_SIZE ? size % PAGE_SIZE : 0;

		if (!fm->pages[i])
			continue;
		memset((char *)fm->pages[i] + from, 0, PAGE_SIZE - from);
		if (i * PAGE_SIZE >= size)
			vm_revoke_page(fm->pages[i]);
	}
}

/* vm.c's fault on a page mapped past the end of its file: does the file
 * cover the page now (1, 0; -1: no file holds the page any more)? */
static int filemap_in_file(const void *page)
{
	struct filemap *fm;

	list_for_each_entry(fm, &filemaps, node) {
		if (!fm->inode)
			continue;
		for (size_t i = 0; i < fm->npages; i++)
			if (fm->pages[i] == page)
				return i < pages_in_file(fm->inode);
	}
	return -1;
}

/* Does page i hold what the file does (for the part the file covers)? */
static bool page_clean(struct filemap *fm, size_t i)
{
	size_t size = fm->inode->reg.size, off = i * PAGE_SIZE;

	return off >= size ||
	       !memcmp(fm->pages[i], vfs_reg_contents(fm->inode) + off, MIN(PAGE_SIZE, size - off));
}

/*
 * Memory is short (vm.c): drop the pages no mapping uses, which the next
 * mapping makes again from the contents. Of a file mapped writable only the
 * pages equal to its contents go: reclaim writes nothing back (it runs in
 * the middle of an allocation, whoever asked). Returns the pages freed.
 */
static size_t filemap_reclaim(void)
{
	struct filemap *fm;
	size_t freed = 0;

	list_for_each_entry(fm, &filemaps, node) {
		if (fm->busy || !fm->inode)
			continue;
		for (size_t i = 0; i < fm->npages; i++) {
			if (!fm->pages[i] || vm_page_mapped(fm->pages[i]) ||
			    (fm->writable && !page_clean(fm, i)))
				continue;
			vm_page_put(fm->pages[i]);
			fm->pages[i] = NULL;
			freed++;
		}
	}
	return freed;
}

void filemap_stats(size_t *cached, size_t *unmapped)
{
	struct filemap *fm;

	*cached = *unmapped = 0;
	list_for_each_entry(fm, &filemaps, node) {
		for (size_t i = 0; i < fm->npages; i++) {
			if (!fm->pages[i])
				continue;
			(*cached)++;
			*unmapped += !vm_page_mapped(fm->pages[i]);
		}
	}
}

static int filemap_init(void)
{
	vm_set_reclaim(filemap_reclaim);
	vm_set_in_file(filemap_in_file);
	return 0;
}
INITCALL(INIT_CORE, filemap_init);

/* The inode is freed: drop the filemap's references (mappings keep theirs). */
void filemap_release(struct inode *ino)
{
	struct filemap *fm = ino->reg.filemap;

	if (!fm)
		return;
	for (size_t i = 0; i < fm->npages; i++)
		if (fm->pages[i])
			vm_page_put(fm->pages[i]);
	list_del(&fm->node);
	kfree(fm->pages);
	kfree(fm);
	ino->reg.filemap = NULL;
}
