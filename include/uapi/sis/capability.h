/*
 * capget(2)/capset(2) (Linux's include/uapi/linux/capability.h): the
 * header's version says how many data structs follow (1 for version 1,
 * 2 for versions 2 and 3, bits 0-31 then 32-63).
 */
#ifndef UAPI_SIS_CAPABILITY_H
#define UAPI_SIS_CAPABILITY_H

#include <stdint.h>

#define _LINUX_CAPABILITY_VERSION_1 0x19980330
#define _LINUX_CAPABILITY_VERSION_2 0x20071026 /* deprecated, works as 3 */
#define _LINUX_CAPABILITY_VERSION_3 0x20080522

struct cap_user_header {
	uint32_t version;
	int pid;
};

struct cap_user_data {
	uint32_t effective;
	uint32_t permitted;
	uint32_t inheritable;
};

#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_FSETID 4
#define CAP_KILL 5
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_LINUX_IMMUTABLE 9
#define CAP_NET_BIND_SERVICE 10
#define CAP_NET_ADMIN 12
#define CAP_NET_RAW 13
#define CAP_IPC_LOCK 14
#define CAP_IPC_OWNER 15
#define CAP_SYS_ADMIN 21
#define CAP_SYS_RESOURCE 24
#define CAP_MKNOD 27
#define CAP_LEASE 28
#define CAP_LAST_CAP 40 /* CAP_CHECKPOINT_RESTORE, Linux 5.9 */

#endif
