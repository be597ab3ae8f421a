/*
 * wait4() options and status encoding of the SIS ABI: Linux's
 * (include/uapi/linux/wait.h). A status is
 *   exited:    (code & 0xff) << 8
 *   killed:    signal number (low 7 bits; 0x80 would flag a core dump)
 *   stopped:   (signal << 8) | 0x7f
 *   continued: 0xffff
 * picolibc's <sys/wait.h> macros decode the same layout; the SIS_W* macros
 * below are for code that includes only uapi headers.
 */
#ifndef UAPI_SIS_WAIT_H
#define UAPI_SIS_WAIT_H

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000

#define SIS_W_EXITCODE(code, sig) ((((code) & 0xff) << 8) | ((sig) & 0x7f))
#define SIS_W_STOPCODE(sig) (((sig) << 8) | 0x7f)
#define SIS_W_CONTINUED 0xffff

#define SIS_WIFEXITED(s) (((s) & 0x7f) == 0)
#define SIS_WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define SIS_WIFSIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define SIS_WTERMSIG(s) ((s) & 0x7f)
#define SIS_WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define SIS_WSTOPSIG(s) (((s) >> 8) & 0xff)

#endif
