/*
 * virtio-net driver.
 *
 * Device: virtio network device (virtio spec v1.2, 5.1) on the virtio-mmio
 * transport (virtio_mmio.c), legacy or modern. QEMU:
 *   -netdev user,id=n0 -device virtio-net-device,netdev=n0[,bus=virtio-mmio-bus.0]
 *   [-global virtio-mmio.force-legacy=false]   (modern transport)
 *   [-global virtio-net-device.mrg_rxbuf=off]  (10-byte legacy header)
 *   [-global virtio-net-device.any_layout=off] (legacy split framing)
 *
 * What it does: one RX and one TX split virtqueue of up to 256 entries
 * (5.1.2: queues 0 and 1). Half of the RX queue, 128 buffers of 2 KiB, is
 * posted at start and every buffer is reposted as soon as its frame has been
 * copied up the stack; TX copies each frame into one of 128 2 KiB slots and
 * reclaims slots from the used ring when the network softirq polls, or when
 * xmit finds no free slot (never by waiting for the device; TX completions
 * do not interrupt). When RX interrupts are on or off is the network core's
 * decision (NAPI-style, netdev.h): the driver only exposes irq_disable and
 * irq_enable (used-buffer notification suppression, 2.7.7). Features:
 * MAC (5.1.4), STATUS (link state, config-change interrupt), MRG_RXBUF
 * (num_buffers, 5.1.6.4), VERSION_1 on modern transports, ANY_LAYOUT on legacy
 * ones; without ANY_LAYOUT the header gets its own descriptor (5.1.6.6 legacy
 * framing). The header is 12 bytes with VERSION_1 or MRG_RXBUF, else 10.
 * CSUM and GUEST_CSUM (5.1.6.2, 5.1.6.4), when the device offers them (QEMU
 * does on a tap with a vnet header, not on user networking): TCP frames go
 * out with NEEDS_CSUM and the pseudo-header sum in their checksum field, so
 * the stack computes no TCP checksum (netdev.h NETDEV_F_TX_TCP_CSUM); a
 * received frame marked DATA_VALID, or NEEDS_CSUM (a host's own packet whose
 * checksum was never computed: the tap hands it over as partial), is passed
 * up as verified and the stack skips its TCP/UDP check (NETDEV_RX_CSUM_OK).
 * UDP keeps the stack's own checksum on transmit: lwIP fragments a large
 * datagram after the checksum step, and a fragment cannot be offloaded.
 * GUEST_TSO4 and GUEST_TSO6 (5.1.6.4, with GUEST_CSUM and MRG_RXBUF only):
 * the host may hand us an IPv4 or IPv6 TCP segment of up to 64 KiB (one
 * frame instead of ~45, which is what QEMU's per-frame work on a tap costs:
 * without GUEST_TSO6 an IPv6 download ran at a tenth of the IPv4 one,
 * bench/RESULTS.md); it spans up to 34 merged buffers and goes up as one segment (NETDEV_RX_GSO), lwIP taking
 * segments longer than its MSS as they come.
 * Receive filtering: CTRL_VQ/CTRL_RX (5.1.6.5.1) are not negotiated, so the
 * device's filter is never programmed and it delivers every frame it gets
 * (QEMU starts a virtio-net device promiscuous, "for compatibility"), which
 * includes IPv4 (01:00:5e) and IPv6 (33:33) multicast: group membership is
 * the stack's own decision (IGMP and MLD in lwIP, src/net/sock_mcast.c).
 *
 * Trust: the used rings are device input. An id that was never posted, a
 * length past the buffer, or a num_buffers that cannot be right is logged
 * (rate-limited) and the frame dropped, as is a header with a gso_type we
 * never negotiated or a NEEDS_CSUM whose csum_start/csum_offset point outside
 * the frame; a used idx that runs more than a ring
 * ahead, or DEVICE_NEEDS_RESET, marks the device dead: it is reset (so it stops
 * touching our memory), its link goes down and the kernel carries on.
 *
 * HOST_TSO4 and HOST_TSO6 (5.1.6.2, with CSUM; not with the legacy split
 * framing): lwIP never builds a segment longer than its MSS, so the driver
 * gathers the back-to-back segments of one connection into one frame of up
 * to 64 KiB that the device cuts again. The offloads live in virtio_net_offload.c.
 *
 * Not done: GUEST_ECN, the control queue,
 * multiqueue, EVENT_IDX (tried: no gain, bench/RESULTS.md), restarting a
 * dead device.
 *
 * Context: the interrupt handler only acknowledges the device and raises
 * SOFTIRQ_NET (netdev_irq); poll/xmit/flush run in the network softirq or
 * under net_lock() (see netdev.h), never concurrently.
 */
