/* Parsers for /etc/resolv.conf and /etc/hosts text: see dnsconf.h. */
#include "dnsconf.h"

#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

/* A cursor over whitespace-separated words of one line. */
struct words {
	const char *p, *end;
};

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Next word of the line (stops at a "#" or ";" comment): 1 with the word, or 0. */
static int next_word(struct words *ws, const char **w, size_t *wlen)
{
	while (ws->p < ws->end && is_space(*ws->p))
		ws->p++;
	if (ws->p >= ws->end || *ws->p == '#' || *ws->p == ';')
		return 0;
	*w = ws->p;
	while (ws->p < ws->end && !is_space(*ws->p) && *ws->p != '#')
		ws->p++;
	*wlen = (size_t)(ws->p - *w);
	return 1;
}

/* Split text into lines: returns 1 with ws set to the next line, 0 at the end. */
static int next_line(const char **pos, const char *end, struct words *ws)
{
	const char *nl;

	if (*pos >= end)
		return 0;
	nl = memchr(*pos, '\n', (size_t)(end - *pos));
	ws->p = *pos;
	ws->end = nl ? nl : end;
	*pos = nl ? nl + 1 : end;
	return 1;
}

static int word_is(const char *w, size_t wlen, const char *lit)
{
	return wlen == strlen(lit) && memcmp(w, lit, wlen) == 0;
}

int dnsconf_parse_ipv4(const char *s, size_t len, uint32_t *addr_be)
{
	uint8_t b[4];
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		if (part > 0) {
			if (i >= len || s[i] != '.')
				return 0;
			i++;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return 0;
		b[part] = (uint8_t)v;
	}
	if (i != len)
		return 0;
	memcpy(addr_be, b, 4);
	return 1;
}

int dnsconf_parse_ipv6(const char *s, size_t len, uint8_t addr[16])
{
	char buf[48];   /* INET6_ADDRSTRLEN and some */

	if (len == 0 || len >= sizeof(buf) || !memchr(s, ':', len))
		return 0;
	memcpy(buf, s, len);
	buf[len] = 0;
	return inet_pton(AF_INET6, buf, addr) == 1;
}

/* A nameserver's address: "A.B.C.D", "IPV6" or "IPV6%ZONE". 1 parsed, 0 not. */
static int parse_server(const char *w, size_t wlen, struct resolv_ns *ns)
{
	const char *pct = memchr(w, '%', wlen);
	size_t alen = pct ? (size_t)(pct - w) : wlen;

	memset(ns, 0, sizeof(*ns));
	if (!pct && dnsconf_parse_ipv4(w, wlen, &ns->v4)) {
		ns->family = AF_INET;
		return 1;
	}
	if (!dnsconf_parse_ipv6(w, alen, ns->v6))
		return 0;
	if (pct) {
		size_t zlen = wlen - alen - 1;
		if (zlen == 0 || zlen >= sizeof(ns->zone))
			return 0;
		memcpy(ns->zone, pct + 1, zlen);
	}
	ns->family = AF_INET6;
	return 1;
}

/* "timeout:N" / "attempts:N" with N clamped to [lo, hi]; other options ignored. */
static void parse_option(const char *w, size_t wlen, const char *key, int lo, int hi, int *out)
{
	size_t klen = strlen(key);
	int v = 0;

	if (wlen <= klen || memcmp(w, key, klen) != 0)
		return;
	for (size_t i = klen; i < wlen; i++) {
		if (w[i] < '0' || w[i] > '9')
			return;
		if (v < 1000)
			v = v * 10 + (w[i] - '0');
	}
	*out = v < lo ? lo : v > hi ? hi : v;
}

static void parse_resolv_line(struct words *ws, struct resolv_conf *rc)
{
	const char *w, *arg;
	size_t wlen, alen;

	if (!next_word(ws, &w, &wlen))
		return;
	if (word_is(w, wlen, "nameserver")) {
		if (next_word(ws, &arg, &alen) && rc->nns < RESOLV_MAX_NS &&
		    parse_server(arg, alen, &rc->ns[rc->nns]))
			rc->nns++;
	} else if (word_is(w, wlen, "search") || word_is(w, wlen, "domain")) {
		/* The last search/domain line wins, as in glibc; we keep its first domain. */
		if (next_word(ws, &arg, &alen) && alen < sizeof(rc->search)) {
			memcpy(rc->search, arg, alen);
			rc->search[alen] = 0;
		}
	} else if (word_is(w, wlen, "options")) {
		while (next_word(ws, &arg, &alen)) {
			parse_option(arg, alen, "timeout:", 1, 30, &rc->timeout_s);
			parse_option(arg, alen, "attempts:", 1, 5, &rc->attempts);
		}
	}
}

