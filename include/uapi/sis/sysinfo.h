/*
 * sysinfo() and getrandom() of the SIS ABI: Linux's struct sysinfo
 * (include/uapi/linux/sysinfo.h, 112 bytes on arm64) and GRND_* flags.
 * SIS reports memory with mem_unit = 1 (bytes); freeram is exact to the page
 * (the free-page count times 4096), which leak tests rely on.
 */
#ifndef UAPI_SIS_SYSINFO_H
#define UAPI_SIS_SYSINFO_H

#include <stdint.h>

struct linux_sysinfo {
	int64_t uptime;          /* seconds since boot */
	uint64_t loads[3];       /* 1, 5, 15 minute load averages << 16 */
	uint64_t totalram;
	uint64_t freeram;
	uint64_t sharedram;
	uint64_t bufferram;
	uint64_t totalswap;
	uint64_t freeswap;
	uint16_t procs;          /* number of processes */
	uint16_t pad;
	uint64_t totalhigh;
	uint64_t freehigh;
	uint32_t mem_unit;       /* bytes per unit of the *ram fields */
	char _f[4];
};

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002
#define GRND_INSECURE 0x0004

#endif
