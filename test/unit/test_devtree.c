/*
 * Device tree reader (src/lib/devtree.c) on the host.
 *
 * With no arguments: synthetic trees built with libfdt check cell sizes,
 * string and number properties, interrupt specifiers, the GIC/timer/virtio
 * nodes and, for every malformed property, that the pre-filled value is kept.
 * With "DTB [mem=N] [bootargs=S] [initrd=FILE]": a tree QEMU dumped at build
 * time is parsed and every field compared with what that QEMU command line
 * implies; fields the tree does not have must keep a poisoned pre-fill.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <libfdt.h>
#include <sis/kernel.h>
#include <sis/devtree.h>
#include <sis/board.h>

#include "unit.h"

#define TREE_SIZE 65536
#define POISON_U32 0xa5a5a5a5U
#define POISON_U64 0xa5a5a5a5a5a5a5a5ULL

/* Pre-fill that no tree field can produce, to see what parsing changed. */
static void poison(struct dt_info *info)
{
	memset(info, 0xa5, sizeof(*info));
	info->valid = false;
	strcpy(info->bootargs, "prefilled");
	strcpy(info->model, "prefilled");
}

static void check_reg(const struct dt_reg *r, u64 base, u64 size, const char *what)
{
	if (r->base != base || r->size != size) {
		fprintf(stderr, "%s: reg 0x%llx+0x%llx, expected 0x%llx+0x%llx\n", what,
			(unsigned long long)r->base, (unsigned long long)r->size,
			(unsigned long long)base, (unsigned long long)size);
		unit_failures++;
	}
}

/* ---- Trees QEMU dumped -------------------------------------------------- */

struct expect {
	u64 mem;
	const char *bootargs; /* NULL: no bootargs in the tree */
	const char *initrd;   /* file QEMU loaded as initrd, or NULL */
};

static void check_virt(const struct dt_info *dt, const struct expect *e)
{
	CHECK(dt->valid);
	CHECK_STR(dt->model, "linux,dummy-virt");
	check_reg(&dt->memory, VIRT_RAM_BASE, e->mem, "memory");
	check_reg(&dt->uart, VIRT_UART_BASE, 0x1000, "uart");
	CHECK_EQ(dt->uart_intid, VIRT_UART_INTID);
	check_reg(&dt->gicd, VIRT_GICD_BASE, 0x10000, "gicd");
	check_reg(&dt->gicc, VIRT_GICC_BASE, 0x10000, "gicc");
	CHECK_EQ(dt->timer_intid, VIRT_TIMER_VIRT_INTID);
	CHECK_EQ(dt->timer_freq, POISON_U32); /* virt's timer node has no clock-frequency */
	CHECK_EQ(dt->n_virtio, VIRT_VIRTIO_COUNT);
	for (int i = 0; i < dt->n_virtio && i < DT_MAX_VIRTIO; i++) {
		check_reg(&dt->virtio[i].reg, VIRT_VIRTIO_BASE + (u64)i * VIRT_VIRTIO_SIZE,
			  VIRT_VIRTIO_SIZE, "virtio");
		CHECK_EQ(dt->virtio[i].intid, VIRT_VIRTIO_INTID0 + (unsigned)i);
	}
	CHECK_STR(dt->bootargs, e->bootargs ? e->bootargs : "prefilled");
	if (e->initrd) {
		struct stat st;

		CHECK(stat(e->initrd, &st) == 0);
		CHECK_EQ(dt->initrd.size, (u64)st.st_size);
		CHECK(dt->initrd.base >= VIRT_RAM_BASE &&
		      dt->initrd.base + dt->initrd.size <= VIRT_RAM_BASE + e->mem);
	} else {
		CHECK_EQ(dt->initrd.base, POISON_U64);
		CHECK_EQ(dt->initrd.size, POISON_U64);
	}
}

