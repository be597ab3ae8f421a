/* <poll.h> for SIS (picolibc has none): Linux's values from the uapi. */
#ifndef _SIS_POLL_H
#define _SIS_POLL_H

#include <signal.h>
#include <time.h>
#include <uapi/sis/poll.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long nfds_t;

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
	  const sigset_t *sigmask);

#ifdef __cplusplus
}
#endif
#endif
