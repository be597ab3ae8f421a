/*
 * Kernel page tables (VMSAv8-64, 4 KiB granule, Arm ARM D8).
 *
 * Replaces the boot tables (1 GiB blocks, everything executable) with the
 * final TTBR1 map: RAM linear at KVA_BASE + pa, non-executable, in 2 MiB
 * blocks where alignment allows; the kernel image page by page with W^X
 * (text RX, rodata RO, data/bss RW); device MMIO as Device-nGnRE, XN.
 * TTBR0 gets an empty table until a process installs its own. Kernel stacks
 * are mapped in their own area with unmapped guards (sis/kstack.h).
 */
#include <sis/kernel.h>
#include <sis/pgtable.h>
#include <sis/mm.h>
#include <sis/log.h>
#include <sis/arch.h>
#include <sis/board.h>
#include <sis/devtree.h>
#include <sis/irq.h>
#include <sis/kstack.h>
#include <sis/sched.h>

#define SZ_2M (2UL << 20)

extern char _kernel_start[], _etext[], _erodata[], _kernel_end[];

static pte_t *kernel_root;
static pte_t *empty_user_root;

static pte_t *table_of(pte_t e)
{
	return pa_to_kva(e & PTE_ADDR_MASK);
}

/* Entry for va at level (0..3), allocating tables above it if asked. */
static pte_t *walk_to(pte_t *root, u64 va, int level, bool alloc)
{
	static const int shifts[] = { L0_SHIFT, L1_SHIFT, L2_SHIFT, L3_SHIFT };
	pte_t *table = root;

	for (int l = 0; l < level; l++) {
		pte_t *e = &table[PT_INDEX(va, shifts[l])];

		if (!(*e & PTE_VALID)) {
			pte_t *next;

			if (!alloc)
				return NULL;
			next = page_alloc_zeroed(0);
			if (!next)
				return NULL;
			/* Arm ARM D8.2.5: table writes visible before use */
			dsb(ishst);
			*e = kva_to_pa(next) | PTE_VALID | PTE_TABLE;
		} else if (!(*e & PTE_TABLE)) {
			return NULL; /* a block covers it */
		}
		table = table_of(*e);
	}
	return &table[PT_INDEX(va, shifts[level])];
}

int mmu_map_kernel(u64 va, paddr_t pa, size_t size, u64 prot)
{
	u64 end = va + size;

	while (va < end) {
		pte_t *e;

		if (IS_ALIGNED(va, SZ_2M) && IS_ALIGNED(pa, SZ_2M) && end - va >= SZ_2M) {
			e = walk_to(kernel_root, va, 2, true);
			if (!e)
				return -ENOMEM;
			*e = pa | prot | PTE_VALID | PTE_BLOCK;
			va += SZ_2M;
			pa += SZ_2M;
			continue;
		}
		e = walk_to(kernel_root, va, 3, true);
		if (!e)
			return -ENOMEM;
		*e = pa | prot | PTE_VALID | PTE_PAGE;
		va += PAGE_SIZE;
		pa += PAGE_SIZE;
	}
	return 0;
}

static int map_pa_range(paddr_t start, paddr_t end, u64 prot)
{
	if (end <= start)
		return 0;
	return mmu_map_kernel((u64)pa_to_kva(start), start, end - start, prot);
}

static int map_ram_and_image(void)
{
	paddr_t ram = boot_dt.memory.base, ram_end = ram + boot_dt.memory.size;
	paddr_t ks = kva_to_pa(_kernel_start), te = kva_to_pa(_etext);
	paddr_t re = kva_to_pa(_erodata), ke = kva_to_pa(_kernel_end);
	int err = 0;

	err |= map_pa_range(ram, ks, PROT_KERNEL_RW);
	err |= map_pa_range(ks, te, PROT_KERNEL_RX);
	err |= map_pa_range(te, re, PROT_KERNEL_RO);
	err |= map_pa_range(re, ke, PROT_KERNEL_RW);
	err |= map_pa_range(ke, ram_end, PROT_KERNEL_RW);
	return err;
}

static int map_devices(void)
{
	int err = map_pa_range(VIRT_MMIO_START, VIRT_MMIO_START + 0x8000000, PROT_DEVICE);
	const struct dt_reg *regs[] = { &boot_dt.uart, &boot_dt.gicd, &boot_dt.gicc };

	/* Devices the tree places outside the usual window. */
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		paddr_t b = ALIGN_DOWN(regs[i]->base, PAGE_SIZE);
		paddr_t e = ALIGN_UP(regs[i]->base + regs[i]->size, PAGE_SIZE);
		if (b < VIRT_MMIO_START || e > VIRT_MMIO_START + 0x8000000)
			err |= map_pa_range(b, e, PROT_DEVICE);
	}
	return err;
}

void mmu_set_user_table(paddr_t root_pa, u16 asid)
{
	write_sysreg(ttbr0_el1, root_pa | ((u64)asid << 48));
	isb();
}

void tlb_flush_page(u64 va, u16 asid)
{
	u64 arg = ((va >> 12) & 0xfffffffffffUL) | ((u64)asid << 48);

	dsb(ishst);
	__asm__ volatile("tlbi vae1is, %0" ::"r"(arg) : "memory");
	dsb(ish);
	isb();
}

