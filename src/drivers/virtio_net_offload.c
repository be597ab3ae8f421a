/*
 * virtio-net offloads (virtio spec v1.2, 5.1.6.2 transmit, 5.1.6.4
 * receive): checksums (CSUM, GUEST_CSUM), large receive (GUEST_TSO4/6) and
 * large send (HOST_TSO4/6) for virtio_net.c. Everything read from a frame
 * header the device wrote is checked here before it is believed.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>

#include "virtio_net.h"

/* ---- Checksum offload (5.1.6.2 transmit, 5.1.6.4 receive) ---- */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IPPROTO_TCP_NUM 6
#define IPPROTO_UDP_NUM 17
#define TCP_CSUM_OFF 16 /* checksum field within the TCP header */
#define UDP_CSUM_OFF 6

/* Where a frame's transport header is, and its pseudo-header sum. */
struct l4_hdr {
	unsigned off; /* from the start of the frame */
	unsigned len; /* transport header + payload, per the IP header */
	u8 proto;
	u32 pseudo;   /* unfolded ones'-complement sum of the pseudo-header */
};

static u16 be16_at(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

/* Ones'-complement sum of big-endian 16-bit words (RFC 1071), unfolded;
 * frames are at most a few KiB, so 32 bits cannot overflow. */
static u32 csum_add(u32 sum, const u8 *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += be16_at(p);
	if (len)
		sum += (u32)p[0] << 8;
	return sum;
}

static u16 csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)sum;
}

/*
 * Find the transport header of an IPv4 datagram that is not a fragment, or
 * of an IPv6 one without extension headers, in a frame of len bytes whose
 * first avail bytes are at f; false for anything else, or when a length
 * does not add up or the headers are not all within avail (these are
 * device or peer bytes). The transport header's first 20 bytes are checked
 * to be there too.
 */
static bool frame_l4(const u8 *f, size_t avail, size_t len, struct l4_hdr *l4)
{
	const u8 *ip = f + ETH_HLEN;

	if (avail > len || avail < ETH_HLEN + 40)
		return false;
	if (be16_at(f + 12) == ETHERTYPE_IPV4) {
		unsigned ihl = (ip[0] & 0xfu) * 4, tot = be16_at(ip + 2);

		if (ip[0] >> 4 != 4 || ihl < 20 || ETH_HLEN + ihl + 20 > avail)
			return false;
		if (tot < ihl + 20 || tot > len - ETH_HLEN || (be16_at(ip + 6) & 0x3fff))
			return false; /* 0x3fff: more-fragments or an offset */
		*l4 = (struct l4_hdr){ ETH_HLEN + ihl, tot - ihl, ip[9], 0 };
		l4->pseudo = csum_add(0, ip + 12, 8) + l4->proto + l4->len;
		return true;
	}
	if (be16_at(f + 12) == ETHERTYPE_IPV6) {
		unsigned plen = be16_at(ip + 4);

		if (ip[0] >> 4 != 6 || ETH_HLEN + 60 > avail || plen < 20 ||
		    plen > len - ETH_HLEN - 40)
			return false;
		*l4 = (struct l4_hdr){ ETH_HLEN + 40, plen, ip[6], 0 };
		l4->pseudo = csum_add(0, ip + 8, 32) + l4->proto + l4->len;
		return true;
	}
	return false;
}

/*
 * 5.1.6.2: with CSUM, a TCP frame goes out with NEEDS_CSUM, csum_start at
 * its TCP header and csum_offset at the checksum field, which holds the
 * pseudo-header sum, so that "the ones' complement checksum of the TCP
 * header and body" from csum_start gives the right result. The stack left
 * that field out (NETDEV_F_TX_TCP_CSUM); anything else keeps what the
 * stack computed.
 */
