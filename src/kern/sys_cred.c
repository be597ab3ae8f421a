/*
 * Per-process credentials and small process attributes: getuid..getegid,
 * setuid/setgid, setreuid/setregid, setresuid/setresgid, getresuid/getresgid,
 * getgroups/setgroups (credentials(7)), umask, sched_getaffinity
 * (prctl is in sys_misc.c). Everybody starts as root (uid/gid 0) with every
 * capability; without CAP_SETUID (CAP_SETGID) a process can only move
 * between its real, effective and saved ids (setresuid(2): EPERM
 * otherwise). Uid changes adjust the capability sets (capability.c).
 */
#include <sis/kernel.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <uapi/sis/capability.h>
#include "proc_internal.h"

#define ID_KEEP 0xffffffffu /* -1: leave this id unchanged; never a valid id */

u32 proc_umask(void)
{
	struct proc *p = current_proc();

	return p ? p->umask : 022;
}

u32 proc_euid(void)
{
	struct proc *p = current_proc();

	return p ? p->cred.uid[1] : 0;
}

u32 proc_egid(void)
{
	struct proc *p = current_proc();

	return p ? p->cred.gid[1] : 0;
}

u32 proc_access_uid(bool real)
{
	struct proc *p = current_proc();

	return p ? p->cred.uid[real ? 0 : 1] : 0;
}

bool proc_access_in_group(bool real, u32 gid)
{
	struct proc *p = current_proc();

	if (!p)
		return false;
	if (p->cred.gid[real ? 0 : 1] == gid)
		return true;
	for (u32 i = 0; i < p->cred.ngroups; i++) {
		if (p->cred.groups[i] == gid)
			return true;
	}
	return false;
}

static struct proc_cred *cur_cred(void)
{
	return &cur_proc()->cred;
}

#define ID_SYSCALL(name, field)           \
	SYSCALL_DEFINE0(name)             \
	{                                 \
		return cur_cred()->field; \
	}
ID_SYSCALL(getuid, uid[0])
ID_SYSCALL(geteuid, uid[1])
ID_SYSCALL(getgid, gid[0])
ID_SYSCALL(getegid, gid[1])

/* An unprivileged process may only set an id to one of its three. */
static bool id_allowed(u32 id, const u32 ids[3], bool priv)
{
	return id == ID_KEEP || priv || id == ids[0] || id == ids[1] || id == ids[2];
}

/* Privileged for changing ids: CAP_SETUID for the uids, CAP_SETGID for the gids. */
static bool ids_priv(const u32 ids[3])
{
	return proc_capable(ids == cur_cred()->uid ? CAP_SETUID : CAP_SETGID);
}

/* setresuid/setresgid on ids[3] (real, effective, saved). */
static long set_res(u32 ids[3], u32 r, u32 e, u32 s)
{
	bool priv = ids_priv(ids);

	if (!id_allowed(r, ids, priv) || !id_allowed(e, ids, priv) || !id_allowed(s, ids, priv))
		return -EPERM;
	if (r != ID_KEEP)
		ids[0] = r;
	if (e != ID_KEEP)
		ids[1] = e;
	if (s != ID_KEEP)
		ids[2] = s;
	return 0;
}

/* setuid(2)/setgid(2): privileged sets all three, else only the effective
 * id, to the real or saved one. -1 is not an id: EINVAL. */
static long set_one(u32 ids[3], u32 id)
{
	if (id == ID_KEEP)
		return -EINVAL;
	if (ids_priv(ids))
		return set_res(ids, id, id, id);
	if (id != ids[0] && id != ids[2])
		return -EPERM;
	ids[1] = id;
	return 0;
}

/* A uid call's result r; on success the capability sets follow. */
static long uid_done(long r, const u32 old[3])
{
	if (!r)
		cap_setuid_fixup(cur_cred(), old);
	return r;
}

#define OLD_UIDS(c) { (c)->uid[0], (c)->uid[1], (c)->uid[2] }

SYSCALL_DEFINE1(setuid, u32, uid)
{
	struct proc_cred *c = cur_cred();
	const u32 old[3] = OLD_UIDS(c);

	return uid_done(set_one(c->uid, uid), old);
}

SYSCALL_DEFINE1(setgid, u32, gid)
{
	return set_one(cur_cred()->gid, gid);
}

