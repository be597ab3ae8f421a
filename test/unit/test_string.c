/*
 * The kernel's general-register memset, memchr, strchr and __popcountdi2
 * (src/lib/string.c, built here as sis_*) against the host's C library:
 * every length 0..300 at every alignment 0..15, fill values 0, 0x80, 0xff
 * and 'a'; memchr's first match at each position (and none, and a match
 * just past n); strchr of the terminator, a present and an absent byte.
 */
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"

void *sis_memset(void *dst, int c, size_t n);
void *sis_memchr(const void *s, int c, size_t n);
char *sis_strchr(const char *s, int c);
int sis_popcountdi2(uint64_t x);

#define LEN 300
#define PAD 32

static unsigned char got[LEN + 2 * PAD], want[LEN + 2 * PAD];

static void check_memset(void)
{
	static const int values[] = { 0, 0x80, 0xff, 'a', 0x1234 };

	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n <= LEN; n++)
			for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
				for (size_t i = 0; i < sizeof(got); i++)
					got[i] = want[i] = (unsigned char)(i * 7 + 3);
				CHECK(sis_memset(got + PAD + off, values[v], n) == got + PAD + off);
				memset(want + PAD + off, values[v], n);
				if (memcmp(got, want, sizeof(got))) {
					fprintf(stderr, "memset off %zu n %zu value 0x%x\n", off, n,
						values[v]);
					unit_failures++;
					return;
				}
			}
}

static void check_memchr(void)
{
	unsigned char buf[LEN + 16];

	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n <= 80; n++)
			for (size_t at = 0; at <= n; at++) {
				memset(buf, 'x', sizeof(buf));
				buf[off + at] = 0xfe; /* at == n: just past the range */
				CHECK(sis_memchr(buf + off, 0xfe, n) == memchr(buf + off, 0xfe, n));
				CHECK(sis_memchr(buf + off, 0x1fe, n) == memchr(buf + off, 0x1fe, n));
				CHECK(sis_memchr(buf + off, 'y', n) == NULL);
			}
	memset(buf, 0, sizeof(buf));
	CHECK(sis_memchr(buf, 0, 8) == buf);
	buf[200] = 1;
	CHECK(sis_memchr(buf, 1, sizeof(buf)) == buf + 200);
}

static void check_strchr(void)
{
	char s[64];

	for (size_t off = 0; off < 16; off++) {
		memset(s, 0, sizeof(s));
		memset(s + off, 'b', 40);
		s[off + 20] = 'c';
		CHECK(sis_strchr(s + off, 'c') == s + off + 20);
		CHECK(sis_strchr(s + off, 'b') == s + off);
		CHECK(sis_strchr(s + off, 'z') == NULL);
		CHECK(sis_strchr(s + off, 0) == s + off + 40);
		CHECK(sis_strchr(s + off, 'c' + 256) == s + off + 20);
	}
}

static void check_popcount(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	CHECK_EQ(sis_popcountdi2(0), 0);
	CHECK_EQ(sis_popcountdi2(~0ULL), 64);
	for (int i = 0; i < 1000; i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
		CHECK_EQ(sis_popcountdi2(x), __builtin_popcountll(x));
}

int main(void)
{
	check_memset();
	check_memchr();
	check_strchr();
	check_popcount();
	return unit_failures ? 1 : 0;
}
