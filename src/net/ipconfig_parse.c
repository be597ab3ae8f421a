/*
 * Parsing of the ip=, ip.ethN= and dhcp.timeout= command-line values (see
 * ipconfig.h). Pure string handling, host-tested in test/unit/test_ipconfig.c.
 */
#include <sis/kernel.h>
#include "ipconfig.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal number of at most max_digits digits filling s[0..len). */
static int parse_decimal(const char *s, size_t len, unsigned max_digits, u32 *out)
{
	u32 v = 0;

	if (len == 0 || len > max_digits)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return -EINVAL;
		v = v * 10 + (u32)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int ipconfig_parse_addr(const char *s, size_t len, u32 *addr)
{
	u32 result = 0;
	size_t start = 0;

	for (int part = 0; part < 4; part++) {
		size_t end = start;
		u32 v;

		while (end < len && s[end] != '.')
			end++;
		if ((part < 3) != (end < len))
			return -EINVAL; /* too few or too many dots */
		if (parse_decimal(s + start, end - start, 3, &v) || v > 255)
			return -EINVAL;
		result = result << 8 | v;
		start = end + 1;
	}
	*addr = result;
	return 0;
}

u32 ipconfig_netmask(unsigned prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - MIN(prefix, 32u));
}

/* Append the decimal form of v (0..255) at p; returns the new end. */
static char *put_octet(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

char *ipconfig_format_addr(u32 a, char *buf)
{
	char *p = buf;

	for (int shift = 24; shift >= 0; shift -= 8) {
		p = put_octet(p, (a >> shift) & 255);
		*p++ = shift ? '.' : '\0';
	}
	return buf;
}

/* Length of the field starting at s, up to ':' or the end. */
static size_t field_len(const char *s)
{
	const char *colon = strchr(s, ':');

	return colon ? (size_t)(colon - s) : strlen(s);
}

/* A usable host address: not 0.0.0.0, not loopback, multicast or broadcast. */
static bool host_addr_ok(u32 a)
{
	return a != 0 && (a >> 24) != 127 && (a >> 28) < 14;
}

/* "ADDR/PREFIX" into cfg. */
static int parse_addr_prefix(const char *s, size_t len, struct ipconfig *cfg)
{
	const char *slash = memchr(s, '/', len);
	u32 prefix;

	if (!slash)
		return -EINVAL;
	if (ipconfig_parse_addr(s, (size_t)(slash - s), &cfg->addr) || !host_addr_ok(cfg->addr))
		return -EINVAL;
	if (parse_decimal(slash + 1, len - (size_t)(slash + 1 - s), 2, &prefix) || prefix < 1 ||
	    prefix > 32)
		return -EINVAL;
	cfg->prefix = (u8)prefix;
	return 0;
}

/* An optional address field: empty is 0. */
static int parse_opt_addr(const char *s, size_t len, u32 *out)
{
	*out = 0;
	if (len == 0)
		return 0;
	if (ipconfig_parse_addr(s, len, out) || !host_addr_ok(*out))
		return -EINVAL;
	return 0;
}

static int parse_static(const char *s, struct ipconfig *out)
{
	struct ipconfig cfg = { .mode = IPCONFIG_STATIC };
	size_t len = field_len(s);

	if (parse_addr_prefix(s, len, &cfg))
		return -EINVAL;
	if (s[len] == ':') {
		s += len + 1;
		len = field_len(s);
		if (parse_opt_addr(s, len, &cfg.gateway))
			return -EINVAL;
		if (s[len] == ':') {
			s += len + 1;
			len = field_len(s);
			if (parse_opt_addr(s, len, &cfg.dns) || s[len] != '\0')
				return -EINVAL;
		}
	}
	*out = cfg;
	return 0;
}

int ipconfig_parse(const char *value, struct ipconfig *cfg)
{
	if (!value)
		return -EINVAL;
	if (strcmp(value, "dhcp") == 0) {
		*cfg = (struct ipconfig){ .mode = IPCONFIG_DHCP };
		return 0;
	}
	if (strcmp(value, "off") == 0 || strcmp(value, "none") == 0) {
		*cfg = (struct ipconfig){ .mode = IPCONFIG_OFF };
		return 0;
	}
	return parse_static(value, cfg);
}

int ipconfig_parse_ifname(const char *name)
{
	u32 n;

	if (!name || strncmp(name, "eth", 3) != 0)
		return -EINVAL;
	if (parse_decimal(name + 3, strlen(name + 3), 2, &n))
		return -EINVAL;
	return (int)n;
}

int ipconfig_parse_timeout(const char *value, u32 *ms)
{
	u32 v;

	if (!value || parse_decimal(value, strlen(value), 6, &v) || v == 0 ||
	    v > DHCP_TIMEOUT_MAX_MS)
		return -EINVAL;
	*ms = v;
	return 0;
}

/* ---- IPv6 ---- */

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One group of 1..4 hex digits at s[*i]; advances *i. */
static int parse_group(const char *s, size_t len, size_t *i, u16 *out)
{
	size_t start = *i;
	u32 v = 0;

	while (*i < len && *i - start < 4 && hex_value(s[*i]) >= 0)
		v = v << 4 | (u32)hex_value(s[(*i)++]);
	if (*i == start)
		return -EINVAL;
	*out = (u16)v;
	return 0;
}

/* Is the text from s[i] on a dotted quad (an embedded IPv4 tail)? */
static bool ipv4_tail(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] != ':')
		if (s[i++] == '.')
			return true;
	return false;
}

