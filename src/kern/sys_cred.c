/*
 * Per-process credentials and small process attributes: getuid..getegid,
 * setuid/setgid, setresuid/setresgid, getresuid/getresgid,
 * getgroups/setgroups (credentials(7)), umask, sched_getaffinity
 * (prctl is in sys_misc.c). Everybody starts as root (uid/gid 0); euid 0 stands
 * for CAP_SETUID/CAP_SETGID, so once a process drops it, it can only move
 * between its real, effective and saved ids (setresuid(2): EPERM otherwise).
 */
#include <sis/kernel.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
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

static struct proc_cred *cur_cred(void)
{
	return &cur_proc()->cred;
}

#define ID_SYSCALL(name, field)                       \
	static long sys_##name(struct trap_frame *tf) \
	{                                             \
		(void)tf;                             \
		return cur_cred()->field;             \
	}                                             \
	SYSCALL(__NR_##name, sys_##name)
ID_SYSCALL(getuid, uid[0]);
ID_SYSCALL(geteuid, uid[1]);
ID_SYSCALL(getgid, gid[0]);
ID_SYSCALL(getegid, gid[1]);

/* An unprivileged process may only set an id to one of its three. */
static bool id_allowed(u32 id, const u32 ids[3], bool priv)
{
	return id == ID_KEEP || priv || id == ids[0] || id == ids[1] || id == ids[2];
}

/* setresuid/setresgid on ids[3] (real, effective, saved). */
static long set_res(u32 ids[3], u32 r, u32 e, u32 s)
{
	bool priv = cur_cred()->uid[1] == 0;

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
	if (cur_cred()->uid[1] == 0)
		return set_res(ids, id, id, id);
	if (id != ids[0] && id != ids[2])
		return -EPERM;
	ids[1] = id;
	return 0;
}

static long sys_setuid(struct trap_frame *tf)
{
	return set_one(cur_cred()->uid, (u32)SC_ARG(tf, 0));
}
SYSCALL(__NR_setuid, sys_setuid);

static long sys_setgid(struct trap_frame *tf)
{
	return set_one(cur_cred()->gid, (u32)SC_ARG(tf, 0));
}
SYSCALL(__NR_setgid, sys_setgid);

static long sys_setresuid(struct trap_frame *tf)
{
	return set_res(cur_cred()->uid, (u32)SC_ARG(tf, 0), (u32)SC_ARG(tf, 1),
		       (u32)SC_ARG(tf, 2));
}
SYSCALL(__NR_setresuid, sys_setresuid);

static long sys_setresgid(struct trap_frame *tf)
{
	return set_res(cur_cred()->gid, (u32)SC_ARG(tf, 0), (u32)SC_ARG(tf, 1),
		       (u32)SC_ARG(tf, 2));
}
SYSCALL(__NR_setresgid, sys_setresgid);

static long get_res(const u32 ids[3], struct trap_frame *tf)
{
	for (int i = 0; i < 3; i++)
		if (copy_to_user((void *)SC_ARG(tf, i), &ids[i], sizeof(u32)))
			return -EFAULT;
	return 0;
}

static long sys_getresuid(struct trap_frame *tf)
{
	return get_res(cur_cred()->uid, tf);
}
SYSCALL(__NR_getresuid, sys_getresuid);

static long sys_getresgid(struct trap_frame *tf)
{
	return get_res(cur_cred()->gid, tf);
}
SYSCALL(__NR_getresgid, sys_getresgid);

/* getgroups(size, list): size 0 asks for the count; a smaller one is EINVAL. */
static long sys_getgroups(struct trap_frame *tf)
{
	struct proc_cred *c = cur_cred();
	int size = (int)SC_ARG(tf, 0);

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((u32)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user((void *)SC_ARG(tf, 1), c->groups, c->ngroups * sizeof(u32)))
		return -EFAULT;
	return c->ngroups;
}
SYSCALL(__NR_getgroups, sys_getgroups);

/* setgroups(size, list): root only; at most CRED_NGROUPS (Linux allows
 * NGROUPS_MAX 65536: more than that here is EINVAL too). */
static long sys_setgroups(struct trap_frame *tf)
{
	struct proc_cred *c = cur_cred();
	int size = (int)SC_ARG(tf, 0);
	u32 groups[CRED_NGROUPS];

	if (c->uid[1] != 0)
		return -EPERM;
	if (size < 0 || size > CRED_NGROUPS)
		return -EINVAL;
	if (copy_from_user(groups, (const void *)SC_ARG(tf, 1), (size_t)size * sizeof(u32)))
		return -EFAULT;
	memcpy(c->groups, groups, (size_t)size * sizeof(u32));
	c->ngroups = (u32)size;
	return 0;
}
SYSCALL(__NR_setgroups, sys_setgroups);

/* umask(mask): never fails; returns the previous mask. */
static long sys_umask(struct trap_frame *tf)
{
	struct proc *p = cur_proc();
	u32 old = p->umask;

	p->umask = (u32)SC_ARG(tf, 0) & 0777;
	return old;
}
SYSCALL(__NR_umask, sys_umask);

/* sched_getaffinity(pid, len, mask): one CPU, so a one-word mask with bit 0;
 * len must hold it and be a multiple of 8 (sched_setaffinity(2)). Returns
 * the bytes written. */
static long sys_sched_getaffinity(struct trap_frame *tf)
{
	int pid = (int)SC_ARG(tf, 0);
	u64 len = SC_ARG(tf, 1), mask = 1;
	struct proc *p = pid ? proc_find(pid) : cur_proc();

	if (pid < 0 || !p || p->state != PROC_ALIVE)
		return -ESRCH;
	if (len < sizeof(mask) || (len & (sizeof(mask) - 1)))
		return -EINVAL;
	if (copy_to_user((void *)SC_ARG(tf, 2), &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}
SYSCALL(__NR_sched_getaffinity, sys_sched_getaffinity);
