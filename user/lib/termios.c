/* Terminal control over the console's Linux ioctls (TCGETS...). */
#include <errno.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>

int tcgetattr(int fd, struct termios *t)
{
	return ioctl(fd, TCGETS, t);
}

int tcsetattr(int fd, int action, const struct termios *t)
{
	static const unsigned long req[] = { [TCSANOW] = TCSETS, [TCSADRAIN] = TCSETSW,
					     [TCSAFLUSH] = TCSETSF };

	if (action < TCSANOW || action > TCSAFLUSH) {
		errno = EINVAL;
		return -1;
	}
	return ioctl(fd, req[action], t);
}

int tcflush(int fd, int queue)
{
	return ioctl(fd, TCFLSH, (void *)(long)queue);
}

/* Console output is synchronous: nothing is ever pending. */
int tcdrain(int fd)
{
	struct termios t;

	return tcgetattr(fd, &t);
}

int tcsendbreak(int fd, int duration)
{
	(void)duration;
	return tcdrain(fd);
}

void cfmakeraw(struct termios *t)
{
	t->c_iflag &= ~(unsigned)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t->c_oflag &= ~(unsigned)OPOST;
	t->c_lflag &= ~(unsigned)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t->c_cflag &= ~(unsigned)(CSIZE | PARENB);
	t->c_cflag |= CS8;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
}

speed_t cfgetospeed(const struct termios *t)
{
	return t->c_cflag & CBAUD;
}

speed_t cfgetispeed(const struct termios *t)
{
	return cfgetospeed(t);
}

int cfsetospeed(struct termios *t, speed_t speed)
{
	if (speed & ~(speed_t)CBAUD) {
		errno = EINVAL;
		return -1;
	}
	t->c_cflag = (t->c_cflag & ~(unsigned)CBAUD) | speed;
	return 0;
}

int cfsetispeed(struct termios *t, speed_t speed)
{
	return speed ? cfsetospeed(t, speed) : 0;
}

int cfsetspeed(struct termios *t, speed_t speed)
{
	return cfsetospeed(t, speed);
}

pid_t tcgetpgrp(int fd)
{
	int pgrp;

	if (ioctl(fd, TIOCGPGRP, &pgrp) < 0)
		return -1;
	return pgrp;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
	int v = pgrp;

	return ioctl(fd, TIOCSPGRP, &v);
}
