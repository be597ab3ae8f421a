/*
 * SIS entry point, reached two ways with the MMU off, at EL1 (or EL2 with
 * virtualization=on):
 *  - as a Linux arm64 Image (build/src/sis.img, the image header below;
 *    Linux Documentation/arch/arm64/booting.rst): the boot loader (QEMU's
 *    -kernel) puts it at a 2 MiB-aligned RAM base + text_offset and passes
 *    the device tree's physical address in x0 (x1-x3 = 0);
 *  - as the ELF (build/src/sis.elf, kept for gdb): QEMU jumps to the
 *    physical entry with x0 = 0 and the DTB at the start of RAM.
 * The kernel is linked for one physical address (KERNEL_PA): loaded anywhere
 * else it stops in a wfe loop before touching memory (nothing to print with).
 *
 * 1. Keep x0 (the DTB) for kmain; drop to EL1 if entered at EL2.
 * 2. Enable FP/SIMD (CPACR_EL1.FPEN), clear .bss.
 * 3. Build boot page tables: one L0 + one L1 table shared by TTBR0 and TTBR1,
 *    1 GiB blocks: [0,1G) Device-nGnRE, [1G,256G) Normal WB: all the RAM
 *    `virt` can have (it starts at 1G; its high device regions start at 256G
 *    or above), since mm_init and mmu_init use pages anywhere in it before
 *    the final tables exist. TTBR0 gives the
 *    identity map we need while turning the MMU on, TTBR1 the linear map at
 *    KVA_BASE + pa. mmu_init() later replaces both with 4 KiB-granule W^X
 *    tables.
 * 4. Turn the MMU on, jump to the high alias, set VBAR_EL1 and the boot stack,
 *    call kmain(dtb_pa).
 */
#include <sis/pgtable.h>

#define BOOT_STACK_SIZE (32 * 1024)
/* T0SZ=T1SZ=16, 4K granules, WBWA, inner shareable, 16-bit ASID, and TBI0
 * (bit 37): EL0 addresses ignore their top byte, Linux arm64's tagged-address
 * ABI (Arm ARM D8.8 "Address tagging"; TTBR1's half keeps its tags checked). */
#define TCR_VALUE 0x30b5103510
#define SCTLR_VALUE 0x30d5d81d   /* M C SA SA0 I DZE UCT nTWI nTWE + RES1 */
#define BLOCK_NORMAL 0x705       /* valid block, AttrIdx 1, inner shareable, AF */
#define BLOCK_DEVICE 0x0060000000000401 /* valid block, AttrIdx 0, AF, PXN, UXN */
#define BOOT_RAM_GIB_END 256     /* the boot map's Normal blocks end at 256 GiB */

/* Image header flags: little-endian (bit 0 = 0), 4 KiB pages (bits 1-2 = 1),
 * placed as near the start of RAM as possible (bit 3 = 0). */
#define IMAGE_FLAGS (1 << 1)
#define IMAGE_MAGIC 0x644d5241  /* "ARM\x64" little-endian, at offset 56 */

	.section .text.boot, "ax"
	.global _start
_start:
	/* The 64-byte arm64 Image header; code0 branches over it. */
	b	image_entry		/* code0 */
	.long	0			/* code1 */
	.quad	_image_text_offset	/* text_offset: load offset from a 2 MiB base */
	.quad	_image_size		/* image_size: the image with .bss and boot tables */
	.quad	IMAGE_FLAGS		/* flags */
	.quad	0, 0, 0			/* res2-res4 */
	.long	IMAGE_MAGIC		/* magic */
	.long	0			/* res5: no PE/COFF header */

image_entry:
	msr	daifset, #0xf
	mov	x19, x0			/* DTB physical address, 0 for the ELF */
	adr	x1, _start
	ldr	x2, =_start_pa
	cmp	x1, x2
	b.ne	wrong_place
	mrs	x0, CurrentEL
	lsr	x0, x0, #2
	cmp	x0, #2
	b.ne	el1_start
	/* EL2 -> EL1: AArch64 EL1, timer and FP accessible, no traps. */
	mov	x0, #(1 << 31)
	msr	hcr_el2, x0
	mrs	x0, cnthctl_el2
	orr	x0, x0, #3
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	mov	x0, #0x33ff
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	mov	x0, #0x3c5
	msr	spsr_el2, x0
	adr	x0, el1_start
	msr	elr_el2, x0
	eret

el1_start:
	mov	x0, #(3 << 20)
	msr	cpacr_el1, x0
	isb

	adrp	x0, _bss_start
	add	x0, x0, :lo12:_bss_start
	adrp	x1, _bss_end
	add	x1, x1, :lo12:_bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:
	adrp	x0, boot_l0
	mov	x1, x0
	add	x2, x0, #(2 * 4096)
3:	stp	xzr, xzr, [x1], #16
	cmp	x1, x2
	b.lo	3b
	adrp	x1, boot_l1
	orr	x2, x1, #(PTE_VALID | PTE_TABLE)
	str	x2, [x0]
	ldr	x3, =BLOCK_DEVICE
	str	x3, [x1]
	ldr	x3, =BLOCK_NORMAL
	mov	x7, #0x40000000		/* 1 GiB */
	mov	x4, x7			/* PA of the block */
	mov	x6, #1			/* L1 index */
5:	orr	x5, x3, x4
	str	x5, [x1, x6, lsl #3]
	add	x4, x4, x7
	add	x6, x6, #1
	cmp	x6, #BOOT_RAM_GIB_END
	b.lo	5b

	ldr	x1, =MAIR_VALUE
	msr	mair_el1, x1
	ldr	x1, =TCR_VALUE
	mrs	x2, id_aa64mmfr0_el1
	and	x2, x2, #7
	orr	x1, x1, x2, lsl #32
	msr	tcr_el1, x1
	msr	ttbr0_el1, x0
	msr	ttbr1_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x1, =SCTLR_VALUE
	msr	sctlr_el1, x1
	isb
	ldr	x1, =high_entry
	br	x1

high_entry:
	ldr	x1, =boot_stack_top
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	mov	x29, #0
	mov	x30, #0
	mov	x0, x19
	bl	kmain
4:	wfi
	b	4b

wrong_place:
	wfe
	b	wrong_place
	.ltorg

	.section .boot_pt, "aw", %nobits
	.balign 4096
	.global boot_l0
boot_l0:
	.space 4096
boot_l1:
	.space 4096
	.balign 16
	.global boot_stack
boot_stack:
	.space BOOT_STACK_SIZE
	.global boot_stack_top
boot_stack_top:
