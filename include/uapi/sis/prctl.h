/*
 * prctl(2) options SIS implements (Linux's include/uapi/linux/prctl.h).
 */
#ifndef UAPI_SIS_PRCTL_H
#define UAPI_SIS_PRCTL_H

#define PR_SET_PDEATHSIG 1 /* the signal to get when the parent ends (0: none) */
#define PR_GET_PDEATHSIG 2 /* into *(int *)arg2 */
#define PR_GET_DUMPABLE 3 /* 1 or 0; no core dumps are written either way */
#define PR_SET_DUMPABLE 4 /* arg2 SUID_DUMP_DISABLE (0) or SUID_DUMP_USER (1) */
#define PR_GET_KEEPCAPS 7 /* SECBIT_KEEP_CAPS (securebits.h) as 0 or 1 */
#define PR_SET_KEEPCAPS 8
#define PR_SET_NAME 15 /* the thread's name (comm), at most 15 bytes + NUL */
#define PR_GET_NAME 16
#define PR_GET_TIMING 13
#define PR_SET_TIMING 14
#define PR_TIMING_STATISTICAL 0 /* the only one */
#define PR_CAPBSET_READ 23 /* 1 if arg2 is in the bounding set */
#define PR_CAPBSET_DROP 24 /* take arg2 out of it (CAP_SETPCAP) */
#define PR_GET_SECUREBITS 27 /* SECBIT_* (securebits.h) */
#define PR_SET_SECUREBITS 28 /* (CAP_SETPCAP; a locked bit never changes) */
#define PR_GET_TIMERSLACK 30 /* the calling thread's, in ns (default 50000) */
#define PR_SET_TIMERSLACK 29 /* 0: the thread's default (its creator's slack) */
#define PR_SET_CHILD_SUBREAPER 36 /* orphaned descendants come to this process */
#define PR_GET_CHILD_SUBREAPER 37 /* into *(int *)arg2 */
#define PR_SET_NO_NEW_PRIVS 38 /* arg2 1; kept by fork and execve, never cleared */
#define PR_GET_NO_NEW_PRIVS 39
#define PR_SET_THP_DISABLE 41
#define PR_GET_THP_DISABLE 42

/* The ambient capability set: arg2 says what to do with capability arg3. */
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1 /* 1 or 0 */
#define PR_CAP_AMBIENT_RAISE 2  /* needs it permitted and inheritable */
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4 /* arg3 0 */

/* The arm64 tagged-address ABI (Documentation/arch/arm64/tagged-address-abi.rst):
 * with PR_TAGGED_ADDR_ENABLE, system calls accept user pointers whose top
 * byte is a tag. Dereferencing tagged pointers in user mode always works (TBI0). */
#define PR_SET_TAGGED_ADDR_CTRL 55
#define PR_GET_TAGGED_ADDR_CTRL 56
#define PR_TAGGED_ADDR_ENABLE (1UL << 0)

#endif