#include <sis/kernel.h>
#include <sis/virtio.h>
#include <sis/netdev.h>
#include <sis/devtree.h>
#include <sis/init.h>
#include <sis/irq.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/timer.h>
#include <stdarg.h>

#include "virtio_net.h"

/* Log device misbehaviour: the first 16 times, then every 1024th. */
void virtio_net_warn(struct virtio_net *vn, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	if (vn->warnings++ >= 16 && vn->warnings % 1024 != 0)
		return;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("virtio-net: %s: %s (%u so far)", vn->dev.name, msg, vn->warnings);
}

/* Give up on the device: stop it touching our memory, take the link down. */
static void virtio_net_broken(struct virtio_net *vn, const char *why)
{
	if (vn->dev.dead)
		return;
	log_err("virtio-net: %s at 0x%08lx: %s; device disabled", vn->dev.name,
		(unsigned long)vn->vm.base, why);
	virtio_mmio_reset(&vn->vm);
	vn->dev.dead = true;
	vn->dev.link_up = false;
}

static u8 *rx_buf(struct virtio_net *vn, unsigned i)
{
	return vn->rx_bufs + (size_t)i * VNET_BUF_SIZE;
}

static u8 *tx_buf(struct virtio_net *vn, unsigned j)
{
	return vn->tx_bufs + (size_t)j * VNET_BUF_SIZE;
}

/* Describe a buffer as one descriptor, or header + rest when split_hdr. */
static void fill_desc(struct virtio_net *vn, struct virtq *vq, unsigned head, unsigned tail,
		      u8 *buf, u32 len, u16 write)
{
	struct virtq_desc *d = &vq->desc[head];

	if (!vn->split_hdr) {
		*d = (struct virtq_desc){ kva_to_pa(buf), len, write, 0 };
		return;
	}
	*d = (struct virtq_desc){ kva_to_pa(buf), vn->hdr_len, write | VIRTQ_DESC_F_NEXT,
				  (u16)tail };
	vq->desc[tail] = (struct virtq_desc){ kva_to_pa(buf + vn->hdr_len), len - vn->hdr_len,
					      write, 0 };
}

static void rx_post(struct virtio_net *vn, unsigned i)
{
	fill_desc(vn, &vn->rxq, i, i + vn->rx_nbuf, rx_buf(vn, i), VNET_BUF_SIZE,
		  VIRTQ_DESC_F_WRITE);
	vn->rx_posted[i] = true;
	virtq_add_avail(&vn->rxq, (u16)i);
	vn->rx_to_publish++;
}

static void rx_publish(struct virtio_net *vn)
{
	if (!vn->rx_to_publish)
		return;
	virtq_publish(&vn->rxq);
	virtq_notify(&vn->rxq);
	vn->rx_to_publish = 0;
}

/* A used RX entry is acceptable if it names a buffer the device owns and
 * fits in it (2.7.8: len is what the device wrote). */
static bool rx_entry_ok(struct virtio_net *vn, struct virtq_used_elem e, bool first)
{
	if (e.id >= vn->rx_nbuf || !vn->rx_posted[e.id]) {
		virtio_net_warn(vn, "RX used id %u was never posted", e.id);
		return false;
	}
	if (e.len > VNET_BUF_SIZE || (first && e.len < vn->hdr_len)) {
		virtio_net_warn(vn, "RX used len %u outside buffer (0..%u)", e.len, VNET_BUF_SIZE);
		return false;
	}
	return true;
}

/* How many used entries the frame starting at e spans, 0 if malformed. */
static unsigned rx_frame_buffers(struct virtio_net *vn, struct virtq_used_elem e)
{
	const struct virtio_net_hdr *h = (const void *)rx_buf(vn, e.id);
	unsigned n;

	if (!vn->merged_rx)
		return 1;
	n = h->num_buffers; /* 5.1.6.4: valid only in the first buffer */
	if (n == 0 || n > VNET_MAX_FRAGS || n > vn->rx_nbuf) {
		virtio_net_warn(vn, "RX num_buffers %u impossible", n);
		return 0;
	}
	return n;
}

