/* <sys/uio.h> for SIS: struct iovec (Linux layout) and readv/writev. */
#ifndef _SIS_SYS_UIO_H
#define _SIS_SYS_UIO_H

#include <sys/types.h>
#include <uapi/sis/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IOV_MAX UIO_MAXIOV

ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t writev(int fd, const struct iovec *iov, int iovcnt);

#ifdef __cplusplus
}
#endif
#endif
