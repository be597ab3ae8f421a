/*
 * Reader for cpio "newc" archives (magic 070701, or 070702 with a checksum
 * that is not checked), the format of Linux's initramfs: a 110-byte ASCII
 * header of 13 eight-digit hex fields, the NUL-terminated name padded to 4
 * bytes, the data padded to 4 bytes; the last member is "TRAILER!!!".
 *
 * Pure code, no allocation: also built for the host unit test.
 */
#ifndef SIS_CPIO_H
#define SIS_CPIO_H

#include <sis/types.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_TRAILER "TRAILER!!!"

struct cpio_entry {
	const char *name;   /* NUL-terminated, inside the archive */
	size_t name_len;    /* strlen(name), >= 1 */
	u32 ino;
	u32 mode;           /* S_IF* type bits and permissions */
	u32 uid, gid, nlink, mtime;
	u32 rdev_major, rdev_minor;
	const void *data;   /* size bytes inside the archive */
	size_t size;
};

/*
 * Read the member starting at *off in buf[0, len). Returns 1 with *e filled
 * and *off moved to the next member; 0 at the trailer (*e names it); -EINVAL
 * if the header is malformed (bad magic, non-hex field, empty name or one
 * without its NUL, or a name/data size reaching past len). Never reads
 * outside buf[0, len). An archive that ends without a trailer makes the call
 * at its end return -EINVAL.
 */
int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e);

#endif
