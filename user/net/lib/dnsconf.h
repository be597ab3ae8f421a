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

/* One "nameserver" line: an IPv4 (network order) or IPv6 address. */
struct resolv_ns {
	int family;                       /* AF_INET, AF_INET6; 0: none */
	uint32_t v4;
	uint8_t v6[16];
	char zone[16];                    /* "fe80::1%eth0": "eth0"; "" if none */
};

struct resolv_conf {
	struct resolv_ns ns[RESOLV_MAX_NS]; /* "nameserver ADDR" lines, in file order */
	int nns;
	char search[DNS_NAME_MAX + 1];    /* first "search"/"domain" entry, "" if none */
	int timeout_s;                    /* "options timeout:N", 1..30 */
	int attempts;                     /* "options attempts:N", 1..5 */
};

/*
 * Parse resolv.conf text. Unknown lines and malformed values are skipped
 * (as glibc does); more than RESOLV_MAX_NS servers are ignored. A server
 * may be IPv4 or IPv6, with a zone ("fe80::1%eth0", as glibc). Always fills
 * *rc, with defaults where the text says nothing.
 */
void resolv_conf_parse(const char *text, size_t len, struct resolv_conf *rc);

/*
 * Look name up in hosts-file text ("ADDR NAME ALIAS... # comment" lines;
 * IPv6 lines are skipped: hosts_find_name6 reads those). Collects the
 * addresses of every line naming it (case-insensitive), up to max; canon
 * gets the first such line's first name.
 * Returns the count (0 if none).
 */
int hosts_find_name(const char *text, size_t len, const char *name, uint32_t *addrs, int max,
		    char *canon, size_t canon_size);

/* The same for the IPv6 lines (addresses of 16 bytes); canon too. */
int hosts_find_name6(const char *text, size_t len, const char *name, uint8_t (*addrs)[16],
		     int max, char *canon, size_t canon_size);

/* The first name of the first line for addr_be: 1 found (name filled), 0 not. */
int hosts_find_addr(const char *text, size_t len, uint32_t addr_be, char *name, size_t size);
int hosts_find_addr6(const char *text, size_t len, const uint8_t addr[16], char *name,
		     size_t size);

/* An IPv6 address in text form (RFC 4291 2.2, no zone) of exactly len chars. */
int dnsconf_parse_ipv6(const char *s, size_t len, uint8_t addr[16]);

/* Strict dotted-quad "a.b.c.d" (each 0..255, decimal) of exactly len chars. */
int dnsconf_parse_ipv4(const char *s, size_t len, uint32_t *addr_be);

#endif
