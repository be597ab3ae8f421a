/*
 * Host tests of the ELF executable checks (src/kern/elf.c): a well-formed
 * two-segment image is described exactly; every malformation the loader
 * must refuse (header fields, program-header bounds, segment bounds and
 * overflow, user range, W^X, overlaps, shared pages with different rights,
 * entry point, malformed interpreter path) gives -ENOEXEC; a PIE (ET_DYN
 * from 0, with PT_INTERP) is described and relocated; truncating the image at every
 * length and flipping random bytes never makes the parser read outside the
 * buffer (each buffer is malloc'ed at its exact size, so ASan catches it)
 * and never yields an accepted image that breaks the invariants. With an
 * argument, a real executable (cross-built by meson) must be accepted.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>
#include <sis/errno.h>
#include <sis/elf.h>
#include <uapi/sis/mman.h>
#include "unit.h"

#define USER_MIN 0x10000ULL
#define USER_MAX 0x0000ff0000000000ULL
#define IMG_SIZE 0x400

/* A valid image: text RX at 0x400000 (file 0..0x300), data RW at 0x401000
 * (file 0x300..0x340, memsz 0x2000), entry 0x400100. */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[4];
	unsigned char rest[IMG_SIZE - sizeof(Elf64_Ehdr) - 4 * sizeof(Elf64_Phdr)];
};

static void make_image(struct image *im)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, "\x7f" "ELF", 4);
	im->eh.e_ident[EI_CLASS] = ELFCLASS64;
	im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im->eh.e_ident[EI_VERSION] = EV_CURRENT;
	im->eh.e_type = ET_EXEC;
	im->eh.e_machine = EM_AARCH64;
	im->eh.e_version = EV_CURRENT;
	im->eh.e_entry = 0x400100;
	im->eh.e_phoff = sizeof(Elf64_Ehdr);
	im->eh.e_ehsize = sizeof(Elf64_Ehdr);
	im->eh.e_phentsize = sizeof(Elf64_Phdr);
	im->eh.e_phnum = 2;
	im->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
				  .p_vaddr = 0x400000, .p_filesz = 0x300, .p_memsz = 0x300 };
	im->ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x300,
				  .p_vaddr = 0x401000, .p_filesz = 0x40, .p_memsz = 0x2000 };
}

/* Parse a copy of exactly len bytes of im (so ASan sees any overread). */
static int parse_len(const void *im, size_t len, struct elf_image *out)
{
	void *buf = malloc(len ? len : 1);
	int err;

	memcpy(buf, im, len);
	err = elf_parse(buf, len, USER_MIN, USER_MAX, out);
	free(buf);
	return err;
}

static int parse(const struct image *im, struct elf_image *out)
{
	return parse_len(im, sizeof(*im), out);
}

static void test_valid(void)
{
	struct image im;
	struct elf_image e;

	make_image(&im);
	CHECK_EQ(parse(&im, &e), 0);
	CHECK_EQ(e.entry, 0x400100);
	CHECK_EQ(e.nsegs, 2);
	CHECK_EQ(e.seg[0].prot, PROT_READ | PROT_EXEC);
	CHECK_EQ(e.seg[1].prot, PROT_READ | PROT_WRITE);
	CHECK_EQ(e.seg[1].filesz, 0x40);
	CHECK_EQ(e.seg[1].memsz, 0x2000);
	CHECK_EQ(e.lo, 0x400000);
	CHECK_EQ(e.hi, 0x403000);
	CHECK_EQ(e.phnum, 2);
	/* The headers are in the first segment's file bytes. */
	CHECK_EQ(e.phdr_vaddr, 0x400000 + sizeof(Elf64_Ehdr));

	/* PT_PHDR wins; an empty PT_LOAD and other types are ignored. */
	im.eh.e_phnum = 4;
	im.ph[2] = (Elf64_Phdr){ .p_type = PT_PHDR, .p_vaddr = 0x400040 };
	im.ph[3] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X };
	CHECK_EQ(parse(&im, &e), 0);
	CHECK_EQ(e.nsegs, 2);
	CHECK_EQ(e.phdr_vaddr, 0x400040);

	/* Two segments sharing a page with the same rights are fine. */
	make_image(&im);
	im.ph[1].p_flags = PF_R | PF_X;
	im.ph[1].p_vaddr = 0x400300;
	CHECK_EQ(parse(&im, &e), 0);
}

