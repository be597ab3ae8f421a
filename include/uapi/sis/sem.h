/* System V semaphores (semget(2), semctl(2), semop(2)): Linux's values. */
#ifndef UAPI_SIS_SEM_H
#define UAPI_SIS_SEM_H

#define IPC_PRIVATE 0
#define IPC_CREAT 00001000
#define IPC_EXCL 00002000
#define IPC_NOWAIT 00004000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_INFO 3
#define IPC_64 0x0100 /* glibc may OR it into semctl's cmd */

#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17

#define SEM_UNDO 0x1000

#define SEMMSL 250   /* semaphores per set (Linux's sysctl kernel.sem can be this) */
#define SEMMNI 32    /* sets */
#define SEMOPM 32    /* operations per semop */
#define SEMVMX 32767 /* largest value */

struct sis_sembuf {
	unsigned short sem_num;
	short sem_op;
	short sem_flg;
};

#endif
