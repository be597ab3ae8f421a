/*
 * Capabilities (capabilities(7)): each process has effective, permitted,
 * inheritable and ambient sets, a bounding set (every capability until
 * prctl(PR_CAPBSET_DROP)) and securebits. Root starts with the full set;
 * setuid/setresuid & co change the sets as Linux's cap_emulate_setxuid does
 * (unless SECBIT_NO_SETUID_FIXUP; SECBIT_KEEP_CAPS keeps permitted), and
 * execve transforms them as Linux's cap_bprm_creds_from_file does for a
 * program without file capabilities: pP' = (bset | pI for root) | pA,
 * pE' = pP' for euid 0, else pA; pA and pI are kept. SIS has no file
 * capabilities (the security.capability xattr is EOPNOTSUPP, as every
 * xattr) and no set-id programs, so nothing clears the ambient set at
 * execve. The ambient set stays within permitted and inheritable: capset
 * and a set*uid that drop either drop it too. Privilege checks ask
 * proc_capable(CAP_x), which reads the effective set.
 *
 * capget/capset take the v1 (one 32-bit word) or v2/v3 (two) layout; an
 * unknown version is EINVAL with version 3 written back into the header
 * (capget with a NULL data pointer succeeds then: how libcap probes).
 */
#include <sis/kernel.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <uapi/sis/capability.h>
#include <uapi/sis/prctl.h>
#include <uapi/sis/securebits.h>
#include "proc_internal.h"

#define CAP_FULL ((1ULL << (CAP_LAST_CAP + 1)) - 1)

#define CAPB(cap) (1ULL << (cap))

void cap_init_root(struct proc_cred *c)
{
	c->cap_eff = c->cap_perm = c->cap_bset = CAP_FULL;
	c->cap_inh = c->cap_amb = 0;
	c->securebits = 0;
}

bool proc_capable(int cap)
{
	struct proc *p = current_proc();

	return !p || (p->cred.cap_eff & CAPB(cap));
}

/* prctl(PR_CAPBSET_DROP): needs CAP_SETPCAP (asked first, as Linux); never
 * comes back. */
static long cap_bset_drop(struct proc_cred *c, u64 cap)
{
	if (!proc_capable(CAP_SETPCAP))
		return -EPERM;
	if (cap > CAP_LAST_CAP)
		return -EINVAL;
	c->cap_bset &= ~CAPB(cap);
	return 0;
}

/* prctl(PR_CAP_AMBIENT, op, cap): Linux's cap_task_prctl. */
static long cap_ambient(struct proc_cred *c, u64 op, u64 cap, u64 arg4, u64 arg5)
{
	if (op == PR_CAP_AMBIENT_CLEAR_ALL) {
		if (cap | arg4 | arg5)
			return -EINVAL;
		c->cap_amb = 0;
		return 0;
	}
	if (cap > CAP_LAST_CAP || arg4 || arg5)
		return -EINVAL;
	switch (op) {
	case PR_CAP_AMBIENT_IS_SET:
		return (long)((c->cap_amb >> cap) & 1);
	case PR_CAP_AMBIENT_RAISE:
		if (!(c->cap_perm & c->cap_inh & CAPB(cap)) ||
		    (c->securebits & SECBIT_NO_CAP_AMBIENT_RAISE))
			return -EPERM;
		c->cap_amb |= CAPB(cap);
		return 0;
	case PR_CAP_AMBIENT_LOWER:
		c->cap_amb &= ~CAPB(cap);
		return 0;
	default:
		return -EINVAL;
	}
}

/* prctl(PR_SET_SECUREBITS): CAP_SETPCAP, known bits only, and a locked bit
 * (or a lock) never changes. */
static long cap_set_securebits(struct proc_cred *c, u64 bits)
{
	u64 locked = (c->securebits & SECURE_ALL_LOCKS) >> 1;

	if ((locked & (c->securebits ^ bits)) || (c->securebits & SECURE_ALL_LOCKS & ~bits) ||
	    (bits & ~(u64)(SECURE_ALL_LOCKS | SECURE_ALL_BITS)) || !proc_capable(CAP_SETPCAP))
		return -EPERM;
	c->securebits = (u32)bits;
	return 0;
}

static long cap_set_keepcaps(struct proc_cred *c, u64 on)
{
	if (on > 1)
		return -EINVAL;
	if (c->securebits & SECBIT_KEEP_CAPS_LOCKED)
		return -EPERM;
	c->securebits = on ? c->securebits | SECBIT_KEEP_CAPS : c->securebits & ~SECBIT_KEEP_CAPS;
	return 0;
}

long cap_prctl(int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5)
{
	struct proc_cred *c = &cur_proc()->cred;

	switch (option) {
	case PR_CAPBSET_READ:
		return arg2 > CAP_LAST_CAP ? -EINVAL : (long)((c->cap_bset >> arg2) & 1);
	case PR_CAPBSET_DROP:
		return cap_bset_drop(c, arg2);
	case PR_CAP_AMBIENT:
		return cap_ambient(c, arg2, arg3, arg4, arg5);
	case PR_GET_SECUREBITS:
		return c->securebits;
	case PR_SET_SECUREBITS:
		return cap_set_securebits(c, arg2);
	case PR_GET_KEEPCAPS:
		return !!(c->securebits & SECBIT_KEEP_CAPS);
	case PR_SET_KEEPCAPS:
		return cap_set_keepcaps(c, arg2);
	default:
		return -EINVAL;
	}
}

