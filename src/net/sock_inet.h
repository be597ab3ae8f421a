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

struct ip_pcb;
struct netif;

/* ---- addresses ---- */
/*
 * The address a user passed to sk (AF_INET or AF_INET6) for `use`, as lwIP
 * sees it, port in host order: 0, SOCK_ADDR_UNSPEC (connect: dissolve),
 * SOCK_ADDR_NONE (sendto: no address), or -errno. On AF_INET6 sockets a
 * v4-mapped address (or a sockaddr_in, for datagrams) is IPv4, unless
 * IPV6_V6ONLY; "::" is for bind the socket's wildcard (sock_inet_any); a
 * link-local address takes its zone from sin6_scope_id (EINVAL without one,
 * ENODEV for no such interface).
 */
int sock_inet_addr_from(const struct sock *sk, const struct sockaddr_storage *addr,
			unsigned len, enum sock_addr_use use, ip_addr_t *ip, u16 *port);
/* Fill a sockaddr of sk's family from ip/port (host order): IPv4 addresses
 * are v4-mapped on AF_INET6 sockets. Returns its size. */
unsigned sock_inet_name(const struct sock *sk, struct sockaddr_storage *addr,
			const ip_addr_t *ip, u16 port);
/* The wildcard sk binds to: 0.0.0.0, "::" (V6ONLY) or both (dual stack). */
const ip_addr_t *sock_inet_any(const struct sock *sk);
/* "This host" for a connect/send to the wildcard: 127.0.0.1 or ::1. */
void sock_inet_any_to_loopback(ip_addr_t *ip);
/* lwIP PCB type for sk: IPADDR_TYPE_V4, _V6 (V6ONLY) or _ANY (dual stack). */
u8 sock_inet_pcb_type(const struct sock *sk);
/* Make an unbound PCB's addresses of sk's current type (after IPV6_V6ONLY). */
void sock_inet_pcb_retype(const struct sock *sk, struct ip_pcb *pcb);
/* Interface index (SIS's: lo 1, ethN N+2) <-> lwIP netif (NULL/0: none). */
struct netif *sock_inet_netif_by_ifindex(u32 ifindex);
u32 sock_inet_ifindex_of(const struct netif *nif);
/* May a socket bind to ip? INADDR_ANY, an interface's address, and (if
 * allow_broadcast: datagram sockets) the limited broadcast address and multicast groups. */
bool sock_inet_addr_local(const ip_addr_t *ip, bool allow_broadcast);
/* A TCP/UDP bind's address and port: EADDRNOTAVAIL (not local, see above),
 * EACCES (a port below 1024 and euid not 0: Linux's
 * net.ipv4.ip_unprivileged_port_start without CAP_NET_BIND_SERVICE), or 0. */
int sock_inet_bind_check(const ip_addr_t *ip, u16 port, bool allow_broadcast);
/* May a socket bound to local send (or connect) from it? -ENETUNREACH once
 * its IPv4 address has gone from every interface (a DHCP lease replaced
 * the static fallback), as Linux's route lookup answers
 * (ip_route_output_key_hash_rcu: the source is no local address), else 0. */
int sock_inet_src_check(const ip_addr_t *local);
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
	ip_addr_t dst;         /* where it was sent (IP_PKTINFO, IPV6_PKTINFO) */
	u32 ifindex;           /* SIS's index of the interface it came in on */
	u8 ttl;                /* its TTL or hop limit (IP_TTL, IPV6_HOPLIMIT cmsgs) */
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

/* ---- multicast sending (sock_mcast.c) ---- */
struct udp_pcb;
struct raw_pcb;
/* Before sending to dst: the PCB's multicast interface, TTL/hop limit and
 * loop from sk's options for dst's family (nothing for a unicast dst). */
void sock_mcast_udp_tx(const struct sock *sk, struct udp_pcb *pcb, const ip_addr_t *dst);
void sock_mcast_raw_tx(const struct sock *sk, struct raw_pcb *pcb, const ip_addr_t *dst);

/* ---- the protocols ---- */
/* An accepted socket gets its listener's IPV6_RTHDR (Linux's
 * ipv6_dup_options; none if memory ran out). */
void sock_ip6_copy_rthdr(struct sock *to, const struct sock *from);
int tcp_sock_create(int family, struct sock **out);
int udp_sock_create(int family, struct sock **out);
struct udp_pcb;
/* Unread bytes queued on the UDP socket that owns pcb (0 if a socket does
 * not own it): /proc/net/udp's rx_queue. net_lock held. */
size_t udp_sock_pcb_rx_bytes(const struct udp_pcb *pcb);
struct tcp_pcb;
/* The same for a TCP connection PCB (not a listening one). */
size_t tcp_sock_pcb_rx_bytes(const struct tcp_pcb *pcb);
int icmp_sock_create(int family, int type, int protocol, struct sock **out);

#endif
