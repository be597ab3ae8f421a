/*
 * Interface ioctls (SIOCGIFCONF, SIOCGIFADDR, SIOCSIFADDR, SIOCGIFHWADDR,
 * SIOCGIFFLAGS, SIOCADDRT, ...: uapi/sis/sockios.h) issued on a socket. The
 * socket layer hands every cmd in [SIOC_FIRST, SIOC_LAST] to ifioctl().
 *
 * arg is the user pointer the program passed (struct ifreq, ifconf or
 * rtentry). Takes net_lock itself (it nests) and never sleeps. Returns 0 or
 * -errno: -EFAULT, -ENODEV (no such interface), -EADDRNOTAVAIL (interface
 * has no address), -EINVAL (bad address family or value), -EOPNOTSUPP
 * (a route other than the default one), -ENOTTY (unknown cmd).
 */
#ifndef SIS_IFIOCTL_H
#define SIS_IFIOCTL_H

long ifioctl(unsigned long cmd, void *uarg);

#endif
