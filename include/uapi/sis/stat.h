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
