/* The picolibc side of the translation tables: see xlat.h. */

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <time.h>
#include "xlat.h"
#include "xlat_names.h"

#ifndef AT_EACCESS
#define AT_EACCESS 1
#endif

#define VALUE(name) name,
const int __sis_pico_errno[] = { SIS_ERRNO_NAMES(VALUE) };
const int __sis_pico_signal[] = { SIS_SIGNAL_NAMES(VALUE) };
const int __sis_pico_oflag[] = { SIS_OFLAG_NAMES(VALUE) };
const int __sis_pico_clock[] = { SIS_CLOCK_NAMES(VALUE) };

const struct sis_xlat_consts __sis_pico_consts = SIS_XLAT_CONSTS_INIT;
