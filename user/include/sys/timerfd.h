/* <sys/timerfd.h> for SIS (picolibc has none): Linux's timerfd. picolibc's
 * struct itimerspec has Linux's arm64 layout (64-bit time_t and long). */
#ifndef _SIS_SYS_TIMERFD_H
#define _SIS_SYS_TIMERFD_H

#include <time.h>
#include <uapi/sis/eventpoll.h>

#ifdef __cplusplus
extern "C" {
#endif

int timerfd_create(int clockid, int flags);
int timerfd_settime(int fd, int flags, const struct itimerspec *new_value,
		    struct itimerspec *old_value);
int timerfd_gettime(int fd, struct itimerspec *curr_value);

#ifdef __cplusplus
}
#endif
#endif
