/*
 * Host tests of the cpio newc reader (src/kern/cpio.c): well-formed archives
 * parse member by member; every malformation (bad magic, non-hex fields, bad
 * name sizes, names without their NUL, data reaching past the end, missing
 * trailer) is -EINVAL; truncating or corrupting an archive anywhere never
 * makes the reader touch a byte outside the buffer (each buffer is malloc'ed
 * at its exact size, so ASan catches any overrun). With an argument, also
 * walks an archive made by tools/mkcpio.py and checks its expected members.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sis/cpio.h>
#include "unit.h"

/* --- a small newc writer -------------------------------------------------- */
struct arch {
	char *buf;
	size_t len, cap;
};

static void put(struct arch *a, const void *p, size_t n)
{
	if (!n)
		return;
	if (a->len + n > a->cap) {
		a->cap = (a->len + n) * 2 + 64;
		a->buf = realloc(a->buf, a->cap);
		if (!a->buf)
			abort();
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void pad(struct arch *a)
{
	static const char zeros[4];

	put(a, zeros, (4 - (a->len & 3)) & 3);
}

/* Append a member; namesize/filesize override the true sizes when nonzero. */
static void add_raw(struct arch *a, const char *magic, const char *name, unsigned namesize,
		    unsigned mode, const void *data, size_t size, unsigned filesize_field)
{
	char hdr[CPIO_HEADER_SIZE + 16];

	snprintf(hdr, sizeof(hdr), "%.6s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 magic, 1u, mode, 0u, 0u, 1u, 0u, filesize_field, 0u, 0u, 0u, 0u, namesize, 0u);
	put(a, hdr, CPIO_HEADER_SIZE);
	put(a, name, strlen(name) + 1);
	pad(a);
	put(a, data, size);
	pad(a);
}

static void add(struct arch *a, const char *name, unsigned mode, const char *data)
{
	size_t n = data ? strlen(data) : 0;

	add_raw(a, "070701", name, (unsigned)strlen(name) + 1, mode, data, n, (unsigned)n);
}

static void trailer(struct arch *a)
{
	add(a, CPIO_TRAILER, 0, NULL);
}

/* Copy into a buffer of exactly len bytes so ASan sees any overrun. */
static char *exact(const char *p, size_t len)
{
	char *b = malloc(len ? len : 1);

	if (!b)
		abort();
	if (len)
		memcpy(b, p, len);
	return b;
}

/* Walk buf: returns number of members before the trailer, or -1 on -EINVAL. */
static int walk(const char *buf, size_t len)
{
	struct cpio_entry e;
	size_t off = 0;
	int n = 0, rc;

	while ((rc = cpio_next(buf, len, &off, &e)) == 1) {
		CHECK(e.name_len == strlen(e.name));
		CHECK((const char *)e.data >= buf && (const char *)e.data + e.size <= buf + len);
		CHECK(off <= len);
		n++;
	}
	return rc == 0 ? n : -1;
}

static int walk_copy(const struct arch *a, size_t len)
{
	char *b = exact(a->buf, len);
	int n = walk(b, len);

	free(b);
	return n;
}

/* --- tests --------------------------------------------------------------- */
static void test_valid(void)
{
	struct arch a = { 0 };
	struct cpio_entry e;
	size_t off = 0;
	char *b;

	add(&a, "etc", 040755, NULL);
	add(&a, "etc/hosts", 0100644, "127.0.0.1 localhost\n");
	add(&a, "empty", 0100600, "");
	add_raw(&a, "070702", "bin/x", 6, 0100755, "abc", 3, 3); /* crc variant */
	trailer(&a);
	b = exact(a.buf, a.len);

	CHECK_EQ(cpio_next(b, a.len, &off, &e), 1);
	CHECK_STR(e.name, "etc");
	CHECK_EQ(e.mode, 040755);
	CHECK_EQ(e.size, 0);
	CHECK_EQ(off % 4, 0);
	CHECK_EQ(cpio_next(b, a.len, &off, &e), 1);
	CHECK_STR(e.name, "etc/hosts");
	CHECK_EQ(e.size, 20);
	CHECK(memcmp(e.data, "127.0.0.1 localhost\n", 20) == 0);
	CHECK_EQ(cpio_next(b, a.len, &off, &e), 1);
	CHECK_STR(e.name, "empty");
	CHECK_EQ(e.size, 0);
	CHECK_EQ(cpio_next(b, a.len, &off, &e), 1);
	CHECK_STR(e.name, "bin/x");
	CHECK_EQ(e.mode, 0100755);
	CHECK(memcmp(e.data, "abc", 3) == 0);
	CHECK_EQ(cpio_next(b, a.len, &off, &e), 0);
	CHECK_STR(e.name, CPIO_TRAILER);
	CHECK_EQ(off, a.len);
	/* Past the end and beyond it: errors, not reads. */
	CHECK_EQ(cpio_next(b, a.len, &off, &e), -EINVAL);
	off = a.len + 100;
	CHECK_EQ(cpio_next(b, a.len, &off, &e), -EINVAL);
	off = (size_t)-1;
	CHECK_EQ(cpio_next(b, a.len, &off, &e), -EINVAL);
	free(b);
	free(a.buf);
}

/* One malformed first member followed by a trailer must be rejected. */
static void expect_bad(struct arch *a, const char *what)
{
	int n;

	trailer(a);
	n = walk_copy(a, a->len);
	if (n != -1)
		fprintf(stderr, "malformed archive accepted: %s\n", what);
	CHECK_EQ(n, -1);
	free(a->buf);
	*a = (struct arch){ 0 };
}

static void test_malformed(void)
{
	struct arch a = { 0 };

	add_raw(&a, "070707", "x", 2, 0100644, "", 0, 0);
	expect_bad(&a, "old binary magic");
	add_raw(&a, "07070A", "x", 2, 0100644, "", 0, 0);
	expect_bad(&a, "bad magic");

	add(&a, "x", 0100644, "data");
	a.buf[6 + 8 + 3] = 'g'; /* mode field */
	expect_bad(&a, "non-hex mode");
	add(&a, "x", 0100644, "data");
	a.buf[6 + 6 * 8] = ' '; /* filesize field */
	expect_bad(&a, "space in filesize");

	add_raw(&a, "070701", "x", 0, 0100644, "", 0, 0);
	expect_bad(&a, "namesize 0");
	add_raw(&a, "070701", "", 1, 0100644, "", 0, 0);
	expect_bad(&a, "empty name");
	add_raw(&a, "070701", "abcd", 4, 0100644, "", 0, 0); /* NUL not counted */
	expect_bad(&a, "name without NUL");
	add_raw(&a, "070701", "ab", 0x7fffffff, 0100644, "", 0, 0);
	expect_bad(&a, "namesize past the end");
	add_raw(&a, "070701", "ab", 0xffffffff, 0100644, "", 0, 0);
	expect_bad(&a, "namesize 0xffffffff");

	{
		/* namesize 4 for "a\0b\0": an embedded NUL */
		char hdr[CPIO_HEADER_SIZE + 16];

		snprintf(hdr, sizeof(hdr), "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
			 1u, 0100644u, 0u, 0u, 1u, 0u, 0u, 0u, 0u, 0u, 0u, 4u, 0u);
		put(&a, hdr, CPIO_HEADER_SIZE);
		put(&a, "a\0b\0", 4);
		pad(&a);
		expect_bad(&a, "embedded NUL in name");
	}

	add_raw(&a, "070701", "x", 2, 0100644, "abc", 3, 4096);
	expect_bad(&a, "filesize past the end");
	add_raw(&a, "070701", "x", 2, 0100644, "abc", 3, 0xffffffff);
	expect_bad(&a, "filesize 0xffffffff");

	/* No trailer at all. */
	add(&a, "x", 0100644, "abc");
	CHECK_EQ(walk_copy(&a, a.len), -1);
	free(a.buf);
	a = (struct arch){ 0 };
	/* Empty buffer. */
	CHECK_EQ(walk_copy(&a, 0), -1);
}

/* Every prefix of a valid archive parses up to where it is cut, then fails. */
static void test_truncated(void)
{
	struct arch a = { 0 };
	size_t full;

	add(&a, "dir", 040755, NULL);
	add(&a, "dir/file", 0100644, "hello, world");
	add(&a, "dir/odd", 0100644, "12345");
	trailer(&a);
	full = a.len;
	CHECK_EQ(walk_copy(&a, full), 3);
	for (size_t len = 0; len < full; len++) {
		int n = walk_copy(&a, len);
		/* Only the trailer's own final padding may be missing. */
		if (n != -1)
			CHECK(len >= full - 3);
	}
	free(a.buf);
}

/* Random corruption: never a crash or overrun, and the walk terminates. */
static void test_corrupted(void)
{
	struct arch a = { 0 };

	add(&a, "bin", 040755, NULL);
	add(&a, "bin/sh", 0100755, "#!binary\x7f" "ELF....");
	add(&a, "etc/rc", 0100644, "echo hi\n");
	trailer(&a);
	unit_srand(0xc910);
	for (int round = 0; round < 20000; round++) {
		char *b = exact(a.buf, a.len);
		int flips = 1 + (int)(unit_rand() % 4);

		for (int i = 0; i < flips; i++) {
			size_t at = unit_rand() % a.len;
			static const char pool[] = "0123456789abcdefABCDEF\0\xff 7g";

			b[at] = pool[unit_rand() % (sizeof(pool) - 1)];
		}
		(void)walk(b, a.len);
		free(b);
	}
	free(a.buf);
}

/* An archive made by tools/mkcpio.py at build time (see test/meson.build). */
static void test_mkcpio(const char *path)
{
	size_t len;
	char *b = unit_read_file(path, &len);
	struct cpio_entry e;
	size_t off = 0;
	int rc, seen_file = 0, seen_dir = 0, n = 0;

	while ((rc = cpio_next(b, len, &off, &e)) == 1) {
		n++;
		if (strcmp(e.name, "etc/sample.txt") == 0) {
			seen_file = 1;
			CHECK_EQ(e.mode & 0170000, 0100000);
			CHECK(e.size > 0);
		}
		if (strcmp(e.name, "tmp") == 0) {
			seen_dir = 1;
			CHECK_EQ(e.mode & 0170000, 0040000);
		}
	}
	CHECK_EQ(rc, 0);
	CHECK(seen_file);
	CHECK(seen_dir);
	CHECK(n >= 3);
	free(b);
}

int main(int argc, char **argv)
{
	test_valid();
	test_malformed();
	test_truncated();
	test_corrupted();
	if (argc > 1)
		test_mkcpio(argv[1]);
	return unit_finish("cpio");
}
