/*
 * Shell input parsing: words with '...' (literal), "..." (with $ and \
 * escapes) and \ quoting; $NAME ${NAME} $? $$ $# $0-$9 $@ and a leading ~
 * expanded while the word is read (no field splitting); * ? [ patterns in
 * an unquoted word's last path component expand to the matching names;
 * operators ; & | && || and redirections < > >> N< N> N>> N>&M N<&M;
 * # comments; NAME=value words before a command.
 */
#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

/* ---- arena --------------------------------------------------------------- */
struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[] __attribute__((aligned(16)));
};

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->blocks;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->size - b->used < n) {
		size_t size = n > 8192 ? n : 8192;

		b = malloc(sizeof(*b) + size);
		if (!b) {
			fputs("sh: out of memory\n", stderr);
			exit(2);
		}
		b->size = size;
		b->used = 0;
		b->next = a->blocks;
		a->blocks = b;
	}
	b->used += n;
	return memset(b->data + b->used - n, 0, n);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	return p;
}

void arena_free(struct arena *a)
{
	while (a->blocks) {
		struct arena_block *next = a->blocks->next;

		free(a->blocks);
		a->blocks = next;
	}
}

/* ---- words ----------------------------------------------------------------- */

/* A growing string for the word being read. */
struct buf {
	char s[SH_MAX_LINE];
	size_t n;
	bool overflow;
};

static void put(struct buf *b, char c)
{
	if (b->n + 1 < sizeof(b->s))
		b->s[b->n++] = c;
	else
		b->overflow = true;
}

static void puts_buf(struct buf *b, const char *s)
{
	while (s && *s)
		put(b, *s++);
}

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Whether $ and ~ are expanded (off for the first, structural pass). */
static bool expanding;

/* Expand the $ expression at *pp (just after the '$') into b. */
static void expand_dollar(const char **pp, struct buf *b)
{
	const char *p = *pp;
	char name[128];
	size_t n = 0;

	if (*p == '{') {
		const char *end = strchr(p, '}');

		if (!end) {
			put(b, '$');
			return;
		}
		n = (size_t)(end - p - 1) < sizeof(name) - 1 ? (size_t)(end - p - 1) : sizeof(name) - 1;
		memcpy(name, p + 1, n);
		p = end + 1;
	} else if (*p && strchr("?$!#@*0123456789", *p)) {
		name[n++] = *p++;
	} else if (is_name_start(*p)) {
		while (is_name_char(*p) && n < sizeof(name) - 1)
			name[n++] = *p++;
	} else {
		put(b, '$'); /* a lone '$' is literal */
		return;
	}
	name[n] = '\0';
	if (expanding)
		puts_buf(b, sh_lookup(name));
	*pp = p;
}

/* Characters that end an unquoted word. */
static bool is_word_end(char c)
{
	return !c || strchr(" \t\n;&|<>", c);
}

/*
 * Read one word starting at *pp into b, handling quotes and expansions.
 * Returns false with *err set on an unterminated quote.
 */
static bool read_word(const char **pp, struct buf *b, bool *quoted, bool *glob,
		      const char **err)
{
	const char *p = *pp;

	bool plain = true; /* no quote, escape or expansion: may be a pattern */

	*quoted = false;
	*glob = false;
	if (expanding && *p == '~' && (is_word_end(p[1]) || p[1] == '/')) {
		puts_buf(b, sh_lookup("HOME"));
		p++;
		plain = false;
	}
	while (!is_word_end(*p)) {
		char c = *p++;

		if (c == '\\' || c == '\'' || c == '"' || c == '$')
			plain = false;
		if (c == '\\') {
			if (*p == '\n')
				p++; /* line continuation */
			else if (*p)
				put(b, *p++);
		} else if (c == '\'') {
			const char *end = strchr(p, '\'');

			*quoted = true;
			if (!end) {
				*err = "unterminated '";
				return false;
			}
			while (p < end)
				put(b, *p++);
			p++;
		} else if (c == '"') {
			*quoted = true;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1])) {
					if (p[1] != '\n')
						put(b, p[1]);
					p += 2;
				} else if (*p == '$') {
					p++;
					expand_dollar(&p, b);
				} else {
					put(b, *p++);
				}
			}
			if (*p != '"') {
				*err = "unterminated \"";
				return false;
			}
			p++;
		} else if (c == '$') {
			expand_dollar(&p, b);
		} else {
			if (c == '*' || c == '?' || c == '[')
				*glob = true; /* unquoted, so a pattern */
			put(b, c);
		}
	}
	if (b->overflow) {
		*err = "word too long";
		return false;
	}
	b->s[b->n] = '\0';
	*glob = *glob && plain;
	*pp = p;
	return true;
}

