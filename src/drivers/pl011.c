/*
 * Arm PrimeCell UART PL011 (Arm DDI 0183G), the console of QEMU `virt`
 * (-serial stdio / -nographic). Output polls the TX FIFO-full flag; input is
 * interrupt driven (RX and RX-timeout interrupts, 3.3.13), each byte handed to
 * the console input hook. QEMU's model needs no baud-rate set-up; no DMA, no
 * modem lines.
 */
#include <sis/kernel.h>
#include <sis/console.h>
#include <sis/log.h>
#include <sis/irq.h>
#include <sis/mm.h>

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_LCRH 0x2c
#define UART_CR 0x30
#define UART_IFLS 0x34
#define UART_IMSC 0x38
#define UART_MIS 0x40
#define UART_ICR 0x44

#define FR_RXFE (1 << 4)
#define FR_TXFF (1 << 5)
#define INT_RX (1 << 4)
#define INT_RT (1 << 6)

static volatile u8 *uart;
static void (*input_hook)(char c);

static inline u32 rd(u32 off)
{
	return *(volatile u32 *)(uart + off);
}

static inline void wr(u32 off, u32 v)
{
	*(volatile u32 *)(uart + off) = v;
}

static void pl011_putc(char c)
{
	while (rd(UART_FR) & FR_TXFF)
		;
	wr(UART_DR, (u8)c);
}

void pl011_early_init(paddr_t base)
{
	uart = pa_to_kva(base);
	wr(UART_LCRH, (3 << 5) | (1 << 4)); /* 8N1, FIFOs on */
	wr(UART_CR, (1 << 0) | (1 << 8) | (1 << 9)); /* UARTEN, TXE, RXE */
	console_set_output(pl011_putc);
}

void console_set_input(void (*input)(char c))
{
	input_hook = input;
}

static void pl011_irq(unsigned intid, void *arg)
{
	(void)intid;
	(void)arg;
	/* Clear first, then drain: a byte arriving after the last read raises
	 * the (level) interrupt again instead of being cleared unseen. */
	wr(UART_ICR, INT_RX | INT_RT);
	while (!(rd(UART_FR) & FR_RXFE)) {
		char c = (char)(rd(UART_DR) & 0xff);
		if (input_hook)
			input_hook(c);
	}
}

int pl011_enable_rx_irq(unsigned intid)
{
	int err = irq_register(intid, pl011_irq, NULL, false);

	if (err)
		return err;
	wr(UART_IFLS, 0); /* RX interrupt at 1/8 full; timeout covers the rest */
	wr(UART_IMSC, INT_RX | INT_RT);
	return 0;
}
