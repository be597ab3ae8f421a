/*
 * lwIP port: compiler and platform glue (lwIP doc/sys_arch.txt, "cc.h").
 * Diagnostics go to the kernel console; a failed lwIP assertion is an
 * internal invariant broken, so it panics like BUG_ON.
 */
#ifndef SIS_LWIP_ARCH_CC_H
#define SIS_LWIP_ARCH_CC_H

#include <stdint.h>
#include <stddef.h>

#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define LWIP_PLATFORM_DIAG(x) do { kprintf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) panic("lwIP assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)

#endif
