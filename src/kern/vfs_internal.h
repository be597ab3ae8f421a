/*
 * Private interface between the VFS tree (vfs.c), its names (vfs_namei.c)
 * and its open-file side (vfs_file.c). Nothing outside src/kern/vfs*.c
 * includes this.
 */
#ifndef SIS_KERN_VFS_INTERNAL_H
#define SIS_KERN_VFS_INTERNAL_H

#include <sis/vfs.h>

/* A name in a directory (its fields: vfs.c and vfs_namei.c only). */
struct vfs_dirent {
	struct list_head node;   /* in dir->dir.entries, creation order */
	struct list_head hash;   /* in name_hash[], found by (dir, name) */
	struct inode *dir;       /* the directory holding it */
	struct inode *inode;     /* counted in inode->nlink */
	struct list_head alias_node; /* in inode->aliases */
	u64 cookie;              /* getdents64 position of this entry (>= 2) */
	size_t name_len;
	char name[];             /* NUL-terminated */
};

/*
 * The tree's primitives (vfs.c), for vfs_namei.c. Memory charged to the
 * tree (vfs_alloc: ERR_PTR -ENOSPC/-ENOMEM). A new inode, referenced once
 * (ERR_PTR); vfs_inode_free frees one never linked or no longer held and
 * returns the parent a directory held (for the caller to put), else NULL.
 */
void *vfs_alloc(size_t size);
void vfs_free(void *p);
struct inode *vfs_inode_new(u32 mode);
struct inode *vfs_inode_free(struct inode *ino);
/* Contents changed: mtime and ctime. */
void vfs_touch_modified(struct inode *ino);
/* dir's entry called name (len bytes), or NULL; generated entries are not
 * refreshed first (vfs_dir_refresh). */
struct vfs_dirent *vfs_dir_find(struct inode *dir, const char *name, size_t len);
/* A removed directory: takes no new entries. */
bool vfs_dir_dead(const struct inode *dir);
/* Add name -> child in dir (name must not exist). 0, -ENOENT (dir is
 * dead), -ENOSPC or -ENOMEM. */
int vfs_dir_link(struct inode *dir, const char *name, size_t len, struct inode *child);
/* Take entry d out of dir, leaving its inode's nlink and refs alone. */
void vfs_dir_drop_entry(struct inode *dir, struct vfs_dirent *d);
/* Remove entry d from dir; frees the inode if nothing else holds it. */
void vfs_dir_unlink(struct inode *dir, struct vfs_dirent *d);

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

/* vfs_namei.c: find or create path's last component with mode (the type
 * of a new object), how a set of VFS_LC_*. Referenced inode or ERR_PTR;
 * -EEXIST with VFS_LC_EXCL if it exists. */
#define VFS_LC_EXCL 1u    /* the name must not exist (-EEXIST) */
#define VFS_LC_FOLLOW 2u  /* follow a symbolic link in the last component (not with VFS_LC_EXCL) */
#define VFS_LC_KERNEL 4u  /* the kernel's own names: also in generated directories */
struct inode *vfs_lookup_create(struct inode *base, const char *path, u32 mode, unsigned how,
				bool *created);

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
