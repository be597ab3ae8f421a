/* getdents64() records of the SIS ABI: Linux's struct linux_dirent64. */
#ifndef UAPI_SIS_DIRENT_H
#define UAPI_SIS_DIRENT_H

#include <stdint.h>

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;          /* opaque cookie: lseek() here to resume after this entry */
	unsigned short d_reclen; /* whole record, 8-byte aligned */
	unsigned char d_type;   /* DT_* */
	char d_name[];          /* NUL-terminated */
};

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

#endif
