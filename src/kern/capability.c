/*
 * Capabilities (capabilities(7)): each process has effective, permitted
 * and inheritable sets and a bounding set (every capability until
 * prctl(PR_CAPBSET_DROP)); there are no file capabilities, ambient set or
 * securebits. Root starts with the full set; setuid/setresuid & co change
 * the sets as Linux's cap_emulate_setxuid does, execve as a program
 * without file capabilities gets them (the bounding set for root, empty
 * for anyone else). Privilege checks ask proc_capable(CAP_x), which reads
 * the effective set.
 *
 * capget/capset take the v1 (one 32-bit word) or v2/v3 (two) layout; an
 * unknown version is EINVAL with version 3 written back into the header
 * (capget with a NULL data pointer succeeds then: how libcap probes).
 */
#include <sis/kernel.h>
#include <sis/syscall.h>
#include <sis/uaccess.h>
#include <uapi/sis/capability.h>
#include "proc_internal.h"

#define CAP_FULL ((1ULL << (CAP_LAST_CAP + 1)) - 1)

#define CAPB(cap) (1ULL << (cap))

void cap_init_root(struct proc_cred *c)
{
	c->cap_eff = c->cap_perm = c->cap_bset = CAP_FULL;
	c->cap_inh = 0;
}

bool proc_capable(int cap)
{
	struct proc *p = current_proc();

	return !p || (p->cred.cap_eff & CAPB(cap));
}

/* prctl(PR_CAPBSET_READ): 1 if cap is in the bounding set; EINVAL past the last. */
long cap_bset_read(u64 cap)
{
	if (cap > CAP_LAST_CAP)
		return -EINVAL;
	return (cur_proc()->cred.cap_bset >> cap) & 1;
}

/* prctl(PR_CAPBSET_DROP): needs CAP_SETPCAP; never comes back. */
long cap_bset_drop(u64 cap)
{
	if (cap > CAP_LAST_CAP)
		return -EINVAL;
	if (!proc_capable(CAP_SETPCAP))
		return -EPERM;
	cur_proc()->cred.cap_bset &= ~CAPB(cap);
	return 0;
}

/* Linux's cap_emulate_setxuid: old_uid[3] were the ids before a set*uid.
 * (Its fsuid fixup adds nothing here: SIS's fsuid is the euid.) */
void cap_setuid_fixup(struct proc_cred *c, const u32 old_uid[3])
{
	bool was_root = !old_uid[0] || !old_uid[1] || !old_uid[2];

	if (was_root && c->uid[0] && c->uid[1] && c->uid[2])
		c->cap_perm = c->cap_eff = 0;
	if (!old_uid[1] && c->uid[1])
		c->cap_eff = 0;
	if (old_uid[1] && !c->uid[1])
		c->cap_eff = c->cap_perm;
}

/* execve of a program without file capabilities (Linux's
 * cap_bprm_creds_from_file with root's fixups; no set-id bits in SIS). */
void cap_exec(struct proc_cred *c)
{
	if (!c->uid[0] || !c->uid[1]) {
		c->cap_perm = c->cap_bset | c->cap_inh; /* Linux: (inh | bset) for root */
		c->cap_eff = c->uid[1] ? 0 : c->cap_perm;
	} else {
		c->cap_perm = c->cap_eff = 0;
	}
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
	return 0;
}
