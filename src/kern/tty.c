/*
 * The line discipline (see sis/tty.h), the console terminal, /dev/tty and
 * controlling terminals (tty_internal.h); pty.c has the pseudo-terminals.
 *
 * Input path (IRQ context): tty_input() applies c_iflag translations, the
 * signal characters, then either edits the canonical line buffer (moving a
 * finished line into the read queue) or queues the byte directly (raw).
 * Read path (process context): waits for a finished line (canonical) or any
 * byte (raw; VMIN=0 with VTIME gives a timeout, VMIN>0 waits for one byte
 * and VTIME is not used), takes the bytes out with interrupts masked, then
 * copies them to the user. Everything the IRQ side touches is only changed
 * with interrupts masked.
 *
 * A finished line is marked in the queue itself (TTY_DELIM on its last
 * entry), so the count of readable lines can never disagree with the
 * queue: when the queue is full, the line being edited takes no more bytes
 * but can still be ended, and a line never enters the queue cut.
 *
 * The same code serves a pty's slave side: its input comes from master
 * writes (process context, IRQs masked around each byte as for the UART),
 * its echo and output go to the master's queue through t->output.
 */
#include <uapi/sis/signal.h> /* first: see .coord/NOTES.md (__unused) */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/irq.h>
#include <sis/init.h>
#include <sis/wait.h>
#include <sis/timer.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <sis/uaccess.h>
#include <sis/console.h>
#include <sis/proc.h>
#include <sis/sched.h>
#include <sis/tty.h>
#include <uapi/sis/ioctl.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/capability.h>
#include "tty_internal.h"

#define TTY_EOF 0x100      /* queue marker: ^D ended a line (not data) */
#define TTY_DELIM 0x200    /* flag on a queue entry that ends a canonical line */
#define CTRL(c) ((c) & 0x1f)


static void console_output(struct tty *t, const char *s, size_t n)
{
	(void)t;
	console_write(s, n);
}

static const unsigned char default_cc[SIS_NCCS] = {
	[VINTR] = CTRL('C'), [VQUIT] = CTRL('\\'), [VERASE] = 0x7f,
	[VKILL] = CTRL('U'), [VEOF] = CTRL('D'), [VTIME] = 0, [VMIN] = 1,
	[VSTART] = CTRL('Q'), [VSTOP] = CTRL('S'), [VSUSP] = CTRL('Z'),
	[VREPRINT] = CTRL('R'), [VWERASE] = CTRL('W'), [VLNEXT] = CTRL('V'),
	[VDISCARD] = CTRL('O'),
};

void tty_init(struct tty *t, void (*output)(struct tty *t, const char *s, size_t n))
{
	memset(t, 0, sizeof(*t));
	t->tio.c_iflag = ICRNL | IXON;
	t->tio.c_oflag = OPOST | ONLCR;
	t->tio.c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->tio.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(t->tio.c_cc, default_cc, sizeof(default_cc));
	waitq_init(&t->read_wq);
	waitq_init(&t->room_wq);
	t->output = output;
}

static struct tty console_tty = {
	.tio = {
		.c_iflag = ICRNL,
		.c_oflag = OPOST | ONLCR,
		.c_cflag = B115200 | CS8 | CREAD | CLOCAL,
		.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
		.c_cc = {
			[VINTR] = CTRL('C'), [VQUIT] = CTRL('\\'), [VERASE] = 0x7f,
			[VKILL] = CTRL('U'), [VEOF] = CTRL('D'), [VTIME] = 0, [VMIN] = 1,
			[VSTART] = CTRL('Q'), [VSTOP] = CTRL('S'), [VSUSP] = CTRL('Z'),
			[VREPRINT] = CTRL('R'), [VWERASE] = CTRL('W'), [VLNEXT] = CTRL('V'),
			[VDISCARD] = CTRL('O'),
		},
	},
	.ws = { .ws_row = 24, .ws_col = 80 },
	.read_wq = WAIT_QUEUE_INIT(console_tty.read_wq),
	.room_wq = WAIT_QUEUE_INIT(console_tty.room_wq),
	.output = console_output,
};

