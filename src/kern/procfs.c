/*
 * /proc/meminfo, /proc/uptime, /proc/interrupts (the GIC driver's
 * irq_show) and /proc/self, in Linux's formats (proc(5)), as generated
 * read-only files and links of the VFS (vfs_add_generated, vfs_gen_link).
 * The per-process directories are in procfs_pid.c, the network files under
 * /proc/net in src/net/procnet.c.
 */
#include <sis/init.h>
#include <sis/irq.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/sched.h>
#include <sis/softirq.h>
#include <sis/timer.h>
#include <sis/vfs.h>
#include <sis/proc.h>

/*
 * MemTotal: pages the allocator manages; MemFree and MemAvailable: free
 * pages (nothing is reclaimable: there is no page cache to drop); Slab: the
 * kernel heap in use (kmalloc), where Linux reports its slab allocator.
 */
static long meminfo_show(char *buf, size_t size)
{
	struct mm_stats st;

	mm_get_stats(&st);
	return ksnprintf(buf, size,
			 "MemTotal:       %8lu kB\n"
			 "MemFree:        %8lu kB\n"
			 "MemAvailable:   %8lu kB\n"
			 "Slab:           %8lu kB\n",
			 (unsigned long)(st.total_pages * (PAGE_SIZE / 1024)),
			 (unsigned long)(st.free_pages * (PAGE_SIZE / 1024)),
			 (unsigned long)(st.free_pages * (PAGE_SIZE / 1024)),
			 (unsigned long)(st.heap_bytes_in_use / 1024));
}

/* "UPTIME IDLE\n": seconds since boot and seconds the CPU spent idle, with
 * two decimals as Linux prints them. */
static long uptime_show(char *buf, size_t size)
{
	unsigned long up = time_ns() / (NSEC_PER_SEC / 100);
	unsigned long idle = sched_idle_ticks() * (100 / HZ);

	return ksnprintf(buf, size, "%lu.%02lu %lu.%02lu\n", up / 100, up % 100, idle / 100,
			 idle % 100);
}

/* /proc/self: the caller's own directory. */
static long self_show(long arg, char *buf, size_t size)
{
	struct proc *p = current_proc();

	(void)arg;
	if (!p)
		return -ENOENT;
	return ksnprintf(buf, size, "%d", proc_pid(p));
}

static int procfs_self_init(void)
{
	struct inode *dir = vfs_lookup("/proc");
	int err;

	if (IS_ERR(dir))
		return (int)PTR_ERR(dir);
	err = vfs_gen_link(dir, "self", self_show, 0);
	vfs_inode_put(dir);
	return err;
}

static int procfs_init(void)
{
	int err = vfs_add_generated("/proc/meminfo", meminfo_show);

	if (!err)
		err = vfs_add_generated("/proc/uptime", uptime_show);
	if (!err)
		err = vfs_add_generated("/proc/interrupts", irq_show);
	if (!err)
		err = vfs_add_generated("/proc/softirqs", softirq_show);
	if (!err)
		err = procfs_self_init();
	if (err)
		log_warn("procfs: cannot add /proc files: %d", err);
	return err;
}
INITCALL(INIT_LATE, procfs_init);