void virtio_net_tx_offload(struct virtio_net *vn, struct virtio_net_hdr *h, u8 *f, size_t len)
{
	struct l4_hdr l4;
	u16 pseudo;

	if (!vn->tx_csum || !frame_l4(f, len, len, &l4) || l4.proto != IPPROTO_TCP_NUM)
		return;
	pseudo = csum_fold(l4.pseudo);
	f[l4.off + TCP_CSUM_OFF] = (u8)(pseudo >> 8);
	f[l4.off + TCP_CSUM_OFF + 1] = (u8)pseudo;
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = (u16)l4.off;
	h->csum_offset = TCP_CSUM_OFF;
}

/* Is the partial checksum at start + off this frame's TCP or UDP one? */
static bool rx_partial_is_l4(const struct l4_hdr *l4, unsigned start, unsigned off)
{
	return start == l4->off && ((l4->proto == IPPROTO_TCP_NUM && off == TCP_CSUM_OFF) ||
				    (l4->proto == IPPROTO_UDP_NUM && off == UDP_CSUM_OFF));
}

/* Was the large segment of the family negotiated and announced as such? */
static bool rx_gso_type_ok(const struct virtio_net *vn, u8 gso_type, u16 ethertype)
{
	if (gso_type == VIRTIO_NET_HDR_GSO_TCPV4)
		return vn->rx_tso4 && ethertype == ETHERTYPE_IPV4;
	if (gso_type == VIRTIO_NET_HDR_GSO_TCPV6)
		return vn->rx_tso6 && ethertype == ETHERTYPE_IPV6;
	return false;
}

/* log_debug the first large segment of each family (tests look for it). */
static void rx_gso_note(struct virtio_net *vn, bool v6, size_t len)
{
	bool *seen = v6 ? &vn->rx_gso6_seen : &vn->rx_gso_seen;

	if (*seen)
		return;
	*seen = true;
	log_debug("virtio-net: %s: first large %sreceive segment, %zu bytes", vn->dev.name,
		  v6 ? "IPv6 " : "", len);
}

/*
 * 5.1.6.4.1: a large segment is TCP with NEEDS_CSUM at its TCP checksum and
 * its IP length the whole frame's: IPv4 with gso_type TCPV4 (GUEST_TSO4
 * negotiated), or IPv6 without extension headers with TCPV6 (GUEST_TSO6).
 * Anything else is dropped: the stack takes such a frame as one TCP segment
 * and must not be handed anything else that way.
 */
