/* TCP-level (IPPROTO_TCP) socket options: Linux's values (include/uapi/linux/tcp.h). */
#ifndef UAPI_SIS_TCP_H
#define UAPI_SIS_TCP_H

#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_CORK 3
#define TCP_KEEPIDLE 4   /* seconds before the first keepalive probe */
#define TCP_KEEPINTVL 5  /* seconds between probes */
#define TCP_KEEPCNT 6    /* unanswered probes before the connection drops */
#define TCP_SYNCNT 7
#define TCP_LINGER2 8
#define TCP_DEFER_ACCEPT 9
#define TCP_WINDOW_CLAMP 10
#define TCP_INFO 11
#define TCP_QUICKACK 12
#define TCP_CONGESTION 13
#define TCP_USER_TIMEOUT 18 /* ms data may stay unacknowledged before ETIMEDOUT; 0 = lwIP's retries */

#endif
