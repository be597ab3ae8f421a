/*
 * /proc/meminfo, /proc/uptime, /proc/interrupts (the GIC driver's
 * irq_show), /proc/stat, /proc/loadavg, /proc/mounts, /proc/cpuinfo and
 * /proc/sys/kernel/{tainted,ostype,osrelease,version}, /proc/version,
 * /proc/config.gz, /proc/sys/vm/min_free_kbytes and /proc/self, in Linux's
 * formats (proc(5)), as generated
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
#include <sis/version.h>
#include <sis/proc.h>
#include "proc_internal.h"
#include <sis/arch.h>
#include <sis/timer.h>

/*
 * MemTotal: pages the allocator manages; MemFree: free pages; MemAvailable:
 * those and the file mappings' cached pages nothing maps (dropped when
 * memory runs out, vfs_filemap.c); Cached: the whole cache; Slab: the
 * kernel heap in use (kmalloc), where Linux reports its slab allocator.
 */
static long meminfo_show(char *buf, size_t size)
{
	struct mm_stats st;
	size_t cached, unmapped;

	mm_get_stats(&st);
	filemap_stats(&cached, &unmapped);
	return ksnprintf(buf, size,
			 "MemTotal:       %8lu kB\n"
			 "MemFree:        %8lu kB\n"
			 "MemAvailable:   %8lu kB\n"
			 "Cached:         %8lu kB\n"
			 "Slab:           %8lu kB\n",
			 (unsigned long)(st.total_pages * (PAGE_SIZE / 1024)),
			 (unsigned long)(st.free_pages * (PAGE_SIZE / 1024)),
			 (unsigned long)((st.free_pages + unmapped) * (PAGE_SIZE / 1024)),
			 (unsigned long)(cached * (PAGE_SIZE / 1024)),
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

/* Processes in state R, all of them, and the newest one's pid. */
static void count_procs(int *running, int *total, int *newest)
{
	int n = proc_snapshot(NULL, 0);
	struct proc_info *v = kmalloc((size_t)(n + 1) * sizeof(*v));

	*running = 1; /* the reader */
	*total = n;
	*newest = 0;
	if (!v)
		return;
	n = MIN(proc_snapshot(v, n + 1), n + 1);
	*running = 0;
	for (int i = 0; i < n; i++)
		*running += v[i].state == 'R';
	if (n)
		*newest = v[n - 1].pid;
	kfree(v);
}

/*
 * One CPU: every tick not spent idle counts as user time (SIS does not
 * split user from system time), in USER_HZ ticks; btime is the wall clock
 * at boot.
 */
static long stat_show(char *buf, size_t size)
{
	unsigned long total = time_ns() / (NSEC_PER_SEC / HZ);
	unsigned long idle = MIN((unsigned long)sched_idle_ticks(), total);
	int running, procs, newest;

	count_procs(&running, &procs, &newest);
	return ksnprintf(buf, size,
			 "cpu  %lu 0 0 %lu 0 0 0 0 0 0\n"
			 "cpu0 %lu 0 0 %lu 0 0 0 0 0 0\n"
			 "btime %ld\nprocs_running %d\nprocs_blocked 0\n",
			 total - idle, idle, total - idle, idle,
			 (long)(time_realtime_offset_ns() / (s64)NSEC_PER_SEC), running);
}

/* The scheduler keeps no load averages: they read 0.00 (then running/all
 * processes and the newest pid, as Linux prints them). */
static long loadavg_show(char *buf, size_t size)
{
	int running, procs, newest;

	count_procs(&running, &procs, &newest);
	return ksnprintf(buf, size, "0.00 0.00 0.00 %d/%d %d\n", running, procs, newest);
}

/* The ramfs at / and procfs at /proc (statfs tells them apart). */
static long mounts_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "ramfs / ramfs rw 0 0\n"
				    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
}

/* ID register fields (Arm ARM D17.2) and the hwcap names Linux gives them. */
static const struct {
	unsigned shift;
	unsigned min;
	const char *name;
	bool pfr0; /* in ID_AA64PFR0_EL1, else ID_AA64ISAR0_EL1 */
} cpu_features[] = {
	{ 16, 0, "fp", true }, { 20, 0, "asimd", true }, { 4, 1, "aes", false },
	{ 4, 2, "pmull", false }, { 8, 1, "sha1", false }, { 12, 1, "sha2", false },
	{ 16, 1, "crc32", false }, { 20, 2, "atomics", false }, { 12, 2, "sha512", false },
};

static long cpuinfo_show(char *buf, size_t size)
{
	u64 midr = read_sysreg(midr_el1), isar0 = read_sysreg(id_aa64isar0_el1);
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	u64 freq = read_sysreg(cntfrq_el0);
	char feat[128];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cpu_features); i++) {
		u64 reg = cpu_features[i].pfr0 ? pfr0 : isar0;
		unsigned v = (unsigned)(reg >> cpu_features[i].shift) & 0xf;
		/* PFR0's FP/AdvSIMD: 0xf means absent, anything else present */
		bool have = cpu_features[i].pfr0 ? v != 0xf : v >= cpu_features[i].min;

		if (have)
			n += (size_t)ksnprintf(feat + n, sizeof(feat) - n, "%s%s", n ? " " : "",
					       cpu_features[i].name);
	}
	/* BogoMIPS: Linux arm64 reports twice the timer frequency in MHz. */
	return ksnprintf(buf, size,
			 "processor\t: 0\nBogoMIPS\t: %lu.%02lu\nFeatures\t: %s\n"
			 "CPU implementer\t: 0x%02lx\nCPU architecture: 8\nCPU variant\t: 0x%lx\n"
			 "CPU part\t: 0x%03lx\nCPU revision\t: %lu\n\n",
			 (unsigned long)(freq * 2 / 1000000), (unsigned long)(freq * 2 / 10000 % 100),
			 feat, (unsigned long)(midr >> 24) & 0xff, (unsigned long)(midr >> 20) & 0xf,
			 (unsigned long)(midr >> 4) & 0xfff, (unsigned long)midr & 0xf);
}