/* Field by field: struct padding may differ. */
static bool same_info(const struct dt_info *a, const struct dt_info *b)
{
	bool same = a->valid == b->valid && a->uart_intid == b->uart_intid &&
		    a->timer_intid == b->timer_intid && a->timer_freq == b->timer_freq &&
		    a->n_virtio == b->n_virtio && !strcmp(a->bootargs, b->bootargs) &&
		    !strcmp(a->model, b->model);
	const struct dt_reg *ra[] = {&a->memory, &a->uart, &a->gicd, &a->gicc, &a->initrd};
	const struct dt_reg *rb[] = {&b->memory, &b->uart, &b->gicd, &b->gicc, &b->initrd};

	for (size_t i = 0; i < ARRAY_SIZE(ra); i++)
		same = same && ra[i]->base == rb[i]->base && ra[i]->size == rb[i]->size;
	for (int i = 0; same && i < a->n_virtio && i < DT_MAX_VIRTIO; i++)
		same = a->virtio[i].reg.base == b->virtio[i].reg.base &&
		       a->virtio[i].reg.size == b->virtio[i].reg.size &&
		       a->virtio[i].intid == b->virtio[i].intid;
	return same;
}

static int test_qemu_dtb(int argc, char **argv)
{
	struct expect e = {128ULL << 20, NULL, NULL};
	struct dt_info a, b;
	size_t len;
	unsigned char *dtb = unit_read_file(argv[1], &len), *big;

	for (int i = 2; i < argc; i++) {
		if (strncmp(argv[i], "mem=", 4) == 0)
			e.mem = strtoull(argv[i] + 4, NULL, 0);
		else if (strncmp(argv[i], "bootargs=", 9) == 0)
			e.bootargs = argv[i] + 9;
		else if (strncmp(argv[i], "initrd=", 7) == 0)
			e.initrd = argv[i] + 7;
		else
			fprintf(stderr, "unknown argument %s\n", argv[i]), unit_failures++;
	}
	poison(&a);
	CHECK_EQ(devtree_parse_sized(dtb, len, &a), 0);
	check_virt(&a, &e);

	/* devtree_parse() reads the same from a DT_MAX_SIZE region. */
	big = calloc(1, DT_MAX_SIZE);
	memcpy(big, dtb, len);
	poison(&b);
	CHECK_EQ(devtree_parse(big, &b), 0);
	CHECK(same_info(&a, &b));

	/* On top of the board defaults, as kmain does. */
	devtree_defaults(&b);
	CHECK_EQ(devtree_parse_sized(dtb, len, &b), 0);
	CHECK_EQ(b.timer_freq, 0);
	if (!e.initrd)
		CHECK_EQ(b.initrd.size, 0);
	free(big);
	free(dtb);
	return unit_finish(argv[1]);
}

/* ---- Synthetic trees ----------------------------------------------------- */

static void set_cells(void *fdt, int node, const char *name, const u32 *cells, int n)
{
	fdt32_t be[32];

	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	CHECK_EQ(fdt_setprop(fdt, node, name, be, n * 4), 0);
}
#define SET_CELLS(fdt, node, name, ...)                                                            \
	set_cells(fdt, node, name, (const u32[]){__VA_ARGS__},                                     \
		  (int)(sizeof((const u32[]){__VA_ARGS__}) / sizeof(u32)))

static int add_node(void *fdt, const char *path_parent, const char *name)
{
	int parent = fdt_path_offset(fdt, path_parent), node;

	CHECK(parent >= 0);
	node = fdt_add_subnode(fdt, parent, name);
	CHECK(node >= 0);
	return node;
}

static int node_at(void *fdt, const char *path)
{
	int node = fdt_path_offset(fdt, path);

	CHECK(node >= 0);
	return node;
}

/*
 * A small board unlike virt: 1-cell addresses, gic-400, virtio nodes out of
 * address order, 64-bit initrd cells, a timer clock-frequency.
 */
