/*
 * What execve leaves for /proc/PID/exe and /proc/PID/cmdline: the
 * program's absolute path (links resolved) and its argument strings, in
 * one immutable, reference-counted object that fork shares and execve
 * replaces (procfs_pid.c). Process context only.
 */
#ifndef SIS_PROCFS_H
#define SIS_PROCFS_H

#include <sis/types.h>

struct proc_exe;

/* For an exec of path (as the caller named it) with argc NUL-terminated
 * strings at argv; NULL if memory ran out. */
struct proc_exe *proc_exe_new(const char *path, const char *argv, int argc);
/* Another reference (e may be NULL; returns e). */
struct proc_exe *proc_exe_get(struct proc_exe *e);
void proc_exe_put(struct proc_exe *e);

#endif
