/*
 * Kernel formatted output and the leveled log.
 *
 * kvsnprintf understands %d %i %u %x %X %o %p %s %c %% with the flags '-',
 * '0', '#', a width (or '*'), a precision for strings, and the length
 * modifiers l, ll, z, h, hh. No floating point (kernel code is built
 * -mgeneral-regs-only).
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/irq.h>
#include <sis/cmdline.h>

static void (*console_putc)(char c);
static enum log_level log_level = LOG_INFO;

struct outbuf {
	char *buf;
	size_t size, len;
};

static void out(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out(o, c);
}

struct spec {
	bool left, zero, alt;
	int width, prec;
};

static void out_str(struct outbuf *o, const char *s, const struct spec *sp)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		out_pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		out(o, s[i]);
	if (sp->left)
		out_pad(o, ' ', sp->width - n);
}

static void out_num(struct outbuf *o, unsigned long long v, bool neg, unsigned base,
		    bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;
	const char *prefix = "";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		prefix = "-";
	else if (sp->alt && base == 16)
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8)
		prefix = "0";
	len = n + (int)strlen(prefix);
	if (!sp->left && !sp->zero)
		out_pad(o, ' ', sp->width - len);
	for (const char *p = prefix; *p; p++)
		out(o, *p);
	if (!sp->left && sp->zero)
		out_pad(o, '0', sp->width - len);
	while (n)
		out(o, tmp[--n]);
	if (sp->left)
		out_pad(o, ' ', sp->width - len);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '#')
			sp->alt = true;
		else if (*f != ' ' && *f != '+')
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		sp->prec = 0;
		f++;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	return f;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };
	va_list aq;

	va_copy(aq, ap);
	for (const char *f = fmt; *f; f++) {
		struct spec sp;
		int lng = 0;
		unsigned long long v;
		bool neg = false;

		if (*f != '%') {
			out(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &aq);
		while (*f == 'l' || *f == 'z' || *f == 'h') {
			if (*f != 'h')
				lng++;
			f++;
		}
		switch (*f) {
		case 'd':
		case 'i': {
			long long s = lng ? va_arg(aq, long long) : va_arg(aq, int);
			neg = s < 0;
			v = neg ? -(unsigned long long)s : (unsigned long long)s;
			out_num(&o, v, neg, 10, false, &sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			v = lng ? va_arg(aq, unsigned long long) : va_arg(aq, unsigned);
			out_num(&o, v, false, *f == 'u' ? 10 : *f == 'o' ? 8 : 16, *f == 'X', &sp);
			break;
		case 'p':
			sp.alt = true;
			out_num(&o, (uintptr_t)va_arg(aq, void *), false, 16, false, &sp);
			break;
		case 's':
			out_str(&o, va_arg(aq, const char *), &sp);
			break;
		case 'c':
			out(&o, (char)va_arg(aq, int));
			break;
		case '%':
			out(&o, '%');
			break;
		case '\0':
			f--;
			break;
		default:
			out(&o, '%');
			out(&o, *f);
		}
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void ktext_printf(struct ktext *t, const char *fmt, ...)
{
	size_t room = t->len < t->size ? t->size - t->len : 0;
	va_list ap;

	va_start(ap, fmt);
	t->len += (size_t)kvsnprintf(room ? t->buf + t->len : t->buf, room, fmt, ap);
	va_end(ap);
}

void console_set_output(void (*putc)(char c))
{
	console_putc = putc;
}

void console_write(const char *s, size_t n)
{
	unsigned long flags;

	if (!console_putc)
		return;
	flags = irq_save();
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			console_putc('\r');
		console_putc(s[i]);
	}
	irq_restore(flags);
}

int vkprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}

void log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = { "ERROR", "WARN", "INFO", "DEBUG" };
	char buf[512];
	va_list ap;
	int n;

	if (lvl > log_level)
		return;
	n = ksnprintf(buf, sizeof(buf), "[%s] ", names[lvl]);
	va_start(ap, fmt);
	n += kvsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	n = MIN((size_t)n, sizeof(buf) - 2);
	buf[n++] = '\n';
	console_write(buf, n);
}
