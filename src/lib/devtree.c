/*
 * Device tree reader: the few facts SIS needs from the flattened device tree
 * QEMU `virt` hands over (Devicetree Specification v0.4; bindings: arm,gic,
 * arm,arch_timer, arm,pl011, virtio,mmio), read with libfdt.
 *
 * The whole blob is validated with fdt_check_full() before anything is read,
 * so libfdt's walks stay inside it; every property length is checked before
 * its cells are loaded (with fdt32_ld(), which tolerates misalignment). A
 * node or property that is missing or malformed leaves the corresponding
 * field as the caller pre-set it (devtree_defaults()).
 *
 * The tree is walked once, keeping the path of ancestors: a node's reg cells
 * come from its parent and its interrupt parent may be inherited, and libfdt
 * can only find a parent by rescanning the tree from the top.
 *
 * Not handled: interrupt controllers other than a 3-cell GIC, reg cells wider
 * than 64 bits, address translation through "ranges" (virt has none on the
 * paths used here), more than one memory node.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/devtree.h>
#include <sis/board.h>
#include <libfdt.h>

/* hw/arm/virt.c sizes, for the fallbacks only. */
#define DEFAULT_RAM_SIZE (128UL << 20) /* QEMU's default -m */
#define VIRT_UART_SIZE 0x1000UL
#define VIRT_GIC_REGION_SIZE 0x10000UL

/* GIC interrupt specifier: <type number flags> (arm,gic binding). */
#define GIC_INTR_CELLS 3
#define GIC_SPI 0
#define GIC_PPI 1
#define GIC_NR_SPI 988
#define GIC_NR_PPI 16

#define DT_MAX_DEPTH 16 /* deeper nodes are not looked at (virt uses 3) */

/* Position of the walk and what it has found so far. */
struct dt_walk {
	const void *fdt;
	int depth;		    /* of the current node; the root is 0 */
	int path[DT_MAX_DEPTH + 1]; /* path[d]: offset of the ancestor at depth d */
	u32 icells_phandle;	    /* memo of the last interrupt parent resolved */
	int icells;		    /* ... and its #interrupt-cells */
	bool have_memory, have_uart, have_gic, have_timer;
	int n_virtio;
	struct dt_virtio_mmio virtio[DT_MAX_VIRTIO]; /* sorted by base */
};

void devtree_defaults(struct dt_info *info)
{
	memset(info, 0, sizeof(*info));
	info->memory = (struct dt_reg){VIRT_RAM_BASE, DEFAULT_RAM_SIZE};
	info->uart = (struct dt_reg){VIRT_UART_BASE, VIRT_UART_SIZE};
	info->uart_intid = VIRT_UART_INTID;
	info->gicd = (struct dt_reg){VIRT_GICD_BASE, VIRT_GIC_REGION_SIZE};
	info->gicc = (struct dt_reg){VIRT_GICC_BASE, VIRT_GIC_REGION_SIZE};
	info->timer_intid = VIRT_TIMER_VIRT_INTID;
	info->n_virtio = VIRT_VIRTIO_COUNT;
	for (int i = 0; i < VIRT_VIRTIO_COUNT; i++) {
		info->virtio[i].reg.base = VIRT_VIRTIO_BASE + (paddr_t)i * VIRT_VIRTIO_SIZE;
		info->virtio[i].reg.size = VIRT_VIRTIO_SIZE;
		info->virtio[i].intid = VIRT_VIRTIO_INTID0 + (unsigned)i;
	}
}

/* Big-endian cells (n is 1 or 2) as one number. */
static u64 read_cells(const fdt32_t *cells, int n)
{
	u64 v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_ld(&cells[i]);
	return v;
}

static int current(const struct dt_walk *w)
{
	return w->path[w->depth];
}

/* Entry idx of the current node's "reg", sized by its parent's cells. */
static int get_reg(const struct dt_walk *w, int idx, struct dt_reg *out)
{
	int parent, na, ns, len;
	const fdt32_t *reg;

	if (w->depth == 0)
		return -EINVAL;
	parent = w->path[w->depth - 1];
	na = fdt_address_cells(w->fdt, parent);
	ns = fdt_size_cells(w->fdt, parent);
	if (na < 1 || na > 2 || ns < 0 || ns > 2)
		return -EINVAL;
	reg = fdt_getprop(w->fdt, current(w), "reg", &len);
	if (!reg || len < 0 || (size_t)len < (size_t)(idx + 1) * (size_t)(na + ns) * 4)
		return -EINVAL;
	reg += idx * (na + ns);
	out->base = read_cells(reg, na);
	out->size = read_cells(reg + na, ns);
	return 0;
}

