/*
 * What SIS learns from the flattened device tree the boot loader hands over
 * (x0 of the arm64 Image protocol; for the ELF, QEMU's at the start of RAM;
 * read with libfdt). Board constants in board.h are used only when the
 * tree is missing or lacks a node.
 */
#ifndef SIS_DEVTREE_H
#define SIS_DEVTREE_H

#include <sis/types.h>

#define DT_MAX_VIRTIO 32

struct dt_reg {
	paddr_t base;
	u64 size;
};

struct dt_virtio_mmio {
	struct dt_reg reg;
	unsigned intid; /* GIC INTID (SPI n -> 32+n) */
};

struct dt_info {
	bool valid;               /* a DTB was found and parsed */
	struct dt_reg memory;     /* first /memory node */
	char bootargs[1024];      /* /chosen/bootargs, "" if none */
	struct dt_reg uart;       /* arm,pl011 */
	unsigned uart_intid;
	struct dt_reg gicd, gicc; /* arm,cortex-a15-gic (GICv2) */
	unsigned timer_intid;     /* virtual timer PPI as INTID (27) */
	u32 timer_freq;           /* clock-frequency if given, else 0 */
	int n_virtio;
	struct dt_virtio_mmio virtio[DT_MAX_VIRTIO]; /* in address order */
	struct dt_reg initrd;     /* /chosen linux,initrd-start/end; size 0 if none */
	char model[64];
};

/*
 * Parse the DTB at fdt (virtual address). Returns 0 or -EINVAL if it is not a
 * valid tree; fields the tree lacks keep the values already in *info (the
 * caller pre-fills them from board defaults). Pure: also built for host tests.
 */
int devtree_parse(const void *fdt, struct dt_info *info);
void devtree_defaults(struct dt_info *info); /* board.h constants */

/*
 * As devtree_parse(), for a DTB known to lie in bufsize readable bytes: a
 * tree claiming to be bigger (e.g. truncated) is rejected with -EINVAL and
 * nothing past bufsize is read. devtree_parse() assumes DT_MAX_SIZE. On
 * success info->valid is set.
 */
#define DT_MAX_SIZE (2UL << 20) /* room QEMU leaves below the kernel image */
int devtree_parse_sized(const void *fdt, size_t bufsize, struct dt_info *info);

extern struct dt_info boot_dt; /* filled once at boot */
extern paddr_t boot_dtb_pa;    /* where that tree is (reserved memory, kept) */
/* The boot device tree, for lookups boot_dt does not keep; only if boot_dt.valid. */
#define boot_fdt() ((const void *)pa_to_kva(boot_dtb_pa))

#endif