/* ---- commands and pipelines ------------------------------------------------ */

struct parser {
	struct arena *a;
	const char *p;
	const char *err;
	struct pipeline *head, **tail;
	struct pipeline *cur;
	struct command *cmd;
	const char *pipe_start;   /* source text of the current pipeline */
};

static struct command *new_command(struct parser *ps)
{
	if (!ps->cur)
		ps->cur = arena_alloc(ps->a, sizeof(*ps->cur));
	if (ps->cur->ncmds == SH_MAX_CMDS) {
		ps->err = "pipeline too long";
		return NULL;
	}
	ps->cmd = arena_alloc(ps->a, sizeof(*ps->cmd));
	ps->cur->cmds[ps->cur->ncmds++] = ps->cmd;
	return ps->cmd;
}

static bool is_assignment(const char *w)
{
	if (!is_name_start(*w))
		return false;
	while (is_name_char(*w))
		w++;
	return *w == '=';
}

/* Add a word to the current command (as an assignment if it is one). */
static bool add_word(struct parser *ps, const char *w, const char *raw_start, bool quoted)
{
	struct command *c = ps->cmd ? ps->cmd : new_command(ps);

	if (!c)
		return false;
	/* NAME=... counts only if NAME itself was not quoted or expanded. */
	if (c->argc == 0 && is_assignment(w) && is_assignment(raw_start) && !(quoted && *raw_start == '"')) {
		if (c->nassign == SH_MAX_ASSIGN) {
			ps->err = "too many assignments";
			return false;
		}
		c->assign[c->nassign++] = arena_strndup(ps->a, w, strlen(w));
		return true;
	}
	if (c->argc == SH_MAX_ARGS) {
		ps->err = "too many arguments";
		return false;
	}
	c->argv[c->argc++] = arena_strndup(ps->a, w, strlen(w));
	return true;
}

/* ---- pathname expansion ------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * An unquoted word with * ? or [ in its last path component: the names that
 * match it in that directory (sorted; a leading '.' only matched by a '.'),
 * added as words. True if it matched something; false leaves the word to be
 * taken literally, as POSIX says. Patterns in directory components, and
 * words with quotes, escapes or $ in them, are not expanded.
 */
static bool add_glob(struct parser *ps, const char *pat)
{
	const char *slash = strrchr(pat, '/'), *name = slash ? slash + 1 : pat;
	size_t dlen = slash ? (size_t)(slash - pat) + 1 : 0;
	char dir[512], *found[SH_MAX_ARGS];
	int n = 0;
	DIR *d;
	struct dirent *e;

	if (dlen >= sizeof(dir) || strpbrk(pat, "*?[") < name || !*name)
		return false;
	memcpy(dir, pat, dlen);
	dir[dlen] = '\0';
	d = opendir(dlen ? dir : ".");
	if (!d)
		return false;
	while ((e = readdir(d)) && n < SH_MAX_ARGS) {
		if (e->d_name[0] == '.' && name[0] != '.')
			continue;
		if (fnmatch(name, e->d_name, 0) != 0)
			continue;
		found[n] = arena_alloc(ps->a, dlen + strlen(e->d_name) + 1);
		memcpy(found[n], dir, dlen);
		strcpy(found[n] + dlen, e->d_name);
		n++;
	}
	closedir(d);
	if (!n)
		return false;
	qsort(found, (size_t)n, sizeof(found[0]), cmp_names);
	for (int i = 0; i < n; i++)
		if (!add_word(ps, found[i], "", false))
			return true; /* ps->err says why */
	return true;
}

/* Finish the current pipeline (its text ends at end) with connector conn /
 * background flag. */
static bool end_pipeline(struct parser *ps, const char *end, enum connector conn,
			 bool background, bool required)
{
	struct pipeline *pl = ps->cur;

	if (!pl || !pl->ncmds || (ps->cmd && !ps->cmd->argc && !ps->cmd->nassign &&
				  !ps->cmd->nredir)) {
		if (required || pl) {
			ps->err = "syntax error near an operator";
			return false;
		}
		return true;
	}
	while (end > ps->pipe_start && strchr(" \t\n;&", end[-1]))
		end--;
	pl->text = arena_strndup(ps->a, ps->pipe_start, (size_t)(end - ps->pipe_start));
	pl->next = conn;
	pl->background = background;
	*ps->tail = pl;
	ps->tail = &pl->link;
	ps->cur = NULL;
	ps->cmd = NULL;
	return true;
}

