/*
 * Kernel console output and the leveled kernel log.
 *
 * kprintf() writes to the console unconditionally. The log_*() helpers print
 * "[LEVEL] message" lines (the reference design's format, e.g. "[INFO] NET: ...")
 * when the level is enabled by `loglevel=N` (0 err .. 3 debug, default 2 info)
 * or suppressed below warnings by `quiet`. A newline is appended.
 * Safe from any context, including interrupt handlers and panic.
 */
#ifndef SIS_LOG_H
#define SIS_LOG_H

#include <stdarg.h>
#include <sis/kernel.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

int kprintf(const char *fmt, ...) __printf(1, 2);
int vkprintf(const char *fmt, va_list ap);
/* snprintf-like formatter used by the kernel (no floating point). */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/*
 * Text generated into a buffer (a generated file's show()): each
 * ktext_printf appends what fits, and len counts what did not fit too, as
 * snprintf's result does, so a caller sees that a larger buffer is needed.
 */
struct ktext {
	char *buf;
	size_t size, len;
};
void ktext_printf(struct ktext *t, const char *fmt, ...) __printf(2, 3);

void log_msg(enum log_level lvl, const char *fmt, ...) __printf(2, 3);
#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

void log_set_level(enum log_level lvl);

/* Console sink registration (the PL011 driver registers itself). */
void console_set_output(void (*putc)(char c));
void console_write(const char *s, size_t n);

#endif
