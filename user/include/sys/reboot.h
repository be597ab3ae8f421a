/* <sys/reboot.h> for SIS: glibc's reboot(howto) with Linux's commands. */
#ifndef _SIS_SYS_REBOOT_H
#define _SIS_SYS_REBOOT_H

#include <uapi/sis/reboot.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RB_AUTOBOOT LINUX_REBOOT_CMD_RESTART
#define RB_HALT_SYSTEM LINUX_REBOOT_CMD_HALT
#define RB_POWER_OFF LINUX_REBOOT_CMD_POWER_OFF
#define RB_ENABLE_CAD LINUX_REBOOT_CMD_CAD_ON
#define RB_DISABLE_CAD LINUX_REBOOT_CMD_CAD_OFF

int reboot(int howto);

#ifdef __cplusplus
}
#endif
#endif
