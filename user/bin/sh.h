/*
 * The SIS shell: shared declarations of sh.c (execution, builtins, jobs),
 * sh_parse.c (words, quotes, $ expansion, operators) and sh_edit.c (the
 * interactive line editor and history).
 */
#ifndef SIS_SH_H
#define SIS_SH_H

#include <stdbool.h>
#include <stddef.h>

#define SH_MAX_ARGS 64     /* words per command */
#define SH_MAX_ASSIGN 16   /* NAME=value prefixes per command */
#define SH_MAX_REDIRS 8    /* redirections per command */
#define SH_MAX_CMDS 8      /* commands per pipeline */
#define SH_MAX_LINE 4096   /* bytes per input line */

/* ---- memory for one input line, freed at once -------------------------- */
struct arena {
	struct arena_block *blocks;
};
void *arena_alloc(struct arena *a, size_t n);     /* zeroed; exits on no memory */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

/* ---- parsed input -------------------------------------------------------- */
enum redir_kind { REDIR_IN, REDIR_OUT, REDIR_APPEND, REDIR_DUP };

struct redir {
	int fd;               /* the descriptor redirected */
	enum redir_kind kind;
	char *path;           /* REDIR_IN/OUT/APPEND */
	int dup_from;         /* REDIR_DUP: fd = dup of this one */
};

struct command {
	char *argv[SH_MAX_ARGS + 1];
	int argc;
	char *assign[SH_MAX_ASSIGN]; /* "NAME=value" */
	int nassign;
	struct redir redir[SH_MAX_REDIRS];
	int nredir;
};

enum connector { CONN_SEQ, CONN_AND, CONN_OR };

struct pipeline {
	struct command *cmds[SH_MAX_CMDS];
	int ncmds;
	bool background;      /* ended by '&' */
	enum connector next;  /* how the following pipeline depends on this one */
	char *text;           /* source text, for job messages */
	struct pipeline *link;
};

/*
 * Parse one line (several may be joined with newlines: they act like ';').
 * Returns the list of pipelines (NULL if empty), or sets *err to a message
 * and returns NULL on a syntax error. With expand, $ and ~ are expanded
 * (through sh_lookup()); the shell parses a line without expanding to find
 * its pipelines, then each pipeline's text again, with expansion, right
 * before running it (so "false; echo $?" sees the new status).
 */
struct pipeline *sh_parse(struct arena *a, const char *text, bool expand, const char **err);

/* Value of $name for expansion ("?", "$", "#", "0".."9", "@", or a variable);
 * NULL if unset. Provided by sh.c. */
const char *sh_lookup(const char *name);

/* ---- line editor ---------------------------------------------------------- */
/*
 * Read one line from fd into buf (NUL-terminated, no newline). On a
 * terminal: raw-mode editing with the prompt (arrows, Home/End, Delete,
 * backspace, ^A ^E ^U ^K ^W, history with up/down, ^C cancels the line, ^D
 * on an empty line is end of input). Elsewhere: plain byte reads.
 * Returns the length, or -1 at end of input.
 */
int sh_readline(int fd, const char *prompt, char *buf, size_t size);
void sh_history_add(const char *line);
void sh_history_print(void);

#endif
