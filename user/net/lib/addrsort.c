/*
 * RFC 6724 destination address selection (section 6), pure: getaddrinfo
 * (netdb.c) finds each destination's source address and hands the list
 * here. Rules 1 (unusable destinations last), 2 (matching scope),
 * 3 (deprecated sources last), 5 (matching label), 6 (higher precedence),
 * 8 (smaller scope), 9 (longest matching prefix, IPv6 only, up to the
 * source's prefix length) and 10 (otherwise the order given) with the
 * default policy table of section 2.1; rules 4 and 7 (home addresses,
 * native transport) do not apply to SIS. As section 10.6 suggests, the /48
 * of each of this host's ULAs gets its own row (precedence 45, label 14),
 * so a destination in the host's own ULA site is preferred over IPv4.
 * IPv4 addresses are v4-mapped (::ffff:a.b.c.d) throughout.
 */
#include <string.h>

#include "addrsort.h"

struct policy {
	uint8_t prefix[16];
	unsigned len;
	int precedence, label;
};

/* RFC 6724 2.1. */
static const struct policy default_policy[] = {
	{ { [15] = 1 }, 128, 50, 0 },                 /* ::1/128 */
	{ { 0 }, 0, 40, 1 },                          /* ::/0 */
	{ { [10] = 0xff, [11] = 0xff }, 96, 35, 4 },  /* ::ffff:0:0/96 */
	{ { 0x20, 0x02 }, 16, 30, 2 },                /* 2002::/16 */
	{ { 0x20, 0x01 }, 32, 5, 5 },                 /* 2001::/32 */
	{ { 0xfc }, 7, 3, 13 },                       /* fc00::/7 */
	{ { 0 }, 96, 1, 3 },                          /* ::/96 */
	{ { 0xfe, 0xc0 }, 10, 1, 11 },                /* fec0::/10 */
	{ { 0x3f, 0xfe }, 16, 1, 12 },                /* 3ffe::/16 */
};

#define ULA_PRECEDENCE 45
#define ULA_LABEL 14

/* Leading bits a and b share, up to max. */
static unsigned common_prefix(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned n = 0;

	while (n < max && n < 128) {
		uint8_t x = a[n / 8] ^ b[n / 8];

		if (x & (0x80 >> (n % 8)))
			break;
		n++;
	}
	return n;
}

static bool is_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, prefix, 12) == 0;
}

/* The policy row of a: the longest prefix that matches, this host's ULA
 * sites included. */
static struct policy lookup(const uint8_t *a, const uint8_t (*ula48)[16], int nula)
{
	struct policy best = default_policy[1];

	for (size_t i = 0; i < sizeof(default_policy) / sizeof(default_policy[0]); i++) {
		const struct policy *p = &default_policy[i];

		if (p->len >= best.len && common_prefix(a, p->prefix, p->len) == p->len)
			best = *p;
	}
	for (int i = 0; i < nula; i++)
		if (common_prefix(a, ula48[i], 48) == 48 && best.len <= 48)
			best = (struct policy){ .len = 48, .precedence = ULA_PRECEDENCE,
						.label = ULA_LABEL };
	return best;
}

/* RFC 6724 3.1 and 3.2: multicast scope, link-local (loopback and IPv4's
 * 127/8 and 169.254/16 too) 2, site-local 5, global 14. */
static int scope_of(const uint8_t *a)
{
	static const uint8_t loopback[16] = { [15] = 1 };

	if (a[0] == 0xff)
		return a[1] & 0x0f;
	if (is_mapped(a))
		return a[12] == 127 || (a[12] == 169 && a[13] == 254) ? 2 : 14;
	if (!memcmp(a, loopback, 16) || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
		return 2;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return 5;
	return 14;
}

/* < 0 when da goes before db. */
static int compare(const struct addrsort_dest *da, const struct addrsort_dest *db,
		   const uint8_t (*ula48)[16], int nula)
{
	struct policy pda, pdb, psa, psb;
	int sda, sdb;

	if (da->usable != db->usable) /* rule 1 */
		return da->usable ? -1 : 1;
	if (!da->usable)
		return da->index - db->index;
	sda = scope_of(da->addr);
	sdb = scope_of(db->addr);
	if ((sda == scope_of(da->src)) != (sdb == scope_of(db->src))) /* rule 2 */
		return sda == scope_of(da->src) ? -1 : 1;
	if (da->src_deprecated != db->src_deprecated) /* rule 3 */
		return da->src_deprecated ? 1 : -1;
	pda = lookup(da->addr, ula48, nula);
	pdb = lookup(db->addr, ula48, nula);
	psa = lookup(da->src, ula48, nula);
	psb = lookup(db->src, ula48, nula);
	if ((pda.label == psa.label) != (pdb.label == psb.label)) /* rule 5 */
		return pda.label == psa.label ? -1 : 1;
	if (pda.precedence != pdb.precedence) /* rule 6 */
		return pdb.precedence - pda.precedence;
	if (sda != sdb) /* rule 8 */
		return sda - sdb;
	if (!is_mapped(da->addr) && !is_mapped(db->addr)) { /* rule 9 */
		unsigned ca = common_prefix(da->addr, da->src, da->src_plen);
		unsigned cb = common_prefix(db->addr, db->src, db->src_plen);

		if (ca != cb)
			return ca > cb ? -1 : 1;
	}
	return da->index - db->index; /* rule 10 */
}

void addrsort(struct addrsort_dest *d, int n, const uint8_t (*ula48)[16], int nula)
{
	for (int i = 1; i < n; i++) { /* insertion sort: stable, n is small */
		struct addrsort_dest x = d[i];
		int j = i;

		while (j > 0 && compare(&x, &d[j - 1], ula48, nula) < 0) {
			d[j] = d[j - 1];
			j--;
		}
		d[j] = x;
	}
}
