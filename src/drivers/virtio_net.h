/*
 * virtio-net driver internals shared by virtio_net.c (rings, set-up, the
 * netdev ops) and virtio_net_offload.c (checksum and segmentation
 * offloads). Not a public interface: see sis/netdev.h for that.
 */
#ifndef SIS_DRIVERS_VIRTIO_NET_H
#define SIS_DRIVERS_VIRTIO_NET_H

#include <sis/kernel.h>
#include <sis/virtio.h>
#include <sis/netdev.h>

/* Feature bits (5.1.3). */
#define VIRTIO_NET_F_CSUM 0       /* device completes checksums we leave partial */
#define VIRTIO_NET_F_GUEST_CSUM 1 /* device may hand us partial/validated checksums */
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_GUEST_TSO4 7 /* device may hand us IPv4 TCP segments > MTU */
#define VIRTIO_NET_F_GUEST_TSO6 8 /* device may hand us IPv6 TCP segments > MTU */
#define VIRTIO_NET_F_HOST_TSO4 11 /* device cuts IPv4 TCP segments > MTU for us */
#define VIRTIO_NET_F_HOST_TSO6 12 /* device cuts IPv6 TCP segments > MTU for us */
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1

/* Device configuration layout (5.1.4). */
#define VNET_CFG_MAC 0
#define VNET_CFG_STATUS 6

#define RX_QUEUE 0
#define TX_QUEUE 1
#define VNET_QUEUE_SIZE 256
#define VNET_BUF_SIZE 2048 /* >= 12 + 1514 (5.1.6.3.1: at least 1526 without MRG_RXBUF) */
#define VNET_MAX_SLOTS (VNET_QUEUE_SIZE / 2)
/* Buffers one merged RX frame may span: a large segment (GUEST_TSO4/6) of
 * 12 + 14 + 65535 bytes takes 34 of 2 KiB; without it a frame needs 1. */
#define VNET_MAX_FRAGS 34
#define VNET_TX_KICK_BATCH 32  /* notify mid-burst after this many frames */
#define VNET_TX_STALL_NS (5 * NSEC_PER_SEC) /* full ring this long: say so */
#define VNET_TSO_SLOTS 8          /* large TX frames in flight (HOST_TSO4/6) */
#define VNET_TSO_BUF (64 * 1024)  /* one large TX frame, its header included */

/* 5.1.6: the header before every frame. num_buffers exists only with
 * VERSION_1 or MRG_RXBUF (hdr_len 12); legacy without MRG_RXBUF stops at 10.
 * All fields little-endian (legacy: guest-endian, the same on aarch64). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1 /* checksum from csum_start is partial */
#define VIRTIO_NET_HDR_F_DATA_VALID 2 /* RX: the device checked the checksum */
#define VIRTIO_NET_HDR_GSO_NONE 0
#define VIRTIO_NET_HDR_GSO_TCPV4 1
#define VIRTIO_NET_HDR_GSO_TCPV6 4
struct virtio_net_hdr {
	u8 flags;
	u8 gso_type;
	u16 hdr_len;
	u16 gso_size;
	u16 csum_start;
	u16 csum_offset;
	u16 num_buffers;
} __packed;

struct virtio_net {
	struct netdev dev;        /* what the stack sees */
	struct virtio_mmio vm;    /* transport */
	struct virtq rxq, txq;    /* queue 0 (receive) and 1 (transmit) */
	unsigned hdr_len;         /* 10 or 12, see struct virtio_net_hdr */
	bool split_hdr;           /* legacy without ANY_LAYOUT: header in its own descriptor */
	bool merged_rx;           /* MRG_RXBUF negotiated: a frame may span buffers */
	bool tx_csum;             /* CSUM negotiated: TCP checksums left to the device */
	bool rx_csum;             /* GUEST_CSUM negotiated: header flags may vouch */
	bool rx_tso4;             /* GUEST_TSO4 negotiated: large IPv4 TCP segments */
	bool rx_tso6;             /* GUEST_TSO6 negotiated: large IPv6 TCP segments */
	bool rx_gso_seen;         /* the first large IPv4 segment was logged (debug) */
	bool rx_gso6_seen;        /* the first large IPv6 segment was logged (debug) */
	bool tx_tso;              /* HOST_TSO4 or 6 negotiated and its buffers allocated */
	bool tx_tso4, tx_tso6;    /* which of the two (with tx_tso) */