SYSCALL_DEFINE3(setresuid, u32, ruid, u32, euid, u32, suid)
{
	struct proc_cred *c = cur_cred();
	const u32 old[3] = OLD_UIDS(c);

	return uid_done(set_res(c->uid, ruid, euid, suid), old);
}

SYSCALL_DEFINE3(setresgid, u32, rgid, u32, egid, u32, sgid)
{
	return set_res(cur_cred()->gid, rgid, egid, sgid);
}

/* setreuid/setregid (Linux's __sys_setreuid): unprivileged, the real id may
 * become the real or effective one, the effective id any of the three; the
 * saved id follows the new effective id when the real id is set or the
 * effective one becomes other than the (old) real id. */
static long set_re(u32 ids[3], u32 r, u32 e)
{
	bool priv = ids_priv(ids);
	u32 old_real = ids[0];

	if (r != ID_KEEP && !priv && r != ids[0] && r != ids[1])
		return -EPERM;
	if (!id_allowed(e, ids, priv))
		return -EPERM;
	if (r != ID_KEEP)
		ids[0] = r;
	if (e != ID_KEEP)
		ids[1] = e;
	if (r != ID_KEEP || (e != ID_KEEP && e != old_real))
		ids[2] = ids[1];
	return 0;
}

SYSCALL_DEFINE2(setreuid, u32, ruid, u32, euid)
{
	struct proc_cred *c = cur_cred();
	const u32 old[3] = OLD_UIDS(c);

	return uid_done(set_re(c->uid, ruid, euid), old);
}

SYSCALL_DEFINE2(setregid, u32, rgid, u32, egid)
{
	return set_re(cur_cred()->gid, rgid, egid);
}

static long get_res(const u32 ids[3], u32 *ur, u32 *ue, u32 *us)
{
	if (copy_to_user(ur, &ids[0], sizeof(u32)) || copy_to_user(ue, &ids[1], sizeof(u32)) ||
	    copy_to_user(us, &ids[2], sizeof(u32)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid, u32 *, ruid, u32 *, euid, u32 *, suid)
{
	return get_res(cur_cred()->uid, ruid, euid, suid);
}

SYSCALL_DEFINE3(getresgid, u32 *, rgid, u32 *, egid, u32 *, sgid)
{
	return get_res(cur_cred()->gid, rgid, egid, sgid);
}

/* getgroups(size, list): size 0 asks for the count; a smaller one is EINVAL. */
SYSCALL_DEFINE2(getgroups, int, size, u32 *, ulist)
{
	struct proc_cred *c = cur_cred();

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((u32)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(ulist, c->groups, c->ngroups * sizeof(u32)))
		return -EFAULT;
	return c->ngroups;
}

/* setgroups(size, list): root only; at most CRED_NGROUPS (Linux allows
 * NGROUPS_MAX 65536: more than that here is EINVAL too). */
SYSCALL_DEFINE2(setgroups, int, size, const u32 *, ulist)
{
	struct proc_cred *c = cur_cred();
	u32 groups[CRED_NGROUPS];

	if (!proc_capable(CAP_SETGID))
		return -EPERM;
	if (size < 0 || size > CRED_NGROUPS)
		return -EINVAL;
	if (copy_from_user(groups, ulist, (size_t)size * sizeof(u32)))
		return -EFAULT;
	memcpy(c->groups, groups, (size_t)size * sizeof(u32));
	c->ngroups = (u32)size;
	return 0;
}

/* umask(mask): never fails; returns the previous mask. */
SYSCALL_DEFINE1(umask, u32, mask)
{
	struct proc *p = cur_proc();
	u32 old = p->umask;

	p->umask = mask & 0777;
	return old;
}

/* sched_getaffinity(pid, len, mask): one CPU, so a one-word mask with bit 0;
 * len must hold it and be a multiple of 8 (sched_setaffinity(2)). Returns
 * the bytes written. */
SYSCALL_DEFINE3(sched_getaffinity, int, pid, u64, len, void *, umask)
{
	u64 mask = 1;
	struct proc *p = pid ? proc_find(pid) : cur_proc();

	if (pid < 0 || !p || p->state != PROC_ALIVE)
		return -ESRCH;
	if (len < sizeof(mask) || (len & (sizeof(mask) - 1)))
		return -EINVAL;
	if (copy_to_user(umask, &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}