/* #interrupt-cells of the interrupt controller with this phandle. */
static int phandle_interrupt_cells(struct dt_walk *w, u32 phandle)
{
	const fdt32_t *prop;
	int ic, len;

	if (phandle == 0 || phandle == ~0U)
		return -EINVAL;
	if (phandle == w->icells_phandle)
		return w->icells;
	ic = fdt_node_offset_by_phandle(w->fdt, phandle);
	prop = ic < 0 ? NULL : fdt_getprop(w->fdt, ic, "#interrupt-cells", &len);
	w->icells_phandle = phandle;
	w->icells = prop && len == 4 ? (int)fdt32_ld(prop) : -EINVAL;
	return w->icells;
}

/* #interrupt-cells of the current node's interrupt parent (may be inherited). */
static int interrupt_cells(struct dt_walk *w)
{
	for (int d = w->depth; d >= 0; d--) {
		int len;
		const fdt32_t *prop = fdt_getprop(w->fdt, w->path[d], "interrupt-parent", &len);

		if (prop && len == 4)
			return phandle_interrupt_cells(w, fdt32_ld(prop));
	}
	return -EINVAL;
}

/*
 * Interrupt idx of the current node as a GIC INTID (SPI n -> 32+n,
 * PPI n -> 16+n); want_type is GIC_SPI or GIC_PPI, or -1 for either.
 */
static int get_intid(struct dt_walk *w, int idx, int want_type, unsigned *intid)
{
	const fdt32_t *spec;
	u32 type, num;
	int len;

	if (interrupt_cells(w) != GIC_INTR_CELLS)
		return -EINVAL;
	spec = fdt_getprop(w->fdt, current(w), "interrupts", &len);
	if (!spec || len < 0 || (size_t)len < (size_t)(idx + 1) * GIC_INTR_CELLS * 4)
		return -EINVAL;
	spec += idx * GIC_INTR_CELLS;
	type = fdt32_ld(&spec[0]);
	num = fdt32_ld(&spec[1]);
	if (want_type >= 0 && type != (u32)want_type)
		return -EINVAL;
	if (type == GIC_SPI && num < GIC_NR_SPI)
		*intid = 32 + num;
	else if (type == GIC_PPI && num < GIC_NR_PPI)
		*intid = 16 + num;
	else
		return -EINVAL;
	return 0;
}

/* A string property, or NULL if absent or not NUL-terminated inside it. */
static const char *get_string(const void *fdt, int node, const char *name)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	if (!s || len <= 0 || strnlen(s, (size_t)len) == (size_t)len)
		return NULL;
	return s;
}

/* A 32- or 64-bit number property. */
static int get_number(const void *fdt, int node, const char *name, u64 *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p || (len != 4 && len != 8))
		return -EINVAL;
	*out = read_cells(p, len / 4);
	return 0;
}

static void parse_model(const void *fdt, struct dt_info *info)
{
	const char *model = get_string(fdt, 0, "model");
	size_t n;

	if (!model)
		return;
	n = MIN(strlen(model), sizeof(info->model) - 1); /* display only: truncate */
	memcpy(info->model, model, n);
	info->model[n] = '\0';
}

static void parse_memory(struct dt_walk *w, struct dt_info *info)
{
	struct dt_reg reg;

	w->have_memory = true; /* only the first memory node counts */
	if (get_reg(w, 0, &reg) == 0 && reg.size)
		info->memory = reg;
}

static void parse_chosen(const struct dt_walk *w, struct dt_info *info)
{
	const char *args = get_string(w->fdt, current(w), "bootargs");
	u64 start, end;

	if (args && strlen(args) < sizeof(info->bootargs))
		memcpy(info->bootargs, args, strlen(args) + 1);
	else if (args)
		log_warn("dt: bootargs longer than %u bytes, ignored",
			 (unsigned)sizeof(info->bootargs) - 1);
	if (get_number(w->fdt, current(w), "linux,initrd-start", &start) == 0 &&
	    get_number(w->fdt, current(w), "linux,initrd-end", &end) == 0 && end > start)
		info->initrd = (struct dt_reg){start, end - start};
}

static void parse_uart(struct dt_walk *w, struct dt_info *info)
{
	struct dt_reg reg;
	unsigned intid;

	w->have_uart = true;
	if (get_reg(w, 0, &reg) == 0)
		info->uart = reg;
	if (get_intid(w, 0, -1, &intid) == 0)
		info->uart_intid = intid;
}

