/*
 * lwIP 2.1.3 configuration for SIS.
 *
 * Raw API only (NO_SYS=1, no sockets/netconn: SIS has its own socket layer
 * in src/net/sock*.c). Every lwIP call is serialized by net_lock() / the
 * network softirq (see sis/net.h), so no lightweight protection is needed.
 *
 * Sized for throughput on a virtio NIC rather than for a microcontroller,
 * but all of lwIP's memory comes from kmalloc on demand (MEM_LIBC_MALLOC,
 * MEMP_MEM_MALLOC) so an idle stack costs little and a 16 MiB guest boots.
 * Note: with MEMP_MEM_MALLOC lwIP does not enforce the MEMP_NUM_* counts;
 * they stay here as the intended working set. Memory is bounded instead by
 * per-connection windows/queues (TCP_WND, TCP_SND_BUF, TCP_OOSEQ_MAX_*,
 * IP_REASS_MAX_PBUFS, ARP_QUEUE_LEN, LWIP_LOOPBACK_MAX_PBUFS).
 */
#ifndef SIS_LWIPOPTS_H
#define SIS_LWIPOPTS_H

/* ---- Platform ---- */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* net_lock serializes everything */
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0
#define LWIP_IPV4 1
#define LWIP_IPV6 1

/* ---- Memory: kmalloc behind everything ---- */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
#define MEM_SIZE (1024 * 1024) /* unused with MEM_LIBC_MALLOC; makes mem_size_t 32-bit */
#define mem_clib_malloc sis_lwip_malloc
#define mem_clib_free sis_lwip_free
#define mem_clib_calloc sis_lwip_calloc

/* Intended working set (documentary under MEMP_MEM_MALLOC, see above). */
#define MEMP_NUM_PBUF 64
#define MEMP_NUM_RAW_PCB 8
#define MEMP_NUM_UDP_PCB 16
#define MEMP_NUM_TCP_PCB 48
#define MEMP_NUM_TCP_PCB_LISTEN 8
#define MEMP_NUM_TCP_SEG 512
#define MEMP_NUM_REASSDATA 16
#define MEMP_NUM_FRAG_PBUF 32
#define MEMP_NUM_ARP_QUEUE 256
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
/* RX: one pool pbuf per frame; 128 RX buffers per NIC can be in flight. */
#define PBUF_POOL_SIZE 256
#define PBUF_POOL_BUFSIZE 1536 /* a whole Ethernet frame in one pbuf */

/* ---- Link layer ---- */
#define LWIP_ETHERNET 1
#define LWIP_ARP 1
#define ARP_TABLE_SIZE 32
#define ARP_QUEUEING 1
#define ARP_QUEUE_LEN 256 /* every connection to the gateway waits on its one entry */
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define ETH_PAD_SIZE 0
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1 /* IPv6 address states (ipconfig6.c) */
#define LWIP_NETIF_LOOPBACK 1   /* traffic to our own address stays inside */
#define LWIP_HAVE_LOOPIF 1      /* lo, 127.0.0.1 */
#define LWIP_LOOPBACK_MAX_PBUFS 256
#define LWIP_NETIF_TX_SINGLE_PBUF 0

/* ---- IP ---- */
#define IP_FORWARD 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_REASS_MAX_PBUFS 64   /* a 65507-byte UDP datagram is 45 fragments */
#define IP_REASS_MAXAGE 5       /* seconds a partial datagram is kept */
#define IP_DEFAULT_TTL 64
#define LWIP_ICMP 1             /* answers echo requests */
#define LWIP_RAW 1              /* ICMP sockets */
#define LWIP_IGMP 1             /* IPv4 multicast groups (sock_mcast.c) */
#define LWIP_LOOPIF_MULTICAST 1 /* ... on lo too, as Linux allows */
#define LWIP_BROADCAST_PING 0
#define LWIP_MULTICAST_PING 0

/* ---- IPv6 (dual stack) ---- */
/* Every NIC gets a link-local address (DAD, one probe), solicits routers
 * and configures SLAAC addresses and its default router from their
 * advertisements (nd6.c); lo has ::1. */
#define LWIP_IPV6_NUM_ADDRESSES 3     /* link-local + 2 global (SLAAC or ip6=) */
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_ADDRESS_LIFETIMES 1
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 1
#define LWIP_IPV6_FRAG 1
#define LWIP_IPV6_REASS 1
#define IPV6_FRAG_COPYHEADER 1        /* 64-bit pointers: lwIP asserts on it */
#define IPV6_REASS_MAXAGE 5           /* seconds, as IP_REASS_MAXAGE (RFC 8200: 60) */
#define LWIP_IPV6_MLD 1
#define LWIP_ICMP6 1
#define LWIP_ND6_QUEUEING 1
#define MEMP_NUM_ND6_QUEUE 64
#define LWIP_ND6_NUM_NEIGHBORS 32
#define LWIP_ND6_NUM_DESTINATIONS 32
#define LWIP_ND6_NUM_PREFIXES 5
#define LWIP_ND6_NUM_ROUTERS 3
#define LWIP_ND6_ALLOW_RA_UPDATES 1
#define LWIP_ND6_RDNSS_MAX_DNS_SERVERS DNS_MAX_SERVERS /* RFC 8106 (ipconfig6.c keeps them) */
#define LWIP_IPV6_DHCP6 1               /* stateless DHCPv6 when an RA says "other config" */
#define LWIP_IPV6_DHCP6_STATEFUL 0
#define LWIP_IPV6_DHCP6_STATELESS 1
#define LWIP_DHCP6_GET_NTP_SRV 0

