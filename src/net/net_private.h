/*
 * Inside src/net only: lwIP types may appear here, never in sis/ headers.
 *
 * Modules: core.c (lwIP start, the network softirq, net_lock), netif.c
 * (struct netdev <-> struct netif), ipconfig.c (ip= options, DHCP and the
 * boot-time configuration), stats.c (statistics, pool usage, ktests),
 * errno.c (err_t -> -errno), ipconfig_parse.c (pure ip= parsing).
 */
#ifndef SIS_NET_PRIVATE_H
#define SIS_NET_PRIVATE_H

#include <sis/types.h>
#include <sis/netdev.h>
#include "lwip/err.h"
#include "lwip/netif.h"

/* lwIP err_t to a negative Linux errno (0 for ERR_OK). The one table. */
int net_err_to_errno(err_t err);

/* core.c */
bool net_in_softirq(void);        /* the network softirq is running */
/* Kernel context (boot thread, ktests): sleep until *flag or the deadline
 * (time_ns scale). *flag must be set from lwIP callbacks. */
void net_wait_until(volatile bool *flag, u64 deadline_ns);

/* netif.c: the lwIP netif of a registered device (NULL before INIT_NET). */
int net_netif_add(struct netdev *dev);
struct netif *net_netif_of(struct netdev *dev);
/* Interface by index as in net_iface_info(): eth0, eth1, ..., then lo; NULL
 * past the end. Its name: net_netif_name() ("eth0", "lo"). lwIP locked. */
struct netif *net_iface_netif(int index);
const char *net_netif_name(const struct netif *nif);
/* Bring netif link state in line with dev->link_up (softirq). */
void net_netif_sync_link(struct netdev *dev);
/* ipconfig.c: boot-time configuration (from net_init), and the hook netif.c
 * calls when an interface's address or link changes (lwIP context). */
int net_ipconfig_boot(void);
void net_ipconfig_status_changed(struct netif *nif);
/* core.c, after each device's poll: a DHCP renewal's DNS servers (ipconfig.c). */
void net_ipconfig_dns_check(struct netdev *dev);
/* resolv.c: the DNS servers changed after boot; /etc/resolv.conf follows
 * (written from a kernel task: the softirq does not touch files). */
void net_resolv_changed(void);
/*
 * Run-time static configuration of an Ethernet interface (SIOCSIFADDR and
 * friends): stop DHCP on it, set addr/mask/gw (network byte order; gw 0 =
 * none), move the default route to it if it has a gateway, log the change.
 * lwIP locked. 0, or -EINVAL (not one of our Ethernet interfaces).
 */
int net_ipconfig_set_static(struct netif *nif, u32 addr, u32 mask, u32 gw);

#endif
