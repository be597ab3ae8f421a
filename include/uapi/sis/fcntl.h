/*
 * open()/fcntl() flags and *at() constants of the SIS ABI: Linux's values for
 * arm64 (arch/arm64/include/uapi/asm/fcntl.h over asm-generic/fcntl.h). Note
 * arm64 differs from asm-generic in four flags: O_DIRECTORY 040000,
 * O_NOFOLLOW 0100000, O_DIRECT 0200000, O_LARGEFILE 0400000.
 * picolibc's <fcntl.h> numbers these differently; the user runtime translates.
 */
#ifndef UAPI_SIS_FCNTL_H
#define UAPI_SIS_FCNTL_H

#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NOCTTY 00000400
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DSYNC 00010000
#define O_ASYNC 00020000 /* FASYNC: SIGIO to the owner on I/O */
#define O_DIRECTORY 00040000
#define O_NOFOLLOW 00100000
#define O_DIRECT 00200000
#define O_LARGEFILE 00400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define O_SYNC 04010000
#define O_PATH 010000000
#define __O_TMPFILE 020000000
#define O_TMPFILE (__O_TMPFILE | O_DIRECTORY) /* an unnamed file in that directory */
#define O_NDELAY O_NONBLOCK

/* fcntl() commands */
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_SETOWN 8
#define F_GETOWN 9
#define F_SETSIG 10
#define F_GETSIG 11
#define F_SETOWN_EX 15
#define F_GETOWN_EX 16
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define F_SETLEASE 1024
#define F_GETLEASE 1025
#define F_NOTIFY 1026 /* dnotify: signal on changes in a directory */

/* F_NOTIFY's events (Linux's DN_*) */
#define DN_ACCESS 0x00000001    /* a file in it was read */
#define DN_MODIFY 0x00000002    /* written or truncated */
#define DN_CREATE 0x00000004    /* a name created (or moved in) */
#define DN_DELETE 0x00000008    /* a name removed (or moved out) */
#define DN_RENAME 0x00000010    /* renamed within the directory */
#define DN_ATTRIB 0x00000020    /* mode, owner or times changed */
#define DN_MULTISHOT 0x80000000 /* stay armed after the first event */

/* F_SETOWN_EX/F_GETOWN_EX */
#define F_OWNER_TID 0
#define F_OWNER_PID 1
#define F_OWNER_PGRP 2
struct f_owner_ex {
	int type;
	int pid;
};
#define FD_CLOEXEC 1

/* Record locks (struct flock as Linux arm64 lays it out: 32 bytes). */
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
struct sis_flock {
	short l_type;
	short l_whence;
	long l_start;
	long l_len;
	int l_pid;
	int __pad;
};

/* *at() */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS 0x200
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000

/* access()/faccessat() modes */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* splice/tee/vmsplice flags (Linux's include/linux/splice.h) */
#define SPLICE_F_MOVE 1     /* a hint: move pages, not copy */
#define SPLICE_F_NONBLOCK 2 /* the pipe side does not wait */
#define SPLICE_F_MORE 4     /* more data follows (a socket's MSG_MORE) */
#define SPLICE_F_GIFT 8     /* vmsplice: the pages are the pipe's */
#define SPLICE_F_ALL (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)

/* lseek() */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#endif
