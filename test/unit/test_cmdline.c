/*
 * Command line (src/lib/cmdline.c) on the host: the pure splitter (quotes,
 * "--", flags, key=value, empty lines, too many init arguments) and the
 * dispatcher (options registered below with CMDLINE_OPTION, prefix options,
 * unknown options, handler errors, loglevel/quiet/init, overlong lines).
 */
#include <stdlib.h>
#include <sis/kernel.h>
#include <sis/cmdline.h>

#include "unit.h"

#define MAX_SEEN 16

/* What the splitter reported. */
struct seen {
	int n;
	const char *key[MAX_SEEN];
	const char *value[MAX_SEEN];
};

static int record(const char *key, const char *value, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < MAX_SEEN) {
		s->key[s->n] = key;
		s->value[s->n] = value;
	}
	s->n++;
	return 0;
}

/* Split a copy of line; returns the result, fills *s and argv. */
static int split(const char *line, struct seen *s, const char **argv, int max, char *buf)
{
	strcpy(buf, line);
	memset(s, 0, sizeof(*s));
	return cmdline_split(buf, record, s, argv, max);
}

#define CHECK_OPT(s, i, k, v)                                                                      \
	do {                                                                                       \
		CHECK_STR((s).key[i], k);                                                          \
		if ((v) == NULL)                                                                   \
			CHECK((s).value[i] == NULL);                                               \
		else                                                                               \
			CHECK_STR((s).value[i], (const char *)(v));                                \
	} while (0)

static void test_split_words(void)
{
	char buf[256];
	const char *argv[8];
	struct seen s;

	CHECK_EQ(split("a b=c  d= =e f=g=h", &s, argv, 8, buf), 0);
	CHECK_EQ(s.n, 5);
	CHECK_OPT(s, 0, "a", NULL);
	CHECK_OPT(s, 1, "b", "c");
	CHECK_OPT(s, 2, "d", "");
	CHECK_OPT(s, 3, "", "e");
	CHECK_OPT(s, 4, "f", "g=h");

	CHECK_EQ(split("", &s, argv, 8, buf), 0);
	CHECK_EQ(s.n, 0);
	CHECK_EQ(split(" \t\n  \r ", &s, argv, 8, buf), 0);
	CHECK_EQ(s.n, 0);
	CHECK_EQ(split("\tx=1\n\ny\t", &s, argv, 8, buf), 0);
	CHECK_EQ(s.n, 2);
	CHECK_OPT(s, 0, "x", "1");
	CHECK_OPT(s, 1, "y", NULL);
	CHECK_EQ(split("z", &s, NULL, 0, buf), 0); /* no init storage needed */
	CHECK_EQ(s.n, 1);
}

static void test_split_quotes(void)
{
	char buf[256];
	const char *argv[8];
	struct seen s;

	CHECK_EQ(split("x=\"hello world\" y=a\"b c\"d \"z=1 2\" \"\" q=\"\"", &s, argv, 8, buf), 0);
	CHECK_EQ(s.n, 4); /* the empty word "" is no option */
	CHECK_OPT(s, 0, "x", "hello world");
	CHECK_OPT(s, 1, "y", "ab cd");
	CHECK_OPT(s, 2, "z", "1 2");
	CHECK_OPT(s, 3, "q", "");

	CHECK_EQ(split("a=1 b=\"unterminated c=2", &s, argv, 8, buf), -EINVAL);
	CHECK_EQ(s.n, 0); /* nothing reported from a malformed line */
	CHECK_EQ(split("\"", &s, argv, 8, buf), -EINVAL);
	CHECK_EQ(split("a -- \"b", &s, argv, 8, buf), -EINVAL);
	CHECK_EQ(s.n, 0);
}

