/*
 * virtio-mmio transport and split virtqueues.
 *
 * Device: the virtio-mmio slots of QEMU `virt` (32 of them from 0x0a000000,
 * found through the device tree). Spec: virtio v1.2, 4.2 (MMIO transport:
 * 4.2.2 register layout, 4.2.3 initialization, 4.2.4 legacy interface),
 * 3.1 (device initialization), 2.7 (split virtqueues).
 *
 * Both register layouts work: legacy (Version 1: GuestPageSize, QueuePFN,
 * QueueAlign, no FEATURES_OK) and modern (Version 2: QueueDesc/Driver/Device
 * address pairs, QueueReady, FEATURES_OK). QEMU exposes legacy transports
 * unless started with `-global virtio-mmio.force-legacy=false`.
 *
 * Not done: packed virtqueues, VIRTIO_F_EVENT_IDX, indirect descriptors,
 * shared-memory regions, the Version 2 queue-reset register. Memory is
 * assumed coherent with the device and untranslated (QEMU virt has no IOMMU):
 * ring addresses are kva_to_pa() of page_alloc() blocks.
 */
#include <sis/kernel.h>
#include <sis/virtio.h>
#include <sis/mm.h>
#include <sis/arch.h>
#include <sis/log.h>
#include <sis/timer.h>

/* Registers (4.2.2; legacy-only ones from 4.2.4). */
#define VM_MAGIC 0x000
#define VM_VERSION 0x004
#define VM_DEVICE_ID 0x008
#define VM_DEVICE_FEATURES 0x010
#define VM_DEVICE_FEATURES_SEL 0x014
#define VM_DRIVER_FEATURES 0x020
#define VM_DRIVER_FEATURES_SEL 0x024
#define VM_GUEST_PAGE_SIZE 0x028 /* legacy */
#define VM_QUEUE_SEL 0x030
#define VM_QUEUE_NUM_MAX 0x034
#define VM_QUEUE_NUM 0x038
#define VM_QUEUE_ALIGN 0x03c /* legacy */
#define VM_QUEUE_PFN 0x040   /* legacy */
#define VM_QUEUE_READY 0x044
#define VM_QUEUE_NOTIFY 0x050
#define VM_INTERRUPT_STATUS 0x060
#define VM_INTERRUPT_ACK 0x064
#define VM_STATUS 0x070
#define VM_QUEUE_DESC_LOW 0x080
#define VM_QUEUE_DESC_HIGH 0x084
#define VM_QUEUE_DRIVER_LOW 0x090
#define VM_QUEUE_DRIVER_HIGH 0x094
#define VM_QUEUE_DEVICE_LOW 0x0a0
#define VM_QUEUE_DEVICE_HIGH 0x0a4
#define VM_CONFIG_GENERATION 0x0fc
#define VM_CONFIG 0x100

#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt" */
#define LEGACY_PAGE_SIZE 4096        /* GuestPageSize and QueueAlign we use */
#define RESET_TIMEOUT_US 100000

static inline u32 mmio_read(struct virtio_mmio *vm, unsigned off)
{
	return *(volatile u32 *)(vm->regs + off);
}

static inline void mmio_write(struct virtio_mmio *vm, unsigned off, u32 v)
{
	*(volatile u32 *)(vm->regs + off) = v;
}

int virtio_mmio_probe(struct virtio_mmio *vm, paddr_t base, unsigned intid)
{
	*vm = (struct virtio_mmio){ .regs = pa_to_kva(base), .base = base, .intid = intid };
	if (mmio_read(vm, VM_MAGIC) != VIRTIO_MMIO_MAGIC)
		return -ENODEV;
	vm->version = mmio_read(vm, VM_VERSION);
	if (vm->version != 1 && vm->version != 2)
		return -ENODEV;
	vm->device_id = mmio_read(vm, VM_DEVICE_ID);
	return (int)vm->device_id;
}

u32 virtio_mmio_status(struct virtio_mmio *vm)
{
	return mmio_read(vm, VM_STATUS);
}

static void set_status(struct virtio_mmio *vm, u32 bits)
{
	mmio_write(vm, VM_STATUS, mmio_read(vm, VM_STATUS) | bits);
}

void virtio_mmio_reset(struct virtio_mmio *vm)
{
	u64 deadline;

	mmio_write(vm, VM_STATUS, 0);
	/* 4.2.3.1 / 2.1.2: wait for the reset to complete (status reads 0). */
	deadline = time_ns() + RESET_TIMEOUT_US * 1000ULL;
	while (mmio_read(vm, VM_STATUS) != 0 && time_ns() < deadline)
		udelay(10);
}

int virtio_mmio_begin_init(struct virtio_mmio *vm)
{
	virtio_mmio_reset(vm);
	if (mmio_read(vm, VM_STATUS) != 0)
		return -EIO;
	set_status(vm, VIRTIO_STATUS_ACKNOWLEDGE);
	set_status(vm, VIRTIO_STATUS_DRIVER);
	if (vm->version == 1) /* 4.2.4: before any queue is set up */
		mmio_write(vm, VM_GUEST_PAGE_SIZE, LEGACY_PAGE_SIZE);
	return 0;
}