/* /proc/sys/kernel/tainted: nothing taints SIS (no modules, no oops goes on). */
static long tainted_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "0\n");
}

/* uname's sysname, release and version (sys_misc.c), as Linux's
 * /proc/sys/kernel/{ostype,osrelease,version} and /proc/version. */
static long ostype_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%s\n", UTS_SYSNAME);
}

static long osrelease_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%s\n", UTS_RELEASE);
}

static long osversion_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%s\n", UTS_VERSION);
}

static long version_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%s version %s %s\n", UTS_SYSNAME, UTS_RELEASE, UTS_VERSION);
}

/* The gzipped .config (src/kern/kconfig; kconfig_gz.c is generated by
 * tools/config_gz.py), as Linux's CONFIG_IKCONFIG_PROC serves it. */
extern const unsigned char kconfig_gz[];
extern const size_t kconfig_gz_len;

static long config_gz_show(char *buf, size_t size)
{
	if (kconfig_gz_len < size)
		memcpy(buf, kconfig_gz, kconfig_gz_len);
	return (long)kconfig_gz_len;
}

/* /proc/sys/kernel/pid_max and threads-max (read-only here): pids wrap
 * below PID_MAX; threads-max is the task limit by memory (proc.c). */
static long pid_max_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%d\n", PID_MAX);
}

static long threads_max_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%d\n", thread_max());
}

/* /proc/sys/vm/min_free_kbytes (read-only here): what user memory leaves
 * free for the kernel (page.c's reserve), Linux's watermark by meaning. */
static long min_free_show(char *buf, size_t size)
{
	return ksnprintf(buf, size, "%lu\n",
			 (unsigned long)(page_user_reserve_count() * (PAGE_SIZE / 1024)));
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
		err = vfs_add_generated("/proc/stat", stat_show);
	if (!err)
		err = vfs_add_generated("/proc/sis_sched", sched_stats_show);
	if (!err)
		err = vfs_add_generated("/proc/loadavg", loadavg_show);
	if (!err)
		err = vfs_add_generated("/proc/mounts", mounts_show);
	if (!err)
		err = vfs_add_generated("/proc/cpuinfo", cpuinfo_show);
	if (!err)
		err = vfs_add_generated("/proc/sys/kernel/tainted", tainted_show);
	if (!err)
		err = vfs_add_generated("/proc/sys/kernel/ostype", ostype_show);
	if (!err)
		err = vfs_add_generated("/proc/sys/kernel/osrelease", osrelease_show);
	if (!err)
		err = vfs_add_generated("/proc/sys/kernel/version", osversion_show);
	if (!err)
		err = vfs_add_generated("/proc/version", version_show);
	if (!err)
		err = vfs_add_generated("/proc/config.gz", config_gz_show);
	if (!err)
		err = vfs_add_generated("/proc/sys/kernel/pid_max", pid_max_show);
	if (!err)
		err = vfs_add_generated("/proc/sys/kernel/threads-max", threads_max_show);
	if (!err)
		err = vfs_add_generated("/proc/sys/vm/min_free_kbytes", min_free_show);
	if (!err)
		err = procfs_self_init();
	if (err)
		log_warn("procfs: cannot add /proc files: %d", err);
	return err;
}
INITCALL(INIT_LATE, procfs_init);
