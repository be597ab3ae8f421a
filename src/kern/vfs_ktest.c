/*
 * ktest=vfs: the VFS kernel API as other subsystems use it, run after boot
 * in kernel context (cwd = "/"): vfs_write_whole/vfs_read_whole,
 * vfs_open_kernel with kernel_read/kernel_write, O_CREAT|O_EXCL and
 * O_TRUNC, mkdir/rename/unlink, a generated file, path edge cases, and no
 * heap growth once everything is removed again.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/init.h>
#include <sis/file.h>
#include <sis/vfs.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/stat.h>

#define KCHECK(cond)                                                     \
	do {                                                             \
		if (!(cond)) {                                           \
			log_err("ktest vfs: line %d: %s", __LINE__, #cond); \
			failures++;                                      \
		}                                                        \
	} while (0)

static int failures;

static long show_counter(char *buf, size_t size)
{
	return ksnprintf(buf, size, "generated %d\n", 42);
}

static void check_whole_files(void)
{
	void *data;
	size_t len;

	KCHECK(vfs_write_whole("/tmp/kt.txt", "abc", 3) == 0);
	KCHECK(vfs_write_whole("/tmp/kt.txt", "hello", 5) == 0); /* truncates */
	KCHECK(vfs_read_whole("/tmp/kt.txt", &data, &len) == 0 && len == 5 &&
	       memcmp(data, "hello", 6) == 0); /* NUL after the data */
	if (len == 5)
		kfree(data);
	KCHECK(vfs_read_whole("/tmp", &data, &len) == -EISDIR);
	KCHECK(vfs_read_whole("/tmp/missing", &data, &len) == -ENOENT);
	KCHECK(vfs_read_whole("/dev/null", &data, &len) == -EACCES);
	KCHECK(vfs_write_whole("/nodir/x", "x", 1) == -ENOENT);
}

static void check_open_kernel(void)
{
	struct file *f;
	char buf[16] = { 0 };

	f = vfs_open_kernel("/tmp/kt.txt", O_RDWR | O_APPEND);
	KCHECK(!IS_ERR(f));
	if (IS_ERR(f))
		return;
	KCHECK(kernel_write(f, " world", 6) == 6);
	f->pos = 0;
	KCHECK(kernel_read(f, buf, sizeof(buf)) == 11 && memcmp(buf, "hello world", 11) == 0);
	KCHECK(kernel_read(f, buf, sizeof(buf)) == 0);
	file_put(f);
	KCHECK(PTR_ERR(vfs_open_kernel("/tmp/kt.txt", O_CREAT | O_EXCL | O_WRONLY)) == -EEXIST);
	f = vfs_open_kernel("/tmp/kt.txt", O_WRONLY | O_TRUNC);
	KCHECK(!IS_ERR(f) && file_inode(f)->reg.size == 0);
	if (!IS_ERR(f)) {
		KCHECK(kernel_read(f, buf, 1) == -EBADF);
		file_put(f);
	}
	f = vfs_open_kernel("/dev/null", O_RDONLY);
	KCHECK(!IS_ERR(f) && kernel_read(f, buf, 1) == -EINVAL);
	if (!IS_ERR(f))
		file_put(f);
}

static void check_tree(void)
{
	struct inode *ino;
	struct inode *dir;
	struct file *f;

	KCHECK(vfs_mkdir_at(NULL, "/tmp/ktd", 0755) == 0);
	KCHECK(vfs_mkdir_at(NULL, "/tmp/ktd/", 0755) == -EEXIST);
	KCHECK(vfs_rename_at(NULL, "/tmp/kt.txt", NULL, "/tmp/ktd/f", 0) == 0);
	ino = vfs_lookup("/tmp/./ktd/../ktd//f");
	KCHECK(!IS_ERR(ino) && S_ISREG(ino->mode));
	if (!IS_ERR(ino))
		vfs_inode_put(ino);
	KCHECK(PTR_ERR(vfs_lookup("/tmp/ktd/f/")) == -ENOTDIR);
	KCHECK(PTR_ERR(vfs_lookup("")) == -ENOENT);
	KCHECK(vfs_unlink_at(NULL, "/tmp/ktd", true) == -ENOTEMPTY);
	KCHECK(vfs_unlink_at(NULL, "/tmp/ktd/f", false) == 0);
	KCHECK(vfs_unlink_at(NULL, "/tmp/ktd", true) == 0);
	KCHECK(vfs_unlink_at(NULL, "/", true) == -EBUSY);

	/* Links: made, followed, counted and removed without a leak. */
	KCHECK(vfs_write_whole("/tmp/kt.lnk", "x", 1) == 0);
	KCHECK(vfs_symlink_at(NULL, "/tmp/kt.sym", "kt.lnk") == 0);
	ino = vfs_lookup("/tmp/kt.sym");
	KCHECK(!IS_ERR(ino) && S_ISREG(ino->mode));
	if (!IS_ERR(ino)) {
		KCHECK(vfs_link_at(ino, NULL, "/tmp/kt.hard") == 0);
		KCHECK(ino->nlink == 2);
		vfs_inode_put(ino);
	}
	KCHECK(vfs_unlink_at(NULL, "/tmp/kt.sym", false) == 0);
	KCHECK(vfs_unlink_at(NULL, "/tmp/kt.lnk", false) == 0);
	KCHECK(vfs_unlink_at(NULL, "/tmp/kt.hard", false) == 0);

	KCHECK(vfs_add_generated("/proc/ktest/counter", show_counter) == 0);
	KCHECK(vfs_add_generated("/proc/ktest/counter", show_counter) == -EEXIST);
	f = vfs_open_kernel("/proc/ktest/counter", O_RDONLY);
	KCHECK(!IS_ERR(f));
	if (!IS_ERR(f))
		file_put(f);
	KCHECK(PTR_ERR(vfs_open_kernel("/proc/ktest/counter", O_WRONLY)) == -EACCES);
	KCHECK(vfs_unlink_at(NULL, "/proc/ktest/counter", false) == -EPERM); /* the kernel's */
	dir = vfs_lookup("/proc");
	KCHECK(!IS_ERR(dir));
	if (IS_ERR(dir))
		return;
	KCHECK(vfs_gen_remove(dir, "ktest") == 0); /* the directory and its file */
	KCHECK(vfs_gen_remove(dir, "ktest") == -ENOENT);
	vfs_inode_put(dir);
}

static int ktest_vfs(void)
{
	struct mm_stats before, after;

	failures = 0;
	check_whole_files(); /* warm up size classes before measuring */
	vfs_unlink_at(NULL, "/tmp/kt.txt", false);
	mm_get_stats(&before);
	check_whole_files();
	check_open_kernel();
	check_tree();
	mm_get_stats(&after);
	KCHECK(after.heap_bytes_in_use == before.heap_bytes_in_use);
	log_info("ktest vfs: %d failures (heap %lu -> %lu bytes)", failures,
		 (unsigned long)before.heap_bytes_in_use, (unsigned long)after.heap_bytes_in_use);
	return failures ? 1 : 0;
}
KTEST("vfs", ktest_vfs);
