/*
 * The console terminal (/dev/console, /dev/tty): a line discipline on the
 * PL011 input. Canonical mode (ICANON) edits lines with echo, erase
 * (DEL/^H), kill (^U), word erase (^W) and end-of-file (^D); raw mode hands
 * bytes over as they arrive. With ISIG, ^C sends SIGINT and ^\ SIGQUIT to
 * the foreground process group and discards pending input. Termios and
 * window size follow Linux's ioctls (uapi/sis/ioctl.h).
 *
 * Input is processed in IRQ context (console_set_input hook); readers sleep
 * on a wait queue. Output goes straight to console_write() (synchronous).
 */
#ifndef SIS_TTY_H
#define SIS_TTY_H

#include <sis/types.h>

/*
 * The console's foreground process group as set by TIOCSPGRP (tcsetpgrp),
 * or 0 if nobody set one. signal_foreground() (proc) sends Ctrl-C's SIGINT
 * to this group.
 */
int tty_foreground_pgrp(void);

/* Feed one input byte to the line discipline (the console input hook). */
void tty_input(char c);

#endif
