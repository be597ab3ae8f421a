/*
 * kernel_poweroff(): the orderly way down (see sis/init.h). Without it a
 * program's last reply can still sit in a NIC's TX ring when QEMU exits.
 */
#include <sis/kernel.h>
#include <sis/init.h>
#include <sis/net.h>

#define SHUTDOWN_NET_DRAIN_MS 1000

void kernel_poweroff(int status)
{
	if (net_ready())
		net_quiesce(SHUTDOWN_NET_DRAIN_MS);
	machine_poweroff(status);
}
