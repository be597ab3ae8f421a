/* <sys/utsname.h> for SIS: Linux's layout (uapi), filled by the kernel. */
#ifndef _SIS_SYS_UTSNAME_H
#define _SIS_SYS_UTSNAME_H

#include <uapi/sis/utsname.h>

#ifdef __cplusplus
extern "C" {
#endif

struct utsname {
	char sysname[SIS_UTSNAME_LEN];
	char nodename[SIS_UTSNAME_LEN];
	char release[SIS_UTSNAME_LEN];
	char version[SIS_UTSNAME_LEN];
	char machine[SIS_UTSNAME_LEN];
	char domainname[SIS_UTSNAME_LEN];
};
_Static_assert(sizeof(struct utsname) == sizeof(struct linux_utsname), "utsname layout");

int uname(struct utsname *u);

#ifdef __cplusplus
}
#endif
#endif
