/* prctl(2) options of the SIS ABI (Linux include/uapi/linux/prctl.h). */
#ifndef UAPI_SIS_PRCTL_H
#define UAPI_SIS_PRCTL_H

#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define SIS_TASK_COMM_LEN 16 /* names are cut to 15 bytes and a NUL */

#endif