/* Apply one change to a valid image and expect -ENOEXEC. */
#define EXPECT_REJECT(what, ...)                                                    \
	do {                                                                           \
		struct image im_;                                                      \
		struct elf_image e_;                                                   \
		make_image(&im_);                                                      \
		{                                                                      \
			struct image *im = &im_;                                       \
			__VA_ARGS__;                                                   \
		}                                                                      \
		int r_ = parse(&im_, &e_);                                             \
		if (r_ != -ENOEXEC) {                                                  \
			fprintf(stderr, "%s:%d: %s: got %d, want -ENOEXEC\n", __FILE__, \
				__LINE__, what, r_);                                   \
			unit_failures++;                                               \
		}                                                                      \
	} while (0)

static void test_header_rejects(void)
{
	EXPECT_REJECT("magic", im->eh.e_ident[1] = 'X');
	EXPECT_REJECT("class 32", im->eh.e_ident[EI_CLASS] = 1);
	EXPECT_REJECT("big endian", im->eh.e_ident[EI_DATA] = 2);
	EXPECT_REJECT("ident version", im->eh.e_ident[EI_VERSION] = 0);
	EXPECT_REJECT("e_version", im->eh.e_version = 2);
	EXPECT_REJECT("ET_DYN spanning the user range", {
		im->eh.e_type = ET_DYN;
		im->ph[1].p_vaddr = USER_MAX - USER_MIN;
	});
	EXPECT_REJECT("ET_REL", im->eh.e_type = 1);
	EXPECT_REJECT("x86-64", im->eh.e_machine = 62);
	EXPECT_REJECT("ehsize", im->eh.e_ehsize = 52);
	EXPECT_REJECT("phentsize", im->eh.e_phentsize = 32);
	EXPECT_REJECT("no phdrs", im->eh.e_phnum = 0);
	EXPECT_REJECT("too many phdrs", im->eh.e_phnum = ELF_MAX_PHNUM + 1);
	EXPECT_REJECT("PN_XNUM", im->eh.e_phnum = 0xffff);
	EXPECT_REJECT("phoff past end", im->eh.e_phoff = IMG_SIZE);
	EXPECT_REJECT("phdrs cross end", im->eh.e_phoff = IMG_SIZE - sizeof(Elf64_Phdr));
	EXPECT_REJECT("phoff overflow", im->eh.e_phoff = UINT64_MAX - 8);
}

