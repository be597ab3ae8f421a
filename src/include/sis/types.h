/* Basic kernel types. */
#ifndef SIS_TYPES_H
#define SIS_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

/* A physical address. Kernel virtual addresses are plain pointers. */
typedef uint64_t paddr_t;

#endif