/*
 * Hand up the frame whose first used entry is next, spanning nbufs entries
 * (all present), then repost its buffers. Malformed frames are dropped.
 */
static void rx_take_frame(struct virtio_net *vn, unsigned nbufs)
{
	struct netdev_frag frags[VNET_MAX_FRAGS];
	bool ok = true;
	size_t total = 0;
	int rx_flags = 0;

	for (unsigned k = 0; k < nbufs; k++) {
		struct virtq_used_elem e = virtq_peek_used(&vn->rxq, k);
		unsigned skip = k == 0 ? vn->hdr_len : 0;

		if (!rx_entry_ok(vn, e, k == 0)) {
			ok = false;
			continue; /* never posted: nothing to repost */
		}
		frags[k] = (struct netdev_frag){ rx_buf(vn, e.id) + skip, e.len - skip };
		total += e.len - skip;
		vn->rx_posted[e.id] = false;
	}
	if (ok && total < ETH_HLEN) {
		virtio_net_warn(vn, "RX runt frame of %zu bytes", total);
		ok = false;
	}
	if (ok) {
		u32 head = virtq_peek_used(&vn->rxq, 0).id;

		rx_flags = virtio_net_rx_offload(vn, (const void *)rx_buf(vn, head),
					   rx_buf(vn, head) + vn->hdr_len, frags[0].len, total);
		ok = rx_flags >= 0;
	}
	if (ok) {
		vn->dev.stats.rx_packets++;
		vn->dev.stats.rx_bytes += total;
		netdev_receive(&vn->dev, frags, nbufs, (unsigned)rx_flags);
	} else {
		vn->dev.stats.rx_errors++;
	}
	for (unsigned k = 0; k < nbufs; k++) {
		u32 id = virtq_peek_used(&vn->rxq, k).id;
		if (id < vn->rx_nbuf && !vn->rx_posted[id])
			rx_post(vn, id);
	}
	virtq_consume_used(&vn->rxq, nbufs);
}

/* Drop a malformed first entry: repost its buffer if it is one of ours. */
static void rx_drop_entry(struct virtio_net *vn, struct virtq_used_elem e)
{
	vn->dev.stats.rx_errors++;
	if (e.id < vn->rx_nbuf && vn->rx_posted[e.id]) {
		vn->rx_posted[e.id] = false;
		rx_post(vn, e.id);
	}
	virtq_consume_used(&vn->rxq, 1);
}

/* Pass up to budget received frames up the stack; returns how many (budget
 * means: call again). Interrupts are the core's business (netdev.h). */
static unsigned rx_poll(struct virtio_net *vn, unsigned budget)
{
	unsigned done = 0;
	int pending = virtq_used_pending(&vn->rxq);

	if (pending < 0) {
		virtio_net_broken(vn, "RX used idx ran ahead of the ring");
		return 0;
	}
	while (pending > 0 && done < budget) {
		struct virtq_used_elem e = virtq_peek_used(&vn->rxq, 0);
		unsigned nbufs = rx_entry_ok(vn, e, true) ? rx_frame_buffers(vn, e) : 0;

		if (nbufs == 0) {
			rx_drop_entry(vn, e);
			pending--;
			continue;
		}
		if ((int)nbufs > pending)
			break; /* the rest of the frame is not published yet */
		rx_take_frame(vn, nbufs);
		pending -= (int)nbufs;
		done++;
	}
	rx_publish(vn);
	return done;
}

/* Take back TX slots the device has finished with (2.7.14). */
void virtio_net_tx_reclaim(struct virtio_net *vn)
{
	int pending = virtq_used_pending(&vn->txq);

	if (pending < 0) {
		virtio_net_broken(vn, "TX used idx ran ahead of the ring");
		return;
	}
	for (int k = 0; k < pending; k++) {
		u32 id = virtq_peek_used(&vn->txq, (unsigned)k).id;

		if (id >= vn->tx_nslot && id < vn->tx_nslot + VNET_TSO_SLOTS && vn->tx_tso &&
		    vn->tso_inflight[id - vn->tx_nslot]) {
			vn->tso_inflight[id - vn->tx_nslot] = false;
			vn->dev.tx_inflight--;
			continue;
		}
		if (id >= vn->tx_nslot || !vn->tx_inflight[id]) {
			virtio_net_warn(vn, "TX used id %u was never posted", id);
			continue;
		}
		vn->tx_inflight[id] = false;
		vn->tx_free[vn->tx_nfree++] = (u16)id;
		vn->dev.tx_inflight--;
	}
	virtq_consume_used(&vn->txq, (unsigned)pending);
	if (pending > 0) {
		vn->tx_progress_ns = time_coarse_ns();
		vn->tx_stall_logged = false;
	}
}

