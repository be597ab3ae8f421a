/*
 * /proc/processes: one line per process, "PID PPID PGID STATE NAME", from
 * the process layer's snapshot (proc_snapshot). Read by /bin/ps.
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/init.h>
#include <sis/proc.h>
#include <sis/vfs.h>

static long show_processes(char *buf, size_t size)
{
	int n = proc_snapshot(NULL, 0), count;
	struct proc_info *v;
	size_t len = 0;

	if (n < 0)
		return n;
	v = kmalloc((size_t)(n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	count = MIN(proc_snapshot(v, n + 1), n + 1);
	for (int i = 0; i < count; i++) {
		int w = ksnprintf(len < size ? buf + len : NULL, len < size ? size - len : 0,
				  "%d %d %d %c %s\n", v[i].pid, v[i].ppid, v[i].pgid, v[i].state,
				  v[i].name);

		len += (size_t)w;
	}
	kfree(v);
	return (long)len;
}

static int procfs_ps_init(void)
{
	return vfs_add_generated("/proc/processes", show_processes);
}
INITCALL(INIT_LATE, procfs_ps_init);
