/*
 * The initial ramdisk and VFS boot set-up: the cpio newc archive QEMU
 * loaded (boot_dt.initrd, reserved memory that stays mapped) is unpacked
 * into the tree, regular files referring to their data inside the archive
 * until first written; then /dev, /tmp (sticky, world-writable), /etc and
 * /proc are made if the archive lacked them, and /dev/null and /dev/zero.
 * Symbolic links are made as such (Debian packages are full of them).
 * Other members (devices, fifos) are skipped with a warning; hard links
 * become separate files.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/init.h>
#include <sis/devtree.h>
#include <sis/cpio.h>
#include <sis/vfs.h>
#include <uapi/sis/stat.h>
#include "vfs_internal.h"

/* Strip "./" and "/" prefixes; NULL for the archive's own "." entry. */
static const char *cpio_member_path(const char *name)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			break;
	}
	if (!name[0] || (name[0] == '.' && !name[1]))
		return NULL;
	return name;
}

/* A regular file from the archive at path (absolute, writable). */
static int unpack_file(const struct cpio_entry *e, char *path)
{
	struct inode *ino;
	bool created;
	int err = vfs_make_parent_dirs(path);

	if (err)
		return err;
	ino = vfs_create_at(vfs_root(), path, S_IFREG | (e->mode & 07777), false, &created);
	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	if (!S_ISREG(ino->mode) || ino->gen) {
		vfs_inode_put(ino);
		return -EEXIST;
	}
	/* The archive stays in reserved memory: refer to the data in place. */
	vfs_reg_set_ro(ino, e->data, e->size);
	ino->mode = S_IFREG | (e->mode & 07777);
	vfs_inode_put(ino);
	return 1;
}

/* A directory from the archive at path (absolute, writable). */
static int unpack_dir(const struct cpio_entry *e, char *path)
{
	struct inode *ino = vfs_mkdir_parents(path);

	if (IS_ERR(ino))
		return (int)PTR_ERR(ino);
	ino->mode = S_IFDIR | (e->mode & 07777);
	vfs_inode_put(ino);
	return 1;
}

/* A symbolic link from the archive (its data is the target) at path. */
static int unpack_symlink(const struct cpio_entry *e, char *path)
{
	char *target;
	int err = vfs_make_parent_dirs(path);

	if (err)
		return err;
	if (!e->size || e->size >= PATH_MAX)
		return -ENAMETOOLONG;
	target = kmalloc(e->size + 1);
	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, e->size);
	target[e->size] = '\0';
	err = vfs_symlink_at(vfs_root(), path, target);
	kfree(target);
	return err ? err : 1;
}

/* Create one archive member under the root. Returns 1 if made, 0 if skipped. */
static int unpack_member(const struct cpio_entry *e)
{
	const char *rel = cpio_member_path(e->name);
	char *path;
	int ret;

	if (!rel)
		return 0;
	if (!S_ISDIR(e->mode) && !S_ISREG(e->mode) && !S_ISLNK(e->mode)) {
		log_warn("vfs: initrd: %s: file type 0%o not supported, skipped", e->name,
			 e->mode & S_IFMT);
		return 0;
	}
	path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	if (ksnprintf(path, PATH_MAX, "/%s", rel) >= PATH_MAX)
		ret = -ENAMETOOLONG;
	else if (S_ISDIR(e->mode))
		ret = unpack_dir(e, path);
	else if (S_ISLNK(e->mode))
		ret = unpack_symlink(e, path);
	else
		ret = unpack_file(e, path);
	kfree(path);
	return ret;
}

int vfs_unpack_cpio(const void *buf, size_t len)
{
	struct cpio_entry e;
	size_t off = 0;
	int rc, made = 0;

	while ((rc = cpio_next(buf, len, &off, &e)) == 1) {
		int err = unpack_member(&e);

		if (err < 0)
			log_warn("vfs: initrd: %s: error %d, skipped", e.name, err);
		else
			made += err;
	}
	if (rc < 0) {
		log_err("vfs: initrd: malformed archive at offset %lu", (unsigned long)off);
		return -EINVAL;
	}
	return made;
}

static void unpack_initrd(void)
{
	const struct dt_reg *r = &boot_dt.initrd;
	int n;

	if (!r->size) {
		log_info("vfs: no initrd");
		return;
	}
	n = vfs_unpack_cpio(pa_to_kva(r->base), r->size);
	if (n >= 0)
		log_info("vfs: initrd unpacked: %d entries (%lu KiB)", n,
			 (unsigned long)(r->size >> 10));
}

static int vfs_init(void)
{
	static const char *const dirs[] = { "/dev", "/tmp", "/etc", "/proc" };
	struct inode *ino;

	vfs_root();
	unpack_initrd();
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char path[16];

		ksnprintf(path, sizeof(path), "%s", dirs[i]);
		ino = vfs_mkdir_parents(path);
		if (IS_ERR(ino))
			log_warn("vfs: cannot make %s: %ld", dirs[i], PTR_ERR(ino));
		else
			vfs_inode_put(ino);
	}
	ino = vfs_lookup("/tmp");
	if (!IS_ERR(ino)) {
		ino->mode = S_IFDIR | 01777;
		vfs_inode_put(ino);
	}
	return vfs_devices_init();
}
INITCALL(INIT_CORE, vfs_init);
