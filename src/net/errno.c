/*
 * lwIP err_t -> Linux errno: the one table (lwIP's own err_to_errno() is not
 * compiled with NO_SYS=1). Kept free of other lwIP dependencies so the host
 * unit tests can build it.
 */
#include <sis/kernel.h>
#include "lwip/err.h"
#include "net_private.h"

/* Indexed by -err. Where lwIP's api/err.c differs, the Linux meaning wins:
 * a timeout is ETIMEDOUT, an illegal argument EINVAL, a netif failure EIO. */
static const int errno_of[] = {
	[-ERR_OK] = 0,
	[-ERR_MEM] = ENOMEM,
	[-ERR_BUF] = ENOBUFS,
	[-ERR_TIMEOUT] = ETIMEDOUT,
	[-ERR_RTE] = EHOSTUNREACH,
	[-ERR_INPROGRESS] = EINPROGRESS,
	[-ERR_VAL] = EINVAL,
	[-ERR_WOULDBLOCK] = EAGAIN,
	[-ERR_USE] = EADDRINUSE,
	[-ERR_ALREADY] = EALREADY,
	[-ERR_ISCONN] = EISCONN,
	[-ERR_CONN] = ENOTCONN,
	[-ERR_IF] = EIO,
	[-ERR_ABRT] = ECONNABORTED,
	[-ERR_RST] = ECONNRESET,
	[-ERR_CLSD] = ENOTCONN,
	[-ERR_ARG] = EINVAL,
};

int net_err_to_errno(err_t err)
{
	int idx = -(int)err;

	if (idx < 0 || idx >= (int)ARRAY_SIZE(errno_of))
		return -EIO; /* not an lwIP error code */
	return -errno_of[idx];
}