/* The terminal behind a file of tty_fops / tty_slave_fops. */
static struct tty *tty_of(struct file *f)
{
	return f->priv ? f->priv : &console_tty;
}

/* Is t the current process's controlling terminal? */
static bool is_ctty(const struct tty *t)
{
	int sid = proc_current_sid();

	return sid && t->session == sid;
}

/* The foreground group job control checks against for the caller: none
 * (no check) unless t is its controlling terminal (Linux's tty_check_change). */
static int jobctl_pgrp(const struct tty *t)
{
	return is_ctty(t) ? t->fg_pgrp : 0;
}

/* ---- input side (IRQ context) ------------------------------------------- */

static bool lflag(const struct tty *t, unsigned bit)
{
	return t->tio.c_lflag & bit;
}

static void echo(struct tty *t, const char *s, size_t n)
{
	t->output(t, s, n);
}

/* Echo one input byte: control characters as ^X when ECHOCTL. */
static void echo_char(struct tty *t, char c)
{
	if (!lflag(t, ECHO))
		return;
	if (lflag(t, ECHOCTL) && ((unsigned char)c < 0x20 || c == 0x7f) && c != '\n' &&
	    c != '\t') {
		char s[2] = { '^', (char)(c == 0x7f ? '?' : c + '@') };
		echo(t, s, 2);
		return;
	}
	echo(t, &c, 1);
}

static size_t queued(const struct tty *t)
{
	return t->head - t->tail;
}

/* Queue one entry; the caller made sure there is room. A TTY_DELIM entry
 * counts as a finished line, so delims always matches the queue. */
static void queue_put(struct tty *t, u16 v)
{
	BUG_ON(queued(t) == TTY_QUEUE);
	t->queue[t->head++ & (TTY_QUEUE - 1)] = v;
	if (v & TTY_DELIM)
		t->delims++;
}

/* Raw input: a byte that finds the queue full is dropped, as a real UART
 * overrun would. */
static void queue_raw(struct tty *t, char c)
{
	if (queued(t) < TTY_QUEUE)
		queue_put(t, (unsigned char)c);
}

static void flush_input(struct tty *t)
{
	t->head = t->tail = 0;
	t->delims = 0;
	t->line_len = 0;
}

/*
 * Room in the queue for the line being edited plus extra entries. The line
 * buffer never takes a byte the queue could not also take with its line
 * end (canon_input), so a finished line always fits whole, and a user at a
 * full queue can still end the line (Linux keeps room for the newline too).
 */
static bool queue_room(const struct tty *t, size_t extra)
{
	return queued(t) + t->line_len + extra <= TTY_QUEUE;
}

/* Move the edited line into the read queue, ended by delim (a byte or
 * TTY_EOF, marked TTY_DELIM), or by nothing if delim < 0. A line that
 * cannot fit whole (the queue was filled meanwhile in raw mode) is
 * dropped whole rather than cut. */
static void line_commit(struct tty *t, int delim)
{
	if (!queue_room(t, delim >= 0)) {
		t->line_len = 0;
		return;
	}
	for (size_t i = 0; i < t->line_len; i++)
		queue_put(t, (unsigned char)t->line[i]);
	t->line_len = 0;
	if (delim >= 0)
		queue_put(t, (u16)delim | TTY_DELIM);
	wake_up(&t->read_wq);
}

/* Width of a byte's echo: 2 for ^X forms, else 1. */
static int echo_width(const struct tty *t, char c)
{
	return (lflag(t, ECHOCTL) && ((unsigned char)c < 0x20 || c == 0x7f) && c != '\t') ? 2 : 1;
}

/* Erase the last character of the line from the screen and the buffer. */
static void erase_one(struct tty *t)
{
	char c;

	if (!t->line_len)
		return;
	c = t->line[--t->line_len];
	if (lflag(t, ECHO) && lflag(t, ECHOE))
		for (int i = echo_width(t, c); i > 0; i--)
			echo(t, "\b \b", 3);
}

static bool is_word_char(char c)
{
	return c != ' ' && c != '\t';
}

/* Is c the special character c_cc[i]? 0 (_POSIX_VDISABLE) disables one:
 * a NUL byte is then data, not an erase, an EOF or a signal. */