/* reg[0] is the distributor, reg[1] the CPU interface: both or neither. */
static void parse_gic(struct dt_walk *w, struct dt_info *info)
{
	struct dt_reg dist, cpu;

	w->have_gic = true;
	if (get_reg(w, 0, &dist) == 0 && get_reg(w, 1, &cpu) == 0) {
		info->gicd = dist;
		info->gicc = cpu;
	}
}

static void parse_timer(struct dt_walk *w, struct dt_info *info)
{
	unsigned intid;
	u64 freq;

	w->have_timer = true;
	/* interrupts: secure phys, non-secure phys, virtual, hypervisor */
	if (get_intid(w, 2, GIC_PPI, &intid) == 0)
		info->timer_intid = intid;
	if (get_number(w->fdt, current(w), "clock-frequency", &freq) == 0 && freq &&
	    freq <= UINT32_MAX)
		info->timer_freq = (u32)freq;
}

/* Keep w->virtio sorted by base; past DT_MAX_VIRTIO the highest falls off. */
static void add_virtio(struct dt_walk *w)
{
	struct dt_virtio_mmio v;
	int pos = w->n_virtio;

	if (get_reg(w, 0, &v.reg) || get_intid(w, 0, GIC_SPI, &v.intid))
		return; /* unusable node: skip it, keep the others */
	while (pos > 0 && w->virtio[pos - 1].reg.base > v.reg.base)
		pos--;
	if (pos == DT_MAX_VIRTIO)
		return;
	if (w->n_virtio == DT_MAX_VIRTIO)
		w->n_virtio--;
	memmove(&w->virtio[pos + 1], &w->virtio[pos],
		(size_t)(w->n_virtio - pos) * sizeof(w->virtio[0]));
	w->virtio[pos] = v;
	w->n_virtio++;
}

/* A memory node: device_type "memory", or named memory[@...] at the top. */
static bool is_memory(const struct dt_walk *w, const char *name)
{
	const char *type = get_string(w->fdt, current(w), "device_type");

	if (type)
		return strcmp(type, "memory") == 0;
	return w->depth == 1 && (strcmp(name, "memory") == 0 || strncmp(name, "memory@", 7) == 0);
}

/* Look at one node: is it one SIS cares about? */
static void visit(struct dt_walk *w, struct dt_info *info)
{
	const char *name = fdt_get_name(w->fdt, current(w), NULL);
	int len;
	const char *compat = fdt_getprop(w->fdt, current(w), "compatible", &len);

	if (!name)
		return;
	if (w->depth == 1 && strcmp(name, "chosen") == 0)
		parse_chosen(w, info);
	if (!w->have_memory && is_memory(w, name))
		parse_memory(w, info);
	if (!compat || len <= 0)
		return;
	if (!w->have_uart && fdt_stringlist_contains(compat, len, "arm,pl011"))
		parse_uart(w, info);
	if (!w->have_gic && (fdt_stringlist_contains(compat, len, "arm,cortex-a15-gic") ||
			     fdt_stringlist_contains(compat, len, "arm,gic-400")))
		parse_gic(w, info);
	if (!w->have_timer && fdt_stringlist_contains(compat, len, "arm,armv8-timer"))
		parse_timer(w, info);
	if (fdt_stringlist_contains(compat, len, "virtio,mmio"))
		add_virtio(w);
}

int devtree_parse_sized(const void *fdt, size_t bufsize, struct dt_info *info)
{
	struct dt_walk w;
	int depth = 0;

	if (!fdt || bufsize < sizeof(struct fdt_header))
		return -EINVAL;
	if (fdt_check_header(fdt) || fdt_totalsize(fdt) > bufsize)
		return -EINVAL;
	if (fdt_check_full(fdt, fdt_totalsize(fdt)))
		return -EINVAL;
	memset(&w, 0, sizeof(w));
	w.fdt = fdt;
	parse_model(fdt, info);
	for (int node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		if (depth < 0 || depth > DT_MAX_DEPTH)
			continue;
		w.depth = depth;
		w.path[depth] = node;
		visit(&w, info);
	}
	if (w.n_virtio) { /* none in the tree: keep the caller's */
		memcpy(info->virtio, w.virtio, (size_t)w.n_virtio * sizeof(w.virtio[0]));
		info->n_virtio = w.n_virtio;
	}
	info->valid = true;
	return 0;
}

int devtree_parse(const void *fdt, struct dt_info *info)
{
	return devtree_parse_sized(fdt, DT_MAX_SIZE, info);
}