static void *base_tree(void)
{
	void *fdt = calloc(1, TREE_SIZE);
	int n;

	CHECK_EQ(fdt_create_empty_tree(fdt, TREE_SIZE), 0);
	SET_CELLS(fdt, 0, "#address-cells", 1);
	SET_CELLS(fdt, 0, "#size-cells", 1);
	SET_CELLS(fdt, 0, "interrupt-parent", 1);
	CHECK_EQ(fdt_setprop_string(fdt, 0, "model", "synthetic board"), 0);
	n = add_node(fdt, "/", "intc@2c001000");
	CHECK_EQ(fdt_setprop_string(fdt, n, "compatible", "arm,gic-400"), 0);
	SET_CELLS(fdt, n, "reg", 0x2c001000, 0x1000, 0x2c002000, 0x2000);
	SET_CELLS(fdt, n, "#interrupt-cells", 3);
	SET_CELLS(fdt, n, "phandle", 1);
	n = add_node(fdt, "/", "memory@80000000");
	CHECK_EQ(fdt_setprop_string(fdt, n, "device_type", "memory"), 0);
	SET_CELLS(fdt, n, "reg", 0x80000000, 0x2000000);
	n = add_node(fdt, "/", "chosen");
	CHECK_EQ(fdt_setprop_string(fdt, n, "bootargs", "root=x quiet"), 0);
	CHECK_EQ(fdt_setprop_u64(fdt, n, "linux,initrd-start", 0x88000000), 0);
	CHECK_EQ(fdt_setprop_u64(fdt, n, "linux,initrd-end", 0x88100000), 0);
	n = add_node(fdt, "/", "serial@1c090000");
	CHECK_EQ(fdt_setprop(fdt, n, "compatible", "arm,pl011\0arm,primecell", 24), 0);
	SET_CELLS(fdt, n, "reg", 0x1c090000, 0x1000);
	SET_CELLS(fdt, n, "interrupts", 0, 5, 4);
	n = add_node(fdt, "/", "timer");
	CHECK_EQ(fdt_setprop(fdt, n, "compatible", "arm,armv8-timer\0arm,armv7-timer", 32), 0);
	SET_CELLS(fdt, n, "interrupts", 1, 13, 0xf08, 1, 14, 0xf08, 1, 11, 0xf08, 1, 10, 0xf08);
	SET_CELLS(fdt, n, "clock-frequency", 100000000);
	for (int i = 0; i < 3; i++) {
		static const u32 base[] = {0x1c140000, 0x1c130000, 0x1c150000};
		char name[32];

		snprintf(name, sizeof(name), "virtio@%x", base[i]);
		n = add_node(fdt, "/", name);
		CHECK_EQ(fdt_setprop_string(fdt, n, "compatible", "virtio,mmio"), 0);
		SET_CELLS(fdt, n, "reg", base[i], 0x200);
		SET_CELLS(fdt, n, "interrupts", 0, 42 + (base[i] - 0x1c130000) / 0x10000, 1);
	}
	return fdt;
}

/* Parse a packed copy in a buffer of exactly its size (ASan sees overreads). */
static int parse(const void *fdt, struct dt_info *info)
{
	void *tmp = malloc(TREE_SIZE), *exact;
	int rc;

	CHECK_EQ(fdt_open_into(fdt, tmp, TREE_SIZE), 0);
	CHECK_EQ(fdt_pack(tmp), 0);
	exact = malloc(fdt_totalsize(tmp));
	memcpy(exact, tmp, fdt_totalsize(tmp));
	poison(info);
	rc = devtree_parse_sized(exact, fdt_totalsize(tmp), info);
	free(exact);
	free(tmp);
	return rc;
}

