/*
 * What the AF_INET socket files (sock_inet.c, sock_tcp.c, sock_udp.c,
 * sock_icmp.c) share: lwIP includes, address conversion, copying pbufs to
 * the user, and the datagram receive queue of UDP, ping and raw sockets.
 * Private to src/net: lwIP types must not reach sis/ headers.
 */
#ifndef SIS_NET_SOCK_INET_H
#define SIS_NET_SOCK_INET_H

#include <sis/socket.h>
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"

/* ---- addresses ---- */
/* ip/port (host order) of a checked sockaddr_in. */
void sock_inet_addr_get(const struct sockaddr_storage *addr, ip_addr_t *ip, u16 *port);
/* Fill a sockaddr_in from ip/port (host order); returns its size. */
unsigned sock_inet_addr_put(struct sockaddr_storage *addr, const ip_addr_t *ip, u16 port);
/* May a socket bind to ip? INADDR_ANY, an interface's address, and (if
 * allow_broadcast) the limited broadcast address. */
bool sock_inet_addr_local(const ip_addr_t *ip, bool allow_broadcast);
/* Is ip a broadcast destination (limited, or an interface's subnet broadcast)? */
bool sock_inet_addr_broadcast(const ip_addr_t *ip);

/* Copy n bytes of p's data, starting off bytes in, to the user's buffers.
 * Returns the count or -EFAULT (it->left shows how far it got). */
long sock_pbuf_to_iter(struct sock_iter *it, const struct pbuf *p, size_t off, size_t n);

/* ---- datagram sockets ---- */
/* One received datagram, queued until read. */
struct sock_dgram {
	struct list_head node; /* in dgram_sock.rxq */
	struct pbuf *p;        /* the payload as the socket sees it (owned) */
	ip_addr_t from;
	u16 port;              /* source port, host order (0 for ICMP and raw) */
};

/* The common part of UDP, ping and raw sockets: sk first, then the queue. */
struct dgram_sock {
	struct sock sk;
	struct list_head rxq; /* struct sock_dgram, oldest first */
	size_t rx_bytes;      /* payload bytes in rxq, bounded by sk.opt.rcvbuf */
};

void sock_dgram_init(struct dgram_sock *ds);
/* Queue p from (softirq): takes p on success; false (p untouched) if the
 * receive buffer is full, no memory, or reading was shut down. */
bool sock_dgram_push(struct dgram_sock *ds, struct pbuf *p, const ip_addr_t *from, u16 port);
/* recvmsg for datagram sockets: one datagram per call, MSG_PEEK, MSG_TRUNC,
 * source address, SO_RCVTIMEO. */
long sock_dgram_recv(struct dgram_sock *ds, struct sock_msg *m);
/* poll for a datagram socket (UDP, ICMP): readable when a datagram is
 * queued, always writable, POLLHUP once shut down both ways. */
unsigned sock_dgram_poll(struct dgram_sock *ds);
/*
 * Copy the socket's IP-level options (SO_REUSEADDR, SO_BROADCAST,
 * SO_KEEPALIVE, IP_TTL, IP_TOS) into any lwIP PCB: every PCB type starts
 * with lwIP's common struct ip_pcb fields. Flags a protocol ignores are harmless.
 */
struct ip_pcb;
void sock_inet_apply_ip_opts(const struct sock *sk, struct ip_pcb *pcb);
/* Size of the next datagram (FIONREAD). */
unsigned long sock_dgram_inq(struct sock *sk);
/* Drop everything queued. */
void sock_dgram_purge(struct dgram_sock *ds);
/* Copy the user's data into a new PBUF_RAM pbuf for layer `layer`
 * (PBUF_TRANSPORT, PBUF_IP): the pbuf, or NULL with *err set. */
struct pbuf *sock_dgram_fill(struct sock_msg *m, size_t len, pbuf_layer layer, int *err);

/* ---- the protocols ---- */
int tcp_sock_create(struct sock **out);
int udp_sock_create(struct sock **out);
struct udp_pcb;
/* Unread bytes queued on the UDP socket that owns pcb (0 if a socket does
 * not own it): /proc/net/udp's rx_queue. net_lock held. */
size_t udp_sock_pcb_rx_bytes(const struct udp_pcb *pcb);
struct tcp_pcb;
/* The same for a TCP connection PCB (not a listening one). */
size_t tcp_sock_pcb_rx_bytes(const struct tcp_pcb *pcb);
int sock_icmp_create(int type, int protocol, struct sock **out);

#endif