static bool is_cc(const struct tty *t, int i, char c)
{
	return t->tio.c_cc[i] && (unsigned char)c == t->tio.c_cc[i];
}

/* Canonical-mode editing of one byte. */
static void canon_input(struct tty *t, char c)
{
	if (is_cc(t, VERASE, c) || c == '\b') {
		erase_one(t);
	} else if (is_cc(t, VKILL, c)) {
		while (t->line_len)
			erase_one(t);
	} else if (is_cc(t, VWERASE, c) && lflag(t, IEXTEN)) {
		while (t->line_len && !is_word_char(t->line[t->line_len - 1]))
			erase_one(t);
		while (t->line_len && is_word_char(t->line[t->line_len - 1]))
			erase_one(t);
	} else if (is_cc(t, VEOF, c)) {
		line_commit(t, TTY_EOF);
	} else if (c == '\n' || is_cc(t, VEOL, c)) {
		if (lflag(t, ECHO) || (c == '\n' && lflag(t, ECHONL)))
			echo(t, "\n", 1);
		line_commit(t, (unsigned char)c);
	} else if (t->line_len < TTY_LINE_MAX - 1 && queue_room(t, 2)) {
		/* 2: this byte and the line end that will follow it */
		t->line[t->line_len++] = c;
		echo_char(t, c);
	}
}

/* ISIG: returns true if c was a signal character (and handled). */
static bool signal_char(struct tty *t, char c)
{
	int sig;

	if (!lflag(t, ISIG))
		return false;
	if (is_cc(t, VINTR, c))
		sig = SIGINT;
	else if (is_cc(t, VQUIT, c))
		sig = SIGQUIT;
	else
		return false;
	if (!lflag(t, NOFLSH))
		flush_input(t);
	echo_char(t, c);
	if (lflag(t, ECHO))
		echo(t, "\n", 1);
	if (t->fg_pgrp > 0)
		signal_tty_pgrp(t->fg_pgrp, sig);
	wake_up(&t->read_wq);
	return true;
}