/* Configuration change (4.2.2 InterruptStatus bit 1): link state, reset. */
static void virtio_net_config_changed(struct virtio_net *vn)
{
	if (virtio_mmio_status(&vn->vm) & VIRTIO_STATUS_NEEDS_RESET) {
		virtio_net_broken(vn, "device needs reset");
		return;
	}
	if (!virtio_has(&vn->vm, VIRTIO_NET_F_STATUS))
		return;
	vn->dev.link_up = virtio_mmio_config16(&vn->vm, VNET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP;
}

static int virtio_net_poll(struct netdev *dev, unsigned budget)
{
	struct virtio_net *vn = dev->priv;
	unsigned long flags = irq_save();
	u32 isr = vn->isr_pending;

	vn->isr_pending = 0;
	irq_restore(flags);
	if (isr & VIRTIO_MMIO_INT_CONFIG)
		virtio_net_config_changed(vn);
	if (dev->dead)
		return 0;
	virtio_net_tx_reclaim(vn);
	if (dev->dead)
		return 0;
	return (int)rx_poll(vn, budget);
}

static void virtio_net_flush(struct netdev *dev)
{
	struct virtio_net *vn = dev->priv;

	virtio_net_tso_close(vn);
	if (!vn->tx_unkicked || dev->dead)
		return;
	virtq_notify(&vn->txq);
	vn->tx_unkicked = 0;
}

static int tx_get_slot(struct virtio_net *vn)
{
	if (!vn->tx_nfree)
		virtio_net_tx_reclaim(vn);
	if (vn->tx_nfree)
		return vn->tx_free[--vn->tx_nfree];
	/* A device that stops answering: frames are dropped (lwIP retries
	 * TCP), the stall is logged once, and we keep polling. */
	if (!vn->tx_stall_logged && time_coarse_ns() - vn->tx_progress_ns > VNET_TX_STALL_NS) {
		log_warn("virtio-net: %s: TX ring full, no completion for 5 s", vn->dev.name);
		vn->tx_stall_logged = true;
	}
	return -EAGAIN;
}

/* Copy the fragments behind a zeroed header (5.1.6.2: no offload asked;
 * tx_offload may ask for one). */
static size_t tx_copy(struct virtio_net *vn, u8 *buf, const struct netdev_frag *frags,
		      unsigned n)
{
	size_t off = vn->hdr_len;

	memset(buf, 0, vn->hdr_len);
	for (unsigned i = 0; i < n; i++) {
		memcpy(buf + off, frags[i].data, frags[i].len);
		off += frags[i].len;
	}
	return off;
}

static int virtio_net_xmit(struct netdev *dev, const struct netdev_frag *frags, unsigned n)
{
	struct virtio_net *vn = dev->priv;
	size_t total = 0, len;
	int slot;

	for (unsigned i = 0; i < n; i++)
		total += frags[i].len;
	if (dev->dead)
		return -EIO;
	if (total > VNET_BUF_SIZE - vn->hdr_len || total < ETH_HLEN) {
		dev->stats.tx_errors++;
		return -EMSGSIZE;
	}
	if (vn->tx_tso && virtio_net_tso_take(vn, frags, n, total)) {
		dev->stats.tx_packets++;
		dev->stats.tx_bytes += total;
		if (vn->tx_unkicked >= VNET_TX_KICK_BATCH)
			virtio_net_flush(dev);
		return 0;
	}
	virtio_net_tso_close(vn);
	slot = tx_get_slot(vn);
	if (slot < 0) {
		dev->stats.tx_busy++;
		return slot;
	}
	len = tx_copy(vn, tx_buf(vn, slot), frags, n);
	virtio_net_tx_offload(vn, (void *)tx_buf(vn, slot), tx_buf(vn, slot) + vn->hdr_len, total);
	fill_desc(vn, &vn->txq, (unsigned)slot, (unsigned)slot + vn->tx_nslot, tx_buf(vn, slot),
		  (u32)len, 0);
	vn->tx_inflight[slot] = true;
	dev->tx_inflight++;
	virtq_add_avail(&vn->txq, (u16)slot);
	virtq_publish(&vn->txq);
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += total;
	if (++vn->tx_unkicked >= VNET_TX_KICK_BATCH)
		virtio_net_flush(dev);
	return 0;
}

static void virtio_net_irq_disable(struct netdev *dev)
{
	struct virtio_net *vn = dev->priv;

	virtq_disable_interrupts(&vn->rxq);
}

/* Interrupts back on, then the ring once more for what arrived while they
 * were off (2.7.7: the flag is advisory and racy without EVENT_IDX). */
static bool virtio_net_irq_enable(struct netdev *dev)
{
	struct virtio_net *vn = dev->priv;

	return !dev->dead && virtq_enable_interrupts(&vn->rxq);
}

static const struct netdev_ops virtio_net_ops = {
	.poll = virtio_net_poll,
	.xmit = virtio_net_xmit,
	.flush = virtio_net_flush,
	.irq_disable = virtio_net_irq_disable,
	.irq_enable = virtio_net_irq_enable,
};

static void virtio_net_irq(unsigned intid, void *arg)
{
	struct virtio_net *vn = arg;
	u32 isr = virtio_mmio_ack_interrupt(&vn->vm);

	(void)intid;
	if (!isr)
		return;
	vn->isr_pending |= isr;
	netdev_irq(&vn->dev);
}

static unsigned pool_order(unsigned nbuf)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < (size_t)nbuf * VNET_BUF_SIZE)
		order++;
	return order;
}

