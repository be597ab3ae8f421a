/*
 * File permissions as Linux checks them (generic_permission, may_open,
 * may_create, may_delete; path_resolution(7)):
 *   - the owner's bits if the caller's uid owns the inode, else the group's
 *     if the inode's group is the caller's or one of its supplementary
 *     groups, else the others';
 *   - CAP_DAC_OVERRIDE may read and write anything and search any
 *     directory, but executes only a file with some execute bit;
 *     CAP_DAC_READ_SEARCH reads any file and reads and searches any
 *     directory (for access(2) with real ids: real uid 0, as Linux's
 *     access override gives root its permitted set);
 *   - the ids are the effective ones (Linux's fsuid/fsgid follow them),
 *     or the real ones while access(2)/faccessat(2) without AT_EACCESS
 *     runs (vfs_perm_real), including the walk to the file;
 *   - creating or removing a name needs write and search permission on
 *     its directory; in a sticky directory (S_ISVTX, /tmp) only CAP_FOWNER, the
 *     directory's owner or the file's owner may remove or replace a name.
 * The read-only generated files (/proc) keep their own -EACCES (vfs_file.c).
 */
#include <sis/kernel.h>
#include <sis/vfs.h>
#include <sis/proc.h>
#include <uapi/sis/stat.h>
#include <uapi/sis/capability.h>

static bool use_real_ids; /* access(2) is running: nothing sleeps meanwhile */

void vfs_perm_real(bool on)
{
	use_real_ids = on;
}

static u32 access_uid(void)
{
	return proc_access_uid(use_real_ids);
}

static bool capable_for_access(int cap)
{
	return use_real_ids ? access_uid() == 0 : proc_capable(cap);
}

/* Do the DAC capabilities grant mask on ino (Linux's capable_wrt_inode_uidgid
 * part of generic_permission)? */
static bool dac_override(const struct inode *ino, int mask)
{
	u32 mode = ino->mode;

	if (capable_for_access(CAP_DAC_OVERRIDE) &&
	    (!(mask & MAY_EXEC) || S_ISDIR(mode) || (mode & 0111)))
		return true;
	if (!capable_for_access(CAP_DAC_READ_SEARCH))
		return false;
	return S_ISDIR(mode) ? !(mask & MAY_WRITE) : mask == MAY_READ;
}

int vfs_permission(const struct inode *ino, int mask)
{
	u32 uid = access_uid(), mode = ino->mode, bits;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if (uid == ino->uid)
		bits = mode >> 6;
	else if (proc_access_in_group(use_real_ids, ino->gid))
		bits = mode >> 3;
	else
		bits = mode;
	if (!(mask & ~bits & 7))
		return 0;
	return dac_override(ino, mask) ? 0 : -EACCES;
}

int vfs_may_create(const struct inode *dir)
{
	return vfs_permission(dir, MAY_WRITE | MAY_EXEC);
}

int vfs_may_delete(const struct inode *dir, const struct inode *victim)
{
	u32 uid = access_uid();
	int err = vfs_permission(dir, MAY_WRITE | MAY_EXEC);

	if (err)
		return err;
	if ((dir->mode & S_ISVTX) && !proc_capable(CAP_FOWNER) && uid != dir->uid &&
	    uid != victim->uid)
		return -EPERM;
	return 0;
}
