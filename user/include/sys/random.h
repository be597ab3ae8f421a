/* <sys/random.h> for SIS: getrandom() (Linux's flags). */
#ifndef _SIS_SYS_RANDOM_H
#define _SIS_SYS_RANDOM_H

#include <sys/types.h>
#include <uapi/sis/sysinfo.h> /* GRND_* */

#ifdef __cplusplus
extern "C" {
#endif


ssize_t getrandom(void *buf, size_t len, unsigned flags);
int getentropy(void *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