static int rx_gso_flags(struct virtio_net *vn, const struct virtio_net_hdr *h, const u8 *f,
			size_t avail, size_t len)
{
	struct l4_hdr l4;

	if (!rx_gso_type_ok(vn, h->gso_type, be16_at(f + 12)) ||
	    !(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || len > NETDEV_GSO_MAX ||
	    !frame_l4(f, avail, len, &l4) || l4.off + l4.len != len ||
	    !rx_partial_is_l4(&l4, h->csum_start, h->csum_offset) ||
	    l4.proto != IPPROTO_TCP_NUM) {
		virtio_net_warn(vn, "RX gso_type %u frame of %zu bytes not a TCP segment we take",
				h->gso_type, len);
		return -1;
	}
	rx_gso_note(vn, h->gso_type == VIRTIO_NET_HDR_GSO_TCPV6, len);
	return NETDEV_RX_CSUM_OK | NETDEV_RX_GSO;
}

/*
 * 5.1.6.4: what the header of a received frame says (f: its first avail
 * bytes, writable, of len in all). NETDEV_RX_CSUM_OK when the device vouches
 * for its TCP/UDP checksum: DATA_VALID, or NEEDS_CSUM at the TCP/UDP
 * checksum (the sender's checksum was never computed: a host's own packet
 * on a tap). A NEEDS_CSUM anywhere else in a one-buffer frame is completed
 * here, as the device would have (5.1.6.2), and the stack checks it.
 * NETDEV_RX_GSO for a large segment (rx_gso_flags). -1: a header no device
 * may send us (dropped).
 */
int virtio_net_rx_offload(struct virtio_net *vn, const struct virtio_net_hdr *h, u8 *f,
			   size_t avail, size_t len)
{
	unsigned start = h->csum_start, off = h->csum_offset;
	struct l4_hdr l4;
	u16 sum;

	/* 5.1.6.4.1: gso_type is GSO_NONE unless a GUEST_TSO/UFO was negotiated. */
	if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return rx_gso_flags(vn, h, f, avail, len);
	/* 5.1.6.4.1: without GUEST_CSUM the device sets flags to 0; 5.1.6.4.2:
	 * bits we do not know are ignored. */
	if (!vn->rx_csum)
		return 0;
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return (h->flags & VIRTIO_NET_HDR_F_DATA_VALID) ? NETDEV_RX_CSUM_OK : 0;
	if ((size_t)start + off + 2 > len) {
		virtio_net_warn(vn, "RX csum_start %u + csum_offset %u past a %zu-byte frame", start,
				off, len);
		return -1;
	}
	if (frame_l4(f, avail, len, &l4) && rx_partial_is_l4(&l4, start, off))
		return NETDEV_RX_CSUM_OK;
	if (avail != len)
		return 0; /* spans buffers: longer than any frame the stack takes */
	sum = (u16)~csum_fold(csum_add(0, f + start, len - start));
	f[start + off] = (u8)(sum >> 8);
	f[start + off + 1] = (u8)sum;
	return 0;
}

/* ---- Large TX frames (HOST_TSO4/6, 5.1.6.2) ----
 *
 * lwIP never builds a TCP segment longer than the MSS, but it sends a
 * window's worth back to back. Consecutive segments of one connection
 * (same headers but for lengths, IP id, checksums and the sequence number,
 * which continues; ACK set, no SYN/FIN/RST/URG; no IPv4 options or IPv6
 * extension headers; each of the
 * MSS of the first, the last possibly shorter) are gathered into one frame
 * the device cuts again (gso_type TCPV4 or TCPV6, gso_size the first's
 * payload).
 * What the host gets is what lwIP sent; QEMU moves one frame instead of up
 * to ~44. The frame is published when a segment does not continue it, by
 * PSH or a short segment (the end of a burst), or at flush.
 */
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10
#define TSO_HDR_MAX 128

static u8 *tso_buf(struct virtio_net *vn, unsigned k)
{
	return vn->tso_bufs + (size_t)k * VNET_TSO_BUF;
}

/* Copy len bytes of the fragments, from offset skip, to dst. */
static void frags_copy(u8 *dst, const struct netdev_frag *frags, unsigned n, size_t skip,
		       size_t len)
{
	for (unsigned i = 0; i < n && len; i++) {
		size_t k = MIN(skip, frags[i].len), c = MIN(frags[i].len - k, len);

		memcpy(dst, (const u8 *)frags[i].data + k, c);
		dst += c;
		len -= c;
		skip -= k;
	}
}

/* The IP header length of a frame whose family may go out as a large
 * frame: 20 for IPv4 without options, not a fragment, its total length the
 * frame's (HOST_TSO4); 40 for IPv6 with TCP right after the fixed header,
 * its payload length the frame's (HOST_TSO6); else 0. */
static unsigned tso_ip_hlen(const struct virtio_net *vn, const u8 *h, size_t total)
{
	const u8 *ip = h + ETH_HLEN;

	if (be16_at(h + 12) == ETHERTYPE_IPV4)
		return vn->tx_tso4 && ip[0] == 0x45 && ip[9] == IPPROTO_TCP_NUM &&
		       !(be16_at(ip + 6) & 0x3fff) && be16_at(ip + 2) == total - ETH_HLEN ? 20 : 0;
	if (be16_at(h + 12) == ETHERTYPE_IPV6)
		return vn->tx_tso6 && ip[0] >> 4 == 6 && ip[6] == IPPROTO_TCP_NUM &&
		       be16_at(ip + 4) == total - ETH_HLEN - 40 ? 40 : 0;
	return 0;
}

/* Header bytes of a TCP data segment lwIP may send as part of a large frame
 * (eth + IP + TCP; *iphlen set to the IP part), 0 if it is not one. */
static unsigned tso_segment_hlen(const struct virtio_net *vn, const u8 *h, size_t hl,
				 size_t total, unsigned *iphlen)
{
	const u8 *tcp;
	unsigned thl, ihl;

	if (hl < ETH_HLEN + 40 || !(ihl = tso_ip_hlen(vn, h, total)) ||
	    ETH_HLEN + ihl + 20 > hl)
		return 0;
	tcp = h + ETH_HLEN + ihl;
	thl = (tcp[12] >> 4) * 4u;
	if (thl < 20 || ETH_HLEN + ihl + thl > hl || ETH_HLEN + ihl + thl >= total)
		return 0;
	if ((tcp[13] & ~TCP_FLAG_PSH) != TCP_FLAG_ACK)
		return 0;
	*iphlen = ihl;
	return ETH_HLEN + ihl + thl;
}

static u32 be32_at(const u8 *p)
{
	return (u32)be16_at(p) << 16 | be16_at(p + 2);
}

/* Do the IP headers of a segment (ip) and of the open frame (oip), ihl
 * bytes, match but for the lengths, IPv4's id and checksum? */
static bool tso_ip_matches(const u8 *ip, const u8 *oip, unsigned ihl)
{
	if (ihl == 40) /* IPv6: all but the payload length */
		return !memcmp(ip, oip, 4) && !memcmp(ip + 6, oip + 6, 34);
	return !memcmp(ip, oip, 2) && !memcmp(ip + 6, oip + 6, 4) && !memcmp(ip + 12, oip + 12, 8);
}

/* Does the segment with header h (hlen bytes, payload bytes after) continue
 * the open frame? Every header byte must match but IP length (IPv4: id and
 * checksum), TCP sequence number, flags (PSH) and checksum. */
static bool tso_continues(struct virtio_net *vn, const u8 *h, unsigned hlen, unsigned ihl,
			  size_t payload)
{
	const u8 *o = tso_buf(vn, (unsigned)vn->tso_open) + vn->hdr_len;
	const u8 *ip = h + ETH_HLEN, *oip = o + ETH_HLEN;
	const u8 *tcp = ip + ihl, *otcp = oip + ihl;

	if (hlen != vn->tso_hlen || ihl != vn->tso_iphlen || payload > vn->tso_mss ||
	    vn->hdr_len + vn->tso_len + payload > VNET_TSO_BUF ||
	    be32_at(tcp + 4) != vn->tso_next_seq)
		return false;
	return !memcmp(h, o, ETH_HLEN) && tso_ip_matches(ip, oip, ihl) &&
	       !memcmp(tcp, otcp, 4) && !memcmp(tcp + 8, otcp + 8, 5) &&
	       !memcmp(tcp + 14, otcp + 14, 2) &&
	       !memcmp(tcp + 18, otcp + 18, hlen - ETH_HLEN - ihl - 18);
}

static int tso_get_slot(struct virtio_net *vn)
{
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned k = 0; k < VNET_TSO_SLOTS; k++)
			if (!vn->tso_inflight[k] && (int)k != vn->tso_open)
				return (int)k;
		virtio_net_tx_reclaim(vn);
	}
	return -EAGAIN;
}

