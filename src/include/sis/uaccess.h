/*
 * Access to user memory from the kernel. Every pointer a user program passes
 * is checked before use: the whole range must lie in the current process's
 * user half and be mapped with the needed permission, else -EFAULT. The
 * kernel is uniprocessor and not preempted, so a range checked here stays
 * valid for the copy that follows.
 */
#ifndef SIS_UACCESS_H
#define SIS_UACCESS_H

#include <sis/types.h>

/* 0 or -EFAULT. */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 bytes: returns its length,
 * -EFAULT, or -ENAMETOOLONG if no NUL within max bytes. */
long strncpy_from_user(char *dst, const char *usrc, size_t max);
/* True if [uaddr, uaddr+n) is mapped for the access (write if for_write). */
bool user_range_ok(const void *uaddr, size_t n, bool for_write);

#endif
