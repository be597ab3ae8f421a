/*
 * The resolver's configuration files, parsed from text already read into
 * memory: /etc/resolv.conf (written by the kernel from DHCP or ip=) and
 * /etc/hosts. Pure code (host unit test: test/unit/test_dns.c).
 */
#ifndef SIS_NET_DNSCONF_H
#define SIS_NET_DNSCONF_H

#include <stddef.h>
#include <stdint.h>

#include "dns.h"

#define RESOLV_MAX_NS 3            /* MAXNS, as glibc */
#define RESOLV_TIMEOUT_DEFAULT 5   /* seconds per try, glibc's RES_TIMEOUT */
#define RESOLV_ATTEMPTS_DEFAULT 2  /* rounds over all servers, glibc's RES_DFLRETRY */

struct resolv_conf {
	uint32_t ns[RESOLV_MAX_NS];       /* "nameserver A.B.C.D" lines, network order */
	int nns;
	char search[DNS_NAME_MAX + 1];    /* first "search"/"domain" entry, "" if none */
	int timeout_s;                    /* "options timeout:N", 1..30 */
	int attempts;                     /* "options attempts:N", 1..5 */
};

/*
 * Parse resolv.conf text. Unknown lines and malformed values are skipped
 * (as glibc does); more than RESOLV_MAX_NS servers are ignored. Always fills
 * *rc, with defaults where the text says nothing.
 */
void resolv_conf_parse(const char *text, size_t len, struct resolv_conf *rc);

/*
 * Look name up in hosts-file text ("ADDR NAME ALIAS... # comment" lines;
 * IPv6 lines are skipped). Collects the addresses of every line naming it
 * (case-insensitive), up to max; canon gets the first such line's first name.
 * Returns the count (0 if none).
 */
int hosts_find_name(const char *text, size_t len, const char *name, uint32_t *addrs, int max,
		    char *canon, size_t canon_size);

/* The first name of the first line for addr_be: 1 found (name filled), 0 not. */
int hosts_find_addr(const char *text, size_t len, uint32_t addr_be, char *name, size_t size);

/* Strict dotted-quad "a.b.c.d" (each 0..255, decimal) of exactly len chars. */
int dnsconf_parse_ipv4(const char *s, size_t len, uint32_t *addr_be);

#endif
