/* poweroff: power the machine off (sync, then reboot(RB_POWER_OFF)). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/reboot.h>

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	sync();
	reboot(RB_POWER_OFF);
	perror("poweroff");
	return 1;
}
