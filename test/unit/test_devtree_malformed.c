/*
 * Device tree reader against broken blobs: every truncation of a real QEMU
 * tree (with the header left alone, and with the header rewritten to claim
 * the truncated size), corrupted header fields, and random byte damage.
 * Blobs sit right before an inaccessible page, so a read past the end
 * faults even inside the (uninstrumented) system libfdt; our own code runs
 * under ASan. Broken blobs must give -EINVAL; damage that still leaves a
 * valid tree may parse, but never out of bounds.
 *
 * Usage: test_devtree_malformed DTB
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <libfdt.h>
#include <sis/kernel.h>
#include <sis/devtree.h>

#include "unit.h"

static unsigned char *region; /* readable pages followed by a PROT_NONE page */
static size_t region_size;    /* readable bytes */

static void guard_open(size_t max)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	region_size = ALIGN_UP(max, page);
	region = mmap(NULL, region_size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (region == MAP_FAILED || mprotect(region + region_size, page, PROT_NONE)) {
		perror("guard page");
		exit(2);
	}
}

static void guard_close(void)
{
	munmap(region, region_size + (size_t)sysconf(_SC_PAGESIZE));
}

/*
 * Copy len bytes so they end at the guard page. libfdt wants an 8-byte
 * aligned blob, so up to 7 bytes of zeroes may follow the copy.
 */
static unsigned char *guarded(const void *src, size_t len)
{
	unsigned char *dst = region + region_size - ALIGN_UP(len, 8);

	memset(region + region_size - ALIGN_UP(len, 8), 0, ALIGN_UP(len, 8));
	memcpy(dst, src, len);
	return dst;
}

/* Parse from the guarded region; result must be 0 or -EINVAL, fields sane. */
static int parse_guarded(const void *blob, size_t len)
{
	struct dt_info dt;
	unsigned char *g = guarded(blob, len);
	int rc;

	devtree_defaults(&dt);
	rc = devtree_parse_sized(g, len, &dt);
	CHECK(rc == 0 || rc == -EINVAL);
	CHECK(dt.n_virtio >= 0 && dt.n_virtio <= DT_MAX_VIRTIO);
	CHECK(memchr(dt.bootargs, '\0', sizeof(dt.bootargs)) != NULL);
	CHECK(memchr(dt.model, '\0', sizeof(dt.model)) != NULL);
	CHECK(rc != 0 || dt.valid);
	return rc;
}

static void set_header(void *fdt, size_t offset, u32 value)
{
	fdt32_t be = cpu_to_fdt32(value);

	memcpy((char *)fdt + offset, &be, sizeof(be));
}

static void test_small_inputs(const unsigned char *tree)
{
	struct dt_info dt;

	devtree_defaults(&dt);
	CHECK_EQ(devtree_parse_sized(NULL, 4096, &dt), -EINVAL);
	CHECK_EQ(devtree_parse(NULL, &dt), -EINVAL);
	for (size_t len = 0; len < sizeof(struct fdt_header); len++)
		CHECK_EQ(parse_guarded(tree, len), -EINVAL);
	CHECK(!dt.valid);
}

/* Each header field set to values that make the blob inconsistent. */
static void test_header_fields(const unsigned char *tree, size_t len)
{
	static const struct {
		size_t offset;
		u32 value;
	} bad[] = {
	    {offsetof(struct fdt_header, magic), 0xd00dfeee},
	    {offsetof(struct fdt_header, totalsize), 0},
	    {offsetof(struct fdt_header, totalsize), 39},
	    {offsetof(struct fdt_header, totalsize), 0xffffffff},
	    {offsetof(struct fdt_header, off_dt_struct), 0xfffffff0},
	    {offsetof(struct fdt_header, off_dt_struct), 3},
	    {offsetof(struct fdt_header, off_dt_strings), 0xfffffff0},
	    {offsetof(struct fdt_header, off_mem_rsvmap), 0xfffffff0},
	    {offsetof(struct fdt_header, off_mem_rsvmap), 4},
	    {offsetof(struct fdt_header, version), 1},
	    {offsetof(struct fdt_header, last_comp_version), 99},
	    {offsetof(struct fdt_header, size_dt_strings), 0xffffff00},
	    {offsetof(struct fdt_header, size_dt_struct), 0xffffff00},
	    {offsetof(struct fdt_header, size_dt_struct), 4},
	    {offsetof(struct fdt_header, size_dt_struct), 0},
	};
	unsigned char *copy = malloc(len);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(copy, tree, len);
		set_header(copy, bad[i].offset, bad[i].value);
		if (parse_guarded(copy, len) != -EINVAL) {
			fprintf(stderr, "header field at %zu = 0x%x accepted\n", bad[i].offset,
				bad[i].value);
			unit_failures++;
		}
	}
	free(copy);
}

