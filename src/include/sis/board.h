/*
 * QEMU `virt` board facts used only as fallbacks when the device tree does not
 * say (hw/arm/virt.c memory map).
 */
#ifndef SIS_BOARD_H
#define SIS_BOARD_H

#define VIRT_RAM_BASE 0x40000000UL
#define VIRT_UART_BASE 0x09000000UL
#define VIRT_UART_INTID (32 + 1)
#define VIRT_GICD_BASE 0x08000000UL
#define VIRT_GICC_BASE 0x08010000UL
#define VIRT_VIRTIO_BASE 0x0a000000UL
#define VIRT_VIRTIO_SIZE 0x200UL
#define VIRT_VIRTIO_COUNT 32
#define VIRT_VIRTIO_INTID0 (32 + 16)
#define VIRT_TIMER_VIRT_INTID 27
/* For an ELF kernel QEMU puts the DTB at the start of RAM when the kernel
 * leaves room below it (an Image is told where it is in x0). */
#define VIRT_DTB_PA VIRT_RAM_BASE
/* boot.S maps RAM as Normal memory up to here (BOOT_RAM_GIB_END). */
#define BOOT_MAP_RAM_END (256UL << 30)
/* Device MMIO lives below RAM on virt: mapped as Device-nGnRE. */
#define VIRT_MMIO_START 0x08000000UL
#define VIRT_MMIO_END 0x40000000UL

#endif
