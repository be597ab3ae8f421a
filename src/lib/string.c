/*
 * The C library routines the kernel calls whose picolibc versions use the
 * FP/SIMD registers (picolibc 1.8's aarch64 memset, memchr and strchr are
 * Arm's optimized-routines, which work in V registers), and libgcc's
 * __popcountdi2 (CNT on a V register). Those registers hold a user task's
 * state while the kernel runs (sis/fpsimd.h), so the kernel links these
 * general-register versions instead; tools/check-fpsimd.py fails the build
 * if anything else the kernel can reach touches a V register.
 *
 * Built -fno-tree-loop-distribute-patterns (src/lib/meson.build), or GCC
 * would turn memset's loop into a call to memset. The host unit test
 * (test/unit/test_string.c) builds it with the names prefixed sis_ and
 * without DC ZVA.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef SIS_HOST_TEST
#define memset sis_memset
#define memchr sis_memchr
#define strchr sis_strchr
#define __popcountdi2 sis_popcountdi2
void *memset(void *dst, int c, size_t n);
void *memchr(const void *s, int c, size_t n);
char *strchr(const char *s, int c);
#endif

#define ONES 0x0101010101010101UL
#define HIGHS 0x8080808080808080UL

/* Nonzero when a byte of w is zero (the classic exact test). */
static inline uint64_t has_zero(uint64_t w)
{
	return (w - ONES) & ~w & HIGHS;
}

/* DC ZVA zeroes a block of 4 << DCZID_EL0.BS bytes of Normal memory
 * (boot.S turns the MMU on before any C runs), unless DCZID_EL0.DZP
 * forbids it: then 0. */
static size_t zva_block(void)
{
	static size_t block = 1; /* 1: not read yet */
	uint64_t id;

	if (block == 1) {
#ifdef SIS_HOST_TEST
		id = 0x10;
#else
		__asm__("mrs %0, dczid_el0" : "=r"(id));
#endif
		block = (id & 0x10) ? 0 : 4UL << (id & 0xf);
	}
	return block;
}

/* Zero [p, p + n) with DC ZVA; p and n multiples of the block. */
static void zero_blocks(char *p, size_t n, size_t block)
{
#ifndef SIS_HOST_TEST
	for (char *end = p + n; p < end; p += block)
		__asm__ volatile("dc zva, %0" : : "r"(p) : "memory");
#else
	(void)p, (void)n, (void)block;
#endif
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *p = dst;
	uint64_t w = (unsigned char)c * ONES;
	size_t block;

	for (; n && ((uintptr_t)p & 15); n--)
		*p++ = (unsigned char)c;
	block = c ? 0 : zva_block();
	if (block && n >= 4 * block) {
		size_t head = -(uintptr_t)p & (block - 1), body;

		for (; head; head -= 16, n -= 16, p += 16)
			((uint64_t *)p)[0] = ((uint64_t *)p)[1] = 0;
		body = n & ~(block - 1);
		zero_blocks((char *)p, body, block);
		p += body;
		n -= body;
	}
	for (; n >= 32; n -= 32, p += 32) {
		uint64_t *q = (uint64_t *)p;

		q[0] = q[1] = q[2] = q[3] = w;
	}
	for (; n >= 8; n -= 8, p += 8)
		*(uint64_t *)p = w;
	while (n--)
		*p++ = (unsigned char)c;
	return dst;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	uint64_t pat = (unsigned char)c * ONES;

	for (; n && ((uintptr_t)p & 7); n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	for (; n >= 8 && !has_zero(*(const uint64_t *)p ^ pat); n -= 8)
		p += 8;
	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

int __popcountdi2(uint64_t x);

int __popcountdi2(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555UL;
	x = (x & 0x3333333333333333UL) + ((x >> 2) & 0x3333333333333333UL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return (int)((x * ONES) >> 56);
}
