/*
 * Private interface between the VFS tree (vfs.c) and its open-file side
 * (vfs_file.c). Nothing outside src/kern/vfs*.c includes this.
 */
#ifndef SIS_KERN_VFS_INTERNAL_H
#define SIS_KERN_VFS_INTERNAL_H

#include <sis/vfs.h>

struct vfs_dirent;

/* Directory iteration by getdents64 cookie (entries start at 2): the entry
 * at or after pos, and the one after d (NULL at the end). */
struct vfs_dirent *vfs_dir_seek(struct inode *dir, u64 pos);
struct vfs_dirent *vfs_dir_next(struct inode *dir, struct vfs_dirent *d);
void vfs_dirent_info(const struct vfs_dirent *d, const char **name, struct inode **ino,
		     u64 *cookie);
bool vfs_dir_empty(struct inode *dir);
/* Number of subdirectories (for st_nlink of a directory). */
unsigned vfs_dir_subdirs(struct inode *dir);

/* Regular file contents: readable bytes, and a writable area at [off,
 * off+len) made by growing the file as needed (ERR_PTR -EFBIG/-ENOMEM). */
const char *vfs_reg_contents(const struct inode *ino);
char *vfs_reg_write_area(struct inode *ino, size_t off, size_t len);
/* Make a regular file's contents size bytes at data, memory the VFS does
 * not own (the initrd), dropping any written contents. */
void vfs_reg_set_ro(struct inode *ino, const char *data, size_t size);

/* vfs_filemap.c: the contents changed at [off, off+len) / were cut to size;
 * the inode is being freed. */
void filemap_written(struct inode *ino, size_t off, size_t len);
void filemap_truncated(struct inode *ino, size_t size);
void filemap_release(struct inode *ino);

/* Find or create path's last component with mode (the type of a new object).
 * Referenced inode or ERR_PTR; -EEXIST if excl and it exists. */
struct inode *vfs_create_at(struct inode *base, const char *path, u32 mode, bool excl,
			    bool *created);
/* Same, never following a symbolic link in the last component (O_NOFOLLOW). */
struct inode *vfs_create_nofollow(struct inode *base, const char *path, u32 mode, bool excl,
				  bool *created);
/* Run a generated directory's refresh (before listing it). */
void vfs_dir_refresh(struct inode *dir);

/* mkdir -p of an absolute, writable path (cut at each '/' and restored):
 * the last directory, referenced, or ERR_PTR; and of its directory part. */
struct inode *vfs_mkdir_parents(char *path);
int vfs_make_parent_dirs(char *path);

/* /dev/null and /dev/zero (vfs_file.c), called once the tree exists. */
int vfs_devices_init(void);

#endif
