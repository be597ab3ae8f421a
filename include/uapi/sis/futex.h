/*
 * futex(2) of the SIS ABI: Linux's operations, flags and robust-list layout
 * (include/uapi/linux/futex.h).
 */
#ifndef UAPI_SIS_FUTEX_H
#define UAPI_SIS_FUTEX_H

#include <stdint.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI 12
#define FUTEX_LOCK_PI2 13

#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* FUTEX_WAKE_OP's val3: op (and FUTEX_OP_OPARG_SHIFT), cmp, oparg, cmparg. */
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5

/* futex_waitv(2) (Linux 5.16): up to FUTEX_WAITV_MAX words, each with
 * FUTEX2_* flags; only 32-bit words. */
#define FUTEX_WAITV_MAX 128
#define FUTEX2_SIZE_U8 0x00
#define FUTEX2_SIZE_U16 0x01
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_SIZE_U64 0x03
#define FUTEX2_NUMA 0x04
#define FUTEX2_MPOL 0x08
#define FUTEX2_PRIVATE FUTEX_PRIVATE_FLAG
#define FUTEX2_SIZE_MASK 0x03

struct linux_futex_waitv {
	uint64_t val;      /* sleep while the word holds it */
	uint64_t uaddr;
	uint32_t flags;    /* FUTEX2_SIZE_U32, FUTEX2_PRIVATE */
	uint32_t __reserved;
};

/* Robust futexes: the futex word of a lock held by a thread that dies. */
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

struct linux_robust_list {
	uint64_t next; /* struct linux_robust_list * */
};

struct linux_robust_list_head {
	struct linux_robust_list list; /* circular: the last entry points here */
	int64_t futex_offset;          /* from an entry to its futex word */
	uint64_t list_op_pending;      /* entry being taken or released */
};

#define ROBUST_LIST_LIMIT 2048 /* entries walked at exit, as Linux */

#endif
