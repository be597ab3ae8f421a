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

#endif