static void test_segment_rejects(void)
{
	EXPECT_REJECT("filesz > memsz", im->ph[1].p_filesz = 0x3000);
	EXPECT_REJECT("bytes past end", im->ph[1].p_filesz = IMG_SIZE);
	EXPECT_REJECT("offset past end", im->ph[1].p_offset = IMG_SIZE + 1);
	EXPECT_REJECT("offset overflow", {
		im->ph[1].p_offset = UINT64_MAX - 0x10;
		im->ph[1].p_filesz = 0x20;
	});
	EXPECT_REJECT("vaddr overflow", {
		im->ph[1].p_vaddr = UINT64_MAX - 0x100;
		im->ph[1].p_memsz = 0x1000;
	});
	EXPECT_REJECT("below user range", im->ph[0].p_vaddr = 0x1000);
	EXPECT_REJECT("page zero", {
		im->ph[0].p_vaddr = 0;
		im->eh.e_entry = 0x100;
	});
	EXPECT_REJECT("above user range", im->ph[1].p_vaddr = USER_MAX - 0x1000);
	EXPECT_REJECT("kernel address", im->ph[1].p_vaddr = 0xffff000040200000ULL);
	EXPECT_REJECT("W+X", im->ph[0].p_flags = PF_R | PF_W | PF_X);
	EXPECT_REJECT("overlap", im->ph[1].p_vaddr = 0x400200);
	EXPECT_REJECT("contained", {
		im->ph[1].p_vaddr = 0x3ff000;
		im->ph[1].p_memsz = 0x10000;
	});
	EXPECT_REJECT("page shared RX/RW", im->ph[1].p_vaddr = 0x400300);
	EXPECT_REJECT("entry in data", im->eh.e_entry = 0x401010);
	EXPECT_REJECT("entry outside", im->eh.e_entry = 0x500000);
	EXPECT_REJECT("interpreter not NUL-terminated", {
		im->eh.e_phnum = 3;
		im->ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x300, .p_filesz = 8 };
		memset(im->rest + 0x300 - offsetof(struct image, rest), 'x', 8);
	});
	EXPECT_REJECT("interpreter with an inner NUL", {
		im->eh.e_phnum = 3;
		im->ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x300, .p_filesz = 8 };
		memcpy(im->rest + 0x300 - offsetof(struct image, rest), "/a\0b/cd", 8);
	});
	EXPECT_REJECT("interpreter empty", {
		im->eh.e_phnum = 3;
		im->ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x300, .p_filesz = 1 };
	});
	EXPECT_REJECT("interpreter past the end", {
		im->eh.e_phnum = 3;
		im->ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = IMG_SIZE - 4,
					  .p_filesz = 8 };
	});
	EXPECT_REJECT("interpreter too long", {
		im->eh.e_phnum = 3;
		im->ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0,
					  .p_filesz = ELF_INTERP_MAX + 1 };
	});
	EXPECT_REJECT("two interpreters", {
		im->eh.e_phnum = 4;
		memcpy(im->rest + 0x300 - offsetof(struct image, rest), "/ld.so\0", 8);
		im->ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x300, .p_filesz = 7 };
		im->ph[3] = im->ph[2];
	});
	EXPECT_REJECT("no PT_LOAD", {
		im->ph[0].p_type = PT_NULL;
		im->ph[1].p_type = PT_TLS;
	});
	EXPECT_REJECT("only empty PT_LOADs", {
		im->ph[0].p_memsz = im->ph[0].p_filesz = 0;
		im->ph[1].p_memsz = im->ph[1].p_filesz = 0;
	});
}

/* ET_DYN: addresses from 0, moved by elf_relocate; PT_INTERP is described. */
static void test_dynamic(void)
{
	struct image im;
	struct elf_image e;

	make_image(&im);
	im.eh.e_type = ET_DYN;
	im.eh.e_entry = 0x100;
	im.ph[0].p_vaddr = 0;
	im.ph[1].p_vaddr = 0x1000;
	im.eh.e_phnum = 3;
	im.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x300, .p_filesz = 7 };
	memcpy(im.rest + 0x300 - offsetof(struct image, rest), "/ld.so", 7);
	CHECK_EQ(parse(&im, &e), 0);
	CHECK_EQ(e.type, ET_DYN);
	CHECK_EQ(e.interp_off, 0x300);
	CHECK_EQ(e.interp_len, 7);
	CHECK_EQ(e.lo, 0);
	CHECK_EQ(e.hi, 0x3000);
	CHECK_EQ(e.phdr_vaddr, sizeof(Elf64_Ehdr));
	elf_relocate(&e, 0x7f0000000000ULL);
	CHECK_EQ(e.entry, 0x7f0000000100ULL);
	CHECK_EQ(e.seg[1].vaddr, 0x7f0000001000ULL);
	CHECK_EQ(e.phdr_vaddr, 0x7f0000000000ULL + sizeof(Elf64_Ehdr));
	CHECK_EQ(e.lo, 0x7f0000000000ULL);
	CHECK_EQ(e.hi, 0x7f0000003000ULL);
}

