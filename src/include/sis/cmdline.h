/*
 * Kernel command line (/chosen/bootargs), Linux style:
 *   key=value words and bare flags; words after "--" go to init.
 *
 * Subsystems register options with CMDLINE_OPTION(name, handler): the handler
 * gets the value (NULL for a bare flag) and returns 0 or -EINVAL (logged as a
 * warning; boot continues). A name ending in '.' matches every key with that
 * prefix (e.g. "ip." for "ip.eth1=..."), and the handler gets the full key via
 * cmdline_current_key(). Unknown options are logged and ignored.
 */
#ifndef SIS_CMDLINE_H
#define SIS_CMDLINE_H

#include <sis/types.h>

struct cmdline_option {
	const char *name;
	int (*handler)(const char *value);
};

#define CMDLINE_OPTION(optname, fn)                                              \
	static const struct cmdline_option __cmdline_##fn                        \
		__attribute__((used, section("cmdline_options"), aligned(8))) = { \
			.name = optname, .handler = fn }

#define CMDLINE_MAX 1024
#define CMDLINE_MAX_INIT_ARGS 32

/* Parse once at boot; copies the string. Returns 0 or -EINVAL/-E2BIG. */
int cmdline_parse(const char *s);
const char *cmdline_get(void);          /* the whole line as given */
const char *cmdline_current_key(void);  /* valid inside a handler */
/* Arguments after "--" (argv for init, not including argv[0]). */
int cmdline_init_argc(void);
const char *const *cmdline_init_argv(void);
/* The init=PATH option, or "/sbin/init" when none was given. */
const char *cmdline_init_path(void);

/*
 * Pure parsing core, also used by host tests: splits s (modified in place)
 * into words honouring double quotes, calls opt(key, value, ctx) for each
 * option word and collects words after "--" into init_argv (up to max).
 * A word is "key=value" (split at the first '=', value may be empty) or a bare
 * flag (value NULL); quotes are removed, so key="a b" gives the value a b.
 * opt's return value is ignored: the callback reports its own errors.
 * Returns the init argument count, -EINVAL on an unterminated quote (then
 * nothing is reported), or -E2BIG when there were more than max init
 * arguments (the first max are stored, all options were reported).
 */
int cmdline_split(char *s, int (*opt)(const char *key, const char *value, void *ctx),
		  void *ctx, const char **init_argv, int max_init_args);

#endif