static void test_base_tree(void)
{
	void *fdt = base_tree();
	struct dt_info dt;

	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK(dt.valid);
	CHECK_STR(dt.model, "synthetic board");
	check_reg(&dt.memory, 0x80000000, 0x2000000, "memory");
	CHECK_STR(dt.bootargs, "root=x quiet");
	check_reg(&dt.initrd, 0x88000000, 0x100000, "initrd");
	check_reg(&dt.uart, 0x1c090000, 0x1000, "uart");
	CHECK_EQ(dt.uart_intid, 37);
	check_reg(&dt.gicd, 0x2c001000, 0x1000, "gicd");
	check_reg(&dt.gicc, 0x2c002000, 0x2000, "gicc");
	CHECK_EQ(dt.timer_intid, 27);
	CHECK_EQ(dt.timer_freq, 100000000);
	CHECK_EQ(dt.n_virtio, 3);
	for (int i = 0; i < 3; i++) {
		check_reg(&dt.virtio[i].reg, 0x1c130000 + 0x10000 * (u64)i, 0x200, "virtio");
		CHECK_EQ(dt.virtio[i].intid, 74 + (unsigned)i);
	}
	free(fdt);
}

static void test_cells(void)
{
	void *fdt = base_tree();
	struct dt_info dt;

	/* 2+2 cells at the root: memory above 4 GiB; 1+1-cell regs now too short. */
	SET_CELLS(fdt, 0, "#address-cells", 2);
	SET_CELLS(fdt, 0, "#size-cells", 2);
	SET_CELLS(fdt, node_at(fdt, "/memory@80000000"), "reg", 0x8, 0x0, 0x1, 0x0);
	CHECK_EQ(parse(fdt, &dt), 0);
	check_reg(&dt.memory, 0x800000000ULL, 0x100000000ULL, "memory");
	CHECK_EQ(dt.uart.base, POISON_U64);
	CHECK_EQ(dt.gicd.base, POISON_U64);
	CHECK_EQ(dt.virtio[0].reg.base, POISON_U64);
	CHECK_EQ(dt.uart_intid, 37); /* interrupts do not depend on reg cells */

	/* 3 address cells cannot be represented: nothing with reg is taken. */
	SET_CELLS(fdt, 0, "#address-cells", 3);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.memory.base, POISON_U64);
	/* Bad #size-cells property (wrong length): rejected. */
	SET_CELLS(fdt, 0, "#address-cells", 2);
	CHECK_EQ(fdt_setprop(fdt, 0, "#size-cells", "\0\0", 2), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.memory.base, POISON_U64);
	free(fdt);

	/* A device under a bus with its own cells. */
	fdt = base_tree();
	CHECK_EQ(fdt_del_node(fdt, node_at(fdt, "/serial@1c090000")), 0);
	{
		int bus = add_node(fdt, "/", "soc"), n;

		SET_CELLS(fdt, bus, "#address-cells", 2);
		SET_CELLS(fdt, bus, "#size-cells", 1);
		n = add_node(fdt, "/soc", "serial@1c090000");
		CHECK_EQ(fdt_setprop_string(fdt, n, "compatible", "arm,pl011"), 0);
		SET_CELLS(fdt, n, "reg", 0x1, 0x1c090000, 0x1000);
		SET_CELLS(fdt, n, "interrupts", 0, 6, 4);
	}
	CHECK_EQ(parse(fdt, &dt), 0);
	check_reg(&dt.uart, 0x11c090000ULL, 0x1000, "uart on soc");
	CHECK_EQ(dt.uart_intid, 38);
	free(fdt);
}

static void test_memory_node(void)
{
	void *fdt = base_tree();
	struct dt_info dt;
	int mem = node_at(fdt, "/memory@80000000");

	CHECK_EQ(fdt_delprop(fdt, mem, "device_type"), 0); /* found by name then */
	CHECK_EQ(parse(fdt, &dt), 0);
	check_reg(&dt.memory, 0x80000000, 0x2000000, "memory by name");
	CHECK_EQ(fdt_setprop(fdt, node_at(fdt, "/memory@80000000"), "reg", "\0\0\0\1", 4), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.memory.base, POISON_U64);
	SET_CELLS(fdt, node_at(fdt, "/memory@80000000"), "reg", 0x80000000, 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.memory.size, POISON_U64); /* empty memory is no memory */
	CHECK_EQ(fdt_del_node(fdt, node_at(fdt, "/memory@80000000")), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.memory.base, POISON_U64);
	free(fdt);
}

