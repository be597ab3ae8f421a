/*
 * <termios.h> for SIS (picolibc's refers to a <sys/termios.h> it lacks).
 * struct termios is the kernel's (Linux asm-generic layout: no speed
 * fields, the speed is in c_cflag) so tcgetattr/tcsetattr are plain ioctls.
 */
#ifndef _SIS_TERMIOS_H
#define _SIS_TERMIOS_H

#include <sys/types.h>
#include <uapi/sis/ioctl.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned char cc_t;
typedef unsigned int speed_t;
typedef unsigned int tcflag_t;

#define NCCS SIS_NCCS

struct termios {
	tcflag_t c_iflag;
	tcflag_t c_oflag;
	tcflag_t c_cflag;
	tcflag_t c_lflag;
	cc_t c_line;
	cc_t c_cc[NCCS];
};
_Static_assert(sizeof(struct termios) == sizeof(struct linux_termios), "termios layout");

int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int action, const struct termios *t);
int tcflush(int fd, int queue);
int tcdrain(int fd);
int tcsendbreak(int fd, int duration);
void cfmakeraw(struct termios *t);
speed_t cfgetispeed(const struct termios *t);
speed_t cfgetospeed(const struct termios *t);
int cfsetispeed(struct termios *t, speed_t speed);
int cfsetospeed(struct termios *t, speed_t speed);
int cfsetspeed(struct termios *t, speed_t speed);
pid_t tcgetpgrp(int fd);
int tcsetpgrp(int fd, pid_t pgrp);

#ifdef __cplusplus
}
#endif
#endif
