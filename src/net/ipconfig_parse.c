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