static void test_chosen(void)
{
	char longargs[1500];
	struct dt_info dt;
	void *fdt = base_tree();
	int ch = node_at(fdt, "/chosen");

	SET_CELLS(fdt, ch, "linux,initrd-start", 0x48000000);
	SET_CELLS(fdt, ch, "linux,initrd-end", 0x48000123);
	CHECK_EQ(parse(fdt, &dt), 0);
	check_reg(&dt.initrd, 0x48000000, 0x123, "initrd 32-bit");
	SET_CELLS(fdt, node_at(fdt, "/chosen"), "linux,initrd-end", 0x47000000);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.initrd.size, POISON_U64); /* end before start */
	CHECK_EQ(fdt_setprop(fdt, node_at(fdt, "/chosen"), "linux,initrd-end", "\0\0\0\0\0\0", 6),
		 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.initrd.size, POISON_U64); /* 6-byte cells */
	CHECK_EQ(fdt_delprop(fdt, node_at(fdt, "/chosen"), "linux,initrd-end"), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.initrd.size, POISON_U64);

	CHECK_EQ(fdt_setprop(fdt, node_at(fdt, "/chosen"), "bootargs", "abc", 3), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_STR(dt.bootargs, "prefilled"); /* not NUL-terminated */
	CHECK_EQ(fdt_setprop(fdt, node_at(fdt, "/chosen"), "bootargs", "", 0), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_STR(dt.bootargs, "prefilled"); /* empty property */
	memset(longargs, 'x', sizeof(longargs));
	longargs[sizeof(longargs) - 1] = '\0';
	CHECK_EQ(fdt_setprop_string(fdt, node_at(fdt, "/chosen"), "bootargs", longargs), 0);
	unit_log_reset();
	unit_log_quiet(true);
	CHECK_EQ(parse(fdt, &dt), 0);
	unit_log_quiet(false);
	CHECK_STR(dt.bootargs, "prefilled"); /* too long: ignored, not cut */
	CHECK_EQ(unit_log_count(LOG_WARN), 1);
	longargs[sizeof(dt.bootargs) - 1] = '\0';
	CHECK_EQ(fdt_setprop_string(fdt, node_at(fdt, "/chosen"), "bootargs", longargs), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_STR(dt.bootargs, longargs); /* 1023 characters fit */
	CHECK_EQ(fdt_setprop_string(fdt, 0, "model", longargs), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(strlen(dt.model), sizeof(dt.model) - 1); /* display only: cut */
	CHECK_EQ(fdt_del_node(fdt, node_at(fdt, "/chosen")), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_STR(dt.bootargs, "prefilled");
	free(fdt);
}

static void test_interrupts(void)
{
	static const struct {
		const char *what;
		u32 cells[3];
		int ncells;
		unsigned expect; /* 0: rejected */
	} cases[] = {
	    {"SPI 0", {0, 0, 4}, 3, 32},    {"SPI 987", {0, 987, 4}, 3, 32 + 987},
	    {"SPI 988", {0, 988, 4}, 3, 0}, {"PPI 15", {1, 15, 4}, 3, 31},
	    {"PPI 16", {1, 16, 4}, 3, 0},   {"type 2", {2, 1, 4}, 3, 0},
	    {"short", {0, 1, 4}, 2, 0},
	};
	struct dt_info dt;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		void *fdt = base_tree();

		set_cells(fdt, node_at(fdt, "/serial@1c090000"), "interrupts", cases[i].cells,
			  cases[i].ncells);
		CHECK_EQ(parse(fdt, &dt), 0);
		if (dt.uart_intid != (cases[i].expect ? cases[i].expect : POISON_U32)) {
			fprintf(stderr, "interrupts %s: got %u\n", cases[i].what, dt.uart_intid);
			unit_failures++;
		}
		free(fdt);
	}

	void *fdt = base_tree();
	CHECK_EQ(fdt_delprop(fdt, 0, "interrupt-parent"), 0); /* no parent anywhere */
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.uart_intid, POISON_U32);
	CHECK_EQ(dt.timer_intid, POISON_U32);
	SET_CELLS(fdt, node_at(fdt, "/serial@1c090000"), "interrupt-parent", 1); /* its own */
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.uart_intid, 37);
	SET_CELLS(fdt, node_at(fdt, "/serial@1c090000"), "interrupt-parent", 7); /* dangling */
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.uart_intid, POISON_U32);
	SET_CELLS(fdt, node_at(fdt, "/serial@1c090000"), "interrupt-parent", 1);
	SET_CELLS(fdt, node_at(fdt, "/intc@2c001000"), "#interrupt-cells", 2);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.uart_intid, POISON_U32); /* only 3-cell GIC specifiers */
	free(fdt);
}

