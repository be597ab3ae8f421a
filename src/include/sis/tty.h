/*
 * Terminals: the console (/dev/console), pseudo-terminals (/dev/ptmx,
 * /dev/pts/N) and /dev/tty (the caller's controlling terminal): a line
 * discipline on the PL011 input or a pty master's writes. Canonical mode (ICANON) edits lines with echo, erase
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

/* A session leader (sid) exits: its controlling terminal's foreground
 * group gets SIGHUP and the terminal belongs to no session any more. */
void tty_session_end(int sid);

/* Feed one input byte to the line discipline (the console input hook). */
void tty_input(char c);

#endif