/* Buffers and queues; on failure everything allocated here is freed. */
static int virtio_net_setup_queues(struct virtio_net *vn)
{
	int err;

	err = virtq_create(&vn->rxq, &vn->vm, RX_QUEUE, VNET_QUEUE_SIZE);
	if (err)
		return err;
	err = virtq_create(&vn->txq, &vn->vm, TX_QUEUE, VNET_QUEUE_SIZE);
	if (err)
		goto out_free_rxq;
	err = -EIO;
	vn->rx_nbuf = vn->rxq.num / 2;
	vn->tx_nslot = vn->txq.num / 2;
	if (vn->rx_nbuf < 4 || vn->tx_nslot < 4)
		goto out_free_txq;
	err = -ENOMEM;
	vn->rx_bufs_order = pool_order(vn->rx_nbuf);
	vn->rx_bufs = page_alloc(vn->rx_bufs_order);
	if (!vn->rx_bufs)
		goto out_free_txq;
	vn->tx_bufs_order = pool_order(vn->tx_nslot);
	vn->tx_bufs = page_alloc(vn->tx_bufs_order);
	if (!vn->tx_bufs)
		goto out_free_rx_bufs;
	return 0;

out_free_rx_bufs:
	page_free(vn->rx_bufs, vn->rx_bufs_order);
out_free_txq:
	virtq_destroy(&vn->txq);
out_free_rxq:
	virtq_destroy(&vn->rxq);
	return err;
}

/* HOST_TSO4/6's buffers (one block of VNET_TSO_SLOTS); without them, or with
 * the legacy split framing, large frames are simply not used. */
static void virtio_net_setup_tso(struct virtio_net *vn)
{
	vn->tso_open = -1;
	vn->tx_tso4 = virtio_has(&vn->vm, VIRTIO_NET_F_HOST_TSO4);
	vn->tx_tso6 = virtio_has(&vn->vm, VIRTIO_NET_F_HOST_TSO6);
	if (!(vn->tx_tso4 || vn->tx_tso6) || vn->split_hdr ||
	    vn->txq.num < vn->tx_nslot + VNET_TSO_SLOTS)
		return;
	vn->tso_bufs_order = 0;
	while ((PAGE_SIZE << vn->tso_bufs_order) < (size_t)VNET_TSO_SLOTS * VNET_TSO_BUF)
		vn->tso_bufs_order++;
	vn->tso_bufs = page_alloc(vn->tso_bufs_order);
	vn->tx_tso = vn->tso_bufs != NULL;
}

