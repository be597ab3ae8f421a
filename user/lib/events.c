/*
 * epoll, eventfd and timerfd wrappers over the Linux calls (no translation
 * needed: the structures have Linux's layout; signal masks are translated).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "sis_syscall.h"
#include "xlat.h"

int epoll_create1(int flags)
{
	return (int)sis_call(__NR_epoll_create1, flags);
}

/* epoll_create(2): size is ignored but must be positive. */
int epoll_create(int size)
{
	if (size <= 0) {
		errno = EINVAL;
		return -1;
	}
	return epoll_create1(0);
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	return (int)sis_call(__NR_epoll_ctl, epfd, op, fd, event);
}

int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms,
		const sigset_t *sigmask)
{
	uint64_t lmask;

	if (sigmask)
		lmask = __sis_sigset_to_linux(*sigmask);
	return (int)sis_call(__NR_epoll_pwait, epfd, events, maxevents, timeout_ms,
			     sigmask ? &lmask : NULL, sizeof(lmask));
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms)
{
	return epoll_pwait(epfd, events, maxevents, timeout_ms, NULL);
}

int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		 const struct timespec *timeout, const sigset_t *sigmask)
{
	uint64_t lmask;

	if (sigmask)
		lmask = __sis_sigset_to_linux(*sigmask);
	return (int)sis_call(__NR_epoll_pwait2, epfd, events, maxevents, timeout,
			     sigmask ? &lmask : NULL, sizeof(lmask));
}

int eventfd(unsigned int initval, int flags)
{
	return (int)sis_call(__NR_eventfd2, initval, flags);
}

int eventfd_read(int fd, eventfd_t *value)
{
	return read(fd, value, sizeof(*value)) == sizeof(*value) ? 0 : -1;
}

int eventfd_write(int fd, eventfd_t value)
{
	return write(fd, &value, sizeof(value)) == sizeof(value) ? 0 : -1;
}

/* picolibc's clock ids differ from Linux's: translated (unknown: EINVAL). */
int timerfd_create(int clockid, int flags)
{
	int lclk = __sis_clock_to_linux(clockid);

	if (lclk < 0) {
		errno = EINVAL;
		return -1;
	}
	return (int)sis_call(__NR_timerfd_create, lclk, flags);
}

int timerfd_settime(int fd, int flags, const struct itimerspec *new_value,
		    struct itimerspec *old_value)
{
	return (int)sis_call(__NR_timerfd_settime, fd, flags, new_value, old_value);
}

int timerfd_gettime(int fd, struct itimerspec *curr_value)
{
	return (int)sis_call(__NR_timerfd_gettime, fd, curr_value);
}
