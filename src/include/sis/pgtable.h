/*
 * AArch64 stage-1 translation descriptors, 4 KiB granule, 48-bit VAs,
 * four levels (L0..L3). Arm ARM D8.3 (VMSAv8-64 translation table format).
 */
#ifndef SIS_PGTABLE_H
#define SIS_PGTABLE_H

#ifndef __ASSEMBLER__
#include <sis/types.h>
#endif

#define PTE_VALID (1UL << 0)
#define PTE_TABLE (1UL << 1) /* L0-L2: next-level table; L3: page */
#define PTE_PAGE (1UL << 1)
#define PTE_BLOCK (0UL << 1)
#define PTE_ATTR(idx) ((u64)(idx) << 2)
#define PTE_AP_EL1_RW (0UL << 6)
#define PTE_AP_RW (1UL << 6) /* EL1 and EL0 read/write */
#define PTE_AP_EL1_RO (2UL << 6)
#define PTE_AP_RO (3UL << 6) /* EL1 and EL0 read-only */
#define PTE_AP_MASK (3UL << 6)
#define PTE_SH_INNER (3UL << 8)
#define PTE_AF (1UL << 10)
#define PTE_NG (1UL << 11)
#define PTE_PXN (1UL << 53)
#define PTE_UXN (1UL << 54)
/* Software bits 55..58 (ignored by hardware). */
#define PTE_SW_COW (1UL << 55)
#define PTE_ADDR_MASK 0x0000fffffffff000UL

/* MAIR_EL1 attribute indexes, programmed in boot.S. */
#define MT_DEVICE_nGnRE 0 /* 0x04 */
#define MT_NORMAL 1       /* 0xff: inner/outer write-back, RW-allocate */
#define MT_NORMAL_NC 2    /* 0x44 */
#define MAIR_VALUE 0x000000000044ff04UL

/* Common leaf attribute sets. */
#define PROT_KERNEL_RW (PTE_AF | PTE_SH_INNER | PTE_ATTR(MT_NORMAL) | PTE_AP_EL1_RW | PTE_PXN | PTE_UXN)
#define PROT_KERNEL_RO (PTE_AF | PTE_SH_INNER | PTE_ATTR(MT_NORMAL) | PTE_AP_EL1_RO | PTE_PXN | PTE_UXN)
#define PROT_KERNEL_RX (PTE_AF | PTE_SH_INNER | PTE_ATTR(MT_NORMAL) | PTE_AP_EL1_RO | PTE_UXN)
#define PROT_DEVICE (PTE_AF | PTE_ATTR(MT_DEVICE_nGnRE) | PTE_AP_EL1_RW | PTE_PXN | PTE_UXN)
/* User pages are W^X: data RW+XN, text RO+X; never executable by EL1. */
#define PROT_USER_RW (PTE_AF | PTE_SH_INNER | PTE_ATTR(MT_NORMAL) | PTE_AP_RW | PTE_NG | PTE_PXN | PTE_UXN)
#define PROT_USER_RO (PTE_AF | PTE_SH_INNER | PTE_ATTR(MT_NORMAL) | PTE_AP_RO | PTE_NG | PTE_PXN | PTE_UXN)
#define PROT_USER_RX (PTE_AF | PTE_SH_INNER | PTE_ATTR(MT_NORMAL) | PTE_AP_RO | PTE_NG | PTE_PXN)

#ifndef __ASSEMBLER__
#define PT_ENTRIES 512
#define L0_SHIFT 39
#define L1_SHIFT 30
#define L2_SHIFT 21
#define L3_SHIFT 12
#define PT_INDEX(va, shift) (((va) >> (shift)) & (PT_ENTRIES - 1))

typedef u64 pte_t;

/*
 * Kernel (TTBR1) mappings. mmu_map_kernel maps [va, va+size) to pa with the
 * given leaf attributes, using 2 MiB blocks where alignment allows.
 * Returns 0 or -ENOMEM. Boot-time only.
 */
void mmu_init(void);
int mmu_map_kernel(u64 va, paddr_t pa, size_t size, u64 prot);

/* An empty TTBR0 table, for tasks without user space. */
paddr_t mmu_empty_user_root(void);

/* Install a user address space (root table, ASID) in TTBR0. */
void mmu_set_user_table(paddr_t root_pa, u16 asid);
/* Invalidate TLB entries: one user page (va, asid), a whole ASID, or all. */
void tlb_flush_page(u64 va, u16 asid);
void tlb_flush_asid(u16 asid);
void tlb_flush_all(void);

#endif /* __ASSEMBLER__ */
#endif