void tlb_flush_asid(u16 asid)
{
	dsb(ishst);
	__asm__ volatile("tlbi aside1is, %0" ::"r"((u64)asid << 48) : "memory");
	dsb(ish);
	isb();
}

void tlb_flush_all(void)
{
	dsb(ishst);
	__asm__ volatile("tlbi vmalle1is" ::: "memory");
	dsb(ish);
	isb();
}

/* Invalidate one global (kernel) page in every ASID's TLB entries. */
static void tlb_flush_kernel_page(u64 va)
{
	dsb(ishst);
	__asm__ volatile("tlbi vaae1is, %0" ::"r"((va >> 12) & 0xfffffffffffUL) : "memory");
	dsb(ish);
	isb();
}

_Static_assert(KSTACK_SIZE == 1UL << KSTACK_SIZE_SHIFT, "kstack.h matches sched.h");
_Static_assert(KSTACK_AREA_BASE & (1UL << KSTACK_AREA_BIT), "the area bit marks the area");

static u64 kstack_used[KSTACK_SLOTS / 64]; /* slots in use; IRQs masked */

static int slot_get(void)
{
	unsigned long flags = irq_save();
	int slot = -1;

	for (int i = 0; i < KSTACK_SLOTS && slot < 0; i++) {
		if (!(kstack_used[i / 64] & (1UL << (i % 64)))) {
			kstack_used[i / 64] |= 1UL << (i % 64);
			slot = i;
		}
	}
	irq_restore(flags);
	return slot;
}

static void slot_put(int slot)
{
	unsigned long flags = irq_save();

	kstack_used[slot / 64] &= ~(1UL << (slot % 64));
	irq_restore(flags);
}

/* Unmap and free the first n pages of the stack at base (upper half of a slot). */
static void kstack_unmap(u64 base, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		u64 va = base + i * PAGE_SIZE;
		pte_t *e = walk_to(kernel_root, va, 3, false);

		pte_t old;

		if (!e || !(*e & PTE_VALID))
			continue;
		old = *e;
		*e = 0;
		tlb_flush_kernel_page(va); /* before the page can be reused */
		page_free(pa_to_kva(old & PTE_ADDR_MASK), 0);
	}
}

void *kstack_alloc(bool user)
{
	u64 base;
	unsigned i;
	int slot;

	/* Pages plus, at worst, one new L3 table for the area. */
	if (user && !page_user_may_alloc(KSTACK_SIZE / PAGE_SIZE + 1))
		return NULL;
	slot = slot_get();
	if (slot < 0)
		return NULL;
	base = KSTACK_AREA_BASE + (u64)slot * KSTACK_SLOT_SIZE + KSTACK_SIZE;
	/* Single pages: a stack needs no contiguous physical block. */
	for (i = 0; i < KSTACK_SIZE / PAGE_SIZE; i++) {
		void *page = page_alloc(0);
		pte_t *e = page ? walk_to(kernel_root, base + i * PAGE_SIZE, 3, true) : NULL;

		if (!e) {
			page_free(page, 0);
			goto out_unmap;
		}
		*e = kva_to_pa(page) | PROT_KERNEL_RW | PTE_VALID | PTE_PAGE;
	}
	dsb(ishst); /* D8.2.5: the entries are visible before the stack is used */
	isb();
	return (void *)base;

out_unmap:
	kstack_unmap(base, i);
	slot_put(slot);
	return NULL;
}

void kstack_free(void *stack)
{
	u64 base = (u64)stack;

	if (!stack)
		return;
	BUG_ON(base < KSTACK_AREA_BASE + KSTACK_SIZE ||
	       base >= KSTACK_AREA_BASE + KSTACK_SLOTS * KSTACK_SLOT_SIZE ||
	       !IS_ALIGNED(base - KSTACK_SIZE, KSTACK_SLOT_SIZE));
	kstack_unmap(base, KSTACK_SIZE / PAGE_SIZE);
	slot_put((int)((base - KSTACK_AREA_BASE) / KSTACK_SLOT_SIZE));
}

bool kstack_in_guard(u64 addr)
{
	return addr >= KSTACK_AREA_BASE &&
	       addr < KSTACK_AREA_BASE + KSTACK_SLOTS * KSTACK_SLOT_SIZE &&
	       !(addr & KSTACK_SIZE);
}

void mmu_init(void)
{
	kernel_root = page_alloc_zeroed(0);
	empty_user_root = page_alloc_zeroed(0);
	if (!kernel_root || !empty_user_root)
		panic("mmu: no memory for page tables");
	if (map_ram_and_image() || map_devices())
		panic("mmu: no memory for page tables");
	/* D8.2.5: table updates complete before the walker may use them. */
	dsb(ish);
	write_sysreg(ttbr1_el1, kva_to_pa(kernel_root));
	write_sysreg(ttbr0_el1, kva_to_pa(empty_user_root));
	isb();
	tlb_flush_all();
	log_info("mmu: kernel mapped W^X: text %lu KiB RX, rodata %lu KiB RO, data %lu KiB RW",
		 (unsigned long)(_etext - _kernel_start) / 1024,
		 (unsigned long)(_erodata - _etext) / 1024,
		 (unsigned long)(_kernel_end - _erodata) / 1024);
}

paddr_t mmu_empty_user_root(void)
{
	return kva_to_pa(empty_user_root);
}
