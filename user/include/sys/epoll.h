/* <sys/epoll.h> for SIS (picolibc has none): Linux's epoll, values from the uapi. */
#ifndef _SIS_SYS_EPOLL_H
#define _SIS_SYS_EPOLL_H

#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <uapi/sis/eventpoll.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef union epoll_data {
	void *ptr;
	int fd;
	uint32_t u32;
	uint64_t u64;
} epoll_data_t;

/* Same layout as struct linux_epoll_event (arm64: not packed, 16 bytes). */
struct epoll_event {
	uint32_t events;
	epoll_data_t data;
};

int epoll_create(int size);
int epoll_create1(int flags);
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms);
int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms,
		const sigset_t *sigmask);
int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		 const struct timespec *timeout, const sigset_t *sigmask);

#ifdef __cplusplus
}
#endif
#endif
