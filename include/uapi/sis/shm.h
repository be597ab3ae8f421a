/*
 * System V shared memory (shmget(2), shmat(2), shmctl(2)): Linux's values
 * and arm64's struct shmid64_ds (asm-generic/shmbuf.h, 112 bytes). The
 * IPC_* values are in sem.h.
 */
#ifndef UAPI_SIS_SHM_H
#define UAPI_SIS_SHM_H

#include <stdint.h>

#define SHM_RDONLY 010000  /* shmat: read-only */
#define SHM_RND 020000     /* round the address down to SHMLBA */
#define SHM_REMAP 040000   /* replace what is mapped there */
#define SHM_EXEC 0100000
#define SHM_DEST 01000     /* shm_perm.mode: removed, alive while attached */
#define SHMLBA 4096        /* arm64's (PAGE_SIZE) */

#define SHMMIN 1
#define SHMMNI 128         /* segments (Linux: 4096) */

struct sis_ipc64_perm {
	int32_t key;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode;
	uint16_t seq;
	uint16_t pad2;
	uint64_t unused1, unused2;
};

struct sis_shmid64_ds {
	struct sis_ipc64_perm shm_perm;
	uint64_t shm_segsz;
	int64_t shm_atime, shm_dtime, shm_ctime;
	int32_t shm_cpid, shm_lpid;
	uint64_t shm_nattch;
	uint64_t unused4, unused5;
};

#endif
