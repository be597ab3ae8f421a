/*
 * <sys/ioctl.h> for SIS: ioctl() and the terminal requests (Linux numbers
 * from the kernel's uapi), struct winsize, and the network interface
 * requests (SIOC*, from uapi/sis/sockios.h when present).
 */
#ifndef _SIS_SYS_IOCTL_H
#define _SIS_SYS_IOCTL_H

#include <uapi/sis/ioctl.h>
#if __has_include(<uapi/sis/sockios.h>)
#include <uapi/sis/sockios.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct winsize {
	unsigned short ws_row;
	unsigned short ws_col;
	unsigned short ws_xpixel;
	unsigned short ws_ypixel;
};

#ifndef FIONCLEX
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#endif

int ioctl(int fd, unsigned long request, ...);

#ifdef __cplusplus
}
#endif
#endif
