/* <sys/eventfd.h> for SIS (picolibc has none): Linux's eventfd. */
#ifndef _SIS_SYS_EVENTFD_H
#define _SIS_SYS_EVENTFD_H

#include <stdint.h>
#include <uapi/sis/eventpoll.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t eventfd_t;

int eventfd(unsigned int initval, int flags);
int eventfd_read(int fd, eventfd_t *value);
int eventfd_write(int fd, eventfd_t value);

#ifdef __cplusplus
}
#endif
#endif
