/*
 * poll/ppoll/select/pselect over the kernel's ppoll and pselect6. fd_set
 * is picolibc's (FD_SETSIZE bits, the kernel's bit layout), so nfds is
 * limited to FD_SETSIZE. Signal masks are translated.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/time.h>
#include "sis_syscall.h"
#include "xlat.h"

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
	  const sigset_t *sigmask)
{
	uint64_t lmask;

	if (sigmask)
		lmask = __sis_sigset_to_linux(*sigmask);
	return (int)sis_call(__NR_ppoll, fds, nfds, timeout, sigmask ? &lmask : NULL,
			     sizeof(lmask));
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	struct timespec ts = { .tv_sec = timeout_ms / 1000,
			       .tv_nsec = (long)(timeout_ms % 1000) * 1000000 };

	return ppoll(fds, nfds, timeout_ms < 0 ? NULL : &ts, NULL);
}

int pselect(int n, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *timeout,
	    const sigset_t *sigmask)
{
	uint64_t lmask;
	struct {
		const void *ss;
		size_t ss_len;
	} sig = { NULL, sizeof(lmask) };

	if (n < 0 || n > FD_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	if (sigmask) {
		lmask = __sis_sigset_to_linux(*sigmask);
		sig.ss = &lmask;
	}
	return (int)sis_call(__NR_pselect6, n, rd, wr, ex, timeout, sigmask ? &sig : NULL);
}

int select(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	struct timespec ts;

	if (tv) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0) {
			errno = EINVAL;
			return -1;
		}
		ts.tv_sec = tv->tv_sec + tv->tv_usec / 1000000;
		ts.tv_nsec = (long)(tv->tv_usec % 1000000) * 1000;
	}
	return pselect(n, rd, wr, ex, tv ? &ts : NULL, NULL);
}
