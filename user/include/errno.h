/*
 * <errno.h> for SIS: picolibc's, with its Linux extensions switched on
 * (ESHUTDOWN, ESOCKTNOSUPPORT, EUSERS, ENOTBLK... exist on Linux and the
 * kernel returns them; the runtime maps each to picolibc's number).
 */
#ifndef _SIS_ERRNO_H
#define _SIS_ERRNO_H

#ifndef __LINUX_ERRNO_EXTENSIONS__
#define __LINUX_ERRNO_EXTENSIONS__ 1
#endif
#include_next <errno.h>

#endif