static void test_split_init_args(void)
{
	char buf[256];
	const char *argv[8];
	struct seen s;

	CHECK_EQ(split("a -- b \"c d\" -- e=f", &s, argv, 8, buf), 4);
	CHECK_EQ(s.n, 1);
	CHECK_OPT(s, 0, "a", NULL);
	CHECK_STR(argv[0], "b");
	CHECK_STR(argv[1], "c d");
	CHECK_STR(argv[2], "--");  /* only the first -- separates */
	CHECK_STR(argv[3], "e=f"); /* init words are not split at '=' */

	CHECK_EQ(split("--", &s, argv, 8, buf), 0);
	CHECK_EQ(s.n, 0);
	CHECK_EQ(split("-- \"\"", &s, argv, 8, buf), 1);
	CHECK_STR(argv[0], "");
	CHECK_EQ(split("\"--\" x", &s, argv, 8, buf), 0); /* quoted: an option word */
	CHECK_EQ(s.n, 2);
	CHECK_OPT(s, 0, "--", NULL);
	CHECK_EQ(split("--x -- y", &s, argv, 8, buf), 1);
	CHECK_OPT(s, 0, "--x", NULL);

	/* Init arguments take single quotes too (as README's -c 'ls -l /bin'). */
	CHECK_EQ(split("-- -c 'ls -l /bin'", &s, argv, 8, buf), 2);
	CHECK_STR(argv[0], "-c");
	CHECK_STR(argv[1], "ls -l /bin");
	CHECK_EQ(split("-- 'a \"b' \"c 'd\" e'f g'h ''", &s, argv, 8, buf), 4);
	CHECK_STR(argv[0], "a \"b");
	CHECK_STR(argv[1], "c 'd");
	CHECK_STR(argv[2], "ef gh");
	CHECK_STR(argv[3], "");
	CHECK_EQ(split("x -- 'open", &s, argv, 8, buf), -EINVAL);
	CHECK_EQ(s.n, 0);
	CHECK_EQ(split("x='a b' -- c", &s, argv, 8, buf), 1); /* options: ' is a letter */
	CHECK_OPT(s, 0, "x", "'a");
	CHECK_OPT(s, 1, "b'", NULL);
	CHECK_EQ(split("x=\"it's\" -- '--' --", &s, argv, 8, buf), 2);
	CHECK_OPT(s, 0, "x", "it's");
	CHECK_STR(argv[0], "--");
	CHECK_STR(argv[1], "--");

	CHECK_EQ(split("o -- 1 2 3 4", &s, argv, 2, buf), -E2BIG);
	CHECK_EQ(s.n, 1);
	CHECK_STR(argv[0], "1");
	CHECK_STR(argv[1], "2");
	CHECK_EQ(split("-- 1 2", &s, argv, 2, buf), 2);
}

/* Options registered for the dispatcher tests. */
static struct {
	int flag_calls, val_calls, prefix_calls;
	const char *val, *prefix_key, *prefix_val;
} got;

static int flag_option(const char *value)
{
	got.flag_calls++;
	return value ? -EINVAL : 0;
}
CMDLINE_OPTION("tflag", flag_option);

static int val_option(const char *value)
{
	got.val_calls++;
	got.val = value;
	CHECK_STR(cmdline_current_key(), "tval");
	return value && strcmp(value, "bad") == 0 ? -EINVAL : 0;
}
CMDLINE_OPTION("tval", val_option);

static int prefix_option(const char *value)
{
	got.prefix_calls++;
	got.prefix_key = cmdline_current_key();
	got.prefix_val = value;
	return 0;
}
CMDLINE_OPTION("tnet.", prefix_option);

static int parse_quiet(const char *line)
{
	int rc;

	memset(&got, 0, sizeof(got));
	unit_log_reset();
	unit_log_quiet(true);
	rc = cmdline_parse(line);
	unit_log_quiet(false);
	return rc;
}

static void test_parse_dispatch(void)
{
	const char *line = "tflag tval=\"1 2\" tnet.eth1=10.0.0.2/24 tnet.=x tnetz unknown=3 "
			   "loglevel=3 init=/bin/sh -- -v \"a b\"";

	CHECK_EQ(parse_quiet(line), 0);
	CHECK_STR(cmdline_get(), line);
	CHECK_EQ(got.flag_calls, 1);
	CHECK_EQ(got.val_calls, 1);
	CHECK_STR(got.val, "1 2");
	CHECK_EQ(got.prefix_calls, 1);
	CHECK_STR(got.prefix_key, "tnet.eth1");
	CHECK_STR(got.prefix_val, "10.0.0.2/24");
	CHECK(cmdline_current_key() == NULL);
	CHECK_EQ(unit_log_count(LOG_WARN), 3); /* tnet., tnetz, unknown */
	CHECK_EQ(unit_log_level(), LOG_DEBUG);
	CHECK_STR(cmdline_init_path(), "/bin/sh");
	CHECK_EQ(cmdline_init_argc(), 2);
	CHECK_STR(cmdline_init_argv()[0], "-v");
	CHECK_STR(cmdline_init_argv()[1], "a b");
	CHECK(cmdline_init_argv()[2] == NULL);

	/* Handler errors are warnings; parsing goes on. */
	CHECK_EQ(parse_quiet("tflag=1 tval=bad tval=ok"), 0);
	CHECK_EQ(got.flag_calls, 1);
	CHECK_EQ(got.val_calls, 2);
	CHECK_STR(got.val, "ok");
	CHECK_EQ(unit_log_count(LOG_WARN), 2);
	CHECK_STR(cmdline_init_path(), "/sbin/init"); /* reset by a new parse */
	CHECK_EQ(cmdline_init_argc(), 0);
	CHECK(cmdline_init_argv()[0] == NULL);
}

