/*
 * /etc/resolv.conf: the DNS servers the configuration learned (DHCP lease,
 * ip= or the fallback), one "nameserver A.B.C.D" line each, then the IPv6
 * ones from router advertisements (RDNSS), for user-space resolvers; at
 * most MAX_SERVERS lines (glibc's MAXNS), IPv4 first. Written at INIT_LATE, after the VFS is up, and again by the
 * "resolvd" kernel task whenever the servers change (a DHCP renewal with
 * other servers, an interface coming or going): the network softirq that
 * notices only raises a flag, files are written in process context.
 * (No lwIP headers here: lwIP's <limits.h> and sis/vfs.h both define PATH_MAX.)
 */
#include <sis/kernel.h>
#include <sis/net.h>

#include <sis/vfs.h>
#include <sis/init.h>
#include <sis/log.h>
#include <sis/mm.h>

#include "ipconfig.h"
#include "net_private.h"
#include <sis/sched.h>
#include <sis/wait.h>

#define MAX_SERVERS 3

static volatile bool resolv_dirty;
static struct wait_queue resolv_wq = WAIT_QUEUE_INIT(resolv_wq);
static bool resolv_task_up;

/* Network byte order as stored in memory -> host order. */
static u32 to_host(u32 be)
{
	return __builtin_bswap32(be);
}

static bool resolv_written; /* a file with servers exists */

#define RESOLV_TEXT_MAX (MAX_SERVERS * (12 + IPCONFIG_ADDR6_STRLEN))

/* The file's text: its length, *count the servers in it. */
static size_t resolv_text(char *text, int *count)
{
	u32 servers[MAX_SERVERS];
	u8 six[MAX_SERVERS][16];
	size_t len = 0;
	int n = net_dns_servers(servers, MAX_SERVERS), n6;

	n6 = net_dns6_servers(six, MAX_SERVERS - n);
	for (int i = 0; i < n; i++) {
		char a[16];
		len += (size_t)ksnprintf(text + len, RESOLV_TEXT_MAX - len, "nameserver %s\n",
					 ipconfig_format_addr(to_host(servers[i]), a));
	}
	for (int i = 0; i < n6; i++) {
		char a[IPCONFIG_ADDR6_STRLEN];
		len += (size_t)ksnprintf(text + len, RESOLV_TEXT_MAX - len, "nameserver %s\n",
					 ipconfig_format_addr6(six[i], a));
	}
	*count = n + n6;
	return len;
}

static int write_resolv_conf(void)
{
	char text[RESOLV_TEXT_MAX];
	int n, err;
	size_t len = resolv_text(text, &n);

	/* No servers: no file at boot; a file written before (the fallback's
	 * server, replaced by a lease without one) is emptied. */
	if (n == 0 && !resolv_written)
		return 0;
	resolv_written = n > 0;
	err = vfs_mkdir_at(NULL, "/etc", 0755);
	if (err && err != -EEXIST)
		log_warn("net: cannot create /etc (%d)", err);
	err = vfs_write_whole("/etc/resolv.conf", text, len);
	if (err)
		log_warn("net: cannot write /etc/resolv.conf (%d)", err);
	return err;
}

void net_resolv_changed(void)
{
	resolv_dirty = true;
	if (resolv_task_up)
		wake_up(&resolv_wq);
}

static void resolvd_main(void *arg)
{
	struct waiter w;

	(void)arg;
	for (;;) {
		prepare_to_wait(&resolv_wq, &w);
		if (!resolv_dirty) {
			schedule_sleep(0, false);
			finish_wait(&resolv_wq, &w);
			continue;
		}
		finish_wait(&resolv_wq, &w);
		resolv_dirty = false;
		if (!write_resolv_conf())
			log_info("net: /etc/resolv.conf rewritten: the DNS servers changed");
	}
}

static int resolv_init(void)
{
	struct task *t;
	int err = write_resolv_conf();

	resolv_dirty = false; /* what boot learned is written */
	t = task_create("resolvd", resolvd_main, NULL, false);
	if (!t) {
		log_warn("net: no resolvd task: /etc/resolv.conf will not follow DNS changes");
		return err;
	}
	resolv_task_up = true;
	sched_start(t);
	return err;
}
INITCALL(INIT_LATE, resolv_init);

/*
 * ktest=net_resolv: /etc/resolv.conf exists and names exactly the servers
 * the stack learned, in order. Prints the file.
 */
static int ktest_net_resolv(void)
{
	char expect[RESOLV_TEXT_MAX];
	int n, err;
	size_t len = resolv_text(expect, &n), got_len;
	void *data;

	err = vfs_read_whole("/etc/resolv.conf", &data, &got_len);
	if (err) {
		log_err("ktest: net_resolv: cannot read /etc/resolv.conf (%d)", err);
		return n ? 1 : 0;
	}
	log_info("ktest: net_resolv: /etc/resolv.conf:\n%s", (char *)data);
	err = got_len != len || memcmp(data, expect, len) != 0;
	kfree(data);
	return err;
}
KTEST("net_resolv", ktest_net_resolv);
