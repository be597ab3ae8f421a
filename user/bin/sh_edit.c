/*
 * The shell's line editor. On a terminal it switches to raw mode (no
 * canonical editing, no echo, no signal keys) for the time of one line.
 * Typing or erasing at the end of the line echoes just that; any other
 * edit redraws the line: "\r", erase the line, prompt + text, then move the
 * cursor back. Keys: printable characters insert; DEL/^H
 * erase left; ESC [ A/B (history), C/D (right/left), H/F and 1~/4~ (home,
 * end), 3~ (delete); ^A ^E home/end; ^U ^K kill to start/end; ^W erase a
 * word; ^L redraw; ^C cancels the line; ^D deletes under the cursor, or
 * ends input on an empty line. Not on a terminal, lines are read byte by
 * byte (so commands run from the same input get the rest of it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "sh.h"

#define HISTORY_MAX 64
#define CTRL(c) ((c) & 0x1f)

static char *history[HISTORY_MAX];
static int history_len;

void sh_history_add(const char *line)
{
	if (!*line || (history_len && strcmp(history[history_len - 1], line) == 0))
		return;
	if (history_len == HISTORY_MAX) {
		free(history[0]);
		memmove(history, history + 1, (HISTORY_MAX - 1) * sizeof(*history));
		history_len--;
	}
	history[history_len] = strdup(line);
	if (history[history_len])
		history_len++;
}

void sh_history_print(void)
{
	for (int i = 0; i < history_len; i++)
		printf("%5d  %s\n", i + 1, history[i]);
}

/* ---- plain input ------------------------------------------------------------ */

static int read_plain(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (c == '\n') {
			buf[n] = '\0';
			return (int)n;
		}
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return n ? (int)n : -1;
}

/* ---- the editor -------------------------------------------------------------- */

struct editor {
	int fd;
	const char *prompt;
	char *buf;
	size_t size, len, pos;
	int hist;              /* history entry shown; history_len = the new line */
	char *saved;           /* the new line while browsing history */
	enum { SHOW_REDRAW, SHOW_APPENDED, SHOW_ERASED_LAST } show; /* set per key */
};