static void test_parse_generic_options(void)
{
	CHECK_EQ(parse_quiet("quiet"), 0);
	CHECK_EQ(unit_log_level(), LOG_WARN);
	CHECK_EQ(parse_quiet("loglevel=0"), 0);
	CHECK_EQ(unit_log_level(), LOG_ERR);
	CHECK_EQ(parse_quiet("loglevel=2 quiet"), 0); /* the last one wins */
	CHECK_EQ(unit_log_level(), LOG_WARN);
	CHECK_EQ(parse_quiet("loglevel=1"), 0);
	CHECK_EQ(parse_quiet("loglevel=4 loglevel=x loglevel= loglevel loglevel=-1 "
			     "loglevel=99999999999 quiet=1"),
		 0);
	CHECK_EQ(unit_log_count(LOG_WARN), 7);
	CHECK_EQ(unit_log_level(), LOG_WARN); /* unchanged since loglevel=1 */
	CHECK_EQ(parse_quiet("init= init"), 0);
	CHECK_EQ(unit_log_count(LOG_WARN), 2);
	CHECK_STR(cmdline_init_path(), "/sbin/init");
	CHECK_EQ(parse_quiet("init=\"/bin/my shell\""), 0);
	CHECK_STR(cmdline_init_path(), "/bin/my shell");
}

static void test_parse_limits(void)
{
	char *line = malloc(CMDLINE_MAX + 1);
	char args[200] = "--";

	CHECK_EQ(parse_quiet(""), 0);
	CHECK_STR(cmdline_get(), "");
	CHECK_EQ(parse_quiet(NULL), 0);
	CHECK_EQ(cmdline_init_argc(), 0);

	memset(line, 'a', CMDLINE_MAX);
	line[CMDLINE_MAX] = '\0';
	CHECK_EQ(parse_quiet(line), -E2BIG); /* 1024 characters: one too many */
	CHECK_EQ(unit_log_count(LOG_ERR), 1);
	CHECK_STR(cmdline_get(), "");
	line[CMDLINE_MAX - 1] = '\0';
	line[0] = 't';
	memcpy(line, "tval=", 5);
	CHECK_EQ(parse_quiet(line), 0); /* 1023 fit */
	CHECK_EQ(got.val_calls, 1);
	CHECK_EQ(strlen(got.val), CMDLINE_MAX - 1 - 5);

	CHECK_EQ(parse_quiet("tflag \"tval=x"), -EINVAL);
	CHECK_EQ(got.flag_calls, 0);
	CHECK_EQ(unit_log_count(LOG_WARN), 1);

	for (int i = 0; i < CMDLINE_MAX_INIT_ARGS + 3; i++)
		strcat(args, " x");
	strcat(args, " last");
	CHECK_EQ(parse_quiet(args), -E2BIG);
	CHECK_EQ(cmdline_init_argc(), CMDLINE_MAX_INIT_ARGS);
	CHECK(cmdline_init_argv()[CMDLINE_MAX_INIT_ARGS] == NULL);
	CHECK_STR(cmdline_init_argv()[CMDLINE_MAX_INIT_ARGS - 1], "x");
	free(line);
}

int main(void)
{
	test_split_words();
	test_split_quotes();
	test_split_init_args();
	test_parse_dispatch();
	test_parse_generic_options();
	test_parse_limits();
	return unit_finish("cmdline");
}