void resolv_conf_parse(const char *text, size_t len, struct resolv_conf *rc)
{
	const char *pos = text, *end = text + len;
	struct words ws;

	memset(rc, 0, sizeof(*rc));
	rc->timeout_s = RESOLV_TIMEOUT_DEFAULT;
	rc->attempts = RESOLV_ATTEMPTS_DEFAULT;
	while (next_line(&pos, end, &ws))
		parse_resolv_line(&ws, rc);
}

/* Case-insensitive comparison of a word with a NUL-terminated name. */
static int word_is_name(const char *w, size_t wlen, const char *name)
{
	char buf[DNS_NAME_MAX + 2];

	if (wlen >= sizeof(buf))
		return 0;
	memcpy(buf, w, wlen);
	buf[wlen] = 0;
	return dns_name_equal(buf, name);
}

static void copy_word(char *out, size_t size, const char *w, size_t wlen)
{
	if (size == 0)
		return;
	if (wlen >= size)
		wlen = size - 1;
	memcpy(out, w, wlen);
	out[wlen] = 0;
}

/* The address at the start of a hosts line, of family (AF_INET: 4 bytes,
 * AF_INET6: 16 into out). 1 if the word is one, 0 if not. */
static int hosts_addr(const char *w, size_t wlen, int family, void *out)
{
	uint32_t a;

	if (family == AF_INET) {
		if (!dnsconf_parse_ipv4(w, wlen, &a))
			return 0;
		memcpy(out, &a, 4);
		return 1;
	}
	return dnsconf_parse_ipv6(w, wlen, out);
}

static int find_name(const char *text, size_t len, const char *name, int family, uint8_t *addrs,
		     int max, char *canon, size_t canon_size)
{
	const char *pos = text, *end = text + len, *w, *first;
	size_t wlen, first_len, asize = family == AF_INET ? 4 : 16;
	struct words ws;
	uint8_t a[16];
	int n = 0;

	while (n < max && next_line(&pos, end, &ws)) {
		if (!next_word(&ws, &w, &wlen) || !hosts_addr(w, wlen, family, a))
			continue;
		if (!next_word(&ws, &first, &first_len))
			continue;
		for (w = first, wlen = first_len;;) {
			if (word_is_name(w, wlen, name)) {
				if (n == 0)
					copy_word(canon, canon_size, first, first_len);
				memcpy(addrs + asize * (size_t)n++, a, asize);
				break;
			}
			if (!next_word(&ws, &w, &wlen))
				break;
		}
	}
	return n;
}

int hosts_find_name(const char *text, size_t len, const char *name, uint32_t *addrs, int max,
		    char *canon, size_t canon_size)
{
	return find_name(text, len, name, AF_INET, (uint8_t *)addrs, max, canon, canon_size);
}

int hosts_find_name6(const char *text, size_t len, const char *name, uint8_t (*addrs)[16],
		     int max, char *canon, size_t canon_size)
{
	return find_name(text, len, name, AF_INET6, addrs[0], max, canon, canon_size);
}

static int find_addr(const char *text, size_t len, int family, const void *addr, char *name,
		     size_t size)
{
	const char *pos = text, *end = text + len, *w;
	size_t wlen, asize = family == AF_INET ? 4 : 16;
	struct words ws;
	uint8_t a[16];

	while (next_line(&pos, end, &ws)) {
		if (!next_word(&ws, &w, &wlen) || !hosts_addr(w, wlen, family, a) ||
		    memcmp(a, addr, asize) != 0)
			continue;
		if (!next_word(&ws, &w, &wlen))
			continue;
		copy_word(name, size, w, wlen);
		return 1;
	}
	return 0;
}

int hosts_find_addr(const char *text, size_t len, uint32_t addr_be, char *name, size_t size)
{
	return find_addr(text, len, AF_INET, &addr_be, name, size);
}

int hosts_find_addr6(const char *text, size_t len, const uint8_t addr[16], char *name,
		     size_t size)
{
	return find_addr(text, len, AF_INET6, addr, name, size);
}
