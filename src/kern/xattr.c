/*
 * Extended attributes: SIS's ramfs keeps none and takes none, as Linux's
 * ramfs (a file system without xattr handlers): after the usual checks of
 * the file named (-ENOENT, -ENOTDIR, -EACCES... from the lookup; -EBADF for
 * a bad or O_PATH descriptor, as Linux's fdget), every *xattr call gives
 * -EOPNOTSUPP. The name must still be a string (-EFAULT otherwise).
 */
#include <sis/kernel.h>
#include <sis/mm.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <sis/uaccess.h>
#include <sis/syscall.h>
#include <uapi/sis/fcntl.h>
#include "fs_internal.h"

#define XATTR_NAME_MAX 255

/* The attribute name (NULL for the list calls): -EFAULT, -ERANGE (too long
 * or empty, as Linux's strncpy_from_user check). */
static long check_name(const char *uname)
{
	char name[XATTR_NAME_MAX + 1];
	long n;

	if (!uname)
		return 0;
	n = strncpy_from_user(name, uname, sizeof(name));
	if (n == -ENAMETOOLONG || n == 0)
		return -ERANGE;
	return n < 0 ? n : 0;
}

static long path_xattr(const char *upath, const char *uname, bool follow)
{
	struct inode *ino = fs_at_inode(AT_FDCWD, upath, false, follow);
	long err;

	if (IS_ERR(ino))
		return PTR_ERR(ino);
	vfs_inode_put(ino);
	err = check_name(uname);
	return err ? err : -EOPNOTSUPP;
}

static long fd_xattr(int fd, const char *uname)
{
	struct file *f = fd_get(fd); /* no O_PATH descriptors: -EBADF */
	long err;

	if (!f)
		return -EBADF;
	file_put(f);
	err = check_name(uname);
	return err ? err : -EOPNOTSUPP;
}

SYSCALL_DEFINE5(setxattr, const char *, path, const char *, name, const void *, value,
		size_t, size, int, flags)
{
	(void)value, (void)size, (void)flags;
	return path_xattr(path, name, true);
}

SYSCALL_DEFINE5(lsetxattr, const char *, path, const char *, name, const void *, value,
		size_t, size, int, flags)
{
	(void)value, (void)size, (void)flags;
	return path_xattr(path, name, false);
}

SYSCALL_DEFINE5(fsetxattr, int, fd, const char *, name, const void *, value, size_t, size,
		int, flags)
{
	(void)value, (void)size, (void)flags;
	return fd_xattr(fd, name);
}

SYSCALL_DEFINE4(getxattr, const char *, path, const char *, name, void *, value, size_t, size)
{
	(void)value, (void)size;
	return path_xattr(path, name, true);
}

SYSCALL_DEFINE4(lgetxattr, const char *, path, const char *, name, void *, value, size_t, size)
{
	(void)value, (void)size;
	return path_xattr(path, name, false);
}

SYSCALL_DEFINE4(fgetxattr, int, fd, const char *, name, void *, value, size_t, size)
{
	(void)value, (void)size;
	return fd_xattr(fd, name);
}

SYSCALL_DEFINE3(listxattr, const char *, path, char *, list, size_t, size)
{
	(void)list, (void)size;
	return path_xattr(path, NULL, true);
}

SYSCALL_DEFINE3(llistxattr, const char *, path, char *, list, size_t, size)
{
	(void)list, (void)size;
	return path_xattr(path, NULL, false);
}

SYSCALL_DEFINE3(flistxattr, int, fd, char *, list, size_t, size)
{
	(void)list, (void)size;
	return fd_xattr(fd, NULL);
}

SYSCALL_DEFINE2(removexattr, const char *, path, const char *, name)
{
	return path_xattr(path, name, true);
}

SYSCALL_DEFINE2(lremovexattr, const char *, path, const char *, name)
{
	return path_xattr(path, name, false);
}

SYSCALL_DEFINE2(fremovexattr, int, fd, const char *, name)
{
	return fd_xattr(fd, name);
}
