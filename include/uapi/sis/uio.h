/* Scatter/gather vectors for readv/writev (Linux's struct iovec). */
#ifndef UAPI_SIS_UIO_H
#define UAPI_SIS_UIO_H

#include <stddef.h>

#ifndef SIS_IOVEC_DEFINED
#define SIS_IOVEC_DEFINED
struct iovec {
	void *iov_base;
	size_t iov_len;
};
#endif

#define UIO_MAXIOV 1024

/* preadv2/pwritev2 flags (include/uapi/linux/fs.h). */
#define RWF_HIPRI 0x1
#define RWF_DSYNC 0x2
#define RWF_SYNC 0x4
#define RWF_NOWAIT 0x8
#define RWF_APPEND 0x10

#endif
