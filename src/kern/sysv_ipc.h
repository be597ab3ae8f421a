/*
 * What System V semaphore sets and shared-memory segments share (Linux's
 * ipc/util.c): the permission check of an IPC object's owner, creator and
 * mode bits.
 */
#ifndef SIS_KERN_SYSV_IPC_H
#define SIS_KERN_SYSV_IPC_H

#include <sis/proc.h>
#include <uapi/sis/capability.h>
#include "proc_internal.h"

struct sysv_perm {
	u32 uid, gid, mode;    /* owner and permission bits */
	u32 cuid, cgid;        /* creator */
};

/* ipcperms(): may the caller have the rights want (r 4, w 2, x 1)? The
 * owner's or creator's bits for their uid, the group's for their gid, the
 * others' otherwise; CAP_IPC_OWNER passes every check. */
static inline bool sysv_allowed(const struct sysv_perm *p, u32 want)
{
	u32 euid = proc_euid(), egid = proc_egid(), mode = p->mode;

	if (proc_capable(CAP_IPC_OWNER))
		return true;
	if (euid == p->uid || euid == p->cuid)
		mode >>= 6;
	else if (egid == p->gid || egid == p->cgid)
		mode >>= 3;
	return (mode & want) == want;
}

#endif