/* Set the IP length of the open frame (f, len bytes) to the frame's; IPv4
 * gets its header checksum again. */
static void tso_fix_ip(u8 *f, size_t len, unsigned ihl)
{
	u8 *ip = f + ETH_HLEN;
	size_t n = len - ETH_HLEN - (ihl == 40 ? 40 : 0);
	u16 sum;

	ip[ihl == 40 ? 4 : 2] = (u8)(n >> 8);
	ip[ihl == 40 ? 5 : 3] = (u8)n;
	if (ihl == 40)
		return;
	ip[10] = ip[11] = 0;
	sum = (u16)~csum_fold(csum_add(0, ip, 20));
	ip[10] = (u8)(sum >> 8);
	ip[11] = (u8)sum;
}

/* Publish the open large frame: fix its IP length (and IPv4 checksum),
 * leave the TCP checksum to the device, and ask for segmentation if it
 * holds more than one segment (5.1.6.2: gso_type, gso_size, hdr_len). */
void virtio_net_tso_close(struct virtio_net *vn)
{
	unsigned k = (unsigned)vn->tso_open;
	struct virtio_net_hdr *h;
	u8 *f;

	if (vn->tso_open < 0)
		return;
	vn->tso_open = -1;
	if (vn->dev.dead)
		return;
	h = (void *)tso_buf(vn, k);
	f = tso_buf(vn, k) + vn->hdr_len;
	tso_fix_ip(f, vn->tso_len, vn->tso_iphlen);
	memset(h, 0, vn->hdr_len);
	virtio_net_tx_offload(vn, h, f, vn->tso_len);
	if (vn->tso_segs > 1) {
		h->gso_type = vn->tso_iphlen == 40 ? VIRTIO_NET_HDR_GSO_TCPV6 :
						     VIRTIO_NET_HDR_GSO_TCPV4;
		h->gso_size = (u16)vn->tso_mss;
		h->hdr_len = (u16)vn->tso_hlen;
	}
	vn->txq.desc[vn->tx_nslot + k] = (struct virtq_desc){
		kva_to_pa(h), (u32)(vn->hdr_len + vn->tso_len), 0, 0 };
	vn->tso_inflight[k] = true;
	vn->dev.tx_inflight++;
	virtq_add_avail(&vn->txq, (u16)(vn->tx_nslot + k));
	virtq_publish(&vn->txq);
	vn->tx_unkicked++;
}