	/* RX buffer i is rx_bufs + i * VNET_BUF_SIZE, head descriptor i (tail
	 * i + rx_nbuf when split_hdr). rx_posted[i] while the device owns it. */
	u8 *rx_bufs;
	unsigned rx_bufs_order;
	unsigned rx_nbuf;
	bool rx_posted[VNET_MAX_SLOTS];
	unsigned rx_to_publish;   /* reposted since the last publish/notify */

	/* TX slot j is tx_bufs + j * VNET_BUF_SIZE, head descriptor j (tail
	 * j + tx_nslot when split_hdr); tx_inflight[j] while the device owns it.
	 * Free slots are a stack. */
	u8 *tx_bufs;
	unsigned tx_bufs_order;
	unsigned tx_nslot;
	bool tx_inflight[VNET_MAX_SLOTS];
	u16 tx_free[VNET_MAX_SLOTS];
	unsigned tx_nfree;
	unsigned tx_unkicked;     /* published but not yet notified */
	u64 tx_progress_ns;       /* last time a TX slot came back (or init) */

	/* Large TX frames (HOST_TSO4/6): slot k is tso_bufs + k * VNET_TSO_BUF,
	 * descriptor tx_nslot + k; tso_inflight[k] while the device owns it.
	 * tso_open is the one xmit is filling (-1: none), published by
	 * tso_close: consecutive segments of one connection go out as one. */
	u8 *tso_bufs;
	unsigned tso_bufs_order;
	bool tso_inflight[VNET_TSO_SLOTS];
	int tso_open;
	size_t tso_len;           /* its frame bytes so far (vnet header not counted) */
	unsigned tso_hlen;        /* its Ethernet + IP + TCP header bytes */
	unsigned tso_iphlen;      /* its IP header bytes: 20 (IPv4) or 40 (IPv6) */
	unsigned tso_mss;         /* payload of its first segment: gso_size */
	unsigned tso_segs;        /* segments in it */
	u32 tso_next_seq;         /* sequence number a continuing segment has */
	bool tx_stall_logged;     /* "stopped completing" said once per stall */

	volatile u32 isr_pending; /* InterruptStatus bits noted by the IRQ handler */
	unsigned warnings;        /* anomalies logged so far (rate limit) */
};

/* virtio_net.c */
/* Log device misbehaviour: the first 16 times, then every 1024th. */
void __printf(2, 3) virtio_net_warn(struct virtio_net *vn, const char *fmt, ...);
/* Take back TX slots (small and large) the device has finished with. */
void virtio_net_tx_reclaim(struct virtio_net *vn);

/* virtio_net_offload.c */
/* CSUM: leave a TCP frame's checksum to the device (h: its zeroed header). */
void virtio_net_tx_offload(struct virtio_net *vn, struct virtio_net_hdr *h, u8 *f, size_t len);
/* A received frame's header: NETDEV_RX_* flags for netdev_receive, or -1
 * (drop it). f: its first avail bytes (writable), len in all. */
int virtio_net_rx_offload(struct virtio_net *vn, const struct virtio_net_hdr *h, u8 *f,
			  size_t avail, size_t len);
/* HOST_TSO4/6: take the frame into the open large frame (true), or not
 * (false: the caller sends it, after virtio_net_tso_close). */
bool virtio_net_tso_take(struct virtio_net *vn, const struct netdev_frag *frags, unsigned n,
			 size_t total);
/* Publish the open large frame, if any (before any other frame, at flush). */
void virtio_net_tso_close(struct virtio_net *vn);

#endif
