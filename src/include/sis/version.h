/*
 * What uname(2) and /proc/sys/kernel/os* say SIS is. SIS_VERSION is SIS's
 * own version (meson's project version); SIS_LINUX_ABI is the Linux
 * release whose aarch64 system-call ABI SIS implements, named by its newest
 * call SIS has (futex_waitv, Linux 5.16; also epoll_pwait2 5.11,
 * faccessat2 5.8, clone3 5.3). The release is Linux-style,
 * "5.16.0-sis-0.1.0", so programs that compare kernel versions (LTP's
 * tst_kvercmp, glibc's own checks) see the ABI level, as gVisor reports
 * one; the system name stays "SIS".
 */
#ifndef SIS_VERSION_H
#define SIS_VERSION_H

#define UTS_SYSNAME "SIS"
#define UTS_RELEASE SIS_LINUX_ABI "-sis-" SIS_VERSION
#define UTS_VERSION "#1 SIS " __DATE__

#endif
