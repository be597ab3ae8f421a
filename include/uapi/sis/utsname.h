/* uname() of the SIS ABI: Linux's struct new_utsname (6 fields of 65 bytes). */
#ifndef UAPI_SIS_UTSNAME_H
#define UAPI_SIS_UTSNAME_H

#define SIS_UTSNAME_LEN 65

struct linux_utsname {
	char sysname[SIS_UTSNAME_LEN];    /* "SIS" */
	char nodename[SIS_UTSNAME_LEN];
	char release[SIS_UTSNAME_LEN];
	char version[SIS_UTSNAME_LEN];
	char machine[SIS_UTSNAME_LEN];    /* "aarch64" */
	char domainname[SIS_UTSNAME_LEN];
};

#endif
