/*
 * struct statfs of the SIS ABI: Linux arm64's (asm-generic/statfs.h, 64-bit
 * words), for statfs(2)/fstatfs(2); f_type of the ramfs is Linux's
 * RAMFS_MAGIC (include/uapi/linux/magic.h).
 */
#ifndef UAPI_SIS_STATFS_H
#define UAPI_SIS_STATFS_H

#include <stdint.h>

#define SIS_RAMFS_MAGIC 0x858458f6
#define SIS_PROC_SUPER_MAGIC 0x9fa0

struct linux_statfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks;
	uint64_t f_bfree;
	uint64_t f_bavail;
	uint64_t f_files;
	uint64_t f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs is 120 bytes on arm64");

#endif