/* Every prefix: as is (claims more than there is), and claiming its own size. */
static void test_truncation(const unsigned char *tree, size_t len)
{
	unsigned char *copy = malloc(len);
	u32 strings_end = fdt_off_dt_strings(tree) + fdt_size_dt_strings(tree);

	for (size_t cut = sizeof(struct fdt_header); cut < len; cut++) {
		CHECK_EQ(parse_guarded(tree, cut), -EINVAL);
		memcpy(copy, tree, cut);
		set_header(copy, offsetof(struct fdt_header, totalsize), (u32)cut);
		if (cut < strings_end)
			CHECK_EQ(parse_guarded(copy, cut), -EINVAL);
		else
			parse_guarded(copy, cut); /* only padding lost: may be fine */
		/* Blocks shrunk to fit as well: the tree itself ends early. */
		if (cut > fdt_off_dt_struct(tree) && cut < fdt_off_dt_strings(tree)) {
			set_header(copy, offsetof(struct fdt_header, size_dt_struct),
				   (u32)(cut - fdt_off_dt_struct(tree)) & ~3U);
			set_header(copy, offsetof(struct fdt_header, off_dt_strings), (u32)cut);
			set_header(copy, offsetof(struct fdt_header, size_dt_strings), 0);
			CHECK_EQ(parse_guarded(copy, cut), -EINVAL);
		}
	}
	free(copy);
}

/* Random damage: anything may happen except crashes and wild reads. */
static void test_random_damage(const unsigned char *tree, size_t len)
{
	unsigned char *copy = malloc(len);
	int parsed = 0, rejected = 0;

	unit_srand(4242);
	unit_log_quiet(true);
	for (int iter = 0; iter < 20000; iter++) {
		int flips = 1 + (int)(unit_rand() % 8);

		memcpy(copy, tree, len);
		for (int i = 0; i < flips; i++) {
			size_t at = unit_rand() % len;

			if (unit_rand() % 2)
				copy[at] ^= (unsigned char)(1u << (unit_rand() % 8));
			else if (at + 4 <= len) /* a plausible-looking cell value */
				set_header(copy, at & ~3UL, (u32)(unit_rand() % 0x200));
		}
		if (parse_guarded(copy, len) == 0)
			parsed++;
		else
			rejected++;
	}
	unit_log_quiet(false);
	printf("random damage: %d parsed, %d rejected\n", parsed, rejected);
	CHECK(rejected > 0);
	free(copy);
}

/* The undamaged tree, packed and unpacked, parses. */
static void test_intact(const unsigned char *tree, size_t len)
{
	CHECK_EQ(parse_guarded(tree, len), 0);
}

int main(int argc, char **argv)
{
	size_t len, packed_len;
	unsigned char *dtb, *packed;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DTB\n", argv[0]);
		return 2;
	}
	dtb = unit_read_file(argv[1], &len);
	guard_open(len);
	CHECK_EQ(parse_guarded(dtb, len), 0);
	/* QEMU pads its tree to 1 MiB; the packed form keeps the loops fast. */
	packed = malloc(len);
	CHECK_EQ(fdt_open_into(dtb, packed, (int)len), 0);
	CHECK_EQ(fdt_pack(packed), 0);
	packed_len = fdt_totalsize(packed);
	CHECK(packed_len < len);
	test_intact(packed, packed_len);
	test_small_inputs(packed);
	test_header_fields(packed, packed_len);
	test_truncation(packed, packed_len);
	test_random_damage(packed, packed_len);
	guard_close();
	free(packed);
	free(dtb);
	return unit_finish("devtree (malformed)");
}