static void virtio_net_free_queues(struct virtio_net *vn)
{
	if (vn->tso_bufs)
		page_free(vn->tso_bufs, vn->tso_bufs_order);
	page_free(vn->tx_bufs, vn->tx_bufs_order);
	page_free(vn->rx_bufs, vn->rx_bufs_order);
	virtq_destroy(&vn->txq);
	virtq_destroy(&vn->rxq);
}

static void virtio_net_read_mac(struct virtio_net *vn)
{
	static u8 next_local = 1;

	if (virtio_has(&vn->vm, VIRTIO_NET_F_MAC)) {
		virtio_mmio_read_config(&vn->vm, VNET_CFG_MAC, vn->dev.mac, ETH_ALEN);
		return;
	}
	/* 5.1.5: without MAC the driver picks one: locally administered. */
	memcpy(vn->dev.mac, (u8[]){ 0x02, 0x53, 0x49, 0x53, 0x00, next_local++ }, ETH_ALEN);
}

static void virtio_net_negotiated(struct virtio_net *vn)
{
	bool v1 = virtio_has(&vn->vm, VIRTIO_F_VERSION_1);

	vn->merged_rx = virtio_has(&vn->vm, VIRTIO_NET_F_MRG_RXBUF);
	vn->tx_csum = virtio_has(&vn->vm, VIRTIO_NET_F_CSUM);
	vn->rx_csum = virtio_has(&vn->vm, VIRTIO_NET_F_GUEST_CSUM);
	vn->rx_tso4 = virtio_has(&vn->vm, VIRTIO_NET_F_GUEST_TSO4);
	vn->rx_tso6 = virtio_has(&vn->vm, VIRTIO_NET_F_GUEST_TSO6);
	vn->dev.features = (vn->tx_csum ? NETDEV_F_TX_TCP_CSUM : 0) |
			   (vn->rx_csum ? NETDEV_F_RX_CSUM : 0);
	vn->hdr_len = (v1 || vn->merged_rx) ? 12 : 10;
	vn->split_hdr = !v1 && !virtio_has(&vn->vm, VIRTIO_F_ANY_LAYOUT);
	vn->dev.link_up = true;
	vn->dev.mtu = ETH_DATA_LEN;
	vn->dev.base = vn->vm.base;
	vn->dev.ops = &virtio_net_ops;
	vn->dev.priv = vn;
	virtio_net_read_mac(vn);
	if (virtio_has(&vn->vm, VIRTIO_NET_F_STATUS))
		vn->dev.link_up = virtio_mmio_config16(&vn->vm, VNET_CFG_STATUS) &
				  VIRTIO_NET_S_LINK_UP;
}

/* Post every RX buffer and mark every TX slot free. */
static void virtio_net_fill_rings(struct virtio_net *vn)
{
	for (unsigned i = 0; i < vn->rx_nbuf; i++)
		rx_post(vn, i);
	virtq_publish(&vn->rxq);
	vn->rx_to_publish = 0;
	for (unsigned j = 0; j < vn->tx_nslot; j++)
		vn->tx_free[j] = (u16)(vn->tx_nslot - 1 - j);
	vn->tx_nfree = vn->tx_nslot;
	vn->tx_progress_ns = time_coarse_ns();
	/* No TX-completion interrupts: slots are reclaimed when the softirq
	 * polls and when xmit runs short; lwIP's timers keep the softirq
	 * running while TCP has data in flight. */
	virtq_disable_interrupts(&vn->txq);
}

/*
 * The features we ask for. GUEST_TSO4/6 only with GUEST_CSUM (5.1.3.1: the
 * driver MUST NOT accept them without) and MRG_RXBUF: without mergeable
 * buffers a large segment needs 64 KiB receive buffers (5.1.6.3.1).
 */
