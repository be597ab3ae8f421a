/*
 * cpio "newc" member parser (see sis/cpio.h). Every length read from the
 * archive is checked against what is left of the buffer before it is used,
 * with subtractions rather than additions so that no sum can overflow.
 */
#include <sis/cpio.h>
#include <sis/errno.h>
#include <string.h>

#define CPIO_FIELDS 13
#define MIN_PAD(a, b) ((a) < (b) ? (a) : (b))

/* Field order in the header after the 6-byte magic. */
enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK
};

/* Parse exactly 8 hex digits; -1 if any is not a hex digit. */
static int parse_hex8(const char *s, u32 *out)
{
	u32 v = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		v = (v << 4) | d;
	}
	*out = v;
	return 0;
}

static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

/* Decode the fixed header at p (CPIO_HEADER_SIZE readable bytes). */
static int parse_header(const char *p, u32 f[CPIO_FIELDS])
{
	if (memcmp(p, "070701", 6) != 0 && memcmp(p, "070702", 6) != 0)
		return -EINVAL;
	for (int i = 0; i < CPIO_FIELDS; i++)
		if (parse_hex8(p + 6 + 8 * i, &f[i]))
			return -EINVAL;
	return 0;
}

int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e)
{
	const char *base = buf;
	size_t pos = *off, left, namesize, name_pad, data_pad;
	u32 f[CPIO_FIELDS];

	if (pos > len || len - pos < CPIO_HEADER_SIZE)
		return -EINVAL;
	if (parse_header(base + pos, f))
		return -EINVAL;
	pos += CPIO_HEADER_SIZE;
	left = len - pos;

	/* The name: namesize counts the NUL, which must be its last byte. */
	namesize = f[F_NAMESIZE];
	if (namesize < 2 || namesize > left)
		return -EINVAL;
	if (base[pos + namesize - 1] != '\0' || memchr(base + pos, '\0', namesize - 1))
		return -EINVAL;
	e->name = base + pos;
	e->name_len = namesize - 1;
	name_pad = pad4(CPIO_HEADER_SIZE + namesize);
	if (left - namesize < name_pad)
		return -EINVAL;
	pos += namesize + name_pad;
	left = len - pos;

	/* The data; the padding after the last member may be cut off. */
	if (f[F_FILESIZE] > left)
		return -EINVAL;
	e->data = base + pos;
	e->size = f[F_FILESIZE];
	data_pad = pad4(e->size);
	pos += e->size;
	pos += MIN_PAD(data_pad, len - pos);

	e->ino = f[F_INO];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->rdev_major = f[F_RDEVMAJOR];
	e->rdev_minor = f[F_RDEVMINOR];
	*off = pos;
	return strcmp(e->name, CPIO_TRAILER) == 0 ? 0 : 1;
}