static u64 read_device_features(struct virtio_mmio *vm)
{
	u64 f;

	mmio_write(vm, VM_DEVICE_FEATURES_SEL, 0);
	f = mmio_read(vm, VM_DEVICE_FEATURES);
	if (vm->version == 1) /* legacy devices have only 32 feature bits */
		return f;
	mmio_write(vm, VM_DEVICE_FEATURES_SEL, 1);
	return f | (u64)mmio_read(vm, VM_DEVICE_FEATURES) << 32;
}

static void write_driver_features(struct virtio_mmio *vm, u64 f)
{
	mmio_write(vm, VM_DRIVER_FEATURES_SEL, 0);
	mmio_write(vm, VM_DRIVER_FEATURES, (u32)f);
	if (vm->version == 1)
		return;
	mmio_write(vm, VM_DRIVER_FEATURES_SEL, 1);
	mmio_write(vm, VM_DRIVER_FEATURES, (u32)(f >> 32));
}

u64 virtio_mmio_offered(struct virtio_mmio *vm)
{
	return read_device_features(vm);
}

int virtio_mmio_negotiate(struct virtio_mmio *vm, u64 wanted)
{
	u64 offered = read_device_features(vm);

	if (vm->version == 2) {
		/* 6.1: a modern driver MUST accept VERSION_1 when offered; a
		 * version 2 transport without it cannot be driven by us. */
		if (!(offered & VIRTIO_FEATURE(VIRTIO_F_VERSION_1)))
			return -EIO;
		wanted |= VIRTIO_FEATURE(VIRTIO_F_VERSION_1);
	} else {
		wanted &= ~VIRTIO_FEATURE(VIRTIO_F_VERSION_1);
	}
	vm->features = offered & wanted;
	write_driver_features(vm, vm->features);
	if (vm->version == 1) /* 3.1.2: legacy devices have no FEATURES_OK */
		return 0;
	set_status(vm, VIRTIO_STATUS_FEATURES_OK);
	/* 3.1.1 step 6: the device may refuse the subset by clearing it. */
	if (!(mmio_read(vm, VM_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return -EIO;
	return 0;
}

void virtio_mmio_driver_ok(struct virtio_mmio *vm)
{
	/* Rings and buffers written before this store are visible to the
	 * device (3.1.1 step 8: the device may use queues from DRIVER_OK on). */
	dsb(st);
	set_status(vm, VIRTIO_STATUS_DRIVER_OK);
}

void virtio_mmio_fail(struct virtio_mmio *vm)
{
	set_status(vm, VIRTIO_STATUS_FAILED);
}

void virtio_mmio_read_config(struct virtio_mmio *vm, unsigned off, void *buf, unsigned len)
{
	volatile u8 *cfg = vm->regs + VM_CONFIG + off;
	u8 *out = buf;
	u32 gen;

	do {
		gen = vm->version == 2 ? mmio_read(vm, VM_CONFIG_GENERATION) : 0;
		for (unsigned i = 0; i < len; i++)
			out[i] = cfg[i];
	} while (vm->version == 2 && gen != mmio_read(vm, VM_CONFIG_GENERATION));
}

u16 virtio_mmio_config16(struct virtio_mmio *vm, unsigned off)
{
	volatile u16 *field = (volatile u16 *)(vm->regs + VM_CONFIG + off);
	u32 gen;
	u16 v;

	do {
		gen = vm->version == 2 ? mmio_read(vm, VM_CONFIG_GENERATION) : 0;
		v = *field;
	} while (vm->version == 2 && gen != mmio_read(vm, VM_CONFIG_GENERATION));
	return v;
}

u32 virtio_mmio_ack_interrupt(struct virtio_mmio *vm)
{
	u32 isr = mmio_read(vm, VM_INTERRUPT_STATUS);

	if (isr)
		mmio_write(vm, VM_INTERRUPT_ACK, isr);
	return isr;
}

/* Bytes of the legacy layout (2.7.2) for a queue of num entries. */
static size_t virtq_bytes(u16 num, size_t *used_off)
{
	size_t avail_end = sizeof(struct virtq_desc) * num + sizeof(u16) * (3 + num);

	*used_off = ALIGN_UP(avail_end, LEGACY_PAGE_SIZE);
	return *used_off + ALIGN_UP(sizeof(u16) * 3 + sizeof(struct virtq_used_elem) * num,
				    LEGACY_PAGE_SIZE);
}

static unsigned order_for(size_t bytes)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

static u16 pick_queue_size(u32 device_max, u16 max_num)
{
	u16 num = max_num;

	while (num > device_max)
		num >>= 1;
	return num;
}

static int virtq_alloc(struct virtq *vq, u16 num)
{
	size_t used_off, bytes = virtq_bytes(num, &used_off);

	vq->mem_order = order_for(bytes);
	vq->mem = page_alloc_zeroed(vq->mem_order);
	if (!vq->mem)
		return -ENOMEM;
	vq->num = num;
	vq->desc = vq->mem;
	vq->avail = (struct virtq_avail *)((u8 *)vq->mem + sizeof(struct virtq_desc) * num);
	vq->used = (volatile struct virtq_used *)((u8 *)vq->mem + used_off);
	return 0;
}

static void write_addr(struct virtio_mmio *vm, unsigned lo, const volatile void *va)
{
	paddr_t pa = kva_to_pa((const void *)va);

	mmio_write(vm, lo, (u32)pa);
	mmio_write(vm, lo + 4, (u32)(pa >> 32));
}

/* 4.2.3.2 (modern) and 4.2.4 (legacy) queue set-up, after QueueSel. */
static int virtq_register(struct virtq *vq)
{
	struct virtio_mmio *vm = vq->vm;

	mmio_write(vm, VM_QUEUE_NUM, vq->num);
	if (vm->version == 1) {
		mmio_write(vm, VM_QUEUE_ALIGN, LEGACY_PAGE_SIZE);
		mmio_write(vm, VM_QUEUE_PFN, (u32)(kva_to_pa(vq->mem) / LEGACY_PAGE_SIZE));
		return mmio_read(vm, VM_QUEUE_PFN) ? 0 : -EIO;
	}
	write_addr(vm, VM_QUEUE_DESC_LOW, vq->desc);
	write_addr(vm, VM_QUEUE_DRIVER_LOW, vq->avail);
	write_addr(vm, VM_QUEUE_DEVICE_LOW, vq->used);
	mmio_write(vm, VM_QUEUE_READY, 1);
	return mmio_read(vm, VM_QUEUE_READY) == 1 ? 0 : -EIO;
}

int virtq_create(struct virtq *vq, struct virtio_mmio *vm, u16 index, u16 max_num)
{
	u32 device_max;
	int err;

	*vq = (struct virtq){ .vm = vm, .index = index };
	mmio_write(vm, VM_QUEUE_SEL, index);
	if (mmio_read(vm, vm->version == 1 ? VM_QUEUE_PFN : VM_QUEUE_READY) != 0)
		return -EIO; /* already in use: the reset did not take */
	device_max = mmio_read(vm, VM_QUEUE_NUM_MAX);
	if (device_max < 2)
		return -ENOENT;
	err = virtq_alloc(vq, pick_queue_size(device_max, max_num));
	if (err)
		return err;
	err = virtq_register(vq);
	if (err) {
		page_free(vq->mem, vq->mem_order);
		vq->mem = NULL;
	}
	return err;
}

void virtq_destroy(struct virtq *vq)
{
	if (vq->mem)
		page_free(vq->mem, vq->mem_order);
	vq->mem = NULL;
}

void virtq_add_avail(struct virtq *vq, u16 head)
{
	vq->avail->ring[vq->avail_idx % vq->num] = head;
	vq->avail_idx++;
}

void virtq_publish(struct virtq *vq)
{
	/* 2.7.13.3.1: the descriptors and ring entries must be visible to the
	 * device before the idx that exposes them. */
	dmb(oshst);
	*(volatile u16 *)&vq->avail->idx = vq->avail_idx;
}

void virtq_notify(struct virtq *vq)
{
	/* 2.7.13.4.1: the idx store must be visible before we decide to notify
	 * and before the device, woken by the notify write (4.2.3.3), reads it.
	 * Without EVENT_IDX we check used->flags (2.7.10) after the barrier,
	 * so it has to order our store before that load: a full barrier. */
	dsb(sy);
	if (vq->used->flags & 1 /* VIRTQ_USED_F_NO_NOTIFY */)
		return;
	mmio_write(vq->vm, VM_QUEUE_NOTIFY, vq->index);
}

void virtq_disable_interrupts(struct virtq *vq)
{
	*(volatile u16 *)&vq->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
}

bool virtq_enable_interrupts(struct virtq *vq)
{
	*(volatile u16 *)&vq->avail->flags = 0;
	/* 2.7.14 (note): the flag store must be visible before we re-read used
	 * idx, or an entry used in between would get neither an interrupt nor
	 * our attention: a store-load ordering, so a full barrier. */
	dsb(sy);
	return vq->used->idx != vq->last_used;
}

int virtq_used_pending(struct virtq *vq)
{
	u16 idx = vq->used->idx;
	u16 n = (u16)(idx - vq->last_used);

	if (n > vq->num)
		return -EIO;
	/* 2.7.8.2: the device writes entries (and len) before it updates used
	 * idx; this read barrier keeps our entry reads after the idx read. */
	dmb(oshld);
	return n;
}

struct virtq_used_elem virtq_peek_used(struct virtq *vq, unsigned ahead)
{
	volatile struct virtq_used_elem *e = &vq->used->ring[(u16)(vq->last_used + ahead) % vq->num];

	return (struct virtq_used_elem){ .id = e->id, .len = e->len };
}