static u64 virtio_net_wanted(struct virtio_mmio *vm)
{
	u64 wanted = VIRTIO_FEATURE(VIRTIO_NET_F_MAC) | VIRTIO_FEATURE(VIRTIO_NET_F_STATUS) |
		     VIRTIO_FEATURE(VIRTIO_NET_F_MRG_RXBUF) | VIRTIO_FEATURE(VIRTIO_F_ANY_LAYOUT) |
		     VIRTIO_FEATURE(VIRTIO_NET_F_CSUM) | VIRTIO_FEATURE(VIRTIO_NET_F_GUEST_CSUM);
	u64 needs = VIRTIO_FEATURE(VIRTIO_NET_F_GUEST_CSUM) | VIRTIO_FEATURE(VIRTIO_NET_F_MRG_RXBUF);
	u64 offered = virtio_mmio_offered(vm);

	if ((offered & needs) == needs)
		wanted |= VIRTIO_FEATURE(VIRTIO_NET_F_GUEST_TSO4) |
			  VIRTIO_FEATURE(VIRTIO_NET_F_GUEST_TSO6);
	if (offered & VIRTIO_FEATURE(VIRTIO_NET_F_CSUM)) /* 5.1.3.1: TSO4/6 need CSUM */
		wanted |= VIRTIO_FEATURE(VIRTIO_NET_F_HOST_TSO4) |
			  VIRTIO_FEATURE(VIRTIO_NET_F_HOST_TSO6);
	return wanted;
}

/* 3.1.1 initialization sequence for one virtio-net device. */
static int virtio_net_init_device(struct virtio_net *vn)
{
	int err;

	err = virtio_mmio_begin_init(&vn->vm);
	if (!err)
		err = virtio_mmio_negotiate(&vn->vm, virtio_net_wanted(&vn->vm));
	if (err)
		goto out_fail;
	virtio_net_negotiated(vn);
	err = virtio_net_setup_queues(vn);
	if (err)
		goto out_fail;
	virtio_net_setup_tso(vn);
	virtio_net_fill_rings(vn);
	err = irq_register(vn->vm.intid, virtio_net_irq, vn, false);
	if (err)
		goto out_free_queues;
	virtio_mmio_driver_ok(&vn->vm);
	virtq_notify(&vn->rxq); /* 4.2.3.3: buffers are there */
	return 0;

out_free_queues:
	virtio_mmio_reset(&vn->vm);
	virtio_net_free_queues(vn);
out_fail:
	virtio_mmio_fail(&vn->vm);
	return err;
}

static int virtio_net_attach(const struct virtio_mmio *vm)
{
	struct virtio_net *vn = kzalloc(sizeof(*vn));
	char mac[18];
	int err;

	if (!vn)
		return -ENOMEM;
	vn->vm = *vm;
	err = virtio_net_init_device(vn);
	if (err)
		goto out_free;
	err = netdev_register(&vn->dev);
	if (err)
		goto out_stop;
	netdev_format_mac(vn->dev.mac, mac);
	log_info("virtio-net: Registered %s (MAC: %s)", vn->dev.name, mac);
	log_debug("virtio-net: %s: %s transport, queues %u/%u, header %u bytes%s%s%s%s%s%s%s%s",
		  vn->dev.name, vm->version == 1 ? "legacy" : "modern", vn->rxq.num,
		  vn->txq.num, vn->hdr_len, vn->merged_rx ? ", mergeable RX" : "",
		  vn->split_hdr ? ", split header" : "", vn->tx_csum ? ", TX checksum offload" : "",
		  vn->rx_csum ? ", RX checksum offload" : "", vn->rx_tso4 ? ", large receive" : "",
		  vn->tx_tso && vn->tx_tso4 ? ", large send" : "",
		  vn->rx_tso6 ? ", IPv6 large receive" : "",
		  vn->tx_tso && vn->tx_tso6 ? ", IPv6 large send" : "");
	return 0;

out_stop:
	irq_unregister(vn->vm.intid);
	virtio_mmio_reset(&vn->vm);
	virtio_net_free_queues(vn);
out_free:
	kfree(vn);
	return err;
}

/* INIT_DEV: find every virtio-net device in the device tree, in address order. */
static int virtio_net_probe_all(void)
{
	log_info("NET: PROBING VIRTIO-NET DEVICES");
	for (int i = 0; i < boot_dt.n_virtio; i++) {
		const struct dt_virtio_mmio *slot = &boot_dt.virtio[i];
		struct virtio_mmio vm;
		int err;

		if (virtio_mmio_probe(&vm, slot->reg.base, slot->intid) != VIRTIO_ID_NET)
			continue;
		log_info("virtio-net: Found network device at 0x%08lx",
			 (unsigned long)slot->reg.base);
		err = virtio_net_attach(&vm);
		if (err)
			log_err("virtio-net: device at 0x%08lx not usable (%d)",
				(unsigned long)slot->reg.base, err);
	}
	log_info("NET: DRIVER READY");
	return 0;
}
INITCALL(INIT_DEV, virtio_net_probe_all);
