/*
 * /proc/net/sis_pools: the counters a leak check compares before and after
 * a workload. One line per lwIP memory pool ("pool NAME used max err"), then
 * "sockets N" (live struct socks), "pages_free N" (buddy allocator),
 * "heap_bytes N" (kmalloc, exact) and "heap_pages N" (the pages the heap
 * holds, partly free slabs included: pages_free + heap_pages is what a leak
 * outside the heap lowers, whatever the slabs' fragmentation),
 * "tcp_time_wait N", "tcp_tw_overflow N" and "tcp_tw_looks N" (TIME-WAIT
 * connections, those freed early at the cap, sock_tcp.c's TCP_MAX_TW, and
 * the times the cap looked at lwIP's lists). Read by
 * test/qemu/test_sock.py's leak test and the fuzzers (user/tests/sys_fuzz.c).
 */
#include <sis/socket.h>
#include <sis/init.h>
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/net.h>
#include <sis/vfs.h>
#include "sock_tcp.h"

#define SOCK_STATS_POOLS 48

/* Append to buf like snprintf, keeping the total length needed in *len. */
#define STATS_PUT(buf, size, len, ...)                                                   \
	(*(len) += (size_t)ksnprintf((buf) + MIN(*(len), (size)),                        \
				     (size) > *(len) ? (size) - *(len) : 0, __VA_ARGS__))

static long sock_stats_show(char *buf, size_t size)
{
	struct net_pool_use pools[SOCK_STATS_POOLS];
	struct mm_stats mm;
	struct tcp_tw_stats tw;
	size_t len = 0;
	int n, i;

	n = net_pool_usage(pools, SOCK_STATS_POOLS);
	for (i = 0; i < MIN(n, SOCK_STATS_POOLS); i++)
		STATS_PUT(buf, size, &len, "pool %s %u %u %u\n", pools[i].name, pools[i].used,
			  pools[i].max, pools[i].err);
	net_lock();
	STATS_PUT(buf, size, &len, "sockets %lu\n", sock_count());
	tcp_sock_tw_stats(&tw);
	net_unlock();
	STATS_PUT(buf, size, &len, "tcp_time_wait %lu\n", tw.now);
	STATS_PUT(buf, size, &len, "tcp_tw_overflow %lu\n", tw.overflow);
	STATS_PUT(buf, size, &len, "tcp_tw_looks %lu\n", tw.looks);
	mm_get_stats(&mm);
	STATS_PUT(buf, size, &len, "pages_free %zu\n", mm.free_pages);
	STATS_PUT(buf, size, &len, "heap_bytes %zu\n", mm.heap_bytes_in_use);
	STATS_PUT(buf, size, &len, "heap_pages %zu\n", mm.heap_pages);
	return (long)len;
}

static int sock_stats_init(void)
{
	int err = vfs_add_generated("/proc/net/sis_pools", sock_stats_show);

	if (err)
		log_warn("sock: /proc/net/sis_pools: error %d", err);
	return err;
}
INITCALL(INIT_LATE, sock_stats_init);
