/*
 * Arm PrimeCell UART PL011 (Arm DDI 0183G), the console of QEMU `virt`
 * (-serial stdio / -nographic). Output polls the TX FIFO-full flag; input is
 * interrupt driven (RX and RX-timeout interrupts, 3.3.13), each byte handed to
 * the console input hook. QEMU's model needs no baud-rate set-up; no DMA, no
 * modem lines.
 *
 * Typeahead: bytes that arrive before the tty registers its input hook stay
 * in the UART (RX interrupts masked until then), so QEMU's chardev holds the
 * rest back instead of the driver dropping it. The FIFO enable bit is left
 * as found: changing LCRH.FEN empties the receive FIFO (QEMU's model does),
 * and a byte may arrive between any drain and that write. Out of reset the
 * FIFO is off: one byte at a time, each read lets QEMU pass the next.
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

#define LCRH_FEN (1 << 4)
#define LCRH_8N1 (3 << 5)

static volatile u8 *uart;
static void (*input_hook)(char c);
static bool rx_irq_ready; /* the RX interrupt is registered (IMSC may be set) */

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
	wr(UART_LCRH, LCRH_8N1 | (rd(UART_LCRH) & LCRH_FEN)); /* FEN kept: see above */
	wr(UART_CR, (1 << 0) | (1 << 8) | (1 << 9)); /* UARTEN, TXE, RXE */
	console_set_output(pl011_putc);
}

/* From now on the interrupt delivers input, what waited in the UART first. */
void console_set_input(void (*input)(char c))
{
	unsigned long flags = irq_save();

	input_hook = input;
	if (input && rx_irq_ready)
		wr(UART_IMSC, INT_RX | INT_RT);
	irq_restore(flags);
}

static void pl011_irq(unsigned intid, void *arg)
{
	(void)intid;
	(void)arg;
	/* Clear first, then drain: a byte arriving after the last read raises
	 * the (level) interrupt again instead of being cleared unseen. */
	wr(UART_ICR, INT_RX | INT_RT);
	while (input_hook && !(rd(UART_FR) & FR_RXFE))
		input_hook((char)(rd(UART_DR) & 0xff));
}

int pl011_enable_rx_irq(unsigned intid)
{
	int err = irq_register(intid, pl011_irq, NULL, false);

	if (err)
		return err;
	wr(UART_IFLS, 0); /* RX interrupt at 1/8 full; timeout covers the rest */
	rx_irq_ready = true;
	if (input_hook) /* else console_set_input unmasks it */
		wr(UART_IMSC, INT_RX | INT_RT);
	return 0;
}
