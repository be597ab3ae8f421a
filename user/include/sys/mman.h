/* <sys/mman.h> for SIS: Linux's flags (uapi); private anonymous memory only. */
#ifndef _SIS_SYS_MMAN_H
#define _SIS_SYS_MMAN_H

#include <sys/types.h>
#include <uapi/sis/mman.h>

#ifdef __cplusplus
extern "C" {
#endif

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);

#ifdef __cplusplus
}
#endif
#endif
