/*
 * Directory streams for SIS (picolibc's <dirent.h> includes this file and
 * declares opendir/readdir/...; picolibc's own <sys/dirent.h> is an #error).
 * Entries come from getdents64; d_type uses Linux's DT_* values.
 */
#ifndef _SIS_SYS_DIRENT_H
#define _SIS_SYS_DIRENT_H

#include <sys/types.h>
#include <uapi/sis/dirent.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MAXNAMLEN 255

struct dirent {
	ino_t d_ino;
	off_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[MAXNAMLEN + 1];
};

#define _SIS_DIRBUF 2048
typedef struct __sis_dir {
	int fd;
	int pos;            /* next record in buf */
	int len;            /* bytes of records in buf */
	off_t next_off;     /* getdents64 offset after the last record read */
	struct dirent ent;  /* what readdir() returns */
	char buf[_SIS_DIRBUF] __attribute__((aligned(8)));
} DIR;

#define _DIRENT_HAVE_D_TYPE 1
#define _DIRENT_HAVE_D_OFF 1
#define _DIRENT_HAVE_D_RECLEN 1

#ifdef __cplusplus
}
#endif
#endif