/* Linux's cap_emulate_setxuid: old_uid[3] were the ids before a set*uid.
 * (Its fsuid fixup adds nothing here: SIS's fsuid is the euid.) */
void cap_setuid_fixup(struct proc_cred *c, const u32 old_uid[3])
{
	bool was_root = !old_uid[0] || !old_uid[1] || !old_uid[2];

	if (c->securebits & SECBIT_NO_SETUID_FIXUP)
		return;
	if (was_root && c->uid[0] && c->uid[1] && c->uid[2]) {
		if (!(c->securebits & SECBIT_KEEP_CAPS))
			c->cap_perm = c->cap_eff = 0;
		c->cap_amb = 0; /* setresuid to non-root then execve drops them all */
	}
	if (!old_uid[1] && c->uid[1])
		c->cap_eff = 0;
	if (old_uid[1] && !c->uid[1])
		c->cap_eff = c->cap_perm;
}

/* execve of a program without file capabilities (Linux's
 * cap_bprm_creds_from_file with root's fixups; no set-id bits in SIS, so
 * the ambient set stays). */
void cap_exec(struct proc_cred *c)
{
	bool root_eff = false;
	u64 perm = 0;

	if (!(c->securebits & SECBIT_NOROOT)) {
		if (!c->uid[0] || !c->uid[1])
			perm = c->cap_bset | c->cap_inh; /* Linux: (bset | pI) for root */
		root_eff = !c->uid[1];
	}
	c->cap_perm = perm | c->cap_amb;
	c->cap_eff = root_eff ? c->cap_perm : c->cap_amb;
	c->securebits &= ~SECBIT_KEEP_CAPS;
}

/* The number of data structs for hdr's version, or -EINVAL after writing
 * version 3 back (Linux's cap_validate_magic). */
static int cap_version(struct cap_user_header *uhdr)
{
	u32 version, v3 = _LINUX_CAPABILITY_VERSION_3;

	if (copy_from_user(&version, &uhdr->version, sizeof(version)))
		return -EFAULT;
	if (version == _LINUX_CAPABILITY_VERSION_1)
		return 1;
	if (version == _LINUX_CAPABILITY_VERSION_2 || version == _LINUX_CAPABILITY_VERSION_3)
		return 2;
	if (copy_to_user(&uhdr->version, &v3, sizeof(v3)))
		return -EFAULT;
	return -EINVAL;
}

static struct proc *cap_target(int pid)
{
	struct thread *th;

	if (pid == 0)
		return cur_proc();
	th = thread_find(pid);
	return th ? th->proc : NULL;
}

SYSCALL_DEFINE2(capget, struct cap_user_header *, uhdr, struct cap_user_data *, udata)
{
	struct cap_user_data d[2];
	const struct proc_cred *c;
	struct proc *p;
	int n = cap_version(uhdr), pid;

	if (!udata || n < 0)
		return (!udata && n == -EINVAL) ? 0 : n;
	if (copy_from_user(&pid, &uhdr->pid, sizeof(pid)))
		return -EFAULT;
	if (pid < 0)
		return -EINVAL;
	p = cap_target(pid);
	if (!p)
		return -ESRCH;
	c = &p->cred;
	for (int i = 0; i < 2; i++) {
		d[i].effective = (u32)(c->cap_eff >> (32 * i));
		d[i].permitted = (u32)(c->cap_perm >> (32 * i));
		d[i].inheritable = (u32)(c->cap_inh >> (32 * i));
	}
	return copy_to_user(udata, d, (size_t)n * sizeof(d[0])) ? -EFAULT : 0;
}

static bool cap_subset(u64 a, u64 b)
{
	return !(a & ~b);
}

SYSCALL_DEFINE2(capset, struct cap_user_header *, uhdr, const struct cap_user_data *, udata)
{
	struct cap_user_data d[2] = { 0 };
	struct proc_cred *c = &cur_proc()->cred;
	u64 eff = 0, perm = 0, inh = 0;
	int n = cap_version(uhdr), pid;

	if (n < 0)
		return n;
	if (copy_from_user(&pid, &uhdr->pid, sizeof(pid)))
		return -EFAULT;
	if (pid != 0 && pid != cur_proc()->pid)
		return -EPERM;
	if (copy_from_user(d, udata, (size_t)n * sizeof(d[0])))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		eff |= (u64)d[i].effective << (32 * i);
		perm |= (u64)d[i].permitted << (32 * i);
		inh |= (u64)d[i].inheritable << (32 * i);
	}
	eff &= CAP_FULL;
	perm &= CAP_FULL;
	inh &= CAP_FULL;
	/* Linux's cap_capset: raising an inheritable bit needs CAP_SETPCAP
	 * unless it is permitted; the others only drop. */
	if (!(c->cap_eff & CAPB(CAP_SETPCAP)) && !cap_subset(inh, c->cap_inh | c->cap_perm))
		return -EPERM;
	if (!cap_subset(inh, c->cap_inh | c->cap_bset))
		return -EPERM;
	if (!cap_subset(perm, c->cap_perm) || !cap_subset(eff, perm))
		return -EPERM;
	c->cap_eff = eff;
	c->cap_perm = perm;
	c->cap_inh = inh;
	c->cap_amb &= perm & inh; /* ambient stays within both */
	return 0;
}
