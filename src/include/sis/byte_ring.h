/*
 * A byte ring: a power-of-two buffer with free-running head and tail
 * indexes (bytes queued = head - tail; an index is masked only to address
 * the buffer, so head and tail also count the stream's bytes). Pipes
 * (pipe.c) and a pty's output queue (pty.c) are one each.
 * No locking: the owner serialises (pipes: the kernel is not preempted;
 * pty output: IRQs masked).
 */
#ifndef SIS_BYTE_RING_H
#define SIS_BYTE_RING_H

#include <sis/types.h>
#include <sis/kernel.h>
#include <sis/uaccess.h>

struct byte_ring {
	char *buf;          /* size bytes, owned by the ring's user */
	size_t size;        /* a power of two */
	size_t head, tail;  /* free-running: next byte written / next byte read */
};

static inline size_t byte_ring_used(const struct byte_ring *r)
{
	return r->head - r->tail;
}

static inline size_t byte_ring_room(const struct byte_ring *r)
{
	return r->size - byte_ring_used(r);
}

/* One byte in / out; the caller checked room / used. */
static inline void byte_ring_put(struct byte_ring *r, char c)
{
	r->buf[r->head++ & (r->size - 1)] = c;
}

static inline char byte_ring_get(struct byte_ring *r)
{
	return r->buf[r->tail++ & (r->size - 1)];
}

/* Copy the n bytes at the tail to user memory, leaving them queued:
 * 0 or -EFAULT (n <= used). */
static inline int byte_ring_copy_out(const struct byte_ring *r, char *ubuf, size_t n)
{
	size_t at = r->tail & (r->size - 1);
	size_t first = MIN(n, r->size - at);

	if (copy_to_user(ubuf, r->buf + at, first))
		return -EFAULT;
	if (n > first && copy_to_user(ubuf + first, r->buf, n - first))
		return -EFAULT;
	return 0;
}

/* The same into kernel memory (splice's bounce buffer). */
static inline void byte_ring_peek(const struct byte_ring *r, char *kbuf, size_t n)
{
	size_t at = r->tail & (r->size - 1);
	size_t first = MIN(n, r->size - at);

	memcpy(kbuf, r->buf + at, first);
	memcpy(kbuf + first, r->buf, n - first);
}

/* Copy n bytes from user (or, with kernel, kernel) memory into the free
 * space at the head, not yet queued (advance head to queue them):
 * 0 or -EFAULT (n <= room). */
static inline int byte_ring_copy_in(struct byte_ring *r, const char *buf, size_t n, bool kernel)
{
	size_t at = r->head & (r->size - 1);
	size_t first = MIN(n, r->size - at);

	if (kernel) {
		memcpy(r->buf + at, buf, first);
		memcpy(r->buf, buf + first, n - first);
		return 0;
	}
	if (copy_from_user(r->buf + at, buf, first))
		return -EFAULT;
	if (n > first && copy_from_user(r->buf, buf + first, n - first))
		return -EFAULT;
	return 0;
}

#endif