static void test_gic_and_timer(void)
{
	void *fdt = base_tree();
	struct dt_info dt;
	int n;

	SET_CELLS(fdt, node_at(fdt, "/intc@2c001000"), "reg", 0x2c001000, 0x1000);
	SET_CELLS(fdt, node_at(fdt, "/timer"), "interrupts", 1, 13, 0xf08, 1, 14, 0xf08);
	CHECK_EQ(fdt_delprop(fdt, node_at(fdt, "/timer"), "clock-frequency"), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.gicd.base, POISON_U64); /* both regions or neither */
	CHECK_EQ(dt.gicc.base, POISON_U64);
	CHECK_EQ(dt.timer_intid, POISON_U32);
	CHECK_EQ(dt.timer_freq, POISON_U32);

	SET_CELLS(fdt, node_at(fdt, "/timer"), "interrupts", 1, 13, 0, 1, 14, 0, 0, 11, 0);
	CHECK_EQ(fdt_setprop_u64(fdt, node_at(fdt, "/timer"), "clock-frequency", 1ULL << 33), 0);
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.timer_intid, POISON_U32); /* the virtual timer must be a PPI */
	CHECK_EQ(dt.timer_freq, POISON_U32);  /* does not fit 32 bits */

	/* arm,cortex-a15-gic (virt's) works like arm,gic-400; the first GIC counts. */
	n = node_at(fdt, "/intc@2c001000");
	CHECK_EQ(fdt_setprop_string(fdt, n, "compatible", "arm,cortex-a15-gic"), 0);
	SET_CELLS(fdt, node_at(fdt, "/intc@2c001000"), "reg", 0x8000000, 0x10000, 0x8010000,
		  0x10000);
	CHECK_EQ(parse(fdt, &dt), 0);
	check_reg(&dt.gicd, 0x8000000, 0x10000, "gicd");
	check_reg(&dt.gicc, 0x8010000, 0x10000, "gicc");
	/* fdt_add_subnode() puts a new node first among its siblings. */
	n = add_node(fdt, "/", "gic@9000000");
	CHECK_EQ(fdt_setprop_string(fdt, n, "compatible", "arm,gic-400"), 0);
	SET_CELLS(fdt, n, "reg", 0x9000000, 0x10000, 0x9010000, 0x10000);
	CHECK_EQ(parse(fdt, &dt), 0);
	check_reg(&dt.gicd, 0x9000000, 0x10000, "first gicd");
	check_reg(&dt.gicc, 0x9010000, 0x10000, "first gicc");
	free(fdt);
}