/* Take the frame into a large frame if it is a TCP data segment: true if
 * taken (appended to the open frame, or opening one). Frames it does not
 * take go out after the open frame is published (order is kept). */
bool virtio_net_tso_take(struct virtio_net *vn, const struct netdev_frag *frags, unsigned n,
		     size_t total)
{
	u8 h[TSO_HDR_MAX];
	size_t hl = MIN(total, sizeof(h));
	unsigned hlen, ihl = 0;
	size_t payload;
	u8 *o;
	int k;

	frags_copy(h, frags, n, 0, hl);
	hlen = tso_segment_hlen(vn, h, hl, total, &ihl);
	if (!hlen)
		return false;
	payload = total - hlen;
	if (vn->tso_open >= 0 && tso_continues(vn, h, hlen, ihl, payload)) {
		o = tso_buf(vn, (unsigned)vn->tso_open) + vn->hdr_len;
		frags_copy(o + vn->tso_len, frags, n, hlen, payload);
		vn->tso_len += payload;
		vn->tso_segs++;
		vn->tso_next_seq += (u32)payload;
		o[ETH_HLEN + ihl + 13] |= h[ETH_HLEN + ihl + 13] & TCP_FLAG_PSH;
	} else {
		virtio_net_tso_close(vn);
		k = tso_get_slot(vn);
		if (k < 0)
			return false;
		vn->tso_open = k;
		frags_copy(tso_buf(vn, (unsigned)k) + vn->hdr_len, frags, n, 0, total);
		vn->tso_len = total;
		vn->tso_hlen = hlen;
		vn->tso_iphlen = ihl;
		vn->tso_mss = (unsigned)payload;
		vn->tso_segs = 1;
		vn->tso_next_seq = be32_at(h + ETH_HLEN + ihl + 4) + (u32)payload;
	}
	if ((h[ETH_HLEN + ihl + 13] & TCP_FLAG_PSH) || payload < vn->tso_mss)
		virtio_net_tso_close(vn);
	return true;
}
