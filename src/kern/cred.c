/*
 * Process credentials: real, effective and saved user and group ids, the
 * supplementary groups, and the file-creation mask (umask). init starts as
 * root (all ids 0, umask 022); fork copies them, exec keeps them (no
 * set-user-id files). The rules are credentials(7) and setresuid(2):
 * a process whose effective uid is 0 (CAP_SETUID/CAP_SETGID) may set any
 * id; any other may only move between its own real, effective and saved
 * ids, and gets -EPERM for anything else. setgroups needs euid 0.
 */
#include <sis/kernel.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include "proc_internal.h"

#define ID_KEEP 0xffffffffu /* -1: leave this id as it is */

static const struct cred root_cred; /* outside a process: root */

static const struct cred *cur_cred(void)
{
	struct proc *p = cur_proc();

	return p ? &p->cred : &root_cred;
}

u32 cred_euid(void)
{
	return cur_cred()->euid;
}

u32 cred_egid(void)
{
	return cur_cred()->egid;
}

bool cred_in_group(u32 gid)
{
	const struct cred *c = cur_cred();

	if (c->egid == gid)
		return true;
	for (u32 i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

u32 proc_current_umask(void)
{
	struct proc *p = cur_proc();

	return p ? p->umask : 0;
}

/* An unprivileged process may take one of its own three ids. */
static bool id_allowed(u32 id, u32 r, u32 e, u32 s)
{
	return id == ID_KEEP || id == r || id == e || id == s;
}

/* setres[ug]id on one triple: -1 keeps an id; -EPERM for a foreign id. */
static long set_res(u32 *r, u32 *e, u32 *s, u32 nr, u32 ne, u32 ns, bool priv)
{
	if (!priv && !(id_allowed(nr, *r, *e, *s) && id_allowed(ne, *r, *e, *s) &&
		       id_allowed(ns, *r, *e, *s)))
		return -EPERM;
	if (nr != ID_KEEP)
		*r = nr;
	if (ne != ID_KEEP)
		*e = ne;
	if (ns != ID_KEEP)
		*s = ns;
	return 0;
}

/* setre[ug]id: the saved id follows the new effective one when the real id
 * is set or the effective one differs from the old real id (setreuid(2)). */
static long set_re(u32 *r, u32 *e, u32 *s, u32 nr, u32 ne, bool priv)
{
	u32 old_r = *r, ns = ID_KEEP;

	if (!priv && (!id_allowed(nr, *r, *e, ID_KEEP) || !id_allowed(ne, *r, *e, *s)))
		return -EPERM;
	if (nr != ID_KEEP || (ne != ID_KEEP && ne != old_r))
		ns = ne != ID_KEEP ? ne : *e;
	return set_res(r, e, s, nr, ne, ns, true);
}

/* set[ug]id: privileged sets all three, others only the effective id. */
static long set_one(u32 *r, u32 *e, u32 *s, u32 id, bool priv)
{
	if (id == ID_KEEP)
		return -EINVAL;
	if (priv)
		return set_res(r, e, s, id, id, id, true);
	if (id != *r && id != *s)
		return -EPERM;
	*e = id;
	return 0;
}

static long put_ids(struct trap_frame *tf, u32 r, u32 e, u32 s)
{
	if (copy_to_user((void *)SC_ARG(tf, 0), &r, sizeof(r)) ||
	    copy_to_user((void *)SC_ARG(tf, 1), &e, sizeof(e)) ||
	    copy_to_user((void *)SC_ARG(tf, 2), &s, sizeof(s)))
		return -EFAULT;
	return 0;
}

#define CRED_ARG(n) ((u32)SC_ARG(tf, n))
#define C (&cur_proc()->cred)
#define PRIV (C->euid == 0)

static long sys_getuid(struct trap_frame *tf) { (void)tf; return C->uid; }
static long sys_geteuid(struct trap_frame *tf) { (void)tf; return C->euid; }
static long sys_getgid(struct trap_frame *tf) { (void)tf; return C->gid; }
static long sys_getegid(struct trap_frame *tf) { (void)tf; return C->egid; }
SYSCALL(__NR_getuid, sys_getuid);
SYSCALL(__NR_geteuid, sys_geteuid);
SYSCALL(__NR_getgid, sys_getgid);
SYSCALL(__NR_getegid, sys_getegid);

static long sys_getresuid(struct trap_frame *tf)
{
	return put_ids(tf, C->uid, C->euid, C->suid);
}
SYSCALL(__NR_getresuid, sys_getresuid);

static long sys_getresgid(struct trap_frame *tf)
{
	return put_ids(tf, C->gid, C->egid, C->sgid);
}
SYSCALL(__NR_getresgid, sys_getresgid);

static long sys_setresuid(struct trap_frame *tf)
{
	return set_res(&C->uid, &C->euid, &C->suid, CRED_ARG(0), CRED_ARG(1), CRED_ARG(2), PRIV);
}
SYSCALL(__NR_setresuid, sys_setresuid);

static long sys_setresgid(struct trap_frame *tf)
{
	return set_res(&C->gid, &C->egid, &C->sgid, CRED_ARG(0), CRED_ARG(1), CRED_ARG(2), PRIV);
}
SYSCALL(__NR_setresgid, sys_setresgid);

static long sys_setreuid(struct trap_frame *tf)
{
	return set_re(&C->uid, &C->euid, &C->suid, CRED_ARG(0), CRED_ARG(1), PRIV);
}
SYSCALL(__NR_setreuid, sys_setreuid);

static long sys_setregid(struct trap_frame *tf)
{
	return set_re(&C->gid, &C->egid, &C->sgid, CRED_ARG(0), CRED_ARG(1), PRIV);
}
SYSCALL(__NR_setregid, sys_setregid);

static long sys_setuid(struct trap_frame *tf)
{
	return set_one(&C->uid, &C->euid, &C->suid, CRED_ARG(0), PRIV);
}
SYSCALL(__NR_setuid, sys_setuid);

static long sys_setgid(struct trap_frame *tf)
{
	return set_one(&C->gid, &C->egid, &C->sgid, CRED_ARG(0), PRIV);
}
SYSCALL(__NR_setgid, sys_setgid);

/* setfsuid/setfsgid: there is no separate file-system id (it follows the
 * effective one); the call reports the current one and changes nothing. */
static long sys_setfsuid(struct trap_frame *tf) { (void)tf; return C->euid; }
static long sys_setfsgid(struct trap_frame *tf) { (void)tf; return C->egid; }
SYSCALL(__NR_setfsuid, sys_setfsuid);
SYSCALL(__NR_setfsgid, sys_setfsgid);

/* getgroups(size, list): size 0 asks for the count; a smaller size -EINVAL. */
static long sys_getgroups(struct trap_frame *tf)
{
	long size = (int)SC_ARG(tf, 0);
	u32 n = C->ngroups;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return n;
	if ((u64)size < n)
		return -EINVAL;
	if (n && copy_to_user((void *)SC_ARG(tf, 1), C->groups, n * sizeof(u32)))
		return -EFAULT;
	return n;
}
SYSCALL(__NR_getgroups, sys_getgroups);

static long sys_setgroups(struct trap_frame *tf)
{
	long size = (long)SC_ARG(tf, 0);
	u32 groups[CRED_NGROUPS];

	if (!PRIV)
		return -EPERM;
	if (size < 0 || size > CRED_NGROUPS)
		return -EINVAL;
	if (size && copy_from_user(groups, (const void *)SC_ARG(tf, 1), (size_t)size * sizeof(u32)))
		return -EFAULT;
	memcpy(C->groups, groups, (size_t)size * sizeof(u32));
	C->ngroups = (u32)size;
	return 0;
}
SYSCALL(__NR_setgroups, sys_setgroups);

/* umask(mask): the old mask; only the permission bits count (umask(2)). */
static long sys_umask(struct trap_frame *tf)
{
	struct proc *p = cur_proc();
	u32 old = p->umask;

	p->umask = (u32)SC_ARG(tf, 0) & 0777;
	return old;
}
SYSCALL(__NR_umask, sys_umask);
