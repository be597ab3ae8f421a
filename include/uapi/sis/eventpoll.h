/*
 * Event descriptors of the SIS ABI: epoll, eventfd, timerfd, signalfd, as
 * Linux defines them for arm64 (include/uapi/linux/eventpoll.h, eventfd.h,
 * timerfd.h, signalfd.h). On arm64 struct linux_epoll_event is naturally aligned
 * (16 bytes); only x86-64 packs it.
 */
#ifndef UAPI_SIS_EVENTPOLL_H
#define UAPI_SIS_EVENTPOLL_H

#include <stdint.h>

#define EPOLL_CLOEXEC 02000000
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

#define EPOLLIN 0x00000001u
#define EPOLLPRI 0x00000002u
#define EPOLLOUT 0x00000004u
#define EPOLLERR 0x00000008u
#define EPOLLHUP 0x00000010u
#define EPOLLNVAL 0x00000020u
#define EPOLLRDNORM 0x00000040u
#define EPOLLRDBAND 0x00000080u
#define EPOLLWRNORM 0x00000100u
#define EPOLLWRBAND 0x00000200u
#define EPOLLMSG 0x00000400u
#define EPOLLRDHUP 0x00002000u
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)

struct linux_epoll_event {
	uint32_t events;
	uint64_t data;
};

#define EFD_SEMAPHORE 00000001
#define EFD_CLOEXEC 02000000
#define EFD_NONBLOCK 00004000

#define TFD_TIMER_ABSTIME (1 << 0)
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#define TFD_CLOEXEC 02000000
#define TFD_NONBLOCK 00004000

#define SFD_CLOEXEC 02000000
#define SFD_NONBLOCK 00004000

struct linux_itimerspec {
	int64_t it_interval_sec, it_interval_nsec;
	int64_t it_value_sec, it_value_nsec;
};

/* read(2) of a signalfd: 128 bytes per signal. */
struct signalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno;
	int32_t ssi_code;
	uint32_t ssi_pid;
	uint32_t ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid;
	uint32_t ssi_band;
	uint32_t ssi_overrun;
	uint32_t ssi_trapno;
	int32_t ssi_status;
	int32_t ssi_int;
	uint64_t ssi_ptr;
	uint64_t ssi_utime;
	uint64_t ssi_stime;
	uint64_t ssi_addr;
	uint16_t ssi_addr_lsb;
	uint16_t __pad2;
	int32_t ssi_syscall;
	uint64_t ssi_call_addr;
	uint32_t ssi_arch;
	uint8_t __pad[28];
};

#endif
