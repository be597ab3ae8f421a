/*
 * stdin, stdout and stderr for picolibc's tiny stdio, as buffered streams
 * on fds 0, 1 and 2 (picolibc's bufio): stdin and stdout use a buffer,
 * stdout is line buffered when it is a terminal and fully buffered
 * otherwise; stderr is unbuffered. Reading stdin flushes stdout first
 * (bufio does that), and stdout is flushed at exit.
 */
#include <stdio.h>
#include <stdio-bufio.h>
#include <unistd.h>
#include "runtime.h"

#define STDIO_BUFSIZE 1024

static char stdin_buf[STDIO_BUFSIZE];
static char stdout_buf[STDIO_BUFSIZE];
static char stderr_buf[1];

static struct __file_bufio sis_stdin =
	FDEV_SETUP_BUFIO(0, stdin_buf, STDIO_BUFSIZE, read, write, lseek, close, __SRD, 0);
static struct __file_bufio sis_stdout =
	FDEV_SETUP_BUFIO(1, stdout_buf, STDIO_BUFSIZE, read, write, lseek, close, __SWR, __BLBF);
static struct __file_bufio sis_stderr =
	FDEV_SETUP_BUFIO(2, stderr_buf, 1, read, write, lseek, close, __SWR, 0);

FILE *const stdin = &sis_stdin.xfile.cfile.file;
FILE *const stdout = &sis_stdout.xfile.cfile.file;
FILE *const stderr = &sis_stderr.xfile.cfile.file;

void __sis_stdio_init(void)
{
	if (!isatty(1))
		sis_stdout.bflags &= ~__BLBF;
}

void __sis_stdio_flush(void)
{
	fflush(stdout);
}

/* picolibc's exit() runs .fini_array but does not flush streams. */
__attribute__((destructor)) static void stdio_flush_at_exit(void)
{
	fflush(stdout);
	fflush(stderr);
}