/* A redirection operator at ps->p; fd is an explicit number or -1. */
static bool parse_redir(struct parser *ps, int fd)
{
	struct command *c = ps->cmd ? ps->cmd : new_command(ps);
	struct redir *r;
	struct buf *b;
	bool quoted, glob;
	char op = *ps->p++;

	if (!c)
		return false;
	if (c->nredir == SH_MAX_REDIRS) {
		ps->err = "too many redirections";
		return false;
	}
	r = &c->redir[c->nredir++];
	r->fd = fd >= 0 ? fd : (op == '<' ? 0 : 1);
	r->kind = op == '<' ? REDIR_IN : REDIR_OUT;
	if (op == '>' && *ps->p == '>') {
		r->kind = REDIR_APPEND;
		ps->p++;
	}
	if (*ps->p == '&' && isdigit((unsigned char)ps->p[1])) {
		r->kind = REDIR_DUP;
		r->dup_from = (int)strtol(ps->p + 1, (char **)&ps->p, 10);
		return true;
	}
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
	if (is_word_end(*ps->p)) {
		ps->err = "missing file name after redirection";
		return false;
	}
	b = arena_alloc(ps->a, sizeof(*b));
	if (!read_word(&ps->p, b, &quoted, &glob, &ps->err)) /* a file name: not globbed */
		return false;
	r->path = arena_strndup(ps->a, b->s, b->n);
	return true;
}

/* An operator at ps->p (; & | && || newline). */
static bool parse_operator(struct parser *ps)
{
	const char *op = ps->p;
	char c = *ps->p++;

	if (c == '|' && *ps->p == '|') {
		ps->p++;
		return end_pipeline(ps, op, CONN_OR, false, true);
	}
	if (c == '&' && *ps->p == '&') {
		ps->p++;
		return end_pipeline(ps, op, CONN_AND, false, true);
	}
	if (c == '|') {
		if (!ps->cmd || (!ps->cmd->argc && !ps->cmd->nredir)) {
			ps->err = "syntax error near |";
			return false;
		}
		ps->cmd = NULL;
		return new_command(ps) != NULL;
	}
	if (c == '&')
		return end_pipeline(ps, op, CONN_SEQ, true, true);
	return end_pipeline(ps, op, CONN_SEQ, false, c == ';');
}

/* One word, or a number directly followed by a redirection operator. */
static bool parse_word(struct parser *ps)
{
	const char *start = ps->p;
	struct buf *b = arena_alloc(ps->a, sizeof(*b));
	bool quoted, glob;

	if (isdigit((unsigned char)*start)) {
		const char *q = start;

		while (isdigit((unsigned char)*q))
			q++;
		if (*q == '<' || *q == '>') {
			ps->p = q;
			return parse_redir(ps, atoi(start));
		}
	}
	if (!read_word(&ps->p, b, &quoted, &glob, &ps->err))
		return false;
	if (glob && expanding && add_glob(ps, b->s))
		return !ps->err;
	return add_word(ps, b->s, start, quoted);
}

struct pipeline *sh_parse(struct arena *a, const char *text, bool expand, const char **err)
{
	struct parser ps = { .a = a, .p = text };

	expanding = expand;
	ps.tail = &ps.head;
	while (!ps.err) {
		while (*ps.p == ' ' || *ps.p == '\t')
			ps.p++;
		if (!*ps.p)
			break;
		if (!ps.cur && !strchr(";&|\n#", *ps.p))
			ps.pipe_start = ps.p;
		if (*ps.p == '#') {
			while (*ps.p && *ps.p != '\n')
				ps.p++;
		} else if (*ps.p == '<' || *ps.p == '>') {
			parse_redir(&ps, -1);
		} else if (strchr(";&|\n", *ps.p)) {
			parse_operator(&ps);
		} else {
			parse_word(&ps);
		}
	}
	if (!ps.err && ps.cur) {
		if (ps.cmd && !ps.cmd->argc && !ps.cmd->nassign && !ps.cmd->nredir)
			ps.err = "syntax error: command expected after |";
		else
			end_pipeline(&ps, ps.p, CONN_SEQ, false, false);
	}
	if (!ps.err)
		for (struct pipeline *pl = ps.head; pl; pl = pl->link)
			if (!pl->link && pl->next != CONN_SEQ)
				ps.err = "syntax error: command expected after && or ||";
	*err = ps.err;
	return ps.err ? NULL : ps.head;
}
