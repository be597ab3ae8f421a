/* The Linux (kernel) side of the translation tables: see xlat.h. */
#include <uapi/sis/errno.h>
#include <uapi/sis/signal.h>
#include <uapi/sis/fcntl.h>
#include <uapi/sis/time.h>
#include "xlat.h"
#include "xlat_names.h"

#define VALUE(name) name,
const int __sis_linux_errno[] = { SIS_ERRNO_NAMES(VALUE) };
const int __sis_linux_signal[] = { SIS_SIGNAL_NAMES(VALUE) };
const int __sis_linux_oflag[] = { SIS_OFLAG_NAMES(VALUE) };
const int __sis_linux_clock[] = { SIS_CLOCK_NAMES(VALUE) };

const struct sis_xlat_consts __sis_linux_consts = SIS_XLAT_CONSTS_INIT;