/* ---- DHCP ---- */
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0   /* bind at ACK: no 500 ms ARP probe of the offer */
#define LWIP_DHCP_CHECK_LINK_UP 1
#define LWIP_DHCP_BOOTP_FILE 0
#define LWIP_DHCP_GET_NTP_SRV 0
#define LWIP_AUTOIP 0
/* DNS is resolved in user space; lwIP's DNS module is on only so that DHCP
 * stores the lease's DNS servers (dns_setserver), which SIS publishes. */
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 3
#define LWIP_DHCP_MAX_DNS_SERVERS DNS_MAX_SERVERS

/* ---- UDP ---- */
#define LWIP_UDP 1
#define LWIP_UDPLITE 0
#define SO_REUSE 1
#define SO_REUSE_RXTOALL 1

/* ---- TCP ---- */
#define LWIP_TCP 1
#define LWIP_CALLBACK_API 1
#define LWIP_EVENT_API 0
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2
#define TCP_WND (128 * 1024)    /* advertised as 32 KiB << 2 */
/* Send buffer past the peer's window (slirp's is 64 KiB, unscaled): when
 * ACKs open the window, tcp_input's tcp_output sends from what is queued at
 * once, instead of waiting for the writer to be scheduled. kmalloc'd only
 * while queued. Writers are woken at a third free (sock_tcp_io.c). */
#define TCP_SND_BUF (256 * 1024)
#define TCP_SNDLOWAT (32 * 1024) /* lwIP insists it fits a u16_t; unused by SIS */
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_BYTES TCP_WND
#define TCP_OOSEQ_MAX_PBUFS 96
#define LWIP_TCP_SACK_OUT 1
#define LWIP_TCP_MAX_SACK_NUM 4
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_TCP_TIMESTAMPS 0
/* TIME_WAIT lasts 2 * TCP_MSL. lwIP's default (2 * 60 s) makes a new
 * connection that reuses a 4-tuple still in TIME_WAIT stall until it expires
 * (lwIP does not accept a SYN in TIME_WAIT), which slirp's host-side ports
 * hit after a few thousand connections, and the PCBs pile up in the heap.
 * 2 * 2 s is plenty on a virtual LAN. */
#define TCP_MSL 2000UL
#define TCP_OVERSIZE TCP_MSS
#define LWIP_TCP_PCB_NUM_EXT_ARGS 0

/* ---- Checksums: computed and checked in software, except where the NIC
 * offloads them: per netif, set by src/net/netif.c from netdev features ---- */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1
#define LWIP_CHKSUM_ALGORITHM 3

/* ---- Statistics (net_stats_dump, net_pool_usage) ---- */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 1    /* gives pools their names */
#define LWIP_STATS_LARGE 1      /* 32-bit counters */
#define LINK_STATS 1
#define ETHARP_STATS 1
#define IP_STATS 1
#define IPFRAG_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1
#define SYS_STATS 0
#define MIB2_STATS 1        /* Linux's /proc/net/snmp counters (procnet.c) */

/* ---- Misc ---- */
#define LWIP_RAND() sis_lwip_rand()

#ifndef __ASSEMBLER__
#include <stddef.h>
void *sis_lwip_malloc(size_t size);
void sis_lwip_free(void *p);
void *sis_lwip_calloc(size_t n, size_t size);
unsigned int sis_lwip_rand(void);
#endif

/* ---- Secondary addresses (netif_alias.c) ---- */
/* A socket bound to a secondary address routes through that address's netif. */
#ifndef __ASSEMBLER__
struct netif;
struct ip4_addr;
struct netif *net_alias_route_src(const struct ip4_addr *src, const struct ip4_addr *dest);
#endif
#define LWIP_HOOK_IP4_ROUTE_SRC(src, dest) net_alias_route_src(src, dest)

/* ---- ip6= static default router (ipconfig6.c) ---- */
#ifndef __ASSEMBLER__
struct ip6_addr;
const struct ip6_addr *net_ipconfig6_gateway(struct netif *nif, const struct ip6_addr *dest);
#endif
#define LWIP_HOOK_ND6_GET_GW(netif, dest) net_ipconfig6_gateway(netif, dest)

#endif