static void test_too_many_loads(void)
{
	size_t n = ELF_MAX_LOADS + 1, len = sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr);
	unsigned char *buf = calloc(1, len);
	struct image im;
	struct elf_image e;

	make_image(&im);
	im.eh.e_phnum = (uint16_t)n;
	memcpy(buf, &im.eh, sizeof(im.eh));
	for (size_t i = 0; i < n; i++) {
		Elf64_Phdr ph = { .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
				  .p_vaddr = 0x400000 + i * 0x1000, .p_memsz = 0x100 };
		memcpy(buf + sizeof(Elf64_Ehdr) + i * sizeof(ph), &ph, sizeof(ph));
	}
	CHECK_EQ(parse_len(buf, len, &e), -ENOEXEC);
	free(buf);
}

static void check_invariants(const struct elf_image *e, size_t len)
{
	CHECK(e->nsegs >= 1 && e->nsegs <= ELF_MAX_LOADS);
	for (int i = 0; i < e->nsegs; i++) {
		const struct elf_segment *s = &e->seg[i];

		CHECK(s->filesz <= s->memsz);
		CHECK(s->offset <= len && s->filesz <= len - s->offset);
		CHECK(s->vaddr >= USER_MIN && s->vaddr + s->memsz <= USER_MAX);
		CHECK(s->vaddr + s->memsz >= s->vaddr);
		CHECK((s->prot & (PROT_WRITE | PROT_EXEC)) != (PROT_WRITE | PROT_EXEC));
	}
}

/* Every truncation, and random byte flips in the headers. */
static void test_truncation_and_fuzz(void)
{
	struct image im;
	struct elf_image e;

	make_image(&im);
	for (size_t len = 0; len < sizeof(im); len++) {
		int r = parse_len(&im, len, &e);

		/* The data segment's file bytes end at 0x340. */
		CHECK(r == (len >= 0x340 ? 0 : -ENOEXEC));
	}
	unit_srand(42);
	for (int round = 0; round < 20000; round++) {
		struct image f;
		int flips = 1 + (int)(unit_rand() % 4), r;

		make_image(&f);
		for (int i = 0; i < flips; i++) {
			size_t at = unit_rand() % (sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr));
			((unsigned char *)&f)[at] ^= (unsigned char)(1u << (unit_rand() % 8));
		}
		r = parse(&f, &e);
		CHECK(r == 0 || r == -ENOEXEC);
		if (r == 0)
			check_invariants(&e, sizeof(f));
	}
}

static void test_real_file(const char *path)
{
	size_t len;
	void *data = unit_read_file(path, &len);
	struct elf_image e;
	int r = elf_parse(data, len, USER_MIN, USER_MAX, &e);

	if (r)
		fprintf(stderr, "%s: rejected (%d)\n", path, r);
	CHECK_EQ(r, 0);
	if (!r) {
		bool phdr_inside = e.phdr_vaddr == 0; /* 0: headers not loaded (AT_PHDR 0) */

		check_invariants(&e, len);
		for (int i = 0; i < e.nsegs; i++)
			phdr_inside |= e.phdr_vaddr >= e.seg[i].vaddr &&
				       e.phdr_vaddr < e.seg[i].vaddr + e.seg[i].memsz;
		CHECK(phdr_inside);
	}
	free(data);
}

int main(int argc, char **argv)
{
	unit_log_quiet(true);
	test_valid();
	test_header_rejects();
	test_segment_rejects();
	test_dynamic();
	test_too_many_loads();
	test_truncation_and_fuzz();
	for (int i = 1; i < argc; i++)
		test_real_file(argv[i]);
	return unit_finish("elf");
}
