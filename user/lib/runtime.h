/* Internal to the SIS user runtime: hooks between its files. */
#ifndef SIS_USER_RUNTIME_H
#define SIS_USER_RUNTIME_H

/* stdio.c: pick line or full buffering for stdout once fds 0-2 exist. */
void __sis_stdio_init(void);
/* Flush stdout (before fork, so the child does not repeat its buffer). */
void __sis_stdio_flush(void);

/* signal.c: the restorer in crt0.S. */
void __sis_sigreturn(void);

#endif
