/*
 * The stub resolver behind <netdb.h>: /etc/hosts, then DNS over UDP to the
 * servers of /etc/resolv.conf (rounds of tries with a timeout each, as glibc:
 * "options timeout:N attempts:N"; a truncated answer is asked again over
 * TCP), with a small per-process cache that keeps answers for their TTL
 * (NXDOMAIN for RESOLVER_NEG_TTL seconds).
 *
 * Used by netdb.c (getaddrinfo & co.) and directly by nslookup, which wants
 * the DNS response code and the server that answered.
 */
#ifndef SIS_NET_RESOLVER_H
#define SIS_NET_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns.h"
#include "dnsconf.h"

#ifndef RESOLV_CONF_PATH   /* overridable for trying the resolver on a host */
#define RESOLV_CONF_PATH "/etc/resolv.conf"
#define HOSTS_PATH "/etc/hosts"
#endif
#define RESOLVER_CACHE_SIZE 16
#define RESOLVER_NEG_TTL 5     /* seconds an NXDOMAIN answer is remembered */
#define RESOLVER_MAX_TTL 3600  /* cap, so a stale entry cannot live forever */

/* resolver_query() errors (negative). */
#define RESOLVER_E_NOSERVER (-1)  /* resolv.conf names no server */
#define RESOLVER_E_TIMEOUT (-2)   /* no server answered in time */
#define RESOLVER_E_FAIL (-3)      /* servers answered SERVFAIL/REFUSED (in r->ans.rcode,
				     r->server) or garbage */
#define RESOLVER_E_BADNAME (-4)   /* the name cannot be put in a query */
#define RESOLVER_E_SYSTEM (-5)    /* a socket call failed: errno says why */

struct resolver_reply {
	struct dns_answer ans;
	struct resolv_ns server; /* the server that answered; family 0 if cached */
	bool cached;
};

/* Read the current /etc/resolv.conf (defaults if it is missing). */
void resolver_conf(struct resolv_conf *rc);

/*
 * Ask DNS for name/qtype (DNS_T_A, DNS_T_AAAA or DNS_T_PTR). 0 with *r filled when a
 * server gave a definite answer: NOERROR (possibly without records) or
 * NXDOMAIN (r->ans.rcode); else a RESOLVER_E_* error. rc NULL means the
 * servers of /etc/resolv.conf (and the cache); otherwise exactly rc's
 * servers are asked and the cache is bypassed (nslookup NAME SERVER).
 */
int resolver_query(const char *name, uint16_t qtype, const struct resolv_conf *rc,
		   struct resolver_reply *r);

/*
 * Addresses of a host name of family (AF_INET: A records, AF_INET6: AAAA,
 * AF_UNSPEC: both): /etc/hosts first (if it has the name in a wanted
 * family, DNS is not asked), then DNS (a name without dots is tried with
 * the search domain first; for AF_UNSPEC an A and an AAAA query, either
 * may come back empty). 0 with ans->addrs/naddrs, addrs6/naddrs6 and canon
 * filled, or an EAI_* code (EAI_NONAME, EAI_NODATA, EAI_AGAIN, EAI_FAIL,
 * EAI_SYSTEM).
 */
int resolver_lookup_host(const char *name, int family, struct dns_answer *ans);

/* The name of an address (network order): /etc/hosts, then a PTR query.
 * 0 with name filled, or an EAI_* code. */
int resolver_lookup_addr(uint32_t addr_be, char *name, size_t size);

/* The same for an IPv6 address (an ip6.arpa PTR query). */
int resolver_lookup_addr6(const uint8_t addr[16], char *name, size_t size);

/* Read a whole small file into buf (NUL-terminated): its length, or -1. */
long resolver_read_file(const char *path, char *buf, size_t size);

#endif
