/*
 * System-call numbers of the SIS ABI: Linux's for aarch64
 * (include/uapi/asm-generic/unistd.h). The kernel's dispatch table and the
 * user runtime's stubs both come from this one list.
 */
#ifndef UAPI_SIS_SYSCALL_H
#define UAPI_SIS_SYSCALL_H

#define __NR_getcwd 17
#define __NR_eventfd2 19
#define __NR_epoll_create1 20
#define __NR_epoll_ctl 21
#define __NR_epoll_pwait 22
#define __NR_dup 23
#define __NR_dup3 24
#define __NR_fcntl 25
#define __NR_ioctl 29
#define __NR_mkdirat 34
#define __NR_unlinkat 35
#define __NR_renameat 38
#define __NR_ftruncate 46
#define __NR_faccessat 48
#define __NR_chdir 49
#define __NR_fchdir 50
#define __NR_openat 56
#define __NR_close 57
#define __NR_pipe2 59
#define __NR_getdents64 61
#define __NR_lseek 62
#define __NR_read 63
#define __NR_write 64
#define __NR_readv 65
#define __NR_writev 66
#define __NR_pread64 67
#define __NR_pwrite64 68
#define __NR_sendfile 71
#define __NR_pselect6 72
#define __NR_ppoll 73
#define __NR_signalfd4 74
#define __NR_readlinkat 78
#define __NR_newfstatat 79
#define __NR_fstat 80
#define __NR_timerfd_create 85
#define __NR_timerfd_settime 86
#define __NR_timerfd_gettime 87
#define __NR_exit 93
#define __NR_exit_group 94
#define __NR_set_tid_address 96
#define __NR_nanosleep 101
#define __NR_getitimer 102
#define __NR_setitimer 103
#define __NR_clock_gettime 113
#define __NR_clock_nanosleep 115
#define __NR_sched_yield 124
#define __NR_kill 129
#define __NR_tgkill 131
#define __NR_sigaltstack 132
#define __NR_rt_sigaction 134
#define __NR_rt_sigprocmask 135
#define __NR_rt_sigreturn 139
#define __NR_reboot 142
#define __NR_setpgid 154
#define __NR_getpgid 155
#define __NR_setsid 157
#define __NR_uname 160
#define __NR_getrlimit 163
#define __NR_setrlimit 164
#define __NR_prctl 167
#define __NR_gettimeofday 169
#define __NR_getpid 172
#define __NR_getppid 173
#define __NR_getuid 174
#define __NR_geteuid 175
#define __NR_getgid 176
#define __NR_getegid 177
#define __NR_gettid 178
#define __NR_sysinfo 179
#define __NR_socket 198
#define __NR_socketpair 199
#define __NR_bind 200
#define __NR_listen 201
#define __NR_accept 202
#define __NR_connect 203
#define __NR_getsockname 204
#define __NR_getpeername 205
#define __NR_sendto 206
#define __NR_recvfrom 207
#define __NR_setsockopt 208
#define __NR_getsockopt 209
#define __NR_shutdown 210
#define __NR_sendmsg 211
#define __NR_recvmsg 212
#define __NR_brk 214
#define __NR_munmap 215
#define __NR_clone 220
#define __NR_execve 221
#define __NR_mmap 222
#define __NR_mprotect 226
#define __NR_accept4 242
#define __NR_wait4 260
#define __NR_prlimit64 261
#define __NR_getrandom 278
#define __NR_epoll_pwait2 441

#define SIS_NR_SYSCALLS 512

#endif
