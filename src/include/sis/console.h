/*
 * The console device (PL011 on QEMU virt). Output goes through
 * console_write() in log.h. Input arrives by interrupt, one byte at a time,
 * and is handed to the registered input hook (the tty line discipline) in IRQ
 * context.
 */
#ifndef SIS_CONSOLE_H
#define SIS_CONSOLE_H

#include <sis/types.h>

void console_set_input(void (*input)(char c));
/* Early polled console at a physical address, before interrupts. */
void pl011_early_init(paddr_t base);
/* Interrupt-driven input once the GIC is up. */
int pl011_enable_rx_irq(unsigned intid);

#endif
