/*
 * GICv2 interrupt controller (Arm IHI 0048B, "GIC Architecture Specification
 * v2"): distributor (4.3) and CPU interface (4.4). QEMU `virt` provides it by
 * default (-machine virt,gic-version=2). SIS is uniprocessor: every SPI
 * targets CPU 0; priorities are all equal; no nesting of interrupts.
 */
#include <sis/kernel.h>
#include <sis/irq.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/arch.h>
#include <sis/trap.h>

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ICPENDR 0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00

#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_BPR 0x008
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010

#define GIC_MAX_IRQ 1020
#define GIC_SPURIOUS 1023

struct irq_slot {
	irq_handler_t handler;
	void *arg;
	u64 count;      /* times handled, for /proc/interrupts */
	bool edge;
};

static volatile u8 *gicd, *gicc;
static unsigned n_irqs;
static struct irq_slot slots[GIC_MAX_IRQ];
static u64 spurious_count;

void irq_enter(void);
void irq_exit(void);

static inline u32 rd(volatile u8 *base, u32 off)
{
	return *(volatile u32 *)(base + off);
}

static inline void wr(volatile u8 *base, u32 off, u32 v)
{
	*(volatile u32 *)(base + off) = v;
}

void irq_init(paddr_t gicd_pa, paddr_t gicc_pa)
{
	gicd = pa_to_kva(gicd_pa);
	gicc = pa_to_kva(gicc_pa);
	n_irqs = MIN(32 * ((rd(gicd, GICD_TYPER) & 0x1f) + 1), GIC_MAX_IRQ);

	wr(gicd, GICD_CTLR, 0);
	for (unsigned i = 0; i < n_irqs; i += 32) {
		wr(gicd, GICD_ICENABLER + i / 8, 0xffffffff);
		wr(gicd, GICD_ICPENDR + i / 8, 0xffffffff);
	}
	for (unsigned i = 0; i < n_irqs; i += 4)
		wr(gicd, GICD_IPRIORITYR + i, 0xa0a0a0a0);
	for (unsigned i = 32; i < n_irqs; i += 4)
		wr(gicd, GICD_ITARGETSR + i, 0x01010101);
	wr(gicd, GICD_CTLR, 1);

	wr(gicc, GICC_PMR, 0xff);
	wr(gicc, GICC_BPR, 0);
	wr(gicc, GICC_CTLR, 1);
	log_info("gic: GICv2 with %u interrupt lines", n_irqs);
}

int irq_register(unsigned intid, irq_handler_t handler, void *arg, bool trigger_edge)
{
	unsigned long flags;

	if (intid >= n_irqs || !handler)
		return -EINVAL;
	if (slots[intid].handler)
		return -EBUSY;
	flags = irq_save();
	slots[intid] = (struct irq_slot){ .handler = handler, .arg = arg, .edge = trigger_edge };
	if (intid >= 32) {
		u32 reg = GICD_ICFGR + (intid / 16) * 4;
		u32 bit = 2u << ((intid % 16) * 2);
		u32 v = rd(gicd, reg);
		wr(gicd, reg, trigger_edge ? (v | bit) : (v & ~bit));
	}
	wr(gicd, GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
	irq_restore(flags);
	return 0;
}

void irq_unregister(unsigned intid)
{
	unsigned long flags;

	if (intid >= n_irqs)
		return;
	flags = irq_save();
	wr(gicd, GICD_ICENABLER + (intid / 32) * 4, 1u << (intid % 32));
	slots[intid] = (struct irq_slot){ 0 };
	irq_restore(flags);
}

/* Called from the IRQ vectors with interrupts masked. */
void gic_handle_irq(void)
{
	irq_enter();
	for (;;) {
		u32 iar = rd(gicc, GICC_IAR);
		u32 id = iar & 0x3ff;

		if (id >= GIC_SPURIOUS)
			break;
		if (id < n_irqs && slots[id].handler) {
			slots[id].count++;
			slots[id].handler(id, slots[id].arg);
		} else
			spurious_count++;
		wr(gicc, GICC_EOIR, iar);
	}
	irq_exit();
}

/*
 * /proc/interrupts in Linux's layout: one line per registered interrupt with
 * its count on CPU0, the controller, the line, its trigger and the handler's
 * symbol (Linux prints the device name there); then ERR, the spurious ones.
 */
long irq_show(char *buf, size_t size)
{
	long n = ksnprintf(buf, size, "%16s\n", "CPU0");

	for (unsigned id = 0; id < n_irqs && n < (long)size; id++) {
		u64 off;
		const char *sym;

		if (!slots[id].handler)
			continue;
		sym = ksym_lookup((u64)slots[id].handler, &off);
		n += ksnprintf(buf + n, size - (size_t)n, "%4u: %10lu      GICv2 %3u %s  %s\n", id,
			       (unsigned long)slots[id].count, id,
			       slots[id].edge ? "Edge " : "Level", sym ? sym : "?");
	}
	if (n < (long)size)
		n += ksnprintf(buf + n, size - (size_t)n, " ERR: %10lu\n",
			       (unsigned long)spurious_count);
	return MIN(n, (long)size);
}