static void out(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(1, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void refresh(struct editor *e)
{
	char tail[32];

	out("\r\x1b[K", 4);
	out(e->prompt, strlen(e->prompt));
	out(e->buf, e->len);
	if (e->pos < e->len) {
		int n = snprintf(tail, sizeof(tail), "\x1b[%zuD", e->len - e->pos);
		out(tail, (size_t)n);
	}
}

static void insert(struct editor *e, char c)
{
	if (e->len + 1 >= e->size)
		return;
	if (e->pos == e->len)
		e->show = SHOW_APPENDED;
	memmove(e->buf + e->pos + 1, e->buf + e->pos, e->len - e->pos);
	e->buf[e->pos++] = c;
	e->len++;
}

static void delete_at(struct editor *e, size_t at, size_t n)
{
	if (at >= e->len)
		return;
	if (n > e->len - at)
		n = e->len - at;
	memmove(e->buf + at, e->buf + at + n, e->len - at - n);
	e->len -= n;
}

static void erase_word(struct editor *e)
{
	size_t start = e->pos;

	while (start && e->buf[start - 1] == ' ')
		start--;
	while (start && e->buf[start - 1] != ' ')
		start--;
	delete_at(e, start, e->pos - start);
	e->pos = start;
}

/* Show history entry h (history_len: the line being typed). */
static void show_history(struct editor *e, int h)
{
	const char *s;

	if (h < 0 || h > history_len || h == e->hist)
		return;
	if (e->hist == history_len) {
		free(e->saved);
		e->buf[e->len] = '\0';
		e->saved = strdup(e->buf);
	}
	e->hist = h;
	s = h == history_len ? (e->saved ? e->saved : "") : history[h];
	e->len = strlen(s) < e->size - 1 ? strlen(s) : e->size - 1;
	memcpy(e->buf, s, e->len);
	e->pos = e->len;
}

static int read_byte(int fd)
{
	unsigned char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r == 1)
			return c;
		if (r < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

/* After ESC: arrows, Home/End/Delete. */
static void escape_sequence(struct editor *e)
{
	int c = read_byte(e->fd), num = 0;

	if (c != '[' && c != 'O')
		return;
	c = read_byte(e->fd);
	while (c >= '0' && c <= '9') {
		num = num * 10 + (c - '0');
		c = read_byte(e->fd);
	}
	switch (c) {
	case 'A': show_history(e, e->hist - 1); break;
	case 'B': show_history(e, e->hist + 1); break;
	case 'C': if (e->pos < e->len) e->pos++; break;
	case 'D': if (e->pos) e->pos--; break;
	case 'H': e->pos = 0; break;
	case 'F': e->pos = e->len; break;
	case '~':
		if (num == 1 || num == 7)
			e->pos = 0;
		else if (num == 4 || num == 8)
			e->pos = e->len;
		else if (num == 3)
			delete_at(e, e->pos, 1);
		break;
	}
}

/* One key; returns 1 when the line is done, -1 at end of input, else 0. */
static int key(struct editor *e, int c)
{
	switch (c) {
	case '\r':
	case '\n':
		return 1;
	case CTRL('C'):
		out("^C", 2);
		e->len = e->pos = 0;
		return 1;
	case CTRL('D'):
		if (!e->len)
			return -1;
		delete_at(e, e->pos, 1);
		break;
	case 0x7f:
	case CTRL('H'):
		if (e->pos && e->pos == e->len)
			e->show = SHOW_ERASED_LAST;
		if (e->pos) {
			e->pos--;
			delete_at(e, e->pos, 1);
		}
		break;
	case CTRL('A'): e->pos = 0; break;
	case CTRL('E'): e->pos = e->len; break;
	case CTRL('B'): if (e->pos) e->pos--; break;
	case CTRL('F'): if (e->pos < e->len) e->pos++; break;
	case CTRL('U'): delete_at(e, 0, e->pos); e->pos = 0; break;
	case CTRL('K'): e->len = e->pos; break;
	case CTRL('W'): erase_word(e); break;
	case CTRL('P'): show_history(e, e->hist - 1); break;
	case CTRL('N'): show_history(e, e->hist + 1); break;
	case CTRL('L'): out("\x1b[H\x1b[2J", 7); break;
	case 0x1b: escape_sequence(e); break;
	default:
		if (c >= 0x20 || c == '\t')
			insert(e, (char)c);
	}
	return 0;
}

/* Bytes already typed and not yet read (a paste): redraw once, after them. */
static bool more_input(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

/* Show the effect of one key: cheap echoes for the common cases. */
static void show_key(struct editor *e)
{
	if (e->show == SHOW_APPENDED)
		out(e->buf + e->len - 1, 1);
	else if (e->show == SHOW_ERASED_LAST)
		out("\b \b", 3);
	else
		refresh(e);
}

static int edit(struct editor *e)
{
	int done = 0;
	bool dirty = false;

	out(e->prompt, strlen(e->prompt));
	while (!done) {
		int c = read_byte(e->fd);

		e->show = SHOW_REDRAW;
		done = c < 0 ? -1 : key(e, c);
		if (done) {
			if (dirty)
				refresh(e); /* show what the last batch typed */
			break;
		}
		if (dirty || more_input(e->fd)) {
			dirty = more_input(e->fd);
			if (!dirty)
				refresh(e);
			continue;
		}
		show_key(e);
	}
	free(e->saved);
	e->buf[e->len] = '\0';
	if (done > 0 && e->pos != e->len) {
		e->pos = e->len;
		refresh(e);
	}
	if (done > 0)
		out("\r\n", 2);
	return done < 0 ? -1 : (int)e->len;
}

int sh_readline(int fd, const char *prompt, char *buf, size_t size)
{
	struct termios saved, raw;
	struct editor e = { .fd = fd, .prompt = prompt, .buf = buf, .size = size,
			    .hist = history_len };
	int n;

	if (tcgetattr(fd, &saved) < 0) {
		fputs(prompt, stdout);
		fflush(stdout);
		return read_plain(fd, buf, size);
	}
	raw = saved;
	raw.c_lflag &= ~(unsigned)(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag |= ICRNL;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	fflush(stdout);
	tcsetattr(fd, TCSADRAIN, &raw);
	n = edit(&e);
	tcsetattr(fd, TCSADRAIN, &saved);
	return n;
}
