/*
 * The registry of network devices (see sis/netdev.h). Devices register from
 * INIT_DEV probes, in address order, and are never removed: a device that
 * fails later is marked dead by its driver and stays in the table.
 */
#include <sis/kernel.h>
#include <sis/netdev.h>
#include <sis/log.h>

static struct netdev *devices[NETDEV_MAX];
static int n_devices;

int netdev_register(struct netdev *dev)
{
	if (n_devices >= NETDEV_MAX) {
		log_warn("netdev: more than %d devices, ignoring the one at 0x%08lx", NETDEV_MAX,
			 (unsigned long)dev->base);
		return -ENOSPC;
	}
	dev->index = n_devices;
	ksnprintf(dev->name, sizeof(dev->name), "eth%d", n_devices);
	devices[n_devices++] = dev;
	return 0;
}

int netdev_count(void)
{
	return n_devices;
}

struct netdev *netdev_get(int index)
{
	return index >= 0 && index < n_devices ? devices[index] : NULL;
}

void netdev_format_mac(const u8 mac[ETH_ALEN], char *buf)
{
	ksnprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		  mac[4], mac[5]);
}
