/*
 * Kernel random numbers: a ChaCha20 generator (RFC 8439 block function)
 * with fast key erasure, seeded at boot from the device tree's
 * /chosen/rng-seed and kaslr-seed (QEMU fills them from the host), the
 * real-time clock and the counter, and stirred with the counter at every
 * request. Not a substitute for a hardware entropy source, but unpredictable
 * across boots under QEMU. Any context.
 */
#ifndef SIS_RANDOM_H
#define SIS_RANDOM_H

#include <sis/types.h>

void random_get_bytes(void *buf, size_t n);
/* Mix a value (e.g. an interrupt timestamp) into the key. */
void random_add_entropy(u64 v);

#endif
