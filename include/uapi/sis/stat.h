/*
 * struct stat of the SIS ABI: Linux arm64's (asm-generic/stat.h), named
 * linux_stat so that user code can hold it next to picolibc's own struct stat
 * (the runtime converts). Mode bits are the same in both worlds.
 */
#ifndef UAPI_SIS_STAT_H
#define UAPI_SIS_STAT_H

#include <stdint.h>

struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	uint64_t __pad1;
	int64_t st_size;
	int32_t st_blksize;
	int32_t __pad2;
	int64_t st_blocks;
	int64_t st_atime_sec;
	uint64_t st_atime_nsec;
	int64_t st_mtime_sec;
	uint64_t st_mtime_nsec;
	int64_t st_ctime_sec;
	uint64_t st_ctime_nsec;
	uint32_t __unused4;
	uint32_t __unused5;
};
_Static_assert(sizeof(struct linux_stat) == 128, "struct stat is 128 bytes on arm64");

/* struct statx (statx(2), include/uapi/linux/stat.h). */
struct linux_statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t __reserved;
};

struct linux_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t __spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct linux_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor;
	uint32_t stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align, stx_dio_offset_align;
	uint64_t __spare3[12];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx is 256 bytes");

#define SIS_STATX_TYPE 0x1u
#define SIS_STATX_MODE 0x2u
#define SIS_STATX_NLINK 0x4u
#define SIS_STATX_UID 0x8u
#define SIS_STATX_GID 0x10u
#define SIS_STATX_ATIME 0x20u
#define SIS_STATX_MTIME 0x40u
#define SIS_STATX_CTIME 0x80u
#define SIS_STATX_INO 0x100u
#define SIS_STATX_SIZE 0x200u
#define SIS_STATX_BLOCKS 0x400u
#define SIS_STATX_BASIC_STATS 0x7ffu
#define SIS_STATX_BTIME 0x800u
#define SIS_STATX_MNT_ID 0x1000u
#define SIS_STATX__RESERVED 0x80000000u
/* statx flags beyond AT_*: how to sync (a ramfs has nothing to sync). */
#define SIS_AT_STATX_SYNC_TYPE 0x6000

/* utimensat(2): tv_nsec values that mean "now" and "leave it". */
#define SIS_UTIME_NOW ((1l << 30) - 1l)
#define SIS_UTIME_OMIT ((1l << 30) - 2l)

/* Same values as picolibc's, hence guarded so both headers can be included. */
#ifndef S_IFMT
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 0004000
#define S_ISGID 0002000
#define S_ISVTX 0001000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#endif

/* Device numbers as Linux encodes them in st_rdev (new_encode_dev). */
#define SIS_MKDEV(major, minor) \
	((((uint64_t)(major) & 0xfff) << 8) | ((uint64_t)(minor) & 0xff) | \
	 (((uint64_t)(minor) & ~0xffULL) << 12))
#define SIS_MAJOR(dev) ((unsigned)(((dev) >> 8) & 0xfff))
#define SIS_MINOR(dev) ((unsigned)(((dev) & 0xff) | (((dev) >> 12) & ~0xffU)))

#endif
