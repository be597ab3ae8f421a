/*
 * Inside the terminal layer only (tty.c: the line discipline, the console,
 * controlling terminals; pty.c: pseudo-terminal pairs).
 *
 * A struct tty is one terminal as programs see it: /dev/console or a pty's
 * slave side (/dev/pts/N). The line discipline edits its input and echoes
 * through output(); job control uses fg_pgrp and session.
 *
 * Controlling terminals follow Linux (drivers/tty/tty_jobctrl.c): a tty is
 * the controlling terminal of at most one session (session, 0 = none), and
 * a session of at most one tty. A session leader without one acquires the
 * tty it opens without O_NOCTTY, or the one it names with TIOCSCTTY; its
 * foreground group is then the leader's group. A process's controlling
 * terminal is the tty whose session is its own: SIS keeps no per-process
 * pointer, so a non-leader's TIOCNOTTY changes nothing (Linux would forget
 * the terminal for that process alone). When a session leader exits, the
 * tty's foreground group gets SIGHUP and the tty is free again.
 */
#ifndef SIS_KERN_TTY_INTERNAL_H
#define SIS_KERN_TTY_INTERNAL_H

#include <sis/types.h>
#include <sis/wait.h>
#include <uapi/sis/ioctl.h>

#define TTY_LINE_MAX 1024  /* canonical line length (Linux: 4095) */
#define TTY_QUEUE 4096     /* read queue entries, a power of two */

struct pty;
struct file;

struct tty {
	struct linux_termios tio;
	struct linux_winsize ws;
	char line[TTY_LINE_MAX]; /* canonical line being edited (input side) */
	size_t line_len;
	u16 queue[TTY_QUEUE];    /* ready for read(): bytes or TTY_EOF, | TTY_DELIM */
	size_t head, tail;       /* free-running indexes into queue */
	unsigned delims;         /* entries with TTY_DELIM in queue (finished lines) */
	struct wait_queue read_wq;  /* readers and pollers: input, hangup */
	struct wait_queue room_wq;  /* pty master writers: the reader took input */
	int fg_pgrp;             /* foreground process group; 0 = none */
	int session;             /* session this is the controlling tty of; 0 = none */
	bool hung_up;            /* pty slave whose master closed: EOF, EIO on write */
	/* Echo and write(2) output: the UART, or the pty master's queue. */
	void (*output)(struct tty *t, const char *s, size_t n);
	struct pty *pty;         /* the pair of a pty slave; NULL for the console */
};

/* Linux's default termios (drivers/tty/tty_io.c tty_std_termios). */
void tty_init(struct tty *t, void (*output)(struct tty *t, const char *s, size_t n));
/* One input byte through the line discipline (IRQs masked inside). */
void tty_ldisc_input(struct tty *t, char c);
/* Could the input side take another byte without dropping it? */
bool tty_input_room(struct tty *t);
/* Termios, window size and job-control requests on t; master: from the
 * pty's master side (no controlling-tty checks, Linux's tty != real_tty). */
long tty_ioctl_on(struct tty *t, unsigned long cmd, unsigned long arg, bool master);
/* A pty master closed: the slave's session and foreground group get
 * SIGHUP and SIGCONT, readers see end of file, writers EIO. */
void tty_hangup(struct tty *t);
/* Open of t by the current process (open(2) flags): the controlling tty
 * rule above. */
void tty_open_ctty(struct tty *t, unsigned open_flags);

/* The slave files' operations (tty.c); f->priv is the struct tty. */
extern const struct file_ops tty_slave_fops;

/* pty.c: the slave side's output and its room; slave files made (the
 * reference taken before) and released; the slave tty whose session is
 * sid (/dev/tty), referenced (pty_slave_put), or NULL; a session's end. */
long pty_slave_write(struct file *f, struct tty *t, const void *ubuf, size_t len);
bool pty_slave_writable(struct tty *t);
void pty_slave_put(struct tty *t);
void pty_slave_file_add(struct tty *t);
void pty_slave_file_release(struct tty *t);
struct tty *pty_session_tty(int sid);
void pty_session_end(int sid);

#endif