/* Groups and the position of "::" (gap, -1 if none) of an RFC 4291 text. */
static int parse_groups6(const char *s, size_t len, u16 groups[8], int *count, int *gap)
{
	size_t i = 0;
	int n = 0;

	*gap = -1;
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		*gap = 0;
		i = 2;
	} else if (len && s[0] == ':') {
		return -EINVAL;
	}
	while (i < len) {
		if (ipv4_tail(s, len, i)) {
			u32 v4;

			if (n > 6 || ipconfig_parse_addr(s + i, len - i, &v4))
				return -EINVAL;
			groups[n++] = (u16)(v4 >> 16);
			groups[n++] = (u16)v4;
			break;
		}
		if (n == 8 || parse_group(s, len, &i, &groups[n++]))
			return -EINVAL;
		if (i == len)
			break;
		if (s[i++] != ':' || i == len)
			return -EINVAL; /* junk, or a trailing single colon */
		if (s[i] == ':') {
			if (*gap >= 0)
				return -EINVAL; /* a second "::" */
			*gap = n;
			i++;
		}
	}
	*count = n;
	return 0;
}

int ipconfig_parse_addr6(const char *s, size_t len, u8 out[16])
{
	u16 groups[8], full[8] = { 0 };
	int n, gap;

	if (parse_groups6(s, len, groups, &n, &gap))
		return -EINVAL;
	if (gap < 0 ? n != 8 : n > 7)
		return -EINVAL;
	for (int k = 0; k < n; k++)
		full[gap < 0 || k < gap ? k : k + 8 - n] = groups[k];
	for (int k = 0; k < 8; k++) {
		out[2 * k] = (u8)(full[k] >> 8);
		out[2 * k + 1] = (u8)full[k];
	}
	return 0;
}

/* The longest run of >= 2 zero groups (the first of equal runs): RFC 5952 4.2. */
static void zero_run(const u16 g[8], int *start, int *len)
{
	*start = -1;
	*len = 1;
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > *len) {
			*start = i;
			*len = j - i;
		}
		i = j > i ? j : i + 1;
	}
}

char *ipconfig_format_addr6(const u8 a[16], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	u16 g[8];
	int run, run_len;
	char *p = buf;

	for (int i = 0; i < 8; i++)
		g[i] = (u16)(a[2 * i] << 8 | a[2 * i + 1]);
	zero_run(g, &run, &run_len);
	if (run == 0 && run_len == 5 && g[5] == 0xffff) { /* ::ffff:a.b.c.d */
		memcpy(p, "::ffff:", 7);
		ipconfig_format_addr((u32)g[6] << 16 | g[7], p + 7);
		return buf;
	}
	for (int i = 0; i < 8; i++) {
		bool lead = true;

		if (i == run) {
			*p++ = ':';
			if (i == 0)
				*p++ = ':';
			i += run_len - 1;
			continue;
		}
		for (int shift = 12; shift >= 0; shift -= 4) {
			unsigned d = (g[i] >> shift) & 15;
			if (d || !lead || shift == 0) {
				*p++ = hex[d];
				lead = false;
			}
		}
		if (i < 7)
			*p++ = ':';
	}
	*p = '\0';
	return buf;
}

static bool zero16(const u8 a[16])
{
	for (int i = 0; i < 16; i++)
		if (a[i])
			return false;
	return true;
}

/* A usable static IPv6 host address: not ::, not ::1, not multicast. */
static bool host_addr6_ok(const u8 a[16])
{
	static const u8 loopback[16] = { [15] = 1 };

	return !zero16(a) && memcmp(a, loopback, 16) != 0 && a[0] != 0xff;
}

/* "ADDR/PLEN[,GATEWAY]" */
static int parse_static6(const char *s, struct ipconfig6 *out)
{
	struct ipconfig6 cfg = { .mode = IPCONFIG6_STATIC };
	const char *slash = strchr(s, '/'), *comma;
	size_t plen_len;
	u32 prefix;

	if (!slash || ipconfig_parse_addr6(s, (size_t)(slash - s), cfg.addr) ||
	    !host_addr6_ok(cfg.addr))
		return -EINVAL;
	comma = strchr(slash, ',');
	plen_len = comma ? (size_t)(comma - slash - 1) : strlen(slash + 1);
	if (parse_decimal(slash + 1, plen_len, 3, &prefix) || prefix < 1 || prefix > 128)
		return -EINVAL;
	cfg.prefix = (u8)prefix;
	if (comma) {
		if (ipconfig_parse_addr6(comma + 1, strlen(comma + 1), cfg.gateway) ||
		    !host_addr6_ok(cfg.gateway))
			return -EINVAL;
		cfg.has_gateway = true;
	}
	*out = cfg;
	return 0;
}

int ipconfig_parse6(const char *value, struct ipconfig6 *cfg)
{
	if (!value)
		return -EINVAL;
	if (strcmp(value, "auto") == 0) {
		*cfg = (struct ipconfig6){ .mode = IPCONFIG6_AUTO };
		return 0;
	}
	if (strcmp(value, "off") == 0) {
		*cfg = (struct ipconfig6){ .mode = IPCONFIG6_OFF };
		return 0;
	}
	return parse_static6(value, cfg);
}