static void ldisc_input(struct tty *t, char c)
{
	unsigned iflag = t->tio.c_iflag;

	if (iflag & ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (iflag & IGNCR)
			return;
		if (iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (iflag & INLCR)) {
		c = '\r';
	}
	if (signal_char(t, c))
		return;
	if (lflag(t, ICANON)) {
		canon_input(t, c);
		return;
	}
	queue_raw(t, c);
	echo_char(t, c);
	wake_up(&t->read_wq);
}

void tty_input(char c)
{
	ldisc_input(&console_tty, c);
}

void tty_ldisc_input(struct tty *t, char c)
{
	unsigned long flags = irq_save();

	ldisc_input(t, c);
	irq_restore(flags);
}

bool tty_input_room(struct tty *t)
{
	unsigned long flags = irq_save();
	bool room = queue_room(t, 2);

	irq_restore(flags);
	return room;
}

/* ---- read side (process context) ------------------------------------------ */

/* Is there something a read would return now (IRQs masked by the caller)? */
static bool readable(const struct tty *t)
{
	if (t->hung_up)
		return true; /* end of file */
	if (lflag(t, ICANON))
		return t->delims > 0;
	return queued(t) > 0;
}

/*
 * Take up to len bytes from the queue into buf (IRQs masked by the caller).
 * Canonical mode stops after a line end; a TTY_EOF marker is consumed but not
 * returned (so ^D on an empty line reads as 0 bytes).
 */
static size_t take(struct tty *t, char *buf, size_t len)
{
	bool canon = lflag(t, ICANON);
	size_t n = 0;

	while (n < len && queued(t)) {
		u16 v = t->queue[t->tail++ & (TTY_QUEUE - 1)];

		if (v & TTY_DELIM)
			t->delims--;
		if ((v & ~TTY_DELIM) != TTY_EOF)
			buf[n++] = (char)v;
		else if (!canon)
			continue; /* left over from canonical mode: not data */
		if (canon && (v & TTY_DELIM))
			break;
	}
	return n;
}

/* Sleep until readable; 0, -EAGAIN, -ERESTARTSYS, or -ETIMEDOUT (raw VTIME). */
static int wait_readable(struct tty *t, struct file *f)
{
	struct waiter w;
	u64 deadline = 0;
	int err = 0;

	if (!lflag(t, ICANON) && t->tio.c_cc[VMIN] == 0) {
		if (t->tio.c_cc[VTIME] == 0)
			return -ETIMEDOUT; /* poll-like read: return what is there */
		deadline = time_ns() + (u64)t->tio.c_cc[VTIME] * 100 * NSEC_PER_MSEC;
	}
	for (;;) {
		unsigned long flags = irq_save();
		bool ready;

		prepare_to_wait(&t->read_wq, &w);
		ready = readable(t);
		irq_restore(flags);
		if (ready)
			break;
		if (f->flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		err = schedule_sleep_restartable(deadline);
		if (err)
			break;
	}
	finish_wait(&t->read_wq, &w);
	return err;
}

static long tty_read(struct file *f, void *ubuf, size_t len)
{
	struct tty *t = tty_of(f);
	char buf[256];
	unsigned long flags;
	size_t n;
	int err;

	err = signal_tty_check(jobctl_pgrp(t), SIGTTIN); /* a background reader stops */
	if (err)
		return err;
	if (!len)
		return 0;
	if (!user_range_ok(ubuf, len, true))
		return -EFAULT;
	err = wait_readable(t, f);
	if (err && err != -ETIMEDOUT)
		return err;
	flags = irq_save();
	n = take(t, buf, MIN(len, sizeof(buf)));
	irq_restore(flags);
	if (n)
		wake_up(&t->room_wq);
	if (n && copy_to_user(ubuf, buf, n))
		return -EFAULT;
	return (long)n;
}

/*
 * The console is slow (a write of 1 MiB takes seconds), and the kernel is
 * not preempted: between chunks a long write gives up the CPU when its
 * slice is over and stops early, with what it wrote, for a signal.
 */
static long tty_write(struct file *f, const void *ubuf, size_t len)
{
	struct tty *t = tty_of(f);
	char buf[256];
	size_t done = 0;
	int err;

	if (lflag(t, TOSTOP)) {
		err = signal_tty_check(jobctl_pgrp(t), SIGTTOU);
		if (err)
			return err;
	}
	if (t->pty)
		return pty_slave_write(f, t, ubuf, len);
	while (done < len) {
		size_t n = MIN(len - done, sizeof(buf));

		if (done && signal_pending())
			break;
		if (sched_need_resched())
			schedule();
		if (copy_from_user(buf, (const char *)ubuf + done, n))
			return done ? (long)done : -EFAULT;
		console_write(buf, n);
		done += n;
	}
	return (long)done;
}

static unsigned tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *t = tty_of(f);
	unsigned long flags;
	unsigned mask = 0;

	poll_wait(pt, &t->read_wq);
	if (!t->pty || pty_slave_writable(t))
		mask |= POLLOUT | POLLWRNORM;
	flags = irq_save();
	if (readable(t) || (!lflag(t, ICANON) && t->tio.c_cc[VMIN] == 0))
		mask |= POLLIN | POLLRDNORM;
	if (t->hung_up)
		mask |= POLLHUP;
	irq_restore(flags);
	return mask;
}

/* ---- ioctl ------------------------------------------------------------------- */

/*
 * Raw input becomes canonical (IRQs masked, t->tio already canonical): the
 * typeahead queued raw goes through canonical editing again as if typed now
 * (line ends, VEOF, VERASE; not echoed: it was echoed when it came, or never),
 * so nothing typed while a program read raw is lost or waits for another
 * newline. In place: the edited output never outgrows the input read so far.
 */
static void requeue_canonical(struct tty *t)
{
	size_t end = t->head;
	unsigned lflag_saved = t->tio.c_lflag;

	t->tio.c_lflag &= ~(unsigned)(ECHO | ECHONL);
	t->line_len = 0;
	t->delims = 0;
	t->head = t->tail;
	for (size_t i = t->tail; i != end; i++) {
		u16 v = t->queue[i & (TTY_QUEUE - 1)] & ~TTY_DELIM;

		if (v == TTY_EOF)
			line_commit(t, TTY_EOF);
		else
			canon_input(t, (char)v);
	}
	t->tio.c_lflag = lflag_saved;
}

/* New termios from user space; the canonical line and the typeahead move
 * along on a mode change. */
static long set_termios(struct tty *t, unsigned long uarg, bool flush)
{
	struct linux_termios tio;
	unsigned long flags;
	bool to_raw, to_canon;

	if (copy_from_user(&tio, (void *)uarg, sizeof(tio)))
		return -EFAULT;
	flags = irq_save();
	if (flush)
		flush_input(t);
	to_raw = (t->tio.c_lflag & ICANON) && !(tio.c_lflag & ICANON);
	to_canon = !(t->tio.c_lflag & ICANON) && (tio.c_lflag & ICANON);
	if (to_raw && t->line_len)
		line_commit(t, -1); /* the partial line becomes readable raw input */
	t->tio = tio;
	if (to_canon)
		requeue_canonical(t);
	irq_restore(flags);
	wake_up(&t->read_wq);
	return 0;
}

/* Bytes a read could return (FIONREAD). */
static int bytes_available(struct tty *t)
{
	unsigned long flags = irq_save();
	int n = 0;

	for (size_t i = t->tail; i != t->head; i++)
		n += (t->queue[i & (TTY_QUEUE - 1)] & ~TTY_DELIM) != TTY_EOF;
	irq_restore(flags);
	return n;
}

static long put_int(unsigned long uarg, int v)
{
	return copy_to_user((void *)uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

/* Requests a background process may not make without SIGTTOU (Linux's
 * tty_check_change callers). */
static bool changes_terminal(unsigned long cmd)
{
	return cmd == TCSETS || cmd == TCSETSW || cmd == TCSETSF || cmd == TIOCSPGRP ||
	       cmd == TCFLSH || cmd == TIOCSWINSZ;
}

/* Does session sid have a controlling terminal already? */
static bool session_has_tty(int sid)
{
	struct tty *t;

	if (console_tty.session == sid)
		return true;
	t = pty_session_tty(sid);
	if (t)
		pty_slave_put(t);
	return t != NULL;
}

static void set_ctty(struct tty *t)
{
	t->session = proc_current_sid();
	t->fg_pgrp = proc_current_pgrp();
}

void tty_open_ctty(struct tty *t, unsigned open_flags)
{
	int sid = proc_current_sid();

	if ((open_flags & O_NOCTTY) || !sid || sid != proc_current_pid() || t->session ||
	    t->hung_up || session_has_tty(sid))
		return;
	set_ctty(t);
}

/* TIOCSCTTY (Linux's tiocsctty): a session leader without a controlling
 * terminal takes t; one another session holds only with arg 1 as root. */
static long tiocsctty(struct tty *t, unsigned long arg)
{
	int sid = proc_current_sid();

	if (t->session && t->session == sid)
		return 0;
	if (!sid || sid != proc_current_pid() || session_has_tty(sid))
		return -EPERM;
	if (t->session && (arg != 1 || !proc_capable(CAP_SYS_ADMIN)))
		return -EPERM;
	set_ctty(t);
	return 0;
}

/* The session's controlling terminal goes: its foreground group hears
 * SIGHUP (and SIGCONT, so stopped members see it), as Linux's
 * disassociate_ctty; t belongs to nobody then. */
static void release_ctty(struct tty *t, bool cont)
{
	int pgrp = t->fg_pgrp;

	t->session = 0;
	t->fg_pgrp = 0;
	if (pgrp > 0) {
		signal_tty_pgrp(pgrp, SIGHUP);
		if (cont)
			signal_tty_pgrp(pgrp, SIGCONT);
	}
}

void tty_session_end(int sid)
{
	if (!sid)
		return;
	if (console_tty.session == sid)
		release_ctty(&console_tty, false);
	pty_session_end(sid);
}

void tty_hangup(struct tty *t)
{
	int leader = t->session;

	t->hung_up = true;
	if (leader > 0)
		signal_send(leader, SIGHUP);
	if (t->session)
		release_ctty(t, true);
	wake_up(&t->read_wq);
	wake_up(&t->room_wq);
}

static long tiocspgrp(struct tty *t, unsigned long arg)
{
	int v;

	if (!is_ctty(t))
		return -ENOTTY;
	if (copy_from_user(&v, (void *)arg, sizeof(v)))
		return -EFAULT;
	if (v < 0)
		return -EINVAL;
	if (!v || !proc_pgrp_exists(v))
		return -ESRCH;
	if (!proc_pgrp_in_session(v, t->session))
		return -EPERM;
	t->fg_pgrp = v;
	return 0;
}

static long set_winsize(struct tty *t, unsigned long arg)
{
	struct linux_winsize ws;

	if (copy_from_user(&ws, (void *)arg, sizeof(ws)))
		return -EFAULT;
	if (memcmp(&ws, &t->ws, sizeof(ws))) {
		t->ws = ws;
		if (t->fg_pgrp > 0)
			signal_tty_pgrp(t->fg_pgrp, SIGWINCH);
	}
	return 0;
}

long tty_ioctl_on(struct tty *t, unsigned long cmd, unsigned long arg, bool master)
{
	if (!master && changes_terminal(cmd)) {
		long err = signal_tty_check(jobctl_pgrp(t), SIGTTOU);

		if (err)
			return err;
	}
	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &t->tio, sizeof(t->tio)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW: /* output is synchronous: already drained */
		return set_termios(t, arg, false);
	case TCSETSF:
		return set_termios(t, arg, true);
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, &t->ws, sizeof(t->ws)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return set_winsize(t, arg);
	case TIOCGPGRP:
		/* Linux: only for the caller's controlling tty, or from the master */
		if (!master && !is_ctty(t))
			return -ENOTTY;
		return put_int(arg, t->fg_pgrp);
	case TIOCSPGRP:
		return master ? -ENOTTY : tiocspgrp(t, arg);
	case TIOCGSID:
		if ((!master && !is_ctty(t)) || !t->session)
			return -ENOTTY;
		return put_int(arg, t->session);
	case FIONREAD:
		return put_int(arg, bytes_available(t));
	case TCFLSH:
		if (arg != TCIFLUSH && arg != TCOFLUSH && arg != TCIOFLUSH)
			return -EINVAL;
		if (arg != TCOFLUSH) {
			unsigned long flags = irq_save();
			flush_input(t);
			irq_restore(flags);
			wake_up(&t->room_wq);
		}
		return 0;
	case TIOCSCTTY:
		return master ? -ENOTTY : tiocsctty(t, arg);
	case TIOCNOTTY:
		if (master || !is_ctty(t))
			return -ENOTTY;
		if (proc_current_pid() == t->session)
			release_ctty(t, true);
		return 0; /* a non-leader: see tty_internal.h */
	default:
		return -ENOTTY;
	}
}

static long tty_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	return tty_ioctl_on(tty_of(f), cmd, arg, false);
}

static int console_open(struct file *f, unsigned open_flags)
{
	tty_open_ctty(&console_tty, open_flags);
	(void)f;
	return 0;
}

/* /dev/tty: the caller's controlling terminal (Linux: ENXIO without one). */
static int devtty_open(struct file *f, unsigned open_flags)
{
	int sid = proc_current_sid();
	struct tty *t;

	(void)open_flags;
	if (sid && console_tty.session == sid)
		return 0;
	t = sid ? pty_session_tty(sid) : NULL;
	if (!t)
		return -ENXIO;
	f->ops = &tty_slave_fops;
	f->priv = t; /* the reference pty_session_tty took */
	pty_slave_file_add(t);
	return 0;
}

static const struct file_ops tty_fops = {
	.open = console_open,
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

static const struct file_ops devtty_fops = {
	.open = devtty_open,
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

static void slave_release(struct file *f)
{
	pty_slave_file_release(f->priv);
}

const struct file_ops tty_slave_fops = {
	.read = tty_read,
	.write = tty_write,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
	.release = slave_release,
};

static int tty_dev_init(void)
{
	int err = vfs_add_chardev("/dev/console", &tty_fops, SIS_MKDEV(5, 1));

	if (!err)
		err = vfs_add_chardev("/dev/tty", &devtty_fops, SIS_MKDEV(5, 0));
	if (err)
		return err;
	console_set_input(tty_input);
	return 0;
}
INITCALL(INIT_DEV, tty_dev_init);
