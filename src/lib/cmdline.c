/*
 * Kernel command line: splitting (pure, host-tested) and dispatch to the
 * options subsystems register with CMDLINE_OPTION().
 *
 * Options live in the linker section "cmdline_options"; the kernel linker
 * script (and GNU ld for the host tests) brackets it with
 * __start_cmdline_options/__stop_cmdline_options. The generic options live
 * here too: loglevel=N, quiet and init=PATH.
 *
 * Strings handed to option handlers and init arguments point into a private
 * copy of the line and stay valid until the next cmdline_parse() (which the
 * kernel calls once, at boot).
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/cmdline.h>

#define DEFAULT_INIT "/sbin/init"

static char line[CMDLINE_MAX];	/* the line as given */
static char words[CMDLINE_MAX]; /* split copy: option values and init args */
static const char *init_argv[CMDLINE_MAX_INIT_ARGS + 1]; /* NULL-terminated */
static int init_argc;
static const char *current_key; /* key being dispatched, for prefix options */
static const char *init_path;	/* init=PATH, NULL if not given */

extern const struct cmdline_option __start_cmdline_options[], __stop_cmdline_options[];

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Cut the next word out of *pos: strip its quotes in place, NUL-terminate it
 * and advance *pos past it. *separator tells whether it was a bare "--".
 * Options take double quotes only (as Linux's parser); init arguments
 * (singles: past the "--") also take single quotes, inside which a double
 * quote is literal and the other way round, as a shell reads them. With dry
 * the line is only scanned, not changed. NULL when only spaces are left;
 * *unterminated when a quote is still open at the end of the line.
 */
static char *next_word(char **pos, bool singles, bool dry, bool *separator, bool *unterminated)
{
	char *r = *pos, *w, *word;
	char quote = 0;
	bool had_quotes = false;

	while (is_space(*r))
		r++;
	if (!*r) {
		*pos = r;
		return NULL;
	}
	word = w = r;
	for (; *r && (quote || !is_space(*r)); r++) {
		if ((!quote && (*r == '"' || (singles && *r == '\''))) || *r == quote) {
			quote = quote ? 0 : *r;
			had_quotes = true;
			continue;
		}
		if (!dry)
			*w++ = *r;
	}
	*unterminated = quote != 0;
	/* Without quotes the word is its text as given, dry or not. */
	*separator = !had_quotes && r - word == 2 && word[0] == '-' && word[1] == '-';
	if (*r)
		r++; /* past the space that ends the word, before w may overwrite it */
	if (!dry)
		*w = '\0';
	*pos = r;
	return word;
}

/* Every quote closed, with the same word rules as the real split. */
static bool quotes_balanced(char *s)
{
	char *pos = s;
	bool separator, unterminated, for_init = false;

	while (next_word(&pos, for_init, true, &separator, &unterminated)) {
		if (unterminated)
			return false;
		for_init |= separator;
	}
	return true;
}

static void report_option(char *word, int (*opt)(const char *, const char *, void *), void *ctx)
{
	char *eq = strchr(word, '=');

	if (!opt || !*word)
		return;
	if (eq) {
		*eq = '\0';
		opt(word, eq + 1, ctx);
	} else {
		opt(word, NULL, ctx);
	}
}

int cmdline_split(char *s, int (*opt)(const char *key, const char *value, void *ctx), void *ctx,
		  const char **init_argv_out, int max_init_args)
{
	char *pos = s, *word;
	bool separator, unterminated, for_init = false;
	int argc = 0, dropped = 0;

	if (!quotes_balanced(s))
		return -EINVAL;
	while ((word = next_word(&pos, for_init, false, &separator, &unterminated))) {
		if (!for_init && separator)
			for_init = true;
		else if (!for_init)
			report_option(word, opt, ctx);
		else if (argc < max_init_args)
			init_argv_out[argc++] = word;
		else
			dropped++;
	}
	return dropped ? -E2BIG : argc;
}

/* "ip." matches "ip.eth1" (something must follow the dot); others match exactly. */
static bool option_matches(const char *name, const char *key)
{
	size_t n = strlen(name);

	if (n && name[n - 1] == '.')
		return strncmp(name, key, n) == 0 && key[n] != '\0';
	return strcmp(name, key) == 0;
}

/* cmdline_split() callback: run every matching handler, warn if none. */
static int dispatch(const char *key, const char *value, void *ctx)
{
	bool found = false;

	(void)ctx;
	for (const struct cmdline_option *o = __start_cmdline_options; o < __stop_cmdline_options;
	     o++) {
		int err;

		if (!option_matches(o->name, key))
			continue;
		found = true;
		current_key = key;
		err = o->handler(value);
		current_key = NULL;
		if (err)
			log_warn("cmdline: bad %s%s%s (%d), ignored", key, value ? "=" : "",
				 value ? value : "", err);
	}
	if (!found)
		log_warn("cmdline: unknown option '%s' ignored", key);
	return 0;
}

int cmdline_parse(const char *s)
{
	size_t len;
	int n;

	if (!s)
		s = "";
	line[0] = '\0';
	init_argc = 0;
	init_argv[0] = NULL;
	init_path = NULL;
	len = strnlen(s, CMDLINE_MAX);
	if (len >= CMDLINE_MAX) {
		log_err("cmdline: longer than %d bytes, ignored", CMDLINE_MAX - 1);
		return -E2BIG;
	}
	memcpy(line, s, len + 1);
	memcpy(words, s, len + 1);
	n = cmdline_split(words, dispatch, NULL, init_argv, CMDLINE_MAX_INIT_ARGS);
	if (n == -EINVAL) {
		log_warn("cmdline: unterminated quote, options ignored");
		return n;
	}
	if (n == -E2BIG)
		log_warn("cmdline: more than %d init arguments, extra ones dropped",
			 CMDLINE_MAX_INIT_ARGS);
	init_argc = n < 0 ? CMDLINE_MAX_INIT_ARGS : n;
	init_argv[init_argc] = NULL;
	return n < 0 ? n : 0;
}

const char *cmdline_get(void)
{
	return line;
}

const char *cmdline_current_key(void)
{
	return current_key;
}

int cmdline_init_argc(void)
{
	return init_argc;
}

const char *const *cmdline_init_argv(void)
{
	return init_argv;
}

const char *cmdline_init_path(void)
{
	return init_path ? init_path : DEFAULT_INIT;
}

/* Decimal without sign or junk; 0 or -EINVAL. */
static int parse_uint(const char *s, unsigned *out)
{
	unsigned v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (~0U - 9) / 10)
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return 0;
}

/* loglevel=N: 0 errors only .. 3 debug. */
static int loglevel_option(const char *value)
{
	unsigned lvl;

	if (parse_uint(value, &lvl) || lvl > LOG_DEBUG)
		return -EINVAL;
	log_set_level((enum log_level)lvl);
	return 0;
}
CMDLINE_OPTION("loglevel", loglevel_option);

/* quiet: only warnings and errors. */
static int quiet_option(const char *value)
{
	if (value)
		return -EINVAL;
	log_set_level(LOG_WARN);
	return 0;
}
CMDLINE_OPTION("quiet", quiet_option);

/* init=PATH: the first user program. */
static int init_option(const char *value)
{
	if (!value || !*value)
		return -EINVAL;
	init_path = value;
	return 0;
}
CMDLINE_OPTION("init", init_option);
