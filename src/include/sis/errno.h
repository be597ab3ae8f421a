/* Kernel errno: Linux's values, shared with user space through the uapi. */
#ifndef SIS_ERRNO_H
#define SIS_ERRNO_H
#include <uapi/sis/errno.h>
#endif
