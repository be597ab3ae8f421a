/*
 * The kernel's random generator (see sis/random.h) and getrandom().
 *
 * State is a 256-bit ChaCha20 key and a block counter. Each request first
 * stirs the counter value into the key, then produces output blocks; the
 * next block after the output becomes the new key ("fast key erasure"), so
 * an attacker reading the state later cannot recover earlier output.
 */
#include <sis/kernel.h>
#include <sis/random.h>
#include <sis/irq.h>
#include <sis/arch.h>
#include <sis/init.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/board.h>
#include <sis/devtree.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <sis/vfs.h>
#include <sis/file.h>
#include <sis/proc.h>
#include <uapi/sis/poll.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/sysinfo.h>
#include <libfdt.h>

#define GETRANDOM_MAX (32UL << 20) /* bytes per call, like Linux */

static u32 key[8];
static u64 block_counter;

static u32 rotl(u32 v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d)                          \
	do {                                    \
		a += b; d ^= a; d = rotl(d, 16); \
		c += d; b ^= c; b = rotl(b, 12); \
		a += b; d ^= a; d = rotl(d, 8);  \
		c += d; b ^= c; b = rotl(b, 7);  \
	} while (0)

/* RFC 8439 2.3: one 64-byte block for (key, counter, nonce 0). */
static void chacha20_block(const u32 k[8], u64 counter, u32 out[16])
{
	u32 in[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
		       k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7],
		       (u32)counter, (u32)(counter >> 32), 0, 0 };
	u32 x[16];

	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
}

static u64 counter_now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/* Caller masks interrupts. */
static void rekey(void)
{
	u32 blk[16];

	chacha20_block(key, block_counter++, blk);
	memcpy(key, blk, sizeof(key));
	memset(blk, 0, sizeof(blk));
}

static void mix(const void *data, size_t n)
{
	const u8 *d = data;

	for (size_t i = 0; i < n; i++)
		((u8 *)key)[i % sizeof(key)] ^= d[i];
	rekey();
}

void random_add_entropy(u64 v)
{
	unsigned long flags = irq_save();

	mix(&v, sizeof(v));
	irq_restore(flags);
}

void random_get_bytes(void *buf, size_t n)
{
	unsigned long flags = irq_save();
	u64 now = counter_now();
	u8 *out = buf;
	u32 blk[16];

	mix(&now, sizeof(now));
	while (n) {
		size_t chunk = MIN(n, sizeof(blk));

		chacha20_block(key, block_counter++, blk);
		memcpy(out, blk, chunk);
		out += chunk;
		n -= chunk;
	}
	rekey();
	memset(blk, 0, sizeof(blk));
	irq_restore(flags);
}

/* Seeds QEMU puts in /chosen (rng-seed: 32 bytes, kaslr-seed: 8). */
static int seed_from_devtree(void)
{
	static const char *const props[] = { "rng-seed", "kaslr-seed" };
	const void *fdt = boot_fdt();
	int node, bytes = 0;

	if (!boot_dt.valid)
		return 0;
	node = fdt_path_offset(fdt, "/chosen");
	if (node < 0)
		return 0;
	for (unsigned i = 0; i < ARRAY_SIZE(props); i++) {
		int len;
		const void *v = fdt_getprop(fdt, node, props[i], &len);

		if (v && len > 0) {
			mix(v, (size_t)len);
			bytes += len;
		}
	}
	return bytes;
}

/* Fill user memory from the generator in chunks; stops early (short count)
 * at a fault after some bytes or at a pending signal, like Linux's
 * get_random_bytes_user(). */
static long random_to_user(void *ubuf, size_t len)
{
	u8 chunk[256];
	size_t done = 0;

	len = MIN(len, GETRANDOM_MAX);
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));

		random_get_bytes(chunk, n);
		if (copy_to_user((u8 *)ubuf + done, chunk, n)) {
			memset(chunk, 0, sizeof(chunk));
			return done ? (long)done : -EFAULT;
		}
		done += n;
		if (done < len && (done & 4095) == 0 && signal_pending())
			break;
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)done;
}

static long urandom_read(struct file *f, void *ubuf, size_t len)
{
	(void)f;
	return random_to_user(ubuf, len);
}

/* Written bytes are stirred into the key (no entropy credit). */
static long urandom_write(struct file *f, const void *ubuf, size_t len)
{
	u8 chunk[256];
	size_t done = 0;

	(void)f;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		unsigned long flags;

		if (copy_from_user(chunk, (const u8 *)ubuf + done, n))
			return done ? (long)done : -EFAULT;
		flags = irq_save();
		mix(chunk, n);
		irq_restore(flags);
		done += n;
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)done;
}

static unsigned urandom_poll(struct file *f, struct poll_table *pt)
{
	(void)f, (void)pt;
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

static long urandom_lseek(struct file *f, long off, int whence)
{
	(void)f, (void)off, (void)whence;
	return 0; /* Linux: noop_llseek */
}

static const struct file_ops urandom_fops = {
	.read = urandom_read,
	.write = urandom_write,
	.lseek = urandom_lseek,
	.poll = urandom_poll,
};

static int random_dev_init(void)
{
	int err = vfs_add_chardev("/dev/random", &urandom_fops, SIS_MKDEV(1, 8));

	if (!err)
		err = vfs_add_chardev("/dev/urandom", &urandom_fops, SIS_MKDEV(1, 9));
	return err;
}
INITCALL(INIT_DEV, random_dev_init);

static int random_init(void)
{
	u64 c = counter_now();
	unsigned long flags = irq_save();
	int dt_bytes;

	mix(&c, sizeof(c));
	dt_bytes = seed_from_devtree();
	irq_restore(flags);
	if (dt_bytes)
		log_info("random: seeded with %d bytes from the device tree", dt_bytes);
	else
		log_warn("random: no device-tree seed; only the counter seeds the generator");
	return 0;
}
INITCALL(INIT_CORE, random_init);

SYSCALL_DEFINE3(getrandom, void *, ubuf, size_t, len, unsigned, flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE))
		return -EINVAL;
	len = MIN(len, GETRANDOM_MAX);
	if (!user_range_ok(ubuf, len, true))
		return -EFAULT;
	return random_to_user(ubuf, len);
}
