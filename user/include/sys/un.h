/* <sys/un.h>: AF_UNIX addresses (struct sockaddr_un from the uapi header). */
#ifndef _SYS_UN_H
#define _SYS_UN_H

#include <sys/socket.h>

/* Length of a sockaddr_un holding a NUL-terminated path (BSD/glibc macro). */
#define SUN_LEN(su) (sizeof(*(su)) - sizeof((su)->sun_path) + strlen((su)->sun_path))

#endif
