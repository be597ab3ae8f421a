/*
 * <arpa/inet.h>: byte order and IPv4 address text conversion (the
 * functions are in the runtime, user/lib/socket.c). Replaces picolibc's
 * header of the same name, which has only the byte-order macros.
 */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H

#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Dotted quad (also the classic a, a.b, a.b.c forms and hex/octal parts). */
in_addr_t inet_addr(const char *cp);          /* INADDR_NONE if invalid */
int inet_aton(const char *cp, struct in_addr *inp); /* 1 ok, 0 invalid */
char *inet_ntoa(struct in_addr in);           /* static buffer */
in_addr_t inet_network(const char *cp);       /* host order; INADDR_NONE if invalid */
/* POSIX forms: AF_INET only (AF_INET6 is EAFNOSUPPORT). */
int inet_pton(int af, const char *src, void *dst);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);

#ifdef __cplusplus
}
#endif

#endif
