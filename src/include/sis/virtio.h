/*
 * virtio over MMIO (virtio spec v1.2, 4.2) and split virtqueues (2.7).
 *
 * One struct virtio_mmio per transport slot; both the legacy register layout
 * (version 1, 4.2.4) and the modern one (version 2, 4.2.2) are handled here
 * so device drivers never look at the version. Call order for a driver:
 *
 *	virtio_mmio_probe()          -> device id (0 = empty slot)
 *	virtio_mmio_begin_init()     -> reset, ACKNOWLEDGE, DRIVER
 *	virtio_mmio_negotiate()      -> features (+ FEATURES_OK on modern)
 *	virtq_create() per queue, read config, post buffers
 *	virtio_mmio_driver_ok()
 *	virtio_mmio_fail() instead, on any error after begin_init
 *
 * Errors are -errno: -ENODEV (not a virtio transport), -EIO (the device
 * refused something: features, a queue), -ENOMEM.
 */
#ifndef SIS_VIRTIO_H
#define SIS_VIRTIO_H

#include <sis/types.h>

/* Device IDs (5, "Device Types"). */
#define VIRTIO_ID_NET 1

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* Reserved feature bits (6). */
#define VIRTIO_F_ANY_LAYOUT 27 /* legacy only: no framing assumptions */
#define VIRTIO_F_VERSION_1 32  /* modern device: little-endian, FEATURES_OK */

/* InterruptStatus bits (4.2.2). */
#define VIRTIO_MMIO_INT_VRING 1  /* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG 2 /* configuration change */

#define VIRTIO_FEATURE(bit) (1ULL << (bit))

/* One virtio-mmio transport. */
struct virtio_mmio {
	volatile u8 *regs; /* register window (kernel VA of the MMIO slot) */
	paddr_t base;      /* its physical address, for log lines */
	unsigned intid;    /* GIC INTID of the slot's SPI */
	u32 version;       /* 1 = legacy, 2 = modern */
	u32 device_id;
	u64 features;      /* negotiated feature bits */
};

/* Split virtqueue (2.7): descriptor table, available ring, used ring. */
struct virtq_desc {
	u64 addr; /* guest-physical */
	u32 len;
	u16 flags;
	u16 next;
};
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

struct virtq_avail {
	u16 flags;
	u16 idx;
	u16 ring[];
};
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

struct virtq_used_elem {
	u32 id; /* head of the used descriptor chain */
	u32 len; /* bytes the device wrote */
};

struct virtq_used {
	u16 flags;
	u16 idx;
	struct virtq_used_elem ring[];
};

/*
 * A virtqueue as the driver sees it. The three parts live in one zeroed,
 * physically contiguous block laid out the legacy way (2.7.2: descriptors,
 * available ring, padding to 4096, used ring), which also satisfies the
 * modern alignment rules, so both transports share it.
 */
struct virtq {
	struct virtio_mmio *vm;  /* transport, for notify */
	u16 index;               /* queue number on the device */
	u16 num;                 /* queue size (power of two) */
	struct virtq_desc *desc; /* driver-written descriptor table */
	struct virtq_avail *avail; /* driver-written */
	volatile struct virtq_used *used; /* device-written */
	u16 avail_idx;           /* next avail idx the driver publishes */
	u16 last_used;           /* used idx up to which entries were consumed */
	void *mem;               /* the block (page_alloc), freed by virtq_destroy */
	unsigned mem_order;
};

/* Returns the device id (0 for an empty slot) or -ENODEV. Fills vm. */
int virtio_mmio_probe(struct virtio_mmio *vm, paddr_t base, unsigned intid);
/* Reset, then ACKNOWLEDGE | DRIVER (3.1.1 steps 1-3). 0 or -EIO. */
int virtio_mmio_begin_init(struct virtio_mmio *vm);
/*
 * Accept wanted & offered features (plus VERSION_1 on modern devices, which
 * is required there); on modern, set FEATURES_OK and check the device kept
 * it (3.1.1 steps 4-6). Result in vm->features. 0 or -EIO.
 */
int virtio_mmio_negotiate(struct virtio_mmio *vm, u64 wanted);
/* The device's feature bits (3.1.1 step 4), for features that depend on
 * each other; call between begin_init and negotiate. */
u64 virtio_mmio_offered(struct virtio_mmio *vm);
static inline bool virtio_has(const struct virtio_mmio *vm, unsigned bit)
{
	return vm->features & VIRTIO_FEATURE(bit);
}
void virtio_mmio_driver_ok(struct virtio_mmio *vm);
/* Give up on the device: set FAILED (3.1.1 step 8 alternative). */
void virtio_mmio_fail(struct virtio_mmio *vm);
/* Reset the device (status 0): it stops using every queue. */
void virtio_mmio_reset(struct virtio_mmio *vm);
u32 virtio_mmio_status(struct virtio_mmio *vm);
/*
 * Device configuration reads, consistent across a ConfigGeneration change
 * on modern devices (4.2.2, 2.5.1): a byte array (8-bit accesses) or one
 * aligned 16-bit field (4.2.2.2: fields are read with their own width).
 */
void virtio_mmio_read_config(struct virtio_mmio *vm, unsigned off, void *buf, unsigned len);
u16 virtio_mmio_config16(struct virtio_mmio *vm, unsigned off);
/* Read and acknowledge InterruptStatus; returns the bits (IRQ context). */
u32 virtio_mmio_ack_interrupt(struct virtio_mmio *vm);

/*
 * Set up queue index with at most max_num entries (the device may offer
 * fewer; the result is a power of two >= 2). 0, -ENOENT (no such queue),
 * -EIO or -ENOMEM.
 */
int virtq_create(struct virtq *vq, struct virtio_mmio *vm, u16 index, u16 max_num);
/* Free the ring memory; the device must be reset first. */
void virtq_destroy(struct virtq *vq);
/* Make a chain head available (2.7.13.2); visible after virtq_publish. */
void virtq_add_avail(struct virtq *vq, u16 head);
/* Publish added heads (barrier + idx update, 2.7.13.3). */
void virtq_publish(struct virtq *vq);
/* Notify the device of new buffers (2.7.13.4, 4.2.3.3). */
void virtq_notify(struct virtq *vq);
/*
 * Used-buffer notification suppression without EVENT_IDX (2.7.7): the flag
 * is advisory. virtq_enable_interrupts() returns true if buffers were used
 * meanwhile (the caller must process them: no interrupt will come for those).
 */
void virtq_disable_interrupts(struct virtq *vq);
bool virtq_enable_interrupts(struct virtq *vq);
/* Number of used entries not yet consumed; -EIO if the device's idx is
 * impossible (ran more than a ring ahead). */
int virtq_used_pending(struct virtq *vq);
/* The next unconsumed used entry (call only when pending > 0). */
struct virtq_used_elem virtq_peek_used(struct virtq *vq, unsigned ahead);
static inline void virtq_consume_used(struct virtq *vq, unsigned n)
{
	vq->last_used = (u16)(vq->last_used + n);
}

#endif
