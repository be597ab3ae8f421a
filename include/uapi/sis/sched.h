/*
 * clone() flags of the SIS ABI: Linux's (include/uapi/linux/sched.h).
 * clone accepts fork, vfork, CLONE_VM and thread shapes (see the kernel's
 * fork.c for the exact set); the low byte is the signal the parent gets when
 * the child exits (SIGCHLD for fork).
 */
#ifndef UAPI_SIS_SCHED_H
#define UAPI_SIS_SCHED_H

#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000

#include <stdint.h>

/* clone3(2)'s argument (Linux's struct clone_args). */
struct linux_clone_args {
	uint64_t flags;       /* CLONE_*, no signal in the low byte */
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;       /* lowest address of the new stack */
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};
#define LINUX_CLONE_ARGS_SIZE_VER0 64

#endif
