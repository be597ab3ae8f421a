/*
 * Interrupts: GICv2 distributor/CPU interface on QEMU virt.
 *
 * Handlers run in IRQ context with interrupts masked; they must be short and
 * must never call lwIP: they acknowledge the device and raise a softirq.
 * INTIDs: SGI 0-15, PPI 16-31, SPI 32+ (device-tree SPI n = INTID 32+n).
 */
#ifndef SIS_IRQ_H
#define SIS_IRQ_H

#include <sis/types.h>

typedef void (*irq_handler_t)(unsigned intid, void *arg);

/* Returns 0 or -EINVAL/-EBUSY. trigger_edge: true for edge-triggered SPIs. */
int irq_register(unsigned intid, irq_handler_t handler, void *arg, bool trigger_edge);
/* /proc/interrupts: the text into buf (at most size bytes), its length. */
long irq_show(char *buf, size_t size);
void irq_unregister(unsigned intid);
void irq_init(paddr_t gicd, paddr_t gicc);

/* Local interrupt masking (DAIF.I). */
static inline unsigned long irq_save(void)
{
	unsigned long flags;
	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(flags)::"memory");
	return flags;
}
static inline void irq_restore(unsigned long flags)
{
	__asm__ volatile("msr daif, %0" ::"r"(flags) : "memory");
}
static inline void irq_enable_local(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable_local(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline bool irqs_disabled(void)
{
	unsigned long flags;
	__asm__ volatile("mrs %0, daif" : "=r"(flags));
	return flags & (1 << 7);
}

/* Nonzero while running an IRQ handler. */
bool in_irq(void);

#endif