static void test_virtio_nodes(void)
{
	void *fdt = base_tree();
	struct dt_info dt;
	int n;

	/* 40 more nodes in scrambled order: the 32 lowest addresses are kept. */
	for (int i = 0; i < 40; i++) {
		u32 slot = (u32)(i * 17) % 40;
		char name[32];

		snprintf(name, sizeof(name), "virtio_mmio@%x", 0xa000000 + slot * 0x200);
		n = add_node(fdt, "/", name);
		CHECK_EQ(fdt_setprop_string(fdt, n, "compatible", "virtio,mmio"), 0);
		SET_CELLS(fdt, n, "reg", 0xa000000 + slot * 0x200, 0x200);
		SET_CELLS(fdt, n, "interrupts", 0, 16 + slot, 1);
	}
	n = add_node(fdt, "/", "virtio_mmio@9000");
	CHECK_EQ(fdt_setprop_string(fdt, n, "compatible", "virtio,mmio"), 0);
	SET_CELLS(fdt, n, "reg", 0x9000); /* too short: skipped */
	SET_CELLS(fdt, n, "interrupts", 0, 3, 1);
	n = add_node(fdt, "/", "virtio_mmio@8000");
	CHECK_EQ(fdt_setprop_string(fdt, n, "compatible", "virtio,mmio"), 0);
	SET_CELLS(fdt, n, "reg", 0x8000, 0x200);
	SET_CELLS(fdt, n, "interrupts", 1, 3, 1); /* a PPI: skipped */
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.n_virtio, DT_MAX_VIRTIO);
	for (int i = 0; i < DT_MAX_VIRTIO; i++) {
		check_reg(&dt.virtio[i].reg, 0xa000000 + 0x200 * (u64)i, 0x200, "virtio");
		CHECK_EQ(dt.virtio[i].intid, 48 + (unsigned)i);
	}
	free(fdt);

	fdt = base_tree();
	for (u32 base = 0x1c130000; base <= 0x1c150000; base += 0x10000) {
		char path[32];

		snprintf(path, sizeof(path), "/virtio@%x", base);
		CHECK_EQ(fdt_del_node(fdt, node_at(fdt, path)), 0);
	}
	CHECK_EQ(parse(fdt, &dt), 0);
	CHECK_EQ(dt.n_virtio, (int)POISON_U32); /* none in the tree: pre-fill kept */
	free(fdt);
}

static void test_defaults(void)
{
	struct dt_info dt;

	poison(&dt);
	devtree_defaults(&dt);
	CHECK(!dt.valid);
	check_reg(&dt.memory, VIRT_RAM_BASE, 128 << 20, "default memory");
	check_reg(&dt.uart, VIRT_UART_BASE, 0x1000, "default uart");
	CHECK_EQ(dt.uart_intid, VIRT_UART_INTID);
	CHECK_EQ(dt.gicd.base, VIRT_GICD_BASE);
	CHECK_EQ(dt.gicc.base, VIRT_GICC_BASE);
	CHECK_EQ(dt.timer_intid, VIRT_TIMER_VIRT_INTID);
	CHECK_EQ(dt.timer_freq, 0);
	CHECK_EQ(dt.n_virtio, VIRT_VIRTIO_COUNT);
	CHECK_EQ(dt.virtio[31].reg.base, VIRT_VIRTIO_BASE + 31 * VIRT_VIRTIO_SIZE);
	CHECK_EQ(dt.virtio[31].intid, VIRT_VIRTIO_INTID0 + 31);
	CHECK_STR(dt.bootargs, "");
	CHECK_STR(dt.model, "");
	CHECK_EQ(dt.initrd.size, 0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return test_qemu_dtb(argc, argv);
	test_defaults();
	test_base_tree();
	test_cells();
	test_memory_node();
	test_chosen();
	test_interrupts();
	test_gic_and_timer();
	test_virtio_nodes();
	return unit_finish("devtree (synthetic)");
}
