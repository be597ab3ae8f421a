/* Some programs include <sys/termios.h>; it is <termios.h>. */
#include <termios.h>
